package demo

import (
	"context"
	"slices"
	"testing"
	"time"

	"csperf"
)

// recorder is an Importer that keeps the rows, so that the figures the
// demo is meant to show can be checked without a database.
type recorder struct {
	rows map[string][][]any
}

func (c *recorder) Import(ctx context.Context, k *csperf.Kind, src csperf.RowSource, opt csperf.ImportOptions) (*csperf.ImportResult, error) {
	var n int64
	for {
		_, v, ok := src.Next()
		if !ok {
			break
		}
		n++
		c.rows[k.Name] = append(c.rows[k.Name], v)
	}
	return &csperf.ImportResult{Kind: k.Name, Rows: n}, src.Err()
}

func pct(a, b int) float64 { return 100 * float64(a) / float64(b) }

func TestFigures(t *testing.T) {
	if testing.Short() {
		t.Skip("builds 100,000 visits")
	}
	rec := &recorder{rows: map[string][][]any{}}
	sum, err := Build(context.Background(), rec, Options{Seed: 3, Scale: 0.25, End: csperf.MakeMonth(2025, 6)})
	if err != nil {
		t.Fatal(err)
	}
	in := func(what string, v, lo, hi float64) {
		t.Helper()
		if v < lo || v > hi {
			t.Errorf("%s = %.2f, want %g…%g", what, v, lo, hi)
		} else {
			t.Logf("%s = %.2f", what, v)
		}
	}
	first, end := sum.Start.First(), at(sum.End.Last()+1, 0)

	// Ids are unique and come in text order; instants are UTC and fall in
	// local working hours of the window.
	for _, k := range csperf.Kinds {
		rows := rec.rows[k.Name]
		if len(k.Key) == 1 && len(rows) > 1 {
			for i := 1; i < len(rows); i++ {
				if a, b := rows[i-1][0].(string), rows[i][0].(string); a >= b {
					t.Errorf("%s: id %s after %s", k.Name, b, a)
					break
				}
			}
		}
		for _, r := range rows {
			for i, f := range k.Fields {
				tm, ok := r[i].(time.Time)
				if !ok {
					continue
				}
				if tm.Location() != time.UTC {
					t.Fatalf("%s.%s: %v is not UTC", k.Name, f.Name, tm)
				}
				if h := tm.Add(utcOffset * time.Second).Hour(); h < 8 || h > 23 {
					t.Errorf("%s.%s: %v is at %d:00 local", k.Name, f.Name, tm, h)
				}
				if tm.Before(at(first-400, 0)) || !tm.Before(end) {
					t.Errorf("%s.%s: %v outside the window", k.Name, f.Name, tm)
				}
			}
		}
	}

	// Visits and churn: a few percent of a month's visits are customers'
	// last before eight months away.
	visits := rec.rows["visits"]
	in("visits per customer", float64(len(visits))/float64(len(rec.rows["customers"])), 15, 25)
	perMonth := map[csperf.Month]int{}
	byCust := map[string][]csperf.Date{}
	for _, v := range visits {
		d := v[3].(csperf.Date)
		perMonth[d.Month()]++
		byCust[v[1].(string)] = append(byCust[v[1].(string)], d)
	}
	churned := map[csperf.Month]int{}
	for _, ds := range byCust {
		for i, d := range ds {
			if m := d.Month() + 8; i+1 == len(ds) || ds[i+1] > m.Last() {
				churned[m]++
			}
		}
	}
	for m := sum.Start + 8; m <= sum.End; m++ {
		in("churn rate "+m.String(), pct(churned[m], perMonth[m-8]), 1, 5)
	}
	feb := csperf.MakeMonth(2025, 2)
	in("February visits / March visits", float64(perMonth[feb])/float64(perMonth[feb+1]), 0.6, 0.9)

	// Calls.
	var inbound, abandoned, within20, answered, rfc, outbound, effective, noAgent int
	var hold, talk int64
	for _, c := range rec.rows["calls"] {
		if c[4] == "in" {
			inbound++
			if c[10].(bool) {
				abandoned++
				if c[1] == nil {
					noAgent++
				}
				continue
			}
			answered++
			if c[6].(time.Time).Sub(c[5].(time.Time)) <= 20*time.Second {
				within20++
			}
			if c[12].(bool) {
				rfc++
			}
		} else {
			outbound++
			if c[11].(bool) {
				effective++
			}
		}
		hold += c[9].(int64)
		talk += c[8].(int64)
	}
	in("inbound share", pct(inbound, len(rec.rows["calls"])), 60, 75)
	in("abandon rate", pct(abandoned, inbound), 3.5, 7)
	in("abandoned without agent", pct(noAgent, abandoned), 50, 90)
	in("service level", pct(within20, inbound), 70, 90)
	in("first-contact resolution", pct(rfc, answered), 80, 90)
	in("effective outbound", pct(effective, outbound), 96, 100)
	in("hold share", 100*float64(hold)/float64(hold+talk), 2, 10)
	in("QA monitoring", pct(len(rec.rows["qa_evaluations"]), inbound), 9, 12)
	// Every agent is monitored at 10% or more every month but the last.
	type agentMonth struct {
		agent any
		m     csperf.Month
	}
	calls, monitored := map[agentMonth]int{}, map[agentMonth]int{}
	callOf := map[any]agentMonth{}
	for _, c := range rec.rows["calls"] {
		if c[4] == "in" && c[1] != nil {
			am := agentMonth{c[1], localDate(c[5].(time.Time)).Month()}
			calls[am]++
			callOf[c[0]] = am
		}
	}
	for _, q := range rec.rows["qa_evaluations"] {
		monitored[callOf[q[1]]]++
	}
	low := 0
	for am, n := range calls {
		if am.m < sum.End && n >= 100 && pct(monitored[am], n) < 9.5 {
			low++
		}
	}
	if low > 0 {
		t.Errorf("%d agent-months monitored below 9.5%%", low)
	}

	// Complaints.
	var class [3]int
	var closed, timely, escalated, resolved int
	for _, c := range rec.rows["complaints"] {
		k := int(c[3].(string)[0] - '1')
		class[k]++
		if c[8] == nil {
			continue
		}
		closed++
		if c[8].(time.Time).Sub(c[7].(time.Time)) <= time.Duration([]int{24, 48, 72}[k])*time.Hour {
			timely++
		}
		if c[10].(bool) {
			escalated++
		}
		if c[12].(bool) {
			resolved++
		}
	}
	in("class 3 share", pct(class[2], len(rec.rows["complaints"])), 75, 92)
	in("complaint timeliness", pct(timely, closed), 88, 98)
	in("escalated", pct(escalated, closed), 3, 15)
	in("resolved", pct(resolved, closed), 92, 99)

	// Surveys, return visits, contracts, orders.
	var scored, satisfied int
	for _, s := range rec.rows["surveys"] {
		if s[4] != nil {
			scored++
			if s[4].(string) >= "4" {
				satisfied++
			}
		}
	}
	in("csat", pct(satisfied, scored), 85, 95)
	in("surveys without overall", pct(len(rec.rows["surveys"])-scored, len(rec.rows["surveys"])), 1, 8)
	var good, reasons int
	for _, r := range rec.rows["return_visits"] {
		if r[5] == "good" || r[5] == "fairly_good" {
			good++
		}
		if r[9] != nil {
			reasons++
		}
	}
	in("return-visit satisfaction", pct(good, len(rec.rows["return_visits"])), 84, 95)
	if reasons == 0 {
		t.Error("no return visit names a churn reason")
	}
	overdue := 0
	last := sum.End.Last()
	done := map[any]bool{}
	for _, r := range rec.rows["return_visits"] {
		done[r[1]] = true
	}
	due := 0
	for _, p := range rec.rows["return_visit_plans"] {
		if p[3].(csperf.Date) <= last {
			due++
			if !done[p[0]] {
				overdue++
			}
		}
	}
	in("overdue plans", pct(overdue, due), 2, 8)
	var expired, renewed, precontact int
	for _, c := range rec.rows["contracts"] {
		if c[4].(csperf.Date) < c[3].(csperf.Date) {
			t.Errorf("contract %s expires before it starts", c[0])
		}
		if c[5] == nil {
			continue
		}
		expired++
		if c[5].(bool) {
			renewed++
		}
		if c[6] != nil && localDate(c[6].(time.Time)) <= c[4].(csperf.Date)-30 {
			precontact++
		}
	}
	in("renewal rate", pct(renewed, expired), 80, 92)
	in("contacted 30 days before expiry", pct(precontact, expired), 80, 97)
	var returned int
	for _, o := range rec.rows["orders"] {
		if o[8].(bool) {
			returned++
		}
	}
	in("returned orders", pct(returned, len(rec.rows["orders"])), 1, 5)

	// Some advisors moved once; memberships of one employee never overlap.
	segs := map[string][][]any{}
	for _, m := range rec.rows["memberships"] {
		segs[m[0].(string)] = append(segs[m[0].(string)], m)
	}
	moved := 0
	for _, ss := range segs {
		if len(ss) > 1 {
			moved++
			if ss[0][3] == nil || ss[0][3].(csperf.Date) >= ss[1][2].(csperf.Date) {
				t.Errorf("memberships overlap: %v", ss)
			}
		}
	}
	if moved < 3 {
		t.Errorf("%d employees moved, want a few", moved)
	}
	if !slices.ContainsFunc(rec.rows["suggestions"], func(r []any) bool { return r[3] == "improvement" }) {
		t.Error("no improvement proposals")
	}
}

// TestDeterministic checks that the same options give the same rows and
// another seed other rows.
func TestDeterministic(t *testing.T) {
	build := func(seed uint64) map[string][][]any {
		rec := &recorder{rows: map[string][][]any{}}
		if _, err := Build(context.Background(), rec, Options{Seed: seed, Scale: 0.01, Now: time.Date(2025, 7, 1, 12, 0, 0, 0, time.UTC)}); err != nil {
			t.Fatal(err)
		}
		return rec.rows
	}
	a, b, c := build(1), build(1), build(2)
	for _, k := range csperf.Kinds {
		if !slices.EqualFunc(a[k.Name], b[k.Name], slices.Equal) {
			t.Errorf("%s differ between two builds with the same seed", k.Name)
		}
	}
	if slices.EqualFunc(a["visits"], c["visits"], slices.Equal) {
		t.Error("another seed gave the same visits")
	}
}

func BenchmarkGenerate(b *testing.B) {
	for b.Loop() {
		if _, err := Build(context.Background(), discard{}, Options{Seed: 1, Scale: 1, End: csperf.MakeMonth(2025, 6)}); err != nil {
			b.Fatal(err)
		}
	}
}

type discard struct{}

func (discard) Import(ctx context.Context, k *csperf.Kind, src csperf.RowSource, opt csperf.ImportOptions) (*csperf.ImportResult, error) {
	var n int64
	for {
		if _, _, ok := src.Next(); !ok {
			break
		}
		n++
	}
	return &csperf.ImportResult{Rows: n}, src.Err()
}

// TestWindows builds short and long windows and refuses bad options.
func TestWindows(t *testing.T) {
	for _, months := range []int{1, 3, 13, 60} {
		rec := &recorder{rows: map[string][][]any{}}
		sum, err := Build(context.Background(), rec, Options{Seed: 5, Scale: 0.01, Months: months, Now: time.Date(2031, 1, 1, 3, 0, 0, 0, time.UTC)})
		if err != nil {
			t.Fatalf("%d months: %v", months, err)
		}
		if want := csperf.MakeMonth(2030, 12); sum.End != want || sum.End-sum.Start+1 != csperf.Month(months) {
			t.Errorf("%d months: window %s…%s", months, sum.Start, sum.End)
		}
		if len(rec.rows["visits"]) == 0 || len(rec.rows["calls"]) == 0 {
			t.Errorf("%d months: %d visits, %d calls", months, len(rec.rows["visits"]), len(rec.rows["calls"]))
		}
	}
	for _, o := range []Options{{Scale: -1}, {Scale: 2000}, {Months: -2}, {Months: 500}} {
		if _, err := Build(context.Background(), &recorder{rows: map[string][][]any{}}, o); err == nil {
			t.Errorf("%+v: no error", o)
		}
	}
}

// TestJobOrder checks that kinds are imported in registry order, so that
// every reference points at rows imported before.
func TestJobOrder(t *testing.T) {
	w, err := newWorld(Options{Seed: 1, Scale: 0.01, End: csperf.MakeMonth(2025, 6)})
	if err != nil {
		t.Fatal(err)
	}
	last := -1
	for _, j := range w.jobs() {
		i := slices.IndexFunc(csperf.Kinds, func(k *csperf.Kind) bool { return k.Name == j.kind })
		if i <= last {
			t.Errorf("%s is imported out of registry order", j.kind)
		}
		last = i
	}
}
