package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"csperf"
	"csperf/kpi"
)

// CreateGoal validates and stores a goal with its measures, and returns it
// with its id and its baseline: the KPI's value, measured now, over
// g.BaselinePeriod — by default the period of the goal's length just
// before its start, moved back to end yesterday when it would reach today
// (the situation when the goal is set, 现状分析). Audited.
func (db *DB) CreateGoal(ctx context.Context, g kpi.Goal) (*kpi.Goal, error) {
	def, err := db.KPIDefinition(ctx, g.KPI)
	if err != nil {
		return nil, err
	}
	if g.Scope == kpi.LevelOrg {
		g.ScopeID = ""
	}
	if err := g.Validate(def); err != nil {
		return nil, err
	}
	org, err := loadOrg(ctx, db, db.r)
	if err != nil {
		return nil, err
	}
	if ids, _ := org.ids(g.Scope); g.Scope != kpi.LevelOrg && !contains(ids, g.ScopeID) {
		return nil, csperf.FieldErrorf("scope_id", "no %s %q", g.Scope, g.ScopeID)
	}
	for _, e := range append([]string{g.Owner}, responsibles(g)...) {
		if org.employee(e) == nil {
			return nil, csperf.FieldErrorf("owner", "no employee %q", e)
		}
	}
	today := csperf.DateOf(db.Now().In(db.Loc))
	if g.BaselinePeriod == (kpi.Period{}) {
		g.BaselinePeriod = kpi.Period{Start: g.Start, End: g.Deadline}.Previous()
		if g.BaselinePeriod.End >= today {
			n := csperf.Date(g.BaselinePeriod.Days())
			g.BaselinePeriod = kpi.Period{Start: today - n, End: today - 1}
		}
	}
	if !g.BaselinePeriod.Valid() {
		return nil, csperf.FieldErrorf("baseline_period", "%s ends before it starts", g.BaselinePeriod)
	}
	rows, err := db.KPIValues(ctx, kpi.Query{KPIs: []string{g.KPI}, Level: g.Scope, ID: g.ScopeID, Period: g.BaselinePeriod})
	if err != nil {
		return nil, err
	}
	if len(rows) == 1 && rows[0].Note == "" {
		r := rows[0]
		g.Baseline = kpi.Value{Num: r.Numerator, Den: r.Denominator, Valid: r.Denominator > 0, Display: r.Value}
	} else {
		g.Baseline = kpi.Value{Display: "—"}
	}
	g.TargetText = kpi.TargetText(g.WithTarget(def), nil)
	g.CreatedAt = db.Now().UTC().Truncate(time.Second)
	g.CreatedBy = csperf.ActorFrom(ctx).UserID
	if g.CreatedBy == "" {
		g.CreatedBy = "system"
	}
	for i := range g.Actions {
		g.Actions[i].Seq = i + 1
	}
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.d.lockAudit(ctx, tx); err != nil {
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(goal_id), 0) + 1 FROM goals`).Scan(&g.ID); err != nil {
			return err
		}
		d := db.d
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO goals (goal_id, title, kpi_id, scope, scope_id, target_op, target_num, target_den,
			start_date, deadline, owner_id, baseline_start, baseline_end, baseline_num, baseline_den, notes, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`),
			g.ID, g.Title, g.KPI, g.Scope, g.ScopeID, g.Target.Op, g.Target.Value.Num, g.Target.Value.Den,
			d.arg(g.Start), d.arg(g.Deadline), g.Owner, d.arg(g.BaselinePeriod.Start), d.arg(g.BaselinePeriod.End),
			g.Baseline.Num, g.Baseline.Den, g.Notes, d.arg(g.CreatedAt), g.CreatedBy); err != nil {
			return fmt.Errorf("create goal: %w", d.mapErr(err))
		}
		for _, a := range g.Actions {
			if err := db.insertAction(ctx, tx, g.ID, a); err != nil {
				return err
			}
		}
		js, _ := json.Marshal(g)
		return db.auditTx(ctx, tx, "goal.create", fmt.Sprintf("goals/%d", g.ID), "", string(js))
	})
	if err != nil {
		return nil, err
	}
	return &g, nil
}

func (db *DB) insertAction(ctx context.Context, tx *sql.Tx, goalID int64, a kpi.GoalAction) error {
	var done any
	if a.Done != nil {
		done = db.d.arg(*a.Done)
	}
	if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO goal_actions (goal_id, seq, description, responsible_id, due_date, done_date) VALUES (?, ?, ?, ?, ?, ?)`),
		goalID, a.Seq, a.Description, a.Responsible, db.d.arg(a.Due), done); err != nil {
		return fmt.Errorf("goal measure: %w", db.d.mapErr(err))
	}
	return nil
}

func responsibles(g kpi.Goal) []string {
	var out []string
	for _, a := range g.Actions {
		out = append(out, a.Responsible)
	}
	return out
}

func contains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// AddGoalAction adds a measure to a goal (audited) and returns it with its
// number.
func (db *DB) AddGoalAction(ctx context.Context, goalID int64, a kpi.GoalAction) (kpi.GoalAction, error) {
	if strings.TrimSpace(a.Description) == "" || a.Responsible == "" || a.Due == 0 {
		return a, csperf.FieldErrorf("action", "a measure needs a description, a responsible person and a due date")
	}
	if _, err := db.Goal(ctx, goalID); err != nil {
		return a, err
	}
	err := db.tx(ctx, func(tx *sql.Tx) error {
		if err := tx.QueryRowContext(ctx, db.q(`SELECT COALESCE(MAX(seq), 0) + 1 FROM goal_actions WHERE goal_id = ?`), goalID).Scan(&a.Seq); err != nil {
			return err
		}
		if err := db.insertAction(ctx, tx, goalID, a); err != nil {
			return err
		}
		js, _ := json.Marshal(a)
		return db.auditTx(ctx, tx, "goal.action", fmt.Sprintf("goals/%d/actions/%d", goalID, a.Seq), "", string(js))
	})
	return a, err
}

// SetGoalActionDone records the day a measure was done (nil: not done).
// Audited.
func (db *DB) SetGoalActionDone(ctx context.Context, goalID int64, seq int, done *csperf.Date) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		var old any
		err := tx.QueryRowContext(ctx, db.q(`SELECT done_date FROM goal_actions WHERE goal_id = ? AND seq = ?`), goalID, seq).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return csperf.Errorf(csperf.ENOTFOUND, "goal %d has no measure %d", goalID, seq)
		}
		if err != nil {
			return err
		}
		var arg any
		after := ""
		if done != nil {
			arg, after = db.d.arg(*done), done.String()
		}
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE goal_actions SET done_date = ? WHERE goal_id = ? AND seq = ?`), arg, goalID, seq); err != nil {
			return err
		}
		before := ""
		if old != nil {
			var d csperf.Date
			if err := d.Scan(old); err == nil {
				before = d.String()
			}
		}
		return db.auditTx(ctx, tx, "goal.action.done", fmt.Sprintf("goals/%d/actions/%d", goalID, seq), before, after)
	})
}

const goalColumns = `goal_id, title, kpi_id, scope, scope_id, target_op, target_num, target_den, start_date, deadline, owner_id,
	baseline_start, baseline_end, baseline_num, baseline_den, notes, created_at, created_by`

func (db *DB) scanGoal(sc interface{ Scan(...any) error }) (kpi.Goal, error) {
	var g kpi.Goal
	var created any
	err := sc.Scan(&g.ID, &g.Title, &g.KPI, &g.Scope, &g.ScopeID, &g.Target.Op, &g.Target.Value.Num, &g.Target.Value.Den,
		&g.Start, &g.Deadline, &g.Owner, &g.BaselinePeriod.Start, &g.BaselinePeriod.End, &g.Baseline.Num, &g.Baseline.Den,
		&g.Notes, &created, &g.CreatedBy)
	if err != nil {
		return g, err
	}
	if g.CreatedAt, err = scanTime(created); err != nil {
		return g, err
	}
	g.Baseline.Valid = g.Baseline.Den > 0
	return g, nil
}

// Goal returns a goal with its measures.
func (db *DB) Goal(ctx context.Context, id int64) (*kpi.Goal, error) {
	gs, err := db.goals(ctx, `WHERE goal_id = ?`, id)
	if err != nil {
		return nil, err
	}
	if len(gs) == 0 {
		return nil, csperf.Errorf(csperf.ENOTFOUND, "no goal %d", id)
	}
	return &gs[0], nil
}

// Goals lists the goals f selects, newest first, with their measures.
func (db *DB) Goals(ctx context.Context, f kpi.GoalFilter) ([]kpi.Goal, error) {
	var where []string
	var args []any
	for _, c := range []struct{ col, v string }{{"owner_id", f.Owner}, {"kpi_id", f.KPI}, {"scope", f.Scope}, {"scope_id", f.ScopeID}} {
		if c.v != "" {
			where = append(where, c.col+" = ?")
			args = append(args, c.v)
		}
	}
	if f.ActiveOn != nil {
		where = append(where, "start_date <= ? AND deadline >= ?")
		args = append(args, db.d.arg(*f.ActiveOn), db.d.arg(*f.ActiveOn))
	}
	w := ""
	if len(where) > 0 {
		w = "WHERE " + strings.Join(where, " AND ")
	}
	return db.goals(ctx, w, args...)
}

func (db *DB) goals(ctx context.Context, where string, args ...any) ([]kpi.Goal, error) {
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT `+goalColumns+` FROM goals `+where+` ORDER BY goal_id DESC`), args...)
	if err != nil {
		return nil, fmt.Errorf("goals: %w", err)
	}
	var out []kpi.Goal
	for rows.Next() {
		g, err := db.scanGoal(rows)
		if err != nil {
			rows.Close()
			return nil, err
		}
		out = append(out, g)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	defs, err := db.KPIDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	for i := range out {
		g := &out[i]
		if def, ok := findDef(defs, g.KPI); ok {
			g.TargetText = kpi.TargetText(g.WithTarget(def), nil)
			g.Baseline.Display = "—"
			if g.Baseline.Valid {
				g.Baseline.Display = def.Unit.Format(g.Baseline.Ratio())
			}
		}
		if g.Actions, err = db.goalActions(ctx, g.ID); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func findDef(defs []kpi.Definition, id string) (kpi.Definition, bool) {
	for _, d := range defs {
		if d.ID == id {
			return d, true
		}
	}
	return kpi.Definition{}, false
}

func (db *DB) goalActions(ctx context.Context, id int64) ([]kpi.GoalAction, error) {
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT seq, description, responsible_id, due_date, done_date FROM goal_actions WHERE goal_id = ? ORDER BY seq`), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []kpi.GoalAction{}
	for rows.Next() {
		var a kpi.GoalAction
		var done any
		if err := rows.Scan(&a.Seq, &a.Description, &a.Responsible, &a.Due, &done); err != nil {
			return nil, err
		}
		if done != nil {
			var d csperf.Date
			if err := d.Scan(done); err != nil {
				return nil, err
			}
			a.Done = &d
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// GoalProgress tracks a goal on day asOf: the KPI's value over the goal's
// window (start to the day before asOf, or to the deadline), the status
// and achievement of kpi.Track, and the KPI month by month (week by week
// for goals of up to two months) against the goal's target.
func (db *DB) GoalProgress(ctx context.Context, id int64, asOf csperf.Date) (*kpi.GoalProgress, error) {
	g, err := db.Goal(ctx, id)
	if err != nil {
		return nil, err
	}
	def, err := db.KPIDefinition(ctx, g.KPI)
	if err != nil {
		return nil, err
	}
	actual := kpi.Value{Display: "—"}
	var points []kpi.Row
	if w, ok := g.Window(asOf); ok {
		rows, err := db.KPIValues(ctx, kpi.Query{KPIs: []string{g.KPI}, Level: g.Scope, ID: g.ScopeID, Period: w})
		if err != nil {
			return nil, err
		}
		if len(rows) == 1 && rows[0].Note == "" {
			r := rows[0]
			actual = kpi.Value{Num: r.Numerator, Den: r.Denominator, Valid: r.Denominator > 0, Display: r.Value}
		}
		by := kpi.UnitMonth
		if g.Deadline-g.Start < 62 {
			by = kpi.UnitWeek
		}
		if points, err = db.KPIValues(ctx, kpi.Query{KPIs: []string{g.KPI}, Level: g.Scope, ID: g.ScopeID, Period: w, By: by}); err != nil {
			return nil, err
		}
	}
	gp := kpi.Progress(def, *g, actual, points, asOf)
	return &gp, nil
}
