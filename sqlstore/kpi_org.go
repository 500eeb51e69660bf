package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"csperf"
	"csperf/kpi"
)

// orgIndex is the organisation as KPI attribution needs it, in memory: who
// belonged to which group when, and which department each group is in.
type orgIndex struct {
	members     map[string][]orgMembership // by employee, by from date
	groupDept   map[string]string
	employees   []orgEmployee
	groups      []orgUnit
	departments []orgUnit
}

type orgMembership struct {
	group    string
	from, to csperf.Date // to: churnOpen when open
}

type orgEmployee struct {
	id, name, supervisor, group, department string
	hire, leave                             *csperf.Date
}

type orgUnit struct{ id, name, department string }

const openEnded = csperf.Date(1 << 30)

// loadOrg reads memberships, groups, departments and employees through q.
func loadOrg(ctx context.Context, db *DB, q querier) (*orgIndex, error) {
	o := &orgIndex{members: map[string][]orgMembership{}, groupDept: map[string]string{}}
	rows, err := q.QueryContext(ctx, `SELECT employee_id, group_id, from_date, to_date FROM memberships`)
	if err != nil {
		return nil, fmt.Errorf("kpi org: %w", err)
	}
	for rows.Next() {
		var emp string
		var m orgMembership
		var to any
		if err := rows.Scan(&emp, &m.group, &m.from, &to); err != nil {
			rows.Close()
			return nil, err
		}
		m.to = openEnded
		if to != nil {
			if err := m.to.Scan(to); err != nil {
				rows.Close()
				return nil, err
			}
		}
		o.members[emp] = append(o.members[emp], m)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, ms := range o.members {
		slices.SortFunc(ms, func(a, b orgMembership) int { return int(a.from - b.from) })
	}
	rows, err = q.QueryContext(ctx, `SELECT group_id, name, COALESCE(department_id, '') FROM groups_ ORDER BY `+db.d.binary("group_id"))
	if err != nil {
		return nil, fmt.Errorf("kpi org: %w", err)
	}
	for rows.Next() {
		var g orgUnit
		if err := rows.Scan(&g.id, &g.name, &g.department); err != nil {
			rows.Close()
			return nil, err
		}
		o.groups = append(o.groups, g)
		o.groupDept[g.id] = g.department
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT department_id, name FROM departments ORDER BY `+db.d.binary("department_id"))
	if err != nil {
		return nil, fmt.Errorf("kpi org: %w", err)
	}
	for rows.Next() {
		var d orgUnit
		if err := rows.Scan(&d.id, &d.name); err != nil {
			rows.Close()
			return nil, err
		}
		o.departments = append(o.departments, d)
	}
	rows.Close()
	rows, err = q.QueryContext(ctx, `SELECT employee_id, name, COALESCE(supervisor_id, ''), COALESCE(group_id, ''), COALESCE(department_id, ''), hire_date, leave_date FROM employees ORDER BY `+db.d.binary("employee_id"))
	if err != nil {
		return nil, fmt.Errorf("kpi org: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var e orgEmployee
		var hire, leave any
		if err := rows.Scan(&e.id, &e.name, &e.supervisor, &e.group, &e.department, &hire, &leave); err != nil {
			return nil, err
		}
		for _, x := range []struct {
			v   any
			dst **csperf.Date
		}{{hire, &e.hire}, {leave, &e.leave}} {
			if x.v != nil {
				var d csperf.Date
				if err := d.Scan(x.v); err != nil {
					return nil, err
				}
				*x.dst = &d
			}
		}
		o.employees = append(o.employees, e)
	}
	return o, rows.Err()
}

// groupAt returns the group employee belonged to on day d: the membership
// covering d with the latest start (memberships do not overlap; the rule
// only makes the choice total), "" if none.
func (o *orgIndex) groupAt(emp string, d csperf.Date) string {
	ms := o.members[emp]
	for i := len(ms) - 1; i >= 0; i-- {
		if ms[i].from <= d && d <= ms[i].to {
			return ms[i].group
		}
	}
	return ""
}

// groupOf is the group an event of employee emp naming group src is
// attributed to on day d (kpi.Attribute).
func (o *orgIndex) groupOf(emp, src string, d csperf.Date) string {
	if emp != "" {
		if g := o.groupAt(emp, d); g != "" {
			return g
		}
	}
	return src
}

// departmentOf returns a group's department. Events attributed to no group
// (an abandoned call that reached no queue, an employee in no group, a
// customer record) belong to the default department.
func (o *orgIndex) departmentOf(g string) string {
	if g == "" {
		return DefaultDepartment
	}
	return o.groupDept[g]
}

// headcount is the number of employees of a scope in period p, for
// count-per-employee KPIs: for a group, the employees who were its members
// on any day of p; for a department, those who were members of one of its
// groups on any day of p; for the organisation, those employed on any day
// of p (hired on or before its end, not left before its start).
func (o *orgIndex) headcount(s kpi.Scope, p kpi.Period) int64 {
	var n int64
	switch s.Level {
	case kpi.LevelEmployee:
		return 1
	case kpi.LevelOrg:
		for _, e := range o.employees {
			if (e.hire == nil || *e.hire <= p.End) && (e.leave == nil || *e.leave >= p.Start) {
				n++
			}
		}
		return n
	}
	for _, ms := range o.members {
		for _, m := range ms {
			if m.from > p.End || m.to < p.Start {
				continue
			}
			if s.Level == kpi.LevelGroup && m.group == s.ID || s.Level == kpi.LevelDepartment && o.groupDept[m.group] == s.ID {
				n++
				break
			}
		}
	}
	return n
}

// attribution is the kpi.Attribution the store computes with.
func (o *orgIndex) attribution(p kpi.Params) kpi.Attribution {
	return kpi.Attribution{
		Params:       p,
		GroupAt:      o.groupAt,
		DepartmentOf: o.departmentOf,
		Headcount:    o.headcount,
	}
}

// ids returns every id of a level, sorted, with names: all employees,
// groups or departments; the organisation is the one id "".
func (o *orgIndex) ids(level string) ([]string, map[string]string) {
	names := map[string]string{}
	var out []string
	switch level {
	case kpi.LevelEmployee:
		for _, e := range o.employees {
			out = append(out, e.id)
			names[e.id] = e.name
		}
	case kpi.LevelGroup:
		for _, g := range o.groups {
			out = append(out, g.id)
			names[g.id] = g.name
		}
	case kpi.LevelDepartment:
		for _, d := range o.departments {
			out = append(out, d.id)
			names[d.id] = d.name
		}
	default:
		out = []string{""}
	}
	return out, names
}

// scopeID is the id of level an owner counts for, and whether it counts.
func scopeID(o kpi.Owner, level string) (string, bool) {
	switch level {
	case kpi.LevelEmployee:
		return o.Employee, o.Employee != ""
	case kpi.LevelGroup:
		return o.Group, o.Group != ""
	case kpi.LevelDepartment:
		return o.Department, o.Department != ""
	}
	return "", true
}

// employee returns an employee's record, or nil.
func (o *orgIndex) employee(id string) *orgEmployee {
	i, ok := slices.BinarySearchFunc(o.employees, id, func(e orgEmployee, id string) int { return strings.Compare(e.id, id) })
	if !ok {
		return nil
	}
	return &o.employees[i]
}
