package web

import (
	"bytes"
	"context"
	"crypto/subtle"
	"encoding/base64"
	"html/template"
	"image/png"
	"net/http"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"csperf"
	"csperf/auth"
)

// Two-factor sign-in with time-based one-time codes (RFC 6238), optional
// for everyone and required for admin and hr when the setting
// auth.totp_required is "1". A user with a TOTP secret signs in in two
// steps: the password opens a session marked as owing its second factor,
// which can do nothing but enter the code at /login/totp.

// SettingTOTPRequired is the setting that makes two-factor sign-in
// mandatory for admin and hr ("1").
const SettingTOTPRequired = "auth.totp_required"

var totpOpts = totp.ValidateOpts{Period: 30, Skew: 1, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}

// checkCode reports whether code is the user's current code (a step
// either side is accepted for clock drift) and returns the time step it
// belongs to, which the caller passes to UseTOTPStep so that no code is
// accepted twice.
func (s *Server) checkCode(secret, code string) (int64, bool) {
	code = strings.TrimSpace(code)
	if len(code) != 6 || secret == "" {
		return 0, false
	}
	now := s.cfg.Now().Unix()
	step := now / int64(totpOpts.Period)
	found, ok := int64(0), false
	// Every candidate is computed and compared, whichever matches, so the
	// time taken says nothing about which step matched.
	for d := -int64(totpOpts.Skew); d <= int64(totpOpts.Skew); d++ {
		at := time.Unix((step+d)*int64(totpOpts.Period), 0)
		want, err := totp.GenerateCodeCustom(secret, at, totpOpts)
		if err != nil {
			return 0, false
		}
		if subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 && !ok {
			found, ok = step+d, true
		}
	}
	return found, ok
}

// acceptCode checks code against the user's secret and claims its time
// step: a code whose step is not later than the last one accepted for the
// user is refused, so an observed code cannot be replayed within its
// window.
func (s *Server) acceptCode(ctx context.Context, userID, secret, code string) (bool, error) {
	step, ok := s.checkCode(secret, code)
	if !ok {
		return false, nil
	}
	return s.cfg.Users.UseTOTPStep(ctx, userID, step)
}

// totpRequired reports whether u must have a second factor before using
// the app.
func (s *Server) totpRequired(ctx context.Context, u *csperf.User) bool {
	if u.Role != csperf.RoleAdmin && u.Role != csperf.RoleHR {
		return false
	}
	v, ok, err := s.cfg.Settings.Setting(ctx, SettingTOTPRequired)
	return err == nil && ok && v == "1"
}

// pendingSession returns the session of r that still owes its code.
func (s *Server) pendingSession(r *http.Request) (*reqInfo, bool) {
	ri, err := s.authenticate(r)
	if err != nil || ri.sess == nil || !ri.sess.mfaPending {
		return nil, false
	}
	return ri, true
}

func (s *Server) totpLoginPage(w http.ResponseWriter, r *http.Request) {
	ri, ok := s.pendingSession(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	r = r.WithContext(withReq(r.Context(), ri))
	s.render(w, r, http.StatusOK, "totp_login", s.newPage(r, msg(s.lang(r), "totp.title"), map[string]any{}))
}

func (s *Server) totpLoginSubmit(w http.ResponseWriter, r *http.Request) {
	ri, ok := s.pendingSession(r)
	if !ok {
		http.Redirect(w, r, "/login", http.StatusSeeOther)
		return
	}
	r = r.WithContext(withReq(r.Context(), ri))
	if subtle.ConstantTimeCompare([]byte(r.FormValue("csrf")), []byte(ri.sess.csrf)) != 1 {
		s.fail(w, r, csperf.Errorf(csperf.EFORBIDDEN, "the form has expired; reload the page and try again"))
		return
	}
	if ok, wait := s.loginLimit.allow(clientIP(r)); !ok {
		s.tooMany(w, r, wait)
		return
	}
	ctx := csperf.WithActor(r.Context(), csperf.Actor{UserID: ri.user.ID, IP: clientIP(r)})
	ok, err := s.acceptCode(ctx, ri.user.ID, ri.user.TOTPSecret, r.FormValue("code"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if !ok {
		now := s.cfg.Now()
		err := s.cfg.Users.RecordLogin(ctx, ri.user.ID, false, maxFailures, now.Add(lockout))
		if err == nil {
			err = s.cfg.Audit.Audit(ctx, "login.totp_failed", "users/"+ri.user.ID, "", "")
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if u, err := s.cfg.Users.UserByID(ctx, ri.user.ID); err == nil && u.LockedUntil != nil && now.Before(*u.LockedUntil) {
			// Locked: this session ends; signing in again waits for the lock.
			s.cfg.Sessions.DeleteSession(ctx, ri.sess.hash)
			s.clearSessionCookie(w)
			p := s.newPage(r, msg(s.lang(r), "login.title"), map[string]any{"Next": "/", "Error": msg(s.lang(r), "login.locked")})
			p.User, p.nav = nil, nil
			s.render(w, r, http.StatusUnauthorized, "login", p)
			return
		}
		s.render(w, r, http.StatusUnauthorized, "totp_login", s.newPage(r, msg(s.lang(r), "totp.title"), map[string]any{"Error": msg(s.lang(r), "totp.wrong")}))
		return
	}
	if err := s.cfg.Users.RecordLogin(ctx, ri.user.ID, true, maxFailures, s.cfg.Now()); err != nil {
		s.fail(w, r, err)
		return
	}
	if err := s.cfg.Sessions.SetSessionMFA(ctx, ri.sess.hash, false); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

type totpData struct {
	Enabled  bool
	Required bool
	Secret   string
	URL      string
	QR       template.URL
	Error    string
	Done     string
}

// accountTOTP shows the user's two-factor state: a new secret and its QR
// code to enrol, or the form to turn it off.
func (s *Server) accountTOTP(w http.ResponseWriter, r *http.Request) {
	s.showTOTP(w, r, http.StatusOK, "", "", r.URL.Query().Get("done"))
}

func (s *Server) showTOTP(w http.ResponseWriter, r *http.Request, status int, secret, errMsg, done string) {
	u := userOf(r)
	d := &totpData{Enabled: u.TOTPSecret != "", Required: s.totpRequired(r.Context(), u), Error: errMsg, Done: done}
	if !d.Enabled {
		var key *otp.Key
		var err error
		if secret != "" {
			key, err = otp.NewKeyFromURL("otpauth://totp/csperf:" + u.Username + "?secret=" + secret + "&issuer=csperf")
		} else {
			key, err = totp.Generate(totp.GenerateOpts{Issuer: "csperf", AccountName: u.Username})
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Secret, d.URL = key.Secret(), key.URL()
		if img, err := key.Image(200, 200); err == nil {
			var buf bytes.Buffer
			if png.Encode(&buf, img) == nil {
				d.QR = template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(buf.Bytes()))
			}
		}
	}
	s.render(w, r, status, "totp", s.newPage(r, msg(s.lang(r), "totp.account"), d))
}

// accountTOTPSubmit turns two-factor sign-in on (with the secret shown
// and a code from it, proving the app holds it) or off (with the
// password; not while the policy requires it). Both are audited by the
// store.
func (s *Server) accountTOTPSubmit(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	lang := s.lang(r)
	switch r.FormValue("action") {
	case "enable":
		secret := strings.TrimSpace(r.FormValue("secret"))
		ok, err := s.acceptCode(r.Context(), u.ID, secret, r.FormValue("code"))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if !ok {
			s.showTOTP(w, r, http.StatusBadRequest, secret, msg(lang, "totp.wrong"), "")
			return
		}
		if err := s.cfg.Users.UpdateUser(r.Context(), u.ID, csperf.UserUpdate{TOTPSecret: &secret}); err != nil {
			s.fail(w, r, err)
			return
		}
	case "disable":
		if s.totpRequired(r.Context(), u) {
			s.showTOTP(w, r, http.StatusBadRequest, "", msg(lang, "totp.required"), "")
			return
		}
		if !auth.VerifyPassword(u.PasswordHash, r.FormValue("password")) {
			s.showTOTP(w, r, http.StatusBadRequest, "", msg(lang, "password.wrong"), "")
			return
		}
		none := ""
		if err := s.cfg.Users.UpdateUser(r.Context(), u.ID, csperf.UserUpdate{TOTPSecret: &none}); err != nil {
			s.fail(w, r, err)
			return
		}
	default:
		s.fail(w, r, csperf.FieldErrorf("action", "enable or disable"))
		return
	}
	http.Redirect(w, r, "/account/totp?done=1", http.StatusSeeOther)
}

// accountTokens shows the form that makes an API token for the user; a
// token acts with the user's role and scope.
func (s *Server) accountTokens(w http.ResponseWriter, r *http.Request) {
	s.render(w, r, http.StatusOK, "tokens", s.newPage(r, msg(s.lang(r), "tokens.title"), map[string]any{}))
}

// accountTokenCreate makes a new API token and shows it once; only its
// hash is stored (and the creation audited by the store).
func (s *Server) accountTokenCreate(w http.ResponseWriter, r *http.Request) {
	name := strings.TrimSpace(r.FormValue("name"))
	if name == "" || len([]rune(name)) > 100 {
		s.render(w, r, http.StatusBadRequest, "tokens", s.newPage(r, msg(s.lang(r), "tokens.title"), map[string]any{"Error": msg(s.lang(r), "tokens.name_needed")}))
		return
	}
	tok := "csp_" + auth.NewSecret(24)
	if err := s.cfg.Users.CreateToken(r.Context(), userOf(r).ID, name, auth.HashSecret(tok)); err != nil {
		s.fail(w, r, err)
		return
	}
	s.render(w, r, http.StatusOK, "tokens", s.newPage(r, msg(s.lang(r), "tokens.title"), map[string]any{"Token": tok, "Name": name}))
}
