package scorecard_test

import (
	"encoding/json"
	"strings"
	"testing"

	"csperf"
	"csperf/kpi"
	"csperf/scorecard"
)

func shipped(t *testing.T, id string) *scorecard.Template {
	t.Helper()
	for _, tp := range scorecard.ShippedTemplates() {
		if tp.ID == id {
			return &tp
		}
	}
	t.Fatalf("no template %s", id)
	return nil
}

func money(t *testing.T, s string) *csperf.Money {
	t.Helper()
	m, err := csperf.ParseMoney(s)
	if err != nil {
		t.Fatal(err)
	}
	return &m
}

// ratings builds ratings from "item/source=points" pairs.
func ratings(t *testing.T, pairs ...string) map[scorecard.RatingKey]scorecard.Number {
	out := map[scorecard.RatingKey]scorecard.Number{}
	for _, p := range pairs {
		k, v, _ := strings.Cut(p, "=")
		item, src, _ := strings.Cut(k, "/")
		out[scorecard.RatingKey{Item: item, Source: src}] = num(t, v)
	}
	return out
}

func exact(n *scorecard.Number) string {
	if n == nil {
		return "nil"
	}
	return n.Exact()
}

// TestScoreByHand: the front-line template with every input there.
//
//	csat           45/50 = 90%  → 100 points; self 90, supervisor 80
//	               item: .2×90 + .3×80 + .5×100 = 92
//	complaint_rate 5/100        → 100 × (5−10)/(3−10) = 500/7; self 80, supervisor 70
//	               item: 16 + 21 + 250/7 = 509/7
//	first_response 108000 s / 1 = 30 h → 100 × (72−30)/(72−24) = 87.5; self 70, supervisor 60
//	               item: 14 + 18 + 43.75 = 75.75
//	score = .5×92 + .3×509/7 + .2×75.75 = 46 + 1527/70 + 15.15 = 2323/28 = 82.96 → good, ×1.2
//	bonus = 1234.57 × 1.2 = 148148.4 fen → 1481.48
//	parts: self 9 + 4.8 + 2.8 = 16.6; supervisor 12 + 6.3 + 3.6 = 21.9;
//	       customer 25 + 75/7 + 8.75 = 1245/28; 16.6 + 21.9 + 1245/28 = 2323/28
func TestScoreByHand(t *testing.T) {
	tp := shipped(t, "front_line_agent")
	in := scorecard.Input{
		Employee: scorecard.Employee{ID: "E1", Name: "张三", Position: "agent", GroupID: "G1", BonusBase: money(t, "1234.57")},
		KPIs:     map[string]kpi.Value{"csat": val(45, 50), "complaint_rate": val(5, 100), "first_response": val(108000, 1)},
		Ratings: ratings(t, "csat/self=90", "csat/supervisor=80", "complaint_rate/self=80", "complaint_rate/supervisor=70",
			"first_response/self=70", "first_response/supervisor=60"),
	}
	r := scorecard.Score(tp, scorecard.DefaultSettings(), scorecard.NewCatalog(), in)
	if got := exact(r.Score); got != "2323/28" || r.Score.String() != "82.96" {
		t.Fatalf("score %s (%s), want 2323/28 (82.96)", got, r.Score)
	}
	if r.Grade != scorecard.GradeGood || exact(r.Coefficient) != "6/5" || r.Bonus == nil || r.Bonus.String() != "1481.48" {
		t.Errorf("grade %s coefficient %s bonus %v", r.Grade, exact(r.Coefficient), r.Bonus)
	}
	if r.GradeRule != "82.96 (exactly 2323/28) ≥ 80 and < 90 → 良好 good, coefficient 1.2" {
		t.Errorf("grade rule %q", r.GradeRule)
	}
	items := map[string]string{"csat": "92", "complaint_rate": "509/7", "first_response": "303/4"}
	for _, it := range r.Items {
		if exact(it.Points) != items[it.Item] {
			t.Errorf("item %s: %s points, want %s", it.Item, exact(it.Points), items[it.Item])
		}
	}
	fr := r.Items[2]
	if *fr.Numerator != 108000 || *fr.Denominator != 1 || fr.Value != "30.0 h" || fr.Effective.Exact() != "20" ||
		fr.Contribution.Exact() != "303/20" || fr.Parts[2].Source != "customer" || exact(fr.Parts[2].Points) != "175/2" || fr.Parts[2].Share.Exact() != "50" {
		t.Errorf("first_response explained as %+v", fr)
	}
	parts := map[string][2]string{"self": {"83/5", "83"}, "supervisor": {"219/10", "73"}, "customer": {"1245/28", "1245/14"}}
	for _, s := range r.Sources {
		if s.Contribution.Exact() != parts[s.Source][0] || exact(s.Score) != parts[s.Source][1] {
			t.Errorf("source %s: contribution %s score %s, want %v", s.Source, s.Contribution.Exact(), exact(s.Score), parts[s.Source])
		}
	}
	if len(r.Missing) != 0 {
		t.Errorf("missing %v", r.Missing)
	}
}

// TestMissingInputs: the same employee under both rules.
//
// KPIs: csat has no surveys (no value); complaint_rate 3% → 100; first_response 24 h → 100.
// Ratings: csat self 80 supervisor 70; complaint_rate supervisor 60 (no self);
// first_response self 90 (no supervisor).
//
// renormalise: csat .4×80 + .6×70 = 74; complaint_rate 3/8×60 + 5/8×100 = 85;
// first_response 2/7×90 + 5/7×100 = 680/7; score 37 + 25.5 + 136/7 = 1147/14 = 81.93.
// zero: csat 16 + 21 + 0 = 37; complaint_rate 0 + 18 + 50 = 68; first_response 18 + 0 + 50 = 68;
// score 18.5 + 20.4 + 13.6 = 52.5 → unqualified, ×0.8.
func TestMissingInputs(t *testing.T) {
	tp := shipped(t, "front_line_agent")
	in := scorecard.Input{
		Employee: scorecard.Employee{ID: "E2", Position: "agent", BonusBase: money(t, "1000")},
		KPIs:     map[string]kpi.Value{"csat": {}, "complaint_rate": val(3, 100), "first_response": val(86400, 1)},
		Ratings:  ratings(t, "csat/self=80", "csat/supervisor=70", "complaint_rate/supervisor=60", "first_response/self=90"),
	}
	s := scorecard.DefaultSettings()
	r := scorecard.Score(tp, s, scorecard.NewCatalog(), in)
	if exact(r.Score) != "1147/14" || r.Score.String() != "81.93" || r.Grade != scorecard.GradeGood {
		t.Errorf("renormalised: %s %s", exact(r.Score), r.Grade)
	}
	want := []string{"csat customer kpi:csat", "complaint_rate self rating:self", "first_response supervisor rating:supervisor"}
	if len(r.Missing) != 3 {
		t.Fatalf("missing %+v", r.Missing)
	}
	for i, m := range r.Missing {
		if m.Item+" "+m.Source+" "+m.Input != want[i] || !strings.HasPrefix(m.Action, "left out") {
			t.Errorf("missing[%d] = %+v, want %s", i, m, want[i])
		}
	}
	if c := r.Items[0]; c.Value != "—" || c.Numerator == nil || *c.Denominator != 0 || c.Parts[0].Share.Exact() != "40" || c.Parts[1].Share.Exact() != "60" || !c.Parts[2].Missing {
		t.Errorf("csat explained as %+v", c)
	}

	s.Missing = scorecard.MissingZero
	r = scorecard.Score(tp, s, scorecard.NewCatalog(), in)
	if exact(r.Score) != "105/2" || r.Grade != scorecard.GradeUnqualified || exact(r.Coefficient) != "4/5" || r.Bonus.String() != "800.00" {
		t.Errorf("zero: %s %s %s %v", exact(r.Score), r.Grade, exact(r.Coefficient), r.Bonus)
	}
	if r.GradeRule != "52.50 < 60 → 不合格 unqualified, coefficient 0.8" {
		t.Errorf("grade rule %q", r.GradeRule)
	}
	for _, m := range r.Missing {
		if m.Action != "scored 0 points" {
			t.Errorf("zero rule action %+v", m)
		}
	}
}

// TestItemLeftOut: the after-sales template with no teamwork rating at all.
// response_speed 24 h → 100, ratings 100: 100; resolution resolution_time
// 31/40 = 77.5% → 100 × (77.5−60)/(95−60) = 50, ratings 100: 20 + 30 + 25 = 75; satisfaction
// 90% → 100, ratings 100: 100. Teamwork leaves; 30/30/20 become 37.5/37.5/25:
// 37.5 + 28.125 + 25 = 90.625 → excellent.
func TestItemLeftOut(t *testing.T) {
	tp := shipped(t, "after_sales_team")
	in := scorecard.Input{
		Employee: scorecard.Employee{ID: "E3", Position: "service_advisor"},
		KPIs:     map[string]kpi.Value{"first_response": val(86400, 1), "resolution_time": val(31, 40), "csat": val(9, 10)},
		Ratings: ratings(t, "response_speed/self=100", "response_speed/supervisor=100", "resolution/self=100",
			"resolution/supervisor=100", "satisfaction/self=100", "satisfaction/supervisor=100"),
	}
	r := scorecard.Score(tp, scorecard.DefaultSettings(), scorecard.NewCatalog(), in)
	if exact(r.Score) != "725/8" || r.Grade != scorecard.GradeExcellent {
		t.Fatalf("score %s grade %s", exact(r.Score), r.Grade)
	}
	eff := []string{"75/2", "75/2", "25", "0"}
	for i, it := range r.Items {
		if it.Effective.Exact() != eff[i] {
			t.Errorf("%s effective weight %s, want %s", it.Item, it.Effective.Exact(), eff[i])
		}
	}
	if r.Items[3].Points != nil || r.Items[3].Kind != scorecard.ItemRated || len(r.Items[3].Parts) != 2 {
		t.Errorf("teamwork %+v", r.Items[3])
	}
	// Two missing ratings and the missing bonus base.
	if len(r.Missing) != 3 || !strings.Contains(r.Missing[0].Action, "other items' weights renormalised") || r.Missing[2].Input != "bonus_base" || r.Bonus != nil {
		t.Errorf("missing %+v bonus %v", r.Missing, r.Bonus)
	}
	// With teamwork rated: its points are .4 × self + .6 × supervisor.
	in.Ratings[scorecard.RatingKey{Item: "teamwork", Source: "self"}] = scorecard.Int(50)
	in.Ratings[scorecard.RatingKey{Item: "teamwork", Source: "supervisor"}] = scorecard.Int(75)
	r = scorecard.Score(tp, scorecard.DefaultSettings(), scorecard.NewCatalog(), in)
	// teamwork 20 + 45 = 65; 30 + 22.5 + 20 + 13 = 85.5
	if exact(r.Items[3].Points) != "65" || exact(r.Score) != "171/2" || r.Items[3].Parts[0].Share.Exact() != "40" {
		t.Errorf("rated teamwork %s, score %s", exact(r.Items[3].Points), exact(r.Score))
	}
	// Nothing at all: no score, no grade, no bonus.
	in = scorecard.Input{Employee: scorecard.Employee{ID: "E4", Position: "service_advisor", BonusBase: money(t, "500")}}
	r = scorecard.Score(tp, scorecard.DefaultSettings(), scorecard.NewCatalog(), in)
	if r.Score != nil || r.Grade != "" || r.Bonus != nil || r.Missing[len(r.Missing)-1].Input != "all" {
		t.Errorf("no inputs: %+v", r)
	}
}

// TestThresholds: scores exactly on each threshold take the higher grade;
// bonus rounding half away from zero.
//
// Every rating 90 and every KPI at 90 points (csat 87%, complaint_rate
// 3.7%, first_response 28.8 h) give exactly 90 → excellent, ×1.5:
// 1234.57 × 1.5 = 185185.5 fen → 1851.86.
func TestThresholds(t *testing.T) {
	tp := shipped(t, "front_line_agent")
	all := func(p string) map[scorecard.RatingKey]scorecard.Number {
		return ratings(t, "csat/self="+p, "csat/supervisor="+p, "complaint_rate/self="+p, "complaint_rate/supervisor="+p,
			"first_response/self="+p, "first_response/supervisor="+p)
	}
	in := scorecard.Input{
		Employee: scorecard.Employee{ID: "E5", Position: "agent", BonusBase: money(t, "1234.57")},
		KPIs:     map[string]kpi.Value{"csat": val(87, 100), "complaint_rate": val(37, 1000), "first_response": val(103680, 1)},
		Ratings:  all("90"),
	}
	r := scorecard.Score(tp, scorecard.DefaultSettings(), scorecard.NewCatalog(), in)
	if exact(r.Score) != "90" || r.Grade != scorecard.GradeExcellent || r.Bonus.String() != "1851.86" || r.GradeRule != "90.00 ≥ 90 → 优秀 excellent, coefficient 1.5" {
		t.Errorf("on 90: %s %s %v %q", exact(r.Score), r.Grade, r.Bonus, r.GradeRule)
	}
	s := scorecard.DefaultSettings()
	for _, tc := range []struct {
		score, grade, coef string
	}{
		{"100", "excellent", "3/2"},
		{"90", "excellent", "3/2"},
		{"17999/200", "good", "6/5"}, // 89.995, shown 90.00
		{"80", "good", "6/5"},
		{"7999/100", "qualified", "1"},
		{"60", "qualified", "1"},
		{"5999/100", "unqualified", "4/5"},
		{"0", "unqualified", "4/5"},
	} {
		g, rule := s.GradeOf(num(t, tc.score).Rat())
		if g.Code != tc.grade || g.Coefficient.Exact() != tc.coef {
			t.Errorf("%s → %s ×%s (%s), want %s ×%s", tc.score, g.Code, g.Coefficient.Exact(), rule, tc.grade, tc.coef)
		}
	}
	if _, rule := s.GradeOf(num(t, "17999/200").Rat()); rule != "90.00 (exactly 17999/200) ≥ 80 and < 90 → 良好 good, coefficient 1.2" {
		t.Errorf("rule %q", rule)
	}
	// Bonus rounding at each coefficient: 0.03 × 1.5 = 4.5 fen → 5; 0.01 × 1.2 = 1.2 → 1; 0.01 × 0.8 = 0.8 → 1.
	for _, tc := range []struct{ base, ratings, bonus string }{
		{"0.03", "90", "0.05"}, {"0.01", "80", "0.01"}, {"0.01", "0", "0.01"}, {"1234.57", "80", "1481.48"},
	} {
		in.Employee.BonusBase = money(t, tc.base)
		in.Ratings = all(tc.ratings)
		if tc.ratings != "90" {
			in.KPIs = map[string]kpi.Value{"csat": val(84, 100), "complaint_rate": val(44, 1000), "first_response": val(120960, 1)} // 80 points each
			if tc.ratings == "0" {
				in.KPIs = map[string]kpi.Value{"csat": val(1, 2), "complaint_rate": val(1, 5), "first_response": val(300000, 1)}
			}
		}
		r := scorecard.Score(tp, s, scorecard.NewCatalog(), in)
		if r.Bonus == nil || r.Bonus.String() != tc.bonus {
			t.Errorf("base %s at %s: score %s bonus %v, want %s", tc.base, tc.ratings, exact(r.Score), r.Bonus, tc.bonus)
		}
	}
	// Thresholds are settings: with excellent at 92.5, 90 is good.
	s.Grades[0].Min = func() *scorecard.Number { n := num(t, "92.5"); return &n }()
	if g, _ := s.GradeOf(scorecard.Int(90).Rat()); g.Code != "good" {
		t.Errorf("excellent ≥ 92.5: 90 graded %s", g.Code)
	}
	bad := scorecard.DefaultSettings()
	bad.Grades[1].Min = bad.Grades[0].Min
	if err := bad.Validate(); err == nil {
		t.Error("equal thresholds accepted")
	}
}

func TestResultJSON(t *testing.T) {
	tp := shipped(t, "front_line_agent")
	in := scorecard.Input{Employee: scorecard.Employee{ID: "E1", Position: "agent", BonusBase: money(t, "100")},
		KPIs: map[string]kpi.Value{"csat": val(9, 10)}, Ratings: ratings(t, "csat/self=100")}
	r := scorecard.Score(tp, scorecard.DefaultSettings(), scorecard.NewCatalog(), in)
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatal(err)
	}
	var back scorecard.Result
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	b2, _ := json.Marshal(back)
	if string(b) != string(b2) {
		t.Errorf("round trip differs:\n%s\n%s", b, b2)
	}
	if strings.Contains(string(b), "e+") || strings.Contains(string(b), "e-") {
		t.Errorf("float in %s", b)
	}
}
