package web

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	cdppage "github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"csperf"
	"csperf/scorecard"
	"csperf/sqlstore"
)

// printPage prints the page Chromium shows, as the print dialog would
// (A4 from print.css), and returns the PDF.
func printPage(t *testing.T, ctx context.Context) []byte {
	t.Helper()
	yes := true
	return run(t, ctx, "print", chromedp.Action[[]byte](func(ctx context.Context, tg *chromedp.Target) ([]byte, error) {
		r, err := cdp.Call(ctx, tg, cdppage.PrintToPDF, cdppage.PrintToPDFParams{PreferCSSPageSize: &yes})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	}))
}

// poppler runs a poppler-utils tool on the PDF b (its name replaces FILE
// in args) and returns its output.
func poppler(t *testing.T, b []byte, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		if os.Getenv("CSPERF_BROWSER_TESTS") != "" {
			t.Fatalf("%s (poppler-utils) is not installed; make test installs it", tool)
		}
		t.Skipf("%s (poppler-utils) is not installed", tool)
	}
	p := filepath.Join(t.TempDir(), "print.pdf")
	if err := os.WriteFile(p, b, 0o600); err != nil {
		t.Fatal(err)
	}
	for i := range args {
		if args[i] == "FILE" {
			args[i] = p
		}
	}
	out, err := exec.Command(tool, args...).Output()
	if err != nil {
		t.Fatalf("%s: %v", tool, err)
	}
	return string(out)
}

// TestPrint prints the churn report, the KPI explorer and a cycle's
// results in a real Chromium: navigation, forms and buttons are left out,
// the charts are kept, and a table that runs over pages repeats its
// header on the next.
func TestPrint(t *testing.T) {
	browserPath(t)
	db := openTest(t, "sqlite:"+filepath.Join(t.TempDir(), "print.db"))
	e := newEnv(t, db)
	ctx0 := context.Background()
	// 120 customers who last came in April 2015 churn in December; the
	// others come back every month, for the charts.
	var customers, visits []csperf.Record
	for i := range 120 {
		id := fmt.Sprintf("P%03d", i)
		customers = append(customers, csperf.Record{"customer_id": id, "name": "客户" + id})
		visits = append(visits, csperf.Record{"visit_id": "W" + id, "customer_id": id, "advisor_id": owners[i%3], "visit_date": date("2015-04-10")})
	}
	n := 0
	for m := csperf.MakeMonth(2015, 1); m <= csperf.MakeMonth(2016, 1); m++ {
		for i, adv := range owners {
			for j := 0; j < 3+i; j++ {
				n++
				visits = append(visits, csperf.Record{"visit_id": fmt.Sprintf("V%05d", n), "customer_id": "C1", "advisor_id": adv, "visit_date": m.First().AddDays(j)})
			}
		}
	}
	seed(t, db, "customers", customers...)
	seed(t, db, "visits", visits...)
	c, err := db.CreateCycle(ctx0, sqlstore.CycleSpec{Kind: scorecard.KindMonthly, Period: "2015-12", ScopeLevel: scorecard.ScopeDepartment, ScopeID: "main"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := db.ComputeCycle(ctx0, c.ID); err != nil {
		t.Fatalf("compute: %v", err)
	}
	e.now = testNow
	ctx := newBrowser(t)
	base := e.ts.URL
	must(t, ctx, "sign in", chromedp.Navigate(base+"/"), chromedp.WaitVisible("#username"), chromedp.SendKeys("#username", "admin"),
		chromedp.SendKeys("#password", testPassword), chromedp.Click("#signin"), chromedp.WaitVisible(".tiles"))

	// Words of the navigation, the forms and the buttons, never printed.
	chrome := []string{"退出", "修改密码", "导出 CSV", "导出 Excel", "导出 PDF", "打印", "考核设置", "查看"}
	for _, p := range []struct {
		name, path, wait string
		charts           int
		want             []string
	}{
		{"churn", "/churn?month=2015-12", "#churn-groups canvas", 2, []string{"售后客户流失率考核", "业务接待个人流失率", "P119"}},
		{"kpis", "/kpis?scope=group&period=2015-10..2015-12&by=month&kpi=complaint_rate", "#kpis-trend canvas", 1, []string{"指标查询", "投诉率", "2015-11"}},
		{"cycle", "/cycles/" + c.ID, "#cycle-results", 0, []string{"考核结果", "张三", "王五"}},
	} {
		t.Run(p.name, func(t *testing.T) {
			must(t, ctx, p.name, chromedp.Navigate(base+p.path), chromedp.WaitVisible(p.wait))
			pdf := printPage(t, ctx)
			text := poppler(t, pdf, "pdftotext", "-enc", "UTF-8", "FILE", "-")
			for _, w := range p.want {
				if !strings.Contains(text, w) {
					t.Errorf("the printed %s lacks %q", p.name, w)
				}
			}
			for _, w := range chrome {
				if strings.Contains(text, w) {
					t.Errorf("the printed %s shows %q", p.name, w)
				}
			}
			// Charts print as images.
			if imgs := strings.Count(poppler(t, pdf, "pdfimages", "-list", "FILE"), "\n") - 2; imgs < p.charts {
				t.Errorf("the printed %s has %d images, want its %d charts", p.name, imgs, p.charts)
			}
			if p.name != "churn" {
				return
			}
			// The churned customers run over pages; the last page repeats
			// the table's header.
			pages := strings.Split(strings.TrimRight(text, "\f"), "\f")
			if len(pages) < 3 {
				t.Fatalf("%d printed pages", len(pages))
			}
			last := pages[len(pages)-1]
			if !strings.Contains(last, "最后进站日期") || !strings.Contains(last, "工单号") {
				t.Errorf("the last printed page has no table header:\n%.400s", last)
			}
		})
	}
}
