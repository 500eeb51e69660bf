package sqlstore_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"csperf"
	"csperf/sqlstore"
)

func TestSessions(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		if err := db.CreateUser(ctx, &csperf.User{Username: "ann", Role: csperf.RoleAgent, PasswordHash: "x"}); err != nil {
			t.Fatal(err)
		}
		start := db.Now()
		now := start
		db.Now = func() time.Time { return now }
		const idle, abs = 30 * time.Minute, 12 * time.Hour
		if err := db.CreateSession(ctx, "h1", "ann", "tok", "127.0.0.1", true); err != nil {
			t.Fatal(err)
		}
		u, csrf, mfa, err := db.SessionUser(ctx, "h1", idle, abs)
		if err != nil || u != "ann" || csrf != "tok" || !mfa {
			t.Fatalf("SessionUser = %q %q %v %v", u, csrf, mfa, err)
		}
		if err := db.SetSessionMFA(ctx, "h1", false); err != nil {
			t.Fatal(err)
		}
		// Seen every 20 minutes, the session outlives its idle limit …
		for i := 0; i < 30; i++ {
			now = now.Add(20 * time.Minute)
			if now.Sub(start) > abs {
				break
			}
			if _, _, mfa, err := db.SessionUser(ctx, "h1", idle, abs); err != nil || mfa {
				t.Fatalf("after %v: mfa %v, %v", now.Sub(start), mfa, err)
			}
		}
		// … but not its absolute limit.
		now = start.Add(abs + time.Minute)
		if _, _, _, err := db.SessionUser(ctx, "h1", idle, abs); csperf.ErrorCode(err) != csperf.EUNAUTHORIZED {
			t.Fatalf("past the absolute limit: %v", err)
		}
		// Idle for 31 minutes: gone, and deleted.
		now = start
		db.CreateSession(ctx, "h2", "ann", "tok2", "127.0.0.1", false)
		now = start.Add(31 * time.Minute)
		if _, _, _, err := db.SessionUser(ctx, "h2", idle, abs); csperf.ErrorCode(err) != csperf.EUNAUTHORIZED {
			t.Fatalf("idle: %v", err)
		}
		now = start
		if _, _, _, err := db.SessionUser(ctx, "h2", idle, abs); csperf.ErrorCode(err) != csperf.EUNAUTHORIZED {
			t.Fatalf("an expired session must be deleted: %v", err)
		}
		// Unknown hash, sign-out, and all sessions of a user.
		if _, _, _, err := db.SessionUser(ctx, "nope", idle, abs); csperf.ErrorCode(err) != csperf.EUNAUTHORIZED {
			t.Fatalf("unknown: %v", err)
		}
		db.CreateSession(ctx, "h3", "ann", "a", "", false)
		db.CreateSession(ctx, "h4", "ann", "b", "", false)
		db.CreateSession(ctx, "h5", "ann", "c", "", false)
		if err := db.DeleteSession(ctx, "h3"); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := db.SessionUser(ctx, "h3", idle, abs); err == nil {
			t.Fatal("signed-out session still valid")
		}
		if err := db.DeleteUserSessions(ctx, "ann"); err != nil {
			t.Fatal(err)
		}
		if _, _, _, err := db.SessionUser(ctx, "h4", idle, abs); err == nil {
			t.Fatal("session survived DeleteUserSessions")
		}
		db.CreateSession(ctx, "h6", "ann", "c", "", false)
		now = start.Add(time.Hour)
		if n, err := db.PurgeSessions(ctx, idle, abs); err != nil || n != 1 {
			t.Fatalf("purge = %d, %v", n, err)
		}
	})
}

// SessionWithUser answers what SessionUser and UserByID answer together:
// the user with their groups in order, the form token and second-factor
// state, the same limits and the same errors.
func TestSessionWithUser(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		ctx := context.Background()
		seedOrg(t, db)
		for _, u := range []*csperf.User{
			{Username: "sup", Role: csperf.RoleSupervisor, EmployeeID: "A1", GroupIDs: []string{"G2", "G1"}, PasswordHash: "x"},
			{Username: "ann", Role: csperf.RoleAgent, EmployeeID: "A2", PasswordHash: "y"},
		} {
			if err := db.CreateUser(ctx, u); err != nil {
				t.Fatal(err)
			}
		}
		start := db.Now()
		now := start
		db.Now = func() time.Time { return now }
		const idle, abs = 30 * time.Minute, 12 * time.Hour
		for _, s := range [][2]string{{"hs", "sup"}, {"ha", "ann"}} {
			if err := db.CreateSession(ctx, s[0], s[1], "tok-"+s[1], "127.0.0.1", s[1] == "ann"); err != nil {
				t.Fatal(err)
			}
		}
		for _, hash := range []string{"hs", "ha"} {
			u, csrf, mfa, err := db.SessionWithUser(ctx, hash, idle, abs)
			if err != nil {
				t.Fatal(err)
			}
			uid, csrf2, mfa2, err := db.SessionUser(ctx, hash, idle, abs)
			if err != nil {
				t.Fatal(err)
			}
			want, err := db.UserByID(ctx, uid)
			if err != nil {
				t.Fatal(err)
			}
			if csrf != csrf2 || mfa != mfa2 || fmt.Sprintf("%+v", *u) != fmt.Sprintf("%+v", *want) {
				t.Errorf("%s: %+v %q %v, want %+v %q %v", hash, *u, csrf, mfa, *want, csrf2, mfa2)
			}
		}
		if u, _, _, _ := db.SessionWithUser(ctx, "hs", idle, abs); strings.Join(u.GroupIDs, ",") != "G1,G2" {
			t.Errorf("groups %v", u.GroupIDs)
		}
		// Seen 20 minutes later it is touched, so 40 minutes after the
		// start it still stands; idle 31 minutes after that it is gone.
		now = start.Add(20 * time.Minute)
		if _, _, _, err := db.SessionWithUser(ctx, "hs", idle, abs); err != nil {
			t.Fatal(err)
		}
		now = start.Add(40 * time.Minute)
		if _, _, _, err := db.SessionWithUser(ctx, "hs", idle, abs); err != nil {
			t.Fatalf("a touched session expired: %v", err)
		}
		now = start.Add(71 * time.Minute)
		if _, _, _, err := db.SessionWithUser(ctx, "hs", idle, abs); csperf.ErrorCode(err) != csperf.EUNAUTHORIZED {
			t.Fatalf("idle: %v", err)
		}
		now = start.Add(40 * time.Minute)
		if _, _, _, err := db.SessionUser(ctx, "hs", idle, abs); csperf.ErrorCode(err) != csperf.EUNAUTHORIZED {
			t.Fatalf("an expired session must be deleted: %v", err)
		}
		if _, _, _, err := db.SessionWithUser(ctx, "nope", idle, abs); csperf.ErrorCode(err) != csperf.EUNAUTHORIZED {
			t.Fatalf("unknown: %v", err)
		}
	})
}
