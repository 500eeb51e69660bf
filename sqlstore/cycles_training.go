package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"csperf"
	"csperf/scorecard"
)

// TrainingNeeds returns the training-needs report of a closed cycle (SPEC
// §10): each group's common weak items, each employee's weakest items, new
// hires on the basic track.
func (db *DB) TrainingNeeds(ctx context.Context, cycleID string) (*scorecard.NeedsReport, error) {
	u, err := db.cycleUser(ctx)
	if err != nil {
		return nil, err
	}
	if u != nil && !scorecard.CanReadAll(u) {
		return nil, csperf.Errorf(csperf.EFORBIDDEN, "your role (%s) may not read the training-needs report", u.Role)
	}
	c, err := db.cycleQ(ctx, db.r, cycleID)
	if err != nil {
		return nil, err
	}
	if c.State != scorecard.StateClosed {
		return nil, csperf.Errorf(csperf.ECONFLICT, "cycle %s is %s: the training-needs report reads closed cycles", cycleID, c.State)
	}
	comp, _, err := db.computation(ctx, cycleID)
	if err != nil {
		return nil, err
	}
	rep := scorecard.TrainingNeeds(comp)
	return &rep, nil
}

// SaveTrainingPlan stores a training plan, new or replacing one of the same
// id, with its participants (who must be employees) and any scores given.
// Audited with the plan before and after.
func (db *DB) SaveTrainingPlan(ctx context.Context, p scorecard.TrainingPlan) error {
	if _, err := db.manager(ctx, "plan training"); err != nil {
		return err
	}
	if err := p.Validate(); err != nil {
		return err
	}
	for _, pt := range p.Participants {
		var n int
		if err := db.r.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM employees WHERE employee_id = ?`), pt.EmployeeID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return csperf.FieldErrorf("participants", "no employee %q", pt.EmployeeID)
		}
	}
	after, _ := json.Marshal(p)
	return db.tx(ctx, func(tx *sql.Tx) error {
		old, err := db.trainingPlanQ(ctx, tx, p.ID)
		var before []byte
		switch {
		case err == nil:
			before, _ = json.Marshal(old)
		case csperf.ErrorCode(err) != csperf.ENOTFOUND:
			return err
		}
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM training_participants WHERE plan_id = ?`), p.ID); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO training_plans (plan_id, course, content, mode, trainer, starts_on, ends_on, horizon, targets, created_at, created_by)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (plan_id) DO UPDATE SET course = excluded.course, content = excluded.content, mode = excluded.mode, trainer = excluded.trainer,
			starts_on = excluded.starts_on, ends_on = excluded.ends_on, horizon = excluded.horizon, targets = excluded.targets`),
			p.ID, p.Course, p.Content, p.Mode, p.Trainer, db.d.arg(p.Starts), db.d.arg(p.Ends), p.Horizon, strings.Join(p.Targets, ","),
			db.d.arg(db.Now()), actorID(ctx)); err != nil {
			return fmt.Errorf("save training plan: %w", db.d.mapErr(err))
		}
		rows := make([][]any, len(p.Participants))
		for i, pt := range p.Participants {
			rows[i] = []any{p.ID, pt.EmployeeID, exactOrNil(pt.Exam), exactOrNil(pt.Practical)}
		}
		if err := db.insertRows(ctx, tx, "training_participants", []string{"plan_id", "employee_id", "exam_score", "practical_score"}, rows); err != nil {
			return err
		}
		return db.auditTx(ctx, tx, "training.plan", "training_plans/"+p.ID, string(before), string(after))
	})
}

func exactOrNil(n *scorecard.Number) any {
	if n == nil {
		return nil
	}
	return n.Exact()
}

// RecordTrainingScores records a participant's exam and practical scores
// (0–100; nil leaves one as it is). Audited.
func (db *DB) RecordTrainingScores(ctx context.Context, planID, employeeID string, exam, practical *scorecard.Number) error {
	if _, err := db.manager(ctx, "record training scores"); err != nil {
		return err
	}
	for _, x := range []*scorecard.Number{exam, practical} {
		if x != nil && (x.Sign() < 0 || x.Cmp(scorecard.Int(100)) > 0) {
			return csperf.FieldErrorf("score", "%s is outside 0–100", x.Exact())
		}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var e, p sql.NullString
		err := tx.QueryRowContext(ctx, db.q(`SELECT exam_score, practical_score FROM training_participants WHERE plan_id = ? AND employee_id = ?`), planID, employeeID).Scan(&e, &p)
		if errors.Is(err, sql.ErrNoRows) {
			return csperf.Errorf(csperf.ENOTFOUND, "employee %s is not a participant of training plan %s", employeeID, planID)
		}
		if err != nil {
			return err
		}
		ne, np := e, p
		if exam != nil {
			ne = sql.NullString{String: exam.Exact(), Valid: true}
		}
		if practical != nil {
			np = sql.NullString{String: practical.Exact(), Valid: true}
		}
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE training_participants SET exam_score = ?, practical_score = ? WHERE plan_id = ? AND employee_id = ?`),
			ne, np, planID, employeeID); err != nil {
			return err
		}
		return db.auditTx(ctx, tx, "training.score", "training_plans/"+planID+"/"+employeeID,
			"exam "+e.String+", practical "+p.String, "exam "+ne.String+", practical "+np.String)
	})
}

// TrainingPlans lists the plans by start, with participants.
func (db *DB) TrainingPlans(ctx context.Context) ([]scorecard.TrainingPlan, error) {
	ids, err := scanStrings(db.r.QueryContext(ctx, `SELECT plan_id FROM training_plans ORDER BY starts_on, plan_id`))
	if err != nil {
		return nil, err
	}
	out := make([]scorecard.TrainingPlan, 0, len(ids))
	for _, id := range ids {
		p, err := db.trainingPlanQ(ctx, db.r, id)
		if err != nil {
			return nil, err
		}
		out = append(out, *p)
	}
	return out, nil
}

// TrainingPlan returns one plan with its participants.
func (db *DB) TrainingPlan(ctx context.Context, id string) (*scorecard.TrainingPlan, error) {
	return db.trainingPlanQ(ctx, db.r, id)
}

func (db *DB) trainingPlanQ(ctx context.Context, q querier, id string) (*scorecard.TrainingPlan, error) {
	p := scorecard.TrainingPlan{ID: id, Participants: []scorecard.TrainingParticipant{}}
	var targets string
	err := q.QueryRowContext(ctx, db.q(`SELECT course, content, mode, trainer, starts_on, ends_on, horizon, targets FROM training_plans WHERE plan_id = ?`), id).
		Scan(&p.Course, &p.Content, &p.Mode, &p.Trainer, &p.Starts, &p.Ends, &p.Horizon, &targets)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, csperf.Errorf(csperf.ENOTFOUND, "no training plan %q", id)
	}
	if err != nil {
		return nil, err
	}
	p.Targets = []string{}
	if targets != "" {
		p.Targets = strings.Split(targets, ",")
	}
	rows, err := q.QueryContext(ctx, db.q(`SELECT employee_id, exam_score, practical_score FROM training_participants WHERE plan_id = ? ORDER BY employee_id`), id)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var pt scorecard.TrainingParticipant
		var e, pr sql.NullString
		if err := rows.Scan(&pt.EmployeeID, &e, &pr); err != nil {
			return nil, err
		}
		for _, x := range []struct {
			s   sql.NullString
			dst **scorecard.Number
		}{{e, &pt.Exam}, {pr, &pt.Practical}} {
			if x.s.Valid {
				n, err := scorecard.ParseNumber(x.s.String)
				if err != nil {
					return nil, err
				}
				*x.dst = &n
			}
		}
		p.Participants = append(p.Participants, pt)
	}
	return &p, rows.Err()
}

// CourseEffect compares each participant's points on the plan's targets in
// the cycle before the course with the cycle after it: the latest signed-off
// cycle with their result that ended before the course started, and the
// earliest one of the same kind that started after the course ended.
func (db *DB) CourseEffect(ctx context.Context, planID string) (*scorecard.CourseEffect, error) {
	p, err := db.TrainingPlan(ctx, planID)
	if err != nil {
		return nil, err
	}
	before, after := map[string]scorecard.CycleResult{}, map[string]scorecard.CycleResult{}
	for _, pt := range p.Participants {
		type hit struct {
			id, kind   string
			start, end csperf.Date
			expl       string
		}
		rows, err := db.r.QueryContext(ctx, db.q(`SELECT c.cycle_id, c.kind, c.period_start, c.period_end, r.explanation
			FROM cycles c JOIN cycle_results r ON r.cycle_id = c.cycle_id
			WHERE r.employee_id = ? AND c.state IN (?, ?) ORDER BY c.period_start, c.period_end, c.cycle_id`),
			pt.EmployeeID, scorecard.StateReviewed, scorecard.StateClosed)
		if err != nil {
			return nil, fmt.Errorf("course effect: %w", err)
		}
		var hits []hit
		for rows.Next() {
			var h hit
			if err := rows.Scan(&h.id, &h.kind, &h.start, &h.end, &h.expl); err != nil {
				rows.Close()
				return nil, err
			}
			hits = append(hits, h)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
		var b, a *hit
		for i := range hits {
			h := &hits[i]
			if h.end < p.Starts && (b == nil || h.end > b.end || h.end == b.end && h.start > b.start) {
				b = h
			}
		}
		for i := range hits {
			h := &hits[i]
			if h.start > p.Ends && (b == nil || h.kind == b.kind) && (a == nil || h.start < a.start || h.start == a.start && h.end < a.end) {
				a = h
			}
		}
		for _, x := range []struct {
			h   *hit
			dst map[string]scorecard.CycleResult
		}{{b, before}, {a, after}} {
			if x.h == nil {
				continue
			}
			r, err := scorecard.ParseResult([]byte(x.h.expl))
			if err != nil {
				return nil, err
			}
			x.dst[pt.EmployeeID] = scorecard.CycleResult{CycleID: x.h.id, Result: r}
		}
	}
	ce := scorecard.Effect(p, before, after)
	return &ce, nil
}
