package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"csperf"
	"csperf/kpi"
	"csperf/scorecard"
)

// SettingScorecard is the key of the scorecard settings (JSON of
// scorecard.Settings): grades, coefficients, the missing-input rule, raise
// bands and the training-needs thresholds. A cycle copies them when it is
// created.
const SettingScorecard = "scorecard.settings"

// ScorecardSettings returns the stored scorecard settings, or the defaults.
func (db *DB) ScorecardSettings(ctx context.Context) (scorecard.Settings, error) {
	s := scorecard.DefaultSettings()
	v, ok, err := db.Setting(ctx, SettingScorecard)
	if err != nil || !ok {
		return s, err
	}
	var st scorecard.Settings
	if err := json.Unmarshal([]byte(v), &st); err != nil {
		return s, fmt.Errorf("stored scorecard settings: %w", err)
	}
	return st, st.Validate()
}

// SetScorecardSettings validates and stores the scorecard settings
// (audited with the value before and after).
func (db *DB) SetScorecardSettings(ctx context.Context, s scorecard.Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	if _, err := db.manager(ctx, "change scorecard settings"); err != nil {
		return err
	}
	b, err := json.Marshal(s)
	if err != nil {
		return err
	}
	return db.SetSetting(ctx, SettingScorecard, string(b))
}

// kpiCatalog returns every KPI templates may name: the catalog with its
// stored edits, and the custom KPIs.
func (db *DB) kpiCatalog(ctx context.Context) (scorecard.Catalog, error) {
	defs, err := db.KPIDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	return scorecard.NewCatalog(defs...), nil
}

// ScorecardTemplates returns the templates: the shipped ones (a stored
// template of the same id replaces one), then the stored ones by id.
func (db *DB) ScorecardTemplates(ctx context.Context) ([]scorecard.Template, error) {
	rows, err := db.r.QueryContext(ctx, `SELECT template_id, definition FROM scorecard_templates ORDER BY template_id`)
	if err != nil {
		return nil, fmt.Errorf("scorecard templates: %w", err)
	}
	defer rows.Close()
	var stored []scorecard.Template
	for rows.Next() {
		var id, js string
		if err := rows.Scan(&id, &js); err != nil {
			return nil, err
		}
		var t scorecard.Template
		if err := json.Unmarshal([]byte(js), &t); err != nil {
			return nil, fmt.Errorf("stored template %s: %w", id, err)
		}
		stored = append(stored, t)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := scorecard.ShippedTemplates()
	for _, t := range stored {
		if i := slices.IndexFunc(out, func(s scorecard.Template) bool { return s.ID == t.ID }); i >= 0 {
			out[i] = t
		} else {
			out = append(out, t)
		}
	}
	return out, nil
}

// SaveScorecardTemplate stores a template, new or replacing one of the same
// id (a shipped one too), after checking it against the KPIs and the other
// templates (weights summing to exactly 100%, known KPIs, no position in
// two templates). Audited with the definition before and after. Cycles
// already created keep the templates they were created with.
func (db *DB) SaveScorecardTemplate(ctx context.Context, t scorecard.Template) error {
	if _, err := db.manager(ctx, "change scorecard templates"); err != nil {
		return err
	}
	c, err := db.kpiCatalog(ctx)
	if err != nil {
		return err
	}
	all, err := db.ScorecardTemplates(ctx)
	if err != nil {
		return err
	}
	var old string
	if i := slices.IndexFunc(all, func(s scorecard.Template) bool { return s.ID == t.ID }); i >= 0 {
		b, _ := json.Marshal(all[i])
		old = string(b)
		all[i] = t
	} else {
		all = append(all, t)
	}
	if err := t.Validate(c); err != nil {
		return err
	}
	if err := scorecard.ValidateSet(all, c); err != nil {
		return err
	}
	js, err := json.Marshal(t)
	if err != nil {
		return err
	}
	if old == string(js) {
		return nil
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO scorecard_templates (template_id, definition, updated_at, updated_by) VALUES (?, ?, ?, ?)
			ON CONFLICT (template_id) DO UPDATE SET definition = excluded.definition, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
			t.ID, string(js), db.d.arg(db.Now()), actorID(ctx)); err != nil {
			return fmt.Errorf("save template: %w", err)
		}
		return db.auditTx(ctx, tx, "scorecard.template", "scorecard_templates/"+t.ID, old, string(js))
	})
}

// actorID is the acting user's id, "system" for the operator.
func actorID(ctx context.Context) string {
	if id := csperf.ActorFrom(ctx).UserID; id != "" {
		return id
	}
	return "system"
}

// cycleUser returns the signed-in user acting in ctx, nil for the operator
// at the command line.
func (db *DB) cycleUser(ctx context.Context) (*csperf.User, error) {
	id := csperf.ActorFrom(ctx).UserID
	if id == "" {
		return nil, nil
	}
	u, err := db.UserByID(ctx, id)
	if csperf.ErrorCode(err) == csperf.ENOTFOUND {
		return nil, csperf.Errorf(csperf.EUNAUTHORIZED, "unknown user %s", id)
	}
	if err != nil {
		return nil, err
	}
	if u.Disabled {
		return nil, csperf.Errorf(csperf.EFORBIDDEN, "user %s is disabled", u.Username)
	}
	return u, nil
}

// manager returns the acting user (nil for the operator) if they may manage
// cycles.
func (db *DB) manager(ctx context.Context, what string) (*csperf.User, error) {
	u, err := db.cycleUser(ctx)
	if err != nil {
		return nil, err
	}
	if u != nil && !scorecard.CanManage(u.Role) {
		return nil, csperf.Errorf(csperf.EFORBIDDEN, "your role (%s) may not %s", u.Role, what)
	}
	return u, nil
}

// CycleSpec is what a new cycle is made of (scorecard.CycleSpec, which the
// web package shares).
type CycleSpec = scorecard.CycleSpec

// CreateCycle creates an open cycle with a copy of the current settings,
// templates and KPI definitions, and its members as they are now. Audited.
func (db *DB) CreateCycle(ctx context.Context, spec CycleSpec) (*scorecard.Cycle, error) {
	if _, err := db.manager(ctx, "create cycles"); err != nil {
		return nil, err
	}
	settings, err := db.ScorecardSettings(ctx)
	if err != nil {
		return nil, err
	}
	ts, err := db.ScorecardTemplates(ctx)
	if err != nil {
		return nil, err
	}
	if len(spec.Templates) > 0 {
		var pick []scorecard.Template
		for _, id := range spec.Templates {
			i := slices.IndexFunc(ts, func(t scorecard.Template) bool { return t.ID == id })
			if i < 0 {
				return nil, csperf.FieldErrorf("templates", "no template %q", id)
			}
			pick = append(pick, ts[i])
		}
		ts = pick
	}
	c, err := db.kpiCatalog(ctx)
	if err != nil {
		return nil, err
	}
	setup, err := scorecard.NewSetup(spec.Kind, spec.Period, spec.ScopeLevel, spec.ScopeID, settings, ts, c)
	if err != nil {
		return nil, err
	}
	label := setup.Period.String()
	if spec.ID == "" {
		spec.ID = label + "-" + spec.ScopeID
	}
	if !validCycleID(spec.ID) {
		return nil, csperf.FieldErrorf("id", "%q is not a cycle id (letters, digits, '-', '_' and '.', at most 64)", spec.ID)
	}
	if spec.Name == "" {
		spec.Name = fmt.Sprintf("%s %s %s %s", label, spec.Kind, spec.ScopeLevel, spec.ScopeID)
	}
	table, col := "departments", "department_id"
	if spec.ScopeLevel == scorecard.ScopeGroup {
		table, col = "groups_", "group_id"
	}
	var n int
	if err := db.r.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM `+table+` WHERE `+col+` = ?`), spec.ScopeID).Scan(&n); err != nil {
		return nil, err
	}
	if n == 0 {
		return nil, csperf.FieldErrorf("scope", "no %s %q", spec.ScopeLevel, spec.ScopeID)
	}
	members, err := db.cycleMembers(ctx, db.r, setup)
	if err != nil {
		return nil, err
	}
	sj, err := json.Marshal(setup)
	if err != nil {
		return nil, err
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, db.q(`INSERT INTO cycles (cycle_id, name, kind, period, period_start, period_end, scope_level, scope_id, state, setup_json, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			spec.ID, spec.Name, spec.Kind, label, db.d.arg(setup.Period.Start), db.d.arg(setup.Period.End), spec.ScopeLevel, spec.ScopeID,
			scorecard.StateOpen, string(sj), db.d.arg(db.Now()), actorID(ctx))
		if db.d.isUnique(err) {
			return csperf.Errorf(csperf.ECONFLICT, "cycle %s exists already: give another --id", spec.ID)
		}
		if err != nil {
			return fmt.Errorf("create cycle: %w", err)
		}
		if err := db.replaceMembers(ctx, tx, spec.ID, members); err != nil {
			return err
		}
		return db.auditTx(ctx, tx, "cycle.create", "cycles/"+spec.ID, "", string(sj))
	})
	if err != nil {
		return nil, err
	}
	return db.Cycle(ctx, spec.ID)
}

func validCycleID(s string) bool {
	if s == "" || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			return false
		}
	}
	return true
}

const cycleCols = `cycle_id, name, kind, period, scope_level, scope_id, state, setup_json, created_at, created_by, computed_at, computed_by,
	result_sha256, approved_at, approved_by, closed_at, closed_by, reopen_count, reopen_reason`

func (db *DB) scanCycle(sc interface{ Scan(...any) error }) (*scorecard.Cycle, error) {
	var c scorecard.Cycle
	var setup string
	var created, computed, approved, closed any
	var computedBy, sha, approvedBy, closedBy, reason sql.NullString
	if err := sc.Scan(&c.ID, &c.Name, &c.Kind, &c.Period, &c.ScopeLevel, &c.ScopeID, &c.State, &setup, &created, &c.CreatedBy,
		&computed, &computedBy, &sha, &approved, &approvedBy, &closed, &closedBy, &c.Reopened, &reason); err != nil {
		return nil, err
	}
	c.ComputedBy, c.SHA256, c.ApprovedBy, c.ClosedBy, c.ReopenReason = computedBy.String, sha.String, approvedBy.String, closedBy.String, reason.String
	var err error
	if c.CreatedAt, err = scanTime(created); err != nil {
		return nil, err
	}
	for _, x := range []struct {
		v   any
		dst **time.Time
	}{{computed, &c.ComputedAt}, {approved, &c.ApprovedAt}, {closed, &c.ClosedAt}} {
		if x.v == nil {
			continue
		}
		t, err := scanTime(x.v)
		if err != nil {
			return nil, err
		}
		*x.dst = &t
	}
	c.Setup = new(scorecard.Setup)
	if err := json.Unmarshal([]byte(setup), c.Setup); err != nil {
		return nil, fmt.Errorf("cycle %s setup: %w", c.ID, err)
	}
	return &c, nil
}

// cycleQ reads a cycle through q (a transaction sees its own writes).
func (db *DB) cycleQ(ctx context.Context, q querier, id string) (*scorecard.Cycle, error) {
	c, err := db.scanCycle(q.QueryRowContext(ctx, db.q(`SELECT `+cycleCols+` FROM cycles WHERE cycle_id = ?`), id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, csperf.Errorf(csperf.ENOTFOUND, "no cycle %q", id)
	}
	return c, err
}

// Cycle returns a cycle with its setup and counts.
func (db *DB) Cycle(ctx context.Context, id string) (*scorecard.Cycle, error) {
	c, err := db.cycleQ(ctx, db.r, id)
	if err != nil {
		return nil, err
	}
	return c, db.cycleCounts(ctx, db.r, c)
}

func (db *DB) cycleCounts(ctx context.Context, q querier, c *scorecard.Cycle) error {
	return q.QueryRowContext(ctx, db.q(`SELECT
		(SELECT COUNT(*) FROM cycle_members WHERE cycle_id = ?),
		(SELECT COUNT(*) FROM cycle_ratings WHERE cycle_id = ?),
		(SELECT COUNT(*) FROM cycle_objections WHERE cycle_id = ? AND answer IS NULL)`), c.ID, c.ID, c.ID).Scan(&c.Members, &c.Ratings, &c.Objections)
}

// CycleFilter selects cycles; empty fields select all.
type CycleFilter struct {
	Kind, State, ScopeID string
	Year                 int
}

// Cycles lists cycles by period and id, without their setup.
func (db *DB) Cycles(ctx context.Context, f CycleFilter) ([]scorecard.Cycle, error) {
	q := `SELECT ` + cycleCols + ` FROM cycles WHERE 1 = 1`
	var args []any
	if f.Kind != "" {
		q += " AND kind = ?"
		args = append(args, f.Kind)
	}
	if f.State != "" {
		q += " AND state = ?"
		args = append(args, f.State)
	}
	if f.ScopeID != "" {
		q += " AND scope_id = ?"
		args = append(args, f.ScopeID)
	}
	if f.Year != 0 {
		q += " AND period_start >= ? AND period_start <= ?"
		args = append(args, db.d.arg(csperf.MakeDate(f.Year, 1, 1)), db.d.arg(csperf.MakeDate(f.Year, 12, 31)))
	}
	rows, err := db.r.QueryContext(ctx, db.q(q+" ORDER BY period_start, cycle_id"), args...)
	if err != nil {
		return nil, fmt.Errorf("cycles: %w", err)
	}
	var out []scorecard.Cycle
	for rows.Next() {
		c, err := db.scanCycle(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, *c)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if err := db.cycleCounts(ctx, db.r, &out[i]); err != nil {
			return nil, err
		}
		out[i].Setup = nil
	}
	return out, nil
}

// cycleMembers returns the employees a cycle assesses, as they are now: a
// department cycle, the department's employees (an employee without
// department belongs to their group's, else to the default department); a
// group cycle, those whose
// group (memberships; else the employee's group) on the period's last day,
// or on their leave date if earlier, is the group. Either way only those
// hired by the period's end and not gone before its start. An employee's
// group is the one of that day.
func (db *DB) cycleMembers(ctx context.Context, q querier, s *scorecard.Setup) ([]scorecard.Employee, error) {
	type ms struct {
		group    string
		from, to csperf.Date
	}
	hist := map[string][]ms{}
	rows, err := q.QueryContext(ctx, `SELECT employee_id, group_id, from_date, to_date FROM memberships`)
	if err != nil {
		return nil, fmt.Errorf("memberships: %w", err)
	}
	for rows.Next() {
		var e string
		var m ms
		var to any
		if err := rows.Scan(&e, &m.group, &m.from, &to); err != nil {
			rows.Close()
			return nil, err
		}
		m.to = csperf.MakeDate(9999, 12, 31)
		if to != nil {
			if err := m.to.Scan(to); err != nil {
				rows.Close()
				return nil, err
			}
		}
		hist[e] = append(hist[e], m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	groupDept := map[string]string{}
	rows, err = q.QueryContext(ctx, `SELECT group_id, department_id FROM groups_ WHERE department_id IS NOT NULL`)
	if err != nil {
		return nil, fmt.Errorf("groups: %w", err)
	}
	for rows.Next() {
		var g, dd string
		if err := rows.Scan(&g, &dd); err != nil {
			rows.Close()
			return nil, err
		}
		groupDept[g] = dd
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows, err = q.QueryContext(ctx, `SELECT employee_id, name, position, group_id, department_id, hire_date, leave_date, bonus_base FROM employees ORDER BY employee_id`)
	if err != nil {
		return nil, fmt.Errorf("employees: %w", err)
	}
	defer rows.Close()
	var out []scorecard.Employee
	for rows.Next() {
		var e scorecard.Employee
		var group, dept sql.NullString
		var hire, leave, base any
		if err := rows.Scan(&e.ID, &e.Name, &e.Position, &group, &dept, &hire, &leave, &base); err != nil {
			return nil, err
		}
		ref := s.Period.End
		if leave != nil {
			var l csperf.Date
			if err := l.Scan(leave); err != nil {
				return nil, err
			}
			if l < s.Period.Start {
				continue
			}
			ref = min(ref, l)
		}
		if hire != nil {
			var h csperf.Date
			if err := h.Scan(hire); err != nil {
				return nil, err
			}
			if h > s.Period.End {
				continue
			}
			e.HireDate = &h
		}
		if base != nil {
			n, err := toInt64(base)
			if err != nil {
				return nil, err
			}
			m := csperf.Money(n)
			e.BonusBase = &m
		}
		e.GroupID = group.String
		for _, m := range hist[e.ID] {
			if m.from <= ref && ref <= m.to {
				e.GroupID = m.group
			}
		}
		switch s.ScopeLevel {
		case scorecard.ScopeDepartment:
			dep := dept.String
			if dep == "" {
				dep = groupDept[e.GroupID]
			}
			if dep == "" {
				dep = DefaultDepartment
			}
			if dep != s.ScopeID {
				continue
			}
		case scorecard.ScopeGroup:
			if e.GroupID != s.ScopeID {
				continue
			}
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// replaceMembers stores a cycle's members.
func (db *DB) replaceMembers(ctx context.Context, tx *sql.Tx, id string, es []scorecard.Employee) error {
	if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM cycle_members WHERE cycle_id = ?`), id); err != nil {
		return db.d.mapErr(err)
	}
	rows := make([][]any, len(es))
	for i, e := range es {
		var hire, base any
		if e.HireDate != nil {
			hire = db.d.arg(*e.HireDate)
		}
		if e.BonusBase != nil {
			base = int64(*e.BonusBase)
		}
		rows[i] = []any{id, e.ID, e.Name, e.Position, e.GroupID, hire, base}
	}
	return db.insertRows(ctx, tx, "cycle_members", []string{"cycle_id", "employee_id", "name", "position", "group_id", "hire_date", "bonus_base"}, rows)
}

// storedMembers reads a cycle's members.
func (db *DB) storedMembers(ctx context.Context, q querier, id string) ([]scorecard.Employee, error) {
	rows, err := q.QueryContext(ctx, db.q(`SELECT employee_id, name, position, group_id, hire_date, bonus_base FROM cycle_members WHERE cycle_id = ? ORDER BY employee_id`), id)
	if err != nil {
		return nil, fmt.Errorf("cycle members: %w", err)
	}
	defer rows.Close()
	var out []scorecard.Employee
	for rows.Next() {
		var e scorecard.Employee
		var hire, base any
		if err := rows.Scan(&e.ID, &e.Name, &e.Position, &e.GroupID, &hire, &base); err != nil {
			return nil, err
		}
		if hire != nil {
			var h csperf.Date
			if err := h.Scan(hire); err != nil {
				return nil, err
			}
			e.HireDate = &h
		}
		if base != nil {
			n, err := toInt64(base)
			if err != nil {
				return nil, err
			}
			m := csperf.Money(n)
			e.BonusBase = &m
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// insertRows inserts rows into table in multi-row statements. table and
// cols are this package's own constants, never user input.
func (db *DB) insertRows(ctx context.Context, tx *sql.Tx, table string, cols []string, rows [][]any) error {
	per := max(1, min(250, 30000/len(cols)))
	one := "(" + strings.TrimSuffix(strings.Repeat("?,", len(cols)), ",") + ")"
	for len(rows) > 0 {
		n := min(per, len(rows))
		q := "INSERT INTO " + table + " (" + strings.Join(cols, ", ") + ") VALUES " + strings.TrimSuffix(strings.Repeat(one+",", n), ",")
		args := make([]any, 0, n*len(cols))
		for _, r := range rows[:n] {
			args = append(args, r...)
		}
		if _, err := tx.ExecContext(ctx, db.q(q), args...); err != nil {
			return fmt.Errorf("insert %s: %w", table, db.d.mapErr(err))
		}
		rows = rows[n:]
	}
	return nil
}

// periodOf returns a cycle's period.
func periodOf(c *scorecard.Cycle) kpi.Period { return c.Setup.Period }
