package web

import (
	"net/http"
	"strings"

	"csperf"
)

// registerPages registers the browser's pages and static files.
func (s *Server) registerPages() {
	static := http.FileServerFS(staticFS())
	s.route("GET /static/", policyPublic, func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r) // no directory listings
			return
		}
		w.Header().Set("Cache-Control", "public, max-age=3600")
		http.StripPrefix("/static/", static).ServeHTTP(w, r)
	})
	// Unknown pages answer in the app's own 404 page (JSON under /api/).
	s.route("GET /", policyPublic, func(w http.ResponseWriter, r *http.Request) {
		if ri, err := s.authenticate(r); err == nil && (ri.sess == nil || !ri.sess.mfaPending) {
			r = r.WithContext(withReq(r.Context(), ri))
		}
		s.fail(w, r, csperf.Errorf(csperf.ENOTFOUND, "no such page"))
	})
	s.route("GET /healthz", policyPublic, func(w http.ResponseWriter, r *http.Request) {
		s.writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	})
	s.route("GET /login", policyPublic, s.loginPage)
	s.route("POST /login", policyPublic, s.loginSubmit)
	s.route("GET /login/totp", policyPublic, s.totpLoginPage)
	s.route("POST /login/totp", policyPublic, s.totpLoginSubmit)
	s.route("GET /account/totp", policySignedIn, s.accountTOTP)
	s.route("POST /account/totp", policySignedIn, s.accountTOTPSubmit)
	s.route("GET /account/tokens", policySignedIn, s.accountTokens)
	s.route("POST /account/tokens", policySignedIn, s.accountTokenCreate)
	s.route("POST /logout", policySignedIn, s.logout)
	s.route("GET /password", policySignedIn, s.passwordPage)
	s.route("POST /password", policySignedIn, s.passwordSubmit)
	s.route("POST /lang", policySignedIn, s.setLang)
	s.route("GET /{$}", policySignedIn, s.dashboard)
	s.route("GET /records", policySignedIn, s.recordsIndex)
	for _, k := range csperf.Kinds {
		base := "/r/" + k.Name
		s.route("GET "+base, readPolicy(k), s.listPage(k), routeOpt{kind: k.Name})
		s.route("GET "+base+"/new", writePolicy(k), s.newPageHandler(k), routeOpt{kind: k.Name})
		s.route("POST "+base, writePolicy(k), s.createPage(k), routeOpt{kind: k.Name})
		s.route("GET "+base+"/{id}", readPolicy(k), s.recordPage(k), routeOpt{kind: k.Name, records: true})
		s.route("POST "+base+"/{id}", writePolicy(k), s.updatePage(k), routeOpt{kind: k.Name, records: true})
		s.route("POST "+base+"/{id}/delete", writePolicy(k), s.deletePage(k), routeOpt{kind: k.Name, records: true})
		s.route("GET /export/"+k.Name, policyRecordsExport, s.export(k), routeOpt{kind: k.Name})
		s.route("GET /import/"+k.Name, policyImport, s.importPage(k), routeOpt{kind: k.Name})
		s.route("POST /import/"+k.Name, policyImport, s.importSubmit(k), routeOpt{kind: k.Name})
	}
	s.route("GET /import", policyImport, s.importIndex)
	s.route("GET /churn", policyChurnRead, s.churnPage)
	s.route("GET /churn/export", policyRecordsExport, s.churnExport)
	s.route("POST /churn/settings", policyChurnManage, s.churnSettingsPage)
	s.route("POST /churn/{month}/close", policyChurnManage, s.churnClosePage)
	s.route("POST /churn/{month}/reopen", policyChurnReopen, s.churnReopenPage)
	s.route("GET /audit", policyAuditLog, s.auditPage)
	s.route("GET /audit/export", policyAuditLog, s.auditExport)
	s.route("GET /users", policyAdmin, s.usersPage)
	s.route("POST /users", policyAdmin, s.userCreate)
	s.route("POST /users/{id}", policyAdmin, s.userUpdate)
}

func (s *Server) loginPage(w http.ResponseWriter, r *http.Request) {
	if ri, err := s.authenticate(r); err == nil && ri.sess != nil && !ri.sess.mfaPending {
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	if l := r.URL.Query().Get("lang"); l == "en" || l == "zh" {
		http.SetCookie(w, &http.Cookie{Name: "csperf-lang", Value: l, Path: "/", MaxAge: 365 * 24 * 3600, SameSite: http.SameSiteLaxMode, Secure: !s.cfg.InsecureCookies, HttpOnly: true})
	}
	s.render(w, r, http.StatusOK, "login", s.newPage(r, msg(s.lang(r), "login.title"), map[string]any{"Next": safeNext(r.URL.Query().Get("next"))}))
}

func (s *Server) loginSubmit(w http.ResponseWriter, r *http.Request) {
	lang := s.lang(r)
	show := func(status int, message string) {
		p := s.newPage(r, msg(lang, "login.title"), map[string]any{"Next": safeNext(r.FormValue("next")), "Error": message, "Username": r.FormValue("username")})
		s.render(w, r, status, "login", p)
	}
	if ok, wait := s.loginLimit.allow(clientIP(r)); !ok {
		w.Header().Set("Retry-After", itoa(int(wait.Seconds())+1))
		show(http.StatusTooManyRequests, msg(lang, "login.throttled"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	u, err := s.signIn(r.Context(), r, r.FormValue("username"), r.FormValue("password"))
	if err != nil {
		if csperf.ErrorCode(err) == csperf.EUNAUTHORIZED {
			m := msg(lang, "login.wrong")
			if strings.Contains(err.Error(), "locked") {
				m = msg(lang, "login.locked")
			}
			show(http.StatusUnauthorized, m)
			return
		}
		s.fail(w, r, err)
		return
	}
	if err := s.startSession(r.Context(), w, r, u, u.TOTPSecret != ""); err != nil {
		s.fail(w, r, err)
		return
	}
	if u.TOTPSecret != "" {
		http.Redirect(w, r, "/login/totp", http.StatusSeeOther)
		return
	}
	s.warmDashboard(u)
	next := safeNext(r.FormValue("next"))
	if next == "/login" || strings.HasPrefix(next, "/login?") {
		next = "/"
	}
	http.Redirect(w, r, next, http.StatusSeeOther)
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	ri := reqOf(r)
	if ri.sess != nil {
		if err := s.cfg.Sessions.DeleteSession(r.Context(), ri.sess.hash); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	s.clearSessionCookie(w)
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

func (s *Server) passwordPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, msg(s.lang(r), "password.title"), map[string]any{
		"Expired": s.passwordExpired(r.Context(), userOf(r)), "Policy": s.authPolicy(r.Context())})
	s.render(w, r, http.StatusOK, "password", p)
}

func (s *Server) passwordSubmit(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	err := s.changePassword(r.Context(), u, r.FormValue("current"), r.FormValue("password"), r.FormValue("confirm"))
	if err != nil {
		if csperf.ErrorCode(err) != csperf.EINVALID {
			s.fail(w, r, err)
			return
		}
		p := s.newPage(r, msg(s.lang(r), "password.title"), map[string]any{
			"Expired": s.passwordExpired(r.Context(), u), "Policy": s.authPolicy(r.Context()), "Error": localize(s.lang(r), nil, fieldMessage(err))})
		s.render(w, r, http.StatusBadRequest, "password", p)
		return
	}
	// Every session of the user ended with the change; this browser gets a
	// new one.
	nu, err := s.cfg.Users.UserByID(r.Context(), u.ID)
	if err == nil {
		err = s.startSession(r.Context(), w, r, nu, false)
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/", http.StatusSeeOther)
}

// setLang switches the user's language and remembers it.
func (s *Server) setLang(w http.ResponseWriter, r *http.Request) {
	l := r.FormValue("lang")
	if l != "en" {
		l = "zh"
	}
	if err := s.cfg.Users.UpdateUser(r.Context(), userOf(r).ID, csperf.UserUpdate{Lang: &l}); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, safeNext(r.FormValue("next")), http.StatusSeeOther)
}
