package csperf

import "time"

// SurveyLink is an invitation to answer the satisfaction survey (SPEC §3)
// through a one-use link without signing in: /s/{token}. Only the hash of
// the token is stored; Token and URL are filled once, when the link is
// made, and never again.
type SurveyLink struct {
	ID         int64      `json:"id"`
	CustomerID string     `json:"customer_id,omitempty"`
	EmployeeID string     `json:"employee_id,omitempty"`
	SourceKind string     `json:"source_kind,omitempty"` // visits, calls, service_requests or complaints
	SourceID   string     `json:"source_id,omitempty"`
	CreatedAt  time.Time  `json:"created_at"`
	CreatedBy  string     `json:"created_by"`
	ExpiresAt  time.Time  `json:"expires_at"`
	AnsweredAt *time.Time `json:"answered_at,omitempty"`
	SurveyID   string     `json:"survey_id,omitempty"`
	Status     string     `json:"status"` // SurveyLinkOpen, SurveyLinkAnswered or SurveyLinkExpired
	Token      string     `json:"token,omitempty"`
	URL        string     `json:"url,omitempty"`
}

// States of a survey link.
const (
	SurveyLinkOpen     = "open"
	SurveyLinkAnswered = "answered"
	SurveyLinkExpired  = "expired"
)

// SurveyLinkSources are the kinds of customer contact a link can be made
// for; the link takes the contact's customer and responsible employee.
var SurveyLinkSources = []string{"visits", "calls", "service_requests", "complaints"}

// SettingSurveyLinkDays is the setting holding how many days a new survey
// link stays open (default DefaultSurveyLinkDays).
const SettingSurveyLinkDays = "survey.link_days"

// DefaultSurveyLinkDays is how long a survey link stays open when the
// setting is not set.
const DefaultSurveyLinkDays = 14

// SurveyLinkActor is who the audit log names for a survey answered
// through a link.
const SurveyLinkActor = "customer via link"

// SurveyLinkFilter selects survey links: by state ("" for all) and within
// a record scope (nil for all), newest first.
type SurveyLinkFilter struct {
	Status        string
	Scope         *Scope
	Limit, Offset int
}

// StatusAt returns the state of l at now.
func (l *SurveyLink) StatusAt(now time.Time) string {
	switch {
	case l.AnsweredAt != nil:
		return SurveyLinkAnswered
	case !now.Before(l.ExpiresAt):
		return SurveyLinkExpired
	}
	return SurveyLinkOpen
}
