package kpi

import (
	"math/big"
	"time"
)

// Alert rules.
const (
	// AlertTargetMissed: a KPI of an employee or group misses its target
	// in the last complete month.
	AlertTargetMissed = "target_missed"
	// AlertDecline: a KPI of an employee or group is worse in the last
	// complete month than the plain mean of its own 3 months before
	// (服务速度下降, seed 000 §4.8: reported to the supervisor).
	AlertDecline = "decline"
	// AlertGoalAtRisk and AlertGoalMissed: a goal's status (Track).
	AlertGoalAtRisk = "goal_at_risk"
	AlertGoalMissed = "goal_missed"
)

// Alert is one figure that needs a supervisor's attention. The same rule
// never raises two alerts for one figure (KPI, scope, period, goal).
type Alert struct {
	ID      int64  `json:"id"`
	Rule    string `json:"rule"`
	KPI     string `json:"kpi"`
	Scope   string `json:"scope"`
	ScopeID string `json:"scope_id"`
	Period  string `json:"period"`
	GoalID  int64  `json:"goal_id,omitempty"`
	// The figure: exact numerator and denominator, the shown value, and
	// what it was compared with (a target, or the mean of the 3 previous
	// periods).
	Numerator   int64  `json:"numerator"`
	Denominator int64  `json:"denominator"`
	Value       string `json:"value"`
	Reference   string `json:"reference"`
	Message     string `json:"message"`
	// Recipient is the supervisor (employee id) the alert goes to;
	// RecipientUsers are the users who see it in the app: the supervisor's
	// users and the users who lead the group.
	Recipient      string     `json:"recipient,omitempty"`
	RecipientUsers []string   `json:"recipient_users,omitempty"`
	CreatedAt      time.Time  `json:"created_at"`
	AcknowledgedAt *time.Time `json:"acknowledged_at,omitempty"`
	AcknowledgedBy string     `json:"acknowledged_by,omitempty"`
	// Delivery is the webhook delivery's state: pending, delivered,
	// failed; "" when no webhook was configured.
	Delivery string `json:"delivery,omitempty"`
}

// AlertFilter selects alerts.
type AlertFilter struct {
	UserID    string // alerts addressed to this user
	Recipient string // alerts addressed to this supervisor (employee id)
	KPI       string
	Open      bool // not yet acknowledged
	Offset    int
	Limit     int // 0: 50
}

// Declined reports whether v is worse than the plain mean of the previous
// values by def's direction, and returns that mean; false when v or any
// previous value has no value, or there are not 3 of them.
func Declined(def Definition, v Value, previous []Value) (bool, *big.Rat) {
	if !v.Valid || len(previous) != 3 {
		return false, nil
	}
	m := MeanOf(previous)
	if m == nil {
		return false, nil
	}
	return Worse(def, v.Ratio().Rat(), m), m
}
