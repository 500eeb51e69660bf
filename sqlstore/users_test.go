package sqlstore_test

import (
	"context"
	"testing"

	"csperf"
	"csperf/sqlstore"
)

// Password changes at one instant are kept apart (the history was keyed by
// the second, so a second change within it failed), newest first.
func TestPasswordHistorySameInstant(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		if err := db.CreateUser(ctx, &csperf.User{Username: "ann", Role: csperf.RoleAgent, PasswordHash: "h0"}); err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"h1", "h2", "h3"} {
			if err := db.UpdateUser(ctx, "ann", csperf.UserUpdate{PasswordHash: &h}); err != nil {
				t.Fatalf("change to %s: %v", h, err)
			}
		}
		got, err := db.PasswordHistory(ctx, "ann", 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 3 || got[0] != "h3" || got[1] != "h2" || got[2] != "h1" {
			t.Errorf("history = %v, want [h3 h2 h1]", got)
		}
	})
}

func TestUseTOTPStep(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		if err := db.CreateUser(ctx, &csperf.User{Username: "ann", Role: csperf.RoleAgent, PasswordHash: "h0"}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			step int64
			want bool
		}{{100, true}, {100, false}, {99, false}, {101, true}, {101, false}, {150, true}, {120, false}} {
			got, err := db.UseTOTPStep(ctx, "ann", c.step)
			if err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Errorf("UseTOTPStep(%d) = %v, want %v", c.step, got, c.want)
			}
		}
		if ok, err := db.UseTOTPStep(ctx, "nobody", 1); ok || err != nil {
			t.Errorf("unknown user: %v %v", ok, err)
		}
	})
}
