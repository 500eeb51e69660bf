package web

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"csperf/scorecard"
)

// TestBrowserCycles drives the cycle pages in a real headless Chromium:
// a manager creates a cycle, enters a rating, clears it, enters it again
// (a value above 100 refused next to its field on the way), computes,
// and opens an employee's explanation; then submits a template whose
// weights sum to 90 and sees the error. With CSPERF_SCREENSHOT_DIR set it
// saves screenshots of these states.
func TestBrowserCycles(t *testing.T) {
	browserPath(t)
	db := openTest(t, "sqlite:"+filepath.Join(t.TempDir(), "browser-cycles.db"))
	e := newEnv(t, db)
	e.now = testNow
	ctx := newBrowser(t)
	base := e.ts.URL
	shots := os.Getenv("CSPERF_SCREENSHOT_DIR")
	shot := func(name string) {
		if shots == "" {
			return
		}
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
		png := run(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100))
		if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ratings := func() []scorecard.Rating {
		t.Helper()
		rs, err := db.CycleRatings(context.Background(), "2015-12-main")
		if err != nil {
			t.Fatal(err)
		}
		return rs
	}
	// dropNotice removes the last answer's notice, so that waiting for the
	// next one waits for the next answer.
	dropNotice := func(sel string) {
		run(t, ctx, "drop "+sel, chromedp.Evaluate[chromedp.Void](`document.querySelectorAll('`+sel+`').forEach(e => e.remove())`))
	}

	must(t, ctx, "sign in",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible("#username"),
		chromedp.SendKeys("#username", "manager"),
		chromedp.SendKeys("#password", testPassword),
		chromedp.Click("#signin"),
		chromedp.WaitVisible(".tiles"),
	)

	t.Run("create a cycle", func(t *testing.T) {
		must(t, ctx, "create",
			chromedp.Navigate(base+"/cycles"),
			chromedp.WaitVisible("#cycle-create"),
			chromedp.SetValue("#c-kind", "monthly"),
			chromedp.SetValue("#c-period", "2015-12"),
			chromedp.SetValue("#c-level", "department"),
			chromedp.SetValue("#c-scope", "main"),
			chromedp.Click("#cycle-create-submit"),
			chromedp.WaitVisible("#cycle-state"),
		)
		if loc := run(t, ctx, "location", chromedp.Location()); !strings.HasSuffix(loc, "/cycles/2015-12-main") {
			t.Fatalf("after create: %s", loc)
		}
		if st := run(t, ctx, "state", chromedp.Text("#cycle-state")); st != "进行中" {
			t.Errorf("state = %q", st)
		}
		shot("cycle-open-zh")
	})

	t.Run("enter, clear and enter a rating", func(t *testing.T) {
		must(t, ctx, "ratings page",
			chromedp.Click("#cycle-ratings-link"),
			chromedp.WaitVisible("#ratings-employee"),
			chromedp.SetValue("#ratings-employee", "A1"),
			chromedp.Click("#ratings-show"),
			chromedp.WaitVisible("#r-teamwork-self"),
		)
		must(t, ctx, "enter",
			chromedp.SendKeys("#r-teamwork-self", "80"),
			chromedp.Click("#ratings-save"),
			chromedp.WaitVisible("#ratings-saved"),
		)
		if rs := ratings(); len(rs) != 1 || rs[0].EmployeeID != "A1" || rs[0].Item != "teamwork" || rs[0].Source != "self" || rs[0].Points.Exact() != "80" {
			t.Fatalf("after entering: %+v", rs)
		}
		if v := run(t, ctx, "value", chromedp.Value("#r-teamwork-self")); v != "80" {
			t.Errorf("the form shows %q", v)
		}
		shot("cycle-ratings-zh")
		dropNotice("#ratings-saved")
		must(t, ctx, "clear", chromedp.Click("#clear-teamwork-self-button"), chromedp.WaitVisible("#ratings-saved"))
		if rs := ratings(); len(rs) != 0 {
			t.Fatalf("after clearing: %+v", rs)
		}
		if v := run(t, ctx, "value", chromedp.Value("#r-teamwork-self")); v != "" {
			t.Errorf("after clearing the form shows %q", v)
		}
		// Field-level validation: 150 points is refused next to its field,
		// and nothing is saved.
		must(t, ctx, "out of range",
			chromedp.SendKeys("#r-teamwork-self", "80"),
			chromedp.SendKeys("#r-teamwork-supervisor", "150"),
			chromedp.Click("#ratings-save"),
			chromedp.WaitVisible(`.error[data-field="points.teamwork.supervisor"]`),
		)
		if msg := run(t, ctx, "field error", chromedp.Text(`.error[data-field="points.teamwork.supervisor"]`)); !strings.Contains(msg, "150") {
			t.Errorf("field error = %q", msg)
		}
		if rs := ratings(); len(rs) != 0 {
			t.Fatalf("a refused form saved %+v", rs)
		}
		shot("cycle-ratings-error-zh")
		must(t, ctx, "enter again",
			chromedp.SetValue("#r-teamwork-supervisor", ""),
			chromedp.Click("#ratings-save"),
			chromedp.WaitVisible("#ratings-saved"),
		)
		if rs := ratings(); len(rs) != 1 || rs[0].Points.Exact() != "80" {
			t.Fatalf("after entering again: %+v", rs)
		}
	})

	t.Run("compute and explain", func(t *testing.T) {
		must(t, ctx, "compute",
			chromedp.Navigate(base+"/cycles/2015-12-main"),
			chromedp.WaitVisible("#cycle-compute"),
			chromedp.Click("#cycle-compute"),
			chromedp.WaitVisible("#cycle-notice"),
		)
		if st := run(t, ctx, "state", chromedp.Text("#cycle-state")); st != "已计算" {
			t.Errorf("state after compute = %q", st)
		}
		shot("cycle-computed-zh")
		must(t, ctx, "explanation",
			chromedp.Click(`#cycle-results a[href="/cycles/2015-12-main/results/A1"]`),
			chromedp.WaitVisible("#result-items"),
		)
		items := run(t, ctx, "items", chromedp.Text("#result-items"))
		if !strings.Contains(items, "团队合作能力") {
			t.Errorf("explanation = %q", items)
		}
		shot("cycle-result-zh")
	})

	t.Run("a template whose weights sum to 90 is refused", func(t *testing.T) {
		must(t, ctx, "editor",
			chromedp.Navigate(base+"/scorecard/templates/new"),
			chromedp.WaitVisible("#template-form"),
			chromedp.SendKeys("#t-id", "managers"),
			chromedp.SendKeys("#t-name-zh", "管理人员"),
			chromedp.SendKeys("#t-positions", "cs_manager"),
			chromedp.SetValue("#item-0-kpi", "csat"),
			chromedp.SendKeys("#item-0-weight", "60"),
			chromedp.SetValue("#item-0-rule", "linear"),
			chromedp.SendKeys("#item-0-floor", "60"),
			chromedp.SendKeys("#item-1-id", "leadership"),
			chromedp.SendKeys("#item-1-name-zh", "领导力"),
			chromedp.SendKeys("#item-1-weight", "30"),
			chromedp.Click("#template-save"),
			chromedp.WaitVisible("#items-error"),
		)
		msg := run(t, ctx, "error", chromedp.Text("#items-error"))
		if !strings.Contains(msg, "90") || !strings.Contains(msg, "100") {
			t.Errorf("template error = %q", msg)
		}
		if sum := run(t, ctx, "sum", chromedp.Text("#weight-sum")); sum != "90" {
			t.Errorf("weight sum shown = %q", sum)
		}
		shot("template-error-zh")
		ts, err := db.ScorecardTemplates(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if scorecard.ForPosition(ts, "cs_manager") != nil {
			t.Error("the refused template was saved")
		}
	})
}
