package web

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"csperf"
	"csperf/scorecard"
	"csperf/sqlstore"
)

// browserPath finds Debian's chromium. The test is skipped only when
// CSPERF_BROWSER_TESTS is unset and no browser is installed; with
// CSPERF_BROWSER_TESTS=1 a missing browser fails it (make test installs
// it).
func browserPath(t *testing.T) string {
	for _, p := range []string{os.Getenv("CSPERF_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"} {
		if p != "" {
			if _, err := os.Stat(p); err == nil {
				return p
			}
		}
	}
	if p, err := exec.LookPath("chromium"); err == nil {
		return p
	}
	if os.Getenv("CSPERF_BROWSER_TESTS") == "" {
		t.Skip("no chromium; install it (apt-get install -y chromium) or set CSPERF_BROWSER_TESTS=1 to require it")
	}
	t.Fatal("CSPERF_BROWSER_TESTS is set but chromium is not installed (apt-get install -y chromium)")
	return ""
}

// newBrowser starts a headless Chromium with a fresh profile.
func newBrowser(t *testing.T) context.Context {
	path := browserPath(t)
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.Headless,
		chromedp.DisableGPU,
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1366, 900),
	}
	if os.Geteuid() == 0 {
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, 3*time.Minute)
	t.Cleanup(func() { cancelT(); cancelC(); cancelA() })
	if err := chromedp.Do(ctx); err != nil { // start the browser
		t.Fatalf("start chromium: %v", err)
	}
	return ctx
}

func must(t *testing.T, ctx context.Context, what string, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if err := chromedp.Do(sctx, steps...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

func run[T any](t *testing.T, ctx context.Context, what string, a chromedp.Action[T]) T {
	t.Helper()
	sctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	v, err := chromedp.Run(sctx, a)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// canvasInk counts the painted pixels of the first canvas in sel.
func canvasInk(sel string) string {
	return fmt.Sprintf(`(() => { const c = document.querySelector(%q); if (!c) return -1;
		const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
		let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n; })()`, sel+" canvas")
}

// TestBrowser drives the app in a real headless Chromium: sign-in, the
// dashboard's charts, a complaint created, edited and listed, an import
// with a bad row, an export, the language switch, and an agent refused
// another group's employee. With CSPERF_SCREENSHOT_DIR set it saves a
// screenshot of every main page in both languages there.
func TestBrowser(t *testing.T) {
	browserPath(t)
	db := openTest(t, "sqlite:"+filepath.Join(t.TempDir(), "browser.db"))
	e := newEnv(t, db)
	// A year of visits for the charts: customers who come back and two
	// who last came in April 2015 and so churn in December 2015.
	var visits []csperf.Record
	n := 0
	for m := csperf.MakeMonth(2015, 1); m <= csperf.MakeMonth(2016, 1); m++ {
		for i, adv := range []string{"A1", "A2", "B1"} {
			for j := 0; j < 3+int(m)%4+i; j++ {
				n++
				visits = append(visits, csperf.Record{"visit_id": fmt.Sprintf("V%05d", n), "customer_id": "C1", "advisor_id": adv, "visit_date": m.First().AddDays(j)})
			}
		}
	}
	seed(t, db, "visits", visits...)
	seed(t, db, "customers", csperf.Record{"customer_id": "C3", "name": "郑客户"}, csperf.Record{"customer_id": "C4", "name": "冯客户"})
	seed(t, db, "visits", csperf.Record{"visit_id": "W1", "customer_id": "C3", "advisor_id": "A1", "visit_date": date("2015-04-08")},
		csperf.Record{"visit_id": "W2", "customer_id": "C4", "advisor_id": "B1", "visit_date": date("2015-04-09")},
		csperf.Record{"visit_id": "W3", "customer_id": "C2", "advisor_id": "A2", "visit_date": date("2015-04-10")})
	// The browser's clock is real; the server's sessions are on the test
	// clock, which must not run backwards between requests.
	e.now = testNow
	ctx := newBrowser(t)
	base := e.ts.URL
	shots := os.Getenv("CSPERF_SCREENSHOT_DIR")
	shot := func(name string) {
		if shots == "" {
			return
		}
		png := run(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100))
		if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if shots != "" {
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
		must(t, ctx, "login page", chromedp.Navigate(base+"/login?lang=en"), chromedp.WaitVisible("#signin"))
		shot("login-en")
		must(t, ctx, "login page", chromedp.Navigate(base+"/login?lang=zh"), chromedp.WaitVisible("#signin"))
		shot("login-zh")
	}

	t.Run("sign in", func(t *testing.T) {
		must(t, ctx, "sign in",
			chromedp.Navigate(base+"/"),
			chromedp.WaitVisible("#username"),
			chromedp.SendKeys("#username", "admin"),
			chromedp.SendKeys("#password", testPassword),
			chromedp.Click("#signin"),
			chromedp.WaitVisible(".tiles"),
		)
		if got := run(t, ctx, "title", chromedp.Title()); !strings.Contains(got, "工作台") {
			t.Errorf("title after sign-in = %q", got)
		}
	})

	t.Run("dashboard charts render", func(t *testing.T) {
		must(t, ctx, "charts", chromedp.WaitVisible("#visit-chart canvas"), chromedp.WaitVisible("#churn-chart canvas"))
		for _, sel := range []string{"#visit-chart", "#churn-chart"} {
			if ink := run(t, ctx, "canvas "+sel, chromedp.Evaluate[int](canvasInk(sel))); ink < 500 {
				t.Errorf("%s canvas has %d painted pixels", sel, ink)
			}
		}
		if rate := run(t, ctx, "rate", chromedp.Text("#dept-rate")); !strings.HasSuffix(rate, "%") {
			t.Errorf("department rate = %q", rate)
		}
	})

	t.Run("create, edit and list a complaint", func(t *testing.T) {
		must(t, ctx, "new complaint",
			chromedp.Navigate(base+"/r/complaints/new"),
			chromedp.WaitVisible("#f-complaint_id"),
			chromedp.SendKeys("#f-complaint_id", "K2016-001"),
			chromedp.SetValue("#f-customer_id", "C1"),
			chromedp.SetValue("#f-employee_id", "A1"),
			chromedp.SetValue("#f-class", "2"),
			chromedp.SetValue("#f-opened_at", "2016-01-12T10:30"),
			chromedp.SendKeys("#f-description", "维修后仍有异响，客户不满意"),
			chromedp.Click("#save"),
			chromedp.WaitVisible(".notice"),
		)
		if loc := run(t, ctx, "location", chromedp.Location()); !strings.HasSuffix(loc, "/r/complaints/K2016-001?saved=1") {
			t.Errorf("after create: %s", loc)
		}
		shot("complaint-form-zh")
		// The saved page shows a notice already: remove it, so that the
		// next one is the answer to the edit.
		run(t, ctx, "clear notice", chromedp.Evaluate[chromedp.Void](`document.querySelector('.notice').remove()`))
		must(t, ctx, "edit complaint",
			chromedp.SetValue("#f-status", "resolved"),
			chromedp.SetValue("#f-closed_at", "2016-01-13T16:00"),
			chromedp.Click("#save"),
			chromedp.WaitVisible(".notice"),
		)
		rec, err := db.GetRecord(context.Background(), csperf.KindByName("complaints"), []string{"K2016-001"})
		if err != nil || rec["status"] != "resolved" || rec["class"] != "2" || rec["description"] != "维修后仍有异响，客户不满意" {
			t.Fatalf("stored complaint = %v, %v", rec, err)
		}
		if at := rec["opened_at"].(time.Time); !at.Equal(time.Date(2016, 1, 12, 2, 30, 0, 0, time.UTC)) {
			t.Errorf("opened_at = %v, want 10:30 Shanghai time", at)
		}
		// A field error from the store lands next to its field.
		must(t, ctx, "bad edit",
			chromedp.SetValue("#f-closed_at", "2016-01-01T08:00"),
			chromedp.Click("#save"),
			chromedp.WaitVisible(`.error[data-field="closed_at"]`),
		)
		must(t, ctx, "list", chromedp.Navigate(base+"/r/complaints"), chromedp.WaitVisible("#records-table"))
		table := run(t, ctx, "table", chromedp.Text("#records-table"))
		if !strings.Contains(table, "K2016-001") || !strings.Contains(table, "二类") || !strings.Contains(table, "已解决") {
			t.Errorf("list = %q", table)
		}
		shot("complaints-zh")
	})

	t.Run("import with a bad row", func(t *testing.T) {
		file := filepath.Join(t.TempDir(), "visits-bad.csv")
		os.WriteFile(file, []byte("工单号,客户编号,业务接待编号,进站日期\nX1,C1,A1,2016-01-05\nX2,NOBODY,A1,2016-01-06\n"), 0o644)
		must(t, ctx, "upload",
			chromedp.Navigate(base+"/import/visits"),
			chromedp.WaitVisible("#import-file"),
			chromedp.SetUploadFiles("#import-file", []string{file}),
			chromedp.Click("#import-submit"),
			chromedp.WaitVisible("#import-errors"),
		)
		errs := run(t, ctx, "errors", chromedp.Text("#import-errors"))
		if !strings.Contains(errs, "visits-bad.csv:3: column") || !strings.Contains(errs, "NOBODY") {
			t.Errorf("row errors = %q", errs)
		}
		if _, err := db.GetRecord(context.Background(), csperf.KindByName("visits"), []string{"X1"}); csperf.ErrorCode(err) != csperf.ENOTFOUND {
			t.Errorf("a failed import wrote X1: %v", err)
		}
		shot("import-zh")
	})

	t.Run("export a list", func(t *testing.T) {
		must(t, ctx, "list", chromedp.Navigate(base+"/r/complaints"), chromedp.WaitVisible("#export-csv"))
		href := run(t, ctx, "href", chromedp.AttributeValue("#export-csv", "href"))
		if !href.Exists {
			t.Fatal("no export link")
		}
		csv := run(t, ctx, "fetch", chromedp.Evaluate[string](fmt.Sprintf(`fetch(%q).then(r => r.ok ? r.text() : "HTTP " + r.status)`, href.Value), chromedp.EvalAwaitPromise))
		csv = strings.TrimPrefix(csv, "\uFEFF")
		if !strings.HasPrefix(csv, "complaint_id,customer_id,employee_id,class") || !strings.Contains(csv, "K2016-001,C1,A1,2,") {
			t.Errorf("exported CSV = %q", csv)
		}
	})

	t.Run("switch language", func(t *testing.T) {
		must(t, ctx, "to English", chromedp.Navigate(base+"/"), chromedp.WaitVisible("#lang-switch"), chromedp.Click("#lang-switch"), chromedp.WaitVisible(`html[lang="en"] .tiles`))
		lang := run(t, ctx, "lang", chromedp.Evaluate[string](`document.documentElement.lang`))
		nav := run(t, ctx, "nav", chromedp.Text(".main-nav"))
		if lang != "en" || !strings.Contains(nav, "Dashboard") || strings.Contains(nav, "工作台") {
			t.Errorf("after the switch: lang %q, nav %q", lang, nav)
		}
		// Remembered for the user: a new page is English too.
		must(t, ctx, "records", chromedp.Navigate(base+"/r/complaints"), chromedp.WaitVisible("#records-table"))
		if h := run(t, ctx, "heading", chromedp.Text("h1")); !strings.Contains(h, "Complaints") {
			t.Errorf("heading = %q", h)
		}
	})

	if shots != "" {
		// A computed cycle with a rating, for the cycle pages.
		bg := context.Background()
		if _, err := db.CreateCycle(bg, sqlstore.CycleSpec{Kind: scorecard.KindMonthly, Period: "2015-12", ScopeLevel: scorecard.ScopeDepartment, ScopeID: "main"}); err != nil {
			t.Fatal(err)
		}
		pts, _ := scorecard.ParseNumber("85")
		if _, err := db.SetRatings(bg, "2015-12-main", []scorecard.Rating{{EmployeeID: "A1", Item: "teamwork", Source: scorecard.SourceSelf, Points: pts}}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.ComputeCycle(bg, "2015-12-main"); err != nil {
			t.Fatal(err)
		}
		pages := []struct{ name, path, wait string }{
			{"dashboard", "/", ".tiles"}, {"records", "/records", ".kind-list"}, {"complaints", "/r/complaints", "#records-table"},
			{"complaint-form", "/r/complaints/K2016-001", "#f-complaint_id"}, {"customer", "/r/customers/C1", "#f-phone"},
			{"visits", "/r/visits", "#records-table"}, {"churn", "/churn", "#churn-trend canvas"}, {"import", "/import/visits", "#import-file"},
			{"audit", "/audit", ".audit"}, {"users", "/users", ".user-form"}, {"password", "/password", "#password-form"},
			{"cycles", "/cycles", "#cycles-table"}, {"cycle", "/cycles/2015-12-main", "#cycle-results"},
			{"cycle-ratings", "/cycles/2015-12-main/ratings?employee=A1", "#ratings-table"}, {"cycle-result", "/cycles/2015-12-main/results/A1", "#result-items"},
			{"templates", "/scorecard/templates", ".template"}, {"template-edit", "/scorecard/templates/after_sales_team", "#template-form"},
			{"scorecard-settings", "/scorecard/settings", "#settings-form"},
		}
		for _, lang := range []string{"en", "zh"} {
			l := lang
			db.UpdateUser(context.Background(), "admin", csperf.UserUpdate{Lang: &l})
			for _, p := range pages {
				must(t, ctx, p.name, chromedp.Navigate(base+p.path), chromedp.WaitVisible(p.wait))
				shot(p.name + "-" + lang)
			}
		}
	}

	t.Run("churn page charts", func(t *testing.T) {
		must(t, ctx, "churn", chromedp.Navigate(base+"/churn?month=2015-12"), chromedp.WaitVisible("#churn-trend canvas"), chromedp.WaitVisible("#churn-groups canvas"))
		if ink := run(t, ctx, "trend", chromedp.Evaluate[int](canvasInk("#churn-trend"))); ink < 500 {
			t.Errorf("trend canvas has %d painted pixels", ink)
		}
	})

	t.Run("agent refused another group's employee", func(t *testing.T) {
		must(t, ctx, "sign out", chromedp.Navigate(base+"/"), chromedp.WaitVisible("#logout"), chromedp.Click("#logout"), chromedp.WaitVisible("#username"))
		must(t, ctx, "sign in as agent",
			chromedp.SendKeys("#username", "agent"),
			chromedp.SendKeys("#password", testPassword),
			chromedp.Click("#signin"),
			chromedp.WaitVisible(".tiles"),
		)
		resp := run(t, ctx, "B1", chromedp.NavigateResponse(base+"/r/employees/B1"))
		if resp.Status != 404 {
			t.Errorf("agent opened B1's page: HTTP %d", resp.Status)
		}
		if h := run(t, ctx, "heading", chromedp.Text("h1")); !strings.Contains(h, "未找到") {
			t.Errorf("refusal page heading = %q", h)
		}
		shot("refused-zh")
		resp = run(t, ctx, "A1", chromedp.NavigateResponse(base+"/r/employees/A1"))
		if resp.Status != 200 {
			t.Errorf("agent's own page: HTTP %d", resp.Status)
		}
		nav := run(t, ctx, "nav", chromedp.Text(".main-nav"))
		if strings.Contains(nav, "用户") || strings.Contains(nav, "审计") {
			t.Errorf("agent's navigation = %q", nav)
		}
	})
}
