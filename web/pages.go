package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode"

	"csperf"
	"csperf/churn"
)

// parsePages parses every page template together with the layout, once,
// at start-up: a broken template stops the server from starting.
func parsePages() (map[string]*template.Template, error) {
	names, err := fs.Glob(assets, "templates/*.html")
	if err != nil {
		return nil, err
	}
	out := map[string]*template.Template{}
	for _, n := range names {
		base := path.Base(n)
		if base == "layout.html" {
			continue
		}
		t, err := template.New(base).Funcs(template.FuncMap{
			"join": strings.Join,
			"has":  func(ss []string, s string) bool { return containsStr(ss, s) },
			"num":  trimNumber,
			"add":  func(a, b int) int { return a + b },
			// path escapes an id for one segment of a URL path: an id may
			// hold "/", "?" or "#" (the API takes training plan ids as
			// they come).
			"path": url.PathEscape,
			"deref": func(v any) any {
				rv := reflect.ValueOf(v)
				if rv.Kind() == reflect.Pointer && !rv.IsNil() {
					return rv.Elem().Interface()
				}
				return v
			},
			"rate": func(r *string) string {
				if r == nil {
					return "—"
				}
				return *r
			},
			"amount": func(a churn.Amount) string {
				b, _ := a.MarshalJSON()
				if a > 0 {
					return "+" + string(b)
				}
				return string(b)
			},
		}).ParseFS(assets, "templates/layout.html", n)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", base, err)
		}
		out[strings.TrimSuffix(base, ".html")] = t
	}
	return out, nil
}

// page is what every template gets: the language and its messages, the
// user, the form token, and the page's own data.
type page struct {
	Lang  string
	User  *csperf.User
	CSRF  string
	Title string
	Path  string
	Data  any
	s     *Server
	nav   []navItem
}

type navItem struct {
	Href, Label string
	Active      bool
}

// T returns the message key in the page's language, formatted with args.
func (p *page) T(key string, args ...any) string { return msg(p.Lang, key, args...) }

// L returns a message of the store (an alert's text, a reason) in the
// page's language.
func (p *page) L(m string) string { return localize(p.Lang, nil, m) }

// KindLabel is the kind's name in the page's language.
func (p *page) KindLabel(k *csperf.Kind) string {
	if p.Lang == "en" {
		return k.LabelEn
	}
	return k.Label
}

// KindLabelOf is the label of the kind named name, or name.
func (p *page) KindLabelOf(name string) string {
	if k := csperf.KindByName(name); k != nil {
		return p.KindLabel(k)
	}
	return name
}

// FieldLabel is the field's label in the page's language.
func (p *page) FieldLabel(f *csperf.Field) string {
	if p.Lang == "en" {
		return f.LabelEn
	}
	return f.Label
}

// EnumLabel is the label of an enum code in the page's language.
func (p *page) EnumLabel(f *csperf.Field, code string) string { return enumLabel(p.Lang, f, code) }

// Num formats an integer with thousands separators.
func (p *page) Num(n any) string {
	switch x := n.(type) {
	case int:
		return groupDigits(strconv.Itoa(x))
	case int64:
		return groupDigits(strconv.FormatInt(x, 10))
	}
	return fmt.Sprint(n)
}

// Position is a position code's name in the page's language.
func (p *page) Position(code string) string {
	for _, pos := range csperf.Positions {
		if pos.Code == code {
			if p.Lang == "en" {
				return pos.NameEN
			}
			return pos.NameZH
		}
	}
	return code
}

// Time formats an instant in the organisation's zone.
func (p *page) Time(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(p.s.cfg.Loc).Format("2006-01-02 15:04:05")
}

// Nav is the navigation of the layout for the user's role.
func (p *page) Nav() []navItem { return p.nav }

// Other is the language the switch offers.
func (p *page) Other() string {
	if p.Lang == "en" {
		return "zh"
	}
	return "en"
}

// HTMLLang is the lang attribute of the page.
func (p *page) HTMLLang() string {
	if p.Lang == "en" {
		return "en"
	}
	return "zh-CN"
}

func groupDigits(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, r := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

// enumLabel returns a code's label: in Chinese the shortest Chinese alias
// the registry gives for it; in English the catalog's "enum.CODE" or the
// code made readable.
func enumLabel(lang string, f *csperf.Field, code string) string {
	if lang != "en" {
		best := ""
		for alias, c := range f.EnumAliases {
			if c != code || !hasHan(alias) {
				continue
			}
			if best == "" || len([]rune(alias)) < len([]rune(best)) || (len([]rune(alias)) == len([]rune(best)) && alias < best) {
				best = alias
			}
		}
		if best != "" {
			return best
		}
		if m, ok := catalog["zh"]["enum."+code]; ok {
			return m
		}
		return code
	}
	if f.EnumAliases["满意"] == "5" { // the five satisfaction levels
		if m, ok := catalog["en"]["level."+code]; ok {
			return m
		}
	}
	if f.Name == "class" {
		return "Class " + code
	}
	if m, ok := catalog["en"]["enum."+code]; ok {
		return m
	}
	s := strings.ReplaceAll(code, "_", " ")
	if s == "" {
		return s
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}

// lang is the language of r: the user's, or for signed-out pages the
// "lang" cookie or query, Chinese by default.
func (s *Server) lang(r *http.Request) string {
	if u := userOf(r); u != nil {
		if u.Lang == "en" {
			return "en"
		}
		return "zh"
	}
	if l := r.URL.Query().Get("lang"); l == "en" || l == "zh" {
		return l
	}
	if c, err := r.Cookie("csperf-lang"); err == nil && c.Value == "en" {
		return "en"
	}
	return "zh"
}

// acceptLanguage picks zh or en from an Accept-Language header: the
// language of highest weight among Chinese and English, Chinese on a tie
// or when neither is named.
func acceptLanguage(h string) string {
	best, bestQ := "zh", -1.0
	for _, part := range strings.Split(h, ",") {
		tag, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		q := 1.0
		if v, ok := strings.CutPrefix(strings.TrimSpace(params), "q="); ok {
			if f, err := strconv.ParseFloat(v, 64); err == nil {
				q = f
			}
		}
		tag = strings.ToLower(tag)
		var lang string
		switch {
		case tag == "zh" || strings.HasPrefix(tag, "zh-"):
			lang = "zh"
		case tag == "en" || strings.HasPrefix(tag, "en-"):
			lang = "en"
		default:
			continue
		}
		if q > bestQ || (q == bestQ && lang == "zh") {
			best, bestQ = lang, q
		}
	}
	return best
}

// newPage returns the page data for r.
func (s *Server) newPage(r *http.Request, title string, data any) *page {
	ri := reqOf(r)
	p := &page{Lang: s.lang(r), User: ri.user, Title: title, Path: r.URL.Path, Data: data, s: s}
	if ri.sess != nil {
		p.CSRF = ri.sess.csrf
	}
	if ri.user != nil {
		p.nav = s.nav(p, r.URL.Path)
	}
	return p
}

func (s *Server) nav(p *page, current string) []navItem {
	u := p.User
	items := []navItem{{Href: "/", Label: p.T("nav.dashboard")}, {Href: "/records", Label: p.T("nav.records")}}
	items = append(items, navItem{Href: "/churn", Label: p.T("nav.churn")})
	if s.cfg.Perf != nil {
		items = append(items, navItem{Href: "/kpis", Label: p.T("nav.kpis")}, navItem{Href: "/goals", Label: p.T("nav.goals")},
			navItem{Href: "/alerts", Label: p.T("nav.alerts")}, navItem{Href: "/cycles", Label: p.T("nav.cycles")})
	}
	if s.cfg.Surveys != nil && policySurveyLinkRead.allows(u.Role) {
		items = append(items, navItem{Href: "/survey-links", Label: p.T("nav.survey_links")})
	}
	if policyImport.allows(u.Role) {
		items = append(items, navItem{Href: "/import", Label: p.T("nav.import")})
	}
	if policyAuditLog.allows(u.Role) {
		items = append(items, navItem{Href: "/audit", Label: p.T("nav.audit")})
	}
	if policyAdmin.allows(u.Role) {
		items = append(items, navItem{Href: "/users", Label: p.T("nav.users")}, navItem{Href: "/settings/org", Label: p.T("nav.org")})
	}
	for i := range items {
		h := items[i].Href
		items[i].Active = current == h || (h != "/" && strings.HasPrefix(current, h)) ||
			(h == "/records" && strings.HasPrefix(current, "/r/"))
	}
	return items
}

// render executes a page template into a buffer first, so that a failing
// template gives a clean 500 instead of half a page.
func (s *Server) render(w http.ResponseWriter, r *http.Request, status int, name string, p *page) {
	t := s.pages[name]
	if t == nil {
		s.cfg.Logger.Error("no template", "name", name)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", p); err != nil {
		s.cfg.Logger.Error("render", "template", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// errorPage shows an error in the page's language.
func (s *Server) errorPage(w http.ResponseWriter, r *http.Request, status int, err error) {
	p := s.newPage(r, "", nil)
	key := "error." + strconv.Itoa(status)
	if _, ok := catalog[p.Lang][key]; !ok {
		key = "error.500"
	}
	p.Title = p.T(key)
	detail := localize(p.Lang, nil, fieldMessage(err))
	if status == http.StatusInternalServerError {
		detail = ""
	}
	if status == http.StatusNotFound {
		detail = p.T("error.404.detail")
	}
	p.Data = map[string]any{"Status": status, "Detail": detail}
	s.render(w, r, status, "error", p)
}

// kindGroups returns the kinds in registry order, events first, then
// the organisation and customers, for the records index.
func kindGroups() [][]*csperf.Kind {
	var org, events []*csperf.Kind
	for _, k := range csperf.Kinds {
		if containsStr(orgKinds, k.Name) || k.Name == "customers" {
			org = append(org, k)
		} else {
			events = append(events, k)
		}
	}
	return [][]*csperf.Kind{events, org}
}

func containsStr(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}
