package csperf

import (
	"strings"
	"unicode/utf8"
)

// SettingOrgName is the setting that names the organisation on every
// document (the PDF reports); an admin sets it (csperf org --name, the
// organisation settings page, PUT /api/v1/settings/org), audited.
const SettingOrgName = "org.name"

// MaxOrgName is the longest organisation name, in characters.
const MaxOrgName = 100

// CleanOrgName returns s trimmed of surrounding spaces if it is a usable
// organisation name: not empty, at most MaxOrgName characters, and
// without control characters (a line break would break a document's
// heading).
func CleanOrgName(s string) (string, error) {
	s = strings.TrimSpace(s)
	switch n := utf8.RuneCountInString(s); {
	case n == 0:
		return "", FieldErrorf("name", "give the organisation's name")
	case n > MaxOrgName:
		return "", FieldErrorf("name", "is %d characters long, at most %d", n, MaxOrgName)
	}
	if !utf8.ValidString(s) || strings.ContainsFunc(s, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
		return "", FieldErrorf("name", "holds a line break or another control character")
	}
	return s, nil
}
