package sqlstore

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"slices"
	"sort"
	"strings"
	"time"

	"csperf"
	"csperf/churn"
	"csperf/kpi"
)

// Daily roll-ups (kpi_daily) hold, for every measure of every KPI whose
// aggregation sums measures (ratio, mean, count per period), the per-day
// sum of contributions and number of matching events by responsible
// employee and by the event's own group. They are computed in Go from the
// events streamed out of SQL with the kpi package's own building blocks
// (DatingDate, Attribute, Match, Contribution), so that a figure summed
// from them is the figure kpi.Evaluate gives over the same events.
//
// They are kept up to date as data changes:
//   - an import recomputes the days its rows date to (refreshRollups,
//     called by afterImport), and the days of the events whose supplied
//     fields it feeds (a QA evaluation's call, a return visit's plan);
//   - an update or a delete, by any path, leaves the old days in
//     kpi_dirty_days through triggers (migration 0003); a change of group
//     history leaves the employee in kpi_dirty_employees. Both are drained
//     by the next import or before the next read (flushRollups);
//   - a measure that is new (a custom KPI), or was built under other
//     settings (time zone, KPI parameters, churn threshold), is rebuilt
//     whole before it is read.

// SettingKPIParams is the key of the KPI parameters (JSON, see
// KPIParams); the time zone is SettingTimeZone and the churn threshold
// the churn settings'.
const SettingKPIParams = "kpi.params"

// kpiParamsJSON is the stored form of kpi.Params (zero fields take the
// defaults).
type kpiParamsJSON struct {
	ServiceLevelSeconds   int64    `json:"service_level_seconds,omitempty"`
	ClassLimitHours       [3]int64 `json:"class_limit_hours,omitzero"`
	ResolutionHours       int64    `json:"resolution_hours,omitempty"`
	PrecontactDays        int64    `json:"precontact_days,omitempty"`
	FollowUpDays          [2]int64 `json:"follow_up_days,omitzero"`
	QuoteDeviationPercent int64    `json:"quote_deviation_percent,omitempty"`
}

// settingQ reads a setting through q (inside a transaction when q is one).
func settingQ(ctx context.Context, db *DB, q querier, key string) (string, bool, error) {
	var v string
	err := q.QueryRowContext(ctx, db.q(`SELECT value FROM settings WHERE key = ?`), key).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	if err != nil {
		return "", false, fmt.Errorf("setting %s: %w", key, err)
	}
	return v, true, nil
}

// kpiParams returns the organisation's KPI parameters: the time zone, the
// stored kpi.params and the churn threshold.
func (db *DB) kpiParams(ctx context.Context, q querier) (kpi.Params, error) {
	p := kpi.Params{Location: db.Loc}
	if v, ok, err := settingQ(ctx, db, q, SettingKPIParams); err != nil {
		return p, err
	} else if ok {
		var j kpiParamsJSON
		if err := json.Unmarshal([]byte(v), &j); err != nil {
			return p, fmt.Errorf("stored %s: %w", SettingKPIParams, err)
		}
		p.ServiceLevelSeconds, p.ClassLimitHours, p.ResolutionHours = j.ServiceLevelSeconds, j.ClassLimitHours, j.ResolutionHours
		p.PrecontactDays, p.FollowUpDays, p.QuoteDeviationPercent = j.PrecontactDays, j.FollowUpDays, j.QuoteDeviationPercent
	}
	cfg := churn.DefaultConfig()
	if v, ok, err := settingQ(ctx, db, q, SettingChurn); err != nil {
		return p, err
	} else if ok {
		if err := json.Unmarshal([]byte(v), &cfg); err != nil {
			return p, fmt.Errorf("stored churn settings: %w", err)
		}
	}
	p.ChurnMonths = cfg.Threshold
	return p, nil
}

// KPIParams returns the parameters derived KPI fields depend on (service
// level threshold, complaint class limits, …), the time zone and the churn
// threshold; zero fields are the defaults of kpi.DefaultParams.
func (db *DB) KPIParams(ctx context.Context) (kpi.Params, error) { return db.kpiParams(ctx, db.r) }

// SetKPIParams stores the KPI parameters (audited as a setting change).
// Roll-ups built under other parameters are rebuilt before their next read.
// Location and ChurnMonths are not stored here: they are the time-zone and
// churn settings.
func (db *DB) SetKPIParams(ctx context.Context, p kpi.Params) error {
	for _, n := range []int64{p.ServiceLevelSeconds, p.ResolutionHours, p.PrecontactDays, p.QuoteDeviationPercent,
		p.ClassLimitHours[0], p.ClassLimitHours[1], p.ClassLimitHours[2], p.FollowUpDays[0], p.FollowUpDays[1]} {
		if n < 0 {
			return csperf.FieldErrorf("params", "KPI parameters cannot be negative")
		}
	}
	if p.FollowUpDays[1] < p.FollowUpDays[0] {
		return csperf.FieldErrorf("follow_up_days", "the window ends before it starts")
	}
	b, _ := json.Marshal(kpiParamsJSON{p.ServiceLevelSeconds, p.ClassLimitHours, p.ResolutionHours, p.PrecontactDays, p.FollowUpDays, p.QuoteDeviationPercent})
	return db.SetSetting(ctx, SettingKPIParams, string(b))
}

// fingerprint identifies the settings roll-ups are built under.
func fingerprint(p kpi.Params) string {
	d := kpi.Params{Location: p.Location, ServiceLevelSeconds: p.ServiceLevelSeconds, ClassLimitHours: p.ClassLimitHours,
		ResolutionHours: p.ResolutionHours, PrecontactDays: p.PrecontactDays, FollowUpDays: p.FollowUpDays,
		QuoteDeviationPercent: p.QuoteDeviationPercent}
	loc := "UTC"
	if p.Location != nil {
		loc = p.Location.String()
	}
	full := kpi.DefaultParams()
	full.Location = nil
	if d.ServiceLevelSeconds != 0 {
		full.ServiceLevelSeconds = d.ServiceLevelSeconds
	}
	for i, h := range d.ClassLimitHours {
		if h != 0 {
			full.ClassLimitHours[i] = h
		}
	}
	if d.ResolutionHours != 0 {
		full.ResolutionHours = d.ResolutionHours
	}
	if d.PrecontactDays != 0 {
		full.PrecontactDays = d.PrecontactDays
	}
	if d.FollowUpDays != [2]int64{} {
		full.FollowUpDays = d.FollowUpDays
	}
	if d.QuoteDeviationPercent != 0 {
		full.QuoteDeviationPercent = d.QuoteDeviationPercent
	}
	b, _ := json.Marshal(struct {
		Loc    string
		Params kpi.Params
	}{loc, full})
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:8])
}

// rolledUp reports whether def's value is summed from daily roll-ups.
func rolledUp(def kpi.Definition) bool {
	switch def.Aggregation {
	case kpi.Ratio, kpi.Mean, kpi.CountPerPeriod:
		return true
	}
	return false
}

// canonical fills a measure's defaults so that equal measures get one id.
func canonical(m kpi.Measure) kpi.Measure {
	if m.DateField == "" {
		m.DateField = kpi.DefaultDateField(m.Kind)
	}
	if m.Agg == "" {
		m.Agg = kpi.AggCount
	}
	if len(m.Filter) == 0 {
		m.Filter = nil
	}
	return m
}

// measureID is the roll-up key of a measure: a hash of its canonical JSON.
func measureID(m kpi.Measure) string {
	b, _ := json.Marshal(canonical(m))
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:8])
}

// defMeasures returns the measures of a rolled-up definition.
func defMeasures(def kpi.Definition) []kpi.Measure {
	if !rolledUp(def) {
		return nil
	}
	return append([]kpi.Measure{def.Numerator}, def.Denominator...)
}

// activeMeasures returns the distinct measures of the rolled-up KPIs, by id.
func activeMeasures(defs []kpi.Definition) map[string]kpi.Measure {
	out := map[string]kpi.Measure{}
	for _, d := range defs {
		for _, m := range defMeasures(d) {
			out[measureID(m)] = canonical(m)
		}
	}
	return out
}

// eventKindsWithDates are the kinds roll-ups read, with their date and
// time fields (the triggers of migration 0003 cover the same).
func kindDateFields(kind string) []csperf.Field {
	k := csperf.KindByName(kind)
	if k == nil {
		return nil
	}
	var out []csperf.Field
	for _, f := range k.Fields {
		if f.Type == csperf.TDate || f.Type == csperf.TTime {
			out = append(out, f)
		}
	}
	return out
}

// refreshRollups is the import hook: it marks dirty the days the imported
// rows (table imp) date to under every measure of kind k — and the days of
// the events whose supplied fields they feed — then brings every roll-up
// up to date inside the import's transaction.
func (db *DB) refreshRollups(ctx context.Context, conn *sql.Conn, k *csperf.Kind) error {
	if err := db.bumpVersion(ctx, conn, versionKind(k.Name)); err != nil {
		return err
	}
	defs, err := db.definitions(ctx, conn)
	if err != nil {
		return err
	}
	// The days of every measure's dating field, special KPIs' included:
	// draining them recomputes the roll-ups and bumps the months' versions.
	fields := map[string]bool{}
	for _, d := range defs {
		for _, m := range append([]kpi.Measure{d.Numerator}, d.Denominator...) {
			if m = canonical(m); m.Kind == k.Name && m.DateField != "" {
				fields[m.DateField] = true
			}
		}
	}
	for _, f := range kindDateFields(k.Name) {
		if !fields[f.Name] {
			continue
		}
		if _, err := conn.ExecContext(ctx, db.q(`INSERT INTO kpi_dirty_days (kind, day) SELECT DISTINCT ?, `+db.d.utcDay("i."+f.Name, f.Type)+`
			FROM imp i WHERE i.`+f.Name+` IS NOT NULL`+db.d.onConflictIgnore()), k.Name); err != nil {
			return fmt.Errorf("kpi roll-ups: mark %s days: %w", k.Name, err)
		}
	}
	// Supplied fields: a new QA evaluation makes its call qa_scored, a new
	// return visit makes its plan done. (Updates and deletes are marked by
	// the triggers.)
	var dep string
	switch k.Name {
	case kpi.KindQAEvaluations:
		dep = `INSERT INTO kpi_dirty_days (kind, day) SELECT DISTINCT 'calls.qa_scored', ` + db.d.utcDay("c.queued_at", csperf.TTime) + `
			FROM calls c WHERE c.call_id IN (SELECT i.call_id FROM imp i)`
	case kpi.KindReturnVisits:
		dep = `INSERT INTO kpi_dirty_days (kind, day) SELECT DISTINCT 'return_visit_plans.done', p.planned_date
			FROM return_visit_plans p WHERE p.plan_id IN (SELECT i.plan_id FROM imp i)`
	}
	if dep != "" {
		if _, err := conn.ExecContext(ctx, dep+db.d.onConflictIgnore()); err != nil {
			return fmt.Errorf("kpi roll-ups: mark dependent days: %w", err)
		}
	}
	return db.flushRollups(ctx, conn, defs, false)
}

// flushRollups brings kpi_daily up to date inside the caller's write
// transaction: it builds the measures that are missing or stale, moves the
// roll-ups of employees whose group history changed, and recomputes the
// dirty days. With rebuild, every measure is rebuilt.
func (db *DB) flushRollups(ctx context.Context, conn querier, defs []kpi.Definition, rebuild bool) error {
	if err := db.d.lockRollups(ctx, conn); err != nil {
		return fmt.Errorf("kpi roll-ups: lock: %w", err)
	}
	p, err := db.kpiParams(ctx, conn)
	if err != nil {
		return err
	}
	org, err := loadOrg(ctx, db, conn)
	if err != nil {
		return err
	}
	fp := fingerprint(p)
	active := activeMeasures(defs)
	built, err := db.registeredMeasures(ctx, conn)
	if err != nil {
		return err
	}
	r := &rollup{db: db, q: conn, org: org, p: p, wholeMonths: map[string]bool{}, dirtyMonths: map[csperf.Month]map[string]bool{}}
	// Group history first, so that rows recomputed below are not moved
	// twice; a rebuild writes every row with the current groups anyway.
	if rebuild {
		if _, err := conn.ExecContext(ctx, `DELETE FROM kpi_dirty_employees`); err != nil {
			return err
		}
	} else if err := r.moveEmployees(ctx); err != nil {
		return err
	}
	// Measures no KPI uses any more.
	for id := range built {
		if _, ok := active[id]; !ok || rebuild {
			if err := r.drop(ctx, id); err != nil {
				return err
			}
		}
	}
	// Missing or stale measures: build whole, by kind and date field.
	fresh := map[string]bool{} // "kind.field" groups built whole now
	todo := map[[2]string][]string{}
	for id, m := range active {
		if b, ok := built[id]; ok && b == fp && !rebuild {
			continue
		}
		todo[[2]string{m.Kind, m.DateField}] = append(todo[[2]string{m.Kind, m.DateField}], id)
	}
	for _, g := range sortedGroups(todo) {
		ids := todo[g]
		sort.Strings(ids)
		ms := make([]kpi.Measure, len(ids))
		for i, id := range ids {
			ms[i] = active[id]
		}
		if err := r.buildWhole(ctx, g[0], g[1], ids, ms); err != nil {
			return err
		}
		for i, id := range ids {
			spec, _ := json.Marshal(ms[i])
			if _, err := conn.ExecContext(ctx, db.q(`INSERT INTO kpi_measures (measure_id, kind, date_field, spec, fingerprint, built_at) VALUES (?, ?, ?, ?, ?, ?)
				ON CONFLICT (measure_id) DO UPDATE SET fingerprint = excluded.fingerprint, built_at = excluded.built_at`),
				id, g[0], g[1], string(spec), fp, db.d.arg(db.Now())); err != nil {
				return fmt.Errorf("kpi roll-ups: register measure: %w", err)
			}
		}
		if len(ids) == countGroup(active, g) {
			fresh[g[0]+"."+g[1]] = true
		}
	}
	if err := r.drainDays(ctx, active, fresh); err != nil {
		return err
	}
	return r.syncMonthly(ctx)
}

func sortedGroups(m map[[2]string][]string) [][2]string {
	out := make([][2]string, 0, len(m))
	for g := range m {
		out = append(out, g)
	}
	slices.SortFunc(out, func(a, b [2]string) int { return strings.Compare(a[0]+"."+a[1], b[0]+"."+b[1]) })
	return out
}

func countGroup(active map[string]kpi.Measure, g [2]string) int {
	n := 0
	for _, m := range active {
		if m.Kind == g[0] && m.DateField == g[1] {
			n++
		}
	}
	return n
}

// registeredMeasures returns the built measures and their fingerprints.
func (db *DB) registeredMeasures(ctx context.Context, q querier) (map[string]string, error) {
	rows, err := q.QueryContext(ctx, `SELECT measure_id, fingerprint FROM kpi_measures`)
	if err != nil {
		return nil, fmt.Errorf("kpi measures: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, fp string
		if err := rows.Scan(&id, &fp); err != nil {
			return nil, err
		}
		out[id] = fp
	}
	return out, rows.Err()
}

// rollupsStale reports whether a read must flush first: dirty days or
// employees, or an active measure missing or built under other settings.
func (db *DB) rollupsStale(ctx context.Context, defs []kpi.Definition, p kpi.Params) (bool, error) {
	var n int
	if err := db.r.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM (SELECT 1 FROM kpi_dirty_days LIMIT 1) a) + (SELECT COUNT(*) FROM (SELECT 1 FROM kpi_dirty_employees LIMIT 1) b)`).Scan(&n); err != nil {
		return false, fmt.Errorf("kpi roll-ups: %w", err)
	}
	if n > 0 {
		return true, nil
	}
	built, err := db.registeredMeasures(ctx, db.r)
	if err != nil {
		return false, err
	}
	fp := fingerprint(p)
	active := activeMeasures(defs)
	for id := range active {
		if built[id] != fp {
			return true, nil
		}
	}
	for id := range built {
		if _, ok := active[id]; !ok {
			return true, nil
		}
	}
	return false, nil
}

// writeRollups runs fn in a write transaction of its own.
func (db *DB) writeRollups(ctx context.Context, fn func(conn *sql.Conn) error) error {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer conn.Close()
	if err := db.d.begin(ctx, conn); err != nil {
		return err
	}
	if err := fn(conn); err != nil {
		conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		return err
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return fmt.Errorf("commit: %w", db.d.mapErr(err))
	}
	return nil
}

// FlushKPIRollups brings the daily roll-ups up to date now: the days left
// dirty by updates and deletes made outside an import (DeleteRecord, a
// direct SQL change), new custom KPIs, changed settings. Reads do it
// themselves when needed; this is for callers that want the cost now
// (after a batch of deletes, in a scheduler).
func (db *DB) FlushKPIRollups(ctx context.Context) error {
	return db.writeRollups(ctx, func(conn *sql.Conn) error {
		defs, err := db.definitions(ctx, conn)
		if err != nil {
			return err
		}
		return db.flushRollups(ctx, conn, defs, false)
	})
}

// RebuildKPIRollups recomputes every daily roll-up from the events.
func (db *DB) RebuildKPIRollups(ctx context.Context) error {
	return db.writeRollups(ctx, func(conn *sql.Conn) error {
		defs, err := db.definitions(ctx, conn)
		if err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, `DELETE FROM kpi_daily`); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, `DELETE FROM kpi_monthly`); err != nil {
			return err
		}
		if _, err := conn.ExecContext(ctx, `DELETE FROM kpi_measures`); err != nil {
			return err
		}
		return db.flushRollups(ctx, conn, defs, true)
	})
}

// ensureRollups flushes before a read when the roll-ups are stale.
func (db *DB) ensureRollups(ctx context.Context, defs []kpi.Definition, p kpi.Params) error {
	stale, err := db.rollupsStale(ctx, defs, p)
	if err != nil || !stale {
		return err
	}
	return db.FlushKPIRollups(ctx)
}

// rollup carries one maintenance pass.
type rollup struct {
	db  *DB
	q   querier
	org *orgIndex
	p   kpi.Params
	// The monthly sums to bring in line with kpi_daily at the end of the
	// pass: measures rebuilt whole, and months of measures recomputed.
	wholeMonths map[string]bool
	dirtyMonths map[csperf.Month]map[string]bool
}

func (r *rollup) drop(ctx context.Context, id string) error {
	if _, err := r.q.ExecContext(ctx, r.db.q(`DELETE FROM kpi_daily WHERE measure_id = ?`), id); err != nil {
		return fmt.Errorf("kpi roll-ups: drop measure: %w", err)
	}
	if _, err := r.q.ExecContext(ctx, r.db.q(`DELETE FROM kpi_monthly WHERE measure_id = ?`), id); err != nil {
		return fmt.Errorf("kpi roll-ups: drop measure: %w", err)
	}
	if _, err := r.q.ExecContext(ctx, r.db.q(`DELETE FROM kpi_measures WHERE measure_id = ?`), id); err != nil {
		return fmt.Errorf("kpi roll-ups: drop measure: %w", err)
	}
	return nil
}

// buildWhole computes the measures ids (all of kind and dated by field)
// over every day the kind has events.
func (r *rollup) buildWhole(ctx context.Context, kind, field string, ids []string, ms []kpi.Measure) error {
	k := csperf.KindByName(kind)
	f := k.Field(field)
	if f == nil {
		return csperf.Errorf(csperf.EINTERNAL, "kpi roll-ups: %s has no field %s", kind, field)
	}
	if _, err := r.q.ExecContext(ctx, r.db.q(`DELETE FROM kpi_daily WHERE measure_id IN (`+placeholders(len(ids))+`)`), anys(ids)...); err != nil {
		return fmt.Errorf("kpi roll-ups: clear: %w", err)
	}
	for _, id := range ids {
		r.wholeMonths[id] = true
	}
	var lo, hi any
	if err := r.q.QueryRowContext(ctx, `SELECT MIN(`+field+`), MAX(`+field+`) FROM `+k.Table).Scan(&lo, &hi); err != nil {
		return fmt.Errorf("kpi roll-ups: range of %s.%s: %w", kind, field, err)
	}
	if lo == nil {
		return nil
	}
	a, err := r.localDay(f.Type, lo)
	if err != nil {
		return err
	}
	b, err := r.localDay(f.Type, hi)
	if err != nil {
		return err
	}
	return r.recompute(ctx, kind, field, ids, ms, a, b, false)
}

// localDay is the organisation's calendar day of a stored date or time.
func (r *rollup) localDay(t csperf.FieldType, v any) (csperf.Date, error) {
	x, err := r.db.d.scanValue(t, v)
	if err != nil {
		return 0, err
	}
	switch y := x.(type) {
	case csperf.Date:
		return y, nil
	case time.Time:
		return csperf.DateOf(y.In(r.p.Location)), nil
	}
	return 0, fmt.Errorf("kpi roll-ups: %T is not a date", x)
}

// moveEmployees re-attributes the roll-ups of the employees whose group
// history changed: the group of each row is the employee's group that day
// (the membership with the latest start covering it), else the event's own.
func (r *rollup) moveEmployees(ctx context.Context) error {
	emps, err := scanStrings(r.q.QueryContext(ctx, `SELECT employee_id FROM kpi_dirty_employees`))
	if err != nil {
		return fmt.Errorf("kpi roll-ups: dirty employees: %w", err)
	}
	if len(emps) > 0 {
		if err := r.db.bumpVersion(ctx, r.q, "org"); err != nil {
			return err
		}
	}
	for len(emps) > 0 {
		n := min(len(emps), 500)
		batch := emps[:n]
		emps = emps[n:]
		if _, err := r.q.ExecContext(ctx, r.db.q(`UPDATE kpi_daily SET group_id = COALESCE((SELECT m.group_id FROM memberships m
			WHERE m.employee_id = kpi_daily.employee_id AND m.from_date <= kpi_daily.day AND (m.to_date IS NULL OR m.to_date >= kpi_daily.day)
			ORDER BY m.from_date DESC LIMIT 1), kpi_daily.src_group)
			WHERE employee_id IN (`+placeholders(len(batch))+`)`), anys(batch)...); err != nil {
			return fmt.Errorf("kpi roll-ups: re-attribute: %w", err)
		}
		if err := r.monthlyOf(ctx, `employee_id IN (`+placeholders(len(batch))+`)`, anys(batch)...); err != nil {
			return err
		}
		if _, err := r.q.ExecContext(ctx, r.db.q(`DELETE FROM kpi_dirty_employees WHERE employee_id IN (`+placeholders(len(batch))+`)`), anys(batch)...); err != nil {
			return err
		}
	}
	return nil
}

// drainDays recomputes the dirty days of every kind and clears them. A
// dirty day is a UTC day (or a date): the local days it may hold are that
// day and its neighbours, all recomputed. Groups built whole in this pass
// are skipped.
func (r *rollup) drainDays(ctx context.Context, active map[string]kpi.Measure, fresh map[string]bool) error {
	rows, err := r.q.QueryContext(ctx, `SELECT kind, day FROM kpi_dirty_days`)
	if err != nil {
		return fmt.Errorf("kpi roll-ups: dirty days: %w", err)
	}
	byKind := map[string][]csperf.Date{}
	raw := map[string][]any{}
	for rows.Next() {
		var kind string
		var v any
		if err := rows.Scan(&kind, &v); err != nil {
			rows.Close()
			return err
		}
		var d csperf.Date
		if err := d.Scan(v); err != nil {
			rows.Close()
			return err
		}
		byKind[kind] = append(byKind[kind], d)
		raw[kind] = append(raw[kind], r.db.d.arg(d))
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	kinds := make([]string, 0, len(byKind))
	for k := range byKind {
		kinds = append(kinds, k)
	}
	sort.Strings(kinds)
	for _, dirty := range kinds {
		// "calls.qa_scored": only the measures reading that field.
		kind, only, _ := strings.Cut(dirty, ".")
		var months []csperf.Month
		for _, d := range byKind[dirty] {
			for _, x := range []csperf.Date{d - 1, d, d + 1} {
				if m := x.Month(); !slices.Contains(months, m) {
					months = append(months, m)
				}
			}
		}
		if err := r.db.bumpVersion(ctx, r.q, kind, months...); err != nil {
			return err
		}
		groups := map[string][]string{}
		for id, m := range active {
			if m.Kind == kind && !fresh[m.Kind+"."+m.DateField] && (only == "" || readsField(m, only)) {
				groups[m.DateField] = append(groups[m.DateField], id)
			}
		}
		var days []csperf.Date
		for _, d := range byKind[dirty] {
			days = append(days, d-1, d, d+1)
		}
		fields := make([]string, 0, len(groups))
		for f := range groups {
			fields = append(fields, f)
		}
		sort.Strings(fields)
		for _, field := range fields {
			ids := groups[field]
			sort.Strings(ids)
			ms := make([]kpi.Measure, len(ids))
			for i, id := range ids {
				ms[i] = active[id]
			}
			for _, rg := range dayRanges(days) {
				if err := r.recompute(ctx, kind, field, ids, ms, rg[0], rg[1], true); err != nil {
					return err
				}
			}
		}
		vals := raw[dirty]
		for len(vals) > 0 {
			n := min(len(vals), 500)
			args := append([]any{dirty}, vals[:n]...)
			if _, err := r.q.ExecContext(ctx, r.db.q(`DELETE FROM kpi_dirty_days WHERE kind = ? AND day IN (`+placeholders(n)+`)`), args...); err != nil {
				return fmt.Errorf("kpi roll-ups: clear dirty days: %w", err)
			}
			vals = vals[n:]
		}
	}
	return nil
}

// readsField reports whether a measure's filter or sum reads a field.
func readsField(m kpi.Measure, field string) bool {
	if m.SumExpr == field {
		return true
	}
	for _, c := range m.Filter {
		if c.Field == field {
			return true
		}
	}
	return false
}

// versionKind is the kpi_versions entry a kind's changes bump: the
// organisation's kinds share "org".
func versionKind(kind string) string {
	switch kind {
	case "departments", "groups", "employees", "memberships", "positions", "coverage":
		return "org"
	}
	return kind
}

// bumpVersion records that data of kind changed, so that special results
// computed from it are recomputed: for the kind as a whole, and for each
// of months.
func (db *DB) bumpVersion(ctx context.Context, q querier, kind string, months ...csperf.Month) error {
	keys := []string{""}
	for _, m := range months {
		keys = append(keys, m.String())
	}
	for _, k := range keys {
		if _, err := q.ExecContext(ctx, db.q(`INSERT INTO kpi_versions (kind, month, version) VALUES (?, ?, 1)
			ON CONFLICT (kind, month) DO UPDATE SET version = kpi_versions.version + 1`), kind, k); err != nil {
			return fmt.Errorf("kpi versions: %w", err)
		}
	}
	return nil
}

// dayRanges merges days into sorted runs of consecutive days.
func dayRanges(days []csperf.Date) [][2]csperf.Date {
	if len(days) == 0 {
		return nil
	}
	s := slices.Clone(days)
	slices.Sort(s)
	s = slices.Compact(s)
	var out [][2]csperf.Date
	start, prev := s[0], s[0]
	for _, d := range s[1:] {
		if d != prev+1 {
			out = append(out, [2]csperf.Date{start, prev})
			start = d
		}
		prev = d
	}
	return append(out, [2]csperf.Date{start, prev})
}

// chunkDays bounds how many days one pass holds in memory.
const chunkDays = 31

// rollKey is one row of kpi_daily before it is written.
type rollKey struct {
	m        int
	day      csperf.Date
	emp, src string
}

type rollVal struct {
	group         string
	value, events int64
}

// scanDays is the length of a range above which recompute reads it in one
// pass over the table instead of chunk by chunk through the date index:
// whole builds and big imports read most of the table anyway, and a
// sequential scan beats an index lookup per event.
const scanDays = 62

// recompute replaces the roll-ups of measures ids (kind, dated by field)
// on local days a..b: it streams the events dated then, evaluates them with
// the kpi package and writes the sums. With clear, the days' old rows are
// deleted first (a whole build has cleared them already).
func (r *rollup) recompute(ctx context.Context, kind, field string, ids []string, ms []kpi.Measure, a, b csperf.Date, clear bool) error {
	if os.Getenv("CSPERF_TRACE") != "" {
		start := time.Now()
		defer func() {
			fmt.Fprintf(os.Stderr, "kpi roll-ups %s.%s %s..%s (%d measures) %v\n", kind, field, a, b, len(ids), time.Since(start).Round(time.Millisecond))
		}()
	}
	if plainVisitCounts(kind, field, ms) {
		agg := map[rollKey]*rollVal{}
		if err := r.visitDayCounts(ctx, len(ids), a, b, agg); err != nil {
			return err
		}
		return r.finish(ctx, ids, a, b, clear, agg)
	}
	ev := newEvaluator(kind, ms, r.p)
	rd := newEventReader(r.db, kind)
	if int(b-a)+1 > scanDays {
		return r.pass(ctx, ev, rd, kind, field, ids, a, b, clear, true)
	}
	for lo := a; lo <= b; lo += chunkDays {
		if err := r.pass(ctx, ev, rd, kind, field, ids, lo, min(lo+chunkDays-1, b), clear, false); err != nil {
			return err
		}
	}
	return nil
}

// pass recomputes days lo..hi in one query.
func (r *rollup) pass(ctx context.Context, ev *evaluator, rd *eventReader, kind, field string, ids []string, lo, hi csperf.Date, clear, scan bool) error {
	agg := map[rollKey]*rollVal{}
	where, wargs := rd.dayRange(field, lo, hi, r.p.Location)
	if scan {
		where, wargs = rd.dayScan(field, lo, hi, r.p.Location)
	}
	err := rd.each(ctx, r.q, where, wargs, func(e kpi.Event) error {
		day, ok := kpi.DatingDate(ev.date, e, r.p.Location)
		if !ok || day < lo || day > hi {
			return nil
		}
		o := kpi.Attribute(kind, e, day, kpi.Attribution{})
		ev.eval(e, func(i int, c int64) {
			k := rollKey{i, day, o.Employee, o.Group}
			v := agg[k]
			if v == nil {
				v = &rollVal{group: r.org.groupOf(o.Employee, o.Group, day)}
				agg[k] = v
			}
			v.value += c
			v.events++
		})
		return nil
	})
	if err != nil {
		return fmt.Errorf("kpi roll-ups: read %s: %w", kind, err)
	}
	return r.finish(ctx, ids, lo, hi, clear, agg)
}

// finish replaces the roll-ups of days lo..hi with agg.
func (r *rollup) finish(ctx context.Context, ids []string, lo, hi csperf.Date, clear bool, agg map[rollKey]*rollVal) error {
	for m := lo.Month(); m <= hi.Month(); m++ {
		if r.dirtyMonths[m] == nil {
			r.dirtyMonths[m] = map[string]bool{}
		}
		for _, id := range ids {
			r.dirtyMonths[m][id] = true
		}
	}
	if clear {
		args := append(anys(ids), r.db.d.arg(lo), r.db.d.arg(hi))
		if _, err := r.q.ExecContext(ctx, r.db.q(`DELETE FROM kpi_daily WHERE measure_id IN (`+placeholders(len(ids))+`) AND day >= ? AND day <= ?`), args...); err != nil {
			return fmt.Errorf("kpi roll-ups: clear days: %w", err)
		}
	}
	return r.write(ctx, ids, agg)
}

// kpi_monthly holds kpi_daily summed by calendar month of the local day
// (migration 0009), so that a month, a quarter, a year or a run of months
// by month is read from about a thirtieth of the rows. It changes only with
// kpi_daily, in the same pass: a measure dropped or rebuilt whole, the
// months of the days a pass recomputed, the employees whose group history
// moved their rows (monthlyOf).

// monthlySelect sums the kpi_daily rows where cond holds into monthly rows.
func (r *rollup) monthlySelect(cond string) string {
	d := r.db.d
	return `INSERT INTO kpi_monthly (measure_id, month, employee_id, src_group, group_id, value, events)
		SELECT measure_id, ` + d.monthOf("day") + `, employee_id, src_group, group_id, ` + d.sumInt("value") + `, ` + d.sumInt("events") + `
		FROM kpi_daily WHERE ` + cond + ` GROUP BY measure_id, ` + d.monthOf("day") + `, employee_id, src_group, group_id`
}

// monthlyOf recomputes the monthly rows of the kpi_daily rows where cond
// holds (a condition on columns both tables share).
func (r *rollup) monthlyOf(ctx context.Context, cond string, args ...any) error {
	if _, err := r.q.ExecContext(ctx, r.db.q(`DELETE FROM kpi_monthly WHERE `+cond), args...); err != nil {
		return fmt.Errorf("kpi roll-ups: monthly sums: %w", err)
	}
	if _, err := r.q.ExecContext(ctx, r.db.q(r.monthlySelect(cond)), args...); err != nil {
		return fmt.Errorf("kpi roll-ups: monthly sums: %w", err)
	}
	return nil
}

// syncMonthly brings kpi_monthly in line with what this pass changed in
// kpi_daily: whole measures, then each recomputed month of the others.
func (r *rollup) syncMonthly(ctx context.Context) error {
	whole := make([]string, 0, len(r.wholeMonths))
	for id := range r.wholeMonths {
		whole = append(whole, id)
	}
	sort.Strings(whole)
	for len(whole) > 0 {
		n := min(len(whole), 100)
		if err := r.monthlyOf(ctx, `measure_id IN (`+placeholders(n)+`)`, anys(whole[:n])...); err != nil {
			return err
		}
		whole = whole[n:]
	}
	months := make([]csperf.Month, 0, len(r.dirtyMonths))
	for m := range r.dirtyMonths {
		months = append(months, m)
	}
	slices.Sort(months)
	d := r.db.d
	for _, m := range months {
		var ids []string
		for id := range r.dirtyMonths[m] {
			if !r.wholeMonths[id] {
				ids = append(ids, id)
			}
		}
		if len(ids) == 0 {
			continue
		}
		sort.Strings(ids)
		args := append(anys(ids), m.String())
		if _, err := r.q.ExecContext(ctx, r.db.q(`DELETE FROM kpi_monthly WHERE measure_id IN (`+placeholders(len(ids))+`) AND month = ?`), args...); err != nil {
			return fmt.Errorf("kpi roll-ups: monthly sums: %w", err)
		}
		args = append(anys(ids), d.arg(m.First()), d.arg(m.Last()))
		if _, err := r.q.ExecContext(ctx, r.db.q(r.monthlySelect(`measure_id IN (`+placeholders(len(ids))+`) AND day >= ? AND day <= ?`)), args...); err != nil {
			return fmt.Errorf("kpi roll-ups: monthly sums: %w", err)
		}
	}
	clear(r.wholeMonths)
	clear(r.dirtyMonths)
	return nil
}

// plainVisitCounts reports whether every measure of a pass counts visits by
// visit date with no filter: the catalog's visit counts (the denominators
// of the repeat-purchase and per-visit KPIs). Those are the visit_days
// table's figures already — visits per advisor and day, kept in the same
// transaction as every insert, update and delete of visits — so the pass
// reads that table instead of decoding every visit.
func plainVisitCounts(kind, field string, ms []kpi.Measure) bool {
	if kind != kpi.KindVisits || field != "visit_date" || len(ms) == 0 {
		return false
	}
	for _, m := range ms {
		if len(m.Filter) > 0 || (m.Agg != "" && m.Agg != kpi.AggCount) {
			return false
		}
	}
	return true
}

// visitDayCounts adds visit_days' counts of days lo..hi to agg for each of
// n plain visit-count measures: a visit is its advisor's (visits carry no
// group), in the advisor's group of the day, one event each.
func (r *rollup) visitDayCounts(ctx context.Context, n int, lo, hi csperf.Date, agg map[rollKey]*rollVal) error {
	rows, err := r.q.QueryContext(ctx, r.db.q(`SELECT visit_date, advisor_id, visits FROM visit_days WHERE visit_date >= ? AND visit_date <= ?`),
		r.db.d.arg(lo), r.db.d.arg(hi))
	if err != nil {
		return fmt.Errorf("kpi roll-ups: read visit days: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var day csperf.Date
		var emp string
		var c int64
		if err := rows.Scan(&day, &emp, &c); err != nil {
			return fmt.Errorf("kpi roll-ups: read visit days: %w", err)
		}
		g := r.org.groupOf(emp, "", day)
		for i := 0; i < n; i++ {
			k := rollKey{i, day, emp, ""}
			v := agg[k]
			if v == nil {
				v = &rollVal{group: g}
				agg[k] = v
			}
			v.value += c
			v.events += c
		}
	}
	return rows.Err()
}

// write inserts roll-up rows in key order, in batches through one
// prepared statement.
func (r *rollup) write(ctx context.Context, ids []string, agg map[rollKey]*rollVal) error {
	if len(agg) == 0 {
		return nil
	}
	keys := make([]rollKey, 0, len(agg))
	for k := range agg {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(x, y rollKey) int {
		if c := strings.Compare(ids[x.m], ids[y.m]); c != 0 {
			return c
		}
		if x.day != y.day {
			return int(x.day - y.day)
		}
		if c := strings.Compare(x.emp, y.emp); c != 0 {
			return c
		}
		return strings.Compare(x.src, y.src)
	})
	const batch = 500
	stmt := func(n int) string {
		return r.db.q(`INSERT INTO kpi_daily (measure_id, day, employee_id, src_group, group_id, value, events) VALUES ` +
			strings.TrimSuffix(strings.Repeat("(?, ?, ?, ?, ?, ?, ?), ", n), ", "))
	}
	var full *sql.Stmt
	if len(keys) >= batch {
		if p, ok := r.q.(interface {
			PrepareContext(context.Context, string) (*sql.Stmt, error)
		}); ok {
			var err error
			if full, err = p.PrepareContext(ctx, stmt(batch)); err != nil {
				return fmt.Errorf("kpi roll-ups: write: %w", err)
			}
			defer full.Close()
		}
	}
	args := make([]any, 0, batch*7)
	for i, k := range keys {
		v := agg[k]
		args = append(args, ids[k.m], r.db.d.arg(k.day), k.emp, k.src, v.group, v.value, v.events)
		if n := len(args) / 7; n < batch && i < len(keys)-1 {
			continue
		}
		var err error
		if n := len(args) / 7; n == batch && full != nil {
			_, err = full.ExecContext(ctx, args...)
		} else {
			_, err = r.q.ExecContext(ctx, stmt(n), args...)
		}
		if err != nil {
			return fmt.Errorf("kpi roll-ups: write: %w", err)
		}
		args = args[:0]
	}
	return nil
}

// evaluator applies the measures of one kind and date field to events.
// Conditions shared by several measures are evaluated once per event; each
// is a one-condition kpi.Match, and a measure matches when all of its
// conditions do and, for a sum, kpi.Match finds its value — which is what
// kpi.Match over the whole measure computes.
type evaluator struct {
	date  kpi.Measure
	conds []kpi.Measure
	ms    []measureEval
	p     kpi.Params
	memo  []int8
}

type measureEval struct {
	conds []int
	sum   *kpi.Measure
}

func newEvaluator(kind string, ms []kpi.Measure, p kpi.Params) *evaluator {
	ev := &evaluator{p: p}
	if len(ms) > 0 {
		ev.date = kpi.Measure{Kind: kind, DateField: ms[0].DateField}
	}
	index := map[kpi.Cond]int{}
	for _, m := range ms {
		var me measureEval
		for _, c := range m.Filter {
			i, ok := index[c]
			if !ok {
				i = len(ev.conds)
				index[c] = i
				ev.conds = append(ev.conds, kpi.Measure{Kind: kind, Filter: []kpi.Cond{c}, Agg: kpi.AggCount})
			}
			me.conds = append(me.conds, i)
		}
		if m.Agg == kpi.AggSum {
			me.sum = &kpi.Measure{Kind: kind, DateField: m.DateField, Agg: kpi.AggSum, SumExpr: m.SumExpr}
		}
		ev.ms = append(ev.ms, me)
	}
	ev.memo = make([]int8, len(ev.conds))
	return ev
}

// eval calls fn with the index and contribution of every measure e matches.
func (ev *evaluator) eval(e kpi.Event, fn func(i int, contribution int64)) {
	clear(ev.memo)
	for i, me := range ev.ms {
		ok := true
		for _, c := range me.conds {
			if ev.memo[c] == 0 {
				ev.memo[c] = -1
				if kpi.Match(ev.conds[c], e, ev.p) {
					ev.memo[c] = 1
				}
			}
			if ev.memo[c] < 0 {
				ok = false
				break
			}
		}
		if !ok {
			continue
		}
		if me.sum == nil {
			fn(i, 1)
			continue
		}
		if kpi.Match(*me.sum, e, ev.p) {
			fn(i, kpi.Contribution(*me.sum, e, ev.p))
		}
	}
}
