package csperf

import (
	"strings"
	"testing"
)

func TestCleanOrgName(t *testing.T) {
	for _, c := range []struct{ in, want, err string }{
		{"  华东汽车服务有限公司 ", "华东汽车服务有限公司", ""},
		{"ACME Service Co.", "ACME Service Co.", ""},
		{strings.Repeat("名", 100), strings.Repeat("名", 100), ""},
		{strings.Repeat("名", 101), "", "name: is 101 characters long, at most 100"},
		{" \t ", "", "name: give the organisation's name"},
		{"", "", "name: give the organisation's name"},
		{"一行\n两行", "", "name: holds a line break"},
	} {
		got, err := CleanOrgName(c.in)
		if c.err != "" {
			if err == nil || ErrorCode(err) != EINVALID || !strings.HasPrefix(err.Error(), c.err) {
				t.Errorf("CleanOrgName(%q) = %q, %v; want error %q", c.in, got, err, c.err)
			}
			continue
		}
		if err != nil || got != c.want {
			t.Errorf("CleanOrgName(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}
