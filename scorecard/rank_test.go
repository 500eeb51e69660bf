package scorecard_test

import (
	"fmt"
	"strings"
	"testing"

	"csperf/scorecard"
)

func annual(t *testing.T, year int, emp, pos, score, grade string) scorecard.Annual {
	a := scorecard.Annual{Year: year, CycleID: fmt.Sprintf("Y%d", year), EmployeeID: emp, Position: pos, Grade: grade}
	if score != "" {
		n := num(t, score)
		a.Score = &n
	}
	return a
}

func TestPromotions(t *testing.T) {
	as := []scorecard.Annual{
		annual(t, 2014, "E1", "agent", "90", "excellent"), // exactly on the threshold, two years running
		annual(t, 2015, "E1", "agent", "95", "excellent"),
		annual(t, 2013, "E2", "agent", "92", "excellent"), // a good year between
		annual(t, 2014, "E2", "agent", "85", "good"),
		annual(t, 2015, "E2", "agent", "93", "excellent"),
		annual(t, 2013, "E3", "agent", "91", "excellent"), // three years: listed once, the latest pair
		annual(t, 2014, "E3", "agent", "91", "excellent"),
		annual(t, 2015, "E3", "agent", "91", "excellent"),
		annual(t, 2015, "E4", "agent", "99", "excellent"), // one year only
		annual(t, 2013, "E5", "agent", "99", "excellent"), // not consecutive: 2013 and 2015
		annual(t, 2015, "E5", "agent", "99", "excellent"),
	}
	ps, err := scorecard.Promotions(as)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range ps {
		got = append(got, fmt.Sprintf("%s %d-%d", p.EmployeeID, p.Years[0], p.Years[1]))
	}
	if strings.Join(got, ",") != "E1 2014-2015,E3 2014-2015" {
		t.Errorf("promotions %v", got)
	}
	if _, err := scorecard.Promotions(append(as, annual(t, 2015, "E1", "agent", "80", "good"))); err == nil {
		t.Error("two results of one year accepted")
	}
}

// TestRaises: five agents scored 95, 90, 90, 80, 70 rank 1, 2, 2, 4, 5;
// quartile ⌊4(r−1)/5⌋+1 = 1, 1, 1, 3, 4; raises 8, 8, 8, 3, 0. A lone
// specialist is rank 1 of 1, quartile 1. No score: not ranked.
func TestRaises(t *testing.T) {
	as := []scorecard.Annual{
		annual(t, 2015, "A3", "agent", "90", "excellent"),
		annual(t, 2015, "A1", "agent", "95", "excellent"),
		annual(t, 2015, "A5", "agent", "70", "qualified"),
		annual(t, 2015, "A2", "agent", "90", "excellent"),
		annual(t, 2015, "A4", "agent", "80", "good"),
		annual(t, 2015, "A6", "agent", "", ""),
		annual(t, 2015, "S1", "specialist", "61", "qualified"),
	}
	rs := scorecard.Raises(as, scorecard.DefaultSettings())
	var got []string
	for _, r := range rs {
		got = append(got, fmt.Sprintf("%s %s %d/%d Q%d %s", r.Position, r.EmployeeID, r.Rank, r.Of, r.Quartile, r.Raise.Exact()))
	}
	want := []string{"agent A1 1/5 Q1 8", "agent A2 2/5 Q1 8", "agent A3 2/5 Q1 8", "agent A4 4/5 Q3 3", "agent A5 5/5 Q4 0", "specialist S1 1/1 Q1 8"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("raises\n%v\nwant\n%v", got, want)
	}
	if rs[3].Rule != "rank 4 of 5: 60% ranked above → quartile 3 → 3%" {
		t.Errorf("rule %q", rs[3].Rule)
	}
	// Four agents: one per quartile.
	four := []scorecard.Annual{annual(t, 2015, "B1", "agent", "4", ""), annual(t, 2015, "B2", "agent", "3", ""),
		annual(t, 2015, "B3", "agent", "2", ""), annual(t, 2015, "B4", "agent", "1", "")}
	for i, r := range scorecard.Raises(four, scorecard.DefaultSettings()) {
		if r.Quartile != i+1 {
			t.Errorf("%s quartile %d", r.EmployeeID, r.Quartile)
		}
	}
}
