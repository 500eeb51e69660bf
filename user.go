package csperf

import "time"

// Roles (SPEC §12). Each sees what its scope allows: an agent their own
// records, a supervisor their groups', a manager the department's.
const (
	RoleAdmin      = "admin"
	RoleManager    = "manager"
	RoleSupervisor = "supervisor"
	RoleQA         = "qa_inspector"
	RoleAgent      = "agent"
	RoleHR         = "hr"
	RoleViewer     = "viewer"
)

// Roles lists every role.
var Roles = []string{RoleAdmin, RoleManager, RoleSupervisor, RoleQA, RoleAgent, RoleHR, RoleViewer}

// User is someone who signs in.
type User struct {
	ID                string     `json:"user_id"`
	Username          string     `json:"username"`
	DisplayName       string     `json:"display_name"`
	Role              string     `json:"role"`
	EmployeeID        string     `json:"employee_id,omitempty"`
	GroupIDs          []string   `json:"group_ids,omitempty"` // groups a supervisor leads
	Lang              string     `json:"lang"`
	Disabled          bool       `json:"disabled"`
	PasswordHash      string     `json:"-"`
	PasswordChangedAt time.Time  `json:"password_changed_at"`
	FailedLogins      int        `json:"-"`
	LockedUntil       *time.Time `json:"locked_until,omitempty"`
	TOTPSecret        string     `json:"-"`
	CreatedAt         time.Time  `json:"created_at"`
}

// ValidRole reports whether r is one of Roles.
func ValidRole(r string) bool {
	for _, x := range Roles {
		if x == r {
			return true
		}
	}
	return false
}

// UserUpdate holds the fields of a user to change; nil leaves one as is.
type UserUpdate struct {
	Role         *string
	Lang         *string
	Disabled     *bool
	GroupIDs     *[]string
	PasswordHash *string
	TOTPSecret   *string
}
