package web

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"csperf"
	"csperf/auth"
)

// The satisfaction survey answered through a link (SPEC §1, §3, §13).
//
// Who may make a link: admin and manager for any contact; a supervisor
// for the contacts of the employees of their groups; an agent for their
// own contacts (SPEC §12 scopes, checked as for writing a survey record).
// Every role but hr may list the links in its scope; hr has no business
// with customer contacts. qa_inspector and viewer read, as they read the
// surveys themselves.
//
// The public page /s/{token} needs no sign-in. The token is 256 random
// bits (crypto/rand), shown once; only its SHA-256 is stored. An unknown
// and an expired token get the same 404 page, so the answer does not tell
// whether a token existed; an answered one says so (410). The page shows
// no personal data — not the customer's name, nor the employee's. Cross-
// origin posts are refused by the server's http.CrossOriginProtection,
// which needs no session; GET and POST are limited per client address and
// per token (429 with Retry-After). The token never reaches the request
// log: the path is logged as /s/….

var (
	policySurveyLinkRead   = allow("survey-link-read", csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor, csperf.RoleQA, csperf.RoleAgent, csperf.RoleViewer)
	policySurveyLinkCreate = allow("survey-link-create", csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor, csperf.RoleAgent)
)

// surveyTokenBytes is the size of a survey link's token: 256 bits.
const surveyTokenBytes = 32

// registerSurvey registers the survey-link pages, API and public form.
func (s *Server) registerSurvey() {
	if s.cfg.Surveys == nil {
		return
	}
	s.route("GET /survey-links", policySurveyLinkRead, s.surveyLinksPage)
	s.route("POST /survey-links", policySurveyLinkCreate, s.surveyLinkCreatePage)
	s.route("GET /api/v1/survey-links", policySurveyLinkRead, s.apiSurveyLinks)
	s.route("POST /api/v1/survey-links", policySurveyLinkCreate, s.apiSurveyLinkCreate)
	s.route("GET /s/{token}", policyPublic, s.surveyPublic)
	s.route("POST /s/{token}", policyPublic, s.surveyPublicSubmit)
}

// surveyScope is the scope of the links u may list: the survey record
// scope (an agent their own, a supervisor their groups').
func surveyScope(u *csperf.User) *csperf.Scope { return scope(u, csperf.KindByName("surveys")) }

// createSurveyLink checks that u may make a link for l's contact or
// employee, stores it and fills its token and URL.
func (s *Server) createSurveyLink(r *http.Request, l *csperf.SurveyLink) error {
	ctx := r.Context()
	u := userOf(r)
	l.SourceKind, l.SourceID = strings.TrimSpace(l.SourceKind), strings.TrimSpace(l.SourceID)
	l.CustomerID, l.EmployeeID = strings.TrimSpace(l.CustomerID), strings.TrimSpace(l.EmployeeID)
	if l.SourceKind != "" || l.SourceID != "" {
		if !slices.Contains(csperf.SurveyLinkSources, l.SourceKind) {
			return csperf.FieldErrorf("source_kind", "must be one of %s", strings.Join(csperf.SurveyLinkSources, ", "))
		}
		if l.SourceID == "" {
			return csperf.FieldErrorf("source_id", "is required with source_kind")
		}
		// A contact outside the caller's scope is answered like a
		// missing one.
		k := csperf.KindByName(l.SourceKind)
		if _, err := s.visible(ctx, u, k, []string{l.SourceID}); err != nil {
			if csperf.ErrorCode(err) == csperf.ENOTFOUND {
				return csperf.FieldErrorf("source_id", "no %s with id %s", strings.TrimSuffix(k.Name, "s"), l.SourceID)
			}
			return err
		}
	} else {
		if l.CustomerID == "" {
			return csperf.FieldErrorf("customer_id", "is required (or give a contact: source_kind and source_id)")
		}
		rec := csperf.Record{}
		if l.EmployeeID != "" {
			rec["employee_id"] = l.EmployeeID
		}
		if err := s.checkOwner(ctx, u, csperf.KindByName("surveys"), rec, true); err != nil {
			return err
		}
		l.EmployeeID, _ = rec["employee_id"].(string)
	}
	tok := auth.NewSecret(surveyTokenBytes)
	if err := s.cfg.Surveys.CreateSurveyLink(ctx, l, auth.HashSecret(tok)); err != nil {
		return err
	}
	l.Token = tok
	l.URL = requestOrigin(r) + "/s/" + tok
	return nil
}

// requestOrigin is the scheme and host the caller reached this server by,
// which the link it makes is for.
func requestOrigin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

type surveyLinksData struct {
	Links    []csperf.SurveyLink
	Total    int
	Status   string
	CanMake  bool
	Form     csperf.SurveyLink
	Sources  []string
	Created  *csperf.SurveyLink
	Error    string
	ErrField string
	Days     int
}

func (s *Server) surveyLinksPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	form := csperf.SurveyLink{SourceKind: q.Get("source_kind"), SourceID: q.Get("source_id"), CustomerID: q.Get("customer_id"), EmployeeID: q.Get("employee_id")}
	s.showSurveyLinks(w, r, http.StatusOK, form, nil, nil)
}

func (s *Server) showSurveyLinks(w http.ResponseWriter, r *http.Request, status int, form csperf.SurveyLink, created *csperf.SurveyLink, ferr error) {
	u := userOf(r)
	p := s.newPage(r, msg(s.lang(r), "survey.links"), nil)
	d := &surveyLinksData{Status: r.URL.Query().Get("status"), CanMake: policySurveyLinkCreate.allows(u.Role), Form: form,
		Sources: csperf.SurveyLinkSources, Created: created}
	if d.Status != "" && d.Status != csperf.SurveyLinkOpen && d.Status != csperf.SurveyLinkAnswered && d.Status != csperf.SurveyLinkExpired {
		d.Status = ""
	}
	if ferr != nil {
		d.Error = localize(p.Lang, nil, fieldMessage(ferr))
		var e *csperf.Error
		if asErr(ferr, &e) {
			d.ErrField = e.Field
		}
	}
	links, total, err := s.cfg.Surveys.SurveyLinks(r.Context(), csperf.SurveyLinkFilter{Status: d.Status, Scope: surveyScope(u), Limit: 200})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d.Links, d.Total = links, total
	p.Data = d
	s.render(w, r, status, "survey_links", p)
}

func asErr(err error, target **csperf.Error) bool {
	e, ok := err.(*csperf.Error)
	if ok {
		*target = e
	}
	return ok
}

func (s *Server) surveyLinkCreatePage(w http.ResponseWriter, r *http.Request) {
	l := &csperf.SurveyLink{SourceKind: r.FormValue("source_kind"), SourceID: r.FormValue("source_id"),
		CustomerID: r.FormValue("customer_id"), EmployeeID: r.FormValue("employee_id")}
	form := *l
	if err := s.createSurveyLink(r, l); err != nil {
		switch csperf.ErrorCode(err) {
		case csperf.EINVALID, csperf.EFORBIDDEN:
			s.showSurveyLinks(w, r, statusOf(err), form, nil, err)
		default:
			s.fail(w, r, err)
		}
		return
	}
	s.showSurveyLinks(w, r, http.StatusCreated, csperf.SurveyLink{}, l, nil)
}

// apiSurveyLinks is GET /api/v1/survey-links: the links in the caller's
// scope, newest first, without tokens.
func (s *Server) apiSurveyLinks(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	limit, offset := 100, 0
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 1000 {
			s.fail(w, r, csperf.FieldErrorf("limit", "must be a number from 1 to 1000"))
			return
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			s.fail(w, r, csperf.FieldErrorf("offset", "must be a number ≥ 0"))
			return
		}
		offset = n
	}
	links, total, err := s.cfg.Surveys.SurveyLinks(r.Context(), csperf.SurveyLinkFilter{Status: q.Get("status"), Scope: surveyScope(userOf(r)), Limit: limit, Offset: offset})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if links == nil {
		links = []csperf.SurveyLink{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"items": links, "total": total})
}

// apiSurveyLinkCreate is POST /api/v1/survey-links: the new link with its
// token and URL, shown this once.
func (s *Server) apiSurveyLinkCreate(w http.ResponseWriter, r *http.Request) {
	var body struct {
		CustomerID string `json:"customer_id"`
		EmployeeID string `json:"employee_id"`
		SourceKind string `json:"source_kind"`
		SourceID   string `json:"source_id"`
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		s.fail(w, r, csperf.Errorf(csperf.EINVALID, "the body must be a JSON object with customer_id, employee_id, source_kind and source_id"))
		return
	}
	l := &csperf.SurveyLink{CustomerID: body.CustomerID, EmployeeID: body.EmployeeID, SourceKind: body.SourceKind, SourceID: body.SourceID}
	if err := s.createSurveyLink(r, l); err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusCreated, l)
}

// The public form.

type surveyItem struct {
	Name, Label, Value, Error string
	Required                  bool
}

type surveyGroup struct {
	Title string
	Items []surveyItem
}

type surveyPageData struct {
	State       string // form, thanks, answered, gone
	Action      string
	Groups      []surveyGroup
	Levels      []surveyLevel
	Suggestions string
	SuggError   string
	Error       string
	ZHHref      string
	ENHref      string
}

type surveyLevel struct{ Value, Label string }

// surveyGroups are the seed 004 form's sections: product items, service
// items, overall.
var surveyGroups = []struct {
	title string
	items []string
}{
	{"survey.product", []string{"product_function", "product_quality", "product_price", "product_packaging"}},
	{"survey.service", []string{"service_attitude", "service_responsibility", "service_efficiency", "technical_skill", "complaint_handling", "repair_quality", "fault_resolution"}},
	{"survey.overall_section", []string{"overall"}},
}

// surveyAllowed applies the survey limits: per client address and per
// token.
func (s *Server) surveyAllowed(w http.ResponseWriter, r *http.Request, tokenHash string) bool {
	if ok, wait := s.surveyIPLimit.allow(clientIP(r)); !ok {
		s.tooMany(w, r, wait)
		return false
	}
	if ok, wait := s.surveyTokenLimit.allow(tokenHash); !ok {
		s.tooMany(w, r, wait)
		return false
	}
	return true
}

// validToken reports whether tok looks like a token this server makes, so
// that junk never reaches the database.
func validToken(tok string) bool {
	if len(tok) != 43 { // 32 bytes, base64url without padding
		return false
	}
	for _, c := range tok {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return false
		}
	}
	return true
}

func (s *Server) surveyPageFor(r *http.Request, state string) (*page, *surveyPageData) {
	p := s.newPage(r, "", nil)
	// The customer's browser language counts here, unlike on staff
	// pages (Chinese first, then the user's choice): ?lang= wins, then
	// Accept-Language.
	if l := r.URL.Query().Get("lang"); l != "zh" && l != "en" {
		p.Lang = acceptLanguage(r.Header.Get("Accept-Language"))
	}
	p.Title = p.T("survey.title")
	tok := r.PathValue("token")
	d := &surveyPageData{State: state, Action: "/s/" + tok + "?lang=" + p.Lang, ZHHref: "/s/" + tok + "?lang=zh", ENHref: "/s/" + tok + "?lang=en"}
	for v := 5; v >= 1; v-- {
		d.Levels = append(d.Levels, surveyLevel{Value: strconv.Itoa(v), Label: p.T("survey.level." + strconv.Itoa(v))})
	}
	k := csperf.KindByName("surveys")
	for _, g := range surveyGroups {
		sg := surveyGroup{Title: p.T(g.title)}
		for _, name := range g.items {
			sg.Items = append(sg.Items, surveyItem{Name: name, Label: p.FieldLabel(k.Field(name)), Value: r.PostFormValue(name), Required: name == "overall"})
		}
		d.Groups = append(d.Groups, sg)
	}
	d.Suggestions = r.PostFormValue("suggestions")
	p.Data = d
	return p, d
}

// surveyStatus renders the page for a link's state: 404 for an unknown or
// expired token (one page for both), 410 for an answered one.
func (s *Server) surveyGone(w http.ResponseWriter, r *http.Request, err error) {
	switch csperf.ErrorCode(err) {
	case csperf.ENOTFOUND:
		p, _ := s.surveyPageFor(r, "gone")
		s.render(w, r, http.StatusNotFound, "survey", p)
	case csperf.ECONFLICT:
		p, _ := s.surveyPageFor(r, "answered")
		s.render(w, r, http.StatusGone, "survey", p)
	default:
		s.fail(w, r, err)
	}
}

func (s *Server) surveyPublic(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	hash := auth.HashSecret(tok)
	if !s.surveyAllowed(w, r, hash) {
		return
	}
	if !validToken(tok) {
		s.surveyGone(w, r, csperf.Errorf(csperf.ENOTFOUND, "no such link"))
		return
	}
	l, err := s.cfg.Surveys.SurveyLinkByToken(r.Context(), hash)
	if err == nil && l.Status == csperf.SurveyLinkAnswered {
		err = csperf.Errorf(csperf.ECONFLICT, "answered")
	}
	if err != nil {
		s.surveyGone(w, r, err)
		return
	}
	p, _ := s.surveyPageFor(r, "form")
	s.render(w, r, http.StatusOK, "survey", p)
}

func (s *Server) surveyPublicSubmit(w http.ResponseWriter, r *http.Request) {
	tok := r.PathValue("token")
	hash := auth.HashSecret(tok)
	if !s.surveyAllowed(w, r, hash) {
		return
	}
	if !validToken(tok) {
		s.surveyGone(w, r, csperf.Errorf(csperf.ENOTFOUND, "no such link"))
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 1<<16)
	if err := r.ParseForm(); err != nil {
		s.fail(w, r, csperf.Errorf(csperf.EINVALID, "the form could not be read"))
		return
	}
	p, d := s.surveyPageFor(r, "form")
	answers := csperf.Record{}
	bad := false
	for gi := range d.Groups {
		for ii := range d.Groups[gi].Items {
			it := &d.Groups[gi].Items[ii]
			switch v := strings.TrimSpace(it.Value); {
			case v == "" && it.Required:
				it.Error, bad = p.T("survey.required"), true
			case v == "":
			case len(v) == 1 && v[0] >= '1' && v[0] <= '5':
				answers[it.Name] = v
			default:
				it.Error, bad = p.T("survey.bad_level"), true
			}
		}
	}
	if sug := strings.TrimSpace(d.Suggestions); sug != "" {
		if utf8.RuneCountInString(sug) > 2000 {
			d.SuggError, bad = p.T("survey.too_long", 2000), true
		}
		answers["suggestions"] = sug
	}
	if bad {
		d.Error = p.T("survey.fix")
		s.render(w, r, http.StatusBadRequest, "survey", p)
		return
	}
	ctx := csperf.WithActor(r.Context(), csperf.Actor{UserID: csperf.SurveyLinkActor, IP: clientIP(r)})
	if _, err := s.cfg.Surveys.AnswerSurvey(ctx, hash, answers); err != nil {
		if csperf.ErrorCode(err) == csperf.EINVALID {
			d.Error = p.T("survey.fix")
			s.render(w, r, http.StatusBadRequest, "survey", p)
			return
		}
		s.surveyGone(w, r, err)
		return
	}
	// A new survey moves satisfaction KPIs, as an import of surveys does.
	s.evaluateAlertsAfter("survey answer", "surveys")
	d.State = "thanks"
	s.render(w, r, http.StatusOK, "survey", p)
}
