package churn

import "csperf"

// Config is an organisation's stored churn rules with the trial window
// (试行时间) the assessment is limited to, as kept in settings and shown by
// the API.
type Config struct {
	Threshold        int           `json:"threshold_months"`
	GroupAmount      csperf.Money  `json:"group_amount"`
	SpecialistAmount csperf.Money  `json:"specialist_amount"`
	ManagerAmount    csperf.Money  `json:"manager_amount"`
	Average          string        `json:"average"`
	TrialFrom        *csperf.Month `json:"trial_from,omitempty"`
	TrialTo          *csperf.Month `json:"trial_to,omitempty"`
}

// Rules returns the settings as Assess takes them.
func (c Config) Rules() Settings {
	r := DefaultSettings()
	r.Threshold, r.GroupAmount, r.SpecialistAmount, r.ManagerAmount, r.Average = c.Threshold, c.GroupAmount, c.SpecialistAmount, c.ManagerAmount, c.Average
	return r
}

// Validate reports a configuration that cannot be applied.
func (c Config) Validate() error {
	if err := c.Rules().Validate(); err != nil {
		return err
	}
	if (c.TrialFrom == nil) != (c.TrialTo == nil) || (c.TrialFrom != nil && *c.TrialTo < *c.TrialFrom) {
		return csperf.FieldErrorf("trial", "give both trial_from and trial_to, from not after to")
	}
	return nil
}

// DefaultConfig is seed 001's rules with no trial window.
func DefaultConfig() Config {
	d := DefaultSettings()
	return Config{Threshold: d.Threshold, GroupAmount: d.GroupAmount, SpecialistAmount: d.SpecialistAmount, ManagerAmount: d.ManagerAmount, Average: d.Average}
}

// MonthState says whether an assessment month is closed, and by whom; a
// closed month's report is frozen and identified by its SHA-256.
type MonthState struct {
	Month    csperf.Month `json:"month"`
	Closed   bool         `json:"closed"`
	SHA256   string       `json:"sha256,omitempty"`
	ClosedBy string       `json:"closed_by,omitempty"`
}
