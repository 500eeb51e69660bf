package web

import (
	"net/http"
	"slices"
	"strconv"

	"csperf"
	"csperf/scorecard"
)

// The read-only report pages of the cycles (SPEC §10): the promotion list,
// the raise ranking of a year and the training page (needs of a closed
// cycle, the plans with their participants' scores and each plan's
// effect). They have the policy of their API routes (policyCycleReport),
// and the store checks the caller's scope as it does for the API. Plans
// are created, edited and scored on the pages of training_pages.go.
func (s *Server) registerCycleReportPages() {
	s.route("GET /cycles/promotions", policyCycleReport, s.promotionsPage)
	s.route("GET /cycles/raises", policyCycleReport, s.raisesPage)
	s.route("GET /training", policyCycleReport, s.trainingPage)
	s.registerTrainingPages()
}

func (s *Server) promotionsPage(w http.ResponseWriter, r *http.Request) {
	ps, err := s.cfg.Perf.Promotions(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(r, msg(s.lang(r), "promotions.title"), nil)
	p.Data = map[string]any{"Items": ps}
	s.render(w, r, http.StatusOK, "cycle_promotions", p)
}

// annualYears are the years of the annual cycles, newest first.
func (s *Server) annualYears(r *http.Request) ([]int, error) {
	cs, err := s.cfg.Perf.ListCycles(r.Context(), "", "", 0)
	if err != nil {
		return nil, err
	}
	var ys []int
	for _, c := range cs {
		if c.Kind != scorecard.KindAnnual {
			continue
		}
		if y, err := strconv.Atoi(c.Period); err == nil && !slices.Contains(ys, y) {
			ys = append(ys, y)
		}
	}
	slices.Sort(ys)
	slices.Reverse(ys)
	return ys, nil
}

// raisesPage ranks one year's annual results (?year=, default the newest
// year with an annual cycle); a year that is not a year is refused on the
// page, naming the field.
func (s *Server) raisesPage(w http.ResponseWriter, r *http.Request) {
	ys, err := s.annualYears(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	p := s.newPage(r, msg(s.lang(r), "raises.title"), nil)
	d := map[string]any{"Years": ys}
	status := http.StatusOK
	q := r.URL.Query().Get("year")
	year := 0
	if q == "" && len(ys) > 0 {
		year = ys[0]
	} else if q != "" {
		y, err := strconv.Atoi(q)
		if err != nil || y < 1900 || y > 9999 {
			d["Error"] = localize(p.Lang, nil, fieldMessage(csperf.FieldErrorf("year", "give the year as YYYY, not %q", q)))
			status = http.StatusBadRequest
		} else {
			year = y
		}
	}
	if year != 0 {
		rs, err := s.cfg.Perf.Raises(r.Context(), year)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		d["Year"], d["Items"] = year, rs
	}
	p.Data = d
	s.render(w, r, status, "cycle_raises", p)
}

// planView is a training plan with its effect.
type planView struct {
	Plan   scorecard.TrainingPlan
	Effect *scorecard.CourseEffect
}

// trainingPage shows the training needs of a closed cycle (?cycle=,
// default the newest closed one) and every training plan with its
// participants' scores and its effect.
func (s *Server) trainingPage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	cs, err := s.cfg.Perf.ListCycles(ctx, "", "", 0)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var closed []scorecard.Cycle
	for _, c := range cs {
		if c.State == scorecard.StateClosed {
			closed = append(closed, c)
		}
	}
	slices.Reverse(closed) // newest first
	p := s.newPage(r, msg(s.lang(r), "training.title"), nil)
	d := map[string]any{"Closed": closed}
	status := http.StatusOK
	id := r.URL.Query().Get("cycle")
	if id == "" && len(closed) > 0 {
		id = closed[0].ID
	}
	if id != "" {
		d["Cycle"] = id
		rep, err := s.cfg.Perf.TrainingNeeds(ctx, id)
		if err != nil {
			m, ok := s.pageError(w, r, err)
			if !ok {
				return
			}
			d["Error"], status = m, statusOf(err)
		} else {
			d["Needs"] = rep
		}
	}
	ps, err := s.cfg.Perf.TrainingPlans(ctx)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var plans []planView
	for _, pl := range ps {
		ce, err := s.cfg.Perf.CourseEffect(ctx, pl.ID)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		plans = append(plans, planView{Plan: pl, Effect: ce})
	}
	d["Plans"], d["CanPlan"] = plans, policyCycleManage.allows(userOf(r).Role)
	p.Data = d
	s.render(w, r, status, "training", p)
}
