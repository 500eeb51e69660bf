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

// TestBrowserTraining drives the training plan pages in a real headless
// Chromium as HR: from /training opens the new-plan form, fills every
// field, ticks a target and two participants, is refused an end before
// the start next to its field (nothing saved), corrects it and lands on
// the plan's page; then enters a score above 100, is refused next to its
// field (nothing recorded), corrects it and sees the mean exam score.
// With CSPERF_SCREENSHOT_DIR set it saves screenshots of these states.
func TestBrowserTraining(t *testing.T) {
	browserPath(t)
	db := openTest(t, "sqlite:"+filepath.Join(t.TempDir(), "browser-training.db"))
	e := newEnv(t, db)
	e.now = testNow
	ctx := newBrowser(t)
	base := e.ts.URL
	shot := func(name string) {
		if dir := os.Getenv("CSPERF_SCREENSHOT_DIR"); dir != "" {
			if err := os.MkdirAll(dir, 0o755); err != nil {
				t.Fatal(err)
			}
			png := run(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100))
			if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
	plans := func() []scorecard.TrainingPlan {
		t.Helper()
		ps, err := db.TrainingPlans(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		return ps
	}

	must(t, ctx, "sign in",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible("#username"),
		chromedp.SendKeys("#username", "hr"),
		chromedp.SendKeys("#password", testPassword),
		chromedp.Click("#signin"),
		chromedp.WaitVisible(".tiles"),
	)

	t.Run("create a plan", func(t *testing.T) {
		must(t, ctx, "fill the form",
			chromedp.Navigate(base+"/training"),
			chromedp.WaitVisible("#plan-new-link"),
			chromedp.Click("#plan-new-link"),
			chromedp.WaitVisible("#plan-form"),
			chromedp.SendKeys("#tp-id", "P1"),
			chromedp.SendKeys("#tp-course", "客户沟通技巧"),
			chromedp.SetValue("#tp-mode", "online"),
			chromedp.SendKeys("#tp-trainer", "外部专家"),
			chromedp.SetValue("#tp-horizon", "monthly"),
			chromedp.SetValue("#tp-starts", "2015-11-10"),
			chromedp.SetValue("#tp-ends", "2015-11-09"),
			chromedp.SendKeys("#tp-content", "倾听与复述"),
			chromedp.Click(`#tp-targets input[value="teamwork"]`),
			chromedp.Click(`#tp-participants input[value="A1"]`),
			chromedp.Click(`#tp-participants input[value="A2"]`),
			chromedp.Click("#plan-save"),
			chromedp.WaitVisible(`.error[data-field="ends_on"]`),
		)
		if m := run(t, ctx, "field error", chromedp.Text(`.error[data-field="ends_on"]`)); m != "课程结束早于开始" {
			t.Errorf("ends_on error = %q", m)
		}
		shot("training-plan-error-zh")
		if n := len(plans()); n != 0 {
			t.Fatalf("a refused form saved %d plans", n)
		}
		// What was entered and ticked is still there.
		if v := run(t, ctx, "course", chromedp.Value("#tp-course")); v != "客户沟通技巧" {
			t.Errorf("course after the refusal = %q", v)
		}
		must(t, ctx, "correct and save",
			chromedp.SetValue("#tp-ends", "2015-11-11"),
			chromedp.Click("#plan-save"),
			chromedp.WaitVisible("#plan-saved"),
		)
		if loc := run(t, ctx, "location", chromedp.Location()); !strings.HasSuffix(loc, "/training/plans/P1?saved=plan") {
			t.Errorf("after saving: %s", loc)
		}
		ps := plans()
		if len(ps) != 1 {
			t.Fatalf("%d plans", len(ps))
		}
		p := ps[0]
		if p.ID != "P1" || p.Course != "客户沟通技巧" || p.Mode != "online" || p.Trainer != "外部专家" || p.Horizon != "monthly" || p.Content != "倾听与复述" ||
			p.Starts != date("2015-11-10") || p.Ends != date("2015-11-11") || strings.Join(p.Targets, ",") != "teamwork" ||
			len(p.Participants) != 2 || p.Participants[0].EmployeeID != "A1" || p.Participants[1].EmployeeID != "A2" {
			t.Errorf("saved plan = %+v", p)
		}
	})

	t.Run("enter scores", func(t *testing.T) {
		must(t, ctx, "out of range",
			chromedp.WaitVisible("#scores-form"),
			chromedp.SendKeys("#exam-A1", "101"),
			chromedp.SendKeys("#practical-A1", "90"),
			chromedp.Click("#scores-save"),
			chromedp.WaitVisible(`.error[data-field="exam.A1"]`),
		)
		if m := run(t, ctx, "field error", chromedp.Text(`.error[data-field="exam.A1"]`)); !strings.Contains(m, "101") {
			t.Errorf("exam error = %q", m)
		}
		shot("training-scores-error-zh")
		if pt := plans()[0].Participants[0]; pt.Exam != nil || pt.Practical != nil {
			t.Fatalf("a refused form recorded %+v", pt)
		}
		must(t, ctx, "correct and save",
			chromedp.SetValue("#exam-A1", "87.5"),
			chromedp.SendKeys("#exam-A2", "80"),
			chromedp.Click("#scores-save"),
			chromedp.WaitVisible("#plan-saved"),
		)
		pt := plans()[0].Participants
		if pt[0].Exam == nil || pt[0].Exam.Exact() != "175/2" || pt[0].Practical == nil || pt[0].Practical.Exact() != "90" || pt[1].Exam == nil || pt[1].Exam.Exact() != "80" {
			t.Errorf("recorded %+v %+v", pt[0], pt[1])
		}
		shot("training-plan-zh")
		if m := run(t, ctx, "mean exam", chromedp.Text("#mean-exam")); m != "83.75" {
			t.Errorf("mean exam shown = %q", m)
		}
		if l := run(t, ctx, "effect", chromedp.Text("#effect-lines")); !strings.Contains(l, "A1") || !strings.Contains(l, "teamwork") {
			t.Errorf("effect lines = %q", l)
		}
	})
}
