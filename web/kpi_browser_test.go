package web

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"csperf"
)

// TestBrowserKPI drives the KPI explorer, the goal form and the custom KPI
// form in a real headless Chromium: the table and a painted trend chart, a
// figure and a chart point that lead to the records behind them, a goal
// created through the form and listed, and a custom KPI with an invalid
// filter refused next to the filter. With CSPERF_SCREENSHOT_DIR set it
// saves the pages in both languages there.
func TestBrowserKPI(t *testing.T) {
	browserPath(t)
	db := openTest(t, "sqlite:"+filepath.Join(t.TempDir(), "browser-kpi.db"))
	e := newEnv(t, db)
	seedSurveys(t, db)
	seed(t, db, "surveys", csperf.Record{"survey_id": "S950", "employee_id": "A1", "answered_at": time.Date(2015, 10, 5, 2, 0, 0, 0, time.UTC), "overall": "4"})
	ctx := newBrowser(t)
	base := e.ts.URL
	shots := os.Getenv("CSPERF_SCREENSHOT_DIR")
	shot := func(name string) {
		if shots == "" {
			return
		}
		png := run(t, ctx, "screenshot "+name, chromedp.FullScreenshot(100))
		if err := os.MkdirAll(shots, 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(shots, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	must(t, ctx, "sign in",
		chromedp.Navigate(base+"/"),
		chromedp.WaitVisible("#username"),
		chromedp.SendKeys("#username", "admin"),
		chromedp.SendKeys("#password", testPassword),
		chromedp.Click("#signin"),
		chromedp.WaitVisible(".tiles"),
	)
	explorer := base + "/kpis?kpi=csat&scope=employee&id=A1&period=2015-10..2015-12&by=month"

	t.Run("explorer table, chart and drill-down from a figure", func(t *testing.T) {
		must(t, ctx, "explorer", chromedp.Navigate(explorer), chromedp.WaitVisible("#kpis-table"), chromedp.WaitVisible("#kpis-trend canvas"))
		table := run(t, ctx, "table", chromedp.Text("#kpis-table"))
		for _, want := range []string{"2015-10", "2015-11", "2015-12", "100.0%", "50.0%", "60.0%"} {
			if !strings.Contains(table, want) {
				t.Errorf("explorer table lacks %q: %q", want, table)
			}
		}
		if ink := run(t, ctx, "canvas", chromedp.Evaluate[int](canvasInk("#kpis-trend"))); ink < 500 {
			t.Errorf("trend canvas has %d painted pixels", ink)
		}
		shot("kpis-zh")
		// The figure of the first row, October: the surveys behind it.
		must(t, ctx, "click figure", chromedp.Click("#kpis-table tbody tr:first-child a.drill"), chromedp.WaitVisible("#records-table"))
		loc := run(t, ctx, "location", chromedp.Location())
		if !strings.Contains(loc, "/r/surveys?") || !strings.Contains(loc, "employee_id=A1") || !strings.Contains(loc, "from=2015-10-01") || !strings.Contains(loc, "to=2015-10-31") {
			t.Errorf("drill-down went to %s", loc)
		}
		list := run(t, ctx, "list", chromedp.Text("#records-table"))
		if !strings.Contains(list, "S950") || strings.Contains(list, "S001") || strings.Contains(list, "S006") {
			t.Errorf("drill-down list = %q", list)
		}
	})

	t.Run("tooltips round as the table does", func(t *testing.T) {
		// G1 in December: A1's 3 of 5 and A2's 1 of 2 surveys satisfied,
		// 4/7 = 57.142857…%, which the table shows as 57.1%.
		must(t, ctx, "explorer", chromedp.Navigate(base+"/kpis?kpi=csat&scope=group&id=G1&period=2015-11..2015-12&by=month"), chromedp.WaitVisible("#kpis-trend canvas"))
		if table := run(t, ctx, "table", chromedp.Text("#kpis-table")); !strings.Contains(table, "57.1%") {
			t.Fatalf("table = %q", table)
		}
		run(t, ctx, "show tip", chromedp.Evaluate[bool](`(() => {
			const el = document.querySelector("#kpis-trend");
			el.scrollIntoView({block: "center"});
			echarts.getInstanceByDom(el).dispatchAction({type: "showTip", seriesIndex: 0, dataIndex: 1});
			return true; })()`))
		tip := run(t, ctx, "tooltip", chromedp.Poll[string](`(() => { const el = document.querySelector("#kpis-trend .chart-tip");
			return el && el.textContent.includes("2015-12") ? el.textContent : ""; })()`, chromedp.WithPollingTimeout(30*time.Second)))
		if !strings.Contains(tip, "57.1%") || strings.Contains(tip, "57.14") {
			t.Errorf("tooltip = %q, want the table's 57.1%%", tip)
		}
	})

	t.Run("drill-down from a chart point", func(t *testing.T) {
		must(t, ctx, "explorer", chromedp.Navigate(explorer), chromedp.WaitVisible("#kpis-trend canvas"))
		// Where ECharts drew December's point, in the page's viewport.
		xy := run(t, ctx, "point", chromedp.Evaluate[[]float64](`(() => {
			const el = document.querySelector("#kpis-trend");
			el.scrollIntoView({block: "center"});
			const ch = echarts.getInstanceByDom(el);
			const p = ch.convertToPixel({seriesIndex: 0}, [2, 60]);
			const r = el.getBoundingClientRect();
			return [r.left + p[0], r.top + p[1]]; })()`))
		if len(xy) != 2 {
			t.Fatalf("point = %v", xy)
		}
		must(t, ctx, "click point", chromedp.MouseClickXY(xy[0], xy[1]), chromedp.WaitVisible("#records-table"))
		loc := run(t, ctx, "location", chromedp.Location())
		if !strings.Contains(loc, "/r/surveys?") || !strings.Contains(loc, "from=2015-12-01") || !strings.Contains(loc, "employee_id=A1") {
			t.Errorf("the chart point went to %s", loc)
		}
		if list := run(t, ctx, "list", chromedp.Text("#records-table")); !strings.Contains(list, "S001") || strings.Contains(list, "S006") {
			t.Errorf("chart drill-down list = %q", list)
		}
	})

	t.Run("create a goal through the form", func(t *testing.T) {
		must(t, ctx, "goal form",
			chromedp.Navigate(base+"/goals"),
			chromedp.WaitVisible("#goal-new"),
			chromedp.Click("#goal-new"),
			chromedp.WaitVisible("#goal-form"),
		)
		shot("goal-form-zh")
		// First without a title and with a measure lacking its date.
		must(t, ctx, "fill",
			chromedp.SetValue("#g-kpi", "csat"),
			chromedp.SetValue("#g-scope", "employee"),
			chromedp.SetValue("#g-scope_id", "A1"),
			chromedp.SendKeys("#g-target", "90%"),
			chromedp.SetValue("#g-start", "2015-11-01"),
			chromedp.SetValue("#g-deadline", "2016-02-29"),
			chromedp.SetValue("#g-owner", "S1"),
			chromedp.SendKeys("#a-description-1", "每周复盘差评问卷"),
			chromedp.SendKeys("#a-responsible-1", "A1"),
			chromedp.Click("#goal-save"),
			chromedp.WaitVisible(`.error[data-field="title"]`),
		)
		if errs := run(t, ctx, "errors", chromedp.Text("#goal-actions")); !strings.Contains(errs, "请填写期限") {
			t.Errorf("measure error = %q", errs)
		}
		must(t, ctx, "fix and save",
			chromedp.SendKeys("#g-title", "A1 客户满意度提升到 90%"),
			chromedp.SetValue("#a-due-1", "2015-12-15"),
			chromedp.Click("#goal-save"),
			chromedp.WaitVisible("#goal-trend canvas"),
		)
		if st := run(t, ctx, "status", chromedp.Text("#goal-status")); st != "有风险" {
			t.Errorf("goal status = %q", st)
		}
		if ink := run(t, ctx, "canvas", chromedp.Evaluate[int](canvasInk("#goal-trend"))); ink < 500 {
			t.Errorf("goal chart has %d painted pixels", ink)
		}
		shot("goal-zh")
		must(t, ctx, "goals", chromedp.Navigate(base+"/goals"), chromedp.WaitVisible("#goals-table"))
		if list := run(t, ctx, "goals", chromedp.Text("#goals-table")); !strings.Contains(list, "A1 客户满意度提升到 90%") || !strings.Contains(list, "≥ 90.0%") && !strings.Contains(list, "90.0%") {
			t.Errorf("goals list = %q", list)
		}
		shot("goals-zh")
	})

	t.Run("custom KPI with an invalid filter", func(t *testing.T) {
		must(t, ctx, "kpi form",
			chromedp.Navigate(base+"/kpis"),
			chromedp.WaitVisible("#kpi-define"),
			chromedp.Click("#kpi-define"),
			chromedp.WaitVisible("#kpi-form"),
			chromedp.SendKeys("#k-id", "red_surveys"),
			chromedp.SendKeys("#k-name_zh", "红色问卷占比"),
			chromedp.SetValue("#k-num_kind", "surveys"),
			chromedp.SendKeys("#k-num_filter", "colour = red"),
			chromedp.SetValue("#k-den_kind", "surveys"),
			chromedp.Click("#kpi-save"),
			chromedp.WaitVisible(`.error[data-field="num_filter"]`),
		)
		msg := run(t, ctx, "error", chromedp.Text(`.error[data-field="num_filter"]`))
		if !strings.Contains(msg, "colour") || !strings.Contains(msg, "没有字段") {
			t.Errorf("filter error = %q", msg)
		}
		if top := run(t, ctx, "top error", chromedp.Text("#kpi-form-error")); !strings.Contains(top, "numerator.filter[0].field") {
			t.Errorf("form error = %q", top)
		}
		if _, err := db.KPIDefinition(context.Background(), "red_surveys"); err == nil {
			t.Error("the invalid KPI was stored")
		}
		shot("kpi-form-error-zh")
		// Corrected, it is stored and shown in the explorer.
		must(t, ctx, "fix",
			chromedp.SetValue("#k-num_filter", "overall = 5"),
			chromedp.Click("#kpi-save"),
			chromedp.WaitVisible("#kpis-table"),
		)
		if loc := run(t, ctx, "location", chromedp.Location()); !strings.Contains(loc, "kpi=red_surveys") {
			t.Errorf("after saving: %s", loc)
		}
	})

	if shots != "" {
		must(t, ctx, "webhook", chromedp.Navigate(base+"/alerts/webhook"), chromedp.WaitVisible("#webhook-form"))
		pages := []struct{ name, path, wait string }{
			{"kpis", strings.TrimPrefix(explorer, base), "#kpis-trend canvas"}, {"kpi-form", "/kpis/new", "#kpi-form"},
			{"goals", "/goals", "#goals-table"}, {"goal-form", "/goals/new", "#goal-form"}, {"goal", "/goals/1", "#goal-trend canvas"},
			{"alerts", "/alerts", "#alerts-table"}, {"webhook", "/alerts/webhook", "#webhook-form"},
		}
		for _, lang := range []string{"en", "zh"} {
			l := lang
			db.UpdateUser(context.Background(), "admin", csperf.UserUpdate{Lang: &l})
			for _, p := range pages {
				must(t, ctx, p.name, chromedp.Navigate(base+p.path), chromedp.WaitVisible(p.wait))
				shot(fmt.Sprintf("%s-%s", p.name, lang))
			}
		}
	}
}
