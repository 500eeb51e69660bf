package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"csperf"
	"csperf/churn"
	"csperf/importer"
)

type churnData struct {
	Settings      *churn.Config
	SettingsError string
	Saved         bool
	Month         string
	Report        *churn.Report
	Closed        *churn.MonthState
	TrendChart    string
	GroupChart    string
	Churned       []churn.ChurnedRow
	ChurnedMore   int
	CanClose      bool
	CanReopen     bool
	Error         string
	ExportCSV     string
	ExportXLSX    string
	ExportPDF     string
	AverageLabel  string
}

// maxChurnedShown is how many churned customers the page lists; the
// export has them all.
const maxChurnedShown = 200

// churnPage is the monthly churn assessment: the department figure, each
// group, advisor, specialist and manager with result and amount, the
// department rate over 12 months, and the churned customers.
func (s *Server) churnPage(w http.ResponseWriter, r *http.Request) {
	s.showChurn(w, r, http.StatusOK, "")
}

func (s *Server) showChurn(w http.ResponseWriter, r *http.Request, status int, settingsErr string) {
	u := userOf(r)
	p := s.newPage(r, msg(s.lang(r), "nav.churn"), nil)
	m, err := s.churnMonth(r.URL.Query().Get("month"), "month")
	if err != nil {
		m = csperf.DateOf(s.cfg.Now().In(s.cfg.Loc)).Month() - 1
	}
	d := &churnData{Month: m.String(), CanClose: policyChurnManage.allows(u.Role), CanReopen: policyChurnReopen.allows(u.Role),
		ExportCSV: "/churn/export?month=" + m.String() + "&format=csv", ExportXLSX: "/churn/export?month=" + m.String() + "&format=xlsx",
		ExportPDF: "/churn/pdf?month=" + m.String()}
	if err != nil {
		d.Error = localize(p.Lang, nil, fieldMessage(err))
	}
	d.SettingsError = localize(p.Lang, nil, settingsErr)
	d.Saved = r.URL.Query().Get("saved") == "1"
	if d.CanClose {
		cfg, err := s.cfg.Churn.ChurnSettings(r.Context())
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d.Settings = &cfg
	}
	rep, err := s.churnReport(r, m, "")
	if err != nil {
		if csperf.ErrorCode(err) == csperf.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		d.Error = localize(p.Lang, nil, fieldMessage(err))
	} else {
		d.Report = rep
		d.AverageLabel = p.T("churn.average." + rep.AverageKind)
		d.GroupChart = toJSON(groupChart(p, rep))
		d.Churned = rep.ChurnedCustomers
		if len(d.Churned) > maxChurnedShown {
			d.ChurnedMore = len(d.Churned) - maxChurnedShown
			d.Churned = d.Churned[:maxChurnedShown]
		}
		// The department rate over the 12 months up to m.
		tc := chart{Type: "line", Unit: "%", Series: []chartSeries{{Name: p.T("churn.dept_rate")}}}
		for i := 11; i >= 0; i-- {
			mm := m - csperf.Month(i)
			tc.Labels = append(tc.Labels, mm.String())
			tc.Links = append(tc.Links, "/churn?month="+mm.String())
			var v *float64
			text := "—"
			if i == 0 {
				if rep.Department.Rate != nil {
					v, text = percentValue(*rep.Department.Rate), *rep.Department.Rate
				}
			} else if rr, err := s.churnReport(r, mm, ""); err == nil && rr.Department.Rate != nil {
				v, text = percentValue(*rr.Department.Rate), *rr.Department.Rate
			}
			tc.Series[0].Data = append(tc.Series[0].Data, v)
			tc.Series[0].Text = append(tc.Series[0].Text, text)
		}
		d.TrendChart = toJSON(tc)
	}
	closed, err := s.cfg.Churn.ClosedChurnMonths(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if i := slices.IndexFunc(closed, func(c churn.MonthState) bool { return c.Month == m }); i >= 0 {
		d.Closed = &closed[i]
	}
	p.Data = d
	s.render(w, r, status, "churn", p)
}

// churnSettingsPage stores the churn settings from the churn page's form
// (managers and admins; audited by the store).
func (s *Server) churnSettingsPage(w http.ResponseWriter, r *http.Request) {
	c, err := s.cfg.Churn.ChurnSettings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	err = func() error {
		n, err := strconv.Atoi(strings.TrimSpace(r.FormValue("threshold_months")))
		if err != nil {
			return csperf.FieldErrorf("threshold", "%q is not a whole number", r.FormValue("threshold_months"))
		}
		c.Threshold = n
		for _, a := range []struct {
			name string
			dst  *csperf.Money
		}{{"group_amount", &c.GroupAmount}, {"specialist_amount", &c.SpecialistAmount}, {"manager_amount", &c.ManagerAmount}} {
			m, err := csperf.ParseMoney(r.FormValue(a.name))
			if err != nil {
				return csperf.FieldErrorf(a.name, "%q is not an amount in yuan (at most two decimals)", r.FormValue(a.name))
			}
			*a.dst = m
		}
		c.Average = r.FormValue("average")
		c.TrialFrom, c.TrialTo = nil, nil
		for _, t := range []struct {
			name string
			dst  **csperf.Month
		}{{"trial_from", &c.TrialFrom}, {"trial_to", &c.TrialTo}} {
			if v := r.FormValue(t.name); v != "" {
				m, err := csperf.ParseMonth(v)
				if err != nil {
					return csperf.FieldErrorf(t.name, "%q is not a month (want YYYY-MM)", v)
				}
				*t.dst = &m
			}
		}
		return s.cfg.Churn.SetChurnSettings(r.Context(), c)
	}()
	s.forgetChurn()
	if err != nil {
		if csperf.ErrorCode(err) != csperf.EINVALID {
			s.fail(w, r, err)
			return
		}
		s.showChurn(w, r, http.StatusBadRequest, fieldMessage(err))
		return
	}
	http.Redirect(w, r, "/churn?saved=1&month="+url.QueryEscape(r.FormValue("month")), http.StatusSeeOther)
}

// churnExport writes month m's churned customers (within the caller's
// scope) as CSV or XLSX, audited like every export.
func (s *Server) churnExport(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	if ok, wait := s.exportLimit.allow(u.ID); !ok {
		s.tooMany(w, r, wait)
		return
	}
	q := r.URL.Query()
	m, err := s.churnMonth(q.Get("month"), "month")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format := q.Get("format")
	if format != importer.ExportXLSX && format != importer.ExportJSON {
		format = importer.ExportCSV
	}
	rep, err := s.churnReport(r, m, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	detail, _ := json.Marshal(map[string]any{"format": format, "rows": len(rep.ChurnedCustomers), "month": m.String()})
	if err := s.cfg.Audit.Audit(r.Context(), "export", "churn/"+m.String()+"/churned", "", string(detail)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", exportTypes[format])
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="churned-%s.%s"`, m, format))
	ew, err := importer.NewWriter(format, w, []string{"customer_id", "last_visit", "last_visit_id", "advisor_id", "group_id"})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, c := range rep.ChurnedCustomers {
		if err := ew.Write([]string{c.CustomerID, c.LastVisit.String(), c.LastVisitID, c.AdvisorID, c.GroupID}); err != nil {
			return
		}
	}
	ew.Close()
}

func (s *Server) churnClosePage(w http.ResponseWriter, r *http.Request) {
	m, err := csperf.ParseMonth(r.PathValue("month"))
	if err == nil {
		_, err = s.cfg.Churn.CloseChurnMonth(r.Context(), m)
		s.forgetChurn()
	}
	if err != nil && csperf.ErrorCode(err) != csperf.ECONFLICT {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/churn?month="+r.PathValue("month"), http.StatusSeeOther)
}

func (s *Server) churnReopenPage(w http.ResponseWriter, r *http.Request) {
	m, err := csperf.ParseMonth(r.PathValue("month"))
	if err == nil {
		err = s.cfg.Churn.ReopenChurnMonth(r.Context(), m, r.FormValue("reason"), userOf(r).Role == csperf.RoleAdmin)
		s.forgetChurn()
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/churn?month="+r.PathValue("month"), http.StatusSeeOther)
}
