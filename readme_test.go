package csperf_test

import (
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"csperf"
)

var update = flag.Bool("update", false, "rewrite README.md's generated sections")

// kindsTable is README's list of import kinds, generated from the registry
// so that the documentation cannot drift from the code.
func kindsTable() string {
	var b strings.Builder
	b.WriteString("| kind | columns (`*` required) | Chinese headers accepted |\n| --- | --- | --- |\n")
	for _, k := range csperf.Kinds {
		var cols, zh []string
		for _, f := range k.Fields {
			c := "`" + f.Name + "`"
			if f.Required {
				c += "*"
			}
			cols = append(cols, c)
			names := append([]string{f.Label}, f.Aliases...)
			zh = append(zh, strings.Join(names, "/"))
		}
		fmt.Fprintf(&b, "| `%s` %s | %s | %s |\n", k.Name, k.Label, strings.Join(cols, ", "), strings.Join(zh, ", "))
	}
	return b.String()
}

func TestReadmeKinds(t *testing.T) {
	b, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	s := string(b)
	const begin, end = "<!-- kinds:begin -->\n", "<!-- kinds:end -->"
	i, j := strings.Index(s, begin), strings.Index(s, end)
	if i < 0 || j < i {
		t.Fatal("README.md lacks the kinds markers")
	}
	want := s[:i+len(begin)] + kindsTable() + s[j:]
	if *update {
		if err := os.WriteFile("README.md", []byte(want), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if want != s {
		t.Fatal("README.md's list of kinds is stale: run go test -run TestReadmeKinds . -update")
	}
}
