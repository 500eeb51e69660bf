package web

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"csperf"
	"csperf/auth"
	"csperf/importer"
)

// importIndex lists the kinds a file can be imported into.
func (s *Server) importIndex(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, msg(s.lang(r), "nav.import"), csperf.Kinds)
	s.render(w, r, http.StatusOK, "imports", p)
}

type importData struct {
	Kind    *csperf.Kind
	Columns []string
	Result  *csperf.ImportResult
	Errors  []rowLine
	Total   int
	Error   string
}

func (s *Server) importPage(k *csperf.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(r, "", nil)
		p.Title = p.T("import.title", p.KindLabel(k))
		p.Data = &importData{Kind: k, Columns: importColumns(p, k)}
		s.render(w, r, http.StatusOK, "import", p)
	}
}

// importColumns lists a kind's columns for the upload page: name, label,
// and whether required.
func importColumns(p *page, k *csperf.Kind) []string {
	var out []string
	for i := range k.Fields {
		f := &k.Fields[i]
		c := f.Name + " (" + p.FieldLabel(f) + ")"
		if f.Required && f.Default == "" {
			c += " *"
		}
		out = append(out, c)
	}
	return out
}

// importSubmit imports an uploaded file and shows the result, or every row
// error exactly as the command line prints it; nothing is written then.
func (s *Server) importSubmit(k *csperf.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(r, "", nil)
		p.Title = p.T("import.title", p.KindLabel(k))
		d := &importData{Kind: k, Columns: importColumns(p, k)}
		p.Data = d
		status := http.StatusOK
		up, err := readUpload(w, r)
		if err == nil {
			defer up.done()
			d.Result, err = s.importUpload(r.Context(), k, up, r.FormValue("update") == "1")
		}
		var ie *csperf.ImportError
		switch {
		case err == nil:
		case errors.As(err, &ie):
			status, d.Total = http.StatusUnprocessableEntity, ie.Total
			for _, re := range ie.Rows {
				d.Errors = append(d.Errors, rowLine{Text: re.Error(), Local: localizeRow(p.Lang, k, re)})
			}
		case csperf.ErrorCode(err) == csperf.EINVALID:
			status, d.Error = http.StatusBadRequest, localize(p.Lang, k, fieldMessage(err))
		default:
			s.fail(w, r, err)
			return
		}
		s.render(w, r, status, "import", p)
	}
}

// rowLine is a row error as the command line prints it and, on Chinese
// pages, its reason in Chinese.
type rowLine struct {
	Text, Local string
}

type auditData struct {
	Entries  []csperf.AuditEntry
	Total    int
	User     string
	Action   string
	Object   string
	PrevHref string
	NextHref string
	Export   string
}

func auditFilter(q url.Values) (csperf.AuditFilter, error) {
	f := csperf.AuditFilter{UserID: q.Get("user"), Action: q.Get("action"), Object: q.Get("object")}
	var err error
	if f.Offset, err = intParam(q, "offset", 0); err != nil {
		return f, err
	}
	f.Limit, err = intParam(q, "limit", 50)
	return f, err
}

// auditPage lists the audit log, newest first, with filters.
func (s *Server) auditPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	f, err := auditFilter(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	es, total, err := s.cfg.Audit.ListAudit(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d := &auditData{Entries: es, Total: total, User: f.UserID, Action: f.Action, Object: f.Object}
	with := func(off int) string {
		v := url.Values{}
		for k, vals := range q {
			v[k] = vals
		}
		v.Set("offset", strconv.Itoa(off))
		return "?" + v.Encode()
	}
	if f.Offset > 0 {
		d.PrevHref = with(max(0, f.Offset-f.Limit))
	}
	if f.Offset+len(es) < total {
		d.NextHref = with(f.Offset + f.Limit)
	}
	ev := url.Values{"user": {f.UserID}, "action": {f.Action}, "object": {f.Object}, "format": {"csv"}}
	d.Export = "/audit/export?" + ev.Encode()
	s.render(w, r, http.StatusOK, "audit", s.newPage(r, msg(s.lang(r), "nav.audit"), d))
}

// auditExport writes the filtered audit log as CSV or XLSX (the export is
// itself audited).
func (s *Server) auditExport(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	if ok, wait := s.exportLimit.allow(u.ID); !ok {
		s.tooMany(w, r, wait)
		return
	}
	q := r.URL.Query()
	f, err := auditFilter(q)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format := q.Get("format")
	if format != importer.ExportXLSX {
		format = importer.ExportCSV
	}
	f.Offset, f.Limit = 0, 10000
	es, total, err := s.cfg.Audit.ListAudit(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	detail, _ := json.Marshal(map[string]any{"format": format, "rows": total})
	if err := s.cfg.Audit.Audit(r.Context(), "export", "audit_log", "", string(detail)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", exportTypes[format])
	w.Header().Set("Content-Disposition", `attachment; filename="audit.`+format+`"`)
	ew, err := importer.NewWriter(format, w, []string{"seq", "at", "user_id", "ip", "action", "object", "before", "after", "hash"})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for {
		for _, e := range es {
			if err := ew.Write([]string{strconv.FormatInt(e.Seq, 10), e.At.In(s.cfg.Loc).Format("2006-01-02 15:04:05"), e.UserID, e.IP, e.Action, e.Object, e.Before, e.After, e.Hash}); err != nil {
				return
			}
		}
		if len(es) < f.Limit {
			break
		}
		f.Offset += len(es)
		if es, _, err = s.cfg.Audit.ListAudit(r.Context(), f); err != nil {
			s.cfg.Logger.Error("audit export", "err", err)
			return
		}
	}
	ew.Close()
}

type usersData struct {
	Users []*csperf.User
	Roles []string
	Error string
	Done  string
}

func (s *Server) usersPage(w http.ResponseWriter, r *http.Request) {
	s.showUsers(w, r, http.StatusOK, "", r.URL.Query().Get("done"))
}

func (s *Server) showUsers(w http.ResponseWriter, r *http.Request, status int, errMsg, done string) {
	us, err := s.cfg.Users.ListUsers(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(r, msg(s.lang(r), "nav.users"), &usersData{Users: us, Roles: csperf.Roles, Error: localize(s.lang(r), nil, errMsg), Done: done})
	s.render(w, r, status, "users", p)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == ' ' || r == '，' }) {
		out = append(out, p)
	}
	return out
}

// userCreate adds a user with a first password that meets the policy.
func (s *Server) userCreate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	pw := r.FormValue("password")
	u := &csperf.User{Username: strings.TrimSpace(r.FormValue("username")), DisplayName: strings.TrimSpace(r.FormValue("display_name")),
		Role: r.FormValue("role"), EmployeeID: strings.TrimSpace(r.FormValue("employee_id")), GroupIDs: splitList(r.FormValue("groups"))}
	err := auth.CheckPassword(s.authPolicy(ctx), u.Username, pw)
	if err != nil {
		err = csperf.FieldErrorf("password", "%v", err)
	} else if u.PasswordHash, err = auth.HashPassword(pw); err == nil {
		err = s.cfg.Users.CreateUser(ctx, u)
	}
	if err != nil {
		if csperf.ErrorCode(err) == csperf.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		s.showUsers(w, r, http.StatusBadRequest, fieldMessage(err), "")
		return
	}
	http.Redirect(w, r, "/users?done="+url.QueryEscape(u.Username), http.StatusSeeOther)
}

// userUpdate changes a user's role, groups, state or password; any change
// ends the user's sessions, so that it applies at once.
func (s *Server) userUpdate(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	id := r.PathValue("id")
	target, err := s.cfg.Users.UserByID(ctx, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var upd csperf.UserUpdate
	if role := r.FormValue("role"); role != "" && role != target.Role {
		upd.Role = &role
	}
	if _, ok := r.PostForm["groups"]; ok {
		g := splitList(r.FormValue("groups"))
		if strings.Join(g, ",") != strings.Join(target.GroupIDs, ",") {
			upd.GroupIDs = &g
		}
	}
	if v := r.FormValue("disabled"); v != "" {
		b := v == "1"
		if b != target.Disabled {
			upd.Disabled = &b
		}
	}
	if pw := r.FormValue("password"); pw != "" {
		if err := auth.CheckPassword(s.authPolicy(ctx), target.Username, pw); err != nil {
			s.showUsers(w, r, http.StatusBadRequest, err.Error(), "")
			return
		}
		h, err := auth.HashPassword(pw)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		upd.PasswordHash = &h
	}
	if r.FormValue("totp_reset") == "1" && target.TOTPSecret != "" {
		none := ""
		upd.TOTPSecret = &none
	}
	if id == userOf(r).ID && ((upd.Role != nil && *upd.Role != csperf.RoleAdmin) || (upd.Disabled != nil && *upd.Disabled)) {
		s.showUsers(w, r, http.StatusBadRequest, msg(s.lang(r), "users.self"), "")
		return
	}
	if err := s.cfg.Users.UpdateUser(ctx, id, upd); err != nil {
		if csperf.ErrorCode(err) == csperf.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		s.showUsers(w, r, http.StatusBadRequest, fieldMessage(err), "")
		return
	}
	if id != userOf(r).ID && (upd.Role != nil || upd.GroupIDs != nil || upd.Disabled != nil || upd.PasswordHash != nil || upd.TOTPSecret != nil) {
		if err := s.cfg.Sessions.DeleteUserSessions(ctx, id); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	http.Redirect(w, r, "/users?done="+url.QueryEscape(target.Username), http.StatusSeeOther)
}
