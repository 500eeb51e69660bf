package web

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"csperf"
	"csperf/churn"
)

// tile is one count on the dashboard: records of a kind this month against
// last month, within the user's scope.
type tile struct {
	Kind       *csperf.Kind
	Label      string
	This, Last int
	Change     string // "+12%", "−3%", or "" without last month
	Up         bool
	Href       string
}

type dashData struct {
	Month      string
	Tiles      []tile
	ChurnMonth string
	ChurnRate  string
	ChurnChart string // JSON for static/app.js
	VisitChart string
	HasChurn   bool
	KPIMonth   string
	KPITiles   []kpiTile
}

// chart is what static/app.js turns into an ECharts option.
type chart struct {
	Type   string        `json:"type"` // bar or line
	Labels []string      `json:"labels"`
	Series []chartSeries `json:"series"`
	Unit   string        `json:"unit,omitempty"`
	Links  []string      `json:"links,omitempty"` // where clicking a bar or point goes
}

type chartSeries struct {
	Name string     `json:"name"`
	Data []*float64 `json:"data"`
	// Text is each point as the page's tables show it ("12.50%", "4.5 h",
	// "—"): the tooltips show it, never the float that places the point.
	Text []string `json:"text,omitempty"`
	Line *float64 `json:"line,omitempty"` // a benchmark drawn across
	// LineText is the benchmark as the tables show it.
	LineText string `json:"line_text,omitempty"`
	// Links are where clicking each point goes, when they differ by
	// series (the KPI explorer's drill-down); else chart.Links.
	Links []string `json:"links,omitempty"`
}

// dashCache keeps each scope's dashboard counts: they are a few dozen
// counting queries, and a dashboard is opened often. An entry stands while
// the store's data stamp is the one it was counted under (every write of a
// record bumps it in the same transaction, so no count is served after
// its rows changed); a store without stamps keeps them for a minute.
type dashCache struct {
	mu sync.Mutex
	m  map[string]dashEntry
}

type dashEntry struct {
	at    time.Time
	stamp string
	tiles []tile
	trend []int
}

// maxDashEntries bounds the per-scope caches; when full they start over.
const maxDashEntries = 1024

// fresh reports whether the entry may still be served.
func (e dashEntry) fresh(stamp string, now time.Time) bool {
	if stamp != "" {
		return e.stamp == stamp
	}
	return e.stamp == "" && now.Sub(e.at) < time.Minute && now.After(e.at)
}

// dataStamper is a store that names the state of its records and settings
// in one statement (sqlstore's DataStamp); the dashboard's and the churn
// report's caches are keyed by it.
type dataStamper interface {
	DataStamp(ctx context.Context) (string, error)
}

// stampOf returns the store's data stamp for r, read once per request; ""
// when the store has none.
func (s *Server) stampOf(r *http.Request) (string, error) {
	ds, ok := s.cfg.Records.(dataStamper)
	if !ok {
		return "", nil
	}
	ri := reqOf(r)
	if ri.stampRead {
		return ri.stamp, nil
	}
	st, err := ds.DataStamp(r.Context())
	if err != nil {
		return "", err
	}
	if ri.user != nil { // a request's own reqInfo, not the empty default
		ri.stamp, ri.stampRead = st, true
	}
	return st, nil
}

func (s *Server) dashboard(w http.ResponseWriter, r *http.Request) {
	u := userOf(r)
	p := s.newPage(r, msg(s.lang(r), "nav.dashboard"), nil)
	now := s.cfg.Now().In(s.cfg.Loc)
	month := csperf.DateOf(now).Month()
	d := &dashData{Month: month.String()}
	// One read of the data stamp decides whether the counts, the churn
	// report and the KPI tiles computed before still stand.
	stamp, err := s.stampOf(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	tiles, trend, err := s.dashCounts(r.Context(), u, month, stamp)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	for _, t := range tiles {
		t.Label = p.KindLabel(t.Kind)
		d.Tiles = append(d.Tiles, t)
	}
	vc := chart{Type: "line", Series: []chartSeries{{Name: p.T("dash.visits")}}}
	for i, n := range trend {
		m := month - csperf.Month(len(trend)-1-i)
		vc.Labels = append(vc.Labels, m.String())
		f := float64(n)
		vc.Series[0].Data = append(vc.Series[0].Data, &f)
		vc.Series[0].Text = append(vc.Series[0].Text, p.Num(n))
		vc.Links = append(vc.Links, "/r/visits?from="+m.First().String()+"&to="+m.Last().String())
	}
	d.VisitChart = toJSON(vc)
	cm := month - 1
	if rep, err := s.churnReport(r, cm, ""); err == nil {
		d.HasChurn, d.ChurnMonth = true, cm.String()
		d.ChurnRate = "—"
		if rep.Department.Rate != nil {
			d.ChurnRate = *rep.Department.Rate
		}
		d.ChurnChart = toJSON(groupChart(p, rep))
	} else if code := csperf.ErrorCode(err); code == csperf.EINTERNAL {
		s.fail(w, r, err)
		return
	}
	if s.cfg.Perf != nil {
		if d.KPIMonth, d.KPITiles, err = s.kpiTiles(r, p, stamp); err != nil {
			s.fail(w, r, err)
			return
		}
	}
	p.Data = d
	s.render(w, r, http.StatusOK, "dashboard", p)
}

// groupChart is the bars of the groups' churn rates with the department
// average across.
func groupChart(p *page, rep *churn.Report) chart {
	c := chart{Type: "bar", Unit: "%", Series: []chartSeries{{Name: p.T("churn.group_rate")}}}
	if rep.Average != nil {
		c.Series[0].Line = percentValue(rep.Average.Rate)
		c.Series[0].LineText = rep.Average.Rate
	}
	for _, g := range rep.Groups {
		c.Labels = append(c.Labels, g.GroupID)
		var v *float64
		text := "—"
		if g.Rate != nil {
			v, text = percentValue(*g.Rate), *g.Rate
		}
		c.Series[0].Data = append(c.Series[0].Data, v)
		c.Series[0].Text = append(c.Series[0].Text, text)
		c.Links = append(c.Links, "/churn?month="+rep.Month.String()+"#group-"+g.GroupID)
	}
	return c
}

// percentValue reads "12.34%" for a chart; charts only draw, they never
// compare, so a float is fine here.
func percentValue(s string) *float64 {
	s = strings.TrimSuffix(s, "%")
	var f float64
	if err := json.Unmarshal([]byte(s), &f); err != nil {
		return nil
	}
	return &f
}

func toJSON(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// dashCounts counts, within u's scope, each event kind's records of this
// month and last month, and the visits of each of the last 12 months.
func (s *Server) dashCounts(ctx context.Context, u *csperf.User, month csperf.Month, stamp string) ([]tile, []int, error) {
	key := u.Role + "|" + u.EmployeeID + "|" + strings.Join(u.GroupIDs, ",") + "|" + month.String()
	s.dash.mu.Lock()
	e, ok := s.dash.m[key]
	s.dash.mu.Unlock()
	if ok && e.fresh(stamp, s.cfg.Now()) {
		return e.tiles, e.trend, nil
	}
	v, err := s.dashFlight.do(key+"|"+stamp, func() (any, error) {
		tiles, trend, err := s.countDash(context.WithoutCancel(ctx), u, month)
		if err != nil {
			return nil, err
		}
		s.dash.mu.Lock()
		if s.dash.m == nil || len(s.dash.m) >= maxDashEntries {
			s.dash.m = map[string]dashEntry{}
		}
		s.dash.m[key] = dashEntry{at: s.cfg.Now(), stamp: stamp, tiles: tiles, trend: trend}
		s.dash.mu.Unlock()
		return dashEntry{tiles: tiles, trend: trend}, nil
	})
	if err != nil {
		return nil, nil, err
	}
	e = v.(dashEntry)
	return e.tiles, e.trend, nil
}

// warmDashboard computes, in the background, what u's dashboard shows
// (the counts, last month's churn report and the KPI tiles) into the
// caches, right after u signs in: the dashboard is the page a sign-in
// leads to, and on a large database its first view per scope costs
// seconds. A view that arrives while the work runs joins it. One warm-up
// runs at a time; only stores with a data stamp are warmed (without one
// the caches last a minute).
func (s *Server) warmDashboard(u *csperf.User) {
	ds, ok := s.cfg.Records.(dataStamper)
	if !ok {
		return
	}
	s.background.Add(1)
	go func() {
		defer s.background.Done()
		select {
		case s.warmSem <- struct{}{}:
		case <-s.bgCtx.Done():
			return
		}
		defer func() { <-s.warmSem }()
		ctx := s.bgCtx
		stamp, err := ds.DataStamp(ctx)
		if err == nil {
			month := csperf.DateOf(s.cfg.Now().In(s.cfg.Loc)).Month()
			if _, _, err = s.dashCounts(ctx, u, month, stamp); err == nil {
				if _, err = s.churnReportFor(ctx, u, stamp, month-1, ""); csperf.ErrorCode(err) != csperf.EINTERNAL {
					err = nil // a month without data is no failure
				}
			}
			if q, ok := s.dashKPIQuery(u); ok && err == nil && s.cfg.Perf != nil {
				_, _, err = s.dashKPIRows(ctx, q, stamp)
			}
		}
		if err != nil && ctx.Err() == nil {
			s.cfg.Logger.Warn("warm dashboard", "err", err)
		}
	}()
}

// countDash counts the dashboard's tiles and visit trend for u.
func (s *Server) countDash(ctx context.Context, u *csperf.User, month csperf.Month) ([]tile, []int, error) {
	count := func(k *csperf.Kind, m csperf.Month) (int, error) {
		from, to := m.First(), m.Last()
		// Sorted by the dating field, the one row the count comes with is
		// read from the date index; in key order the store would look
		// through the month's rows for it.
		_, n, err := s.cfg.Records.ListRecords(ctx, k, csperf.RecordFilter{From: &from, To: &to, Field: datingField(k), Sort: "-" + datingField(k), Limit: 1, Scope: scope(u, k)})
		return n, err
	}
	// The counts run four at a time: they are independent reads, and the
	// store serves reads on a pool.
	type job struct {
		k   *csperf.Kind
		m   csperf.Month
		out *int
	}
	var tiles []tile
	var jobs []job
	for _, k := range csperf.Kinds {
		if slices.Contains(orgKinds, k.Name) || slices.Contains(referenceKinds, k.Name) || datingField(k) == "" || k.Name == "kpi_facts" {
			continue
		}
		tiles = append(tiles, tile{Kind: k, Href: "/r/" + k.Name + "?from=" + month.First().String() + "&to=" + month.Last().String()})
	}
	for i := range tiles {
		jobs = append(jobs, job{tiles[i].Kind, month, &tiles[i].This}, job{tiles[i].Kind, month - 1, &tiles[i].Last})
	}
	visits := csperf.KindByName("visits")
	trend := make([]int, 12)
	for i := range trend {
		jobs = append(jobs, job{visits, month - csperf.Month(11-i), &trend[i]})
	}
	sem := make(chan struct{}, 4)
	errs := make(chan error, len(jobs))
	var wg sync.WaitGroup
	for _, j := range jobs {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer func() { <-sem; wg.Done() }()
			n, err := count(j.k, j.m)
			if err != nil {
				errs <- err
				return
			}
			*j.out = n
		}()
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, nil, err
	}
	for i := range tiles {
		t := &tiles[i]
		if t.Last > 0 {
			pct := (t.This - t.Last) * 100 / t.Last
			t.Up = pct >= 0
			if pct >= 0 {
				t.Change = "+" + itoa(pct) + "%"
			} else {
				t.Change = "−" + itoa(-pct) + "%"
			}
		}
	}
	return tiles, trend, nil
}
