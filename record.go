package csperf

import (
	"context"
	"time"
)

// Record is one record of a Kind: field name → value. Values are string
// (text, enum codes and references), int64, bool, Date, time.Time (UTC),
// Money, or nil for an empty optional field.
type Record map[string]any

// RecordFilter selects records of one kind for a list.
type RecordFilter struct {
	Where  map[string]string // field → exact value (text form), allow-listed by the kind's fields
	From   *Date             // with DateField: first day, inclusive
	To     *Date             // with DateField: last day, inclusive
	Field  string            // the date or time field From/To apply to
	Search string            // substring of any text field (not personal data)
	Sort   string            // a field name; "-" prefix for descending
	Offset int
	Limit  int // 0: 50; at most 10,000 per page
	// Scope, when set, keeps only records the caller may see (SPEC §12).
	Scope *Scope
}

// Scope limits which records a user sees: nil fields mean no limit.
type Scope struct {
	EmployeeIDs []string // records whose responsible employee is one of these
	GroupIDs    []string // … or who belonged to one of these groups
}

// RecordService reads and writes records of every kind.
type RecordService interface {
	GetRecord(ctx context.Context, k *Kind, key []string) (Record, error)
	// GetRecords returns the records of a kind whose key is one field, by
	// id, in few statements; ids without a record are absent.
	GetRecords(ctx context.Context, k *Kind, ids []string) (map[string]Record, error)
	ListRecords(ctx context.Context, k *Kind, f RecordFilter) ([]Record, int, error)
	CreateRecord(ctx context.Context, k *Kind, r Record) error
	UpdateRecord(ctx context.Context, k *Kind, key []string, upd Record) (Record, error)
	DeleteRecord(ctx context.Context, k *Kind, key []string) error
}

// Actor is who does a change, for the audit log.
type Actor struct {
	UserID string
	IP     string
}

type actorKey struct{}

// WithActor returns a context carrying the acting user.
func WithActor(ctx context.Context, a Actor) context.Context {
	return context.WithValue(ctx, actorKey{}, a)
}

// ActorFrom returns the acting user of ctx; the zero Actor is the system
// (the command line run by an operator).
func ActorFrom(ctx context.Context) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	return a
}

// AuditEntry is one line of the append-only, hash-chained audit log.
type AuditEntry struct {
	Seq      int64     `json:"seq"`
	At       time.Time `json:"at"`
	UserID   string    `json:"user_id"`
	IP       string    `json:"ip"`
	Action   string    `json:"action"`
	Object   string    `json:"object"`
	Before   string    `json:"before,omitempty"`
	After    string    `json:"after,omitempty"`
	PrevHash string    `json:"prev_hash"`
	Hash     string    `json:"hash"`
}

// AuditFilter selects audit entries.
type AuditFilter struct {
	UserID, Action, Object string
	Offset, Limit          int
}
