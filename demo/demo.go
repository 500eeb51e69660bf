// Package demo builds a realistic demo organisation — an after-sales
// department with its advisor groups, return-visit specialists and call
// centre, its customers, and months of visits, calls, complaints, surveys,
// return visits, contracts and orders — and loads it through the same
// import path users' files take, kind by kind in registry order.
//
// The data is deterministic: the same Seed, Scale, Months and End give the
// same rows, byte for byte. Every decision draws from a PCG stream keyed by
// the seed, the kind and the record, never from map order or the clock.
// Rows are generated while they are imported, a batch at a time, so memory
// stays small at any scale: kinds that follow visits replay the (cheap)
// visit simulation instead of keeping visits.
package demo

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"

	"csperf"
)

// Options say what to build.
type Options struct {
	// Seed selects the organisation; the same seed gives the same data.
	Seed uint64
	// Scale multiplies customers and event volume; 0 means 1. At 1 there
	// are about 20,000 customers and 400,000 visits and calls in 24 months.
	Scale float64
	// Months is how many months have data; 0 means 24.
	Months int
	// End is the last month with data; zero means the month before Now's.
	End csperf.Month
	// Now dates the build when End is zero (local time); zero means the
	// wall clock, the only way a build depends on it.
	Now time.Time
	// Progress, when set, is called now and then with the rows of the kind
	// being imported so far.
	Progress func(kind string, rows int64)
	// Through, when set, is the last kind imported: "visits" builds the
	// organisation, customers and visits only (the churn benchmark's data),
	// the same rows a full build makes of those kinds.
	Through string
}

// Importer loads rows of one kind, all or none: (*sqlstore.DB).Import.
type Importer interface {
	Import(ctx context.Context, k *csperf.Kind, src csperf.RowSource, opt csperf.ImportOptions) (*csperf.ImportResult, error)
}

// Summary says what was built, and who the notable people are, so that the
// caller can make demo users for them.
type Summary struct {
	Start, End csperf.Month
	// Rows counts the rows imported per kind name.
	Rows map[string]int64

	Manager           string // the service manager (服务经理): reads reports, runs assessments
	CSManager         string // the customer-service department manager (客户服务部经理)
	Supervisor        string // an advisor group's supervisor (主管) …
	SupervisorGroup   string // … and that group
	Advisor           string // a service advisor of that group, employed throughout
	Specialist        string // the return-visit specialist covering that group
	Agent             string // a call-centre agent employed throughout
	TeamLead          string // that agent's team lead
	CallCenterManager string
	QAInspector       string
	HROfficer         string
}

// String summarises the build in one line.
func (s *Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s…%s", s.Start, s.End)
	for i, k := range []string{"customers", "visits", "calls", "complaints", "surveys", "return_visits"} {
		sep := ", "
		if i == 0 {
			sep = ": "
		}
		fmt.Fprintf(&b, "%s%d %s", sep, s.Rows[k], strings.ReplaceAll(k, "_", " "))
	}
	return b.String()
}

// world is everything the generators share; it is small (the staff, the
// calendar and a few counts), never the events.
type world struct {
	seed      uint64
	scale     float64
	cal       *calendar
	org       *org
	pb        phoneBook
	nCust     int
	nExisting int
	custWidth int
}

// chunkRows is the size from which a kind is split into several imports of
// whole months. It is far above any volume the demo makes: the store loads
// one big import into an empty table much faster than several that each
// meet the rows before them, and it keeps its working set on disk either
// way. The split is there for scales no machine here would build.
const chunkRows = 50_000_000

func newWorld(opt Options) (*world, error) {
	if opt.Scale == 0 {
		opt.Scale = 1
	}
	if opt.Months == 0 {
		opt.Months = 24
	}
	if math.IsNaN(opt.Scale) || opt.Scale <= 0 || opt.Scale > 1000 {
		return nil, csperf.FieldErrorf("scale", "must be above 0 and at most 1000")
	}
	if opt.Months < 1 || opt.Months > 120 {
		return nil, csperf.FieldErrorf("months", "must be between 1 and 120")
	}
	end := opt.End
	if end == 0 {
		now := opt.Now
		if now.IsZero() {
			now = time.Now()
		}
		end = localDate(now).Month() - 1
	}
	cal := newCalendar(end-csperf.Month(opt.Months)+1, end)
	w := &world{seed: opt.Seed, scale: opt.Scale, cal: cal, pb: newPhoneBook(opt.Seed)}
	w.org = newOrg(opt.Seed, opt.Scale, cal, w.pb)
	w.nCust = max(10, int(math.Round(20_000*opt.Scale)))
	w.nExisting = int(math.Round(float64(w.nCust) * shareExisting))
	w.custWidth = max(6, digits(w.nCust))
	return w, nil
}

type job struct {
	kind   string
	gen    func(*emitter) error
	update bool
}

// Build generates the organisation and its history and imports it through
// im into a database that has been migrated and holds no demo data yet.
func Build(ctx context.Context, im Importer, opt Options) (*Summary, error) {
	w, err := newWorld(opt)
	if err != nil {
		return nil, err
	}
	sum := &Summary{Start: w.cal.start, End: w.cal.end, Rows: map[string]int64{}}
	w.notables(sum)
	jobs := w.jobs()
	if opt.Through != "" {
		i := slices.IndexFunc(jobs, func(j job) bool { return j.kind == opt.Through })
		if i < 0 {
			return nil, csperf.FieldErrorf("through", "no demo kind %q", opt.Through)
		}
		jobs = jobs[:i+1]
	}
	for _, j := range jobs {
		k := csperf.KindByName(j.kind)
		if k == nil {
			return nil, fmt.Errorf("demo: no kind %s", j.kind)
		}
		n, err := importKind(ctx, im, k, j, opt.Progress)
		sum.Rows[j.kind] = n
		if err != nil {
			return nil, fmt.Errorf("demo %s: %w", j.kind, err)
		}
	}
	return sum, nil
}

// jobs lists what to import, in registry order (a kind references only
// kinds before it).
func (w *world) jobs() []job {
	o := w.org
	return []job{
		{"groups", rowsOf(o.groupRows()), false},
		{"employees", rowsOf(o.employeeRows()), false},
		// Importing employees opens a membership in each one's current
		// group from the hire date; the history replaces those rows for
		// the advisors who moved or left, as an operator would with
		// --update.
		{"memberships", rowsOf(o.membershipRows()), true},
		{"coverage", rowsOf(o.coverageRows()), false},
		{"customers", w.genCustomers, false},
		{"visits", w.genVisits, false},
		{"calls", w.genCalls, false},
		{"qa_evaluations", w.genQA, false},
		{"service_requests", w.genRequests, false},
		{"complaints", w.genComplaints, false},
		{"return_visit_plans", w.genPlans, false},
		{"return_visits", w.genReturnVisits, false},
		{"surveys", w.genSurveys, false},
		{"contracts", w.genContracts, false},
		{"orders", w.genOrders, false},
		{"promises", w.genPromises, false},
		{"change_requests", w.genChanges, false},
		{"proposals", w.genProposals, false},
		{"suggestions", w.genSuggestions, false},
		{"kpi_facts", w.genFacts, false},
	}
}

// importKind streams one kind's rows into as many imports as it takes.
func importKind(ctx context.Context, im Importer, k *csperf.Kind, j job, progress func(string, int64)) (int64, error) {
	p := produce(ctx, len(k.Fields), j.gen)
	defer p.stop()
	var total int64
	for part := 1; ; part++ {
		c := newChunk(p, chunkRows)
		file := "demo/" + k.Name + ".csv"
		if part > 1 {
			file = fmt.Sprintf("demo/%s-%d.csv", k.Name, part)
		}
		o := csperf.ImportOptions{File: file, Update: j.update}
		if progress != nil {
			base := total
			o.Progress = func(n int64) { progress(k.Name, base+n) }
		}
		res, err := im.Import(ctx, k, c, o)
		if err != nil {
			return total, err
		}
		total += res.Rows
		if c.done {
			return total, c.Err()
		}
	}
}

// notables picks the people the caller makes users for: the first advisor
// group's supervisor, an advisor and an agent who stay the whole window.
func (w *world) notables(s *Summary) {
	o := w.org
	id := func(i int) string { return o.emps[i].id }
	s.Manager, s.CSManager, s.CallCenterManager, s.HROfficer = id(o.serviceManager), id(o.csManager), id(o.ccManager), id(o.hr)
	s.QAInspector = id(o.qa[0])
	g := o.groups[o.advGroups[0]]
	s.Supervisor, s.SupervisorGroup, s.Specialist = id(g.leader), g.id, id(g.specialist)
	steady := func(list []int, grp int) int {
		for _, e := range list {
			x := o.emps[e]
			if x.leave == 0 && x.hire < w.cal.first && len(x.segs) == 1 && x.segs[0].group == grp {
				return e
			}
		}
		return list[0]
	}
	s.Advisor = id(steady(o.advisors, o.advGroups[0]))
	a := steady(o.agents, o.teams[0])
	s.Agent, s.TeamLead = id(a), id(o.groups[o.emps[a].group()].leader)
}
