package sqlstore_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
	_ "time/tzdata"

	"csperf"
	"csperf/kpi"
	"csperf/sqlstore"
)

// kpiFixture is a small organisation with every kind of event the KPI
// catalog reads, kept both as records (imported through Import) and as the
// events kpi.Evaluate takes, so that the store's figures can be checked
// against the reference evaluator.
//
//	department main: G1, G2 (advisor groups), G3 (call centre)
//	department D2:   G4 (call centre)
//	A1 G1; A2 G1 until 2015-06-15, then G2; A3 G2; A4 G2 until 2015-03-31,
//	no group in April 2015, G1 from 2015-05-01; C1 G3; C2 G3 until
//	2015-08-20, then G4; C3 G4; C4 G3; S1 G1; X1 in no group (D2);
//	M1 supervises everyone, Q1 inspects calls.
type kpiFixture struct {
	rnd     *rand.Rand
	loc     *time.Location
	records map[string][]csperf.Record // kind → records, in import order
	members []fixtureMembership
}

type fixtureMembership struct {
	emp, group string
	from, to   csperf.Date // to 0: open
}

var fixtureKinds = []string{"customers", "visits", "calls", "qa_evaluations", "service_requests", "complaints",
	"return_visit_plans", "return_visits", "surveys", "contracts", "orders", "promises", "change_requests",
	"proposals", "suggestions", "kpi_facts"}

func newKPIFixture(seed uint64) *kpiFixture {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	f := &kpiFixture{rnd: rand.New(rand.NewPCG(seed, 7)), loc: loc, records: map[string][]csperf.Record{}}
	f.members = []fixtureMembership{
		{"A1", "G1", d("1900-01-01"), 0},
		{"A2", "G1", d("1900-01-01"), d("2015-06-15")}, {"A2", "G2", d("2015-06-16"), 0},
		{"A3", "G2", d("1900-01-01"), 0},
		{"A4", "G2", d("1900-01-01"), d("2015-03-31")}, {"A4", "G1", d("2015-05-01"), 0},
		{"C1", "G3", d("1900-01-01"), 0},
		{"C2", "G3", d("1900-01-01"), d("2015-08-20")}, {"C2", "G4", d("2015-08-21"), 0},
		{"C3", "G4", d("1900-01-01"), 0},
		{"C4", "G3", d("1900-01-01"), 0},
		{"S1", "G1", d("1900-01-01"), 0},
	}
	f.build()
	return f
}

var (
	fixtureAdvisors = []string{"A1", "A2", "A3", "A4"}
	fixtureAgents   = []string{"C1", "C2", "C3", "C4"}
	fixtureStaff    = []string{"A1", "A2", "A3", "A4", "C1", "C2", "C3", "C4", "S1", "X1"}
)

func (f *kpiFixture) pick(xs []string) string { return xs[f.rnd.IntN(len(xs))] }

func (f *kpiFixture) maybe(p float64) bool { return f.rnd.Float64() < p }

// instant returns a random instant from 2014-01-01 to 2015-12-31 local
// time; a quarter of them fall within minutes of local midnight, where the
// UTC and local days differ.
func (f *kpiFixture) instant() time.Time {
	day := d("2014-01-01") + csperf.Date(f.rnd.IntN(730))
	t := day.Time(f.loc)
	if f.maybe(0.25) {
		return t.Add(time.Duration(f.rnd.IntN(600)-300) * time.Second).UTC()
	}
	return t.Add(time.Duration(f.rnd.IntN(86400)) * time.Second).UTC()
}

func (f *kpiFixture) date() csperf.Date { return d("2014-01-01") + csperf.Date(f.rnd.IntN(730)) }

func (f *kpiFixture) add(kind string, r csperf.Record) { f.records[kind] = append(f.records[kind], r) }

func (f *kpiFixture) build() {
	for i := 1; i <= 60; i++ {
		c := csperf.Record{"customer_id": fmt.Sprintf("K%03d", i), "name": fmt.Sprintf("客户%d", i)}
		if f.maybe(0.8) {
			c["phone"] = fmt.Sprintf("1380000%04d", i)
		}
		if f.maybe(0.7) {
			c["address"] = "上海路" + fmt.Sprint(i)
		}
		f.add("customers", c)
	}
	cust := func() string { return fmt.Sprintf("K%03d", 1+f.rnd.IntN(60)) }
	for i := 1; i <= 700; i++ {
		v := csperf.Record{"visit_id": fmt.Sprintf("V%04d", i), "customer_id": cust(), "advisor_id": f.pick(fixtureAdvisors), "visit_date": f.date()}
		if f.maybe(0.5) {
			v["service_type"] = "repair"
		}
		f.add("visits", v)
		if f.maybe(0.1) { // a second visit the same day
			w := csperf.Record{"visit_id": fmt.Sprintf("V%04dB", i), "customer_id": v["customer_id"], "advisor_id": f.pick(fixtureAdvisors), "visit_date": v["visit_date"]}
			f.add("visits", w)
		}
	}
	for i := 1; i <= 1100; i++ {
		q := f.instant()
		c := csperf.Record{"call_id": fmt.Sprintf("T%05d", i), "queued_at": q, "direction": "in"}
		if f.maybe(0.3) {
			c["direction"] = "out"
		}
		if f.maybe(0.5) {
			c["customer_id"] = cust()
		}
		switch {
		case c["direction"] == "in" && f.maybe(0.12): // abandoned
			c["abandoned"] = true
			switch f.rnd.IntN(3) {
			case 0:
				c["agent_id"] = f.pick(fixtureAgents)
			case 1:
				c["group_id"] = f.pick([]string{"G3", "G4"})
			}
		default:
			c["agent_id"] = f.pick(fixtureAgents)
			if f.maybe(0.9) {
				c["abandoned"] = false
			}
			if c["direction"] == "in" || f.maybe(0.7) {
				c["answered_at"] = q.Add(time.Duration(f.rnd.IntN(45)) * time.Second)
			}
			if f.maybe(0.9) {
				c["talk_seconds"] = int64(f.rnd.IntN(900))
			}
			if f.maybe(0.8) {
				c["hold_seconds"] = int64(f.rnd.IntN(120))
			}
			c["effective"] = f.maybe(0.9)
			if f.maybe(0.8) {
				c["resolved_first_contact"] = f.maybe(0.85)
			}
			if f.maybe(0.3) {
				c["group_id"] = f.pick([]string{"G3", "G4"})
			}
		}
		f.add("calls", c)
	}
	n := 0
	for _, c := range f.records["calls"] {
		if c["agent_id"] == nil || !f.maybe(0.12) {
			continue
		}
		n++
		f.add("qa_evaluations", csperf.Record{"evaluation_id": fmt.Sprintf("Q%04d", n), "call_id": c["call_id"], "inspector_id": "Q1",
			"evaluated_at": c["queued_at"].(time.Time).Add(time.Duration(f.rnd.IntN(5*86400)) * time.Second), "score": int64(60 + f.rnd.IntN(41))})
	}
	for i := 1; i <= 250; i++ {
		o := f.instant()
		r := csperf.Record{"request_id": fmt.Sprintf("R%04d", i), "opened_at": o, "customer_id": cust()}
		if f.maybe(0.9) {
			r["employee_id"] = f.pick(fixtureStaff)
		}
		if f.maybe(0.8) {
			r["first_response_at"] = o.Add(time.Duration(f.rnd.IntN(50*3600)) * time.Second)
		}
		if f.maybe(0.8) {
			r["resolved_at"] = o.Add(time.Duration(f.rnd.IntN(100*3600)) * time.Second)
		}
		f.add("service_requests", r)
	}
	for i := 1; i <= 220; i++ {
		o := f.instant()
		c := csperf.Record{"complaint_id": fmt.Sprintf("P%04d", i), "opened_at": o, "class": fmt.Sprint(1 + f.rnd.IntN(3))}
		if f.maybe(0.9) {
			c["employee_id"] = f.pick(fixtureStaff)
		}
		if f.maybe(0.8) {
			c["closed_at"] = o.Add(time.Duration(f.rnd.IntN(100*3600)) * time.Second)
			c["resolved"] = f.maybe(0.9)
		}
		if f.maybe(0.2) {
			c["escalated"] = true
			if f.maybe(0.5) {
				c["escalated_to"] = "manager"
			} else {
				c["escalated_to"] = "supervisor"
			}
		} else if f.maybe(0.7) {
			c["escalated"] = false
		}
		f.add("complaints", c)
	}
	specialists := []string{"S1", "A1", "A3"}
	for i := 1; i <= 180; i++ {
		f.add("return_visit_plans", csperf.Record{"plan_id": fmt.Sprintf("L%04d", i), "customer_id": cust(), "specialist_id": f.pick(specialists), "planned_date": f.date()})
	}
	sats := []string{"good", "fairly_good", "average", "poor", "very_poor"}
	for i := 1; i <= 160; i++ {
		r := csperf.Record{"return_visit_id": fmt.Sprintf("W%04d", i), "customer_id": cust(), "specialist_id": f.pick(specialists), "done_date": f.date()}
		if f.maybe(0.7) {
			r["plan_id"] = fmt.Sprintf("L%04d", 1+f.rnd.IntN(180))
		}
		if f.maybe(0.85) {
			r["satisfaction"] = f.pick(sats)
		}
		f.add("return_visits", r)
	}
	for i := 1; i <= 350; i++ {
		s := csperf.Record{"survey_id": fmt.Sprintf("S%04d", i), "answered_at": f.instant()}
		if f.maybe(0.9) {
			s["employee_id"] = f.pick(fixtureStaff)
		}
		if f.maybe(0.85) {
			s["overall"] = fmt.Sprint(1 + f.rnd.IntN(5))
		}
		if f.maybe(0.7) {
			s["service_attitude"] = fmt.Sprint(1 + f.rnd.IntN(5))
		}
		f.add("surveys", s)
	}
	for i := 1; i <= 120; i++ {
		exp := f.date()
		c := csperf.Record{"contract_id": fmt.Sprintf("H%04d", i), "customer_id": cust(), "start_date": exp - 365, "expiry_date": exp, "renewed": f.maybe(0.8)}
		if f.maybe(0.9) {
			c["employee_id"] = f.pick(fixtureStaff)
		}
		if f.maybe(0.7) {
			c["contacted_at"] = (exp - csperf.Date(f.rnd.IntN(60))).Time(f.loc).Add(time.Duration(f.rnd.IntN(86400)) * time.Second).UTC()
		}
		f.add("contracts", c)
	}
	for i := 1; i <= 260; i++ {
		o := f.instant()
		r := csperf.Record{"order_id": fmt.Sprintf("O%04d", i), "customer_id": cust(), "ordered_at": o}
		if f.maybe(0.9) {
			r["employee_id"] = f.pick(fixtureStaff)
		}
		if f.maybe(0.8) {
			q := int64(f.rnd.IntN(5)) * 10000
			r["quote_price"] = csperf.Money(q)
			r["final_price"] = csperf.Money(q + int64(f.rnd.IntN(3000)-1500))
		}
		if f.maybe(0.8) {
			r["shipped_at"] = o.Add(time.Duration(f.rnd.IntN(40*3600)) * time.Second)
		}
		r["returned"] = f.maybe(0.1)
		if f.maybe(0.05) {
			r["cancelled_for_complaint"] = true
		}
		if f.maybe(0.6) {
			r["followed_up_at"] = o.Add(time.Duration(20*86400+f.rnd.IntN(20*86400)) * time.Second)
		}
		f.add("orders", r)
	}
	for i := 1; i <= 90; i++ {
		f.add("promises", csperf.Record{"promise_id": fmt.Sprintf("M%04d", i), "employee_id": f.pick(fixtureStaff), "due_date": f.date(), "kept": f.maybe(0.8)})
	}
	for i := 1; i <= 40; i++ {
		f.add("change_requests", csperf.Record{"request_id": fmt.Sprintf("X%04d", i), "employee_id": f.pick(fixtureStaff), "requested_at": f.instant()})
	}
	for i := 1; i <= 10; i++ {
		f.add("proposals", csperf.Record{"proposal_id": fmt.Sprintf("Y%04d", i), "title": "提案", "filed_date": f.date(), "employee_id": f.pick(fixtureStaff)})
	}
	for i := 1; i <= 50; i++ {
		k := "improvement"
		if f.maybe(0.4) {
			k = "suggestion"
		}
		f.add("suggestions", csperf.Record{"suggestion_id": fmt.Sprintf("Z%04d", i), "employee_id": f.pick(fixtureStaff), "filed_date": f.date(), "kind": k, "title": "建议"})
	}
	for m := csperf.MakeMonth(2015, 1); m <= csperf.MakeMonth(2015, 12); m++ {
		for _, s := range [][2]string{{"org", ""}, {"group", "G1"}, {"employee", "C1"}, {"department", "D2"}} {
			for _, id := range []string{"in_stock", "checkout_time"} {
				f.add("kpi_facts", csperf.Record{"kpi_id": id, "scope": s[0], "scope_id": s[1], "period_start": m.First(), "period_end": m.Last(),
					"numerator": int64(50 + f.rnd.IntN(500)), "denominator": int64(f.rnd.IntN(600))})
			}
		}
	}
	// A fact over half a month, which only periods containing it count.
	f.add("kpi_facts", csperf.Record{"kpi_id": "in_stock", "scope": "org", "scope_id": "", "period_start": d("2015-09-16"), "period_end": d("2015-09-30"), "numerator": int64(7), "denominator": int64(9)})
}

// load imports the organisation and every record.
func (f *kpiFixture) load(t *testing.T, db *sqlstore.DB) {
	t.Helper()
	mustImport(t, db, "departments", csperf.Record{"department_id": "D2", "name": "二部"})
	mustImport(t, db, "groups",
		csperf.Record{"group_id": "G1", "name": "一组", "department_id": "main", "group_type": "advisor"},
		csperf.Record{"group_id": "G2", "name": "二组", "department_id": "main", "group_type": "advisor"},
		csperf.Record{"group_id": "G3", "name": "座席一班", "department_id": "main", "group_type": "call_center"},
		csperf.Record{"group_id": "G4", "name": "座席二班", "department_id": "D2", "group_type": "call_center"})
	emp := func(id, pos, dept string) csperf.Record {
		r := csperf.Record{"employee_id": id, "name": "员工" + id, "position": pos, "department_id": dept, "supervisor_id": "M1"}
		if id == "M1" {
			delete(r, "supervisor_id")
		}
		return r
	}
	var emps []csperf.Record
	emps = append(emps, emp("M1", "supervisor", "main"), emp("Q1", "qa_inspector", "main"))
	for _, a := range fixtureAdvisors {
		emps = append(emps, emp(a, "service_advisor", "main"))
	}
	for _, c := range fixtureAgents {
		emps = append(emps, emp(c, "agent", "main"))
	}
	s1 := emp("S1", "return_visit_specialist", "main")
	s1["hire_date"] = d("2015-02-01")
	x1 := emp("X1", "specialist", "D2")
	x1["leave_date"] = d("2015-06-30")
	emps = append(emps, s1, x1)
	mustImport(t, db, "employees", emps...)
	var ms []csperf.Record
	for _, m := range f.members {
		r := csperf.Record{"employee_id": m.emp, "group_id": m.group, "from_date": m.from}
		if m.to != 0 {
			r["to_date"] = m.to
		}
		ms = append(ms, r)
	}
	mustImport(t, db, "memberships", ms...)
	for _, k := range fixtureKinds {
		mustImport(t, db, k, f.records[k]...)
	}
}

// attribution is the fixture's organisation as kpi.Evaluate takes it,
// written from the fixture, not read from the store: the store must agree.
func (f *kpiFixture) attribution() kpi.Attribution {
	groupDept := map[string]string{"G1": "main", "G2": "main", "G3": "main", "G4": "D2", "": "main"}
	covers := func(m fixtureMembership, d csperf.Date) bool { return m.from <= d && (m.to == 0 || d <= m.to) }
	overlaps := func(m fixtureMembership, p kpi.Period) bool { return m.from <= p.End && (m.to == 0 || m.to >= p.Start) }
	return kpi.Attribution{
		Params: kpi.Params{Location: f.loc},
		GroupAt: func(emp string, day csperf.Date) string {
			for _, m := range f.members {
				if m.emp == emp && covers(m, day) {
					return m.group
				}
			}
			return ""
		},
		DepartmentOf: func(g string) string { return groupDept[g] },
		Headcount: func(s kpi.Scope, p kpi.Period) int64 {
			seen := map[string]bool{}
			switch s.Level {
			case kpi.LevelOrg:
				// employed during p: everyone but S1 before February 2015
				// and X1 after June 2015
				n := int64(0)
				for _, e := range append([]string{"M1", "Q1"}, fixtureStaff...) {
					if e == "S1" && p.End < d("2015-02-01") || e == "X1" && p.Start > d("2015-06-30") {
						continue
					}
					n++
				}
				return n
			}
			for _, m := range f.members {
				if overlaps(m, p) && (s.Level == kpi.LevelGroup && m.group == s.ID || s.Level == kpi.LevelDepartment && groupDept[m.group] == s.ID) {
					seen[m.emp] = true
				}
			}
			return int64(len(seen))
		},
	}
}

// events returns the fixture as kpi.Events, with the supplied fields the
// store joins: calls.qa_scored, return_visit_plans.done and
// qa_evaluations.agent_id.
func (f *kpiFixture) events() map[string][]kpi.Event {
	scored, done, agent := map[any]bool{}, map[any]bool{}, map[any]any{}
	for _, q := range f.records["qa_evaluations"] {
		scored[q["call_id"]] = true
	}
	for _, r := range f.records["return_visits"] {
		if r["plan_id"] != nil {
			done[r["plan_id"]] = true
		}
	}
	for _, c := range f.records["calls"] {
		agent[c["call_id"]] = c["agent_id"]
	}
	out := map[string][]kpi.Event{}
	for kind, recs := range f.records {
		for _, r := range recs {
			e := kpi.Event{}
			for k, v := range r {
				e[k] = v
			}
			switch kind {
			case "calls":
				e["qa_scored"] = scored[r["call_id"]]
			case "return_visit_plans":
				e["done"] = done[r["plan_id"]]
			case "qa_evaluations":
				e["agent_id"] = agent[r["call_id"]]
			}
			out[kind] = append(out[kind], e)
		}
	}
	return out
}

// find returns the index of the record of kind with key value id.
func (f *kpiFixture) find(kind, id string) int {
	key := csperf.KindByName(kind).Key[0]
	return slices.IndexFunc(f.records[kind], func(r csperf.Record) bool { return r[key] == id })
}

// remove drops a record from the fixture.
func (f *kpiFixture) remove(kind, id string) {
	i := f.find(kind, id)
	f.records[kind] = slices.Delete(f.records[kind], i, i+1)
}
