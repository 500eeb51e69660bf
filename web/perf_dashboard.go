package web

import (
	"net/http"
	"slices"

	"csperf"
	"csperf/kpi"
)

// dashKPIs are the catalog KPIs the dashboard shows as tiles.
var dashKPIs = []string{"csat", "fcr", "complaint_rate", "qa_score", "return_visit_rate"}

// kpiTile is one KPI on the dashboard for the last complete month in the
// user's scope: value, target, met, change against the month before and a
// sparkline of six months.
type kpiTile struct {
	Row   kpi.Row
	Name  string
	Spark string // chart JSON
	Href  string
}

// kpiTiles computes the dashboard's KPI tiles for the user of r: an agent
// sees their own figures, a supervisor their group's, everyone else the
// organisation's.
func (s *Server) kpiTiles(r *http.Request, p *page) (string, []kpiTile, error) {
	u := userOf(r)
	last := s.lastMonth()
	q := kpi.Query{KPIs: dashKPIs, Level: kpi.LevelOrg, By: kpi.UnitMonth,
		Period: kpi.Period{Start: (last - 5).First(), End: last.Last()}}
	switch {
	case u.Role == csperf.RoleAgent || (u.Role == csperf.RoleSupervisor && len(u.GroupIDs) == 0):
		if u.EmployeeID == "" {
			return last.String(), nil, nil
		}
		q.Level, q.ID = kpi.LevelEmployee, u.EmployeeID
	case u.Role == csperf.RoleSupervisor:
		q.Level, q.ID = kpi.LevelGroup, u.GroupIDs[0]
	}
	// One read of the definitions, not one per tile: under load every
	// statement waits for a pooled connection.
	defs, err := s.cfg.Perf.KPIDefinitions(r.Context())
	if err != nil {
		return last.String(), nil, err
	}
	var keep []string
	for _, id := range dashKPIs {
		if i := slices.IndexFunc(defs, func(d kpi.Definition) bool { return d.ID == id }); i >= 0 && defs[i].AppliesTo(q.Level) {
			keep = append(keep, id)
		}
	}
	if len(keep) == 0 {
		return last.String(), nil, nil
	}
	q.KPIs = keep
	rows, err := s.cfg.Perf.KPIValues(r.Context(), q)
	if err != nil {
		return last.String(), nil, err
	}
	var tiles []kpiTile
	for _, id := range keep {
		var mine []kpi.Row
		for _, row := range rows {
			if row.KPI == id {
				mine = append(mine, row)
			}
		}
		if len(mine) == 0 {
			continue
		}
		cur := mine[len(mine)-1]
		sc := chart{Type: "line", Series: []chartSeries{{Name: kpiName(p.Lang, id, cur.Name, cur.NameEN)}}}
		for _, row := range mine {
			sc.Labels = append(sc.Labels, row.Period.String())
			sc.Series[0].Data = append(sc.Series[0].Data, rowNumber(row.Unit, row.Numerator, row.Denominator))
			sc.Series[0].Text = append(sc.Series[0].Text, row.Value)
		}
		tiles = append(tiles, kpiTile{Row: cur, Name: sc.Series[0].Name, Spark: toJSON(sc),
			Href: "/kpis?kpi=" + id + "&scope=" + q.Level + "&id=" + q.ID + "&period=" + (last - 11).String() + ".." + last.String() + "&by=month"})
	}
	return last.String(), tiles, nil
}
