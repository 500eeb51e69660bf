package csperf

import (
	"fmt"
	"strings"
)

// RowError is one problem with one row of an imported file. Its text is
// `FILE:ROW: column COLUMN: reason`, the form every import reports.
type RowError struct {
	File   string `json:"file"`
	Row    int    `json:"row"`
	Column string `json:"column,omitempty"`
	Reason string `json:"reason"`
}

func (e RowError) Error() string {
	if e.Column == "" {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Row, e.Reason)
	}
	return fmt.Sprintf("%s:%d: column %s: %s", e.File, e.Row, e.Column, e.Reason)
}

// MaxRowErrors is how many row errors an import keeps to report; the rest
// are counted.
const MaxRowErrors = 1000

// ImportError is a failed import: nothing was written, and these rows say
// why. Total counts every error, including those past MaxRowErrors.
type ImportError struct {
	Rows  []RowError
	Total int
}

func (e *ImportError) Error() string {
	var b strings.Builder
	for i, r := range e.Rows {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(r.Error())
	}
	if e.Total > len(e.Rows) {
		fmt.Fprintf(&b, "\n… and %d more errors", e.Total-len(e.Rows))
	}
	return b.String()
}

// Add records one row error.
func (e *ImportError) Add(r RowError) {
	e.Total++
	if len(e.Rows) < MaxRowErrors {
		e.Rows = append(e.Rows, r)
	}
}

// ImportOptions control one import.
type ImportOptions struct {
	File   string // the name rows are reported against
	Update bool   // rows whose id exists with other values update it instead of failing
	// Columns maps field names to the headers as the file writes them, so
	// that errors found by the store name the column the user sees.
	Columns map[string]string
	// Progress, when set, is called now and then with the rows read so far.
	Progress func(rows int64)
}

// ImportResult counts what an import did.
type ImportResult struct {
	ImportID  int64  `json:"import_id"`
	Kind      string `json:"kind"`
	File      string `json:"file"`
	Rows      int64  `json:"rows"`
	Inserted  int64  `json:"inserted"`
	Updated   int64  `json:"updated"`
	Unchanged int64  `json:"unchanged"`
}

// RowSource streams the parsed rows of a file: Next returns the row number
// as the user sees it and the values aligned with the kind's fields, and
// false at the end. Rows that failed to parse are not returned; their
// errors, and any error that stopped reading, come from Err once Next has
// returned false.
type RowSource interface {
	Next() (row int, values []any, ok bool)
	Err() error
}
