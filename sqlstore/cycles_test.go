package sqlstore_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"csperf"
	"csperf/kpi"
	"csperf/scorecard"
	"csperf/sqlstore"
)

// enginesDSN is engines, also giving the database's DSN so that a test can
// open a connection of its own and write SQL past the store.
func enginesDSN(t *testing.T, fn func(t *testing.T, db *sqlstore.DB, driver, dsn string)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		path := filepath.Join(t.TempDir(), "test.db")
		fn(t, openTest(t, "sqlite:"+path), "sqlite", "file:"+path+"?_pragma=busy_timeout(10000)&_pragma=foreign_keys(ON)")
	})
	if url := os.Getenv("CSPERF_TEST_POSTGRES_URL"); url != "" {
		t.Run("postgres", func(t *testing.T) {
			dsn := freshPostgres(t, url)
			fn(t, openTest(t, dsn), "pgx", dsn)
		})
	}
}

func as(ctx context.Context, user string) context.Context {
	return csperf.WithActor(ctx, csperf.Actor{UserID: user})
}

func at(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

func yuan(s string) csperf.Money {
	m, err := csperf.ParseMoney(s)
	if err != nil {
		panic(err)
	}
	return m
}

// seedCycleOrg imports a small after-sales department with events of 2015
// whose KPI values are easy to check by hand (see TestCycleLifecycle), and
// the users who take part in a cycle.
func seedCycleOrg(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	ctx := context.Background()
	mustImport(t, db, "groups", csperf.Record{"group_id": "G1", "name": "一组", "department_id": "main"})
	mustImport(t, db, "employees",
		csperf.Record{"employee_id": "A1", "name": "张三", "position": "agent", "group_id": "G1", "bonus_base": yuan("1234.57"), "hire_date": d("2013-05-01")},
		csperf.Record{"employee_id": "A2", "name": "李四", "position": "agent", "group_id": "G1", "bonus_base": yuan("1000")},
		csperf.Record{"employee_id": "S1", "name": "王五", "position": "service_advisor", "group_id": "G1"},
		csperf.Record{"employee_id": "M1", "name": "赵六", "position": "cs_manager"},
		csperf.Record{"employee_id": "L1", "name": "钱七", "position": "agent", "group_id": "G1", "leave_date": d("2014-12-31")})
	var surveys, calls []csperf.Record
	survey := func(emp string, i, overall int) {
		surveys = append(surveys, csperf.Record{"survey_id": fmt.Sprintf("SV-%s-%02d", emp, i), "employee_id": emp,
			"answered_at": at("2015-03-10T04:00:00Z").Add(time.Duration(i) * time.Hour), "overall": fmt.Sprint(overall)})
	}
	for i := 0; i < 10; i++ {
		survey("A1", i, map[bool]int{true: 2, false: 5}[i == 9]) // 9 of 10 ≥ 4: 90%
		survey("S1", i, 5)                                       // 100%
	}
	for i := 0; i < 4; i++ {
		survey("A2", i, map[bool]int{true: 3, false: 4}[i == 3]) // 3 of 4: 75%
	}
	call := func(emp string, i int, fcr bool) {
		q := at("2015-05-06T01:00:00Z").Add(time.Duration(i) * time.Hour)
		calls = append(calls, csperf.Record{"call_id": fmt.Sprintf("C-%s-%02d", emp, i), "agent_id": emp, "direction": "in",
			"queued_at": q, "answered_at": q.Add(10 * time.Second), "abandoned": false, "resolved_first_contact": fcr})
	}
	for i := 0; i < 19; i++ {
		call("A1", i, false)
	}
	mustImport(t, db, "surveys", surveys...)
	mustImport(t, db, "calls", calls...)
	requests := []csperf.Record{{"request_id": "R1", "employee_id": "A1", "opened_at": at("2015-06-01T00:00:00Z"), "first_response_at": at("2015-06-02T06:00:00Z")}} // A1: 30 h
	// S1: first responses after 24 h; 31 of 40 resolved within 48 h.
	for i := 0; i < 40; i++ {
		o := at("2015-06-01T00:00:00Z").Add(time.Duration(i) * time.Hour)
		r := csperf.Record{"request_id": fmt.Sprintf("RS%02d", i), "employee_id": "S1", "opened_at": o, "first_response_at": o.Add(24 * time.Hour), "resolved_at": o.Add(47 * time.Hour)}
		if i >= 31 {
			r["resolved_at"] = o.Add(73 * time.Hour)
		}
		requests = append(requests, r)
	}
	mustImport(t, db, "service_requests", requests...)
	mustImport(t, db, "complaints", csperf.Record{"complaint_id": "K1", "employee_id": "A1", "class": "3", "opened_at": at("2015-07-01T03:00:00Z")}) // 1 / (19 + 1)
	for _, u := range []csperf.User{
		{Username: "maker", Role: csperf.RoleManager}, {Username: "checker", Role: csperf.RoleHR}, {Username: "root", Role: csperf.RoleAdmin},
		{Username: "zhang", Role: csperf.RoleAgent, EmployeeID: "A1"}, {Username: "lead", Role: csperf.RoleSupervisor, GroupIDs: []string{"G1"}},
	} {
		u.PasswordHash = "x"
		if err := db.CreateUser(ctx, &u); err != nil {
			t.Fatal(err)
		}
	}
}

func rating(emp, item, src, pts string) scorecard.Rating {
	n, err := scorecard.ParseNumber(pts)
	if err != nil {
		panic(err)
	}
	return scorecard.Rating{EmployeeID: emp, Item: item, Source: src, Points: n}
}

// cycleRatings: A1 as in scorecard's TestScoreByHand; A2 with gaps; S1 all
// 100 on the KPI items, teamwork self 50 and supervisor 75.
func cycleRatings() []scorecard.Rating {
	return []scorecard.Rating{
		rating("A1", "csat", "self", "90"), rating("A1", "csat", "supervisor", "80"),
		rating("A1", "complaint_rate", "self", "80"), rating("A1", "complaint_rate", "supervisor", "70"),
		rating("A1", "first_response", "self", "70"), rating("A1", "first_response", "supervisor", "60"),
		rating("A2", "csat", "self", "80"), rating("A2", "csat", "supervisor", "70"),
		rating("A2", "complaint_rate", "supervisor", "60"), rating("A2", "first_response", "self", "90"),
		rating("S1", "response_speed", "self", "100"), rating("S1", "response_speed", "supervisor", "100"),
		rating("S1", "resolution", "self", "100"), rating("S1", "resolution", "supervisor", "100"),
		rating("S1", "satisfaction", "self", "100"), rating("S1", "satisfaction", "supervisor", "100"),
		rating("S1", "teamwork", "self", "50"), rating("S1", "teamwork", "supervisor", "75"),
	}
}

func wantCode(t *testing.T, err error, code, msg string) {
	t.Helper()
	if csperf.ErrorCode(err) != code || !strings.Contains(csperf.ErrorMessage(err), msg) {
		t.Fatalf("got %v (%s), want %s …%s…", err, csperf.ErrorCode(err), code, msg)
	}
}

// TestCycleLifecycle runs an annual cycle from creation to close and
// reopening on each engine, checks every figure against hand computation,
// and checks that both engines give the same canonical JSON, byte for byte.
//
//	A1 (front-line agent): csat 9/10 = 90% → 100; complaint_rate 1/20 = 5% → 500/7;
//	   first_response 108000 s / 1 = 30 h → 87.5; with its ratings 2323/28 = 82.96,
//	   good ×1.2, bonus 1234.57 × 1.2 = 1481.484 → 1481.48.
//	A2: csat 3/4 → 50 points, .2×80 + .3×70 + .5×50 = 62; complaint_rate and
//	   first_response have no events (left out of the customer part): 60 and 90;
//	   .5×62 + .3×60 + .2×90 = 67, qualified ×1, bonus 1000.00.
//	S1 (after-sales team): first_response 24 h → 100, resolution_time 31/40 = 77.5% →
//	   100 × (77.5 − 60) / (95 − 60) = 50, csat 100%,
//	   teamwork .4×50 + .6×75 = 65: 30 + 22.5 + 20 + 13 = 85.5, good, no base.
//	M1 (cs_manager): no template. L1 left before 2015: not a member.
func TestCycleLifecycle(t *testing.T) {
	var sums []string
	var jsons []string
	enginesDSN(t, func(t *testing.T, db *sqlstore.DB, driver, dsn string) {
		ctx := context.Background()
		seedCycleOrg(t, db)
		c, err := db.CreateCycle(as(ctx, "maker"), sqlstore.CycleSpec{Kind: "annual", Period: "2015", ScopeLevel: "department", ScopeID: "main"})
		if err != nil {
			t.Fatal(err)
		}
		if c.ID != "2015-main" || c.State != scorecard.StateOpen || c.Members != 4 {
			t.Fatalf("created %+v", c)
		}
		if _, err := db.CreateCycle(ctx, sqlstore.CycleSpec{Kind: "annual", Period: "2015", ScopeLevel: "department", ScopeID: "main"}); csperf.ErrorCode(err) != csperf.ECONFLICT {
			t.Errorf("duplicate cycle: %v", err)
		}
		_, err = db.CreateCycle(as(ctx, "zhang"), sqlstore.CycleSpec{ID: "x", Kind: "annual", Period: "2015", ScopeLevel: "department", ScopeID: "main"})
		wantCode(t, err, csperf.EFORBIDDEN, "may not create cycles")
		_, err = db.CreateCycle(ctx, sqlstore.CycleSpec{ID: "x", Kind: "monthly", Period: "2015", ScopeLevel: "department", ScopeID: "main"})
		wantCode(t, err, csperf.EINVALID, "not the period of a monthly cycle")
		_, err = db.CreateCycle(ctx, sqlstore.CycleSpec{ID: "x", Kind: "annual", Period: "2015", ScopeLevel: "group", ScopeID: "G9"})
		wantCode(t, err, csperf.EINVALID, `no group "G9"`)

		// Ratings: refused all or nothing, with every reason.
		_, err = db.SetRatings(ctx, c.ID, []scorecard.Rating{rating("A1", "csat", "self", "90"), rating("A1", "teamwork", "self", "90"),
			rating("M1", "csat", "self", "50"), rating("A1", "csat", "customer", "50"), rating("A1", "csat", "supervisor", "101"), rating("X9", "csat", "self", "1")})
		wantCode(t, err, csperf.EINVALID, "template front_line_agent has no item \"teamwork\"")
		for _, m := range []string{"position cs_manager has no template", "source must be self or supervisor", "101 points is outside 0–100", `employee "X9" is not a member`} {
			if !strings.Contains(err.Error(), m) {
				t.Errorf("rating errors lack %q:\n%v", m, err)
			}
		}
		// Ratings the user may not give: forbidden, naming each one refused,
		// and nothing saved even of the batch's allowed ratings.
		_, err = db.SetRatings(as(ctx, "zhang"), c.ID, []scorecard.Rating{rating("A2", "csat", "self", "90")})
		wantCode(t, err, csperf.EFORBIDDEN, "user zhang (agent) may not give this rating")
		_, err = db.SetRatings(as(ctx, "zhang"), c.ID, []scorecard.Rating{rating("A1", "csat", "supervisor", "90")})
		wantCode(t, err, csperf.EFORBIDDEN, "may not give this rating")
		_, err = db.SetRatings(as(ctx, "zhang"), c.ID, []scorecard.Rating{rating("A1", "csat", "self", "90"), rating("A1", "csat", "self", "101"),
			rating("A2", "teamwork", "self", "90"), rating("X9", "csat", "self", "1"), rating("A1", "csat", "bogus", "1")})
		wantCode(t, err, csperf.EFORBIDDEN, "rating 2 (A1/csat/self): 101 points is outside 0–100")
		var pe *csperf.PermissionError
		if !errors.As(err, &pe) || !reflect.DeepEqual(pe.Refused, []csperf.Refusal{
			{Index: 3, EmployeeID: "A2", Item: "teamwork", Source: "self", Reason: "user zhang (agent) may not give this rating"},
			{Index: 4, EmployeeID: "X9", Item: "csat", Source: "self", Reason: "user zhang (agent) may not give this rating"}}) {
			t.Fatalf("refused: %#v", err)
		}
		if strings.Contains(err.Error(), "template") || strings.Contains(err.Error(), "member") || !strings.Contains(err.Error(), "source must be self or supervisor") {
			t.Errorf("a refused rating tells of the cycle, or a bad source is not reported: %v", err)
		}
		_, err = db.SetRatings(as(ctx, "lead"), c.ID, []scorecard.Rating{rating("A1", "csat", "supervisor", "80"), rating("X9", "csat", "supervisor", "80")})
		wantCode(t, err, csperf.EFORBIDDEN, "rating 2 (X9/csat/supervisor): user lead (supervisor) may not give this rating")
		if rs, err := db.CycleRatings(ctx, c.ID); err != nil || len(rs) != 0 {
			t.Fatalf("a refused batch saved %v %v", rs, err)
		}
		if n, err := db.SetRatings(as(ctx, "zhang"), c.ID, []scorecard.Rating{rating("A1", "csat", "self", "100")}); err != nil || n != 1 {
			t.Fatalf("own self rating: %d %v", n, err)
		}
		if n, err := db.SetRatings(as(ctx, "lead"), c.ID, []scorecard.Rating{rating("A1", "csat", "supervisor", "80")}); err != nil || n != 1 {
			t.Fatalf("supervisor rating: %d %v", n, err)
		}
		if n, err := db.SetRatings(ctx, c.ID, cycleRatings()); err != nil || n != len(cycleRatings())-1 {
			t.Fatalf("ratings: %d changed, %v", n, err)
		}
		gaps, err := db.MarkRatingsCollected(ctx, c.ID)
		if err != nil || len(gaps) != 2 || gaps[0] != (scorecard.RatingGap{EmployeeID: "A2", Item: "complaint_rate", Source: "self"}) {
			t.Fatalf("gaps %v %v", gaps, err)
		}

		// Compute: the maker.
		c, comp, err := db.ComputeCycle(as(ctx, "maker"), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if c.State != scorecard.StateComputed || c.ComputedBy != "maker" || len(c.SHA256) != 64 {
			t.Fatalf("computed %+v", c)
		}
		want := map[string]struct{ score, grade, bonus string }{
			"A1": {"2323/28", "good", "1481.48"}, "A2": {"67", "qualified", "1000.00"}, "S1": {"171/2", "good", "—"},
		}
		if len(comp.Results) != 3 || len(comp.NoTemplate) != 1 || comp.NoTemplate[0].ID != "M1" {
			t.Fatalf("results %d, no template %v", len(comp.Results), comp.NoTemplate)
		}
		for _, r := range comp.Results {
			w := want[r.ID]
			bonus := "—"
			if r.Bonus != nil {
				bonus = r.Bonus.String()
			}
			if r.Score == nil || r.Score.Exact() != w.score || r.Grade != w.grade || bonus != w.bonus {
				t.Errorf("%s: score %v grade %s bonus %s, want %+v", r.ID, r.Score, r.Grade, bonus, w)
			}
		}
		a1, err := db.CycleResult(ctx, c.ID, "A1")
		if err != nil {
			t.Fatal(err)
		}
		if it := a1.Items[1]; *it.Numerator != 1 || *it.Denominator != 20 || it.Value != "5.0%" || it.Parts[2].Points.Exact() != "500/7" {
			t.Errorf("A1 complaint_rate explained as %+v", it)
		}
		if a1.GroupID != "G1" || a1.Name != "张三" || a1.HireDate == nil || a1.HireDate.String() != "2013-05-01" {
			t.Errorf("A1 employee %+v", a1.Employee)
		}
		// The values used are KPIValues' for the period, every one.
		kv, err := db.KPIValues(ctx, kpi.Query{KPIs: c.Setup.KPIIDs(), Level: kpi.LevelEmployee, Period: c.Setup.Period})
		if err != nil {
			t.Fatal(err)
		}
		byKey := map[string]kpi.Row{}
		for _, r := range kv {
			byKey[r.ID+"/"+r.KPI] = r
		}
		checked := 0
		for _, r := range comp.Results {
			for _, it := range r.Items {
				if it.KPI == "" {
					continue
				}
				row, ok := byKey[r.ID+"/"+it.KPI]
				if !ok || row.Numerator != *it.Numerator || row.Denominator != *it.Denominator {
					t.Errorf("%s %s: used %d/%d, KPIValues %+v", r.ID, it.KPI, *it.Numerator, *it.Denominator, row)
				}
				checked++
			}
		}
		if checked != 9 {
			t.Errorf("checked %d KPI values", checked)
		}
		// Everyone reads their own explanation; a supervisor their group's.
		if r, err := db.CycleResult(as(ctx, "zhang"), c.ID, "A1"); err != nil || r.ID != "A1" {
			t.Errorf("own result: %v", err)
		}
		_, err = db.CycleResult(as(ctx, "zhang"), c.ID, "A2")
		wantCode(t, err, csperf.EFORBIDDEN, "may not read the result of employee A2")
		if _, err := db.CycleResult(as(ctx, "lead"), c.ID, "A2"); err != nil {
			t.Errorf("supervisor reads the group's: %v", err)
		}
		_, _, err = db.CycleComputation(as(ctx, "zhang"), c.ID)
		wantCode(t, err, csperf.EFORBIDDEN, "may read only")
		// The same inputs give the same bytes, and the stored inputs give them too.
		_, comp2, err := db.ComputeCycle(as(ctx, "maker"), c.ID)
		if err != nil {
			t.Fatal(err)
		}
		b1, s1, _ := comp.Canonical()
		b2, s2, _ := comp2.Canonical()
		if string(b1) != string(b2) || s1 != s2 || s1 != c.SHA256 {
			t.Fatal("recomputing from the same inputs changed the result")
		}
		if sum, ok, err := db.VerifyCycle(ctx, c.ID); err != nil || !ok || sum != s1 {
			t.Fatalf("verify: %s %v %v", sum, ok, err)
		}
		stored, sum, err := db.CycleComputation(ctx, c.ID)
		if err != nil || sum != s1 {
			t.Fatal(err)
		}
		if b3, _, _ := stored.Canonical(); string(b3) != string(b1) {
			t.Error("the stored JSON does not read back to the same bytes")
		}
		sums = append(sums, s1)
		jsons = append(jsons, string(b1))

		// Maker-checker.
		wantCode(t, db.ApproveCycle(ctx, c.ID), csperf.EFORBIDDEN, "named user")
		wantCode(t, db.ApproveCycle(as(ctx, "maker"), c.ID), csperf.EFORBIDDEN, "a second user must sign them off")
		wantCode(t, db.ApproveCycle(as(ctx, "lead"), c.ID), csperf.EFORBIDDEN, "may not sign results off")
		wantCode(t, db.CloseCycle(as(ctx, "maker"), c.ID), csperf.ECONFLICT, "only signed-off (reviewed) results")
		if err := db.ApproveCycle(as(ctx, "checker"), c.ID); err != nil {
			t.Fatal(err)
		}
		// A rating changed after sign-off sends it back.
		if _, err := db.SetRatings(ctx, c.ID, []scorecard.Rating{rating("A2", "complaint_rate", "self", "40")}); err != nil {
			t.Fatal(err)
		}
		if c, _ = db.Cycle(ctx, c.ID); c.State != scorecard.StateRated || c.ApprovedBy != "" {
			t.Fatalf("after a late rating: %s approved by %q", c.State, c.ApprovedBy)
		}
		if _, err := db.SetRatings(ctx, c.ID, []scorecard.Rating{rating("A2", "complaint_rate", "self", "40")}); err != nil {
			t.Fatal(err)
		}
		if _, _, err := db.ComputeCycle(as(ctx, "checker"), c.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.ApproveCycle(as(ctx, "checker"), c.ID), csperf.EFORBIDDEN, "checker computed")
		if err := db.ApproveCycle(as(ctx, "maker"), c.ID); err != nil {
			t.Fatal(err)
		}

		// Objections: all answered before close.
		_, err = db.FileObjection(as(ctx, "zhang"), c.ID, "A2", "not mine")
		wantCode(t, err, csperf.EFORBIDDEN, "only employee A2")
		o, err := db.FileObjection(as(ctx, "zhang"), c.ID, "A1", "我的投诉率算错了")
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.CloseCycle(ctx, c.ID), csperf.ECONFLICT, "1 unanswered objections")
		wantCode(t, db.AnswerObjection(as(ctx, "zhang"), c.ID, o.ID, "ok"), csperf.EFORBIDDEN, "may not answer")
		if err := db.AnswerObjection(as(ctx, "checker"), c.ID, o.ID, "投诉K1属实，维持结果"); err != nil {
			t.Fatal(err)
		}
		if err := db.CloseCycle(as(ctx, "maker"), c.ID); err != nil {
			t.Fatal(err)
		}
		c, _ = db.Cycle(ctx, c.ID)
		if c.State != scorecard.StateClosed || c.ClosedBy != "maker" || c.ApprovedBy != "maker" || c.ComputedBy != "checker" {
			t.Fatalf("closed %+v", c)
		}

		// Closed: every path refuses.
		_, err = db.SetRatings(ctx, c.ID, []scorecard.Rating{rating("A1", "csat", "self", "1")})
		wantCode(t, err, csperf.ECONFLICT, "is closed")
		_, _, err = db.ComputeCycle(ctx, c.ID)
		wantCode(t, err, csperf.ECONFLICT, "is closed")
		_, err = db.FileObjection(ctx, c.ID, "A1", "again")
		wantCode(t, err, csperf.ECONFLICT, "is closed")
		wantCode(t, db.AnswerObjection(ctx, c.ID, o.ID, "changed"), csperf.ECONFLICT, "is closed")
		wantCode(t, db.ApproveCycle(as(ctx, "checker"), c.ID), csperf.ECONFLICT, "is closed")
		raw, err := sql.Open(driver, dsn)
		if err != nil {
			t.Fatal(err)
		}
		defer raw.Close()
		ph := func(q string) string {
			if driver != "pgx" {
				return q
			}
			for i := 1; strings.Contains(q, "?"); i++ {
				q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
			}
			return q
		}
		for _, stmt := range []string{
			`UPDATE cycle_ratings SET points = '100' WHERE cycle_id = ?`,
			`DELETE FROM cycle_ratings WHERE cycle_id = ?`,
			`INSERT INTO cycle_ratings (cycle_id, employee_id, item_id, source, points, rated_by, rated_at) VALUES (?, 'A2', 'first_response', 'supervisor', '100', 'x', '2016-01-01T00:00:00Z')`,
			`UPDATE cycle_results SET grade = 'excellent', bonus = 99999999 WHERE cycle_id = ?`,
			`DELETE FROM cycle_results WHERE cycle_id = ?`,
			`INSERT INTO cycle_results (cycle_id, employee_id, template_id, score_shown, grade, missing_inputs, explanation) VALUES (?, 'M1', 't', '—', '', 0, '{}')`,
			`UPDATE cycle_kpi_values SET numerator = 0 WHERE cycle_id = ?`,
			`DELETE FROM cycle_kpi_values WHERE cycle_id = ?`,
			`UPDATE cycle_members SET bonus_base = 100000000 WHERE cycle_id = ?`,
			`DELETE FROM cycle_members WHERE cycle_id = ?`,
			`UPDATE cycle_objections SET answer = NULL WHERE cycle_id = ?`,
			`DELETE FROM cycle_objections WHERE cycle_id = ?`,
			`UPDATE cycle_outputs SET result_json = '{}' WHERE cycle_id = ?`,
			`DELETE FROM cycle_outputs WHERE cycle_id = ?`,
			`UPDATE cycles SET result_sha256 = 'x' WHERE cycle_id = ?`,
			`UPDATE cycles SET state = 'open' WHERE cycle_id = ?`,
			`UPDATE cycles SET name = 'renamed' WHERE cycle_id = ?`,
			`UPDATE cycles SET state = 'open', reopen_count = reopen_count + 1, reopen_reason = 'sneaky', result_sha256 = 'x' WHERE cycle_id = ?`,
			`DELETE FROM cycles WHERE cycle_id = ?`,
		} {
			if _, err := raw.Exec(ph(stmt), c.ID); err == nil || !strings.Contains(err.Error(), "closed") {
				t.Errorf("direct SQL on a closed cycle: %s: %v", stmt, err)
			}
		}
		if driver == "pgx" {
			for _, tbl := range []string{"cycle_ratings", "cycle_results", "cycle_outputs", "cycles"} {
				if _, err := raw.Exec("TRUNCATE " + tbl + " CASCADE"); err == nil {
					t.Errorf("TRUNCATE %s accepted", tbl)
				}
			}
		}
		if sum, ok, err := db.VerifyCycle(ctx, c.ID); err != nil || !ok || sum != c.SHA256 {
			t.Fatalf("verify after close: %v %v", ok, err)
		}

		// Reopen: an admin, with a reason.
		wantCode(t, db.ReopenCycle(as(ctx, "maker"), c.ID, "fix a rating"), csperf.EFORBIDDEN, "only an admin")
		wantCode(t, db.ReopenCycle(ctx, c.ID, "fix a rating"), csperf.EFORBIDDEN, "only an admin")
		wantCode(t, db.ReopenCycle(as(ctx, "root"), c.ID, " "), csperf.EINVALID, "say why")
		if err := db.ReopenCycle(as(ctx, "root"), c.ID, "投诉K1经复核撤销"); err != nil {
			t.Fatal(err)
		}
		c, _ = db.Cycle(ctx, c.ID)
		if c.State != scorecard.StateOpen || c.Reopened != 1 || c.ReopenReason != "投诉K1经复核撤销" || c.ApprovedBy != "" || c.SHA256 == "" {
			t.Fatalf("reopened %+v", c)
		}
		if _, err := raw.Exec(ph(`UPDATE cycle_ratings SET points = '100' WHERE cycle_id = ? AND employee_id = 'A1' AND item_id = 'csat' AND source = 'self'`), c.ID); err != nil {
			t.Errorf("an open cycle's ratings: %v", err)
		}
		if _, ok, _ := db.VerifyCycle(ctx, c.ID); ok {
			t.Error("a changed rating still verifies")
		}

		// Every step is in the audit log, which still verifies.
		entries, _, err := db.ListAudit(ctx, csperf.AuditFilter{Object: "cycles/" + c.ID, Limit: 1000})
		if err != nil {
			t.Fatal(err)
		}
		seen := map[string]bool{}
		for _, e := range entries {
			seen[e.Action] = true
		}
		for _, a := range []string{"cycle.create", "cycle.rate", "cycle.rated", "cycle.compute", "cycle.approve", "cycle.object", "cycle.answer", "cycle.close", "cycle.reopen"} {
			if !seen[a] {
				t.Errorf("no %s in the audit log", a)
			}
		}
		if _, err := db.VerifyAudit(ctx); err != nil {
			t.Fatal(err)
		}
	})
	for i := 1; i < len(sums); i++ {
		if sums[i] != sums[0] || jsons[i] != jsons[0] {
			t.Errorf("engines disagree: %s vs %s", sums[0], sums[i])
		}
	}
}

// TestPromotionsAndRaises: two annual group cycles. In 2014 there are no
// events, so every KPI is a missing input and the ratings alone score:
// A1 95, A2 70; L1, who left at the end of 2014, has neither and no score. In 2015 A1 scores .5×97.5 + .3×582.5/7 + .2×91.25 = 2575/28 = 91.96
// (excellent) and A2 .5×60 + .3×70 + .2×70 = 65. Only
// signed-off results count: A1 is on the promotion list once both years
// are signed off; the 2015 raise ranking puts A1 in the top quartile (8%)
// and A2, rank 2 of 2, in the third (3%).
func TestPromotionsAndRaises(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		seedCycleOrg(t, db)
		all := func(emp, pts string) []scorecard.Rating {
			var out []scorecard.Rating
			for _, item := range []string{"csat", "complaint_rate", "first_response"} {
				out = append(out, rating(emp, item, "self", pts), rating(emp, item, "supervisor", pts))
			}
			return out
		}
		for _, year := range []string{"2014", "2015"} {
			c, err := db.CreateCycle(ctx, sqlstore.CycleSpec{Kind: "annual", Period: year, ScopeLevel: "group", ScopeID: "G1", Templates: []string{"front_line_agent"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := db.SetRatings(ctx, c.ID, append(all("A1", "95"), all("A2", "70")...)); err != nil {
				t.Fatal(err)
			}
			_, comp, err := db.ComputeCycle(as(ctx, "maker"), c.ID)
			if err != nil {
				t.Fatal(err)
			}
			want := map[string]string{"2014": "A1 95 excellent, A2 70 qualified, L1 none", "2015": "A1 2575/28 excellent, A2 65 qualified"}[year]
			var got []string
			for _, r := range comp.Results {
				score := "none"
				if r.Score != nil {
					score = r.Score.Exact()
				}
				got = append(got, strings.TrimSpace(r.ID+" "+score+" "+r.Grade))
			}
			if strings.Join(got, ", ") != want || len(comp.NoTemplate) != 1 {
				t.Errorf("%s: %v (no template %v), want %s", year, got, comp.NoTemplate, want)
			}
			if ps, _ := db.Promotions(ctx); len(ps) != 0 {
				t.Errorf("promotions before sign-off: %v", ps)
			}
			if err := db.ApproveCycle(as(ctx, "checker"), c.ID); err != nil {
				t.Fatal(err)
			}
		}
		ps, err := db.Promotions(ctx)
		if err != nil || len(ps) != 1 || ps[0].EmployeeID != "A1" || ps[0].Years != [2]int{2014, 2015} || ps[0].Cycles != [2]string{"2014-G1", "2015-G1"} {
			t.Fatalf("promotions %+v %v", ps, err)
		}
		rs, err := db.Raises(ctx, 2015)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rs {
			got = append(got, fmt.Sprintf("%s %s %d/%d Q%d %s", r.Position, r.EmployeeID, r.Rank, r.Of, r.Quartile, r.Raise.Exact()))
		}
		if strings.Join(got, "|") != "agent A1 1/2 Q1 8|agent A2 2/2 Q3 3" {
			t.Errorf("raises %v", got)
		}
	})
}

// TestTraining: the needs of a closed quarter and the effect of a course.
// Q1 2015: A1 csat 9/10 → 100 points, A2 3/4 → 50 (weak); G1's common
// weakness is csat (1 of 2 weak, mean 75). A course in April targets csat;
// in Q3 A2's surveys are all 5: 50 → 100, +50 (A1 has no Q3 surveys: not
// compared).
func TestTraining(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		seedCycleOrg(t, db)
		var q3 []csperf.Record
		for i := 0; i < 4; i++ {
			q3 = append(q3, csperf.Record{"survey_id": fmt.Sprintf("Q3-%d", i), "employee_id": "A2", "answered_at": at("2015-08-10T04:00:00Z"), "overall": "5"})
		}
		mustImport(t, db, "surveys", q3...)
		for _, q := range []string{"2015-Q1", "2015-Q3"} {
			c, err := db.CreateCycle(ctx, sqlstore.CycleSpec{Kind: "quarterly", Period: q, ScopeLevel: "group", ScopeID: "G1", Templates: []string{"front_line_agent"}})
			if err != nil {
				t.Fatal(err)
			}
			if _, _, err := db.ComputeCycle(ctx, c.ID); err != nil {
				t.Fatal(err)
			}
			if err := db.ApproveCycle(as(ctx, "checker"), c.ID); err != nil {
				t.Fatal(err)
			}
		}
		_, err := db.TrainingNeeds(ctx, "2015-Q1-G1")
		wantCode(t, err, csperf.ECONFLICT, "reads closed cycles")
		if err := db.CloseCycle(ctx, "2015-Q1-G1"); err != nil {
			t.Fatal(err)
		}
		rep, err := db.TrainingNeeds(ctx, "2015-Q1-G1")
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Groups) != 1 || len(rep.Groups[0].Common) != 1 || rep.Groups[0].Common[0].Item != "csat" || rep.Groups[0].Common[0].Mean.Exact() != "75" {
			t.Errorf("groups %+v", rep.Groups)
		}
		tracks := map[string]string{}
		for _, n := range rep.Employees {
			tracks[n.EmployeeID] = n.Track
		}
		if tracks["A1"] != "none" || tracks["A2"] != "targeted" {
			t.Errorf("tracks %v", tracks)
		}
		ninety := scorecard.Int(90)
		plan := scorecard.TrainingPlan{ID: "P1", Course: "客户沟通技巧", Mode: "offline", Trainer: "外部专家", Horizon: "quarterly",
			Starts: d("2015-04-10"), Ends: d("2015-04-11"), Targets: []string{"csat"},
			Participants: []scorecard.TrainingParticipant{{EmployeeID: "A1"}, {EmployeeID: "A2", Exam: &ninety}}}
		if err := db.SaveTrainingPlan(as(ctx, "zhang"), plan); csperf.ErrorCode(err) != csperf.EFORBIDDEN {
			t.Errorf("an agent planned training: %v", err)
		}
		if err := db.SaveTrainingPlan(ctx, plan); err != nil {
			t.Fatal(err)
		}
		eighty := scorecard.Int(80)
		if err := db.RecordTrainingScores(ctx, "P1", "A1", &eighty, &ninety); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.RecordTrainingScores(ctx, "P1", "M1", &eighty, nil), csperf.ENOTFOUND, "not a participant")
		ce, err := db.CourseEffect(ctx, "P1")
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, l := range ce.Lines {
			got = append(got, fmt.Sprintf("%s %s→%s %s %s %s", l.EmployeeID, l.CycleBefore, l.CycleAfter, exactOr(l.Before), exactOr(l.After), exactOr(l.Change)))
		}
		if strings.Join(got, "|") != "A1 2015-Q1-G1→2015-Q3-G1 100 none none|A2 2015-Q1-G1→2015-Q3-G1 50 100 50" ||
			ce.Targets[0].Compared != 1 || ce.MeanExam.Exact() != "85" || ce.MeanPractical.Exact() != "90" {
			t.Errorf("effect %v targets %+v exam %s", got, ce.Targets, ce.MeanExam.Exact())
		}
		ps, err := db.TrainingPlans(ctx)
		if err != nil || len(ps) != 1 || ps[0].Trainer != "外部专家" || ps[0].Starts != d("2015-04-10") {
			t.Errorf("plans %+v %v", ps, err)
		}
	})
}

func exactOr(n *scorecard.Number) string {
	if n == nil {
		return "none"
	}
	return n.Exact()
}
