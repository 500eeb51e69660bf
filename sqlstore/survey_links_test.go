package sqlstore_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"csperf"
	"csperf/kpi"
	"csperf/sqlstore"
)

func TestSurveyLinks(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := as(context.Background(), "agent1")
		now := time.Date(2016, 1, 15, 2, 0, 0, 0, time.UTC)
		db.Now = func() time.Time { return now }
		mustImport(t, db, "groups", csperf.Record{"group_id": "G1", "name": "一组", "department_id": "main"},
			csperf.Record{"group_id": "G2", "name": "二组", "department_id": "main"})
		mustImport(t, db, "employees", csperf.Record{"employee_id": "A1", "name": "张三", "position": "service_advisor", "group_id": "G1"},
			csperf.Record{"employee_id": "B1", "name": "李四", "position": "service_advisor", "group_id": "G2"})
		mustImport(t, db, "customers", csperf.Record{"customer_id": "C1", "name": "周客户", "phone": "13812345678"},
			csperf.Record{"customer_id": "C2", "name": "吴客户"})
		mustImport(t, db, "visits", csperf.Record{"visit_id": "V1", "customer_id": "C1", "advisor_id": "A1", "visit_date": d("2016-01-10")})

		// For a visit: its customer and advisor.
		l1 := &csperf.SurveyLink{SourceKind: "visits", SourceID: "V1"}
		if err := db.CreateSurveyLink(ctx, l1, strings.Repeat("a", 64)); err != nil {
			t.Fatal(err)
		}
		if l1.ID != 1 || l1.CustomerID != "C1" || l1.EmployeeID != "A1" || l1.Status != csperf.SurveyLinkOpen || !l1.ExpiresAt.Equal(now.AddDate(0, 0, 14)) || l1.CreatedBy != "agent1" {
			t.Errorf("link for V1 = %+v", l1)
		}
		// Bad input names the field; nothing is written.
		for _, c := range []struct {
			l     csperf.SurveyLink
			field string
		}{
			{csperf.SurveyLink{SourceKind: "visits", SourceID: "V9"}, "source_id"},
			{csperf.SurveyLink{SourceKind: "orders", SourceID: "O1"}, "source_kind"},
			{csperf.SurveyLink{SourceKind: "visits", SourceID: "V1", EmployeeID: "B1"}, "employee_id"},
			{csperf.SurveyLink{EmployeeID: "A1"}, "customer_id"},
			{csperf.SurveyLink{CustomerID: "C9"}, "customer_id"},
			{csperf.SurveyLink{CustomerID: "C2", EmployeeID: "X9"}, "employee_id"},
		} {
			err := db.CreateSurveyLink(ctx, &c.l, strings.Repeat("b", 64))
			var e *csperf.Error
			if csperf.ErrorCode(err) != csperf.EINVALID || !asError(err, &e) || e.Field != c.field {
				t.Errorf("%+v: %v, want an error on %s", c.l, err, c.field)
			}
		}
		// The expiry is a setting.
		if err := db.SetSetting(ctx, csperf.SettingSurveyLinkDays, "3"); err != nil {
			t.Fatal(err)
		}
		l2 := &csperf.SurveyLink{CustomerID: "C2", EmployeeID: "B1"}
		if err := db.CreateSurveyLink(ctx, l2, strings.Repeat("c", 64)); err != nil {
			t.Fatal(err)
		}
		if !l2.ExpiresAt.Equal(now.AddDate(0, 0, 3)) {
			t.Errorf("expiry with the setting at 3 days: %v", l2.ExpiresAt)
		}

		// Answering stores the survey as an import would, in the month's
		// KPIs, and uses the link up.
		answers := csperf.Record{"overall": "2", "service_attitude": "1", "product_quality": "5", "suggestions": "等待时间太长"}
		got, err := db.AnswerSurvey(context.Background(), strings.Repeat("a", 64), answers)
		if err != nil {
			t.Fatal(err)
		}
		if got.Status != csperf.SurveyLinkAnswered || got.SurveyID != "SL00000001" {
			t.Errorf("answered link = %+v", got)
		}
		rec, err := db.GetRecord(ctx, csperf.KindByName("surveys"), []string{"SL00000001"})
		if err != nil {
			t.Fatal(err)
		}
		if rec["customer_id"] != "C1" || rec["employee_id"] != "A1" || rec["overall"] != "2" || rec["service_attitude"] != "1" || rec["suggestions"] != "等待时间太长" || rec["product_function"] != nil {
			t.Errorf("survey record = %v", rec)
		}
		if at, _ := rec["answered_at"].(time.Time); !at.Equal(now) {
			t.Errorf("answered_at = %v", rec["answered_at"])
		}
		jan, _ := kpi.ParsePeriod("2016-01")
		rows, err := db.KPIValues(ctx, kpi.Query{KPIs: []string{"csat"}, Level: kpi.LevelEmployee, ID: "A1", Period: jan})
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != 1 || rows[0].Numerator != 0 || rows[0].Denominator != 1 {
			t.Errorf("csat of A1 after the answer: %+v", rows)
		}
		entries, _, err := db.ListAudit(ctx, csperf.AuditFilter{Object: "surveys/SL00000001"})
		if err != nil || len(entries) != 1 || entries[0].UserID != csperf.SurveyLinkActor || entries[0].Action != "create" {
			t.Errorf("audit of the answer: %+v %v", entries, err)
		}
		// Once only.
		if _, err := db.AnswerSurvey(context.Background(), strings.Repeat("a", 64), answers); csperf.ErrorCode(err) != csperf.ECONFLICT {
			t.Errorf("second answer: %v", err)
		}
		// A bad value names its field and writes nothing.
		if _, err := db.AnswerSurvey(context.Background(), strings.Repeat("c", 64), csperf.Record{"overall": "7"}); csperf.ErrorCode(err) != csperf.EINVALID {
			t.Errorf("overall 7: %v", err)
		}
		// Expired and unknown tokens answer alike.
		now = now.AddDate(0, 0, 3)
		_, errExpired := db.AnswerSurvey(context.Background(), strings.Repeat("c", 64), answers)
		_, errUnknown := db.AnswerSurvey(context.Background(), strings.Repeat("d", 64), answers)
		if csperf.ErrorCode(errExpired) != csperf.ENOTFOUND || errExpired.Error() != errUnknown.Error() {
			t.Errorf("expired %v, unknown %v", errExpired, errUnknown)
		}
		// The list: states, and the scope of a supervisor of G2.
		all, n, err := db.SurveyLinks(ctx, csperf.SurveyLinkFilter{})
		if err != nil || n != 2 || all[0].ID != 2 || all[0].Status != csperf.SurveyLinkExpired || all[1].Status != csperf.SurveyLinkAnswered {
			t.Errorf("links = %+v %d %v", all, n, err)
		}
		for status, want := range map[string]int{"open": 0, "answered": 1, "expired": 1} {
			if _, n, err := db.SurveyLinks(ctx, csperf.SurveyLinkFilter{Status: status}); err != nil || n != want {
				t.Errorf("%s: %d %v, want %d", status, n, err, want)
			}
		}
		g2, n, err := db.SurveyLinks(ctx, csperf.SurveyLinkFilter{Scope: &csperf.Scope{GroupIDs: []string{"G2"}}})
		if err != nil || n != 1 || g2[0].EmployeeID != "B1" {
			t.Errorf("G2's links = %+v %v", g2, err)
		}
		if _, n, _ := db.SurveyLinks(ctx, csperf.SurveyLinkFilter{Scope: &csperf.Scope{}}); n != 0 {
			t.Errorf("empty scope sees %d", n)
		}
	})
}

func asError(err error, target **csperf.Error) bool {
	e, ok := err.(*csperf.Error)
	if ok {
		*target = e
	}
	return ok
}
