package web

import (
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"csperf"
)

// maxBody is the largest JSON body the API reads.
const maxBody = 1 << 20

// registerAPI registers the JSON API: five routes for every record kind,
// its import and export, the churn assessment, the caller and the OpenAPI
// document.
func (s *Server) registerAPI() {
	for _, k := range csperf.Kinds {
		base := "/api/v1/" + k.Name
		s.route("GET "+base, readPolicy(k), s.apiList(k), routeOpt{kind: k.Name})
		s.route("GET "+base+"/{id}", readPolicy(k), s.apiGet(k), routeOpt{kind: k.Name, records: true})
		s.route("POST "+base, writePolicy(k), s.apiCreate(k), routeOpt{kind: k.Name})
		s.route("PATCH "+base+"/{id}", writePolicy(k), s.apiUpdate(k), routeOpt{kind: k.Name, records: true})
		s.route("DELETE "+base+"/{id}", writePolicy(k), s.apiDelete(k), routeOpt{kind: k.Name, records: true})
		s.route("GET /api/v1/export/"+k.Name, policyRecordsExport, s.export(k), routeOpt{kind: k.Name})
		s.route("POST /api/v1/import/"+k.Name, policyImport, s.apiImport(k), routeOpt{kind: k.Name})
	}
	s.route("GET /api/v1/me", policySignedIn, s.apiMe)
	s.route("GET /api/v1/openapi.json", policyPublic, s.apiOpenAPI)
	s.route("GET /api/v1/churn", policyChurnRead, s.apiChurn)
	s.route("GET /api/v1/churn/months", policyChurnRead, s.apiChurnMonths)
	s.route("GET /api/v1/churn/settings", policyChurnRead, s.apiChurnSettings)
	s.route("PUT /api/v1/churn/settings", policyChurnManage, s.apiSetChurnSettings)
	s.route("POST /api/v1/churn/{month}/close", policyChurnManage, s.apiCloseChurn)
	s.route("POST /api/v1/churn/{month}/reopen", policyChurnReopen, s.apiReopenChurn)
}

// reserved are the list parameters that are not field filters.
var reserved = map[string]bool{"from": true, "to": true, "field": true, "q": true, "sort": true, "offset": true,
	"limit": true, "unmask": true, "format": true, "csrf": true, "lang": true, "page": true}

// datingField is the field a kind's date range applies to by default: its
// first required date or time field (a visit's visit_date, a call's
// queued_at), or its first date or time field.
func datingField(k *csperf.Kind) string {
	first := ""
	for _, f := range k.Fields {
		if f.Type != csperf.TDate && f.Type != csperf.TTime {
			continue
		}
		if f.Required && !k.IsKey(f.Name) {
			return f.Name
		}
		if first == "" {
			first = f.Name
		}
	}
	return first
}

// listFilter reads a list's filter from query parameters: any field name
// filters by its exact value, from/to (YYYY-MM-DD) bound field (by default
// the kind's dating field), q searches text, sort names a field ("-" for
// descending), offset and limit page. Filtering by personal data needs the
// unmask permission, so that a masked list cannot be used to test numbers.
func listFilter(k *csperf.Kind, q url.Values, u *csperf.User, loc *time.Location) (csperf.RecordFilter, error) {
	f := csperf.RecordFilter{Where: map[string]string{}, Search: q.Get("q"), Sort: q.Get("sort")}
	for name, vals := range q {
		if reserved[name] || len(vals) == 0 || vals[0] == "" || (name == groupParam && k.Field(groupParam) == nil) {
			continue
		}
		fl := k.Field(name)
		if fl == nil {
			return f, csperf.FieldErrorf(name, "%s have no field %s", k.Name, name)
		}
		if fl.PII != csperf.PIINone && !canUnmask(u) {
			return f, csperf.FieldErrorf(name, "filtering by personal data needs the unmask permission")
		}
		v, err := filterText(fl, vals[0], loc)
		if err != nil {
			return f, err
		}
		f.Where[name] = v
	}
	for _, b := range []struct {
		name string
		dst  **csperf.Date
	}{{"from", &f.From}, {"to", &f.To}} {
		if v := q.Get(b.name); v != "" {
			d, err := csperf.ParseDate(v)
			if err != nil {
				return f, csperf.FieldErrorf(b.name, "%q is not a date (want YYYY-MM-DD)", v)
			}
			*b.dst = &d
		}
	}
	if f.From != nil || f.To != nil {
		f.Field = q.Get("field")
		if f.Field == "" {
			f.Field = datingField(k)
		}
	}
	var err error
	if f.Offset, err = intParam(q, "offset", 0); err != nil {
		return f, err
	}
	if f.Limit, err = intParam(q, "limit", 50); err != nil {
		return f, err
	}
	if f.Limit < 1 || f.Limit > 1000 {
		return f, csperf.FieldErrorf("limit", "must be between 1 and 1000")
	}
	if f.Offset < 0 {
		return f, csperf.FieldErrorf("offset", "must not be negative")
	}
	f.Scope = scope(u, k)
	if g := q.Get(groupParam); g != "" && k.Field(groupParam) == nil {
		sc, err := inGroup(k, u, g)
		if err != nil {
			return f, err
		}
		f.Scope = sc
	}
	return f, nil
}

// filterText parses a filter value as the field's own input and returns
// the text the store compares with: a date as YYYY-MM-DD, an instant in
// UTC, money in fen, a boolean as 1 or 0, an enum's code for its label.
func filterText(f *csperf.Field, s string, loc *time.Location) (string, error) {
	v, err := parseText(f, s, loc)
	if err != nil {
		return "", err
	}
	switch x := v.(type) {
	case time.Time:
		return x.UTC().Format("2006-01-02T15:04:05Z"), nil
	case csperf.Money:
		return strconv.FormatInt(int64(x), 10), nil
	}
	return text(v, nil), nil
}

func intParam(q url.Values, name string, def int) (int, error) {
	v := q.Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil {
		return 0, csperf.FieldErrorf(name, "%q is not a whole number", v)
	}
	return n, nil
}

// wantUnmask reports whether r asks to reveal personal data of k, and
// refuses when the user may not.
func wantUnmask(r *http.Request, k *csperf.Kind) (bool, error) {
	if v := r.URL.Query().Get("unmask"); v != "1" && v != "true" {
		return false, nil
	}
	if !canUnmask(userOf(r)) {
		return false, csperf.Errorf(csperf.EFORBIDDEN, "your role may not reveal personal data")
	}
	return len(piiFields(k)) > 0, nil
}

// piiFields lists the names of k's personal-data fields.
func piiFields(k *csperf.Kind) []string {
	var out []string
	for _, f := range k.Fields {
		if f.PII != csperf.PIINone {
			out = append(out, f.Name)
		}
	}
	return out
}

// auditUnmask records that personal data of object was revealed.
func (s *Server) auditUnmask(ctx context.Context, k *csperf.Kind, object string) error {
	return s.cfg.Audit.Audit(ctx, "unmask", object, "", strings.Join(piiFields(k), ","))
}

// listPage is the API's answer to a list.
type listPage struct {
	Items  []jsonRecord `json:"items"`
	Total  int          `json:"total"`
	Offset int          `json:"offset"`
	Limit  int          `json:"limit"`
}

func (s *Server) apiList(k *csperf.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := userOf(r)
		f, err := listFilter(k, r.URL.Query(), u, s.cfg.Loc)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		unmask, err := wantUnmask(r, k)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		recs, total, err := s.cfg.Records.ListRecords(r.Context(), k, f)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if unmask && len(recs) > 0 {
			ids := make([]string, len(recs))
			for i, rec := range recs {
				ids[i] = recordID(k, rec)
			}
			if err := s.cfg.Audit.Audit(r.Context(), "unmask", k.Name, "", strings.Join(piiFields(k), ",")+" of "+strings.Join(ids, ",")); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		out := listPage{Items: make([]jsonRecord, len(recs)), Total: total, Offset: f.Offset, Limit: f.Limit}
		for i, rec := range recs {
			out.Items[i] = jsonRecord{k: k, r: rec, loc: s.cfg.Loc, unmask: unmask}
		}
		s.writeJSON(w, http.StatusOK, out)
	}
}

func (s *Server) apiGet(k *csperf.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		rec, err := s.visible(r.Context(), userOf(r), k, splitKey(k, id))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		unmask, err := wantUnmask(r, k)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if unmask {
			if err := s.auditUnmask(r.Context(), k, k.Name+"/"+id); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		s.writeJSON(w, http.StatusOK, jsonRecord{k: k, r: rec, loc: s.cfg.Loc, unmask: unmask})
	}
}

func (s *Server) readRecord(w http.ResponseWriter, r *http.Request, k *csperf.Kind) (csperf.Record, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return nil, csperf.Errorf(csperf.EINVALID, "the body is too large or unreadable")
	}
	return parseJSONRecord(k, body, s.cfg.Loc)
}

func (s *Server) apiCreate(k *csperf.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		rec, err := s.readRecord(w, r, k)
		if err == nil {
			err = s.createRecord(r.Context(), userOf(r), k, rec)
		}
		if err != nil {
			s.fail(w, r, err)
			return
		}
		key := make([]string, len(k.Key))
		for i, n := range k.Key {
			key[i] = text(rec[n], nil)
		}
		got, err := s.cfg.Records.GetRecord(r.Context(), k, key)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		w.Header().Set("Location", "/api/v1/"+k.Name+"/"+url.PathEscape(recordID(k, got)))
		s.writeJSON(w, http.StatusCreated, jsonRecord{k: k, r: got, loc: s.cfg.Loc})
	}
}

// createRecord checks a new record against the caller's scope and stores
// it; pages and the API share it.
func (s *Server) createRecord(ctx context.Context, u *csperf.User, k *csperf.Kind, rec csperf.Record) error {
	if err := defaults(k, rec, s.cfg.Loc); err != nil {
		return err
	}
	for _, n := range k.Key {
		if rec[n] == nil {
			return csperf.FieldErrorf(n, "is required")
		}
	}
	if err := s.checkOwner(ctx, u, k, rec, true); err != nil {
		return err
	}
	return s.cfg.Records.CreateRecord(ctx, k, rec)
}

// updateRecord changes a record the caller can see, within their scope.
func (s *Server) updateRecord(ctx context.Context, u *csperf.User, k *csperf.Kind, key []string, upd csperf.Record) (csperf.Record, error) {
	if _, err := s.visible(ctx, u, k, key); err != nil {
		return nil, err
	}
	if err := s.checkOwner(ctx, u, k, upd, false); err != nil {
		return nil, err
	}
	return s.cfg.Records.UpdateRecord(ctx, k, key, upd)
}

// deleteRecord deletes a record the caller can see; the store refuses
// one that others refer to, and audits the delete.
func (s *Server) deleteRecord(ctx context.Context, u *csperf.User, k *csperf.Kind, key []string) error {
	if _, err := s.visible(ctx, u, k, key); err != nil {
		return err
	}
	return s.cfg.Records.DeleteRecord(ctx, k, key)
}

func (s *Server) apiUpdate(k *csperf.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		upd, err := s.readRecord(w, r, k)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		rec, err := s.updateRecord(r.Context(), userOf(r), k, splitKey(k, r.PathValue("id")), upd)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		s.writeJSON(w, http.StatusOK, jsonRecord{k: k, r: rec, loc: s.cfg.Loc})
	}
}

func (s *Server) apiDelete(k *csperf.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if err := s.deleteRecord(r.Context(), userOf(r), k, splitKey(k, r.PathValue("id"))); err != nil {
			s.fail(w, r, err)
			return
		}
		w.WriteHeader(http.StatusNoContent)
	}
}

// me is the caller as GET /api/v1/me shows them.
type me struct {
	*csperf.User
	CanUnmask bool     `json:"can_unmask"`
	Policies  []string `json:"policies"`
}

func (s *Server) apiMe(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	out := me{User: u, CanUnmask: canUnmask(u)}
	seen := map[string]bool{}
	for _, rt := range s.routes {
		if p := s.policyByName(rt.Policy); p != nil && !seen[rt.Policy] && !p.public && p.allows(u.Role) {
			seen[rt.Policy] = true
			out.Policies = append(out.Policies, rt.Policy)
		}
	}
	s.writeJSON(w, http.StatusOK, out)
}
