package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"time"

	"csperf"
	"csperf/churn"
)

// churnMonth reads a YYYY-MM month; empty is the last complete month.
func (s *Server) churnMonth(v, field string) (csperf.Month, error) {
	if v == "" {
		return csperf.DateOf(s.cfg.Now().In(s.cfg.Loc)).Month() - 1, nil
	}
	m, err := csperf.ParseMonth(v)
	if err != nil {
		return 0, csperf.FieldErrorf(field, "%q is not a month (want YYYY-MM)", v)
	}
	return m, nil
}

// churnReport computes (or, for a closed month, reads) month m's report
// for u: managers, admins, hr, QA and viewers see the whole department; a
// supervisor the rows of their groups and their own; an agent their own.
func (s *Server) churnReport(r *http.Request, m csperf.Month, threshold string) (*churn.Report, error) {
	stamp, err := s.stampOf(r)
	if err != nil {
		return nil, err
	}
	return s.churnReportFor(r.Context(), userOf(r), stamp, m, threshold)
}

// churnReportFor is churnReport for u under the data stamp stamp.
func (s *Server) churnReportFor(ctx context.Context, u *csperf.User, stamp string, m csperf.Month, threshold string) (*churn.Report, error) {
	cfg, err := s.churnSettings(ctx, stamp)
	if err != nil {
		return nil, err
	}
	rules := cfg.Rules()
	if threshold != "" {
		n, err := strconv.Atoi(threshold)
		if err != nil {
			return nil, csperf.FieldErrorf("threshold", "%q is not a whole number of months", threshold)
		}
		rules.Threshold = n
	}
	key := fmt.Sprintf("%s|%+v", m, rules)
	s.churnMu.Lock()
	c, ok := s.churnCache[key]
	s.churnMu.Unlock()
	now := s.cfg.Now()
	if ok && c.fresh(stamp, now) {
		return scopeChurn(c.rep, u), nil
	}
	v, err := s.churnFlight.do(key+"|"+stamp, func() (any, error) {
		rep, err := s.cfg.Churn.ChurnReport(context.WithoutCancel(ctx), m, rules)
		if err != nil {
			return nil, err
		}
		s.churnMu.Lock()
		if s.churnCache == nil || len(s.churnCache) > 256 {
			s.churnCache = map[string]churnEntry{}
		}
		s.churnCache[key] = churnEntry{at: now, stamp: stamp, rep: rep}
		s.churnMu.Unlock()
		return rep, nil
	})
	if err != nil {
		return nil, err
	}
	rep := v.(*churn.Report)
	return scopeChurn(rep, u), nil
}

// churnCacheFor is how long a computed report is reused when the store
// cannot name its data's state (no DataStamp): the dashboard and the churn
// page's 12-month trend ask for the same months again and again. With a
// stamp a report is reused until the data or settings change, also when
// another process changed them. Closing, reopening and changing the
// settings clear the cache too.
const churnCacheFor = time.Minute

type churnEntry struct {
	at    time.Time
	stamp string
	rep   *churn.Report
}

// fresh reports whether the entry may still be served: computed under the
// same data stamp, or without one less than churnCacheFor ago.
func (c churnEntry) fresh(stamp string, now time.Time) bool {
	if stamp != "" {
		return c.stamp == stamp
	}
	return c.stamp == "" && now.Sub(c.at) < churnCacheFor && !now.Before(c.at)
}

// churnSettings returns the stored churn settings, read once per data
// stamp (settings bump it).
func (s *Server) churnSettings(ctx context.Context, stamp string) (churn.Config, error) {
	if stamp != "" {
		s.churnMu.Lock()
		c := s.churnCfg
		s.churnMu.Unlock()
		if c.stamp == stamp {
			return c.cfg, nil
		}
	}
	cfg, err := s.cfg.Churn.ChurnSettings(ctx)
	if err != nil {
		return cfg, err
	}
	if stamp != "" {
		s.churnMu.Lock()
		s.churnCfg = churnCfgEntry{stamp: stamp, cfg: cfg}
		s.churnMu.Unlock()
	}
	return cfg, nil
}

type churnCfgEntry struct {
	stamp string
	cfg   churn.Config
}

func (s *Server) forgetChurn() {
	s.churnMu.Lock()
	s.churnCache = nil
	s.churnCfg = churnCfgEntry{}
	s.churnMu.Unlock()
}

// scopeChurn keeps the rows of rep that u may see; the department figures
// are the department's and stay.
func scopeChurn(rep *churn.Report, u *csperf.User) *churn.Report {
	if u.Role != csperf.RoleAgent && u.Role != csperf.RoleSupervisor {
		return rep
	}
	out := *rep
	own := func(emp string) bool { return u.EmployeeID != "" && emp == u.EmployeeID }
	group := func(g string) bool {
		return u.Role == csperf.RoleSupervisor && g != "" && slices.Contains(u.GroupIDs, g)
	}
	out.Groups = filter(rep.Groups, func(g churn.GroupRow) bool { return group(g.GroupID) })
	out.Advisors = filter(rep.Advisors, func(a churn.AdvisorRow) bool { return own(a.EmployeeID) || group(a.GroupID) })
	out.Specialists = filter(rep.Specialists, func(sp churn.SpecialistRow) bool { return own(sp.EmployeeID) })
	out.Managers = filter(rep.Managers, func(m churn.ManagerRow) bool { return own(m.EmployeeID) })
	out.ChurnedCustomers = filter(rep.ChurnedCustomers, func(c churn.ChurnedRow) bool { return own(c.AdvisorID) || group(c.GroupID) })
	return &out
}

func filter[T any](in []T, keep func(T) bool) []T {
	out := make([]T, 0, len(in))
	for _, x := range in {
		if keep(x) {
			out = append(out, x)
		}
	}
	return out
}

// apiChurn is GET /api/v1/churn?month=YYYY-MM[&threshold=N]: the churn
// report exactly as `csperf churn --format json` writes it.
func (s *Server) apiChurn(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("month") == "" {
		s.fail(w, r, csperf.FieldErrorf("month", "give the month to assess (?month=YYYY-MM)"))
		return
	}
	m, err := s.churnMonth(q.Get("month"), "month")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	rep, err := s.churnReport(r, m, q.Get("threshold"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, rep)
}

func (s *Server) apiChurnMonths(w http.ResponseWriter, r *http.Request) {
	ms, err := s.cfg.Churn.ClosedChurnMonths(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if ms == nil {
		ms = []churn.MonthState{}
	}
	s.writeJSON(w, http.StatusOK, map[string]any{"closed": ms})
}

func (s *Server) apiChurnSettings(w http.ResponseWriter, r *http.Request) {
	c, err := s.cfg.Churn.ChurnSettings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, c)
}

func (s *Server) apiSetChurnSettings(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		s.fail(w, r, csperf.Errorf(csperf.EINVALID, "the body is too large or unreadable"))
		return
	}
	c, err := s.cfg.Churn.ChurnSettings(r.Context())
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Fields left out keep their stored value.
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&c); err != nil {
		var ce *csperf.Error
		if e, ok := err.(*csperf.Error); ok {
			ce = e
		} else {
			ce = csperf.Errorf(csperf.EINVALID, "the body must be the churn settings as GET returns them: %v", err)
		}
		s.fail(w, r, ce)
		return
	}
	if err := s.cfg.Churn.SetChurnSettings(r.Context(), c); err != nil {
		s.fail(w, r, err)
		return
	}
	s.forgetChurn()
	s.writeJSON(w, http.StatusOK, c)
}

func (s *Server) apiCloseChurn(w http.ResponseWriter, r *http.Request) {
	m, err := csperf.ParseMonth(r.PathValue("month"))
	if err != nil {
		s.fail(w, r, csperf.FieldErrorf("month", "%v", err))
		return
	}
	st, err := s.cfg.Churn.CloseChurnMonth(r.Context(), m)
	s.forgetChurn()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, st)
}

func (s *Server) apiReopenChurn(w http.ResponseWriter, r *http.Request) {
	m, err := csperf.ParseMonth(r.PathValue("month"))
	if err != nil {
		s.fail(w, r, csperf.FieldErrorf("month", "%v", err))
		return
	}
	var body struct {
		Reason string `json:"reason"`
	}
	if err := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxBody)).Decode(&body); err != nil {
		s.fail(w, r, csperf.FieldErrorf("reason", "the body must be {\"reason\": \"…\"}"))
		return
	}
	err = s.cfg.Churn.ReopenChurnMonth(r.Context(), m, body.Reason, userOf(r).Role == csperf.RoleAdmin)
	s.forgetChurn()
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeJSON(w, http.StatusOK, churn.MonthState{Month: m, Closed: false})
}
