package web

import (
	"context"
	"time"

	"csperf"
	"csperf/churn"
	"csperf/kpi"
)

// The services the handlers use. Each is a small interface of what the web
// needs, which the database (*sqlstore.DB) satisfies; cmd/csperf wires it.

// RecordStore reads and writes records of every kind.
type RecordStore interface {
	csperf.RecordService
}

// ImportStore loads a file's rows, all or none.
type ImportStore interface {
	Import(ctx context.Context, k *csperf.Kind, src csperf.RowSource, opt csperf.ImportOptions) (*csperf.ImportResult, error)
}

// UserStore keeps the users, their passwords and API tokens.
type UserStore interface {
	UserByName(ctx context.Context, username string) (*csperf.User, error)
	UserByID(ctx context.Context, id string) (*csperf.User, error)
	UserByToken(ctx context.Context, tokenHash string) (*csperf.User, error)
	ListUsers(ctx context.Context) ([]*csperf.User, error)
	CreateUser(ctx context.Context, u *csperf.User) error
	UpdateUser(ctx context.Context, id string, upd csperf.UserUpdate) error
	PasswordHistory(ctx context.Context, id string, n int) ([]string, error)
	RecordLogin(ctx context.Context, id string, ok bool, maxFailures int, lockUntil time.Time) error
	CreateToken(ctx context.Context, userID, name, tokenHash string) error
	// UseTOTPStep claims a one-time code's time step for the user; false
	// when that step or a later one was used already.
	UseTOTPStep(ctx context.Context, id string, step int64) (bool, error)
}

// SessionStore keeps the sessions of signed-in browsers by the hash of
// their id.
type SessionStore interface {
	CreateSession(ctx context.Context, hash, userID, csrf, ip string, mfaPending bool) error
	SessionUser(ctx context.Context, hash string, idle, absolute time.Duration) (userID, csrf string, mfaPending bool, err error)
	SetSessionMFA(ctx context.Context, hash string, pending bool) error
	DeleteSession(ctx context.Context, hash string) error
	DeleteUserSessions(ctx context.Context, userID string) error
	PurgeSessions(ctx context.Context, idle, absolute time.Duration) (int64, error)
}

// AuditStore appends to and reads the audit log.
type AuditStore interface {
	Audit(ctx context.Context, action, object, before, after string) error
	ListAudit(ctx context.Context, f csperf.AuditFilter) ([]csperf.AuditEntry, int, error)
}

// SettingStore reads and writes organisation settings (writes audited).
type SettingStore interface {
	Setting(ctx context.Context, key string) (string, bool, error)
	SetSetting(ctx context.Context, key, value string) error
}

// ChurnStore runs and closes the monthly churn assessment.
type ChurnStore interface {
	ChurnSettings(ctx context.Context) (churn.Config, error)
	SetChurnSettings(ctx context.Context, s churn.Config) error
	ChurnReport(ctx context.Context, m csperf.Month, s churn.Settings) (*churn.Report, error)
	CloseChurnMonth(ctx context.Context, m csperf.Month) (*churn.MonthState, error)
	ReopenChurnMonth(ctx context.Context, m csperf.Month, reason string, isAdmin bool) error
	ClosedChurnMonths(ctx context.Context) ([]churn.MonthState, error)
}

// AlertEvaluator raises the alerts due at asOf (targets missed, declines,
// goals at risk); the web calls it after every import.
type AlertEvaluator interface {
	EvaluateAlerts(ctx context.Context, asOf time.Time) ([]kpi.Alert, error)
}

// SurveyStore keeps the survey links and takes the answers given through
// them.
type SurveyStore interface {
	CreateSurveyLink(ctx context.Context, l *csperf.SurveyLink, tokenHash string) error
	SurveyLinks(ctx context.Context, f csperf.SurveyLinkFilter) ([]csperf.SurveyLink, int, error)
	SurveyLinkByToken(ctx context.Context, tokenHash string) (*csperf.SurveyLink, error)
	AnswerSurvey(ctx context.Context, tokenHash string, answers csperf.Record) (*csperf.SurveyLink, error)
}
