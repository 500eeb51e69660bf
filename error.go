package csperf

import (
	"errors"
	"fmt"
)

// Error codes shared by every layer. The web package maps them to HTTP
// statuses and cmd/csperf to exit codes, each in one place.
const (
	EINVALID      = "invalid"
	ENOTFOUND     = "not_found"
	ECONFLICT     = "conflict"
	EUNAUTHORIZED = "unauthorized"
	EFORBIDDEN    = "forbidden"
	EINTERNAL     = "internal"
)

// Error is an error a user can act on: a code and a readable message, and
// optionally the field it concerns.
type Error struct {
	Code    string
	Field   string
	Message string
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s", e.Field, e.Message)
	}
	return e.Message
}

// Errorf returns an *Error with the code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldErrorf returns an invalid-input *Error naming the field.
func FieldErrorf(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err's *Error, EINTERNAL for any other error
// and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	var ie *ImportError
	if errors.As(err, &ie) {
		return EINVALID
	}
	var pe *PermissionError
	if errors.As(err, &pe) {
		return EFORBIDDEN
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the *Error's message,
// or "internal error" for anything else so that driver details never leak.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Error()
	}
	var ie *ImportError
	if errors.As(err, &ie) {
		return ie.Error()
	}
	var pe *PermissionError
	if errors.As(err, &pe) {
		return pe.Error()
	}
	return "internal error"
}

// Refusal names one item of a batch that the acting user may not change,
// and why.
type Refusal struct {
	// Index is the item's place in the batch, from 1.
	Index      int    `json:"index"`
	EmployeeID string `json:"employee_id,omitempty"`
	Item       string `json:"item,omitempty"`
	Source     string `json:"source,omitempty"`
	Reason     string `json:"reason"`
}

// PermissionError refuses a whole batch because the acting user lacks the
// permission or the scope for some of its items: its code is EFORBIDDEN
// (HTTP 403), unlike a batch with invalid items (EINVALID), and Refused
// names every item refused. Message may also list the batch's other
// problems, one a line.
type PermissionError struct {
	Message string
	Refused []Refusal
}

func (e *PermissionError) Error() string { return e.Message }
