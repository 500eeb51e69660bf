package importer

import (
	"fmt"
	"strings"
	"testing"

	"csperf"
)

func TestMapHeader(t *testing.T) {
	m, err := MapHeader(testKind, []string{"\uFEFF Visit_ID ", "进站日期（visit_date）", "PHONE", "*结算金额", "Answered At",
		"客户编号 (customer_id)", "门店", "", "key-account", "ｅｍａｉｌ"})
	if err != nil {
		t.Fatal(err)
	}
	cols := map[string]int{}
	for i, f := range testKind.Fields {
		cols[f.Name] = m.Columns[i]
	}
	want := map[string]int{"visit_id": 0, "visit_date": 1, "phone": 2, "amount": 3, "answered_at": 4, "customer_id": 5,
		"key_account": 8, "email": 9, "id_number": -1, "mode": -1, "score": -1, "note": -1, "source": -1}
	for name, c := range want {
		if cols[name] != c {
			t.Errorf("%s in column %d, want %d", name, cols[name], c)
		}
	}
	if fmt.Sprint(m.Ignored) != "[门店]" {
		t.Errorf("ignored %q", m.Ignored)
	}
}

func TestMapHeaderErrors(t *testing.T) {
	for _, c := range []struct {
		header []string
		want   string
	}{
		{[]string{"编号", "备注"}, ":1: missing column visit_date (进站日期)"},
		{[]string{"备注"}, ":1: missing column visit_id (进站编号)\n:1: missing column visit_date (进站日期)"},
		{[]string{"编号", "进站日期", "visit_date"}, ":1: column visit_date: columns B (进站日期) and C (visit_date) are both visit_date"},
		{[]string{"编号", "进站日期", "电话", "手机号"}, ":1: column 手机号: columns C (电话) and D (手机号) are both phone"},
	} {
		_, err := MapHeader(testKind, c.header)
		if err == nil || err.Error() != c.want {
			t.Errorf("%q: error %q, want %q", c.header, err, c.want)
		}
		if _, ok := err.(*csperf.ImportError); !ok {
			t.Errorf("%q: error is %T", c.header, err)
		}
	}
	// A header two fields answer to at the same tier is refused when used.
	k := &csperf.Kind{Name: "k", Fields: []csperf.Field{
		{Name: "a", Aliases: []string{"时间"}}, {Name: "b", Aliases: []string{"时间"}}, {Name: "c", Label: "a"}}}
	if _, err := MapHeader(k, []string{"时间"}); err == nil || !strings.Contains(err.Error(), "more than one field") {
		t.Errorf("ambiguous: %v", err)
	}
	// A name beats another field's label.
	m, err := MapHeader(k, []string{"A"})
	if err != nil || m.Columns[0] != 0 || m.Columns[2] != -1 {
		t.Errorf("tiers: %v %v", m.Columns, err)
	}
}

func TestReaderMapNamesFile(t *testing.T) {
	r := mustOpen(t, "visits.csv", []byte("编号\nV1\n"))
	_, err := r.Map(testKind)
	if err == nil || err.Error() != "visits.csv:1: missing column visit_date (进站日期)" {
		t.Errorf("error %q", err)
	}
}
