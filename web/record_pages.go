package web

import (
	"context"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"csperf"
)

// recordsIndex lists every kind the user may read.
func (s *Server) recordsIndex(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, msg(s.lang(r), "nav.records"), kindGroups())
	s.render(w, r, http.StatusOK, "records", p)
}

// column is one column of a list page.
type column struct {
	F        *csperf.Field
	Label    string
	SortHref string
	Sorted   string // "asc", "desc" or ""
}

type listRow struct {
	Href  string
	Cells []string
}

type enumFilter struct {
	Name, Label string
	Options     []option
}

type option struct {
	Value, Label string
	Selected     bool
}

type listData struct {
	Kind          *csperf.Kind
	Columns       []column
	Rows          []listRow
	Total         int
	From, To      int
	PrevHref      string
	NextHref      string
	Query         string
	DateFrom      string
	DateTo        string
	DateField     string
	Enums         []enumFilter
	ExportCSV     string
	ExportXLSX    string
	CanWrite      bool
	CanImport     bool
	Error         string
	HiddenFilters []option
	Defaulted     bool
}

// listPage is a kind's list: filters, sortable columns, pages, export.
func (s *Server) listPage(k *csperf.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := userOf(r)
		p := s.newPage(r, "", nil)
		p.Title = p.KindLabel(k)
		q := r.URL.Query()
		defaulted := false
		if r.URL.RawQuery == "" {
			// A list opened without filters shows the last three months,
			// newest first: event tables grow without bound, and counting
			// all of them on every page view is what makes lists slow.
			if df := datingField(k); df != "" && !slices.Contains(orgKinds, k.Name) && !slices.Contains(referenceKinds, k.Name) {
				m := csperf.DateOf(s.cfg.Now().In(s.cfg.Loc)).Month()
				q.Set("from", (m - 2).First().String())
				q.Set("sort", "-"+df)
				defaulted = true
			}
		}
		d := &listData{Defaulted: defaulted, Kind: k, CanWrite: canWrite(u, k), CanImport: policyImport.allows(u.Role),
			Query: q.Get("q"), DateFrom: q.Get("from"), DateTo: q.Get("to"), DateField: datingField(k)}
		f, err := listFilter(k, q, u, s.cfg.Loc)
		var recs []csperf.Record
		if err == nil {
			recs, d.Total, err = s.cfg.Records.ListRecords(r.Context(), k, f)
		}
		if err != nil {
			if csperf.ErrorCode(err) != csperf.EINVALID {
				s.fail(w, r, err)
				return
			}
			d.Error = localize(p.Lang, k, fieldMessage(err))
		}
		with := func(set map[string]string) string {
			v := url.Values{}
			for key, vals := range q {
				v[key] = vals
			}
			for key, val := range set {
				if val == "" {
					v.Del(key)
				} else {
					v.Set(key, val)
				}
			}
			return "?" + v.Encode()
		}
		for i := range k.Fields {
			fl := &k.Fields[i]
			c := column{F: fl, Label: p.FieldLabel(fl)}
			next := fl.Name
			switch f.Sort {
			case fl.Name:
				c.Sorted, next = "asc", "-"+fl.Name
			case "-" + fl.Name:
				c.Sorted = "desc"
			}
			c.SortHref = with(map[string]string{"sort": next, "offset": ""})
			d.Columns = append(d.Columns, c)
			if fl.Type == csperf.TEnum && len(d.Enums) < 3 {
				ef := enumFilter{Name: fl.Name, Label: c.Label, Options: []option{{Value: "", Label: p.T("list.any")}}}
				for _, code := range fl.Enum {
					ef.Options = append(ef.Options, option{Value: code, Label: p.EnumLabel(fl, code), Selected: q.Get(fl.Name) == code})
				}
				d.Enums = append(d.Enums, ef)
			}
		}
		for key, vals := range q {
			if !reserved[key] && len(vals) > 0 && vals[0] != "" && !isEnumFilter(d.Enums, key) {
				d.HiddenFilters = append(d.HiddenFilters, option{Value: vals[0], Label: key})
			}
		}
		for _, rec := range recs {
			row := listRow{Href: "/r/" + k.Name + "/" + url.PathEscape(recordID(k, rec))}
			for i := range k.Fields {
				row.Cells = append(row.Cells, s.display(p, &k.Fields[i], rec[k.Fields[i].Name], false))
			}
			d.Rows = append(d.Rows, row)
		}
		if len(recs) > 0 {
			d.From, d.To = f.Offset+1, f.Offset+len(recs)
		}
		if f.Offset > 0 {
			d.PrevHref = with(map[string]string{"offset": strconv.Itoa(max(0, f.Offset-f.Limit))})
		}
		if f.Offset+len(recs) < d.Total {
			d.NextHref = with(map[string]string{"offset": strconv.Itoa(f.Offset + f.Limit)})
		}
		d.ExportCSV = "/export/" + k.Name + with(map[string]string{"format": "csv", "offset": "", "limit": ""})
		d.ExportXLSX = "/export/" + k.Name + with(map[string]string{"format": "xlsx", "offset": "", "limit": ""})
		p.Data = d
		s.render(w, r, http.StatusOK, "list", p)
	}
}

func isEnumFilter(es []enumFilter, name string) bool {
	for _, e := range es {
		if e.Name == name {
			return true
		}
	}
	return false
}

// display is a value as a page shows it: masked personal data, enum
// labels, 是/否, times in the organisation's zone.
func (s *Server) display(p *page, f *csperf.Field, v any, unmask bool) string {
	if v == nil {
		return ""
	}
	switch x := v.(type) {
	case bool:
		if x {
			return p.T("bool.yes")
		}
		return p.T("bool.no")
	case time.Time:
		return x.In(s.cfg.Loc).Format("2006-01-02 15:04")
	}
	t := text(v, s.cfg.Loc)
	if f.Type == csperf.TEnum {
		return p.EnumLabel(f, t)
	}
	if f.PII != csperf.PIINone && !unmask {
		return csperf.Mask(f.PII, t)
	}
	return t
}

// formField is one input of a record form.
type formField struct {
	F           *csperf.Field
	Label       string
	Input       string // text, textarea, number, select, date, datetime-local
	Value       string
	Placeholder string
	Options     []option
	Error       string
	Required    bool
	ReadOnly    bool
	Min, Max    string
	PII         bool
}

// related is a link from a record to the lists of records that refer to
// it: an employee's visits and calls, a customer's whole history.
type related struct {
	Href, Label string
}

// relatedLinks lists, for a record of k with the single key id, every kind
// with a reference to k, filtered to this record.
func relatedLinks(p *page, k *csperf.Kind, id string) []related {
	if len(k.Key) != 1 {
		return nil
	}
	var out []related
	for _, child := range csperf.Kinds {
		for i := range child.Fields {
			f := &child.Fields[i]
			if f.Type != csperf.TRef || f.Ref != k.Name || (child == k && f.Name == k.Key[0]) {
				continue
			}
			out = append(out, related{Href: "/r/" + child.Name + "?" + url.Values{f.Name: {id}}.Encode(),
				Label: p.KindLabel(child) + " · " + p.FieldLabel(f)})
		}
	}
	return out
}

// event is one line of a customer's timeline.
type event struct {
	At      time.Time
	When    string
	Kind    string
	Href    string
	ID      string
	Summary string
}

// timelineKinds are the kinds a customer's timeline shows, with the fields
// that sum a record up.
var timelineKinds = []struct {
	kind    string
	summary []string
}{
	{"visits", []string{"advisor_id", "service_type", "amount"}},
	{"calls", []string{"direction", "agent_id", "resolved_first_contact"}},
	{"service_requests", []string{"channel", "category", "employee_id"}},
	{"complaints", []string{"class", "status", "cause", "employee_id"}},
	{"return_visit_plans", []string{"specialist_id", "mode", "purpose"}},
	{"return_visits", []string{"specialist_id", "satisfaction", "opinions"}},
	{"surveys", []string{"overall", "employee_id", "suggestions"}},
	{"contracts", []string{"expiry_date", "renewed", "employee_id"}},
	{"orders", []string{"product", "final_price", "employee_id"}},
	{"promises", []string{"content", "kept", "employee_id"}},
	{"change_requests", []string{"employee_id", "reason"}},
	{"proposals", []string{"title", "status"}},
}

// timeline merges, newest first, the latest records of every kind about
// customer id that u may see: whoever serves the customer next knows the
// history (SPEC §2).
func (s *Server) timeline(ctx context.Context, p *page, u *csperf.User, id string) ([]event, error) {
	const perKind, total = 20, 60
	var out []event
	for _, tk := range timelineKinds {
		k := csperf.KindByName(tk.kind)
		df := datingField(k)
		recs, _, err := s.cfg.Records.ListRecords(ctx, k, csperf.RecordFilter{Where: map[string]string{"customer_id": id},
			Sort: "-" + df, Limit: perKind, Scope: scope(u, k)})
		if err != nil {
			return nil, err
		}
		for _, rec := range recs {
			e := event{Kind: p.KindLabel(k), ID: recordID(k, rec), Href: "/r/" + k.Name + "/" + url.PathEscape(recordID(k, rec))}
			switch v := rec[df].(type) {
			case time.Time:
				e.At, e.When = v, v.In(s.cfg.Loc).Format("2006-01-02 15:04")
			case csperf.Date:
				e.At, e.When = v.Time(s.cfg.Loc), v.String()
			}
			var parts []string
			for _, n := range tk.summary {
				if v := rec[n]; v != nil {
					f := k.Field(n)
					parts = append(parts, p.FieldLabel(f)+" "+s.display(p, f, v, false))
				}
			}
			e.Summary = strings.Join(parts, " · ")
			out = append(out, e)
		}
	}
	slices.SortStableFunc(out, func(a, b event) int { return b.At.Compare(a.At) })
	if len(out) > total {
		out = out[:total]
	}
	return out, nil
}

type formData struct {
	Timeline []event
	Related  []related
	Kind     *csperf.Kind
	ID       string
	New      bool
	Fields   []formField
	Error    string
	Saved    bool
	CanWrite bool
	Unmasked bool
	CanMask  bool
	Action   string
	// SurveyHref makes a satisfaction survey link for this contact or
	// customer, for the roles that may.
	SurveyHref string
}

var longText = map[string]bool{"description": true, "content": true, "notes": true, "opinions": true, "actions": true,
	"suggestions": true, "comment": true, "purpose": true, "unresolvable_reason": true}

// form builds the inputs of a record form from the field descriptors.
// Personal data is never put into an input masked: its input is left
// empty, showing the masked value as a hint, and empty means unchanged.
func (s *Server) form(p *page, k *csperf.Kind, rec csperf.Record, isNew, unmask bool, errs map[string]string, raw url.Values) []formField {
	var out []formField
	for i := range k.Fields {
		f := &k.Fields[i]
		ff := formField{F: f, Label: p.FieldLabel(f), Required: f.Required && f.Default == "", Error: errs[f.Name], PII: f.PII != csperf.PIINone}
		ff.ReadOnly = !isNew && k.IsKey(f.Name)
		v := rec[f.Name]
		switch f.Type {
		case csperf.TDate:
			ff.Input = "date"
			ff.Value = text(v, nil)
		case csperf.TTime:
			ff.Input = "datetime-local"
			if t, ok := v.(time.Time); ok {
				ff.Value = t.In(s.cfg.Loc).Format("2006-01-02T15:04:05")
			}
		case csperf.TInt:
			ff.Input = "number"
			ff.Value = text(v, nil)
			if f.Min < f.Max {
				ff.Min, ff.Max = strconv.FormatInt(f.Min, 10), strconv.FormatInt(f.Max, 10)
			}
		case csperf.TBool:
			ff.Input = "select"
			cur := text(v, nil)
			ff.Options = []option{{Value: "", Label: "—"}, {Value: "1", Label: p.T("bool.yes"), Selected: cur == "1"}, {Value: "0", Label: p.T("bool.no"), Selected: cur == "0"}}
		case csperf.TEnum:
			ff.Input = "select"
			cur := text(v, nil)
			ff.Options = []option{{Value: "", Label: "—"}}
			for _, c := range f.Enum {
				ff.Options = append(ff.Options, option{Value: c, Label: p.EnumLabel(f, c), Selected: cur == c})
			}
		default:
			ff.Input = "text"
			if longText[f.Name] {
				ff.Input = "textarea"
			}
			ff.Value = text(v, nil)
			if ff.PII && !unmask && !isNew {
				ff.Placeholder, ff.Value = csperf.Mask(f.PII, ff.Value), ""
			}
		}
		if raw != nil && !ff.ReadOnly {
			// Re-showing a form with errors: what the user typed.
			typed := raw.Get(f.Name)
			ff.Value = typed
			for j := range ff.Options {
				ff.Options[j].Selected = ff.Options[j].Value == typed
			}
		}
		out = append(out, ff)
	}
	return out
}

// parseForm reads a record form: every field's error, not just the first.
// On update, fields left out of the form and empty personal-data inputs
// are unchanged.
func (s *Server) parseForm(k *csperf.Kind, form url.Values, isNew bool) (csperf.Record, map[string]string) {
	rec := csperf.Record{}
	errs := map[string]string{}
	for i := range k.Fields {
		f := &k.Fields[i]
		vals, present := form[f.Name]
		if !present || (!isNew && k.IsKey(f.Name)) {
			continue
		}
		if !isNew && f.PII != csperf.PIINone && strings.TrimSpace(vals[0]) == "" {
			continue
		}
		v, err := parseText(f, vals[0], s.cfg.Loc)
		if err != nil {
			errs[f.Name] = fieldMessage(err)
			continue
		}
		rec[f.Name] = v
	}
	return rec, errs
}

func fieldMessage(err error) string {
	var e *csperf.Error
	if errors.As(err, &e) {
		return e.Message
	}
	return csperf.ErrorMessage(err)
}

func (s *Server) newPageHandler(k *csperf.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		p := s.newPage(r, "", nil)
		p.Title = p.T("form.new", p.KindLabel(k))
		rec := csperf.Record{}
		// Links from other pages may preset fields (?customer_id=C001).
		for i := range k.Fields {
			if v := r.URL.Query().Get(k.Fields[i].Name); v != "" {
				if pv, err := parseText(&k.Fields[i], v, s.cfg.Loc); err == nil {
					rec[k.Fields[i].Name] = pv
				}
			}
		}
		if u := userOf(r); u.Role == csperf.RoleAgent && u.EmployeeID != "" {
			if sf := scopeField(k); sf != "" && rec[sf] == nil {
				rec[sf] = u.EmployeeID
			}
		}
		p.Data = &formData{Kind: k, New: true, CanWrite: true, Fields: s.form(p, k, rec, true, true, nil, nil), Action: "/r/" + k.Name}
		s.render(w, r, http.StatusOK, "form", p)
	}
}

func (s *Server) createPage(k *csperf.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := userOf(r)
		r.ParseForm()
		rec, errs := s.parseForm(k, r.PostForm, true)
		var err error
		if len(errs) == 0 {
			err = s.createRecord(r.Context(), u, k, rec)
		}
		if len(errs) > 0 || err != nil {
			s.formError(w, r, k, "", true, err, errs)
			return
		}
		http.Redirect(w, r, "/r/"+k.Name+"/"+url.PathEscape(recordID(k, rec))+"?saved=1", http.StatusSeeOther)
	}
}

// formError shows a form again with the store's or the parser's messages
// next to their fields.
func (s *Server) formError(w http.ResponseWriter, r *http.Request, k *csperf.Kind, id string, isNew bool, err error, errs map[string]string) {
	code := csperf.ErrorCode(err)
	if err != nil && code != csperf.EINVALID && code != csperf.ECONFLICT && code != csperf.EFORBIDDEN {
		s.fail(w, r, err)
		return
	}
	if errs == nil {
		errs = map[string]string{}
	}
	p := s.newPage(r, "", nil)
	d := &formData{Kind: k, ID: id, New: isNew, CanWrite: true}
	var e *csperf.Error
	if errors.As(err, &e) && e.Field != "" && k.Field(e.Field) != nil {
		errs[e.Field] = e.Message
	} else if err != nil {
		d.Error = localize(p.Lang, k, fieldMessage(err))
	}
	for f, m := range errs {
		errs[f] = localize(p.Lang, k, m)
	}
	if len(errs) > 0 && d.Error == "" {
		d.Error = p.T("form.fix")
	}
	rec := csperf.Record{}
	if !isNew {
		if cur, gerr := s.visible(r.Context(), userOf(r), k, splitKey(k, id)); gerr == nil {
			rec = cur
		}
		d.Action = "/r/" + k.Name + "/" + url.PathEscape(id)
		p.Title = p.KindLabel(k) + " " + id
	} else {
		d.Action = "/r/" + k.Name
		p.Title = p.T("form.new", p.KindLabel(k))
	}
	d.Fields = s.form(p, k, rec, isNew, false, errs, r.PostForm)
	d.CanMask = canUnmask(userOf(r))
	p.Data = d
	status := http.StatusBadRequest
	switch code {
	case csperf.ECONFLICT:
		status = http.StatusConflict
	case csperf.EFORBIDDEN:
		status = http.StatusForbidden
	}
	s.render(w, r, status, "form", p)
}

// recordPage shows one record: a form for those who may change it.
// ?unmask=1 reveals its personal data to those who may, and is audited.
func (s *Server) recordPage(k *csperf.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := userOf(r)
		id := r.PathValue("id")
		rec, err := s.visible(r.Context(), u, k, splitKey(k, id))
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
		p := s.newPage(r, "", nil)
		p.Title = p.KindLabel(k) + " " + id
		d := &formData{Kind: k, ID: id, CanWrite: canWrite(u, k), Saved: r.URL.Query().Get("saved") == "1",
			Unmasked: unmask, CanMask: canUnmask(u) && len(piiFields(k)) > 0, Action: "/r/" + k.Name + "/" + url.PathEscape(id)}
		d.Fields = s.form(p, k, rec, false, unmask, nil, nil)
		d.Related = relatedLinks(p, k, id)
		if s.cfg.Surveys != nil && policySurveyLinkCreate.allows(u.Role) {
			switch {
			case slices.Contains(csperf.SurveyLinkSources, k.Name):
				d.SurveyHref = "/survey-links?" + url.Values{"source_kind": {k.Name}, "source_id": {id}}.Encode()
			case k.Name == "customers":
				d.SurveyHref = "/survey-links?" + url.Values{"customer_id": {id}}.Encode()
			}
		}
		if k.Name == "customers" {
			if d.Timeline, err = s.timeline(r.Context(), p, u, id); err != nil {
				s.fail(w, r, err)
				return
			}
		}
		if !d.CanWrite || unmask {
			for i := range d.Fields {
				d.Fields[i].ReadOnly = true
				d.Fields[i].Value = s.display(p, d.Fields[i].F, rec[d.Fields[i].F.Name], unmask)
				d.Fields[i].Input = "text"
			}
		}
		p.Data = d
		s.render(w, r, http.StatusOK, "form", p)
	}
}

func (s *Server) updatePage(k *csperf.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		r.ParseForm()
		upd, errs := s.parseForm(k, r.PostForm, false)
		var err error
		if len(errs) == 0 {
			_, err = s.updateRecord(r.Context(), userOf(r), k, splitKey(k, id), upd)
		}
		if csperf.ErrorCode(err) == csperf.ENOTFOUND {
			s.fail(w, r, err)
			return
		}
		if len(errs) > 0 || err != nil {
			s.formError(w, r, k, id, false, err, errs)
			return
		}
		http.Redirect(w, r, "/r/"+k.Name+"/"+url.PathEscape(id)+"?saved=1", http.StatusSeeOther)
	}
}

func (s *Server) deletePage(k *csperf.Kind) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id := r.PathValue("id")
		err := s.deleteRecord(r.Context(), userOf(r), k, splitKey(k, id))
		if err != nil {
			if csperf.ErrorCode(err) == csperf.ECONFLICT {
				s.formError(w, r, k, id, false, err, nil)
				return
			}
			s.fail(w, r, err)
			return
		}
		http.Redirect(w, r, "/r/"+k.Name, http.StatusSeeOther)
	}
}
