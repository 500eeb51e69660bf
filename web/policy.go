package web

import (
	"context"
	"slices"
	"strings"

	"csperf"
)

// Access control (SPEC §12). Two checks guard every request:
//
//  1. the route's policy: which roles may call it at all. Every route is
//     registered through Server.route with a policy, and route panics on a
//     policy without a name; TestEveryRouteHasPolicy walks the table.
//  2. the record scope, for routes that read or write records: an agent
//     sees the records whose employee field (the advisor of a visit, the
//     agent of a call …) is their own employee id; a supervisor those of
//     the employees who were in their groups, and their own; everyone else
//     the whole department. A record outside the caller's scope is
//     answered exactly like one that does not exist (404), so that ids
//     cannot be probed; creating a record for an employee outside one's
//     scope is refused with 403 naming the field.
//
// Roles and what they may do:
//
//	role          read records        write records                              other
//	admin         all                 all                                        users, audit, unmask, churn close/reopen, imports
//	manager       all                 all                                        unmask, churn settings and close, imports
//	supervisor    own groups          events and customers in own groups         —
//	qa_inspector  all                 qa_evaluations                             —
//	agent         own records         own events, customers                      —
//	hr            all                 organisation (employees, groups, …)        audit log, unmask
//	viewer        all                 nothing                                    —
//
// Reference kinds (departments, positions, groups, customers) are read by
// every role without scope: a customer's record is what any service contact
// starts from; its personal data stays masked.

// policy names the roles that may call a route.
type policy struct {
	name   string
	public bool            // no sign-in needed (sign-in page, static files)
	roles  map[string]bool // roles allowed when not public
}

func allow(name string, roles ...string) policy {
	p := policy{name: name, roles: map[string]bool{}}
	for _, r := range roles {
		p.roles[r] = true
	}
	return p
}

// allows reports whether a user of role may call a route of p.
func (p policy) allows(role string) bool { return p.public || p.roles[role] }

var allRoles = csperf.Roles

var (
	policyPublic        = policy{name: "public", public: true}
	policySignedIn      = allow("signed-in", allRoles...)
	policyAdmin         = allow("admin", csperf.RoleAdmin)
	policyAuditLog      = allow("audit-log", csperf.RoleAdmin, csperf.RoleHR)
	policyChurnRead     = allow("churn-read", allRoles...)
	policyChurnManage   = allow("churn-manage", csperf.RoleAdmin, csperf.RoleManager)
	policyChurnReopen   = allow("churn-reopen", csperf.RoleAdmin)
	policyImport        = allow("import", csperf.RoleAdmin, csperf.RoleManager)
	policyRecordsExport = allow("export", allRoles...)
)

// Kind classes.
var (
	orgKinds       = []string{"departments", "positions", "groups", "employees", "memberships", "coverage"}
	referenceKinds = []string{"departments", "positions", "groups", "customers"}
)

// readPolicy is who may read records of k (scope narrows it further).
func readPolicy(k *csperf.Kind) policy { return allow("read:"+k.Name, allRoles...) }

// writePolicy is who may create, change and delete records of k.
func writePolicy(k *csperf.Kind) policy {
	name := "write:" + k.Name
	switch {
	case slices.Contains(orgKinds, k.Name):
		return allow(name, csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR)
	case k.Name == "customers":
		return allow(name, csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor, csperf.RoleAgent)
	case k.Name == "kpi_facts":
		return allow(name, csperf.RoleAdmin, csperf.RoleManager)
	case k.Name == "qa_evaluations":
		return allow(name, csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor, csperf.RoleQA)
	}
	return allow(name, csperf.RoleAdmin, csperf.RoleManager, csperf.RoleSupervisor, csperf.RoleAgent)
}

// canUnmask reports whether u may reveal personal data.
func canUnmask(u *csperf.User) bool {
	return u != nil && (u.Role == csperf.RoleAdmin || u.Role == csperf.RoleManager || u.Role == csperf.RoleHR)
}

// canWrite reports whether u may write records of k (the policy check
// pages use to show or hide forms; the routes enforce it).
func canWrite(u *csperf.User, k *csperf.Kind) bool { return u != nil && writePolicy(k).allows(u.Role) }

// employeeFields are the fields by which a record belongs to an employee,
// in the order the store picks the first (sqlstore.ScopeField; a test keeps
// the two in step).
var employeeFields = []string{"employee_id", "advisor_id", "agent_id", "specialist_id", "inspector_id"}

// scopeField returns the field that ties a record of k to an employee, or "".
func scopeField(k *csperf.Kind) string {
	for _, n := range employeeFields {
		if f := k.Field(n); f != nil && (f.Type == csperf.TRef || k.Name == "employees") {
			return n
		}
	}
	return ""
}

// scope returns the record scope of u for kind k; nil means every record.
// A supervisor or agent without an employee id or groups gets an empty
// scope, which matches nothing.
func scope(u *csperf.User, k *csperf.Kind) *csperf.Scope {
	if slices.Contains(referenceKinds, k.Name) {
		return nil
	}
	switch u.Role {
	case csperf.RoleAgent:
		sc := &csperf.Scope{}
		if u.EmployeeID != "" {
			sc.EmployeeIDs = []string{u.EmployeeID}
		}
		return sc
	case csperf.RoleSupervisor:
		sc := &csperf.Scope{GroupIDs: u.GroupIDs}
		if u.EmployeeID != "" {
			sc.EmployeeIDs = []string{u.EmployeeID}
		}
		return sc
	}
	return nil
}

// visible returns the record of k with key if u may see it; a record
// outside u's scope is ENOTFOUND, exactly like a missing one.
func (s *Server) visible(ctx context.Context, u *csperf.User, k *csperf.Kind, key []string) (csperf.Record, error) {
	sc := scope(u, k)
	if sc == nil {
		return s.cfg.Records.GetRecord(ctx, k, key)
	}
	if len(key) != len(k.Key) {
		return nil, csperf.Errorf(csperf.ENOTFOUND, "no such record")
	}
	where := map[string]string{}
	for i, name := range k.Key {
		where[name] = key[i]
	}
	recs, _, err := s.cfg.Records.ListRecords(ctx, k, csperf.RecordFilter{Where: where, Scope: sc, Limit: 1})
	if err != nil {
		if csperf.ErrorCode(err) == csperf.EINVALID {
			return nil, csperf.Errorf(csperf.ENOTFOUND, "no such record")
		}
		return nil, err
	}
	if len(recs) == 0 {
		return nil, csperf.Errorf(csperf.ENOTFOUND, "no %s with id %s", strings.TrimSuffix(k.Name, "s"), strings.Join(key, keySep))
	}
	return recs[0], nil
}

// checkOwner refuses a record u writes for an employee outside u's scope.
// For an agent who leaves the employee field empty it is filled with the
// agent's own employee id.
func (s *Server) checkOwner(ctx context.Context, u *csperf.User, k *csperf.Kind, r csperf.Record, creating bool) error {
	sc := scope(u, k)
	if sc == nil {
		return nil
	}
	field := scopeField(k)
	if field == "" {
		return csperf.Errorf(csperf.EFORBIDDEN, "your role may not write %s", k.Name)
	}
	v, present := r[field]
	if !present && !creating {
		return nil // unchanged, and the record is in scope already
	}
	if v == nil && u.Role == csperf.RoleAgent && u.EmployeeID != "" && creating {
		r[field] = u.EmployeeID
		return nil
	}
	id, _ := v.(string)
	if id == "" {
		return &csperf.Error{Code: csperf.EFORBIDDEN, Field: field, Message: "give an employee within your scope"}
	}
	if slices.Contains(sc.EmployeeIDs, id) {
		return nil
	}
	emp := csperf.KindByName("employees")
	if len(sc.GroupIDs) > 0 {
		recs, _, err := s.cfg.Records.ListRecords(ctx, emp, csperf.RecordFilter{Where: map[string]string{"employee_id": id}, Scope: sc, Limit: 1})
		if err != nil {
			return err
		}
		if len(recs) == 1 {
			return nil
		}
	}
	return &csperf.Error{Code: csperf.EFORBIDDEN, Field: field, Message: "employee " + id + " is outside your scope"}
}
