package web

import (
	"context"
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

// dashKPIQuery is the query of u's KPI tiles: six months to the last
// complete one, for the organisation, u's group (a supervisor) or u (an
// agent); false when u has no figures of their own.
func (s *Server) dashKPIQuery(u *csperf.User) (kpi.Query, bool) {
	last := s.lastMonth()
	q := kpi.Query{KPIs: dashKPIs, Level: kpi.LevelOrg, By: kpi.UnitMonth,
		Period: kpi.Period{Start: (last - 5).First(), End: last.Last()}}
	switch {
	case u.Role == csperf.RoleAgent || (u.Role == csperf.RoleSupervisor && len(u.GroupIDs) == 0):
		if u.EmployeeID == "" {
			return q, false
		}
		q.Level, q.ID = kpi.LevelEmployee, u.EmployeeID
	case u.Role == csperf.RoleSupervisor:
		q.Level, q.ID = kpi.LevelGroup, u.GroupIDs[0]
	}
	return q, true
}

type kpiTileEntry struct {
	stamp string
	keep  []string
	rows  []kpi.Row
}

// dashKPIRows returns the dashboard KPIs that apply to q's level and their
// rows. Under a data stamp they are computed once per scope and month
// until a record, a setting or a KPI definition changes (each bumps the
// stamp in its own transaction), and requests that miss together share
// one computation; without a stamp they are computed every time.
func (s *Server) dashKPIRows(ctx context.Context, q kpi.Query, stamp string) ([]string, []kpi.Row, error) {
	key := q.Level + "|" + q.ID + "|" + q.Period.String()
	if stamp != "" {
		s.kpiTileMu.Lock()
		e, ok := s.kpiTileCache[key]
		s.kpiTileMu.Unlock()
		if ok && e.stamp == stamp {
			return e.keep, e.rows, nil
		}
	}
	v, err := s.kpiFlight.do(key+"|"+stamp, func() (any, error) {
		ctx := context.WithoutCancel(ctx)
		// One read of the definitions, not one per tile: under load every
		// statement waits for a pooled connection.
		defs, err := s.cfg.Perf.KPIDefinitions(ctx)
		if err != nil {
			return nil, err
		}
		e := kpiTileEntry{stamp: stamp}
		for _, id := range dashKPIs {
			if i := slices.IndexFunc(defs, func(d kpi.Definition) bool { return d.ID == id }); i >= 0 && defs[i].AppliesTo(q.Level) {
				e.keep = append(e.keep, id)
			}
		}
		if len(e.keep) > 0 {
			q.KPIs = e.keep
			if e.rows, err = s.cfg.Perf.KPIValues(ctx, q); err != nil {
				return nil, err
			}
		}
		if stamp != "" {
			s.kpiTileMu.Lock()
			if s.kpiTileCache == nil || len(s.kpiTileCache) >= maxDashEntries {
				s.kpiTileCache = map[string]kpiTileEntry{}
			}
			s.kpiTileCache[key] = e
			s.kpiTileMu.Unlock()
		}
		return e, nil
	})
	if err != nil {
		return nil, nil, err
	}
	e := v.(kpiTileEntry)
	return e.keep, e.rows, nil
}

// kpiTiles computes the dashboard's KPI tiles for the user of r: an agent
// sees their own figures, a supervisor their group's, everyone else the
// organisation's.
func (s *Server) kpiTiles(r *http.Request, p *page, stamp string) (string, []kpiTile, error) {
	last := s.lastMonth()
	q, ok := s.dashKPIQuery(userOf(r))
	if !ok {
		return last.String(), nil, nil
	}
	keep, rows, err := s.dashKPIRows(r.Context(), q, stamp)
	if err != nil || len(keep) == 0 {
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
