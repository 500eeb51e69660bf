package web

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"time"

	"csperf"
	"csperf/auth"
)

// SettingAuthPolicy is the setting that picks the password policy:
// "standard" (the default) or "mlps" (等保 level 3: 90-day expiry, the last
// five passwords refused).
const SettingAuthPolicy = "auth.policy"

// authenticate finds the caller: an API token in "Authorization: Bearer",
// or the session cookie.
func (s *Server) authenticate(r *http.Request) (*reqInfo, error) {
	ctx := r.Context()
	if h := r.Header.Get("Authorization"); h != "" {
		tok, ok := strings.CutPrefix(h, "Bearer ")
		if !ok || strings.TrimSpace(tok) == "" {
			return nil, csperf.Errorf(csperf.EUNAUTHORIZED, "use Authorization: Bearer TOKEN")
		}
		hash := auth.HashSecret(strings.TrimSpace(tok))
		u, err := s.cfg.Users.UserByToken(ctx, hash)
		if err != nil {
			return nil, unauthorized(err)
		}
		if u.Disabled {
			return nil, csperf.Errorf(csperf.EUNAUTHORIZED, "the account is disabled")
		}
		return &reqInfo{user: u, tokenHash: hash}, nil
	}
	c, err := r.Cookie(s.cookieName())
	if err != nil || c.Value == "" {
		return nil, csperf.Errorf(csperf.EUNAUTHORIZED, "not signed in")
	}
	hash := auth.HashSecret(c.Value)
	var u *csperf.User
	var csrf string
	var pending bool
	if sw, ok := s.cfg.Sessions.(sessionWithUser); ok {
		if u, csrf, pending, err = sw.SessionWithUser(ctx, hash, idleTimeout, absoluteTimeout); err != nil {
			return nil, unauthorized(err)
		}
	} else {
		var uid string
		if uid, csrf, pending, err = s.cfg.Sessions.SessionUser(ctx, hash, idleTimeout, absoluteTimeout); err != nil {
			return nil, unauthorized(err)
		}
		if u, err = s.cfg.Users.UserByID(ctx, uid); err != nil {
			return nil, unauthorized(err)
		}
	}
	if u.Disabled {
		s.cfg.Sessions.DeleteSession(ctx, hash)
		return nil, csperf.Errorf(csperf.EUNAUTHORIZED, "the account is disabled")
	}
	return &reqInfo{user: u, sess: &sessionInfo{hash: hash, csrf: csrf, mfaPending: pending}}, nil
}

// sessionWithUser is a session store that reads a session with its user
// and the user's groups in one statement (sqlstore's SessionWithUser):
// every signed-in request starts with it.
type sessionWithUser interface {
	SessionWithUser(ctx context.Context, hash string, idle, absolute time.Duration) (*csperf.User, string, bool, error)
}

// unauthorized keeps internal errors and turns any other failure to find
// the caller into EUNAUTHORIZED.
func unauthorized(err error) error {
	switch csperf.ErrorCode(err) {
	case csperf.EINTERNAL:
		return err
	case csperf.EUNAUTHORIZED:
		return err
	}
	return csperf.Errorf(csperf.EUNAUTHORIZED, "not signed in")
}

func (s *Server) cookieName() string {
	if s.cfg.InsecureCookies {
		return "csperf"
	}
	return "__Host-csperf"
}

// setSessionCookie gives the browser a new session id. The cookie lives as
// long as the browser session; the server ends it after 30 idle minutes or
// 12 hours.
func (s *Server) setSessionCookie(w http.ResponseWriter, id string) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: id, Path: "/", HttpOnly: true,
		Secure: !s.cfg.InsecureCookies, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.cookieName(), Value: "", Path: "/", MaxAge: -1, HttpOnly: true,
		Secure: !s.cfg.InsecureCookies, SameSite: http.SameSiteLaxMode})
}

// startSession creates a session for u and sets its cookie.
func (s *Server) startSession(ctx context.Context, w http.ResponseWriter, r *http.Request, u *csperf.User, mfaPending bool) error {
	id := auth.NewSecret(32)
	if err := s.cfg.Sessions.CreateSession(ctx, auth.HashSecret(id), u.ID, auth.NewSecret(24), clientIP(r), mfaPending); err != nil {
		return err
	}
	s.setSessionCookie(w, id)
	return nil
}

// authPolicy returns the password policy in force, read at most every 30
// seconds.
func (s *Server) authPolicy(ctx context.Context) string {
	s.policyMu.Lock()
	defer s.policyMu.Unlock()
	now := s.cfg.Now()
	if s.policyV != "" && now.Sub(s.policyAt) < 30*time.Second && now.After(s.policyAt) {
		return s.policyV
	}
	v, ok, err := s.cfg.Settings.Setting(ctx, SettingAuthPolicy)
	if err != nil || !ok || (v != auth.PolicyMLPS && v != auth.PolicyStandard) {
		v = auth.PolicyStandard
	}
	s.policyV, s.policyAt = v, now
	return v
}

// passwordExpired reports whether u must change their password before
// going on: under the mlps policy a password lasts 90 days.
func (s *Server) passwordExpired(ctx context.Context, u *csperf.User) bool {
	if s.authPolicy(ctx) != auth.PolicyMLPS {
		return false
	}
	return s.cfg.Now().Sub(u.PasswordChangedAt) > auth.MLPSExpiryDays*24*time.Hour
}

// denyPending answers a session that still owes its second factor.
func (s *Server) denyPending(w http.ResponseWriter, r *http.Request, api bool) {
	if api {
		s.fail(w, r, csperf.Errorf(csperf.EUNAUTHORIZED, "two-factor sign-in is not complete"))
		return
	}
	http.Redirect(w, r, "/login/totp", http.StatusSeeOther)
}

// signIn checks a user name and password, with the per-IP throttle and
// the account lockout, and returns the user.
func (s *Server) signIn(ctx context.Context, r *http.Request, username, password string) (*csperf.User, error) {
	wrong := csperf.Errorf(csperf.EUNAUTHORIZED, "wrong user name or password")
	u, err := s.cfg.Users.UserByName(ctx, strings.TrimSpace(username))
	if err != nil {
		if csperf.ErrorCode(err) != csperf.ENOTFOUND {
			return nil, err
		}
		auth.VerifyPassword(s.dummy(), password)
		return nil, wrong
	}
	now := s.cfg.Now()
	if u.LockedUntil != nil && now.Before(*u.LockedUntil) {
		auth.VerifyPassword(s.dummy(), password)
		return nil, csperf.Errorf(csperf.EUNAUTHORIZED, "too many failed sign-ins: the account is locked for %d minutes", int(u.LockedUntil.Sub(now).Minutes())+1)
	}
	actx := csperf.WithActor(ctx, csperf.Actor{UserID: u.ID, IP: clientIP(r)})
	if !auth.VerifyPassword(u.PasswordHash, password) || u.Disabled {
		if err := s.cfg.Users.RecordLogin(ctx, u.ID, false, maxFailures, now.Add(lockout)); err != nil {
			return nil, err
		}
		if err := s.cfg.Audit.Audit(actx, "login.failed", "users/"+u.ID, "", ""); err != nil {
			return nil, err
		}
		return nil, wrong
	}
	if err := s.cfg.Users.RecordLogin(ctx, u.ID, true, maxFailures, now); err != nil {
		return nil, err
	}
	if err := s.cfg.Audit.Audit(actx, "login", "users/"+u.ID, "", ""); err != nil {
		return nil, err
	}
	return u, nil
}

// dummy returns the hash verified against when a user name is unknown, so
// that the answer takes as long as for a wrong password.
func (s *Server) dummy() string {
	s.dummyOnce.Do(func() { s.dummyHash, _ = auth.HashPassword("csperf-no-such-user") })
	return s.dummyHash
}

// changePassword checks and stores a new password for u: the current one
// must be right, the new one must meet the policy and, under mlps, differ
// from the last five.
func (s *Server) changePassword(ctx context.Context, u *csperf.User, current, next, confirm string) error {
	if !auth.VerifyPassword(u.PasswordHash, current) {
		return csperf.FieldErrorf("current", "the current password is wrong")
	}
	if next != confirm {
		return csperf.FieldErrorf("confirm", "the two new passwords differ")
	}
	policy := s.authPolicy(ctx)
	if err := auth.CheckPassword(policy, u.Username, next); err != nil {
		return csperf.FieldErrorf("password", "%v", err)
	}
	n := 1
	if policy == auth.PolicyMLPS {
		n = auth.MLPSHistory
	}
	old, err := s.cfg.Users.PasswordHistory(ctx, u.ID, n)
	if err != nil {
		return err
	}
	if auth.VerifyPassword(u.PasswordHash, next) || slices.ContainsFunc(old, func(h string) bool { return auth.VerifyPassword(h, next) }) {
		if n > 1 {
			return csperf.FieldErrorf("password", "the password must differ from your last %d passwords", n)
		}
		return csperf.FieldErrorf("password", "the new password must differ from the current one")
	}
	h, err := auth.HashPassword(next)
	if err != nil {
		return err
	}
	if err := s.cfg.Users.UpdateUser(ctx, u.ID, csperf.UserUpdate{PasswordHash: &h}); err != nil {
		return err
	}
	return s.cfg.Sessions.DeleteUserSessions(ctx, u.ID)
}
