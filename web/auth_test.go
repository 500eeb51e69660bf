package web

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"csperf"
	"csperf/auth"
	"csperf/sqlstore"
)

func TestSignInSessionAndCSRF(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		if _, r := e.signIn("agent", "wrong password!"); r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.String(), "用户名或密码错误") {
			t.Errorf("wrong password: %d", r.StatusCode)
		}
		if _, r := e.signIn("nobody", "wrong password!"); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("unknown user: %d", r.StatusCode)
		}
		b, r := e.signIn("agent", testPassword)
		if r.StatusCode != http.StatusSeeOther || b.cookie == "" {
			t.Fatalf("sign-in: %d %v", r.StatusCode, r.Header)
		}
		sc := r.Header.Get("Set-Cookie")
		for _, want := range []string{"__Host-csperf=", "Path=/", "HttpOnly", "Secure", "SameSite=Lax"} {
			if !strings.Contains(sc, want) {
				t.Errorf("cookie %q lacks %s", sc, want)
			}
		}
		if strings.Contains(sc, "Domain=") {
			t.Errorf("a __Host- cookie has no Domain: %s", sc)
		}
		// The session id is stored only as its hash.
		if _, _, _, err := db.SessionUser(context.Background(), b.cookie, time.Hour, time.Hour); err == nil {
			t.Error("the raw session id found a session")
		}
		if _, _, _, err := db.SessionUser(context.Background(), auth.HashSecret(b.cookie), time.Hour, time.Hour); err != nil {
			t.Errorf("session by hash: %v", err)
		}
		// State-changing requests need the form token …
		if r := b.post("/lang", url.Values{"lang": {"en"}}); r.StatusCode != http.StatusForbidden {
			t.Errorf("no token: %d", r.StatusCode)
		}
		if r := b.post("/lang", url.Values{"lang": {"en"}, "csrf": {"forged"}}); r.StatusCode != http.StatusForbidden {
			t.Errorf("forged token: %d", r.StatusCode)
		}
		// … and are refused cross-origin even with it.
		if r := b.post("/lang", url.Values{"lang": {"en"}, "csrf": {b.csrf}}, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site"); r.StatusCode != http.StatusForbidden {
			t.Errorf("cross-origin: %d", r.StatusCode)
		}
		if r := b.post("/lang", url.Values{"lang": {"en"}, "csrf": {b.csrf}, "next": {"/r/visits"}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/r/visits" {
			t.Errorf("language switch: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if r := b.get("/"); !strings.Contains(r.String(), `<html lang="en">`) || !strings.Contains(r.String(), "Dashboard") {
			t.Errorf("language not remembered: %.300s", r)
		}
		// The JSON API takes the session too, with the token in a header.
		if r := b.e.req("POST", "/api/v1/complaints", "", strings.NewReader(`{"complaint_id":"K9","class":"3","opened_at":"2016-01-10T08:00:00"}`),
			"Cookie", "__Host-csperf="+b.cookie, "Content-Type", "application/json", "X-CSRF-Token", b.csrf); r.StatusCode != http.StatusCreated {
			t.Errorf("API with session: %d %s", r.StatusCode, r)
		}
		// Idle for 31 minutes: signed out.
		e.now = e.now.Add(31 * time.Minute)
		if r := b.get("/"); r.StatusCode != http.StatusSeeOther || !strings.HasPrefix(r.Header.Get("Location"), "/login") {
			t.Errorf("after 31 idle minutes: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		// Active every 20 minutes, the session still ends after 12 hours.
		b, _ = e.signIn("agent", testPassword)
		start := e.now
		for e.now.Sub(start) < 12*time.Hour-20*time.Minute {
			e.now = e.now.Add(20 * time.Minute)
			if r := b.get("/records"); r.StatusCode != 200 {
				t.Fatalf("after %v: %d", e.now.Sub(start), r.StatusCode)
			}
		}
		e.now = start.Add(12*time.Hour + time.Minute)
		if r := b.get("/records"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("after 12 hours: %d", r.StatusCode)
		}
		// Sign-out ends the session on the server.
		b, _ = e.signIn("agent", testPassword)
		if r := b.post("/logout", url.Values{"csrf": {b.csrf}}); r.StatusCode != http.StatusSeeOther {
			t.Errorf("logout: %d", r.StatusCode)
		}
		if r := b.get("/"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("after logout: %d", r.StatusCode)
		}
		// A disabled user's session and token stop working.
		b, _ = e.signIn("viewer", testPassword)
		dis := true
		db.UpdateUser(context.Background(), "viewer", csperf.UserUpdate{Disabled: &dis})
		if r := b.get("/"); r.StatusCode != http.StatusSeeOther {
			t.Errorf("disabled user's session: %d", r.StatusCode)
		}
		if r := e.get("/api/v1/me", "viewer"); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("disabled user's token: %d", r.StatusCode)
		}
	})
}

func TestLockoutAndThrottle(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		for i := 0; i < 5; i++ {
			e.signIn("hr", "not the password")
		}
		if _, r := e.signIn("hr", testPassword); r.StatusCode != http.StatusUnauthorized || !strings.Contains(r.String(), "锁定") {
			t.Errorf("locked account signed in: %d", r.StatusCode)
		}
		e.now = e.now.Add(16 * time.Minute)
		if b, r := e.signIn("hr", testPassword); r.StatusCode != http.StatusSeeOther || b.cookie == "" {
			t.Errorf("after the lock: %d", r.StatusCode)
		}
		es, _, _ := db.ListAudit(context.Background(), csperf.AuditFilter{Action: "login.failed"})
		if len(es) != 5 {
			t.Errorf("%d failed sign-ins audited, want 5", len(es))
		}
		// The per-IP throttle: 20 attempts at once, then 429.
		e.srv.loginLimit = newLimiter(Rate{Burst: 3, Every: time.Minute}, func() time.Time { return e.now })
		for i := 0; i < 3; i++ {
			e.signIn("nobody", "x")
		}
		_, r := e.signIn("admin", testPassword)
		if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" {
			t.Errorf("throttle: %d %q", r.StatusCode, r.Header.Get("Retry-After"))
		}
		// The API per token, and exports.
		e.srv.apiLimit = newLimiter(Rate{Burst: 2, Every: time.Minute}, func() time.Time { return e.now })
		e.get("/api/v1/me", "viewer")
		e.get("/api/v1/me", "viewer")
		r = e.get("/api/v1/me", "viewer")
		if r.StatusCode != http.StatusTooManyRequests || r.Header.Get("Retry-After") == "" || !strings.Contains(r.String(), "too_many_requests") {
			t.Errorf("API limit: %d %s", r.StatusCode, r)
		}
		if r := e.get("/api/v1/me", "agent"); r.StatusCode != 200 {
			t.Errorf("another token is limited too: %d", r.StatusCode)
		}
		e.srv.exportLimit = newLimiter(Rate{Burst: 1, Every: time.Minute}, func() time.Time { return e.now })
		e.get("/export/visits", "agent")
		if r := e.get("/export/visits", "agent"); r.StatusCode != http.StatusTooManyRequests {
			t.Errorf("export limit: %d", r.StatusCode)
		}
	})
}

func TestPasswordPolicies(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		b, _ := e.signIn("agent", testPassword)
		// Standard: long enough, not common, not the current one.
		for _, pw := range []string{"short", "password1234", testPassword} {
			if r := b.post("/password", url.Values{"csrf": {b.csrf}, "current": {testPassword}, "password": {pw}, "confirm": {pw}}); r.StatusCode != http.StatusBadRequest {
				t.Errorf("standard accepted %q: %d", pw, r.StatusCode)
			}
		}
		if err := db.SetSetting(ctx, SettingAuthPolicy, auth.PolicyMLPS); err != nil {
			t.Fatal(err)
		}
		e.now = e.now.Add(time.Minute) // past the policy cache
		e.now = e.now.Add(91 * 24 * time.Hour)
		b, _ = e.signIn("agent", testPassword)
		if r := b.get("/r/visits"); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/password" {
			t.Fatalf("expired password: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if r := b.e.req("GET", "/api/v1/visits", "", nil, "Cookie", "__Host-csperf="+b.cookie); r.StatusCode != http.StatusForbidden {
			t.Errorf("API with an expired password: %d", r.StatusCode)
		}
		pws := []string{"Aa1!aaaa", "Bb2@bbbb", "Cc3#cccc", "Dd4$dddd", "Ee5%eeee"}
		cur := testPassword
		// Every change happens at the same instant of the test clock: the
		// history is keyed by a sequence, not by the time of the change.
		for _, pw := range pws {
			r := b.post("/password", url.Values{"csrf": {b.csrf}, "current": {cur}, "password": {pw}, "confirm": {pw}})
			if r.StatusCode != http.StatusSeeOther {
				t.Fatalf("change to %s: %d %.500s", pw, r.StatusCode, r)
			}
			cur = pw
			b, _ = e.signIn("agent", cur)
		}
		// The last five are refused; the one before them is allowed again.
		for _, pw := range pws {
			if r := b.post("/password", url.Values{"csrf": {b.csrf}, "current": {cur}, "password": {pw}, "confirm": {pw}}); r.StatusCode != http.StatusBadRequest {
				t.Errorf("reused %s: %d", pw, r.StatusCode)
			}
		}
		if r := b.post("/password", url.Values{"csrf": {b.csrf}, "current": {cur}, "password": {"alllowercase1"}, "confirm": {"alllowercase1"}}); r.StatusCode != http.StatusBadRequest {
			t.Errorf("two classes accepted: %d", r.StatusCode)
		}
		if r := b.get("/r/visits"); r.StatusCode != 200 {
			t.Errorf("after the change: %d", r.StatusCode)
		}
	})
}

func TestSecurityHeaders(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		for _, c := range []struct {
			path, role string
			store      bool
		}{{"/login", "", true}, {"/", "admin", true}, {"/api/v1/customers", "admin", true}, {"/static/app.js", "", false}, {"/nope", "", true}} {
			r := e.get(c.path, c.role)
			h := r.Header
			if !strings.Contains(h.Get("Content-Security-Policy"), "frame-ancestors 'none'") || !strings.Contains(h.Get("Content-Security-Policy"), "script-src 'self'") ||
				h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") != "same-origin" {
				t.Errorf("%s: headers %v", c.path, h)
			}
			if (h.Get("Cache-Control") == "no-store") != c.store {
				t.Errorf("%s: Cache-Control %q", c.path, h.Get("Cache-Control"))
			}
		}
		if r := e.get("/api/v1/nope", "admin"); r.StatusCode != 404 || !strings.Contains(r.String(), `"code":"not_found"`) {
			t.Errorf("unknown API path: %d %s", r.StatusCode, r)
		}
		if r := e.get("/nope", "admin"); r.StatusCode != 404 || !strings.Contains(r.String(), "未找到") {
			t.Errorf("unknown page: %d", r.StatusCode)
		}
		if r := e.get("/static/", ""); r.StatusCode != 404 {
			t.Errorf("static directory listing: %d", r.StatusCode)
		}
		// No page carries inline script or inline event handlers.
		for _, p := range []string{"/", "/r/complaints", "/r/complaints/new", "/churn", "/audit", "/users", "/import/visits"} {
			body := e.get(p, "admin").String()
			if strings.Contains(body, "<script>") || strings.Contains(body, " onclick=") || strings.Contains(body, "javascript:") || strings.Contains(body, " style=") {
				t.Errorf("%s has inline script or style", p)
			}
		}
	})
}

func TestTwoFactor(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		b, _ := e.signIn("manager", testPassword)
		page := b.get("/account/totp").String()
		i := strings.Index(page, `id="totp-secret">`)
		if i < 0 || !strings.Contains(page, `src="data:image/png;base64,`) {
			t.Fatalf("enrolment page: %.2000s", page)
		}
		secret := page[i+len(`id="totp-secret">`):]
		secret = secret[:strings.Index(secret, "<")]
		if r := b.post("/account/totp", url.Values{"csrf": {b.csrf}, "action": {"enable"}, "secret": {secret}, "code": {"000000"}}); r.StatusCode != http.StatusBadRequest {
			t.Errorf("wrong enrolment code: %d", r.StatusCode)
		}
		code, _ := totp.GenerateCode(secret, e.now)
		if r := b.post("/account/totp", url.Values{"csrf": {b.csrf}, "action": {"enable"}, "secret": {secret}, "code": {code}}); r.StatusCode != http.StatusSeeOther {
			t.Fatalf("enrol: %d %s", r.StatusCode, r)
		}
		// Signing in now takes two steps; the half-signed session can do
		// nothing else.
		b, r := e.signIn("manager", testPassword)
		if r.Header.Get("Location") != "/login/totp" {
			t.Fatalf("after the password: %s", r.Header.Get("Location"))
		}
		if r := b.get("/r/visits"); r.Header.Get("Location") != "/login/totp" {
			t.Errorf("pending session opened a page: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if r := b.e.req("GET", "/api/v1/me", "", nil, "Cookie", "__Host-csperf="+b.cookie); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("pending session used the API: %d", r.StatusCode)
		}
		tp := b.get("/login/totp").String()
		j := strings.Index(tp, `name="csrf" value="`)
		csrf := tp[j+len(`name="csrf" value="`):]
		csrf = csrf[:strings.Index(csrf, `"`)]
		if r := b.post("/login/totp", url.Values{"csrf": {csrf}, "code": {"123456"}}); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("wrong code: %d", r.StatusCode)
		}
		e.now = e.now.Add(30 * time.Second)
		code, _ = totp.GenerateCode(secret, e.now)
		if r := b.post("/login/totp", url.Values{"csrf": {csrf}, "code": {code}}); r.StatusCode != http.StatusSeeOther || r.Header.Get("Location") != "/" {
			t.Fatalf("right code: %d %s", r.StatusCode, r)
		}
		if r := b.get("/r/visits"); r.StatusCode != 200 {
			t.Errorf("after the code: %d", r.StatusCode)
		}
		// The same code, still inside its window, is refused the second
		// time; so is the code of the step before, and a fresh code of a
		// later step is accepted.
		b2, _ := e.signIn("manager", testPassword)
		tp = b2.get("/login/totp").String()
		j = strings.Index(tp, `name="csrf" value="`)
		csrf2 := tp[j+len(`name="csrf" value="`):]
		csrf2 = csrf2[:strings.Index(csrf2, `"`)]
		if r := b2.post("/login/totp", url.Values{"csrf": {csrf2}, "code": {code}}); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("replayed code: %d", r.StatusCode)
		}
		e.now = e.now.Add(30 * time.Second)
		prev, _ := totp.GenerateCode(secret, e.now.Add(-60*time.Second))
		if r := b2.post("/login/totp", url.Values{"csrf": {csrf2}, "code": {prev}}); r.StatusCode != http.StatusUnauthorized {
			t.Errorf("code of an earlier step: %d", r.StatusCode)
		}
		fresh, _ := totp.GenerateCode(secret, e.now)
		if r := b2.post("/login/totp", url.Values{"csrf": {csrf2}, "code": {fresh}}); r.StatusCode != http.StatusSeeOther {
			t.Errorf("fresh code after a replay: %d %s", r.StatusCode, r)
		}
		// Required for hr when the setting says so.
		if err := db.SetSetting(ctx, SettingTOTPRequired, "1"); err != nil {
			t.Fatal(err)
		}
		h, _ := e.signIn("hr", testPassword)
		if r := h.get("/audit"); r.Header.Get("Location") != "/account/totp" {
			t.Errorf("hr without a second factor: %d %s", r.StatusCode, r.Header.Get("Location"))
		}
		if r := h.get("/account/totp"); r.StatusCode != 200 {
			t.Errorf("enrolment page: %d", r.StatusCode)
		}
		a, _ := e.signIn("agent", testPassword)
		if r := a.get("/r/visits"); r.StatusCode != 200 {
			t.Errorf("agent is not required: %d", r.StatusCode)
		}
		// An admin can reset a user's second factor.
		ad, _ := e.signIn("admin", testPassword)
		_ = ad
		if err := db.SetSetting(ctx, SettingTOTPRequired, "0"); err != nil {
			t.Fatal(err)
		}
		ad, _ = e.signIn("admin", testPassword)
		if r := ad.post("/users/manager", url.Values{"csrf": {ad.csrf}, "totp_reset": {"1"}}); r.StatusCode != http.StatusSeeOther {
			t.Errorf("reset: %d %s", r.StatusCode, r)
		}
		if u, _ := db.UserByID(ctx, "manager"); u.TOTPSecret != "" {
			t.Error("second factor not reset")
		}
	})
}

func TestSelfServiceToken(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		b, _ := e.signIn("agent", testPassword)
		r := b.post("/account/tokens", url.Values{"csrf": {b.csrf}, "name": {"报表"}})
		i := strings.Index(r.String(), `id="new-token">`)
		if r.StatusCode != 200 || i < 0 {
			t.Fatalf("make token: %d %.500s", r.StatusCode, r)
		}
		tok := r.String()[i+len(`id="new-token">`):]
		tok = tok[:strings.Index(tok, "<")]
		// The token acts as the agent: own records only.
		r = e.req("GET", "/r/employees/B1", "", nil, "Authorization", "Bearer "+tok)
		if r.StatusCode != 404 {
			t.Errorf("token of the agent opened B1: %d", r.StatusCode)
		}
		var me struct{ Username, Role string }
		e.req("GET", "/api/v1/me", "", nil, "Authorization", "Bearer "+tok).json(t, &me)
		if me.Username != "agent" || me.Role != "agent" {
			t.Errorf("me = %+v", me)
		}
	})
}
