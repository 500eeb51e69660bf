package pdf

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"csperf"
	"csperf/churn"
	"csperf/kpi"
	"csperf/scorecard"
)

// Names are the names a document shows next to ids; an id without a name
// shows alone.
type Names struct {
	Employees map[string]string
	Groups    map[string]string
	// Positions by code: [Chinese, English].
	Positions map[string][2]string
	Customers map[string]Customer
}

// Customer is what the churned-customers list shows of a customer. Phone
// is the stored number: the document masks it.
type Customer struct {
	Name, Phone string
}

// LoadNames reads the names of every employee, group and position, and of
// the given customers, from rs. The caller has already limited customers
// to those the reader may see.
func LoadNames(ctx context.Context, rs csperf.RecordService, customers []string) (*Names, error) {
	n := &Names{Employees: map[string]string{}, Groups: map[string]string{}, Positions: map[string][2]string{}, Customers: map[string]Customer{}}
	each := func(kind string, fn func(csperf.Record)) error {
		k := csperf.KindByName(kind)
		for off := 0; ; {
			recs, total, err := rs.ListRecords(ctx, k, csperf.RecordFilter{Offset: off, Limit: 10000})
			if err != nil {
				return fmt.Errorf("names of %s: %w", kind, err)
			}
			for _, r := range recs {
				fn(r)
			}
			off += len(recs)
			if len(recs) == 0 || off >= total {
				return nil
			}
		}
	}
	if err := each("employees", func(r csperf.Record) { n.Employees[str(r["employee_id"])] = str(r["name"]) }); err != nil {
		return nil, err
	}
	if err := each("groups", func(r csperf.Record) { n.Groups[str(r["group_id"])] = str(r["name"]) }); err != nil {
		return nil, err
	}
	if err := each("positions", func(r csperf.Record) {
		n.Positions[str(r["position_id"])] = [2]string{str(r["name_zh"]), str(r["name_en"])}
	}); err != nil {
		return nil, err
	}
	// The churned customers of a month at scale are thousands: read them
	// by many ids at a time, not one statement each.
	cs, err := rs.GetRecords(ctx, csperf.KindByName("customers"), customers)
	if err != nil {
		return nil, fmt.Errorf("customer names: %w", err)
	}
	for id, r := range cs {
		n.Customers[id] = Customer{Name: str(r["name"]), Phone: str(r["phone"])}
	}
	return n, nil
}

// SettingOrgName is the setting that names the organisation on every
// document; without it, the names of the departments stand in.
const SettingOrgName = csperf.SettingOrgName

// OrgName is the organisation's name: the setting org.name, else the
// departments' names joined ("" without departments).
func OrgName(ctx context.Context, setting func(ctx context.Context, key string) (string, bool, error), rs csperf.RecordService) (string, error) {
	v, ok, err := setting(ctx, SettingOrgName)
	if err != nil {
		return "", err
	}
	if ok && strings.TrimSpace(v) != "" {
		return strings.TrimSpace(v), nil
	}
	recs, _, err := rs.ListRecords(ctx, csperf.KindByName("departments"), csperf.RecordFilter{Limit: 20, Sort: "department_id"})
	if err != nil {
		return "", fmt.Errorf("organisation name: %w", err)
	}
	var names []string
	for _, r := range recs {
		names = append(names, str(r["name"]))
	}
	return strings.Join(names, "、"), nil
}

func str(v any) string {
	if v == nil {
		return ""
	}
	if s, ok := v.(string); ok {
		return s
	}
	return fmt.Sprint(v)
}

func (n *Names) employee(id string) string {
	if n == nil {
		return ""
	}
	return n.Employees[id]
}

func (n *Names) group(id string) string {
	if n == nil {
		return ""
	}
	return n.Groups[id]
}

func (n *Names) position(lang, code string) string {
	if n == nil {
		return code
	}
	p, ok := n.Positions[code]
	switch {
	case !ok:
		return code
	case lang == "en" && p[1] != "":
		return p[1]
	case p[0] != "":
		return p[0]
	}
	return code
}

func dash(s *string) string {
	if s == nil || *s == "" {
		return "—"
	}
	return *s
}

func i64(n int64) string { return strconv.FormatInt(n, 10) }

// Churn is the churn assessment of rep.Month (already limited to the rows
// the reader may see): the department figure, each group, specialist,
// manager and advisor with their result and amount, and the churned
// customers with their phone numbers masked.
func Churn(m Meta, rep *churn.Report, names *Names) *Document {
	l := labels(m.Lang)
	res := func(r string) string { return label(m.Lang, "churn.result."+r) }
	d := &Document{Meta: m, Title: l["churn.title"],
		Period: fmt.Sprintf(l["churn.period"], rep.Month, rep.BaseMonth, rep.Threshold)}

	dept := &Table{Header: []string{l["churn.scope"], l["churn.churned"], l["churn.base_visits"], l["churn.rate"]},
		Widths: []float64{3, 1.4, 1.6, 1.4}, Right: []bool{false, true, true, true}}
	dept.Rows = append(dept.Rows, []string{fmt.Sprintf(l["churn.dept"], rep.Month), i64(rep.Department.Churned), i64(rep.Department.Visits), dash(rep.Department.Rate)})
	for i, p := range rep.PreviousMonths {
		dept.Rows = append(dept.Rows, []string{fmt.Sprintf(l["churn.previous"], i+1, p.Month), i64(p.Churned), i64(p.Visits), dash(p.Rate)})
	}
	avg, prev := "—", "—"
	if rep.Average != nil {
		avg = rep.Average.Rate
	}
	if rep.PreviousMean != nil {
		prev = rep.PreviousMean.Rate
	}
	d.Sections = append(d.Sections, Section{Title: l["churn.department"], Table: dept, Notes: []string{
		fmt.Sprintf(l["churn.definition"], rep.BaseMonth),
		fmt.Sprintf(l["churn.average"], label(m.Lang, "churn.average."+rep.AverageKind), avg),
		fmt.Sprintf(l["churn.prev_mean"], prev)}})

	groups := &Table{Header: []string{l["churn.group"], l["churn.group_name"], l["churn.churned"], l["churn.base_visits"], l["churn.rate"], l["churn.vs_average"], l["churn.result"], l["churn.amount"]},
		Widths: []float64{1, 2, 1.2, 1.3, 1.1, 1.1, 1, 1.2}, Right: []bool{false, false, true, true, true, false, false, true}}
	for _, g := range rep.Groups {
		groups.Rows = append(groups.Rows, []string{g.GroupID, names.group(g.GroupID), i64(g.Churned), i64(g.Visits), dash(g.Rate), g.Comparison, res(g.Result), g.Amount.Money().String()})
	}
	d.Sections = append(d.Sections, Section{Title: l["churn.groups"], Table: groups})

	specs := &Table{Header: []string{l["churn.employee"], l["churn.name"], l["churn.advisors"], l["churn.mean_rate"], l["churn.vs_average"], l["churn.result"], l["churn.amount"]},
		Widths: []float64{1, 1.2, 3, 1.2, 1.1, 1, 1.2}, Right: []bool{false, false, false, true, false, false, true}}
	for _, s := range rep.Specialists {
		specs.Rows = append(specs.Rows, []string{s.EmployeeID, names.employee(s.EmployeeID), strings.Join(s.RatedAdvisors, " "), dash(s.MeanRate), s.Comparison, res(s.Result), s.Amount.Money().String()})
	}
	d.Sections = append(d.Sections, Section{Title: l["churn.specialists"], Table: specs})

	mgrs := &Table{Header: []string{l["churn.employee"], l["churn.name"], l["churn.position"], l["churn.vs_prev"], l["churn.result"], l["churn.amount"]},
		Widths: []float64{1, 1.2, 2, 1.6, 1, 1.2}, Right: []bool{false, false, false, false, false, true}}
	for _, x := range rep.Managers {
		mgrs.Rows = append(mgrs.Rows, []string{x.EmployeeID, names.employee(x.EmployeeID), names.position(m.Lang, x.Position), x.Comparison, res(x.Result), x.Amount.Money().String()})
	}
	d.Sections = append(d.Sections, Section{Title: l["churn.managers"], Table: mgrs})

	advs := &Table{Header: []string{l["churn.employee"], l["churn.name"], l["churn.group"], l["churn.churned"], l["churn.base_visits"], l["churn.rate"]},
		Widths: []float64{1, 1.3, 1.6, 1.2, 1.3, 1.1}, Right: []bool{false, false, false, true, true, true}}
	for _, a := range rep.Advisors {
		groups := a.Groups
		if len(groups) == 0 && a.GroupID != "" {
			groups = []string{a.GroupID}
		}
		advs.Rows = append(advs.Rows, []string{a.EmployeeID, names.employee(a.EmployeeID), strings.Join(groups, " "), i64(a.Churned), i64(a.Visits), dash(a.Rate)})
	}
	d.Sections = append(d.Sections, Section{Title: l["churn.advisors_title"], Table: advs})

	cust := &Table{Header: []string{l["churn.customer"], l["churn.customer_name"], l["churn.phone"], l["churn.last_visit"], l["churn.last_visit_id"], l["churn.advisor"], l["churn.group"]},
		Widths: []float64{1.3, 1.3, 1.5, 1.3, 1.5, 1.5, 0.8}}
	for _, c := range rep.ChurnedCustomers {
		var cu Customer
		if names != nil {
			cu = names.Customers[c.CustomerID]
		}
		adv := c.AdvisorID
		if n := names.employee(c.AdvisorID); n != "" {
			adv += " " + n
		}
		cust.Rows = append(cust.Rows, []string{c.CustomerID, cu.Name, csperf.MaskPhone(cu.Phone), c.LastVisit.String(), c.LastVisitID, adv, c.GroupID})
	}
	d.Sections = append(d.Sections, Section{Title: fmt.Sprintf(l["churn.customers"], len(rep.ChurnedCustomers)), Notes: []string{l["churn.masked"]}, Table: cust})
	return d
}

// KPIQuery is the query a KPI report answers, as the explorer took it.
type KPIQuery struct {
	KPIs   []string // ids asked for; none: all
	Level  string
	ID     string
	Period string
	By     string
}

// KPIs is the KPI explorer's rows for q.
func KPIs(m Meta, q KPIQuery, rows []kpi.Row) *Document {
	l := labels(m.Lang)
	kpis := strings.Join(q.KPIs, ", ")
	if kpis == "" {
		kpis = l["kpis.all"]
	}
	by := l["kpis.none"]
	if q.By != "" {
		by = label(m.Lang, "kpis.unit."+q.By)
	}
	d := &Document{Meta: m, Title: l["kpis.title"], Period: q.Period, Landscape: true}
	t := &Table{Header: []string{l["kpis.kpi"], l["kpis.scope"], l["kpis.period"], l["kpis.value"], l["kpis.num_den"], l["kpis.target"], l["kpis.met"], l["kpis.previous"], l["kpis.change"]},
		Widths: []float64{2.4, 2.2, 1.8, 1.2, 1.8, 1.2, 0.9, 1.2, 1.2}, Right: []bool{false, false, false, true, true, false, false, true, true}}
	for _, r := range rows {
		name := r.Name
		if m.Lang == "en" && r.NameEN != "" || name == "" {
			name = r.NameEN
		}
		if name == "" {
			name = r.KPI
		}
		met := "—"
		if r.Met != nil {
			met = l[map[bool]string{true: "kpis.met_yes", false: "kpis.met_no"}[*r.Met]]
		}
		scope := strings.TrimSpace(label(m.Lang, "kpis.level."+r.Scope) + " " + r.ID + " " + r.ScopeName)
		value := r.Value
		if r.Note != "" {
			value += "\n" + r.Note
		}
		t.Rows = append(t.Rows, []string{name + " (" + r.KPI + ")", scope, r.Period.String(), value,
			i64(r.Numerator) + " / " + i64(r.Denominator), orDashS(r.Target), met, orDashS(r.Previous), orDashS(r.Change)})
	}
	d.Sections = append(d.Sections, Section{Title: fmt.Sprintf(l["kpis.rows"], len(rows)),
		Notes: []string{fmt.Sprintf(l["kpis.query"], kpis, label(m.Lang, "kpis.level."+q.Level), q.ID, q.Period, by)}, Table: t})
	return d
}

func orDashS(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func num(n *scorecard.Number) string {
	if n == nil {
		return "—"
	}
	return n.String()
}

func money(m *csperf.Money) string {
	if m == nil {
		return "—"
	}
	return m.String()
}

// coefficient drops trailing zero decimals: "1.50" → "1.5".
func coefficient(n *scorecard.Number) string { return trim(num(n)) }

func source(lang, s string) string {
	if s == "" {
		return ""
	}
	return label(lang, "source."+s)
}

// Cycle is a cycle's results: each employee's score, grade, coefficient
// and bonus, with the summary. comp is nil while the cycle has no results;
// results are those the reader may see.
func Cycle(m Meta, c *scorecard.Cycle, sum *scorecard.Summary, sha string, results []scorecard.Result) *Document {
	l := labels(m.Lang)
	d := &Document{Meta: m, Title: l["cycles.title"] + " · " + c.Name, Period: c.Period, Landscape: true}
	head := &Table{Header: []string{l["cycles.cycle"], l["cycles.state"], l["cycles.members"], l["cycles.computed_by"], l["cycles.approved_by"]},
		Rows: [][]string{{c.ID + " " + c.Name, c.State, strconv.Itoa(c.Members), orDashS(c.ComputedBy), orDashS(c.ApprovedBy)}}}
	var notes []string
	if sum != nil {
		mean := "—"
		if sum.Mean != nil {
			mean = sum.Mean.String()
		}
		head.Header = append(head.Header, l["cycles.scored"], l["cycles.mean"], l["cycles.bonus_total"], l["cycles.missing"])
		head.Rows[0] = append(head.Rows[0], strconv.Itoa(sum.Scored)+" / "+strconv.Itoa(sum.Employees), mean, sum.Bonus.String(), strconv.Itoa(sum.WithMissing))
	}
	if sha != "" {
		notes = append(notes, fmt.Sprintf(l["cycles.sha"], sha))
	}
	if c.ComputedAt == nil {
		notes = append(notes, l["cycles.not_computed"])
	}
	d.Sections = append(d.Sections, Section{Title: l["cycles.summary"], Notes: notes, Table: head})
	t := &Table{Header: []string{l["cycles.employee"], l["cycles.name"], l["cycles.group"], l["cycles.score"], l["cycles.grade"], l["cycles.coefficient"], l["cycles.bonus_base"], l["cycles.bonus"], l["cycles.missing"]},
		Widths: []float64{1, 1.4, 0.8, 1, 1.4, 0.9, 1.3, 1.2, 0.9}, Right: []bool{false, false, false, true, false, true, true, true, true}}
	for _, r := range results {
		grade := strings.TrimSpace(r.Grade + " " + r.GradeName)
		t.Rows = append(t.Rows, []string{r.ID, r.Name, r.GroupID, num(r.Score), orDashS(grade), coefficient(r.Coefficient), money(r.BonusBase), money(r.Bonus), strconv.Itoa(missingInputs(r))})
	}
	d.Sections = append(d.Sections, Section{Title: fmt.Sprintf(l["cycles.results"], len(results)), Table: t})
	return d
}

// missingInputs counts a result's missing inputs other than its bonus base
// (the bonus column shows that one), as `csperf cycle show` does.
func missingInputs(r scorecard.Result) int {
	n := 0
	for _, m := range r.Missing {
		if m.Input != "bonus_base" {
			n++
		}
	}
	return n
}

// Result is one employee's result explained line by line: each item's
// value, rule and how it applied, points, weights and contribution; the
// 360 sources; the missing inputs.
func Result(m Meta, c *scorecard.Cycle, r *scorecard.Result) *Document {
	l := labels(m.Lang)
	d := &Document{Meta: m, Title: l["result.title"] + " · " + r.ID + " " + r.Name, Period: c.Period, Landscape: true}
	grade := strings.TrimSpace(r.Grade + " " + r.GradeName)
	sum := &Table{Header: []string{l["cycles.score"], l["cycles.grade"], l["cycles.coefficient"], l["cycles.bonus_base"], l["cycles.bonus"], l["result.grade_rule"], l["result.bonus_rule"]},
		Widths: []float64{0.8, 1, 0.8, 1, 1, 2.5, 2.5},
		Rows:   [][]string{{num(r.Score), orDashS(grade), coefficient(r.Coefficient), money(r.BonusBase), money(r.Bonus), orDashS(r.GradeRule), orDashS(r.BonusRule)}}}
	d.Sections = append(d.Sections, Section{Title: l["result.summary"], Table: sum,
		Notes: []string{fmt.Sprintf(l["result.head"], r.ID, r.Name, c.ID+" "+c.Name, c.Period, r.Template)}})
	items := &Table{Header: []string{l["result.item"], l["result.value"], l["result.rule"], l["result.applied"], l["source.self"], l["source.supervisor"], l["source.customer"],
		l["result.points"], l["result.weight"], l["result.contribution"]},
		Widths: []float64{1.5, 1, 2.3, 2.3, 0.9, 0.9, 0.9, 0.8, 1, 1.2}, Right: []bool{false, true, false, false, true, true, true, true, true, true}}
	for _, it := range r.Items {
		name := it.NameZH
		if m.Lang == "en" && it.NameEN != "" || name == "" {
			name = it.NameEN
		}
		value := it.Value
		if it.Numerator != nil && it.Denominator != nil {
			value += "\n" + i64(*it.Numerator) + " / " + i64(*it.Denominator)
		}
		parts := map[string]string{}
		for _, p := range it.Parts {
			s := "—"
			if p.Points != nil {
				s = p.Points.String() + " ×" + trim(p.Share.String()) + "%"
			}
			parts[p.Source] = s
		}
		weight := trim(it.Weight.String()) + "%"
		if it.Effective.Cmp(it.Weight) != 0 {
			weight += " → " + trim(it.Effective.String()) + "%"
		}
		items.Rows = append(items.Rows, []string{name, orDashS(value), it.Rule, it.Applied, orDashS(parts[scorecard.SourceSelf]),
			orDashS(parts[scorecard.SourceSupervisor]), orDashS(parts[scorecard.SourceCustomer]), num(it.Points), weight, it.Contribution.String()})
	}
	d.Sections = append(d.Sections, Section{Title: l["result.items"], Table: items})
	src := &Table{Header: []string{l["result.source"], l["result.weight"], l["result.own"], l["result.contribution"]}, Right: []bool{false, true, true, true}}
	for _, s := range r.Sources {
		src.Rows = append(src.Rows, []string{source(m.Lang, s.Source), trim(s.Weight.String()) + "%", num(s.Score), s.Contribution.String()})
	}
	d.Sections = append(d.Sections, Section{Title: l["result.sources"], Table: src})
	miss := &Table{Header: []string{l["result.item"], l["result.source"], l["result.input"], l["result.action"]}}
	for _, x := range r.Missing {
		miss.Rows = append(miss.Rows, []string{x.Item, source(m.Lang, x.Source), x.Input, x.Action})
	}
	d.Sections = append(d.Sections, Section{Title: l["result.missing"], Table: miss})
	return d
}

// trim drops trailing zero decimals: "20.00" → "20".
func trim(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}
