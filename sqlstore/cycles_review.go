package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"csperf"
	"csperf/scorecard"
)

// ratingsQ reads a cycle's ratings by employee, item and source.
func (db *DB) ratingsQ(ctx context.Context, q querier, id string) ([]scorecard.Rating, error) {
	rows, err := q.QueryContext(ctx, db.q(`SELECT employee_id, item_id, source, points, rated_by, rated_at FROM cycle_ratings
		WHERE cycle_id = ? ORDER BY employee_id, item_id, source`), id)
	if err != nil {
		return nil, fmt.Errorf("cycle ratings: %w", err)
	}
	defer rows.Close()
	var out []scorecard.Rating
	for rows.Next() {
		var r scorecard.Rating
		var pts string
		var at any
		if err := rows.Scan(&r.EmployeeID, &r.Item, &r.Source, &pts, &r.RatedBy, &at); err != nil {
			return nil, err
		}
		if r.Points, err = scorecard.ParseNumber(pts); err != nil {
			return nil, fmt.Errorf("rating %s/%s/%s: %w", r.EmployeeID, r.Item, r.Source, err)
		}
		if r.RatedAt, err = scanTime(at); err != nil {
			return nil, err
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

// CycleRatings returns a cycle's ratings.
func (db *DB) CycleRatings(ctx context.Context, id string) ([]scorecard.Rating, error) {
	if _, err := db.cycleQ(ctx, db.r, id); err != nil {
		return nil, err
	}
	return db.ratingsQ(ctx, db.r, id)
}

// SetRatings enters or changes self and supervisor ratings of a cycle that
// is not closed, all or none: each names a member, an item of the member's
// template and a source that template weighs, with 0–100 points, and the
// acting user must be allowed to give it (scorecard.CanRate). A batch with
// a rating the user may not give is refused with a *csperf.PermissionError
// naming each such rating (forbidden), one with only invalid ratings with
// an invalid-input error listing them. A change
// after the computation sends the cycle back to "ratings collected": the
// results must be computed and signed off again. Audited with every rating
// changed, before and after. It returns how many ratings changed.
func (db *DB) SetRatings(ctx context.Context, id string, rs []scorecard.Rating) (int, error) {
	u, err := db.cycleUser(ctx)
	if err != nil {
		return 0, err
	}
	c, err := db.cycleQ(ctx, db.r, id)
	if err != nil {
		return 0, err
	}
	if c.State == scorecard.StateClosed {
		return 0, closedErr(c)
	}
	members, err := db.members(ctx, c)
	if err != nil {
		return 0, err
	}
	byID := map[string]scorecard.Employee{}
	for _, m := range members {
		byID[m.ID] = m
	}
	var problems []string
	var refused []csperf.Refusal
	seen := map[scorecard.RatingKey]string{}
	for i, r := range rs {
		where := fmt.Sprintf("rating %d (%s/%s/%s)", i+1, r.EmployeeID, r.Item, r.Source)
		bad := func(format string, args ...any) { problems = append(problems, where+": "+fmt.Sprintf(format, args...)) }
		if r.Source != scorecard.SourceSelf && r.Source != scorecard.SourceSupervisor {
			bad("source must be self or supervisor, not %q", r.Source)
			continue
		}
		m, ok := byID[r.EmployeeID]
		// Permission and scope first, so that a user who may not give a
		// rating learns nothing of the cycle's members and templates.
		if u != nil && !scorecard.CanRate(u, r.Source, r.EmployeeID, m.GroupID) {
			reason := fmt.Sprintf("user %s (%s) may not give this rating", u.Username, u.Role)
			bad("%s", reason)
			refused = append(refused, csperf.Refusal{Index: i + 1, EmployeeID: r.EmployeeID, Item: r.Item, Source: r.Source, Reason: reason})
			continue
		}
		if !ok {
			bad("employee %q is not a member of cycle %s", r.EmployeeID, id)
			continue
		}
		t := c.Setup.TemplateFor(m.Position)
		if t == nil {
			bad("position %s has no template in cycle %s", m.Position, id)
			continue
		}
		if !slices.Contains(t.ItemIDs(), r.Item) {
			bad("template %s has no item %q (items: %s)", t.ID, r.Item, strings.Join(t.ItemIDs(), ", "))
			continue
		}
		if t.Sources.Of(r.Source).Sign() == 0 {
			bad("template %s gives %s ratings no weight", t.ID, r.Source)
			continue
		}
		if r.Points.Sign() < 0 || r.Points.Cmp(scorecard.Int(100)) > 0 {
			bad("%s points is outside 0–100", r.Points.Exact())
			continue
		}
		k := scorecard.RatingKey{Item: r.EmployeeID + "\x00" + r.Item, Source: r.Source}
		if prev, dup := seen[k]; dup && prev != r.Points.Exact() {
			bad("given twice with different points")
			continue
		}
		seen[k] = r.Points.Exact()
	}
	if len(problems) > 0 {
		if len(problems) > 20 {
			problems = append(problems[:20], fmt.Sprintf("… and %d more", len(problems)-20))
		}
		msg := "no rating was saved:\n" + strings.Join(problems, "\n")
		if len(refused) > 0 {
			return 0, &csperf.PermissionError{Message: msg, Refused: refused}
		}
		return 0, csperf.Errorf(csperf.EINVALID, "%s", msg)
	}
	changed := 0
	err = db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := db.cycleQ(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.State == scorecard.StateClosed {
			return closedErr(cur)
		}
		old, err := db.ratingsQ(ctx, tx, id)
		if err != nil {
			return err
		}
		was := map[[3]string]string{}
		for _, r := range old {
			was[[3]string{r.EmployeeID, r.Item, r.Source}] = r.Points.Exact()
		}
		var before, after []string
		now := db.d.arg(db.Now())
		for _, r := range rs {
			k := [3]string{r.EmployeeID, r.Item, r.Source}
			p := r.Points.Exact()
			if o, ok := was[k]; ok && o == p {
				continue
			}
			if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO cycle_ratings (cycle_id, employee_id, item_id, source, points, rated_by, rated_at) VALUES (?, ?, ?, ?, ?, ?, ?)
				ON CONFLICT (cycle_id, employee_id, item_id, source) DO UPDATE SET points = excluded.points, rated_by = excluded.rated_by, rated_at = excluded.rated_at`),
				id, r.EmployeeID, r.Item, r.Source, p, actorID(ctx), now); err != nil {
				return fmt.Errorf("save rating: %w", db.d.mapErr(err))
			}
			label := strings.Join(k[:], "/")
			if o, ok := was[k]; ok {
				before = append(before, label+"="+o)
			}
			after = append(after, label+"="+p)
			was[k] = p
			changed++
		}
		if changed == 0 {
			return nil
		}
		if cur.State == scorecard.StateComputed || cur.State == scorecard.StateReviewed {
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE cycles SET state = ?, approved_at = NULL, approved_by = NULL WHERE cycle_id = ?`), scorecard.StateRated, id); err != nil {
				return db.d.mapErr(err)
			}
		}
		return db.auditTx(ctx, tx, "cycle.rate", "cycles/"+id, strings.Join(before, "\n"), strings.Join(after, "\n"))
	})
	return changed, err
}

// ClearRating removes one self or supervisor rating of a cycle that is
// not closed, which makes it a missing input again; the acting user must
// be allowed to give that rating (scorecard.CanRate). As with SetRatings,
// a change after the computation sends the cycle back to "ratings
// collected". Audited with the points before.
func (db *DB) ClearRating(ctx context.Context, id, employeeID, item, source string) error {
	u, err := db.cycleUser(ctx)
	if err != nil {
		return err
	}
	c, err := db.cycleQ(ctx, db.r, id)
	if err != nil {
		return err
	}
	if c.State == scorecard.StateClosed {
		return closedErr(c)
	}
	if u != nil {
		members, err := db.members(ctx, c)
		if err != nil {
			return err
		}
		group := ""
		if i := slices.IndexFunc(members, func(m scorecard.Employee) bool { return m.ID == employeeID }); i >= 0 {
			group = members[i].GroupID
		}
		if !scorecard.CanRate(u, source, employeeID, group) {
			return csperf.Errorf(csperf.EFORBIDDEN, "user %s (%s) may not change the %s rating of %s", u.Username, u.Role, source, employeeID)
		}
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		cur, err := db.cycleQ(ctx, tx, id)
		if err != nil {
			return err
		}
		if cur.State == scorecard.StateClosed {
			return closedErr(cur)
		}
		var pts string
		err = tx.QueryRowContext(ctx, db.q(`SELECT points FROM cycle_ratings WHERE cycle_id = ? AND employee_id = ? AND item_id = ? AND source = ?`),
			id, employeeID, item, source).Scan(&pts)
		if errors.Is(err, sql.ErrNoRows) {
			return csperf.Errorf(csperf.ENOTFOUND, "cycle %s has no %s rating of %s for item %s", id, source, employeeID, item)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM cycle_ratings WHERE cycle_id = ? AND employee_id = ? AND item_id = ? AND source = ?`),
			id, employeeID, item, source); err != nil {
			return fmt.Errorf("clear rating: %w", db.d.mapErr(err))
		}
		if cur.State == scorecard.StateComputed || cur.State == scorecard.StateReviewed {
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE cycles SET state = ?, approved_at = NULL, approved_by = NULL WHERE cycle_id = ?`), scorecard.StateRated, id); err != nil {
				return db.d.mapErr(err)
			}
		}
		return db.auditTx(ctx, tx, "cycle.rate", "cycles/"+id, employeeID+"/"+item+"/"+source+"="+pts, "")
	})
}

// RatingGaps lists the ratings the cycle's templates ask of its members
// that are not entered: they are missing inputs when the cycle is computed.
func (db *DB) RatingGaps(ctx context.Context, id string) ([]scorecard.RatingGap, error) {
	c, err := db.cycleQ(ctx, db.r, id)
	if err != nil {
		return nil, err
	}
	members, err := db.members(ctx, c)
	if err != nil {
		return nil, err
	}
	rs, err := db.ratingsQ(ctx, db.r, id)
	if err != nil {
		return nil, err
	}
	have := map[[3]string]bool{}
	for _, r := range rs {
		have[[3]string{r.EmployeeID, r.Item, r.Source}] = true
	}
	var out []scorecard.RatingGap
	for _, m := range members {
		t := c.Setup.TemplateFor(m.Position)
		if t == nil {
			continue
		}
		for _, item := range t.ItemIDs() {
			for _, src := range scorecard.RatedSources {
				if t.Sources.Of(src).Sign() > 0 && !have[[3]string{m.ID, item, src}] {
					out = append(out, scorecard.RatingGap{EmployeeID: m.ID, Item: item, Source: src})
				}
			}
		}
	}
	return out, nil
}

// MarkRatingsCollected moves an open cycle to "ratings collected" and
// returns the ratings still missing (they stay missing inputs, under the
// cycle's missing-input rule). Audited.
func (db *DB) MarkRatingsCollected(ctx context.Context, id string) ([]scorecard.RatingGap, error) {
	if _, err := db.manager(ctx, "manage cycles"); err != nil {
		return nil, err
	}
	gaps, err := db.RatingGaps(ctx, id)
	if err != nil {
		return nil, err
	}
	return gaps, db.transition(ctx, id, "cycle.rated", []string{scorecard.StateOpen}, scorecard.StateRated,
		fmt.Sprintf("%d ratings missing", len(gaps)), "")
}

// transition moves a cycle from one of the states from to state to in one
// UPDATE, with the extra SET clause, and audits it.
func (db *DB) transition(ctx context.Context, id, action string, from []string, to, note, set string, args ...any) error {
	return db.tx(ctx, func(tx *sql.Tx) error {
		c, err := db.cycleQ(ctx, tx, id)
		if err != nil {
			return err
		}
		if !slices.Contains(from, c.State) {
			if c.State == scorecard.StateClosed {
				return closedErr(c)
			}
			return csperf.Errorf(csperf.ECONFLICT, "cycle %s is %s: this needs it %s", id, c.State, strings.Join(from, " or "))
		}
		q := `UPDATE cycles SET state = ?` + set + ` WHERE cycle_id = ? AND state = ?`
		all := append(append([]any{to}, args...), id, c.State)
		res, err := tx.ExecContext(ctx, db.q(q), all...)
		if err != nil {
			return db.d.mapErr(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return csperf.Errorf(csperf.ECONFLICT, "cycle %s changed meanwhile", id)
		}
		return db.auditTx(ctx, tx, action, "cycles/"+id, c.State+" "+c.SHA256, strings.TrimSpace(to+" "+c.SHA256+" "+note))
	})
}

// ApproveCycle signs a computed cycle's results off (maker-checker): the
// acting user must be a signed-in user with the approve permission other
// than the maker who computed them. The results then take effect (payroll,
// promotion, raises). Audited.
func (db *DB) ApproveCycle(ctx context.Context, id string) error {
	u, err := db.cycleUser(ctx)
	if err != nil {
		return err
	}
	if u == nil {
		return csperf.Errorf(csperf.EFORBIDDEN, "results are signed off by a named user with the approve permission (--as USER), not by the operator")
	}
	if !scorecard.CanApprove(u.Role) {
		return csperf.Errorf(csperf.EFORBIDDEN, "your role (%s) may not sign results off", u.Role)
	}
	c, err := db.cycleQ(ctx, db.r, id)
	if err != nil {
		return err
	}
	if c.State == scorecard.StateClosed {
		return closedErr(c)
	}
	if c.ComputedBy == u.ID {
		return csperf.Errorf(csperf.EFORBIDDEN, "%s computed these results: a second user must sign them off (maker-checker)", u.Username)
	}
	return db.transition(ctx, id, "cycle.approve", []string{scorecard.StateComputed}, scorecard.StateReviewed,
		"maker "+c.ComputedBy+", checker "+u.ID, `, approved_at = ?, approved_by = ?`, db.d.arg(db.Now()), u.ID)
}

// FileObjection records an employee's objection to their result in a
// computed or reviewed cycle. The employee themself files it, or a manager
// on their behalf. Audited.
func (db *DB) FileObjection(ctx context.Context, id, employeeID, text string) (*scorecard.Objection, error) {
	u, err := db.cycleUser(ctx)
	if err != nil {
		return nil, err
	}
	if u != nil && !scorecard.CanObject(u, employeeID) {
		return nil, csperf.Errorf(csperf.EFORBIDDEN, "only employee %s (or a manager) may object to their result", employeeID)
	}
	text = strings.TrimSpace(text)
	if text == "" || utf8.RuneCountInString(text) > 4000 {
		return nil, csperf.FieldErrorf("text", "say what the objection is (at most 4,000 characters)")
	}
	var o *scorecard.Objection
	err = db.tx(ctx, func(tx *sql.Tx) error {
		c, err := db.cycleQ(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.State == scorecard.StateClosed {
			return closedErr(c)
		}
		if c.State != scorecard.StateComputed && c.State != scorecard.StateReviewed {
			return csperf.Errorf(csperf.ECONFLICT, "cycle %s is %s: objections are filed against computed results", id, c.State)
		}
		var n int
		if err := tx.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM cycle_results WHERE cycle_id = ? AND employee_id = ?`), id, employeeID).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			return csperf.Errorf(csperf.ENOTFOUND, "cycle %s has no result for employee %s", id, employeeID)
		}
		o = &scorecard.Objection{CycleID: id, EmployeeID: employeeID, Text: text, FiledBy: actorID(ctx), FiledAt: db.Now().UTC().Truncate(1e9)}
		if err := tx.QueryRowContext(ctx, db.q(`INSERT INTO cycle_objections (cycle_id, employee_id, text, filed_by, filed_at) VALUES (?, ?, ?, ?, ?) RETURNING objection_id`),
			id, employeeID, text, o.FiledBy, db.d.arg(o.FiledAt)).Scan(&o.ID); err != nil {
			return fmt.Errorf("file objection: %w", db.d.mapErr(err))
		}
		return db.auditTx(ctx, tx, "cycle.object", fmt.Sprintf("cycles/%s/objections/%d", id, o.ID), "", employeeID+": "+text)
	})
	return o, err
}

// AnswerObjection records the reviewer's answer to an objection (a user
// who manages or signs off cycles, or the operator). An answer may be
// replaced until the cycle closes. Audited.
func (db *DB) AnswerObjection(ctx context.Context, id string, objectionID int64, answer string) error {
	u, err := db.cycleUser(ctx)
	if err != nil {
		return err
	}
	if u != nil && !scorecard.CanManage(u.Role) && !scorecard.CanApprove(u.Role) {
		return csperf.Errorf(csperf.EFORBIDDEN, "your role (%s) may not answer objections", u.Role)
	}
	answer = strings.TrimSpace(answer)
	if answer == "" {
		return csperf.FieldErrorf("answer", "give an answer")
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		c, err := db.cycleQ(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.State == scorecard.StateClosed {
			return closedErr(c)
		}
		var old sql.NullString
		err = tx.QueryRowContext(ctx, db.q(`SELECT answer FROM cycle_objections WHERE cycle_id = ? AND objection_id = ?`), id, objectionID).Scan(&old)
		if errors.Is(err, sql.ErrNoRows) {
			return csperf.Errorf(csperf.ENOTFOUND, "cycle %s has no objection %d", id, objectionID)
		}
		if err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE cycle_objections SET answer = ?, answered_by = ?, answered_at = ? WHERE objection_id = ?`),
			answer, actorID(ctx), db.d.arg(db.Now()), objectionID); err != nil {
			return db.d.mapErr(err)
		}
		return db.auditTx(ctx, tx, "cycle.answer", fmt.Sprintf("cycles/%s/objections/%d", id, objectionID), old.String, answer)
	})
}

// Objections lists a cycle's objections in the order they were filed.
func (db *DB) Objections(ctx context.Context, id string) ([]scorecard.Objection, error) {
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT objection_id, employee_id, text, filed_by, filed_at, answer, answered_by, answered_at
		FROM cycle_objections WHERE cycle_id = ? ORDER BY objection_id`), id)
	if err != nil {
		return nil, fmt.Errorf("objections: %w", err)
	}
	defer rows.Close()
	var out []scorecard.Objection
	for rows.Next() {
		o := scorecard.Objection{CycleID: id}
		var filed, answered any
		var answer, by sql.NullString
		if err := rows.Scan(&o.ID, &o.EmployeeID, &o.Text, &o.FiledBy, &filed, &answer, &by, &answered); err != nil {
			return nil, err
		}
		o.Answer, o.AnsweredBy = answer.String, by.String
		if o.FiledAt, err = scanTime(filed); err != nil {
			return nil, err
		}
		if answered != nil {
			t, err := scanTime(answered)
			if err != nil {
				return nil, err
			}
			o.AnsweredAt = &t
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// CloseCycle closes a reviewed cycle whose objections are all answered,
// after checking that its stored inputs still give its stored results byte
// for byte. From then on its inputs and results refuse every change, by
// every path, direct SQL included (database triggers). Audited with the
// results' SHA-256.
func (db *DB) CloseCycle(ctx context.Context, id string) error {
	if _, err := db.manager(ctx, "close cycles"); err != nil {
		return err
	}
	var open int
	if err := db.r.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM cycle_objections WHERE cycle_id = ? AND answer IS NULL`), id).Scan(&open); err != nil {
		return err
	}
	if open > 0 {
		return csperf.Errorf(csperf.ECONFLICT, "cycle %s has %d unanswered objections: answer them before closing", id, open)
	}
	sum, ok, err := db.VerifyCycle(ctx, id)
	if err != nil {
		return err
	}
	if !ok {
		return csperf.Errorf(csperf.ECONFLICT, "cycle %s: its stored inputs no longer give its stored results (%s): compute it again", id, sum)
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM cycle_objections WHERE cycle_id = ? AND answer IS NULL`), id).Scan(&n); err != nil {
			return err
		}
		if n > 0 {
			return csperf.Errorf(csperf.ECONFLICT, "cycle %s has %d unanswered objections: answer them before closing", id, n)
		}
		c, err := db.cycleQ(ctx, tx, id)
		if err != nil {
			return err
		}
		if c.State != scorecard.StateReviewed {
			if c.State == scorecard.StateClosed {
				return csperf.Errorf(csperf.ECONFLICT, "cycle %s is closed already", id)
			}
			return csperf.Errorf(csperf.ECONFLICT, "cycle %s is %s: only signed-off (reviewed) results can be closed", id, c.State)
		}
		if c.SHA256 != sum {
			return csperf.Errorf(csperf.ECONFLICT, "cycle %s was recomputed meanwhile", id)
		}
		res, err := tx.ExecContext(ctx, db.q(`UPDATE cycles SET state = ?, closed_at = ?, closed_by = ? WHERE cycle_id = ? AND state = ?`),
			scorecard.StateClosed, db.d.arg(db.Now()), actorID(ctx), id, scorecard.StateReviewed)
		if err != nil {
			return db.d.mapErr(err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return csperf.Errorf(csperf.ECONFLICT, "cycle %s changed meanwhile", id)
		}
		return db.auditTx(ctx, tx, "cycle.close", "cycles/"+id, scorecard.StateReviewed+" "+sum, scorecard.StateClosed+" "+sum)
	})
}

// ReopenCycle reopens a closed cycle: only a signed-in admin may, with a
// reason. The cycle is open again, its sign-off lapses, and its inputs and
// results can change until it is computed, signed off and closed again.
// Audited with the results' SHA-256 and the reason.
func (db *DB) ReopenCycle(ctx context.Context, id, reason string) error {
	u, err := db.cycleUser(ctx)
	if err != nil {
		return err
	}
	if u == nil || !scorecard.CanReopen(u.Role) {
		return csperf.Errorf(csperf.EFORBIDDEN, "only an admin (a signed-in user, --as USER) may reopen a closed cycle")
	}
	reason = strings.TrimSpace(reason)
	if utf8.RuneCountInString(reason) < 4 {
		return csperf.FieldErrorf("reason", "say why the cycle is reopened")
	}
	return db.transition(ctx, id, "cycle.reopen", []string{scorecard.StateClosed}, scorecard.StateOpen, "reason: "+reason,
		`, reopen_count = reopen_count + 1, reopen_reason = ?, approved_at = NULL, approved_by = NULL, closed_at = NULL, closed_by = NULL`, reason)
}

// CycleMembers returns who a cycle assesses: as stored once it is closed,
// as the organisation is now otherwise (what the next computation takes).
func (db *DB) CycleMembers(ctx context.Context, id string) ([]scorecard.Employee, error) {
	c, err := db.cycleQ(ctx, db.r, id)
	if err != nil {
		return nil, err
	}
	return db.members(ctx, c)
}

// members returns who a cycle assesses: as stored when it is closed, as
// the organisation is now otherwise (what the next computation will take).
func (db *DB) members(ctx context.Context, c *scorecard.Cycle) ([]scorecard.Employee, error) {
	if c.State == scorecard.StateClosed {
		return db.storedMembers(ctx, db.r, c.ID)
	}
	return db.cycleMembers(ctx, db.r, c.Setup)
}
