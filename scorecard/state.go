package scorecard

import (
	"slices"
	"time"

	"csperf"
)

// Cycle is an evaluation cycle as the store keeps it.
type Cycle struct {
	ID         string `json:"cycle_id"`
	Name       string `json:"name"`
	Kind       string `json:"kind"`
	Period     string `json:"period"` // the period's label: 2015-09, 2015-Q3, 2015
	ScopeLevel string `json:"scope_level"`
	ScopeID    string `json:"scope_id"`
	State      string `json:"state"`

	CreatedAt time.Time `json:"created_at"`
	CreatedBy string    `json:"created_by"`
	// The maker: who computed the results in force.
	ComputedAt *time.Time `json:"computed_at,omitempty"`
	ComputedBy string     `json:"computed_by,omitempty"`
	SHA256     string     `json:"sha256,omitempty"` // of the canonical JSON of the results
	// The checker: the second user who signed the results off.
	ApprovedAt *time.Time `json:"approved_at,omitempty"`
	ApprovedBy string     `json:"approved_by,omitempty"`
	ClosedAt   *time.Time `json:"closed_at,omitempty"`
	ClosedBy   string     `json:"closed_by,omitempty"`
	// Reopened counts reopenings; ReopenReason is the last one's reason.
	Reopened     int    `json:"reopened"`
	ReopenReason string `json:"reopen_reason,omitempty"`

	Members    int `json:"members"`
	Ratings    int `json:"ratings"`
	Objections int `json:"objections_open"`

	Setup *Setup `json:"setup,omitempty"`
}

// InEffect reports whether the cycle's results have been signed off by a
// checker (reviewed or closed): only then do payroll, promotion and raises
// read them.
func (c *Cycle) InEffect() bool { return c.State == StateReviewed || c.State == StateClosed }

// Rating is a self or supervisor rating of one item of one employee.
type Rating struct {
	EmployeeID string    `json:"employee_id"`
	Item       string    `json:"item"`
	Source     string    `json:"source"` // SourceSelf or SourceSupervisor
	Points     Number    `json:"points"` // 0–100
	RatedBy    string    `json:"rated_by,omitempty"`
	RatedAt    time.Time `json:"rated_at,omitzero"`
}

// Objection is an employee's objection to their result, and the reviewer's
// answer. Every objection is answered before the cycle closes.
type Objection struct {
	ID         int64      `json:"objection_id"`
	CycleID    string     `json:"cycle_id"`
	EmployeeID string     `json:"employee_id"`
	Text       string     `json:"text"`
	FiledBy    string     `json:"filed_by"`
	FiledAt    time.Time  `json:"filed_at"`
	Answer     string     `json:"answer,omitempty"`
	AnsweredBy string     `json:"answered_by,omitempty"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
}

// RatingGap is a rating the templates ask for that is not entered.
type RatingGap struct {
	EmployeeID string `json:"employee_id"`
	Item       string `json:"item"`
	Source     string `json:"source"`
}

// Who may do what with cycles (SPEC §12 roles). The store checks these for
// a signed-in user; the operator at the command line (no user) may manage
// cycles but may neither sign results off nor reopen, which need a named
// user so that maker and checker are two people.
var (
	// ManageRoles create, compute and close cycles and answer objections.
	ManageRoles = []string{csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR}
	// ApproveRoles sign results off (the checker of maker-checker).
	ApproveRoles = []string{csperf.RoleAdmin, csperf.RoleManager, csperf.RoleHR}
	// ReopenRoles reopen a closed cycle.
	ReopenRoles = []string{csperf.RoleAdmin}
)

// CanManage reports whether role may create, compute and close cycles.
func CanManage(role string) bool { return slices.Contains(ManageRoles, role) }

// CanApprove reports whether role may sign a cycle's results off.
func CanApprove(role string) bool { return slices.Contains(ApproveRoles, role) }

// CanReopen reports whether role may reopen a closed cycle.
func CanReopen(role string) bool { return slices.Contains(ReopenRoles, role) }

// CanRate reports whether u may enter a rating from source for an employee
// of the group: anyone who manages cycles; the employee themself for a self
// rating; a supervisor for a supervisor rating of an employee of a group
// they lead.
func CanRate(u *csperf.User, source, employeeID, groupID string) bool {
	switch {
	case CanManage(u.Role):
		return true
	case source == SourceSelf:
		return u.EmployeeID != "" && u.EmployeeID == employeeID
	case source == SourceSupervisor:
		return u.Role == csperf.RoleSupervisor && groupID != "" && slices.Contains(u.GroupIDs, groupID) && u.EmployeeID != employeeID
	}
	return false
}

// CanObject reports whether u may file an objection for the employee: the
// employee themself, or someone who manages cycles on their behalf.
func CanObject(u *csperf.User, employeeID string) bool {
	return CanManage(u.Role) || u.EmployeeID != "" && u.EmployeeID == employeeID
}

// CanReadResult reports whether u may read the result and explanation of
// an employee of the group: those who manage or sign off cycles, the
// employee themself, the supervisor of the employee's group, and viewers.
func CanReadResult(u *csperf.User, employeeID, groupID string) bool {
	switch {
	case CanManage(u.Role) || CanApprove(u.Role) || u.Role == csperf.RoleViewer:
		return true
	case u.EmployeeID != "" && u.EmployeeID == employeeID:
		return true
	case u.Role == csperf.RoleSupervisor:
		return groupID != "" && slices.Contains(u.GroupIDs, groupID)
	}
	return false
}

// CanReadAll reports whether u may read every result of a cycle.
func CanReadAll(u *csperf.User) bool {
	return CanManage(u.Role) || CanApprove(u.Role) || u.Role == csperf.RoleViewer
}
