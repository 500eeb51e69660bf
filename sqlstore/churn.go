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
	"sync"

	"csperf"
	"csperf/churn"
)

// SettingChurn is the key under which the churn settings are stored (JSON).
const SettingChurn = "churn.settings"

// ChurnSettings returns the stored churn settings, or the defaults.
func (db *DB) ChurnSettings(ctx context.Context) (churn.Config, error) {
	s := churn.DefaultConfig()
	v, ok, err := db.Setting(ctx, SettingChurn)
	if err != nil || !ok {
		return s, err
	}
	if err := json.Unmarshal([]byte(v), &s); err != nil {
		return s, fmt.Errorf("stored churn settings: %w", err)
	}
	return s, nil
}

// SetChurnSettings validates and stores the churn settings (audited).
func (db *DB) SetChurnSettings(ctx context.Context, s churn.Config) error {
	if err := s.Validate(); err != nil {
		return err
	}
	b, _ := json.Marshal(s)
	return db.SetSetting(ctx, SettingChurn, string(b))
}

// churnOrg reads the organisation as the assessment needs it.
func (db *DB) churnOrg(ctx context.Context) (churn.Org, error) {
	var org churn.Org
	var err error
	if org.Groups, err = scanStrings(db.r.QueryContext(ctx, `SELECT group_id FROM groups_ WHERE group_type IS NULL OR group_type = 'advisor'`)); err != nil {
		return org, err
	}
	if org.Specialists, err = scanStrings(db.r.QueryContext(ctx, `SELECT employee_id FROM employees WHERE position = 'return_visit_specialist'`)); err != nil {
		return org, err
	}
	rows, err := db.r.QueryContext(ctx, `SELECT employee_id, group_id, from_date, to_date FROM memberships`)
	if err != nil {
		return org, err
	}
	for rows.Next() {
		var m churn.Membership
		var to any
		if err := rows.Scan(&m.EmployeeID, &m.GroupID, &m.From, &to); err != nil {
			rows.Close()
			return org, err
		}
		if m.To, err = openEnd(to); err != nil {
			rows.Close()
			return org, err
		}
		org.Memberships = append(org.Memberships, m)
	}
	rows.Close()
	rows, err = db.r.QueryContext(ctx, `SELECT specialist_id, advisor_id, from_date, to_date FROM coverage`)
	if err != nil {
		return org, err
	}
	for rows.Next() {
		var c churn.Coverage
		var to any
		if err := rows.Scan(&c.SpecialistID, &c.AdvisorID, &c.From, &to); err != nil {
			rows.Close()
			return org, err
		}
		if c.To, err = openEnd(to); err != nil {
			rows.Close()
			return org, err
		}
		org.Coverage = append(org.Coverage, c)
	}
	rows.Close()
	rows, err = db.r.QueryContext(ctx, `SELECT employee_id, position FROM employees WHERE position IN ('workshop_supervisor', 'golden_bow_tie', 'service_manager')`)
	if err != nil {
		return org, err
	}
	defer rows.Close()
	for rows.Next() {
		var m churn.Manager
		if err := rows.Scan(&m.EmployeeID, &m.Position); err != nil {
			return org, err
		}
		org.Managers = append(org.Managers, m)
	}
	return org, rows.Err()
}

func openEnd(v any) (csperf.Date, error) {
	if v == nil {
		return churn.Open, nil
	}
	var d csperf.Date
	err := d.Scan(v)
	return d, err
}

func scanStrings(rows *sql.Rows, err error) ([]string, error) {
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// churnMonth reads month m's churned customers and base-month visit counts
// with threshold n. A customer churned in m is one whose visit in m−n has
// no next visit up to the end of m (visits.next_date, kept by every import
// and edit), which is exactly "their last visit on or before the end of m
// fell in m−n". The visits_churn index orders each month's visits by next
// date, so those visits are two contiguous ranges of it (no next visit, and
// next visit after the end of m) whatever the threshold: the read is as
// long as the answer, not the month. The base month's visits per advisor
// and day come from visit_days, kept with the visits.
func (db *DB) churnMonth(ctx context.Context, m csperf.Month, n int) (in churn.MonthInput, err error) {
	err = db.serialRead(ctx, func(q querier) error {
		in, err = db.churnMonthQ(ctx, q, m, n)
		return err
	})
	return in, err
}

func (db *DB) churnMonthQ(ctx context.Context, q querier, m csperf.Month, n int) (churn.MonthInput, error) {
	in := churn.MonthInput{Month: m}
	base := m - csperf.Month(n)
	rows, err := q.QueryContext(ctx, db.q(`SELECT advisor_id, visit_date, visits FROM visit_days WHERE visit_date >= ? AND visit_date <= ?`),
		db.d.arg(base.First()), db.d.arg(base.Last()))
	if err != nil {
		return in, fmt.Errorf("churn base visits: %w", err)
	}
	for rows.Next() {
		var dc churn.DayCount
		if err := rows.Scan(&dc.AdvisorID, &dc.Date, &dc.Visits); err != nil {
			rows.Close()
			return in, err
		}
		in.BaseVisits = append(in.BaseVisits, dc)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return in, err
	}
	ph, month := db.d.visitMonthArg(base)
	bm := db.d.visitMonth("visit_date") + ` = ` + ph
	// The two ranges are read apart: the visits without a next visit come
	// in customer order when the index's collation is byte order (always on
	// SQLite), so that only the other range needs sorting before a merge.
	var runs [2][]churn.ChurnedCustomer
	for i, cond := range []string{`next_date IS NULL`, `next_date > ?`} {
		args := []any{month}
		if i == 1 {
			args = append(args, db.d.arg(m.Last()))
		}
		rows, err := q.QueryContext(ctx, db.q(`SELECT customer_id, visit_id, visit_date, advisor_id FROM visits WHERE `+bm+` AND `+cond), args...)
		if err != nil {
			return in, fmt.Errorf("churned customers: %w", err)
		}
		for rows.Next() {
			var c churn.ChurnedCustomer
			if err := rows.Scan(&c.CustomerID, &c.LastVisitID, &c.LastVisit, &c.AdvisorID); err != nil {
				rows.Close()
				return in, err
			}
			runs[i] = append(runs[i], c)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return in, err
		}
	}
	in.Churned = mergeByCustomer(runs[0], runs[1])
	return in, nil
}

// deptChurnCache keeps the department figures of the months before an
// assessed one (the managers' line compares with three of them), so that
// assessing consecutive months reads each once. An entry stands while the
// visits' data version it was read under does: every write of visits, by
// any path, bumps it in the same transaction (triggers on both engines).
type deptChurnCache struct {
	mu   sync.Mutex
	vers string
	figs map[[2]int]churn.DeptFigure // (month, threshold)
}

func (c *deptChurnCache) get(ctx context.Context, db *DB, vers string, m csperf.Month, n int) (churn.DeptFigure, error) {
	key := [2]int{int(m), n}
	c.mu.Lock()
	if c.vers == vers {
		if f, ok := c.figs[key]; ok {
			c.mu.Unlock()
			return f, nil
		}
	}
	c.mu.Unlock()
	f, err := db.churnDepartment(ctx, m, n)
	if err != nil {
		return f, err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.figs == nil || c.vers != vers || len(c.figs) >= 1000 {
		c.vers, c.figs = vers, map[[2]int]churn.DeptFigure{}
	}
	c.figs[key] = f
	return f, nil
}

// serialRead runs fn's reads without parallel workers on PostgreSQL (a
// read-only transaction with max_parallel_workers_per_gather 0; SQLite
// has none). The churn reads are short index ranges, a few thousand
// entries, whose row counts the planner overestimates a hundredfold (it
// cannot know that few of a month's visits have a next visit after a
// given date): it then plans parallel workers, whose start-up took 100 to
// 200 ms per statement on a busy 2-core machine against 15 ms without.
func (db *DB) serialRead(ctx context.Context, fn func(q querier) error) error {
	if db.d.engine != postgres {
		return fn(db.r)
	}
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `SET LOCAL max_parallel_workers_per_gather = 0`); err != nil {
		return err
	}
	if err := fn(tx); err != nil {
		return err
	}
	return tx.Commit()
}

// mergeByCustomer returns a and b in one slice in customer order, sorting
// each first unless it is sorted already.
func mergeByCustomer(a, b []churn.ChurnedCustomer) []churn.ChurnedCustomer {
	byCustomer := func(x, y churn.ChurnedCustomer) int { return strings.Compare(x.CustomerID, y.CustomerID) }
	for _, r := range [][]churn.ChurnedCustomer{a, b} {
		if !slices.IsSortedFunc(r, byCustomer) {
			slices.SortFunc(r, byCustomer)
		}
	}
	out := make([]churn.ChurnedCustomer, 0, len(a)+len(b))
	for len(a) > 0 && len(b) > 0 {
		if a[0].CustomerID <= b[0].CustomerID {
			out, a = append(out, a[0]), a[1:]
		} else {
			out, b = append(out, b[0]), b[1:]
		}
	}
	return append(append(out, a...), b...)
}

// churnDepartment counts only the department's churned customers and
// base-month visits of month m, which is all the managers' line needs of
// the three previous months: two counts over ranges of visits_churn and a
// sum over visit_days.
func (db *DB) churnDepartment(ctx context.Context, m csperf.Month, n int) (churn.DeptFigure, error) {
	f := churn.DeptFigure{Month: m}
	base := m - csperf.Month(n)
	ph, month := db.d.visitMonthArg(base)
	bm := db.d.visitMonth("visit_date") + ` = ` + ph
	err := db.serialRead(ctx, func(q querier) error {
		return q.QueryRowContext(ctx, db.q(`SELECT (SELECT COUNT(*) FROM visits WHERE `+bm+` AND next_date IS NULL)
		+ (SELECT COUNT(*) FROM visits WHERE `+bm+` AND next_date > ?),
		(SELECT COALESCE(`+db.d.sumInt("visits")+`, 0) FROM visit_days WHERE visit_date >= ? AND visit_date <= ?)`),
			month, month, db.d.arg(m.Last()), db.d.arg(base.First()), db.d.arg(base.Last())).Scan(&f.Churned, &f.Visits)
	})
	if err != nil {
		return f, fmt.Errorf("churn department %s: %w", m, err)
	}
	return f, nil
}

// ChurnReport computes month m's assessment with settings s — or, when m is
// closed and s is the stored settings, returns the frozen report.
func (db *DB) ChurnReport(ctx context.Context, m csperf.Month, s churn.Settings) (*churn.Report, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	stored, err := db.ChurnSettings(ctx)
	if err != nil {
		return nil, err
	}
	if stored.Rules().Threshold == s.Threshold && stored.Average == s.Average && stored.GroupAmount == s.GroupAmount &&
		stored.SpecialistAmount == s.SpecialistAmount && stored.ManagerAmount == s.ManagerAmount {
		if rep, _, err := db.closedChurn(ctx, m); err != nil || rep != nil {
			return rep, err
		}
	}
	return db.computeChurn(ctx, m, s)
}

func (db *DB) computeChurn(ctx context.Context, m csperf.Month, s churn.Settings) (*churn.Report, error) {
	cur, err := db.churnMonth(ctx, m, s.Threshold)
	if err != nil {
		return nil, err
	}
	vers, err := db.countVersions(ctx, "visits", false)
	if err != nil {
		return nil, err
	}
	var prev [3]churn.DeptFigure
	for i := range prev {
		if prev[i], err = db.deptChurn.get(ctx, db, vers, m-csperf.Month(i+1), s.Threshold); err != nil {
			return nil, err
		}
	}
	org, err := db.churnOrg(ctx)
	if err != nil {
		return nil, err
	}
	return churn.Assess(cur, prev, org, s)
}

func (db *DB) closedChurn(ctx context.Context, m csperf.Month) (*churn.Report, string, error) {
	var js, sum string
	err := db.r.QueryRowContext(ctx, db.q(`SELECT report_json, sha256 FROM churn_closed WHERE month = ?`), m.String()).Scan(&js, &sum)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", nil
	}
	if err != nil {
		return nil, "", err
	}
	var rep churn.Report
	if err := json.Unmarshal([]byte(js), &rep); err != nil {
		return nil, "", fmt.Errorf("closed churn %s: %w", m, err)
	}
	return &rep, sum, nil
}

// CloseChurnMonth freezes month m's assessment as computed now with the
// stored settings; later imports never change it.
func (db *DB) CloseChurnMonth(ctx context.Context, m csperf.Month) (*churn.MonthState, error) {
	s, err := db.ChurnSettings(ctx)
	if err != nil {
		return nil, err
	}
	rep, err := db.computeChurn(ctx, m, s.Rules())
	if err != nil {
		return nil, err
	}
	js, err := json.Marshal(rep)
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256(js)
	st := &churn.MonthState{Month: m, Closed: true, SHA256: hex.EncodeToString(sum[:]), ClosedBy: csperf.ActorFrom(ctx).UserID}
	if st.ClosedBy == "" {
		st.ClosedBy = "system"
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO churn_closed (month, report_json, sha256, closed_at, closed_by) VALUES (?, ?, ?, ?, ?)`),
			m.String(), string(js), st.SHA256, db.d.arg(db.Now()), st.ClosedBy); err != nil {
			if db.d.isUnique(err) {
				return csperf.Errorf(csperf.ECONFLICT, "churn month %s is closed already", m)
			}
			return err
		}
		if err := db.bumpSettings(ctx, tx); err != nil {
			return err
		}
		return db.auditTx(ctx, tx, "churn.close", "churn/"+m.String(), "", st.SHA256)
	})
	if err != nil {
		return nil, err
	}
	return st, nil
}

// ReopenChurnMonth reopens a closed month; only an admin may, with a reason.
func (db *DB) ReopenChurnMonth(ctx context.Context, m csperf.Month, reason string, isAdmin bool) error {
	if !isAdmin {
		return csperf.Errorf(csperf.EFORBIDDEN, "only an admin may reopen a closed month")
	}
	if len([]rune(reason)) < 4 {
		return csperf.FieldErrorf("reason", "say why the month is reopened")
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var sum string
		err := tx.QueryRowContext(ctx, db.q(`SELECT sha256 FROM churn_closed WHERE month = ?`), m.String()).Scan(&sum)
		if errors.Is(err, sql.ErrNoRows) {
			return csperf.Errorf(csperf.ENOTFOUND, "churn month %s is not closed", m)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM churn_closed WHERE month = ?`), m.String()); err != nil {
			return err
		}
		if err := db.bumpSettings(ctx, tx); err != nil {
			return err
		}
		return db.auditTx(ctx, tx, "churn.reopen", "churn/"+m.String(), sum, reason)
	})
}

// ClosedChurnMonths lists the closed months.
func (db *DB) ClosedChurnMonths(ctx context.Context) ([]churn.MonthState, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT month, sha256, closed_by FROM churn_closed ORDER BY month`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []churn.MonthState
	for rows.Next() {
		var s churn.MonthState
		var m string
		if err := rows.Scan(&m, &s.SHA256, &s.ClosedBy); err != nil {
			return nil, err
		}
		if s.Month, err = csperf.ParseMonth(m); err != nil {
			return nil, err
		}
		s.Closed = true
		out = append(out, s)
	}
	return out, rows.Err()
}

// ChurnDrift lists the closed months whose figures would now differ from
// what was frozen (after an import of visits or an organisation change):
// the frozen report stands, and this tells the manager what later data says.
func (db *DB) ChurnDrift(ctx context.Context) ([]csperf.Month, error) {
	closed, err := db.ClosedChurnMonths(ctx)
	if err != nil || len(closed) == 0 {
		return nil, err
	}
	s, err := db.ChurnSettings(ctx)
	if err != nil {
		return nil, err
	}
	var out []csperf.Month
	for _, c := range closed {
		rep, err := db.computeChurn(ctx, c.Month, s.Rules())
		if err != nil {
			return nil, err
		}
		js, _ := json.Marshal(rep)
		sum := sha256.Sum256(js)
		if hex.EncodeToString(sum[:]) != c.SHA256 {
			out = append(out, c.Month)
		}
	}
	return out, nil
}

// PeriodChurn computes the plain period churn of months from..to with
// threshold n (churn.PeriodOf's definition, on visits): customers at the
// start are those with a visit in from−n..from−1, and such a customer is
// lost when a visit of theirs in month mv has no next visit by the end of
// mv+n, for mv+n within the period.
func (db *DB) PeriodChurn(ctx context.Context, from, to csperf.Month, n int) (churn.Period, error) {
	p := churn.Period{From: from, To: to, Threshold: n}
	lo := from - csperf.Month(n)
	hi := max(from-1, to-csperf.Month(n))
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT customer_id, visit_date, next_date FROM visits WHERE visit_date >= ? AND visit_date <= ?`),
		db.d.arg(lo.First()), db.d.arg(hi.Last()))
	if err != nil {
		return p, fmt.Errorf("period churn: %w", err)
	}
	defer rows.Close()
	const atStart, lost = 1, 2
	flags := map[string]uint8{}
	startLast := (from - 1).Last()
	for rows.Next() {
		var c string
		var d csperf.Date
		var nd any
		if err := rows.Scan(&c, &d, &nd); err != nil {
			return p, err
		}
		f := flags[c]
		if d <= startLast {
			f |= atStart
		}
		if m := d.Month() + csperf.Month(n); from <= m && m <= to {
			next, err := openEnd(nd)
			if err != nil {
				return p, err
			}
			if next > m.Last() {
				f |= lost
			}
		}
		flags[c] = f
	}
	if err := rows.Err(); err != nil {
		return p, err
	}
	for _, f := range flags {
		if f&atStart != 0 {
			p.AtStart++
			if f&lost != 0 {
				p.Lost++
			}
		}
	}
	if r := p.Ratio(); r.Valid() {
		s := r.Percent(2)
		p.Rate = &s
	}
	return p, nil
}

// visitFrozen refuses the deletion of a visit that a closed churn month
// was computed from: one dated in the months from that month's base month
// to the month itself, since it decided who churned and the rates.
func (db *DB) visitFrozen(ctx context.Context, tx *sql.Tx, visit csperf.Record) error {
	d, ok := visit["visit_date"].(csperf.Date)
	if !ok {
		return nil
	}
	rows, err := tx.QueryContext(ctx, `SELECT month, report_json FROM churn_closed`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var month, js string
		if err := rows.Scan(&month, &js); err != nil {
			return err
		}
		var rep struct {
			BaseMonth csperf.Month `json:"base_month"`
		}
		m, err := csperf.ParseMonth(month)
		if err != nil {
			return err
		}
		if err := json.Unmarshal([]byte(js), &rep); err != nil {
			return err
		}
		if rep.BaseMonth.First() <= d && d <= m.Last() {
			return csperf.Errorf(csperf.ECONFLICT, "visit %v cannot be deleted: the closed churn assessment of %s depends on it (reopen the month first)", visit["visit_id"], m)
		}
	}
	return rows.Err()
}

// ReasonCount is how many churned customers of a month gave one reason.
type ReasonCount struct {
	Reason    string   `json:"reason"`
	Customers int      `json:"customers"`
	IDs       []string `json:"customer_ids"`
}

// ChurnReasons summarises, for the service manager, why the customers
// churned in month m left: the churn_reason recorded on each customer's
// latest return visit made after their last visit ("not yet asked" when
// none says), and the reasons contracts expiring in m were not renewed.
func (db *DB) ChurnReasons(ctx context.Context, m csperf.Month, n int) (churnReasons, nonRenewal []ReasonCount, err error) {
	in, err := db.churnMonth(ctx, m, n)
	if err != nil {
		return nil, nil, err
	}
	// One statement per chunk of customers (return_visits_customer,
	// migration 0010) reads their return visits with a reason, newest
	// first as the database orders them; each customer's first one after
	// their last visit gives the reason.
	by := map[string][]string{}
	for start := 0; start < len(in.Churned); start += getRecordsChunk {
		chunk := in.Churned[start:min(start+getRecordsChunk, len(in.Churned))]
		last := make(map[string]csperf.Date, len(chunk))
		args := make([]any, 0, len(chunk)+1)
		first := chunk[0].LastVisit
		for _, c := range chunk {
			last[c.CustomerID] = c.LastVisit
			args = append(args, c.CustomerID)
			first = min(first, c.LastVisit)
		}
		args = append(args, db.d.arg(first))
		marks := strings.Repeat("?, ", len(chunk))
		rows, err := db.r.QueryContext(ctx, db.q(`SELECT customer_id, done_date, churn_reason FROM return_visits
			WHERE customer_id IN (`+marks[:len(marks)-2]+`) AND done_date > ? AND churn_reason IS NOT NULL
			ORDER BY customer_id, done_date DESC, return_visit_id DESC`), args...)
		if err != nil {
			return nil, nil, fmt.Errorf("churn reasons: %w", err)
		}
		reason := make(map[string]string, len(chunk))
		for rows.Next() {
			var id, r string
			var done csperf.Date
			if err := rows.Scan(&id, &done, &r); err != nil {
				rows.Close()
				return nil, nil, err
			}
			if _, ok := reason[id]; !ok && done > last[id] {
				reason[id] = r
			}
		}
		if err := rows.Err(); err != nil {
			rows.Close()
			return nil, nil, err
		}
		rows.Close()
		for _, c := range chunk {
			r := reason[c.CustomerID]
			if r == "" {
				r = "not yet asked"
			}
			by[r] = append(by[r], c.CustomerID)
		}
	}
	churnReasons = reasonCounts(by)
	by = map[string][]string{}
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT customer_id, COALESCE(termination_reason, '') FROM contracts
		WHERE expiry_date >= ? AND expiry_date <= ? AND NOT COALESCE(renewed, FALSE)`), db.d.arg(m.First()), db.d.arg(m.Last()))
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var c, r string
		if err := rows.Scan(&c, &r); err != nil {
			return nil, nil, err
		}
		if r == "" {
			r = "not recorded"
		}
		by[r] = append(by[r], c)
	}
	return churnReasons, reasonCounts(by), rows.Err()
}

func reasonCounts(by map[string][]string) []ReasonCount {
	out := make([]ReasonCount, 0, len(by))
	for r, ids := range by {
		slices.Sort(ids)
		out = append(out, ReasonCount{Reason: r, Customers: len(ids), IDs: ids})
	}
	slices.SortFunc(out, func(a, b ReasonCount) int {
		if a.Customers != b.Customers {
			return b.Customers - a.Customers
		}
		return strings.Compare(a.Reason, b.Reason)
	})
	return out
}

// PlainChurnCount counts the customers whose last visit on or before end
// fell between first and last, the way a user would in plain SQL with a
// window over every visit. It is here only to measure csperf's derived
// data against (csperf bench churn); reports never use it.
func (db *DB) PlainChurnCount(ctx context.Context, first, last, end csperf.Date) (int64, error) {
	var n int64
	err := db.r.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM (
		SELECT customer_id, visit_date, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY visit_date DESC, `+db.d.binary("visit_id")+` DESC) AS rn
		FROM visits WHERE visit_date <= ?) v WHERE v.rn = 1 AND v.visit_date >= ? AND v.visit_date <= ?`), db.d.arg(end), db.d.arg(first), db.d.arg(last)).Scan(&n)
	return n, err
}
