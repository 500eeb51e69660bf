package web

import (
	"encoding/json"
	"fmt"
	"math/big"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"csperf"
	"csperf/importer"
	"csperf/kpi"
	"csperf/scorecard"
)

// registerPerfPages registers the KPI explorer, alerts, goals and cycles
// pages; they share the API's checks.
func (s *Server) registerPerfPages() {
	if s.cfg.Perf == nil {
		return
	}
	s.route("GET /kpis", policyKPIRead, s.kpisPage)
	s.route("GET /kpis/export", policyKPIRead, s.kpisExport)
	s.route("GET /alerts", policyAlertRead, s.alertsPage)
	s.route("POST /alerts/{id}/ack", policyAlertAck, s.alertAckPage)
	s.route("GET /goals", policyGoalRead, s.goalsPage)
	s.route("GET /goals/{id}", policyGoalRead, s.goalPage)
	s.route("GET /cycles", policyCycleRead, s.cyclesPage)
	s.route("GET /cycles/{id}", policyCycleRead, s.cyclePage)
	s.route("GET /cycles/{id}/results/{employee}", policyCycleRead, s.cycleResultPage)
	s.route("POST /cycles/{id}/objections", policyCycleOwn, s.cycleObjectionPage)
	s.route("POST /cycles/{id}/approve", policyCycleApprv, s.cycleApprovePage)
	s.registerCyclePages()
}

// kpiName is a definition's name in the page's language.
func kpiName(lang string, id, zh, en string) string {
	if lang == "en" && en != "" {
		return en
	}
	if zh != "" {
		return zh
	}
	if en != "" {
		return en
	}
	return id
}

// rowNumber is a row's value as a chart number (percent ×100), nil without
// value.
func rowNumber(unit kpi.Unit, num, den int64) *float64 {
	if den == 0 {
		return nil
	}
	return chartValue(unit, big.NewRat(num, den))
}

type kpiOption struct {
	ID, Name string
	Selected bool
}

type kpisData struct {
	KPIs              []kpiOption
	Scope, ID, Period string
	By                string
	Levels, Units     []string
	Rows              []kpi.Row
	Drill             []string // per row: the records behind its numerator
	Chart             string
	Error             string
	ExportCSV         string
	ExportXLSX        string
	ExportPDF         string
	CanDefine         bool // may define a custom KPI
	Defined           bool // one was just defined
}

// kpisPage is the KPI explorer: pick KPIs, a scope, an id, a period and a
// split; a table of the rows and, when split, a trend line.
func (s *Server) kpisPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, msg(s.lang(r), "nav.kpis"), nil)
	q := r.URL.Query()
	defs, err := s.cfg.Perf.KPIDefinitions(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	picked := q["kpi"]
	if len(picked) == 0 && len(defs) > 0 {
		picked = []string{defs[0].ID}
	}
	d := &kpisData{Scope: q.Get("scope"), ID: q.Get("id"), Period: q.Get("period"), By: q.Get("by"),
		Levels: []string{kpi.LevelEmployee, kpi.LevelGroup, kpi.LevelDepartment, kpi.LevelOrg},
		Units:  []string{"", kpi.UnitDay, kpi.UnitWeek, kpi.UnitMonth, kpi.UnitQuarter, kpi.UnitYear}}
	for _, def := range defs {
		d.KPIs = append(d.KPIs, kpiOption{ID: def.ID, Name: kpiName(p.Lang, def.ID, def.NameZH, def.NameEN), Selected: slices.Contains(picked, def.ID)})
	}
	ids := ""
	for i, id := range picked {
		if i > 0 {
			ids += ","
		}
		ids += id
	}
	kq, err := s.kpiQuery(r, ids)
	if d.Period == "" {
		d.Period = kq.Period.String()
	}
	if d.Scope == "" {
		d.Scope = kq.Level
	}
	if d.ID == "" {
		d.ID = kq.ID
	}
	if err == nil {
		d.Rows, err = s.kpiRows(r, kq)
	}
	if err != nil {
		if csperf.ErrorCode(err) == csperf.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		d.Error = localize(p.Lang, nil, fieldMessage(err))
	}
	byID := map[string]kpi.Definition{}
	for _, def := range defs {
		byID[def.ID] = def
	}
	for _, row := range d.Rows {
		d.Drill = append(d.Drill, drillLink(byID[row.KPI], row))
	}
	d.Chart = toJSON(explorerChart(p.Lang, d.Rows, d.Drill))
	d.CanDefine = s.perfWriter() != nil && policyKPIDefine.allows(userOf(r).Role)
	d.Defined = q.Get("defined") == "1"
	ex := url.Values{"scope": {kq.Level}, "id": {kq.ID}, "period": {kq.Period.String()}, "by": {kq.By}, "kpi": picked}
	d.ExportCSV = "/kpis/export?" + ex.Encode() + "&format=csv"
	d.ExportXLSX = "/kpis/export?" + ex.Encode() + "&format=xlsx"
	d.ExportPDF = "/kpis/pdf?" + ex.Encode()
	p.Data = d
	s.render(w, r, http.StatusOK, "kpis", p)
}

// kpiChart draws one line per KPI and scope id over the periods.
func kpiChart(lang string, rows []kpi.Row) chart {
	c := chart{Type: "line"}
	labels := map[string]int{}
	series := map[string]int{}
	for _, row := range rows {
		l := row.Period.String()
		if _, ok := labels[l]; !ok {
			labels[l] = len(c.Labels)
			c.Labels = append(c.Labels, l)
		}
	}
	for _, row := range rows {
		key := row.KPI + "|" + row.ID
		i, ok := series[key]
		if !ok {
			name := kpiName(lang, row.KPI, row.Name, row.NameEN)
			if row.ID != "" {
				name += " · " + row.ID
			}
			i = len(c.Series)
			series[key] = i
			c.Series = append(c.Series, chartSeries{Name: name, Data: make([]*float64, len(c.Labels)), Text: make([]string, len(c.Labels))})
		}
		c.Series[i].Data[labels[row.Period.String()]] = rowNumber(row.Unit, row.Numerator, row.Denominator)
		c.Series[i].Text[labels[row.Period.String()]] = row.Value
	}
	return c
}

// kpisExport writes the explorer's rows as CSV or XLSX (audited).
func (s *Server) kpisExport(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	if ok, wait := s.exportLimit.allow(u.ID); !ok {
		s.tooMany(w, r, wait)
		return
	}
	q := r.URL.Query()
	ids := ""
	for i, id := range q["kpi"] {
		if i > 0 {
			ids += ","
		}
		ids += id
	}
	kq, err := s.kpiQuery(r, ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows, err := s.kpiRows(r, kq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	format := q.Get("format")
	if format != importer.ExportXLSX {
		format = importer.ExportCSV
	}
	detail, _ := json.Marshal(map[string]any{"format": format, "rows": len(rows), "scope": kq.Level, "id": kq.ID, "period": kq.Period.String()})
	if err := s.cfg.Audit.Audit(r.Context(), "export", "kpis", "", string(detail)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", exportTypes[format])
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="kpi-%s.%s"`, kq.Period, format))
	ew, err := importer.NewWriter(format, w, []string{"kpi", "name", "name_en", "unit", "scope", "id", "scope_name", "period",
		"numerator", "denominator", "value", "target", "met", "previous_period", "previous", "change", "trend", "note"})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, row := range rows {
		met := ""
		if row.Met != nil {
			met = strconv.FormatBool(*row.Met)
		}
		if err := ew.Write([]string{row.KPI, row.Name, row.NameEN, string(row.Unit), row.Scope, row.ID, row.ScopeName, row.Period.String(),
			strconv.FormatInt(row.Numerator, 10), strconv.FormatInt(row.Denominator, 10), row.Value, row.Target, met,
			row.PreviousPeriod.String(), row.Previous, row.Change, row.Trend, row.Note}); err != nil {
			return
		}
	}
	ew.Close()
}

func (s *Server) alertsPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, msg(s.lang(r), "nav.alerts"), nil)
	f, err := alertFilter(userOf(r), r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	items, total, err := s.cfg.Perf.ListAlerts(r.Context(), f)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	d, err := s.alertsPageData(r, p.Lang, f, items, total)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "alerts", p)
}

func (s *Server) alertAckPage(w http.ResponseWriter, r *http.Request) {
	if _, err := s.ackAlert(r); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, alertsBack(r.FormValue("back")), http.StatusSeeOther)
}

func (s *Server) goalsPage(w http.ResponseWriter, r *http.Request) {
	p := s.newPage(r, msg(s.lang(r), "nav.goals"), nil)
	goals, err := s.cfg.Perf.Goals(r.Context(), kpi.GoalFilter{})
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var out []kpi.Goal
	for i := range goals {
		ok, err := s.goalVisible(r.Context(), userOf(r), &goals[i])
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if ok {
			out = append(out, goals[i])
		}
	}
	p.Data = map[string]any{"Items": out, "CanCreate": s.perfWriter() != nil && policyGoalWrite.allows(userOf(r).Role)}
	s.render(w, r, http.StatusOK, "goals", p)
}

func (s *Server) goalPage(w http.ResponseWriter, r *http.Request) {
	d, err := s.goalPageData(r, s.lang(r))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(r, d["Goal"].(*kpi.GoalProgress).Title, d)
	s.render(w, r, http.StatusOK, "goal", p)
}

func (s *Server) cyclesPage(w http.ResponseWriter, r *http.Request) {
	s.showCycles(w, r, http.StatusOK, nil)
}

func (s *Server) cyclePage(w http.ResponseWriter, r *http.Request) {
	s.showCycle(w, r, http.StatusOK, "")
}

func (s *Server) showCycle(w http.ResponseWriter, r *http.Request, status int, errMsg string) {
	v, err := s.cycleView(r, r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	u := userOf(r)
	x, err := s.cycleExtra(r, v.Cycle.ID)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	x.Computed = v.Cycle.ComputedAt != nil && v.Summary != nil
	x.MissingKPIs = v.missingKPIs
	if len(x.MissingKPIs) > maxMissingShown {
		x.MoreKPIs = len(x.MissingKPIs) - maxMissingShown
		x.MissingKPIs = x.MissingKPIs[:maxMissingShown]
	}
	p := s.newPage(r, v.Cycle.Name, nil)
	if done := r.URL.Query().Get("done"); done != "" && errMsg == "" {
		x.Notice = msg(p.Lang, "cycles.done."+doneKey(done))
	}
	p.Data = map[string]any{"V": v, "X": x,
		"CanObject":  u.EmployeeID != "" && v.Own != nil && (v.Cycle.State == scorecard.StateComputed || v.Cycle.State == scorecard.StateReviewed),
		"CanApprove": scorecard.CanApprove(u.Role) && v.Cycle.State == scorecard.StateComputed && v.Cycle.ComputedBy != u.ID,
		"Error":      localize(p.Lang, nil, errMsg),
		"Filed":      r.URL.Query().Get("filed") == "1"}
	s.render(w, r, status, "cycle", p)
}

// doneKey keeps the outcome notice's key to the known steps.
func doneKey(step string) string {
	switch step {
	case "collected", "compute", "close", "reopen", "answer":
		return step
	}
	return "other"
}

func (s *Server) cycleResultPage(w http.ResponseWriter, r *http.Request) {
	res, err := s.cfg.Perf.CycleResult(r.Context(), r.PathValue("id"), r.PathValue("employee"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(r, res.Name, nil)
	score := "—"
	if res.Score != nil {
		score = res.Score.String()
	}
	p.Data = map[string]any{"CycleID": r.PathValue("id"), "R": res, "Score": score}
	s.render(w, r, http.StatusOK, "cycle_result", p)
}

func (s *Server) cycleObjectionPage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if _, err := s.fileObjection(r, r.FormValue("employee_id"), r.FormValue("text")); err != nil {
		if csperf.ErrorCode(err) == csperf.EINTERNAL {
			s.fail(w, r, err)
			return
		}
		s.showCycle(w, r, statusOf(err), fieldMessage(err))
		return
	}
	http.Redirect(w, r, "/cycles/"+url.PathEscape(id)+"?filed=1", http.StatusSeeOther)
}

func (s *Server) cycleApprovePage(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := s.cfg.Perf.ApproveCycle(r.Context(), id); err != nil {
		s.fail(w, r, err)
		return
	}
	http.Redirect(w, r, "/cycles/"+url.PathEscape(id), http.StatusSeeOther)
}

// drillLink is the records list of the events behind row's numerator: the
// measure's kind over the row's period, with the measure's equality
// conditions on stored fields (direction = inbound, renewed = true),
// narrowed to the employee, or to the group's employees (?group=, see
// groupParam), or to the department when the kind has such a field; ""
// when the KPI reads no record kind (facts, churn).
func drillLink(def kpi.Definition, row kpi.Row) string {
	m := def.Numerator
	if m.Kind == "" && len(def.Denominator) > 0 {
		m = def.Denominator[0]
	}
	k := csperf.KindByName(m.Kind)
	if k == nil {
		return ""
	}
	v := url.Values{"from": {row.Period.Start.String()}, "to": {row.Period.End.String()}}
	if m.DateField != "" && k.Field(m.DateField) != nil {
		v.Set("field", m.DateField)
	}
	for _, c := range m.Filter {
		if f := k.Field(c.Field); c.Op == kpi.OpEq && f != nil && f.PII == csperf.PIINone && c.Value != "" {
			v.Set(c.Field, c.Value)
		}
	}
	switch {
	case row.Scope == kpi.LevelEmployee && row.ID != "" && scopeField(k) != "":
		v.Set(scopeField(k), row.ID)
	case row.Scope == kpi.LevelGroup && row.ID != "" && scopeField(k) != "":
		v.Set(groupParam, row.ID)
	case row.Scope == kpi.LevelGroup && row.ID != "" && k.Field("group_id") != nil:
		v.Set("group_id", row.ID)
	case row.Scope == kpi.LevelDepartment && row.ID != "" && k.Field("department_id") != nil:
		v.Set("department_id", row.ID)
	}
	return "/r/" + k.Name + "?" + v.Encode()
}
