package demo

import (
	"math"
	"slices"
	"strings"

	"csperf"
)

// seg is one stretch of an employee's group membership; to is 0 while open.
type seg struct {
	group    int
	from, to csperf.Date
}

type emp struct {
	id, pos     string
	p           person
	hire, leave csperf.Date // leave is 0 while employed
	sup         int         // index of the supervisor, −1 for none
	quality     float64     // −1 … 1: how well this person serves
	segs        []seg
	phone, mail string
	bonus       csperf.Money
}

// activeOn reports whether e works on day d.
func (e *emp) activeOn(d csperf.Date) bool {
	return d >= e.hire && (e.leave == 0 || d <= e.leave)
}

// groupOn returns e's group on day d, or −1.
func (e *emp) groupOn(d csperf.Date) int {
	for _, s := range e.segs {
		if d >= s.from && (s.to == 0 || d <= s.to) {
			return s.group
		}
	}
	return -1
}

// group returns e's current (last) group, or −1.
func (e *emp) group() int {
	if len(e.segs) == 0 {
		return -1
	}
	return e.segs[len(e.segs)-1].group
}

type grp struct {
	id, name, typ string
	leader        int     // supervisor or team lead
	specialist    int     // return-visit specialist covering an advisor group
	quality       float64 // a team's shared habits
}

// org is the generated organisation. Slices of int hold indexes into emps.
type org struct {
	emps                                     []*emp
	groups                                   []*grp
	advGroups, teams                         []int // group indexes
	advisors, agents, specialists, qa, leads []int
	supervisors                              []int
	csManager, serviceManager, workshop, gbt int
	ccManager, hr, trainer                   int
}

func (o *org) add(r *rng, pb phoneBook, pos string, hire csperf.Date) int {
	i := len(o.emps)
	p := newPerson(r)
	e := &emp{id: padded("E", i+1, 4), pos: pos, p: p, hire: hire, sup: -1,
		quality: clamp(r.norm()*0.45, -1, 1)}
	e.phone = pb.number(r, uint64(90_000_000+i))
	e.mail = p.pinyin + padded(".", i+1, 3) + "@staff.example.com"
	e.bonus = csperf.Money(bonusBase[pos] * 100)
	o.emps = append(o.emps, e)
	return i
}

var bonusBase = map[string]int64{
	"cs_manager": 12000, "service_manager": 10000, "call_center_manager": 9000, "workshop_supervisor": 8000,
	"golden_bow_tie": 8000, "supervisor": 6000, "team_lead": 5000, "service_advisor": 4000, "agent": 3000,
	"qa_inspector": 3500, "return_visit_specialist": 3000, "hr_officer": 4000, "trainer": 4000,
}

// staffSize grows headcounts mildly with the volume: √scale, never below
// the scale-1 organisation.
func staffSize(base int, scale float64) int {
	return max(1, int(math.Round(float64(base)*math.Max(1, math.Sqrt(scale)))))
}

// newOrg builds the after-sales department and its call centre. Most staff
// were hired before the window; a few join and leave during it, and some
// advisors move to another group once.
func newOrg(seed uint64, scale float64, cal *calendar, pb phoneBook) *org {
	r := newRNG(seed, tagStaff, 0)
	o := &org{}
	veteran := func(minDays, maxDays int) csperf.Date { return cal.first - csperf.Date(r.between(minDays, maxDays)) }
	inWindow := func() csperf.Date { // a day well inside the window
		lo, hi := min(60, cal.days()/4), max(min(60, cal.days()/4), cal.days()-45)
		return cal.first + csperf.Date(r.between(lo, hi))
	}

	o.csManager = o.add(r, pb, "cs_manager", veteran(1500, 4000))
	o.serviceManager = o.add(r, pb, "service_manager", veteran(1200, 3600))
	o.workshop = o.add(r, pb, "workshop_supervisor", veteran(900, 3600))
	o.gbt = o.add(r, pb, "golden_bow_tie", veteran(700, 3000))
	o.ccManager = o.add(r, pb, "call_center_manager", veteran(900, 3000))
	o.hr = o.add(r, pb, "hr_officer", veteran(400, 2500))
	o.trainer = o.add(r, pb, "trainer", veteran(300, 2000))

	nAdvGroups := staffSize(6, scale)
	nSpec := staffSize(4, scale)
	nTeams := staffSize(3, scale)
	gw := max(2, digits(nAdvGroups+nTeams))
	for g := range nAdvGroups {
		o.advGroups = append(o.advGroups, len(o.groups))
		o.groups = append(o.groups, &grp{id: padded("G", g+1, gw), name: "业务接待" + zhNumber(g+1) + "组", typ: "advisor",
			specialist: -1, quality: clamp(r.norm()*0.3, -0.6, 0.6)})
	}
	for t := range nTeams {
		o.teams = append(o.teams, len(o.groups))
		o.groups = append(o.groups, &grp{id: padded("CC", t+1, gw), name: "座席" + zhNumber(t+1) + "班", typ: "call_center",
			specialist: -1, quality: clamp(r.norm()*0.25, -0.5, 0.5)})
	}
	join := func(e, g int, from csperf.Date) {
		o.emps[e].segs = append(o.emps[e].segs, seg{group: g, from: from})
	}
	for _, g := range o.advGroups {
		s := o.add(r, pb, "supervisor", veteran(600, 3200))
		o.groups[g].leader = s
		o.supervisors = append(o.supervisors, s)
		join(s, g, o.emps[s].hire)
	}
	nAdv := staffSize(40, scale)
	for a := range nAdv {
		e := o.add(r, pb, "service_advisor", veteran(30, 2800))
		join(e, o.advGroups[a%nAdvGroups], o.emps[e].hire)
		o.advisors = append(o.advisors, e)
	}
	for range nSpec {
		o.specialists = append(o.specialists, o.add(r, pb, "return_visit_specialist", veteran(60, 2000)))
	}
	for i, g := range o.advGroups {
		o.groups[g].specialist = o.specialists[i%nSpec]
	}
	for _, t := range o.teams {
		l := o.add(r, pb, "team_lead", veteran(500, 2500))
		o.groups[t].leader = l
		o.leads = append(o.leads, l)
		join(l, t, o.emps[l].hire)
	}
	nAgents := staffSize(30, scale)
	for a := range nAgents {
		e := o.add(r, pb, "agent", veteran(30, 1500))
		join(e, o.teams[a%nTeams], o.emps[e].hire)
		o.agents = append(o.agents, e)
	}
	for range staffSize(3, scale) {
		o.qa = append(o.qa, o.add(r, pb, "qa_inspector", veteran(200, 2000)))
	}

	// Departures during the window: their group membership ends with them.
	leave := func(pool []int, n int) map[int]bool {
		gone := map[int]bool{}
		for len(gone) < n {
			e := pool[r.n(len(pool))]
			if gone[e] {
				continue
			}
			gone[e] = true
			d := inWindow()
			o.emps[e].leave = d
			o.emps[e].segs[len(o.emps[e].segs)-1].to = d
		}
		return gone
	}
	advGone := leave(o.advisors, max(1, nAdv/20))
	leave(o.agents, max(1, nAgents/10))
	// Moves: some advisors change group once, on the first of a month.
	nMove := max(1, int(math.Round(float64(nAdv)*0.15)))
	moved := map[int]bool{}
	months := cal.months()
	for len(moved) < nMove && len(months) > 6 {
		e := o.advisors[r.n(len(o.advisors))]
		if moved[e] || advGone[e] {
			continue
		}
		moved[e] = true
		day := months[r.between(3, len(months)-3)].First()
		old := o.emps[e].segs[0].group
		to := old
		for to == old {
			to = o.advGroups[r.n(nAdvGroups)]
		}
		o.emps[e].segs[0].to = day - 1
		join(e, to, day)
	}
	// New hires during the window, with the next ids.
	for range max(1, nAdv/20) {
		d := inWindow()
		e := o.add(r, pb, "service_advisor", d)
		join(e, o.advGroups[r.n(nAdvGroups)], d)
		o.advisors = append(o.advisors, e)
	}
	for range max(1, nAgents/10) {
		d := inWindow()
		e := o.add(r, pb, "agent", d)
		join(e, o.teams[r.n(nTeams)], d)
		o.agents = append(o.agents, e)
	}

	// Reporting lines.
	sup := func(list []int, s int) {
		for _, e := range list {
			o.emps[e].sup = s
		}
	}
	sup([]int{o.serviceManager, o.ccManager, o.hr, o.trainer}, o.csManager)
	sup([]int{o.workshop, o.gbt}, o.serviceManager)
	sup(o.supervisors, o.serviceManager)
	sup(o.specialists, o.gbt)
	sup(o.leads, o.ccManager)
	sup(o.qa, o.ccManager)
	for _, list := range [][]int{o.advisors, o.agents} {
		for _, e := range list {
			o.emps[e].sup = o.groups[o.emps[e].group()].leader
		}
	}
	return o
}

// advisorOn returns an advisor active on day d, preferring those of group g
// (g < 0: any group); it returns −1 if nobody works that day.
func (o *org) advisorOn(r *rng, d csperf.Date, g int) int {
	for range 24 {
		a := o.advisors[r.n(len(o.advisors))]
		e := o.emps[a]
		if e.activeOn(d) && (g < 0 || e.groupOn(d) == g) {
			return a
		}
	}
	if g >= 0 {
		return o.advisorOn(r, d, -1)
	}
	for _, a := range o.advisors {
		if o.emps[a].activeOn(d) {
			return a
		}
	}
	return -1
}

// agentOn returns an agent of team t (group index) active on day d, or −1.
func (o *org) agentOn(r *rng, d csperf.Date, t int) int {
	for range 24 {
		a := o.agents[r.n(len(o.agents))]
		e := o.emps[a]
		if e.activeOn(d) && e.groupOn(d) == t {
			return a
		}
	}
	for _, a := range o.agents {
		if e := o.emps[a]; e.activeOn(d) && e.groupOn(d) == t {
			return a
		}
	}
	return -1
}

// skill is an employee's quality with their group's on day d.
func (o *org) skill(e int, d csperf.Date) float64 {
	q := o.emps[e].quality
	if g := o.emps[e].groupOn(d); g >= 0 {
		q += o.groups[g].quality
	}
	return clamp(q, -1.2, 1.2)
}

// specialistFor returns the return-visit specialist covering advisor a on
// day d: the specialist of the advisor's group then.
func (o *org) specialistFor(a int, d csperf.Date) int {
	g := o.emps[a].groupOn(d)
	if g < 0 {
		g = o.emps[a].group()
	}
	return o.groups[g].specialist
}

func (o *org) groupRows() [][]any {
	var rows [][]any
	for _, g := range o.groups {
		rows = append(rows, []any{g.id, g.name, "main", g.typ})
	}
	slices.SortFunc(rows, func(a, b []any) int { return strings.Compare(a[0].(string), b[0].(string)) })
	return rows
}

func dateOrNil(d csperf.Date) any {
	if d == 0 {
		return nil
	}
	return d
}

func (o *org) employeeRows() [][]any {
	var rows [][]any
	for _, e := range o.emps {
		var g, s any
		if gi := e.group(); gi >= 0 {
			g = o.groups[gi].id
		}
		if e.sup >= 0 {
			s = o.emps[e.sup].id
		}
		rows = append(rows, []any{e.id, e.p.name, e.pos, g, "main", e.hire, dateOrNil(e.leave), s, e.phone, e.mail, e.bonus})
	}
	return rows
}

func (o *org) membershipRows() [][]any {
	var rows [][]any
	for _, e := range o.emps {
		for _, s := range e.segs {
			rows = append(rows, []any{e.id, o.groups[s.group].id, s.from, dateOrNil(s.to)})
		}
	}
	return rows
}

// coverageRows follow the advisors' groups: an advisor is covered by the
// specialist of the group they are in, so a move may change the specialist.
func (o *org) coverageRows() [][]any {
	var rows [][]any
	for _, a := range o.advisors {
		e := o.emps[a]
		var cur []any
		for _, s := range e.segs {
			sp := o.emps[o.groups[s.group].specialist].id
			if cur != nil && cur[0] == sp {
				cur[3] = dateOrNil(s.to)
				continue
			}
			if cur != nil {
				rows = append(rows, cur)
			}
			cur = []any{sp, e.id, s.from, dateOrNil(s.to)}
		}
		if cur != nil {
			rows = append(rows, cur)
		}
	}
	return rows
}
