package scorecard_test

import (
	"testing"

	"csperf/kpi"
	"csperf/scorecard"
)

func val(n, d int64) kpi.Value { return kpi.Value{Num: n, Den: d, Valid: d > 0} }

// TestRulePoints checks every rule type on values computed by hand.
func TestRulePoints(t *testing.T) {
	c := scorecard.NewCatalog()
	I := scorecard.Int
	linCSAT := scorecard.Linear(I(60), nil)       // 60% → 0, 90% (catalog target) → 100
	linComplaints := scorecard.Linear(I(10), nil) // 10% → 0, 3% → 100 (lower is better)
	linResponse := scorecard.Linear(I(72), nil)   // 72 h → 0, 24 h → 100 (lower is better)
	own := I(80)
	linOwnTarget := scorecard.Linear(I(60), &own) // 60% → 0, 80% → 100
	stepUp := scorecard.Steps(I(0), scorecard.Step{At: I(95), Points: I(100)}, scorecard.Step{At: I(90), Points: I(80)}, scorecard.Step{At: I(80), Points: I(60)})
	stepDown := scorecard.Steps(I(10), scorecard.Step{At: I(3), Points: I(100)}, scorecard.Step{At: I(5), Points: I(80)}, scorecard.Step{At: I(8), Points: I(50)})
	dedValue := scorecard.Deduction(I(10), scorecard.BasisValue)
	dedNum := scorecard.Deduction(I(5), scorecard.BasisNumerator)
	cases := []struct {
		kpi   string
		rule  *scorecard.Rule
		v     kpi.Value
		exact string
	}{
		{"csat", linCSAT, val(3, 4), "50"},                      // 100 × (0.75 − 0.6) / 0.3
		{"csat", linCSAT, val(9, 10), "100"},                    // on target
		{"csat", linCSAT, val(19, 20), "100"},                   // above target: capped
		{"csat", linCSAT, val(3, 5), "0"},                       // on floor
		{"csat", linCSAT, val(1, 2), "0"},                       // below floor: capped
		{"csat", linCSAT, val(2, 3), "200/9"},                   // 100 × (1/15) / (3/10)
		{"csat", linCSAT, val(87, 100), "90"},                   // 100 × 0.27 / 0.3
		{"csat", linOwnTarget, val(7, 10), "50"},                // own target 80%
		{"complaint_rate", linComplaints, val(5, 100), "500/7"}, // 100 × (0.05 − 0.1) / (0.03 − 0.1)
		{"complaint_rate", linComplaints, val(3, 100), "100"},
		{"complaint_rate", linComplaints, val(0, 50), "100"},
		{"complaint_rate", linComplaints, val(1, 10), "0"},
		{"complaint_rate", linComplaints, val(12, 100), "0"},
		{"complaint_rate", linComplaints, val(37, 1000), "90"},
		{"first_response", linResponse, val(48*3600*3, 3), "50"},  // mean 48 h
		{"first_response", linResponse, val(30*3600, 1), "175/2"}, // 30 h: 100 × 42/48
		{"first_response", linResponse, val(103680, 1), "90"},     // 28.8 h
		{"complaint_resolution", stepUp, val(19, 20), "100"},      // exactly 95%: ≥ 95
		{"complaint_resolution", stepUp, val(9499, 10000), "80"},  // 94.99%
		{"complaint_resolution", stepUp, val(9, 10), "80"},        // exactly 90%
		{"complaint_resolution", stepUp, val(17, 20), "60"},       // 85%
		{"complaint_resolution", stepUp, val(79, 100), "0"},       // below every step: else 0
		{"complaint_rate", stepDown, val(3, 100), "100"},          // ≤ 3%
		{"complaint_rate", stepDown, val(4, 100), "80"},           // ≤ 5%
		{"complaint_rate", stepDown, val(1, 20), "80"},            // exactly 5%
		{"complaint_rate", stepDown, val(8, 100), "50"},           // exactly 8%
		{"complaint_rate", stepDown, val(9, 100), "10"},           // above every step: else 10
		{"manager_complaints", dedValue, val(3, 1), "70"},         // 100 − 10 × 3
		{"manager_complaints", dedValue, val(12, 1), "0"},         // floor 0
		{"manager_complaints", dedValue, val(0, 1), "100"},        //
		{"manager_complaints", dedValue, val(3, 2), "85"},         // 1.5 a year
		{"complaint_rate", dedNum, val(7, 200), "65"},             // 7 complaints: 100 − 5 × 7
	}
	for _, tc := range cases {
		def := c[tc.kpi]
		p, how := tc.rule.Points(def, tc.v)
		if got := scorecard.NumberOf(p).Exact(); got != tc.exact {
			t.Errorf("%s %s on %d/%d: %s points (%s), want %s", tc.kpi, tc.rule.Describe(def), tc.v.Num, tc.v.Den, got, how, tc.exact)
		}
	}
	if got := linResponse.Describe(c["first_response"]); got != "linear: 72 h → 0, 24 h → 100 points, capped" {
		t.Errorf("describe: %q", got)
	}
	if got := stepUp.Describe(c["complaint_resolution"]); got != "step: ≥ 95% → 100, ≥ 90% → 80, ≥ 80% → 60, otherwise 0" {
		t.Errorf("describe: %q", got)
	}
	if _, how := linComplaints.Points(c["complaint_rate"], val(5, 100)); how != "100 × (5% − 10%) / (3% − 10%) = 71.43" {
		t.Errorf("applied: %q", how)
	}
}

func TestRoundFen(t *testing.T) {
	for _, tc := range []struct {
		num, den int64
		want     int64
	}{
		{1851855, 10, 185186}, // 185185.5 fen → up
		{-1851855, 10, -185186},
		{1481484, 10, 148148}, // 148148.4 → down
		{9, 2, 5},             // 4.5 → 5
		{7, 2, 4},             // 3.5 → 4
		{-1, 2, -1},           // −0.5 → −1
		{1, 3, 0},
		{2, 3, 1},
		{100, 1, 100},
	} {
		got, err := scorecard.RoundFen(scorecard.N(tc.num, tc.den).Rat())
		if err != nil || int64(got) != tc.want {
			t.Errorf("RoundFen(%d/%d) = %d, %v; want %d", tc.num, tc.den, got, err, tc.want)
		}
	}
}

func TestNumberJSON(t *testing.T) {
	n := scorecard.N(2323, 28)
	b, _ := n.MarshalJSON()
	if string(b) != `{"exact":"2323/28","shown":"82.96"}` {
		t.Errorf("marshal: %s", b)
	}
	for _, in := range []string{`{"exact":"2323/28","shown":"x"}`, `"2323/28"`, `"82.964285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714285714"`} {
		var m scorecard.Number
		if err := m.UnmarshalJSON([]byte(in)); err != nil {
			t.Fatal(err)
		}
		if in[1] != '8' && m.Cmp(n) != 0 {
			t.Errorf("%s read as %s", in, m.Exact())
		}
	}
	var m scorecard.Number
	if err := m.UnmarshalJSON([]byte(`33.5`)); err != nil || m.Exact() != "67/2" {
		t.Errorf("33.5 read as %s, %v", m.Exact(), err)
	}
	if err := m.UnmarshalJSON([]byte(`1e3`)); err == nil {
		t.Error("1e3 accepted")
	}
}
