package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"csperf"
	"csperf/kpi"
)

// KPIDefinitions returns every KPI: the catalog of SPEC §4 in its order
// (a stored definition with a catalog id replaces the built-in one, e.g.
// to edit its target), then the custom KPIs by id.
func (db *DB) KPIDefinitions(ctx context.Context) ([]kpi.Definition, error) {
	return db.definitions(ctx, db.r)
}

func (db *DB) definitions(ctx context.Context, q querier) ([]kpi.Definition, error) {
	rows, err := q.QueryContext(ctx, `SELECT kpi_id, definition FROM kpi_definitions`)
	if err != nil {
		return nil, fmt.Errorf("kpi definitions: %w", err)
	}
	defer rows.Close()
	stored := map[string]kpi.Definition{}
	for rows.Next() {
		var id, js string
		if err := rows.Scan(&id, &js); err != nil {
			return nil, err
		}
		var d kpi.Definition
		if err := json.Unmarshal([]byte(js), &d); err != nil {
			return nil, fmt.Errorf("stored KPI %s: %w", id, err)
		}
		stored[id] = d
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	var out []kpi.Definition
	for _, d := range kpi.Catalog() {
		if s, ok := stored[d.ID]; ok {
			d = s
			delete(stored, d.ID)
		}
		out = append(out, d)
	}
	custom := make([]string, 0, len(stored))
	for id := range stored {
		custom = append(custom, id)
	}
	sort.Strings(custom)
	for _, id := range custom {
		out = append(out, stored[id])
	}
	return out, nil
}

// KPIDefinition returns the KPI with the id.
func (db *DB) KPIDefinition(ctx context.Context, id string) (kpi.Definition, error) {
	defs, err := db.KPIDefinitions(ctx)
	if err != nil {
		return kpi.Definition{}, err
	}
	for _, d := range defs {
		if d.ID == id {
			return d, nil
		}
	}
	return kpi.Definition{}, csperf.Errorf(csperf.ENOTFOUND, "no KPI %q", id)
}

// DefineKPI stores a custom KPI, or replaces a custom or catalog KPI of the
// same id (to edit a target, say), after kpi.Definition.Validate; the
// change is audited with the definition before and after, and the KPI's
// daily roll-ups are built in the same transaction, so that its values are
// there as soon as it is.
func (db *DB) DefineKPI(ctx context.Context, def kpi.Definition) error {
	return db.defineKPI(ctx, def, defineAny)
}

// How defineKPI treats an existing KPI of the same id.
const (
	defineAny    = iota // store or replace, catalog KPIs too (csperf kpi define)
	defineNew           // only a new custom KPI: a catalog or existing id is a conflict
	defineCustom        // only replace an existing custom KPI
)

// AddCustomKPI stores a new custom KPI (validated, audited, its roll-ups
// built like DefineKPI's); an id of the catalog or of a custom KPI already
// stored is a conflict.
func (db *DB) AddCustomKPI(ctx context.Context, def kpi.Definition) error {
	return db.defineKPI(ctx, def, defineNew)
}

// ChangeCustomKPI replaces the definition of a stored custom KPI. The
// roll-ups of measures it no longer uses are dropped and the new ones
// built in the same transaction, so its values follow the new definition
// at once; goals set on it keep their own targets and baselines. A catalog
// KPI is refused (its target is edited with csperf kpi define).
func (db *DB) ChangeCustomKPI(ctx context.Context, def kpi.Definition) error {
	return db.defineKPI(ctx, def, defineCustom)
}

func (db *DB) defineKPI(ctx context.Context, def kpi.Definition, mode int) error {
	if _, builtin := kpi.Lookup(def.ID); builtin && mode != defineAny {
		return &csperf.Error{Code: csperf.ECONFLICT, Field: "id", Message: fmt.Sprintf("%q is a catalog KPI: it cannot be defined or changed here", def.ID)}
	}
	if err := def.Validate(); err != nil {
		return err
	}
	js, err := json.Marshal(def)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, db.q(`SELECT definition FROM kpi_definitions WHERE kpi_id = ?`), def.ID).Scan(&old)
		if err != nil && !errors.Is(err, sql.ErrNoRows) {
			return err
		}
		switch {
		case mode == defineNew && err == nil:
			return &csperf.Error{Code: csperf.ECONFLICT, Field: "id", Message: fmt.Sprintf("KPI %q exists already", def.ID)}
		case mode == defineCustom && err != nil:
			return csperf.Errorf(csperf.ENOTFOUND, "no custom KPI %q", def.ID)
		}
		if err != nil {
			if c, ok := kpi.Lookup(def.ID); ok {
				b, _ := json.Marshal(c)
				old = string(b)
			}
		}
		if old == string(js) {
			return nil
		}
		who := csperf.ActorFrom(ctx).UserID
		if who == "" {
			who = "system"
		}
		now := db.d.arg(db.Now())
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO kpi_definitions (kpi_id, definition, created_at, created_by, updated_at, updated_by) VALUES (?, ?, ?, ?, ?, ?)
			ON CONFLICT (kpi_id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
			def.ID, string(js), now, who, now, who); err != nil {
			return fmt.Errorf("define KPI: %w", err)
		}
		if err := db.auditTx(ctx, tx, "kpi.define", "kpis/"+def.ID, old, string(js)); err != nil {
			return err
		}
		if err := db.bumpSettings(ctx, tx); err != nil {
			return err
		}
		defs, err := db.definitions(ctx, tx)
		if err != nil {
			return err
		}
		return db.flushRollups(ctx, tx, defs, false)
	})
}

// RemoveKPIDefinition deletes a stored definition: a custom KPI goes away,
// a catalog KPI returns to its built-in definition. Audited. A custom KPI
// that goals are set on is kept (a conflict naming them): their progress
// is computed from it.
func (db *DB) RemoveKPIDefinition(ctx context.Context, id string) error {
	return db.removeKPI(ctx, id, false)
}

// RemoveCustomKPI deletes a custom KPI like RemoveKPIDefinition; a
// catalog KPI is refused.
func (db *DB) RemoveCustomKPI(ctx context.Context, id string) error {
	if _, builtin := kpi.Lookup(id); builtin {
		return &csperf.Error{Code: csperf.ECONFLICT, Field: "id", Message: fmt.Sprintf("%q is a catalog KPI: it cannot be removed", id)}
	}
	return db.removeKPI(ctx, id, true)
}

func (db *DB) removeKPI(ctx context.Context, id string, custom bool) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var old string
		err := tx.QueryRowContext(ctx, db.q(`SELECT definition FROM kpi_definitions WHERE kpi_id = ?`), id).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			if custom {
				return csperf.Errorf(csperf.ENOTFOUND, "no custom KPI %q", id)
			}
			return csperf.Errorf(csperf.ENOTFOUND, "no stored definition of KPI %q", id)
		}
		if err != nil {
			return err
		}
		if _, builtin := kpi.Lookup(id); !builtin {
			goals, err := scanStrings(tx.QueryContext(ctx, db.q(`SELECT CAST(goal_id AS TEXT) FROM goals WHERE kpi_id = ? ORDER BY goal_id`), id))
			if err != nil {
				return err
			}
			if len(goals) > 0 {
				return &csperf.Error{Code: csperf.ECONFLICT, Field: "id", Message: fmt.Sprintf("KPI %q is used by goal %s; it is kept", id, strings.Join(goals, ", "))}
			}
		}
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM kpi_definitions WHERE kpi_id = ?`), id); err != nil {
			return err
		}
		if err := db.auditTx(ctx, tx, "kpi.remove", "kpis/"+id, old, ""); err != nil {
			return err
		}
		if err := db.bumpSettings(ctx, tx); err != nil {
			return err
		}
		defs, err := db.definitions(ctx, tx)
		if err != nil {
			return err
		}
		return db.flushRollups(ctx, tx, defs, false)
	})
}

// KPIAttribution returns the attribution the store computes with: the
// organisation's time zone and KPI parameters, group history from
// memberships, group → department (events of no group belong to the
// default department), and the headcount rule of count-per-employee KPIs.
// Passing it to kpi.Evaluate over the same events gives KPIValues' figures.
func (db *DB) KPIAttribution(ctx context.Context) (kpi.Attribution, error) {
	p, err := db.KPIParams(ctx)
	if err != nil {
		return kpi.Attribution{}, err
	}
	org, err := loadOrg(ctx, db, db.r)
	if err != nil {
		return kpi.Attribution{}, err
	}
	return org.attribution(p), nil
}

// KPIValues computes the KPIs of q for its scope and period (or each of
// its buckets), each with its target and the previous period's value.
// KPIs whose aggregation sums measures are read from the daily roll-ups;
// the special aggregations (repeat customers, churn, period churn,
// snapshots, imported facts) from their own queries. Rows come in the
// order of the KPIs (q.KPIs, or the catalog's), then of the scope ids,
// then of the periods.
func (db *DB) KPIValues(ctx context.Context, q kpi.Query) ([]kpi.Row, error) {
	if err := q.Validate(); err != nil {
		return nil, err
	}
	all, err := db.KPIDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	var defs []kpi.Definition
	if len(q.KPIs) == 0 {
		for _, d := range all {
			if d.AppliesTo(q.Level) {
				defs = append(defs, d)
			}
		}
	} else {
		for _, id := range q.KPIs {
			i := slices.IndexFunc(all, func(d kpi.Definition) bool { return d.ID == id })
			if i < 0 {
				return nil, csperf.Errorf(csperf.ENOTFOUND, "no KPI %q", id)
			}
			if !all[i].AppliesTo(q.Level) {
				return nil, csperf.FieldErrorf("scope", "%s is not computed for a %s", id, q.Level)
			}
			defs = append(defs, all[i])
		}
	}
	p, err := db.KPIParams(ctx)
	if err != nil {
		return nil, err
	}
	// Also before special KPIs: draining dirty days bumps the versions
	// their cached results are stamped with.
	if err := db.ensureRollups(ctx, all, p); err != nil {
		return nil, err
	}
	stamp, err := db.kpiStamp(ctx, all, p)
	if err != nil {
		return nil, err
	}
	key, _ := json.Marshal(q)
	if rows, ok := db.kpiCache.get(string(key), stamp); ok {
		return rows, nil
	}
	rows, err := db.kpiValues(ctx, q, defs, p)
	if err != nil {
		return nil, err
	}
	db.kpiCache.put(string(key), stamp, rows)
	return slices.Clone(rows), nil
}

// kpiValues computes KPIValues' rows once the roll-ups are current.
func (db *DB) kpiValues(ctx context.Context, q kpi.Query, defs []kpi.Definition, p kpi.Params) ([]kpi.Row, error) {
	c, err := db.newCalc(ctx, p, q.Level, q.ID, defs)
	if err != nil {
		return nil, err
	}
	buckets, err := q.Buckets()
	if err != nil {
		return nil, err
	}
	if len(buckets) > maxBuckets {
		return nil, csperf.FieldErrorf("by", "%s by %s is %d periods; at most %d", q.Period, q.By, len(buckets), maxBuckets)
	}
	var needed []kpi.Period
	for _, b := range buckets {
		needed = append(needed, b, b.Previous())
	}
	if err := c.prefetchMonths(ctx, needed); err != nil {
		return nil, err
	}
	var rows []kpi.Row
	for _, def := range defs {
		var periods []kpi.Period
		for _, b := range buckets {
			periods = append(periods, b, b.Previous())
			if def.Target.Baseline == kpi.BaselinePrevious3Mean {
				periods = append(periods, previous3(b)...)
			}
		}
		slices.SortFunc(periods, func(a, b kpi.Period) int {
			if a.Start != b.Start {
				return int(a.Start - b.Start)
			}
			return int(a.End - b.End)
		})
		figs, err := c.figuresFor(ctx, def, slices.Compact(periods))
		if err != nil {
			return nil, err
		}
		for _, id := range c.ids {
			s := kpi.Scope{Level: q.Level, ID: id}
			fig := func(p kpi.Period) figure {
				if f, ok := figs[p][id]; ok {
					return f
				}
				return figs[p][allIDs] // a note for every id
			}
			val := func(p kpi.Period) (kpi.Value, error) { return c.value(def, s, p, fig(p)) }
			for _, b := range buckets {
				v, err := val(b)
				if err != nil {
					return nil, err
				}
				pv, err := val(b.Previous())
				if err != nil {
					return nil, err
				}
				var p3 []kpi.Value
				if def.Target.Baseline == kpi.BaselinePrevious3Mean {
					for _, pp := range previous3(b) {
						x, err := val(pp)
						if err != nil {
							return nil, err
						}
						p3 = append(p3, x)
					}
				}
				r := kpi.NewRow(def, s, b, v, pv, p3)
				r.ScopeName = c.names[id]
				r.Note = fig(b).note
				rows = append(rows, r)
			}
		}
	}
	return rows, nil
}

// maxBuckets bounds how many periods one query splits into (a year by day
// is 366).
const maxBuckets = 1000

// previous3 returns the 3 periods before p, newest first.
func previous3(p kpi.Period) []kpi.Period {
	a := p.Previous()
	b := a.Previous()
	return []kpi.Period{a, b, b.Previous()}
}

// figure is the summed numerator and denominator of one scope id, or why
// there is none.
type figure struct {
	num, den int64
	note     string
}

// calc computes the figures of one KPIValues call, caching what periods
// and KPIs share.
type calc struct {
	db       *DB
	org      *orgIndex
	p        kpi.Params
	level    string
	ids      []string
	names    map[string]string
	measures []string
	sums     map[kpi.Period]map[string]map[string]figure // period → measure → scope id
	months   map[csperf.Month]map[string]map[string]figure
}

func (db *DB) newCalc(ctx context.Context, p kpi.Params, level, id string, defs []kpi.Definition) (*calc, error) {
	org, err := loadOrg(ctx, db, db.r)
	if err != nil {
		return nil, err
	}
	c := &calc{db: db, org: org, p: p, level: level, sums: map[kpi.Period]map[string]map[string]figure{}}
	all, names := org.ids(level)
	c.names = names
	switch {
	case level == kpi.LevelOrg:
		c.ids = []string{""}
	case id == "":
		c.ids = all
	case !slices.Contains(all, id):
		return nil, csperf.Errorf(csperf.ENOTFOUND, "no %s %q", level, id)
	default:
		c.ids = []string{id}
	}
	seen := map[string]bool{}
	for _, d := range defs {
		for _, m := range defMeasures(d) {
			if mid := measureID(m); !seen[mid] {
				seen[mid] = true
				c.measures = append(c.measures, mid)
			}
		}
	}
	sort.Strings(c.measures)
	return c, nil
}

// figures returns a rolled-up def's numerator and denominator over p by
// scope id (for a mean: the sum and the number of events).
func (c *calc) figures(ctx context.Context, def kpi.Definition, p kpi.Period) (map[string]figure, error) {
	sums, err := c.rollupSums(ctx, p)
	if err != nil {
		return nil, err
	}
	out := map[string]figure{}
	add := func(m kpi.Measure, num bool, mean bool) {
		for id, s := range sums[measureID(m)] {
			f := out[id]
			switch {
			case num && mean:
				f.num += s.num
				f.den += s.den
			case num:
				f.num += s.num
			default:
				f.den += s.num
			}
			out[id] = f
		}
	}
	add(def.Numerator, true, def.Aggregation == kpi.Mean)
	for _, m := range def.Denominator {
		add(m, false, false)
	}
	return out, nil
}

// value turns a figure into def's value for scope s over p.
func (c *calc) value(def kpi.Definition, s kpi.Scope, p kpi.Period, f figure) (kpi.Value, error) {
	if f.note != "" {
		return kpi.Value{Display: "—"}, nil
	}
	var headcount int64 = 1
	if def.Aggregation == kpi.CountPerPeriod && def.PerEmployee {
		headcount = c.org.headcount(s, p)
	}
	return kpi.Result(def, f.num, f.den, p, headcount)
}

// rollupSums sums every needed measure's roll-ups over p by scope id of
// the level: num is the sum of contributions, den the number of events.
// A period of whole months is added up from the months prefetched.
func (c *calc) rollupSums(ctx context.Context, p kpi.Period) (map[string]map[string]figure, error) {
	if s, ok := c.sums[p]; ok {
		return s, nil
	}
	if first, last, whole := p.Months(); whole && c.months != nil {
		out := map[string]map[string]figure{}
		complete := true
		for m := first; m <= last && complete; m++ {
			ms, ok := c.months[m]
			if !ok {
				complete = false
				break
			}
			for mid, byID := range ms {
				o := out[mid]
				if o == nil {
					o = map[string]figure{}
					out[mid] = o
				}
				for id, f := range byID {
					x := o[id]
					x.num += f.num
					x.den += f.den
					o[id] = x
				}
			}
		}
		if complete {
			c.sums[p] = out
			return out, nil
		}
	}
	out := map[string]map[string]figure{}
	err := c.querySums(ctx, p.Start, p.End, false, func(_ string, mid, id string, value, events int64) {
		m := out[mid]
		if m == nil {
			m = map[string]figure{}
			out[mid] = m
		}
		f := m[id]
		f.num += value
		f.den += events
		m[id] = f
	})
	if err != nil {
		return nil, err
	}
	c.sums[p] = out
	return out, nil
}

// prefetchMonths reads, in one query grouped by month, the roll-up sums of
// every whole month the periods cover, when they span several months.
func (c *calc) prefetchMonths(ctx context.Context, periods []kpi.Period) error {
	var lo, hi csperf.Month
	n := 0
	for _, p := range periods {
		first, last, whole := p.Months()
		if !whole {
			continue
		}
		if n == 0 || first < lo {
			lo = first
		}
		if n == 0 || last > hi {
			hi = last
		}
		n++
	}
	if n < 2 || len(c.measures) == 0 {
		return nil
	}
	c.months = map[csperf.Month]map[string]map[string]figure{}
	for m := lo; m <= hi; m++ {
		c.months[m] = map[string]map[string]figure{}
	}
	return c.querySums(ctx, lo.First(), hi.Last(), true, func(month string, mid, id string, value, events int64) {
		m, err := csperf.ParseMonth(month)
		if err != nil {
			return
		}
		byMid := c.months[m]
		byID := byMid[mid]
		if byID == nil {
			byID = map[string]figure{}
			byMid[mid] = byID
		}
		f := byID[id]
		f.num += value
		f.den += events
		byID[id] = f
	})
}

// querySums sums the roll-ups of the needed measures over days lo..hi by
// measure and scope id of the level (and by month), calling fn for each.
func (c *calc) querySums(ctx context.Context, lo, hi csperf.Date, byMonth bool, fn func(month, mid, id string, value, events int64)) error {
	if len(c.measures) == 0 {
		return nil
	}
	col, cond := "''", ""
	var extra []any
	switch c.level {
	case kpi.LevelEmployee:
		col, cond = "employee_id", " AND employee_id <> ''"
		if len(c.ids) == 1 {
			cond, extra = " AND employee_id = ?", []any{c.ids[0]}
		}
	case kpi.LevelGroup:
		col, cond = "group_id", " AND group_id <> ''"
		if len(c.ids) == 1 {
			cond, extra = " AND group_id = ?", []any{c.ids[0]}
		}
	case kpi.LevelDepartment:
		col = "group_id"
	}
	d := c.db.d
	// Whole months are read from the monthly sums (kpi_monthly), other
	// ranges from the daily ones.
	table, month, groupBy := "kpi_daily", "''", ""
	from, to := d.arg(lo), d.arg(hi)
	if lo == lo.Month().First() && hi == hi.Month().Last() {
		table, from, to = "kpi_monthly", lo.Month().String(), hi.Month().String()
		if byMonth {
			month, groupBy = "month", ", month"
		}
		cond = " AND month >= ? AND month <= ?" + cond
	} else {
		if byMonth {
			month, groupBy = d.monthOf("day"), ", "+d.monthOf("day")
		}
		cond = " AND day >= ? AND day <= ?" + cond
	}
	if col != "''" {
		groupBy += ", " + col
	}
	args := append(anys(c.measures), from, to)
	args = append(args, extra...)
	rows, err := c.db.r.QueryContext(ctx, c.db.q(`SELECT `+month+`, measure_id, `+col+`, `+d.sumInt("value")+`, `+d.sumInt("events")+` FROM `+table+`
		WHERE measure_id IN (`+placeholders(len(c.measures))+`)`+cond+`
		GROUP BY measure_id`+groupBy), args...)
	if err != nil {
		return fmt.Errorf("kpi values: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var m, mid, id string
		var value, events int64
		if err := rows.Scan(&m, &mid, &id, &value, &events); err != nil {
			return err
		}
		if c.level == kpi.LevelDepartment {
			if id = c.org.departmentOf(id); id == "" {
				continue
			}
		}
		fn(m, mid, id, value, events)
	}
	return rows.Err()
}
