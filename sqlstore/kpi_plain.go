package sqlstore

import (
	"context"
	"fmt"

	"csperf/kpi"
)

// PlainKPISums computes the roll-up KPIs' numerators and denominators for
// period p straight from the raw events, by employee and by group (the
// employee's group on the event's day), the way a report without roll-ups
// would: one aggregate query per event kind and level.
//
// A membership test over another table is written as a correlated EXISTS,
// which both engines answer from an index: PostgreSQL runs "x IN (SELECT
// …)" inside an aggregate's CASE as a subplan that rescans the other table
// for every row once its ids outgrow work_mem (minutes for a month of 10
// million calls), which no user would wait for.
//
// It is here only to measure csperf's roll-ups against (csperf bench kpi,
// BenchmarkKPI); reports never use it. Each query's rows are read to the
// end, as a report would.
func (db *DB) PlainKPISums(ctx context.Context, p kpi.Period) error {
	pg := db.d.engine == postgres
	secs := func(a, z string) string {
		if pg {
			return "EXTRACT(EPOCH FROM " + z + " - " + a + ")"
		}
		return "(julianday(" + z + ") - julianday(" + a + ")) * 86400"
	}
	day := func(col string) string {
		if pg {
			return "CAST(" + col + " AT TIME ZONE 'Asia/Shanghai' AS DATE)"
		}
		return "date(" + col + ", '+8 hours')"
	}
	tru := "1"
	if pg {
		tru = "TRUE"
	}
	lo, hi := p.Start.Time(db.Loc).UTC(), (p.End + 1).Time(db.Loc).UTC()
	loArg, hiArg := any(lo.Format("2006-01-02T15:04:05Z")), any(hi.Format("2006-01-02T15:04:05Z"))
	if pg {
		loArg, hiArg = lo, hi
	}
	type kindSQL struct {
		table, emp, date, cols string
		timed                  bool
	}
	c := func(cond string) string { return "SUM(CASE WHEN " + cond + " THEN 1 ELSE 0 END)" }
	kinds := []kindSQL{
		{"calls", "agent_id", "queued_at", c("direction = 'in'") + ", " + c("direction = 'in' AND abandoned = "+tru) + ", " +
			c("direction = 'in' AND COALESCE(abandoned, "+tru+") <> "+tru+" AND resolved_first_contact = "+tru) + ", " +
			"SUM(CASE WHEN direction = 'in' AND answered_at IS NOT NULL THEN " + secs("queued_at", "answered_at") + " END), " +
			c("direction = 'in' AND answered_at IS NOT NULL AND "+secs("queued_at", "answered_at")+" <= 20") + ", " +
			"SUM(hold_seconds), SUM(COALESCE(talk_seconds, 0) + COALESCE(hold_seconds, 0)), " +
			c("direction = 'out' AND effective = "+tru) + ", " + c("direction = 'out'") + ", " +
			c("direction = 'in' AND EXISTS (SELECT 1 FROM qa_evaluations q WHERE q.call_id = t.call_id)"), true},
		{"visits", "advisor_id", "visit_date", "COUNT(*)", false},
		{"surveys", "employee_id", "answered_at", c("overall >= '4'") + ", " + c("overall IS NOT NULL") + ", SUM(CAST(overall AS INTEGER))", true},
		{"complaints", "employee_id", "opened_at", "COUNT(*)", true},
		{"complaints", "employee_id", "closed_at", c("escalated = "+tru) + ", " + c("resolved = "+tru) + ", " + c("escalated_to = 'manager'") + ", " +
			c(secs("opened_at", "closed_at")+" <= CASE class WHEN '1' THEN 86400 WHEN '2' THEN 172800 ELSE 259200 END") + ", COUNT(*)", true},
		{"service_requests", "employee_id", "opened_at", "COUNT(*), SUM(" + secs("opened_at", "first_response_at") + "), " + c(secs("opened_at", "resolved_at")+" <= 172800"), true},
		{"return_visits", "specialist_id", "done_date", c("satisfaction IN ('good', 'fairly_good')") + ", COUNT(*), " + c("satisfaction IS NOT NULL"), false},
		{"return_visit_plans", "specialist_id", "planned_date", "COUNT(*), " + c("EXISTS (SELECT 1 FROM return_visits r WHERE r.plan_id = t.plan_id)"), false},
		{"orders", "employee_id", "ordered_at", "COUNT(*), " + c("returned = "+tru) + ", " + c("cancelled_for_complaint = "+tru) + ", " + c("quote_price > 0"), true},
		{"contracts", "employee_id", "expiry_date", "COUNT(*), " + c("renewed = "+tru) + ", " + c("contacted_at IS NOT NULL"), false},
		{"promises", "employee_id", "due_date", "COUNT(*), " + c("kept = "+tru), false},
	}
	for _, k := range kinds {
		args := []any{db.d.arg(p.Start), db.d.arg(p.End)}
		where := "t." + k.date + " >= ? AND t." + k.date + " <= ?"
		d := "t." + k.date
		if k.timed {
			args = []any{loArg, hiArg}
			where = "t." + k.date + " >= ? AND t." + k.date + " < ?"
			d = day("t." + k.date)
		}
		for _, q := range []string{
			"SELECT t." + k.emp + ", " + k.cols + " FROM " + k.table + " t WHERE " + where + " GROUP BY t." + k.emp,
			"SELECT m.group_id, " + k.cols + " FROM " + k.table + " t LEFT JOIN memberships m ON m.employee_id = t." + k.emp +
				" AND m.from_date <= " + d + " AND (m.to_date IS NULL OR m.to_date >= " + d + ") WHERE " + where + " GROUP BY m.group_id",
		} {
			if err := db.drain(ctx, q, args...); err != nil {
				return fmt.Errorf("plain KPI sums: %w", err)
			}
		}
	}
	return nil
}

// drain runs a read query and reads every row.
func (db *DB) drain(ctx context.Context, q string, args ...any) error {
	rows, err := db.r.QueryContext(ctx, db.q(q), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return err
	}
	vals := make([]any, len(cols))
	dest := make([]any, len(cols))
	for i := range vals {
		dest[i] = &vals[i]
	}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
	}
	return rows.Err()
}
