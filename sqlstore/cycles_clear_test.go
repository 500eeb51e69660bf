package sqlstore_test

import (
	"context"
	"testing"

	"csperf"
	"csperf/scorecard"
	"csperf/sqlstore"
)

// TestClearRating clears one rating: only who may give it, a missing one
// is not found, a computed cycle goes back to "ratings collected", and a
// closed cycle refuses.
func TestClearRating(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		seedCycleOrg(t, db)
		c, err := db.CreateCycle(ctx, sqlstore.CycleSpec{Kind: "annual", Period: "2015", ScopeLevel: "department", ScopeID: "main"})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := db.SetRatings(ctx, c.ID, cycleRatings()); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.ClearRating(as(ctx, "zhang"), c.ID, "A2", "csat", "self"), csperf.EFORBIDDEN, "may not change the self rating of A2")
		if err := db.ClearRating(as(ctx, "zhang"), c.ID, "A1", "csat", "self"); err != nil {
			t.Fatalf("own self rating: %v", err)
		}
		wantCode(t, db.ClearRating(ctx, c.ID, "A1", "csat", "self"), csperf.ENOTFOUND, "has no self rating of A1")
		gaps, err := db.RatingGaps(ctx, c.ID)
		if err != nil || len(gaps) != 3 || gaps[0] != (scorecard.RatingGap{EmployeeID: "A1", Item: "csat", Source: "self"}) {
			t.Fatalf("gaps after clearing: %v %v", gaps, err)
		}
		if _, _, err := db.ComputeCycle(as(ctx, "maker"), c.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.ClearRating(as(ctx, "lead"), c.ID, "A1", "csat", "supervisor"); err != nil {
			t.Fatalf("supervisor clears their group's rating: %v", err)
		}
		if c, err = db.Cycle(ctx, c.ID); err != nil || c.State != scorecard.StateRated {
			t.Fatalf("after clearing a computed cycle's rating: %+v %v", c, err)
		}
		entries, _, err := db.ListAudit(ctx, csperf.AuditFilter{Action: "cycle.rate", Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range entries {
			if e.Before == "A1/csat/supervisor=80" && e.After == "" {
				found = true
			}
		}
		if !found {
			t.Errorf("clearing is not audited: %+v", entries)
		}
		if _, _, err := db.ComputeCycle(as(ctx, "maker"), c.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.ApproveCycle(as(ctx, "checker"), c.ID); err != nil {
			t.Fatal(err)
		}
		if err := db.CloseCycle(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, db.ClearRating(ctx, c.ID, "A2", "csat", "self"), csperf.ECONFLICT, "is closed")
	})
}
