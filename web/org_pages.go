package web

import (
	"net/http"

	"csperf"
	"csperf/pdf"
)

// registerOrgPages adds the organisation settings: the name that heads
// every PDF report, set by an admin on /settings/org or through
// /api/v1/settings/org, and audited (the setting's value before and after)
// by the store.
func (s *Server) registerOrgPages() {
	s.route("GET /settings/org", policyAdmin, s.orgPage)
	s.route("POST /settings/org", policyAdmin, s.saveOrgPage)
	s.route("GET /api/v1/settings/org", policyAdmin, s.apiOrg)
	s.route("PUT /api/v1/settings/org", policyAdmin, s.apiSetOrg)
}

// orgSettings is what the page shows and the API answers.
type orgSettings struct {
	// Name is the setting org.name, "" when it is not set.
	Name string `json:"name"`
	// Shown is the name documents show: Name, else the departments' names.
	Shown    string `json:"shown"`
	TimeZone string `json:"timezone"`
}

func (s *Server) orgSettings(r *http.Request) (*orgSettings, error) {
	v, _, err := s.cfg.Settings.Setting(r.Context(), csperf.SettingOrgName)
	if err != nil {
		return nil, err
	}
	shown, err := pdf.OrgName(r.Context(), s.cfg.Settings.Setting, s.cfg.Records)
	if err != nil {
		return nil, err
	}
	return &orgSettings{Name: v, Shown: shown, TimeZone: s.cfg.Loc.String()}, nil
}

// setOrgName checks and stores the name; the store audits the change.
func (s *Server) setOrgName(r *http.Request, name string) error {
	clean, err := csperf.CleanOrgName(name)
	if err != nil {
		return err
	}
	return s.cfg.Settings.SetSetting(r.Context(), csperf.SettingOrgName, clean)
}

func (s *Server) orgPage(w http.ResponseWriter, r *http.Request) {
	s.showOrg(w, r, http.StatusOK, nil, "")
}

func (s *Server) showOrg(w http.ResponseWriter, r *http.Request, status int, entered *string, errMsg string) {
	o, err := s.orgSettings(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	value := o.Name
	if entered != nil {
		value = *entered
	}
	p := s.newPage(r, msg(s.lang(r), "org.title"), nil)
	p.Data = map[string]any{"O": o, "Value": value, "Max": csperf.MaxOrgName, "Error": errMsg, "Saved": r.URL.Query().Get("saved") != ""}
	s.render(w, r, status, "org_settings", p)
}

func (s *Server) saveOrgPage(w http.ResponseWriter, r *http.Request) {
	name := r.FormValue("name")
	if err := s.setOrgName(r, name); err != nil {
		m, ok := s.pageError(w, r, err)
		if !ok {
			return
		}
		s.showOrg(w, r, statusOf(err), &name, m)
		return
	}
	http.Redirect(w, r, "/settings/org?saved=1", http.StatusSeeOther)
}

// apiOrg is GET /api/v1/settings/org: {"name", "shown", "timezone"}.
func (s *Server) apiOrg(w http.ResponseWriter, r *http.Request) {
	o, err := s.orgSettings(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, o)
}

// apiSetOrg is PUT /api/v1/settings/org {"name": "…"}: the name trimmed,
// 1 to 100 characters; it answers the settings as GET does.
func (s *Server) apiSetOrg(w http.ResponseWriter, r *http.Request) {
	var body struct {
		Name *string `json:"name"`
	}
	if err := decodeBody(w, r, &body, `{"name": "…"}`); err != nil {
		s.fail(w, r, err)
		return
	}
	if body.Name == nil {
		s.fail(w, r, csperf.FieldErrorf("name", "give the organisation's name"))
		return
	}
	if err := s.setOrgName(r, *body.Name); err != nil {
		s.fail(w, r, err)
		return
	}
	s.apiOrg(w, r)
}
