package pdf

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"codeberg.org/go-pdf/fpdf"

	"csperf"
	"csperf/churn"
	"csperf/kpi"
	"csperf/scorecard"
)

// text returns the text of pages first..last of the PDF b, as pdftotext
// (poppler-utils; `make test` installs it) extracts it; 0, 0 for all.
func text(t *testing.T, b []byte, first, last int) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed; make test installs it")
	}
	p := filepath.Join(t.TempDir(), "doc.pdf")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	args := []string{"-enc", "UTF-8"}
	if first > 0 {
		args = append(args, "-f", fmt.Sprint(first), "-l", fmt.Sprint(last))
	}
	out, err := exec.Command("pdftotext", append(args, p, "-")...).Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return string(out)
}

func render(t *testing.T, d *Document) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, d); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %.20q", buf.Bytes())
	}
	return buf.Bytes()
}

func pages(b []byte) int {
	return bytes.Count(b, []byte("/Type /Page\n")) + bytes.Count(b, []byte("/Type /Page "))
}

var shanghai = time.FixedZone("CST", 8*3600)

func meta(lang string) Meta {
	return Meta{Lang: lang, Org: "华东汽车服务有限公司", By: "王经理 (manager)", At: time.Date(2015, 10, 8, 1, 30, 0, 0, time.UTC), Loc: shanghai}
}

func rate(s string) *string { return &s }

// churnReport is a month with 150 churned customers, so that the list runs
// over several pages.
func churnReport() (*churn.Report, *Names) {
	rep := &churn.Report{Month: csperf.MakeMonth(2015, 9), Threshold: 8, BaseMonth: csperf.MakeMonth(2015, 1),
		Department: churn.Figure{Churned: 150, Visits: 4000, Rate: rate("3.75%")}, AverageKind: "department",
		Average: &churn.Fraction{Num: "150", Den: "4000", Rate: "3.75%"},
		Groups: []churn.GroupRow{{GroupID: "G01", Churned: 90, Visits: 2000, Rate: rate("4.50%"), Comparison: ">", Result: churn.ResultPenalty, Amount: -20000},
			{GroupID: "G02", Churned: 60, Visits: 2000, Rate: rate("3.00%"), Comparison: "<", Result: churn.ResultReward, Amount: 20000}},
		Advisors: []churn.AdvisorRow{{EmployeeID: "E0014", GroupID: "G01", Groups: []string{"G01"}, Churned: 90, Visits: 2000, Rate: rate("4.50%")}},
		Managers: []churn.ManagerRow{{EmployeeID: "E0002", Position: "service_manager", Comparison: ">", Result: churn.ResultPenalty, Amount: -20000}},
	}
	names := &Names{Employees: map[string]string{"E0014": "黄永杰", "E0002": "陈兵鑫"}, Groups: map[string]string{"G01": "业务接待一组", "G02": "业务接待二组"},
		Positions: map[string][2]string{"service_manager": {"服务经理", "Service manager"}}, Customers: map[string]Customer{}}
	for i := range 150 {
		id := fmt.Sprintf("C%06d", i)
		rep.ChurnedCustomers = append(rep.ChurnedCustomers, churn.ChurnedRow{CustomerID: id, LastVisit: csperf.MakeMonth(2015, 1).First() + csperf.Date(i%28),
			LastVisitID: fmt.Sprintf("V2015%06d", i), AdvisorID: "E0014", GroupID: "G01"})
		names.Customers[id] = Customer{Name: "客户" + fmt.Sprint(i), Phone: fmt.Sprintf("138%08d", 10000000+i)}
	}
	return rep, names
}

func TestChurnDocument(t *testing.T) {
	rep, names := churnReport()
	b := render(t, Churn(meta("zh"), rep, names))
	all := text(t, b, 0, 0)
	for _, want := range []string{"售后客户流失率考核", "华东汽车服务有限公司", "2015-09（基准月份 2015-01", "生成时间", "2015-10-08 09:30:00 CST",
		"王经理 (manager)", "业务接待一组", "4.50%", "-200.00", "200.00", "处罚", "奖励", "黄永杰", "服务经理", "陈兵鑫",
		"流失客户（150 位）", "客户149", "138****0149", "V2015000149"} {
		if !strings.Contains(all, want) {
			t.Errorf("the churn PDF lacks %q", want)
		}
	}
	// Phones are masked: no whole number anywhere.
	for i := range 150 {
		if p := fmt.Sprintf("138%08d", 10000000+i); strings.Contains(all, p) {
			t.Fatalf("phone %s is not masked", p)
		}
	}
	// The list breaks across pages; each page it continues on repeats
	// the header, and the last page says how many there are.
	n := strings.Count(all, "\f")
	if n < 3 {
		t.Fatalf("%d pages, want the list over several", n)
	}
	for p := 2; p <= n; p++ {
		pt := text(t, b, p, p)
		if !strings.Contains(pt, "客户编号") || !strings.Contains(pt, "联系电话") {
			t.Errorf("page %d lacks the table header: %.300s", p, pt)
		}
		// pdftotext drops the spaces around the page count, whose width
		// changes when the total replaces its placeholder.
		if !strings.Contains(strings.ReplaceAll(pt, " ", ""), fmt.Sprintf("第%d页/共%d页", p, n)) {
			t.Errorf("page %d lacks its number of %d: %q", p, n, pt[max(0, len(pt)-300):])
		}
	}
	// The font is subset: a few pages weigh tens of kilobytes, not 4.6 MB.
	if len(b) > 300<<10 {
		t.Errorf("the PDF weighs %d bytes: the font is not subset", len(b))
	}

	en := text(t, render(t, Churn(meta("en"), rep, names)), 0, 0)
	for _, want := range []string{"After-sales churn assessment", "Churned customers (150)", "Penalty", "Reward", "Service manager",
		"业务接待一组", "黄永杰", "138****0149", "Page 1 of"} {
		if !strings.Contains(en, want) {
			t.Errorf("the English churn PDF lacks %q", want)
		}
	}
	if strings.Contains(en, "流失客户") {
		t.Error("the English PDF has Chinese labels")
	}
}

func TestKPIDocument(t *testing.T) {
	p, err := kpi.ParsePeriod("2015-09")
	if err != nil {
		t.Fatal(err)
	}
	met := true
	rows := []kpi.Row{{KPI: "csat", Name: "客户满意度", NameEN: "Customer satisfaction", Unit: kpi.Percent, Scope: kpi.LevelGroup, ID: "G01", ScopeName: "业务接待一组",
		Period: p, Numerator: 873, Denominator: 1000, Value: "87.3%", Target: "≥ 85.0%", Met: &met, Previous: "86.0%", Change: "+1.3 pp"}}
	zh := text(t, render(t, KPIs(meta("zh"), KPIQuery{KPIs: []string{"csat"}, Level: kpi.LevelGroup, Period: "2015-09"}, rows)), 0, 0)
	for _, want := range []string{"指标报表", "客户满意度", "业务接待一组", "87.3%", "873 / 1000", "≥ 85.0%", "达标", "+1.3 pp", "班组"} {
		if !strings.Contains(zh, want) {
			t.Errorf("the KPI PDF lacks %q:\n%s", want, zh)
		}
	}
	en := text(t, render(t, KPIs(meta("en"), KPIQuery{Level: kpi.LevelGroup, Period: "2015-09", By: "month"}, rows)), 0, 0)
	for _, want := range []string{"KPI report", "Customer satisfaction", "87.3%", "Met", "split: month"} {
		if !strings.Contains(en, want) {
			t.Errorf("the English KPI PDF lacks %q", want)
		}
	}
}

func number(t *testing.T, s string) *scorecard.Number {
	var n scorecard.Number
	if err := json.Unmarshal([]byte(s), &n); err != nil {
		t.Fatal(err)
	}
	return &n
}

func TestCycleDocuments(t *testing.T) {
	now := time.Date(2015, 10, 5, 0, 0, 0, 0, time.UTC)
	c := &scorecard.Cycle{ID: "CY2015-09", Name: "2015年9月月度考核", Kind: "monthly", Period: "2015-09", State: "computed", Members: 2, ComputedBy: "hr", ComputedAt: &now}
	bonus, base := csperf.Money(123456), csperf.Money(200000)
	res := []scorecard.Result{
		{Employee: scorecard.Employee{ID: "E0014", Name: "黄永杰", GroupID: "G01", BonusBase: &base}, Score: number(t, `"92.5"`), Grade: "A", GradeName: "优秀",
			Coefficient: number(t, `"1.2"`), Bonus: &bonus, GradeRule: "≥ 90 → A", BonusRule: "2000.00 × 1.2",
			Items: []scorecard.ItemResult{{Item: "csat", NameZH: "客户满意度", NameEN: "Customer satisfaction", Value: "93.0%", Rule: "线性 80%→0, 100%→100", Applied: "93.0% → 65",
				Weight: *number(t, `"40"`), Effective: *number(t, `"40"`), Points: number(t, `"65"`), Contribution: *number(t, `"26"`)}},
			Sources: []scorecard.SourcePart{{Source: scorecard.SourceSupervisor, Weight: *number(t, `"30"`), Score: number(t, `"88"`), Contribution: *number(t, `"26.4"`)}},
			Missing: []scorecard.Missing{{Item: "fcr", Source: scorecard.SourceSelf, Input: "rating:self", Action: "renormalise"}}},
		{Employee: scorecard.Employee{ID: "E0015", Name: "王旭立", GroupID: "G02"}, Grade: "", Missing: []scorecard.Missing{{Input: "bonus_base", Action: "no bonus"}}},
	}
	sum := &scorecard.Summary{Employees: 2, Scored: 1, Bonus: bonus, Mean: number(t, `"92.5"`)}
	zh := text(t, render(t, Cycle(meta("zh"), c, sum, "abc123", res)), 0, 0)
	for _, want := range []string{"考核结果 · 2015年9月月度考核", "黄永杰", "王旭立", "92.50", "A 优秀", "1.2", "2000.00", "1234.56", "系数", "奖金（元）", "abc123"} {
		if !strings.Contains(zh, want) {
			t.Errorf("the cycle PDF lacks %q:\n%s", want, zh)
		}
	}
	en := text(t, render(t, Cycle(meta("en"), c, sum, "", res)), 0, 0)
	for _, want := range []string{"Cycle results", "Coefficient", "Bonus (CNY)", "黄永杰", "1234.56"} {
		if !strings.Contains(en, want) {
			t.Errorf("the English cycle PDF lacks %q", want)
		}
	}
	one := text(t, render(t, Result(meta("zh"), c, &res[0])), 0, 0)
	for _, want := range []string{"个人考核结果说明", "黄永杰", "客户满意度", "93.0%", "线性 80%→0", "上级评价", "自评", "26.40", "renormalise", "≥ 90 → A"} {
		if !strings.Contains(one, want) {
			t.Errorf("the explanation PDF lacks %q:\n%s", want, one)
		}
	}
}

// Wrapping keeps every character: Chinese breaks anywhere, Latin at
// spaces, a word longer than the line inside itself.
func TestWrap(t *testing.T) {
	f := fpdf.New("P", "mm", "A4", "")
	f.AddUTF8FontFromBytes(fontName, "", fontTTF)
	f.SetFont(fontName, "", bodySize)
	for _, s := range []string{"这是一个很长的句子，用来测试中文的自动换行是否正确工作，以及宽度计算。",
		"E0014 E0018 E0020 E0024 E0026 E0029 E0030 E0032", "Supercalifragilisticexpialidocious-and-then-some", "混合 mixed 文本 text 一起 together"} {
		lines := wrap(f, s, 20)
		if len(lines) < 2 {
			t.Errorf("%q: not wrapped at 20 mm: %q", s, lines)
		}
		for _, l := range lines {
			if w := f.GetStringWidth(l); w > 20.001 {
				t.Errorf("%q: line %q is %.1f mm wide", s, l, w)
			}
		}
		strip := func(s string) string { return strings.ReplaceAll(s, " ", "") }
		if got := strip(strings.Join(lines, "")); got != strip(s) {
			t.Errorf("wrap lost characters: %q → %q", s, lines)
		}
		if strings.HasPrefix(s, "E0014") && !slices.Contains(lines, "E0014 E0018") && !slices.Contains(lines, "E0014") {
			t.Errorf("ids broken inside: %q", lines)
		}
	}
}

func TestLabels(t *testing.T) {
	for k := range catalog["zh"] {
		if catalog["en"][k] == "" {
			t.Errorf("%s has no English", k)
		}
	}
	for k := range catalog["en"] {
		if catalog["zh"][k] == "" {
			t.Errorf("%s has no Chinese", k)
		}
	}
}
