package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"csperf"
	"csperf/churn"
	"csperf/kpi"
)

// The special aggregations look at histories, snapshots or imported facts
// rather than sums of daily roll-ups; each has its own exact path here,
// computing every period a KPIValues call needs in one pass over the data.
// kpi.Evaluate is their definition.

// periodFigures are figures by period and scope id.
type periodFigures map[kpi.Period]map[string]figure

// figuresFor returns def's figures for every period. The special
// aggregations' figures are computed for every id of the level at once
// and kept in kpi_results until the data they read changes.
func (c *calc) figuresFor(ctx context.Context, def kpi.Definition, periods []kpi.Period) (periodFigures, error) {
	out := periodFigures{}
	if rolledUp(def) {
		for _, p := range periods {
			f, err := c.figures(ctx, def, p)
			if err != nil {
				return nil, err
			}
			out[p] = f
		}
		return out, nil
	}
	stamps := map[kpi.Period]string{}
	var missing []kpi.Period
	for _, p := range periods {
		stamp, err := c.stamp(ctx, def, p)
		if err != nil {
			return nil, err
		}
		stamps[p] = stamp
		f, ok, err := c.cached(ctx, def, p, stamp)
		if err != nil {
			return nil, err
		}
		if ok {
			out[p] = f
		} else {
			missing = append(missing, p)
		}
	}
	if len(missing) == 0 {
		return out, nil
	}
	// The histories are read once for every level: a later query of
	// another level finds its figures kept.
	levels := scopeLevels
	if def.Aggregation == kpi.Fact {
		levels = []string{c.level}
	}
	fresh := map[string]periodFigures{}
	for _, l := range levels {
		fresh[l] = periodFigures{}
	}
	var err error
	switch def.Aggregation {
	case kpi.Fact:
		err = c.facts(ctx, def, missing, fresh[c.level])
	case kpi.Snapshot:
		err = c.snapshot(ctx, def, missing, fresh)
	case kpi.RepeatCustomers:
		err = c.repeat(ctx, def, missing, fresh)
	case kpi.Churn, kpi.PeriodChurn:
		err = c.churn(ctx, def, missing, fresh)
	default:
		err = csperf.Errorf(csperf.EINTERNAL, "kpi %s: aggregation %q has no store path", def.ID, def.Aggregation)
	}
	if err != nil {
		return nil, err
	}
	for _, p := range missing {
		out[p] = fresh[c.level][p]
		for _, l := range levels {
			if err := c.store(ctx, def, l, p, stamps[p], fresh[l][p]); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// scopeLevels are the levels special figures are computed for at once.
var scopeLevels = []string{kpi.LevelEmployee, kpi.LevelGroup, kpi.LevelDepartment, kpi.LevelOrg}

// allIDs is the key of a note that holds for every scope id.
const allIDs = "*"

// stamp identifies the data def's special figures over p depend on: the
// settings, the organisation's version, and the versions of the kinds
// read — by month over the window of months p's figures read (the
// trailing year of repeat customers, the months from N before the period
// for churn), as a whole for snapshots and facts.
func (c *calc) stamp(ctx context.Context, def kpi.Definition, p kpi.Period) (string, error) {
	var kinds []string
	if def.Aggregation == kpi.Fact {
		kinds = append(kinds, kpi.KindKPIFacts)
	}
	for _, m := range append([]kpi.Measure{def.Numerator}, def.Denominator...) {
		if m.Kind != "" && !slices.Contains(kinds, m.Kind) {
			kinds = append(kinds, m.Kind)
		}
	}
	lo, hi := "", ""
	switch def.Aggregation {
	case kpi.RepeatCustomers:
		w := kpi.TrailingYear(p.End)
		lo, hi = w.Start.Month().String(), w.End.Month().String()
	case kpi.Churn, kpi.PeriodChurn:
		n := c.p.ChurnMonths
		if n == 0 {
			n = kpi.DefaultParams().ChurnMonths
		}
		lo, hi = (p.Start.Month() - csperf.Month(n)).String(), p.End.Month().String()
	}
	args := anys(kinds)
	cond := "month = ''"
	if lo != "" {
		cond = "month >= ? AND month <= ?"
		args = append(args, lo, hi)
	}
	rows, err := c.db.r.QueryContext(ctx, c.db.q(`SELECT kind, month, version FROM kpi_versions
		WHERE kind IN (`+placeholders(len(kinds))+`) AND `+cond+` OR kind = 'org' AND month = ''
		ORDER BY kind, month`), args...)
	if err != nil {
		return "", fmt.Errorf("kpi versions: %w", err)
	}
	defer rows.Close()
	b := strings.Builder{}
	fmt.Fprintf(&b, "%s n=%d %s..%s", fingerprint(c.p), c.p.ChurnMonths, lo, hi)
	for rows.Next() {
		var k, m string
		var v int64
		if err := rows.Scan(&k, &m, &v); err != nil {
			return "", err
		}
		fmt.Fprintf(&b, " %s/%s=%d", k, m, v)
	}
	return b.String(), rows.Err()
}

// resultKey names def's figures for a level and period.
func resultKey(def kpi.Definition, level string, p kpi.Period) string {
	js, _ := json.Marshal(def)
	h := sha256.Sum256(append(js, []byte("|"+level+"|"+p.String())...))
	return hex.EncodeToString(h[:16])
}

type storedFigure struct {
	Num  int64  `json:"n"`
	Den  int64  `json:"d"`
	Note string `json:"note,omitempty"`
}

// cached returns the stored figures of def over p when their stamp is s.
func (c *calc) cached(ctx context.Context, def kpi.Definition, p kpi.Period, s string) (map[string]figure, bool, error) {
	var stamp, js string
	err := c.db.r.QueryRowContext(ctx, c.db.q(`SELECT stamp, result FROM kpi_results WHERE result_key = ?`), resultKey(def, c.level, p)).Scan(&stamp, &js)
	if errors.Is(err, sql.ErrNoRows) || err == nil && stamp != s {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("kpi results: %w", err)
	}
	var m map[string]storedFigure
	if err := json.Unmarshal([]byte(js), &m); err != nil {
		return nil, false, nil // recompute what cannot be read
	}
	out := make(map[string]figure, len(m))
	for id, f := range m {
		out[id] = figure{num: f.Num, den: f.Den, note: f.Note}
	}
	return out, true, nil
}

// store keeps def's figures of a level over p with stamp s.
func (c *calc) store(ctx context.Context, def kpi.Definition, level string, p kpi.Period, s string, f map[string]figure) error {
	m := make(map[string]storedFigure, len(f))
	for id, x := range f {
		m[id] = storedFigure{x.num, x.den, x.note}
	}
	js, _ := json.Marshal(m)
	_, err := c.db.w.ExecContext(ctx, c.db.q(`INSERT INTO kpi_results (result_key, stamp, result, computed_at) VALUES (?, ?, ?, ?)
		ON CONFLICT (result_key) DO UPDATE SET stamp = excluded.stamp, result = excluded.result, computed_at = excluded.computed_at`),
		resultKey(def, level, p), s, string(js), c.db.d.arg(c.db.Now()))
	if err != nil {
		return fmt.Errorf("kpi results: %w", err)
	}
	return nil
}

// sid is the scope id of level an event of employee emp naming group src
// on day d counts for; ok is false when it counts for none.
func (c *calc) sid(level, emp, src string, d csperf.Date) (string, bool) {
	g := c.org.groupOf(emp, src, d)
	return scopeID(kpi.Owner{Employee: emp, Group: g, Department: c.org.departmentOf(g)}, level)
}

func (f periodFigures) add(p kpi.Period, id string, num, den int64) {
	m := f[p]
	if m == nil {
		m = map[string]figure{}
		f[p] = m
	}
	x := m[id]
	x.num += num
	x.den += den
	m[id] = x
}

// noteAll gives every scope id of p a note instead of a figure.
func (c *calc) noteAll(out periodFigures, p kpi.Period, note string) {
	out[p] = map[string]figure{allIDs: {note: note}}
}

// facts sums the imported kpi_facts of def for exactly the scope whose
// period lies inside each period.
func (c *calc) facts(ctx context.Context, def kpi.Definition, periods []kpi.Period, out periodFigures) error {
	d := c.db.d
	for _, p := range periods {
		out[p] = map[string]figure{}
		col, group := "scope_id", " GROUP BY scope_id"
		if c.level == kpi.LevelOrg {
			col, group = "''", ""
		}
		rows, err := c.db.r.QueryContext(ctx, c.db.q(`SELECT `+col+`, `+d.sumInt("numerator")+`, `+d.sumInt("denominator")+` FROM kpi_facts
			WHERE kpi_id = ? AND scope = ? AND period_start >= ? AND period_end <= ?`+group),
			def.ID, c.level, d.arg(p.Start), d.arg(p.End))
		if err != nil {
			return fmt.Errorf("kpi facts: %w", err)
		}
		for rows.Next() {
			var id string
			var num, den *int64
			if err := rows.Scan(&id, &num, &den); err != nil {
				rows.Close()
				return err
			}
			if num != nil {
				out.add(p, id, *num, *den)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return err
		}
	}
	return nil
}

// snapshot counts every record dated on or before each period's end (or
// not dated), attributed to the groups of that day: one pass over the
// records sums contributions by dating day and owner, then each period
// adds up the sums it covers.
func (c *calc) snapshot(ctx context.Context, def kpi.Definition, periods []kpi.Period, outs map[string]periodFigures) error {
	type key struct {
		i        int
		day      csperf.Date
		dated    bool
		emp, src string
	}
	var maxEnd csperf.Date
	for _, p := range periods {
		maxEnd = max(maxEnd, p.End)
		for _, out := range outs {
			out[p] = map[string]figure{}
		}
	}
	agg := map[key]int64{}
	ms := append([]kpi.Measure{def.Numerator}, def.Denominator...)
	for i, m := range ms {
		ev := newEvaluator(m.Kind, []kpi.Measure{m}, c.p)
		err := newEventReader(c.db, m.Kind).each(ctx, c.db.r, "", nil, func(e kpi.Event) error {
			d, dated := kpi.DatingDate(m, e, c.p.Location)
			if dated && d > maxEnd {
				return nil
			}
			o := kpi.Attribute(m.Kind, e, d, kpi.Attribution{})
			ev.eval(e, func(_ int, contribution int64) {
				agg[key{i, d, dated, o.Employee, o.Group}] += contribution
			})
			return nil
		})
		if err != nil {
			return fmt.Errorf("kpi %s: %w", def.ID, err)
		}
	}
	for level, out := range outs {
		for _, p := range periods {
			for k, v := range agg {
				if k.dated && k.day > p.End {
					continue
				}
				id, ok := c.sid(level, k.emp, k.src, p.End)
				if !ok {
					continue
				}
				if k.i == 0 {
					out.add(p, id, v, 0)
				} else {
					out.add(p, id, 0, v)
				}
			}
		}
	}
	return nil
}

// activity is one event of a customer history (repeat customers, churn):
// the customer and the owner (employee and the event's own group) as
// indexes into the history's tables, which keeps millions of them small.
type activity struct {
	cust  int32
	owner int32
	day   csperf.Date
	id    string // the event's id, which orders same-day events; "" when order does not matter
}

// history is the activities of a window, by customer then in time order.
type history struct {
	as     []activity
	owners [][2]string // employee, own group
}

// activities streams the events of measures dated lo..hi that match, as
// activities with a customer. With ordered, same-day events keep their ids
// so that the later one is known (SPEC §6: the greater id).
func (c *calc) activities(ctx context.Context, ms []kpi.Measure, lo, hi csperf.Date, ordered bool) (*history, error) {
	h := &history{}
	custs := map[string]int32{}
	owners := map[[2]string]int32{}
	for _, m := range ms {
		m = canonical(m)
		rd := newEventReader(c.db, m.Kind, leanFields(m)...)
		ev := newEvaluator(m.Kind, []kpi.Measure{m}, c.p)
		idField := kpi.IDField(m.Kind)
		where, args := rd.dayRange(m.DateField, lo, hi, c.p.Location)
		err := rd.each(ctx, c.db.r, where, args, func(e kpi.Event) error {
			d, ok := kpi.DatingDate(m, e, c.p.Location)
			if !ok || d < lo || d > hi {
				return nil
			}
			cust, _ := e["customer_id"].(string)
			if cust == "" {
				return nil
			}
			matched := false
			ev.eval(e, func(int, int64) { matched = true })
			if !matched {
				return nil
			}
			o := kpi.Attribute(m.Kind, e, d, kpi.Attribution{})
			ci, ok := custs[cust]
			if !ok {
				ci = int32(len(custs))
				custs[cust] = ci
			}
			ok2 := [2]string{o.Employee, o.Group}
			oi, ok := owners[ok2]
			if !ok {
				oi = int32(len(h.owners))
				owners[ok2] = oi
				h.owners = append(h.owners, ok2)
			}
			a := activity{cust: ci, owner: oi, day: d}
			if ordered {
				a.id, _ = e[idField].(string)
			}
			h.as = append(h.as, a)
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("kpi activities of %s: %w", m.Kind, err)
		}
	}
	// By customer, then in time order: a later day, or the same day and a
	// greater id (SPEC §6), is later.
	slices.SortFunc(h.as, func(a, b activity) int {
		if a.cust != b.cust {
			return int(a.cust - b.cust)
		}
		if a.day != b.day {
			return int(a.day - b.day)
		}
		return strings.Compare(a.id, b.id)
	})
	return h, nil
}

// leanFields returns the only fields a measure without filter that counts
// reads for customer histories — its id, customer, date, employee and
// group — or nil when it needs every field (a filter, a sum).
func leanFields(m kpi.Measure) []string {
	m = canonical(m)
	if len(m.Filter) > 0 || m.Agg != kpi.AggCount {
		return nil
	}
	out := []string{kpi.IDField(m.Kind), "customer_id", m.DateField}
	if f := kpi.EmployeeField(m.Kind); f != "" {
		out = append(out, f)
	}
	if csperf.KindByName(m.Kind).Field("group_id") != nil {
		out = append(out, "group_id")
	}
	return out
}

// eachCustomer calls fn with the bounds [i, j) of each customer's run of
// activities.
func (h *history) eachCustomer(fn func(i, j int)) {
	as := h.as
	for i := 0; i < len(as); {
		j := i + 1
		for j < len(as) && as[j].cust == as[i].cust {
			j++
		}
		fn(i, j)
		i = j
	}
}

// repeat counts, for each period, the customers with ≥ 2 and ≥ 1 contacts
// attributed to the scope in the trailing 12 months ending on its last
// day (kpi.TrailingYear).
func (c *calc) repeat(ctx context.Context, def kpi.Definition, periods []kpi.Period, outs map[string]periodFigures) error {
	lo, hi := periods[0].End, periods[0].End
	for _, p := range periods {
		for _, out := range outs {
			out[p] = map[string]figure{}
		}
		lo, hi = min(lo, kpi.TrailingYear(p.End).Start), max(hi, p.End)
	}
	h, err := c.activities(ctx, def.Denominator, lo, hi, false)
	if err != nil {
		return err
	}
	counts := map[string]int{}
	for level, out := range outs {
		sids := c.sids(level, h)
		for _, p := range periods {
			w := kpi.TrailingYear(p.End)
			h.eachCustomer(func(i, j int) {
				clear(counts)
				for k := i; k < j; k++ {
					if sids[k].ok && w.Contains(h.as[k].day) {
						counts[sids[k].id]++
					}
				}
				for id, n := range counts {
					var rep int64
					if n >= 2 {
						rep = 1
					}
					out.add(p, id, rep, 1)
				}
			})
		}
	}
	return nil
}

// scoped is an activity's scope id at one level.
type scoped struct {
	id string
	ok bool
}

// sids returns the scope id of level each activity counts for.
func (c *calc) sids(level string, h *history) []scoped {
	out := make([]scoped, len(h.as))
	for i, a := range h.as {
		o := h.owners[a.owner]
		out[i].id, out[i].ok = c.sid(level, o[0], o[1], a.day)
	}
	return out
}

// churn computes churn_rate-like (kpi.Churn) and period_churn-like
// (kpi.PeriodChurn) KPIs over whole months with the churn threshold N.
// The catalog's churn measure (all visits) takes the churn store's path on
// visits.next_date; a filtered measure, and period churn, are computed from
// the matching activities of the window they need.
func (c *calc) churn(ctx context.Context, def kpi.Definition, periods []kpi.Period, outs map[string]periodFigures) error {
	n := c.p.ChurnMonths
	if n == 0 {
		n = kpi.DefaultParams().ChurnMonths
	}
	var whole []kpi.Period
	var first, last csperf.Month
	for _, p := range periods {
		f, l, ok := p.Months()
		for _, out := range outs {
			if !ok {
				c.noteAll(out, p, def.ID+" is computed over whole months")
			} else {
				out[p] = map[string]figure{}
			}
		}
		if !ok {
			continue
		}
		if len(whole) == 0 || f < first {
			first = f
		}
		if len(whole) == 0 || l > last {
			last = l
		}
		whole = append(whole, p)
	}
	if len(whole) == 0 {
		return nil
	}
	visitsOnly := canonical(kpi.Measure{Kind: kpi.KindVisits})
	if def.Aggregation == kpi.Churn && len(def.Denominator) == 1 && measureID(def.Denominator[0]) == measureID(visitsOnly) {
		return c.churnFast(ctx, whole, first, last, n, outs)
	}
	h, err := c.activities(ctx, def.Denominator, (first - csperf.Month(n)).First(), last.Last(), true)
	if err != nil {
		return err
	}
	for level, out := range outs {
		sids := c.sids(level, h)
		for _, p := range whole {
			f, l, _ := p.Months()
			h.eachCustomer(func(i, j int) {
				run := h.as[i:j]
				if def.Aggregation == kpi.Churn {
					for m := f; m <= l; m++ {
						base := m - csperf.Month(n)
						for k := i; k < j; k++ {
							if sids[k].ok && h.as[k].day.Month() == base {
								out.add(p, sids[k].id, 0, 1)
							}
						}
						if x, ok := lastUpTo(run, m.Last()); ok && run[x].day.Month() == base && sids[i+x].ok {
							out.add(p, sids[i+x].id, 1, 0)
						}
					}
					return
				}
				x, ok := lastUpTo(run, f.First()-1)
				if !ok || run[x].day.Month() < f-csperf.Month(n) || !sids[i+x].ok {
					return
				}
				var lost int64
				for m := f; m <= l; m++ {
					if y, ok := lastUpTo(run, m.Last()); ok && run[y].day.Month() == m-csperf.Month(n) {
						lost = 1
						break
					}
				}
				out.add(p, sids[i+x].id, lost, 1)
			})
		}
	}
	return nil
}

// lastUpTo returns the index of the last activity of a sorted run on or
// before d.
func lastUpTo(run []activity, d csperf.Date) (int, bool) {
	i, _ := slices.BinarySearchFunc(run, d+1, func(a activity, t csperf.Date) int { return int(a.day - t) })
	return i - 1, i > 0
}

// churnFast reads each month's churned customers and base-month visits
// from the churn store (visits.next_date) and attributes them by advisor
// and day.
func (c *calc) churnFast(ctx context.Context, whole []kpi.Period, first, last csperf.Month, n int, outs map[string]periodFigures) error {
	months := map[csperf.Month]churnMonthInput{}
	for m := first; m <= last; m++ {
		in, err := c.db.churnMonth(ctx, m, n)
		if err != nil {
			return err
		}
		months[m] = churnMonthInput{in.BaseVisits, in.Churned}
	}
	for level, out := range outs {
		for _, p := range whole {
			f, l, _ := p.Months()
			for m := f; m <= l; m++ {
				in := months[m]
				for _, dc := range in.base {
					if id, ok := c.sid(level, dc.AdvisorID, "", dc.Date); ok {
						out.add(p, id, 0, dc.Visits)
					}
				}
				for _, ch := range in.churned {
					if id, ok := c.sid(level, ch.AdvisorID, "", ch.LastVisit); ok {
						out.add(p, id, 1, 0)
					}
				}
			}
		}
	}
	return nil
}

type churnMonthInput struct {
	base    []churn.DayCount
	churned []churn.ChurnedCustomer
}
