package web

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"
)

// userMessage is one message text the store, the importer, the root
// package or a calculation package can hand a user, found in the source.
type userMessage struct {
	pos    string // file:line
	format string // the format string (or the plain text)
}

// messagePackages are the packages whose error messages reach pages: the
// web package's own, then the store's, the importer's, the root's and the
// calculation packages'.
var messagePackages = []string{".", "..", "../sqlstore", "../churn", "../kpi", "../scorecard", "../importer"}

// scanMessages returns every format string given to csperf.Errorf,
// csperf.FieldErrorf, fmt.Errorf (unless it wraps with %w: the wrapped
// error's message is what a user sees), errors.New, and every Message or
// Reason field of a composite literal or an assignment, and every format given to a local
// helper that takes a format (a function whose parameter is named
// "format"), in the non-test files of messagePackages.
func scanMessages(t *testing.T) []userMessage {
	t.Helper()
	var out []userMessage
	for _, dir := range messagePackages {
		files, err := filepath.Glob(filepath.Join(dir, "*.go"))
		if err != nil {
			t.Fatal(err)
		}
		fset := token.NewFileSet()
		var parsed []*ast.File
		helpers := map[string]int{} // helper name → index of its format parameter
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") {
				continue
			}
			af, err := parser.ParseFile(fset, f, nil, 0)
			if err != nil {
				t.Fatal(err)
			}
			parsed = append(parsed, af)
			ast.Inspect(af, func(n ast.Node) bool {
				var ft *ast.FuncType
				var name string
				switch x := n.(type) {
				case *ast.FuncDecl:
					ft, name = x.Type, x.Name.Name
				case *ast.AssignStmt:
					if len(x.Lhs) == 1 && len(x.Rhs) == 1 {
						if fl, ok := x.Rhs[0].(*ast.FuncLit); ok {
							if id, ok := x.Lhs[0].(*ast.Ident); ok {
								ft, name = fl.Type, id.Name
							}
						}
					}
				}
				if ft == nil || name == "Errorf" || name == "FieldErrorf" {
					return true
				}
				i := 0
				for _, p := range ft.Params.List {
					for _, pn := range p.Names {
						if pn.Name == "format" {
							helpers[name] = i
						}
						i++
					}
					if len(p.Names) == 0 {
						i++
					}
				}
				return true
			})
		}
		for _, af := range parsed {
			ast.Inspect(af, func(n ast.Node) bool {
				add := func(e ast.Expr) {
					bl, ok := e.(*ast.BasicLit)
					if !ok || bl.Kind != token.STRING {
						return
					}
					s, err := strconv.Unquote(bl.Value)
					if err != nil || s == "" {
						return
					}
					p := fset.Position(bl.Pos())
					out = append(out, userMessage{pos: filepath.Base(filepath.Dir(p.Filename+"x")) + "/" + filepath.Base(p.Filename) + ":" + strconv.Itoa(p.Line), format: s})
				}
				switch x := n.(type) {
				case *ast.CallExpr:
					name, pkg := "", ""
					switch f := x.Fun.(type) {
					case *ast.SelectorExpr:
						name = f.Sel.Name
						if id, ok := f.X.(*ast.Ident); ok {
							pkg = id.Name
						}
					case *ast.Ident:
						name = f.Name
					}
					switch {
					case (pkg == "csperf" || pkg == "") && (name == "Errorf" || name == "FieldErrorf") && len(x.Args) >= 2:
						add(x.Args[1])
					case pkg == "fmt" && name == "Errorf" && len(x.Args) >= 1:
						if bl, ok := x.Args[0].(*ast.BasicLit); ok && !strings.Contains(bl.Value, "%w") {
							add(x.Args[0])
						}
					case pkg == "errors" && name == "New" && len(x.Args) == 1:
						add(x.Args[0])
					case pkg == "":
						if i, ok := helpers[name]; ok && i < len(x.Args) {
							add(x.Args[i])
						}
					}
				case *ast.AssignStmt:
					if len(x.Lhs) == 1 && len(x.Rhs) == 1 {
						if sel, ok := x.Lhs[0].(*ast.SelectorExpr); ok && (sel.Sel.Name == "Message" || sel.Sel.Name == "Reason") {
							add(x.Rhs[0])
							if c, ok := x.Rhs[0].(*ast.CallExpr); ok {
								if f, ok := c.Fun.(*ast.SelectorExpr); ok && f.Sel.Name == "Sprintf" && len(c.Args) > 0 {
									add(c.Args[0])
								}
							}
						}
					}
				case *ast.KeyValueExpr:
					if k, ok := x.Key.(*ast.Ident); ok && (k.Name == "Message" || k.Name == "Reason") {
						add(x.Value)
						if c, ok := x.Value.(*ast.CallExpr); ok {
							if f, ok := c.Fun.(*ast.SelectorExpr); ok && f.Sel.Name == "Sprintf" && len(c.Args) > 0 {
								add(c.Args[0])
							}
						}
					}
				}
				return true
			})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].pos < out[j].pos })
	return out
}

var verb = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

// sampleMessage fills a format's verbs with sample values: ids for %s and %v,
// quoted ids for %q, 7 for %d, 1.5 for the others. Overrides give the
// values of a format whose rule expects particular words.
func sampleMessage(format string, args []string) string {
	i := 0
	return verb.ReplaceAllStringFunc(format, func(v string) string {
		if v == "%%" {
			return "%"
		}
		var a string
		if i < len(args) {
			a = args[i]
		}
		i++
		switch v[len(v)-1] {
		case 'q':
			if a == "" {
				a = "X1"
			}
			return strconv.Quote(a)
		case 'd':
			if a == "" {
				a = "7"
			}
			return a
		case 's', 'v':
			if a == "" {
				a = "X1"
			}
			return a
		}
		if a == "" {
			a = "1.5"
		}
		return a
	})
}

// englishWord finds the words of Latin letters in a text, not counting
// ids and field names (with digits or _) and upper-case format words
// (YYYY-MM-DD, XLSX).
var englishWord = regexp.MustCompile(`[A-Za-z0-9_]+`)

// keptWords may stay in a Chinese message: product and format names, and
// the codes a user types, each explained in Chinese beside it.
var keptWords = map[string]bool{
	"Excel": true, "MiB": true, "Webhook": true, "http": true, "zip": true,
	"csv": true, "xlsx": true, "json": true, "tsv": true, "txt": true, "xls": true,
	"online": true, "offline": true, "self": true, "supervisor": true, "value": true, "numerator": true,
	"annual": true, "quarterly": true, "monthly": true, "open": true, "answered": true, "expired": true,
	"zh": true, "en": true, "as": true, "overall": true,
}

// pathOrQuery is a path or a query parameter a message tells the user to
// use (/account/totp, ?month=YYYY-MM, draft=1): not English to translate.
var pathOrQuery = regexp.MustCompile(`[?/][\w/=.-]+|\w+=\w+`)

// englishLeft returns the English words left in a Chinese message.
func englishLeft(s string) []string {
	var left []string
	s = pathOrQuery.ReplaceAllString(s, " ")
	for _, w := range englishWord.FindAllString(s, -1) {
		if len(w) < 2 || strings.ContainsAny(w, "0123456789_") || strings.ToUpper(w) == w || keptWords[w] {
			continue
		}
		left = append(left, w)
	}
	return left
}

// sampleArgs gives the sample values of formats whose rule expects
// particular words (a level, a kind, a number where %s stands).
var sampleArgs = map[string][]string{
	"name the %s": {"department"},
	"no %s %q":    {"employee"},
}

// internalOnly are messages that never reach a page: they describe a
// broken database or a programming error and are shown as "internal
// error" (csperf.ErrorMessage), or they are wrapped with context that the
// pages show through the wrapped *csperf.Error. Each says why.
var internalOnly = map[string]string{
	"cannot scan %T into csperf.Date":  "a database value of the wrong type",
	"cannot scan %T into csperf.Money": "a database value of the wrong type",
	"bool column holds %T":             "a database value of the wrong type",
	"integer column holds %T":          "a database value of the wrong type",
	"time column holds %T":             "a database value of the wrong type",
	// churn.Assess checks the inputs the store builds from its own rows,
	// which the importer validated.
	"visits of %s on %s are outside the base month %s":                                                         "store-built churn input",
	"negative visits of %s on %s":                                                                              "store-built churn input",
	"customer %s: last visit %s is outside the base month %s":                                                  "store-built churn input",
	"customer %s: more churned customers than visits of %s on %s":                                              "store-built churn input",
	"customer %s is listed twice":                                                                              "store-built churn input",
	"a membership needs an employee and a group":                                                               "store-built churn input (imports require both)",
	"membership of %s in %s ends (%s) before it starts (%s)":                                                   "store-built churn input (imports refuse it)",
	"a coverage needs a specialist and exactly one of an advisor and a group":                                  "store-built churn input (imports require both)",
	"coverage of %s by %s ends (%s) before it starts (%s)":                                                     "store-built churn input (imports refuse it)",
	"visit %s of customer %s comes after visit %s of customer %s: visits must be sorted by customer, date, id": "store-built churn input",
	"entry %d is %s, want %s":                                                                                  "store-built churn input (the previous months' reports)",
	"ratio %s overflows":                                                                                       "an internal error (EINTERNAL): pages show no detail",
	"no monthly report to total":                                                                               "churn.Window is given the reports the store computed for a range",
	"a monthly report is missing":                                                                              "churn.Window is given the reports the store computed for a range",
	"two reports for %s":                                                                                       "churn.Window is given the reports the store computed for a range",
	"field %s has an unknown type %d":                                                                          "a programming error in a kind's descriptor",
	"export: a row of %d cells under a header of %d":                                                           "a programming error in an export",
	"export: column %q appears twice; JSON objects need distinct keys":                                         "a programming error in an export",
	"field %q has no comparable type":                                                                          "a programming error in a KPI filter",
	"kpi roll-ups: %s has no field %s":                                                                         "a programming error in the roll-ups",
	"kpi roll-ups: %T is not a date":                                                                           "a database value of the wrong type",
	"kpi %s: aggregation %q has no store path":                                                                 "a programming error in the KPI store",
	"survey link: no token hash":                                                                               "a programming error in survey links",
	// Only the API gives these, and the API answers in English.
	"the body is too large or unreadable":                                    "API only",
	"use Authorization: Bearer TOKEN":                                        "API only",
	"the body must be the churn settings as GET returns them: %v":            "API only",
	"the body must be {\"reason\": \"…\"}":                                   "API only",
	"give at least one rating":                                               "API only",
	"give the points (0–100)":                                                "API only",
	"%s has no ratings":                                                      "API only (a ratings file)",
	"the payroll file is csv or xlsx, not %q":                                "API only",
	"column names are en or zh, not %q":                                      "API only",
	"give ?year=YYYY":                                                        "API only",
	"the body's id %q is not the path's %q":                                  "API only",
	"the body must be %s: %s has the wrong type":                             "API only",
	"the body must be %s: %v":                                                "API only",
	"the body is not a JSON object: %v":                                      "API only",
	"the body's id %q is not the path's %q; a KPI's id cannot change":        "API only",
	"give \"done\": \"YYYY-MM-DD\", or null for not done":                    "API only",
	"give \"url\" (and \"secret\"), or \"url\": \"\" to stop posting alerts": "API only",
	"want a JSON %s here, not %s":                                            "API only",
	"unknown field %q":                                                       "API only",
	"the body must be {\"text\": \"…\"}":                                     "API only",
	"the body must be a JSON object with customer_id, employee_id, source_kind and source_id": "API only",
	"give the file's name (?name=visits.csv), whose extension says its format":                "API only (a raw upload)",
	"the body must be a JSON object of field values":                                          "API only",
	"want %s, not a number":                  "API only (JSON values)",
	"want %s, not true or false":             "API only (JSON values)",
	"want %s":                                "API only (JSON values)",
	"web: every store of Config is required": "a programming error at start-up",
	// Said to the operator at the command line before any page exists.
	"migration %s: name must be NNNN_name.sql":                                                          "command line only",
	"migrations %s and %s share version %d: renumber the later one":                                     "command line only",
	"the database schema is at version %d but this csperf needs %d: run `csperf migrate --db %s` first": "command line only",
	"the database schema is at version %d, newer than this csperf (%d): use a newer csperf":             "command line only",
	"empty sqlite path in %q": "command line only",
}

// TestEveryUserMessageIsTranslated scans the store, the importer, the
// root package and the calculation packages for every message they can
// give a user, fills each with sample values, and requires its Chinese
// rendering to leave no English sentence: a new message without a rule
// in zhRules fails here.
func TestEveryUserMessageIsTranslated(t *testing.T) {
	msgs := scanMessages(t)
	if len(msgs) < 200 {
		t.Fatalf("found only %d messages: the scanner is broken", len(msgs))
	}
	bad := 0
	seen := map[string]bool{}
	for _, m := range msgs {
		if _, ok := internalOnly[m.format]; ok || seen[m.format] {
			continue
		}
		seen[m.format] = true
		if strings.Trim(verb.ReplaceAllString(m.format, ""), " :;,\n") == "" {
			continue // only verbs: the message is made elsewhere
		}
		in := sampleMessage(m.format, sampleArgs[m.format])
		zh := localize("zh", nil, in)
		if os.Getenv("SHOW_MESSAGES") != "" {
			t.Logf("%s\t%s\t%s", m.pos, in, zh)
		}
		if left := englishLeft(zh); len(left) > 0 {
			bad++
			t.Errorf("%s: %q is shown as %q (English left: %s)", m.pos, in, zh, strings.Join(left, " "))
		}
	}
	t.Logf("%d messages, %d distinct, %d untranslated", len(msgs), len(seen), bad)
	if os.Getenv("LIST_MESSAGES") != "" {
		for _, m := range msgs {
			t.Logf("%s\t%q", m.pos, m.format)
		}
	}
}

// TestLocalizeComposite checks messages made of several: a batch's
// problems one a line, a prefix before a message of its own, an alert with
// its level, and a message that a looser rule once took.
func TestLocalizeComposite(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"no rating was saved:\nrating 1 (A2/teamwork/self): user zhang (agent) may not give this rating\nrating 2 (A1/csat/self): 101 points is outside 0–100\n… and 3 more",
			"未保存任何评分：\n第 1 条评分（A2/teamwork/self）：您无权给出这项评分\n第 2 条评分（A1/csat/self）：101 分超出 0–100\n……另有 3 条"},
		{`amount: "abc" is not a number`, `金额：“abc”不是数字`},
		{"2015-12 employee A1: 客户满意度 60.0% misses its target 80.0%", "2015-12 员工 A1：客户满意度 60.0% 未达到目标 80.0%"},
		{"2015-12 group G1: 投诉率 5.0% is worse than the mean of the 3 previous months 3.0%", "2015-12 班组 G1：投诉率 5.0% 差于前 3 个月的平均值 3.0%"},
		{"mean of the 3 previous months 85.00%", "前 3 个月平均值 85.00%"},
		{"a record with this id exists already", "该编号已存在"},
		{"visits are identified by visit_id", "进站记录以 visit_id 为编号"},
	} {
		if got := localize("zh", nil, c.in); got != c.want {
			t.Errorf("localize(%q)\n = %q\nwant %q", c.in, got, c.want)
		}
		if got := localize("en", nil, c.in); got != c.in {
			t.Errorf("English %q became %q", c.in, got)
		}
	}
}
