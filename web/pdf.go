package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"

	"csperf/pdf"
	"csperf/scorecard"
)

// The PDF exports of the churn report, the KPI explorer and a cycle's
// results. Each reads exactly what its page shows the caller (the same
// scope checks), is rate-limited and audited like every export, and is
// written in the caller's language with personal data masked.

func (s *Server) registerPDF() {
	s.route("GET /churn/pdf", policyRecordsExport, s.churnPDF)
	if s.cfg.Perf == nil {
		return
	}
	s.route("GET /kpis/pdf", policyKPIRead, s.kpisPDF)
	s.route("GET /cycles/{id}/pdf", policyCycleRead, s.cyclePDF)
	s.route("GET /cycles/{id}/results/{employee}/pdf", policyCycleRead, s.cycleResultPDF)
}

// pdfMeta is what a document says about itself: the organisation, now in
// its time zone, the signed-in user, the user's language.
func (s *Server) pdfMeta(r *http.Request) (pdf.Meta, error) {
	org, err := pdf.OrgName(r.Context(), s.cfg.Settings.Setting, s.cfg.Records)
	if err != nil {
		return pdf.Meta{}, err
	}
	u := userOf(r)
	by := u.Username
	if u.DisplayName != "" && u.DisplayName != u.Username {
		by = u.DisplayName + " (" + u.Username + ")"
	}
	return pdf.Meta{Lang: s.lang(r), Org: org, By: by, At: s.cfg.Now(), Loc: s.cfg.Loc}, nil
}

// sendPDF renders d, audits the export (object, detail) and sends the file.
// The document is rendered before anything is written, so that a failure
// is answered with an error page rather than half a file.
func (s *Server) sendPDF(w http.ResponseWriter, r *http.Request, d *pdf.Document, object, filename string, detail map[string]any) {
	var buf bytes.Buffer
	if err := pdf.Write(&buf, d); err != nil {
		s.fail(w, r, err)
		return
	}
	detail["format"] = "pdf"
	detail["lang"] = d.Lang
	after, _ := json.Marshal(detail)
	if err := s.cfg.Audit.Audit(r.Context(), "export", object, "", string(after)); err != nil {
		s.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", pdf.ContentType)
	w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="%s"`, fileName(filename)))
	w.Header().Set("Content-Length", fmt.Sprint(buf.Len()))
	w.Write(buf.Bytes())
}

// exportAllowed applies the export rate limit; false when it answered 429.
func (s *Server) exportAllowed(w http.ResponseWriter, r *http.Request) bool {
	if ok, wait := s.exportLimit.allow(userOf(r).ID); !ok {
		s.tooMany(w, r, wait)
		return false
	}
	return true
}

// churnPDF is the churn report of ?month= as the caller's churn page shows
// it, with every churned customer (name, masked phone) rather than the
// page's first 200.
func (s *Server) churnPDF(w http.ResponseWriter, r *http.Request) {
	if !s.exportAllowed(w, r) {
		return
	}
	m, err := s.churnMonth(r.URL.Query().Get("month"), "month")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.churnReport(r, m, "")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	ids := make([]string, len(rep.ChurnedCustomers))
	for i, c := range rep.ChurnedCustomers {
		ids[i] = c.CustomerID
	}
	names, err := pdf.LoadNames(r.Context(), s.cfg.Records, ids)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	meta, err := s.pdfMeta(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sendPDF(w, r, pdf.Churn(meta, rep, names), "churn/"+m.String(), "churn-"+m.String()+".pdf",
		map[string]any{"month": m.String(), "rows": len(rep.ChurnedCustomers)})
}

// kpisPDF is the KPI explorer's rows for the same query string.
func (s *Server) kpisPDF(w http.ResponseWriter, r *http.Request) {
	if !s.exportAllowed(w, r) {
		return
	}
	picked := r.URL.Query()["kpi"]
	kq, err := s.kpiQuery(r, strings.Join(picked, ","))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rows, err := s.kpiRows(r, kq)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	meta, err := s.pdfMeta(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	q := pdf.KPIQuery{KPIs: kq.KPIs, Level: kq.Level, ID: kq.ID, Period: kq.Period.String(), By: kq.By}
	s.sendPDF(w, r, pdf.KPIs(meta, q, rows), "kpis", "kpi-"+kq.Period.String()+".pdf",
		map[string]any{"rows": len(rows), "scope": kq.Level, "id": kq.ID, "period": kq.Period.String()})
}

// cyclePDF is a cycle's results as its page shows them to the caller: all
// of them for those who may read them all, the caller's own otherwise.
func (s *Server) cyclePDF(w http.ResponseWriter, r *http.Request) {
	if !s.exportAllowed(w, r) {
		return
	}
	id := r.PathValue("id")
	v, err := s.cycleView(r, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	meta, err := s.pdfMeta(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// The view keeps table rows; the document wants the whole results
	// (coefficient, bonus base), read under the same rule.
	d := pdf.Cycle(meta, v.Cycle, v.Summary, v.SHA256, nil)
	if v.Summary != nil {
		comp, _, err := s.cfg.Perf.CycleComputation(r.Context(), id)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d = pdf.Cycle(meta, v.Cycle, v.Summary, v.SHA256, comp.Results)
	} else if v.Own != nil {
		d = pdf.Cycle(meta, v.Cycle, nil, "", []scorecard.Result{*v.Own})
	}
	s.sendPDF(w, r, d, "cycles/"+id, "cycle-"+id+".pdf", map[string]any{"cycle": id, "rows": len(v.Results)})
}

// cycleResultPDF is one employee's explanation; the store decides who may
// read it (scorecard.CanReadResult).
func (s *Server) cycleResultPDF(w http.ResponseWriter, r *http.Request) {
	if !s.exportAllowed(w, r) {
		return
	}
	id, emp := r.PathValue("id"), r.PathValue("employee")
	c, err := s.cfg.Perf.Cycle(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	res, err := s.cfg.Perf.CycleResult(r.Context(), id, emp)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	meta, err := s.pdfMeta(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.sendPDF(w, r, pdf.Result(meta, c, res), "cycles/"+id+"/results/"+emp, "cycle-"+id+"-"+emp+".pdf",
		map[string]any{"cycle": id, "employee": emp})
}

// fileName keeps the letters, digits, dots, dashes and underscores of
// name, so that an id cannot break the Content-Disposition header.
func fileName(name string) string {
	return strings.Map(func(r rune) rune {
		if r < 0x80 && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
			return r
		}
		return '_'
	}, name)
}
