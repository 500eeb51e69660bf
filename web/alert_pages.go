package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"csperf/kpi"
)

// alertsPageData is what the alerts page shows: one page of alerts, the
// filters (KPI, open only) and the links to the pages before and after.
func (s *Server) alertsPageData(r *http.Request, lang string, f kpi.AlertFilter, items []kpi.Alert, total int) (map[string]any, error) {
	defs, err := s.cfg.Perf.KPIDefinitions(r.Context())
	if err != nil {
		return nil, err
	}
	var opts []kpiOption
	for _, d := range defs {
		opts = append(opts, kpiOption{ID: d.ID, Name: kpiName(lang, d.ID, d.NameZH, d.NameEN), Selected: d.ID == f.KPI})
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	page := func(offset int) string {
		v := url.Values{}
		if f.KPI != "" {
			v.Set("kpi", f.KPI)
		}
		if f.Open {
			v.Set("open", "1")
		}
		if offset > 0 {
			v.Set("offset", strconv.Itoa(offset))
		}
		if len(v) == 0 {
			return "/alerts"
		}
		return "/alerts?" + v.Encode()
	}
	d := map[string]any{"Items": items, "Total": total, "Open": f.Open, "KPI": f.KPI, "KPIs": opts,
		"CanAck": policyAlertAck.allows(userOf(r).Role), "CanConfigure": s.perfWriter() != nil && policyAlertConfig.allows(userOf(r).Role),
		"Back": page(f.Offset), "From": min(f.Offset+1, total), "To": min(f.Offset+len(items), total)}
	if f.Offset > 0 {
		d["Prev"] = page(max(f.Offset-limit, 0))
	}
	if f.Offset+len(items) < total {
		d["Next"] = page(f.Offset + limit)
	}
	return d, nil
}

// alertsBack is where acknowledging returns to: the alerts list the form
// was on, never another site or page.
func alertsBack(back string) string {
	if back == "/alerts" || strings.HasPrefix(back, "/alerts?") {
		return back
	}
	return "/alerts"
}
