package web

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"csperf"
)

// TestBrowserSurvey makes a survey link in Chromium as the agent, from the
// visit's page, and answers it in a second browser that has never signed
// in: a missing answer is marked at its field, the English switch works,
// and the answer is stored once.
func TestBrowserSurvey(t *testing.T) {
	browserPath(t)
	db := openTest(t, "sqlite:"+filepath.Join(t.TempDir(), "browser.db"))
	e := newEnv(t, db)
	seed(t, db, "visits", csperf.Record{"visit_id": "V1", "customer_id": "C1", "advisor_id": "A1", "visit_date": date("2016-01-10")})
	e.now = testNow
	staff := newBrowser(t)
	must(t, staff, "sign in",
		chromedp.Navigate(e.ts.URL+"/login"),
		chromedp.WaitVisible("#username"),
		chromedp.SendKeys("#username", "agent"),
		chromedp.SendKeys("#password", testPassword),
		chromedp.Click("#signin"),
		chromedp.WaitVisible("main"),
		chromedp.Navigate(e.ts.URL+"/r/visits/V1"),
		chromedp.WaitVisible("#send-survey"),
		chromedp.Click("#send-survey"),
		chromedp.WaitVisible("#survey-link-make"),
		chromedp.Click("#survey-link-make"),
		chromedp.WaitVisible("#survey-url"),
	)
	link := strings.TrimSpace(run(t, staff, "link", chromedp.Text("#survey-url")))
	if !strings.HasPrefix(link, e.ts.URL+"/s/") {
		t.Fatalf("survey URL = %q", link)
	}

	customer := newBrowser(t)
	// The first page follows the browser's Accept-Language (which
	// depends on how Chromium is started); the switch is explicit.
	must(t, customer, "open the survey", chromedp.Navigate(link), chromedp.WaitVisible("#survey-form"))
	if h := run(t, customer, "title", chromedp.Text("h1")); h != "客户满意度调查" && h != "Customer satisfaction survey" {
		t.Errorf("heading = %q", h)
	}
	must(t, customer, "Chinese", chromedp.Click(`a[lang="zh-CN"]`), chromedp.WaitVisible("#survey-form"))
	if h := run(t, customer, "title zh", chromedp.Text("h1")); h != "客户满意度调查" {
		t.Errorf("Chinese heading = %q", h)
	}
	// No overall answer: the server marks the field (no script needed).
	must(t, customer, "answer without overall",
		chromedp.Click(`#q-service_attitude input[value="4"]`),
		chromedp.Click("#survey-submit"),
		chromedp.WaitVisible(`.error[data-field="overall"]`),
	)
	if !run(t, customer, "kept", chromedp.Evaluate[bool](`document.querySelector('#q-service_attitude input[value="4"]').checked`)) {
		t.Error("the answer given was not kept")
	}
	must(t, customer, "English", chromedp.Click(`a[lang="en"]`), chromedp.WaitVisible("#survey-form"))
	if h := run(t, customer, "title en", chromedp.Text("h1")); h != "Customer satisfaction survey" {
		t.Errorf("English heading = %q", h)
	}
	must(t, customer, "answer",
		chromedp.Click(`#q-overall input[value="5"]`),
		chromedp.Click(`#q-repair_quality input[value="3"]`),
		chromedp.SendKeys("#f-suggestions", "预约更方便些"),
		chromedp.Click("#survey-submit"),
		chromedp.WaitVisible("#survey-thanks"),
	)
	rec, err := db.GetRecord(context.Background(), csperf.KindByName("surveys"), []string{"SL00000001"})
	if err != nil || rec["overall"] != "5" || rec["repair_quality"] != "3" || rec["employee_id"] != "A1" || rec["customer_id"] != "C1" || rec["suggestions"] != "预约更方便些" {
		t.Fatalf("stored survey = %v, %v", rec, err)
	}
	must(t, customer, "open again", chromedp.Navigate(link), chromedp.WaitVisible("#survey-answered"))
	must(t, staff, "list", chromedp.Navigate(e.ts.URL+"/survey-links"), chromedp.WaitVisible("#survey-links"))
	if row := run(t, staff, "row", chromedp.Text("#survey-links tbody tr")); !strings.Contains(row, "已填写") || !strings.Contains(row, "SL00000001") {
		t.Errorf("list row = %q", row)
	}
}
