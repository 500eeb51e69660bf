// Package web serves csperf's web application and its JSON API: sign-in
// and sessions, role and scope checks on every route, server-rendered
// pages in Chinese and English, the /api/v1/ JSON API with its OpenAPI
// document, imports and exports. It sees the store only through the small
// interfaces of services.go.
//
// Decisions, for operators and API users:
//
//   - Every route is registered through Server.route with a policy (see
//     policy.go for the role table); a record outside the caller's scope
//     answers 404 exactly like a missing one, so ids cannot be probed.
//   - Composite keys appear in URLs joined with "~":
//     /api/v1/memberships/E0012~2015-01-01.
//   - API values: dates "YYYY-MM-DD", times RFC 3339 in the organisation's
//     zone (input without an offset is local time), money as decimal
//     strings; personal data masked unless the caller may unmask and asks
//     ?unmask=1, which is audited. Errors are
//     {"error":{"code","field","message"}} with the status chosen in one
//     place (statusOf).
//   - The session cookie is "__Host-csperf": Secure, HttpOnly,
//     SameSite=Lax, Path=/. Browsers keep Secure cookies from
//     http://localhost and http://127.0.0.1 (Chromium does; the browser
//     test signs in over http://127.0.0.1), so local use needs no TLS. For
//     plain HTTP on another address, Config.InsecureCookies (csperf serve
//     --insecure-cookies) names the cookie "csperf" without Secure.
//   - Sessions end after 30 idle minutes or 12 hours; only the hash of the
//     session id is stored. Cross-origin state-changing requests are
//     refused (http.CrossOriginProtection) and forms carry a per-session
//     token (header X-CSRF-Token for API calls made with the cookie).
//   - The client address is the TCP peer: X-Forwarded-For is not trusted.
//   - A TOTP code is accepted once: its time step must be later than the
//     last step accepted for the user (stored, claimed by one conditional
//     UPDATE), so a code seen over a shoulder cannot be replayed within
//     its window; the code that turns two-factor sign-in on counts too.
//   - The public survey form /s/{token} is described in survey.go.
//   - KPI values, goals and alerts follow the record scope: an agent may
//     ask only for their own employee id, a supervisor for their groups
//     and their members (403 naming "id" otherwise); alerts list for them
//     only those addressed to them. Cycle results, objections and
//     sign-off follow the scorecard package's rules, which the store
//     checks for the acting user (an employee reads their own result).
package web

import (
	"context"
	"crypto/subtle"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"strconv"
	"strings"
	"sync"
	"time"

	"csperf"
)

//go:embed templates static
var assets embed.FS

// Config is what a Server needs. Every store is required; cmd/csperf
// passes the same *sqlstore.DB for each.
type Config struct {
	Records  RecordStore
	Imports  ImportStore
	Users    UserStore
	Sessions SessionStore
	Audit    AuditStore
	Settings SettingStore
	Churn    ChurnStore
	// Perf serves KPIs, goals, alerts and cycles; without it those
	// routes are not registered.
	Perf PerfStore
	// Alerts evaluates targets and goals after every import (web upload
	// and API); without it imports raise no alerts until the next
	// scheduled evaluation.
	Alerts AlertEvaluator
	// Surveys keeps the survey links; without it the links and the
	// public survey form are not served.
	Surveys SurveyStore

	// Loc is the organisation's time zone (default Asia/Shanghai).
	Loc *time.Location
	// Now is the clock (default time.Now); tests replace it.
	Now func() time.Time
	// Logger receives one line per request and every handled error.
	Logger *slog.Logger
	// InsecureCookies names the session cookie "csperf" without the
	// Secure attribute, for plain HTTP on an address other than loopback
	// (browsers accept Secure cookies from http://localhost and
	// http://127.0.0.1, so local use needs no flag).
	InsecureCookies bool

	// Rates of the in-memory limiters; zero values take the defaults.
	LoginRate, APIRate, ExportRate Rate
	// SurveyRate limits the public survey form per client address,
	// SurveyTokenRate per link.
	SurveyRate, SurveyTokenRate Rate
}

// Session limits (issue #6).
const (
	idleTimeout     = 30 * time.Minute
	absoluteTimeout = 12 * time.Hour
	maxFailures     = 5
	lockout         = 15 * time.Minute
	maxUpload       = 256 << 20
)

// Route is one registered route and the policy that guards it.
type Route struct {
	Method  string
	Path    string
	Policy  string
	Kind    string // the record kind a per-kind route serves, or ""
	Records bool   // the route reads or writes records of Kind by id
}

// Server is the web application.
type Server struct {
	cfg     Config
	mux     *http.ServeMux
	routes  []Route
	pages   map[string]*template.Template
	handler http.Handler

	loginLimit, apiLimit, exportLimit *limiter
	surveyIPLimit, surveyTokenLimit   *limiter

	policies map[string]policy
	dash     dashCache
	// dashFlight and churnFlight share one computation among requests
	// that miss the same cache entry together.
	dashFlight, churnFlight flight

	churnMu    sync.Mutex
	churnCache map[string]churnEntry
	churnCfg   churnCfgEntry
	// kpiTileCache keeps the dashboard's KPI rows per scope under the
	// data stamp they were computed at.
	kpiTileMu    sync.Mutex
	kpiTileCache map[string]kpiTileEntry
	kpiFlight    flight
	// warmSem lets one dashboard warm-up run at a time (warmDashboard).
	warmSem chan struct{}

	dummyOnce sync.Once
	dummyHash string

	policyMu sync.Mutex
	policyAt time.Time
	policyV  string

	// alertMu guards the evaluation of alerts after imports: one runs at
	// a time, and alertAgain asks for one more when it ends.
	alertMu      sync.Mutex
	alertRunning bool
	alertAgain   bool
	// background counts the goroutines a request started (alert
	// evaluations); Wait lets tests and shutdown wait for them.
	background sync.WaitGroup
	bgCtx      context.Context
	bgCancel   context.CancelFunc
}

// Wait waits for the work requests started in the background (the alert
// evaluations after imports) to finish.
func (s *Server) Wait() { s.background.Wait() }

// Close cancels the work running in the background and waits for it; call
// it after the HTTP server has shut down, before closing the stores.
func (s *Server) Close() {
	s.bgCancel()
	s.background.Wait()
}

// New checks cfg, parses the templates (a broken one fails here, at
// start-up) and registers every route.
func New(cfg Config) (*Server, error) {
	if cfg.Records == nil || cfg.Imports == nil || cfg.Users == nil || cfg.Sessions == nil || cfg.Audit == nil || cfg.Settings == nil || cfg.Churn == nil {
		return nil, errors.New("web: every store of Config is required")
	}
	if cfg.Loc == nil {
		cfg.Loc = time.UTC
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if cfg.LoginRate.Burst == 0 {
		cfg.LoginRate = Rate{Burst: 20, Every: 3 * time.Second}
	}
	if cfg.APIRate.Burst == 0 {
		cfg.APIRate = Rate{Burst: 600, Every: 20 * time.Millisecond}
	}
	if cfg.ExportRate.Burst == 0 {
		cfg.ExportRate = Rate{Burst: 20, Every: 6 * time.Second}
	}
	if cfg.SurveyRate.Burst == 0 {
		cfg.SurveyRate = Rate{Burst: 30, Every: 2 * time.Second}
	}
	if cfg.SurveyTokenRate.Burst == 0 {
		cfg.SurveyTokenRate = Rate{Burst: 10, Every: 30 * time.Second}
	}
	s := &Server{cfg: cfg, mux: http.NewServeMux(), policies: map[string]policy{}}
	s.bgCtx, s.bgCancel = context.WithCancel(context.Background())
	s.warmSem = make(chan struct{}, 1)
	s.loginLimit = newLimiter(cfg.LoginRate, cfg.Now)
	s.apiLimit = newLimiter(cfg.APIRate, cfg.Now)
	s.exportLimit = newLimiter(cfg.ExportRate, cfg.Now)
	s.surveyIPLimit = newLimiter(cfg.SurveyRate, cfg.Now)
	s.surveyTokenLimit = newLimiter(cfg.SurveyTokenRate, cfg.Now)
	var err error
	if s.pages, err = parsePages(); err != nil {
		return nil, err
	}
	s.registerAPI()
	s.registerPerf()
	s.registerPDF()
	s.registerSurvey()
	s.registerPages()
	s.registerOrgPages()
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.fail(w, r, csperf.Errorf(csperf.EFORBIDDEN, "cross-origin request refused"))
	}))
	s.handler = s.logged(s.secured(cop.Handler(s.mux)))
	return s, nil
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

// Routes returns every registered route with its policy.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// PurgeSessions deletes expired sessions every interval until ctx is done.
func (s *Server) PurgeSessions(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			if _, err := s.cfg.Sessions.PurgeSessions(ctx, idleTimeout, absoluteTimeout); err != nil && ctx.Err() == nil {
				s.cfg.Logger.Error("purge sessions", "err", err)
			}
		}
	}
}

// routeOpt marks a route as serving records of a kind.
type routeOpt struct {
	kind    string
	records bool
}

// route registers h for pattern ("METHOD /path") behind policy p. It is
// the only way a handler reaches the mux, so no route lacks a policy.
func (s *Server) route(pattern string, p policy, h http.HandlerFunc, opts ...routeOpt) {
	if p.name == "" || (!p.public && len(p.roles) == 0) {
		panic("web: route " + pattern + " has no policy")
	}
	method, path, ok := strings.Cut(pattern, " ")
	if !ok {
		panic("web: route " + pattern + " has no method")
	}
	rt := Route{Method: method, Path: path, Policy: p.name}
	for _, o := range opts {
		rt.Kind, rt.Records = o.kind, o.records
	}
	s.routes = append(s.routes, rt)
	s.policies[p.name] = p
	api := strings.HasPrefix(path, "/api/")
	s.mux.HandleFunc(pattern, func(w http.ResponseWriter, r *http.Request) {
		if p.public {
			h(w, r)
			return
		}
		ri, err := s.authenticate(r)
		if err != nil {
			if api {
				s.fail(w, r, err)
			} else {
				http.Redirect(w, r, "/login?next="+safeNext(r.URL.RequestURI()), http.StatusSeeOther)
			}
			return
		}
		if ri.sess != nil && ri.sess.mfaPending {
			s.denyPending(w, r, api)
			return
		}
		if api {
			key := "u:" + ri.user.ID
			if ri.tokenHash != "" {
				key = "t:" + ri.tokenHash
			}
			if ok, wait := s.apiLimit.allow(key); !ok {
				s.tooMany(w, r, wait)
				return
			}
		}
		if ri.sess != nil && s.passwordExpired(r.Context(), ri.user) && !passwordExempt(path) {
			if api {
				s.fail(w, r, csperf.Errorf(csperf.EFORBIDDEN, "your password has expired; change it at /password"))
			} else {
				http.Redirect(w, r, "/password", http.StatusSeeOther)
			}
			return
		}
		if ri.sess != nil && ri.user.TOTPSecret == "" && !totpExempt(path) && s.totpRequired(r.Context(), ri.user) {
			if api {
				s.fail(w, r, csperf.Errorf(csperf.EFORBIDDEN, "your role must sign in with two factors; set it up at /account/totp"))
			} else {
				http.Redirect(w, r, "/account/totp", http.StatusSeeOther)
			}
			return
		}
		if !p.allows(ri.user.Role) {
			s.fail(w, r.WithContext(withReq(r.Context(), ri)), csperf.Errorf(csperf.EFORBIDDEN, "your role (%s) may not do this", ri.user.Role))
			return
		}
		if ri.sess != nil && !safeMethod(r.Method) {
			if strings.HasPrefix(r.Header.Get("Content-Type"), "multipart/") {
				r.Body = http.MaxBytesReader(w, r.Body, maxUpload)
			}
			tok := r.Header.Get("X-CSRF-Token")
			if tok == "" {
				tok = r.FormValue("csrf")
			}
			if subtle.ConstantTimeCompare([]byte(tok), []byte(ri.sess.csrf)) != 1 {
				s.fail(w, r, csperf.Errorf(csperf.EFORBIDDEN, "the form has expired; reload the page and try again"))
				return
			}
		}
		ctx := csperf.WithActor(r.Context(), csperf.Actor{UserID: ri.user.ID, IP: clientIP(r)})
		h(w, r.WithContext(withReq(ctx, ri)))
	})
}

func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// passwordExempt lists the pages a user whose password expired may still
// open: the change form, sign-out and the language switch.
func passwordExempt(path string) bool {
	return path == "/password" || path == "/logout" || path == "/lang" || path == "/api/v1/me"
}

// totpExempt lists the pages a user who must set up two-factor sign-in
// may open before doing so.
func totpExempt(path string) bool { return path == "/account/totp" || passwordExempt(path) }

// safeNext keeps a post-sign-in redirect on this site.
func safeNext(uri string) string {
	if !strings.HasPrefix(uri, "/") || strings.HasPrefix(uri, "//") || strings.HasPrefix(uri, "/\\") {
		return "/"
	}
	return uri
}

// clientIP is the peer's address. X-Forwarded-For is not trusted: put a
// proxy in front only together with a change here.
func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// reqInfo is who is calling, set by route.
type reqInfo struct {
	user      *csperf.User
	sess      *sessionInfo // nil for an API token
	tokenHash string

	// stamp is the store's data stamp, read at most once per request
	// (stampOf).
	stamp     string
	stampRead bool
}

type sessionInfo struct {
	hash, csrf string
	mfaPending bool
}

type reqKey struct{}

func withReq(ctx context.Context, ri *reqInfo) context.Context {
	return context.WithValue(ctx, reqKey{}, ri)
}

func reqOf(r *http.Request) *reqInfo {
	ri, _ := r.Context().Value(reqKey{}).(*reqInfo)
	if ri == nil {
		return &reqInfo{}
	}
	return ri
}

// userOf returns the signed-in user of r, nil on public routes.
func userOf(r *http.Request) *csperf.User { return reqOf(r).user }

// statusOf maps a csperf error code to an HTTP status, in one place.
func statusOf(err error) int {
	switch csperf.ErrorCode(err) {
	case csperf.EINVALID:
		var ie *csperf.ImportError
		if errors.As(err, &ie) {
			return http.StatusUnprocessableEntity
		}
		return http.StatusBadRequest
	case csperf.ENOTFOUND:
		return http.StatusNotFound
	case csperf.ECONFLICT:
		return http.StatusConflict
	case csperf.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case csperf.EFORBIDDEN:
		return http.StatusForbidden
	}
	var ie *csperf.ImportError
	if errors.As(err, &ie) {
		return http.StatusUnprocessableEntity
	}
	var mb *http.MaxBytesError
	if errors.As(err, &mb) {
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

// apiError is the JSON body of every API error.
type apiError struct {
	Code    string            `json:"code"`
	Field   string            `json:"field,omitempty"`
	Message string            `json:"message"`
	Rows    []csperf.RowError `json:"rows,omitempty"`
	Total   int               `json:"total,omitempty"`
	Lines   []string          `json:"lines,omitempty"`
	Refused []csperf.Refusal  `json:"refused,omitempty"`
}

// fail answers err: JSON on the API, an error page elsewhere. Internal
// errors are logged here, once, and shown without details.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	status := statusOf(err)
	if status == http.StatusInternalServerError {
		s.cfg.Logger.Error("request failed", "method", r.Method, "path", logPath(r), "err", err)
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		body := apiError{Code: csperf.ErrorCode(err), Message: csperf.ErrorMessage(err)}
		var e *csperf.Error
		if errors.As(err, &e) {
			body.Field, body.Message = e.Field, e.Message
		}
		var pe *csperf.PermissionError
		if errors.As(err, &pe) {
			body.Refused = pe.Refused
		}
		var ie *csperf.ImportError
		if errors.As(err, &ie) {
			body.Code, body.Message, body.Rows, body.Total = csperf.EINVALID, fmt.Sprintf("the import failed with %d errors; nothing was written", ie.Total), ie.Rows, ie.Total
			for _, row := range ie.Rows {
				body.Lines = append(body.Lines, row.Error())
			}
		}
		if status == http.StatusRequestEntityTooLarge {
			body.Code, body.Message = csperf.EINVALID, "the upload is too large"
		}
		if status == http.StatusInternalServerError {
			body.Code, body.Message = csperf.EINTERNAL, "internal error"
		}
		s.writeJSON(w, status, map[string]any{"error": body})
		return
	}
	s.errorPage(w, r, status, err)
}

// tooMany answers 429 with Retry-After in whole seconds.
func (s *Server) tooMany(w http.ResponseWriter, r *http.Request, wait time.Duration) {
	secs := int(wait.Seconds()) + 1
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	if strings.HasPrefix(r.URL.Path, "/api/") {
		s.writeJSON(w, http.StatusTooManyRequests, map[string]any{"error": apiError{Code: "too_many_requests", Message: fmt.Sprintf("too many requests; try again in %d s", secs)}})
		return
	}
	s.errorPage(w, r, http.StatusTooManyRequests, csperf.Errorf("too_many_requests", "too many requests; try again in %d s", secs))
}

// writeJSON writes v as JSON without HTML escaping (the churn report's
// comparisons read "<" and ">").
func (s *Server) writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		s.cfg.Logger.Warn("write json", "err", err)
	}
}

// csp allows only this origin's scripts, styles and images: no inline
// script, and no framing.
const csp = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// secured sets the security headers of every response and recovers from
// a panicking handler.
func (s *Server) secured(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		if !strings.HasPrefix(r.URL.Path, "/static/") {
			// Pages and API answers carry personal data: never cached.
			h.Set("Cache-Control", "no-store")
		}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.cfg.Logger.Error("panic", "method", r.Method, "path", logPath(r), "panic", v, "stack", string(debug.Stack()))
				http.Error(w, "internal error", http.StatusInternalServerError)
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// statusWriter remembers the status for the request log.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logged writes one line per request: method, path (ids, never query
// strings, which may carry searched names or phone numbers), status, time.
func (s *Server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if strings.HasPrefix(r.URL.Path, "/static/") {
			return
		}
		s.cfg.Logger.Debug("http", "method", r.Method, "path", logPath(r), "status", sw.status, "ms", time.Since(start).Milliseconds())
	})
}

// staticFS is the embedded static directory.
func staticFS() fs.FS {
	sub, err := fs.Sub(assets, "static")
	if err != nil {
		panic(err)
	}
	return sub
}

func (s *Server) policyByName(name string) *policy {
	p, ok := s.policies[name]
	if !ok {
		return nil
	}
	return &p
}

func itoa(n int) string { return strconv.Itoa(n) }

// logPath is the path a log line names: a survey link's token is a
// credential and is left out.
func logPath(r *http.Request) string {
	if strings.HasPrefix(r.URL.Path, "/s/") {
		return "/s/…"
	}
	return r.URL.Path
}
