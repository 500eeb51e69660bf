package importer

import (
	"errors"
	"fmt"
	"math"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"csperf"
)

// FieldError is a value that does not fit its field.
type FieldError struct {
	Column string // the header as written in the file
	Field  string // the field's name
	Reason string
}

func (e FieldError) Error() string {
	return fmt.Sprintf("column %s: %s", e.Column, e.Reason)
}

// At returns the error as the row error of row in file.
func (e FieldError) At(file string, row int) csperf.RowError {
	return csperf.RowError{File: file, Row: row, Column: e.Column, Reason: e.Reason}
}

// DefaultMaxLen is the limit of a text field whose MaxLen is 0.
const DefaultMaxLen = 2000

// Parse turns one row's cells (as Reader.Next returns them) into values
// aligned with m.Kind.Fields: string, int64, bool, csperf.Date, time.Time
// (UTC), csperf.Money, or nil for an empty optional cell or an absent
// column. An empty cell takes the field's Default. Times without an offset
// are local times in loc. Every value that does not parse is one
// FieldError; the others are still returned.
func (m *Mapping) Parse(cells []string, loc *time.Location) ([]any, []FieldError) {
	vals := make([]any, len(m.Kind.Fields))
	var errs []FieldError
	for i := range m.Kind.Fields {
		f := &m.Kind.Fields[i]
		col := m.Columns[i]
		text := ""
		if col >= 0 && col < len(cells) {
			text = strings.TrimSpace(cells[col])
		}
		if text == "" {
			text = f.Default
		}
		column := f.Name
		if col >= 0 && col < len(m.Header) {
			column = strings.TrimSpace(m.Header[col])
		}
		if text == "" {
			if f.Required {
				errs = append(errs, FieldError{Column: column, Field: f.Name, Reason: "the cell is empty but required"})
			}
			continue
		}
		v, err := parseValue(f, text, loc, m.Date1904)
		if err != nil {
			errs = append(errs, FieldError{Column: column, Field: f.Name, Reason: err.Error()})
			continue
		}
		vals[i] = v
	}
	return vals, errs
}

// ParseValue parses the text of one value of field f the way an import
// does; web forms and the JSON API use it so that every way in accepts
// the same spellings. Empty text is an error; callers decide what an
// empty optional value means.
func ParseValue(f *csperf.Field, s string, loc *time.Location) (any, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("the value is empty")
	}
	return parseValue(f, s, loc, false)
}

// parseValue parses trimmed, non-empty text.
func parseValue(f *csperf.Field, s string, loc *time.Location, date1904 bool) (any, error) {
	switch f.Type {
	case csperf.TString:
		return parseString(f, s)
	case csperf.TInt:
		return parseInt(f, s)
	case csperf.TBool:
		return ParseBool(s)
	case csperf.TDate:
		return parseDate(s, date1904)
	case csperf.TTime:
		return parseTime(s, loc, date1904)
	case csperf.TMoney:
		return csperf.ParseMoney(excelNumber(s))
	case csperf.TEnum:
		return parseEnum(f, s)
	case csperf.TRef:
		if n := utf8.RuneCountInString(s); n > DefaultMaxLen {
			return nil, fmt.Errorf("the id has %d characters, at most %d", n, DefaultMaxLen)
		}
		return s, nil
	}
	return nil, fmt.Errorf("field %s has an unknown type %d", f.Name, f.Type)
}

func parseString(f *csperf.Field, s string) (any, error) {
	limit := f.MaxLen
	if limit <= 0 {
		limit = DefaultMaxLen
	}
	if n := utf8.RuneCountInString(s); n > limit {
		return nil, fmt.Errorf("the text has %d characters, at most %d", n, limit)
	}
	switch f.PII {
	case csperf.PIIPhone:
		return csperf.NormalizePhone(s)
	case csperf.PIIIDNumber:
		if strings.ContainsAny(s, "Ee") && strings.Contains(s, ".") {
			// Excel turns an 18-digit number into 1.10101E+17 and keeps
			// only 15 digits: the number cannot be recovered from the file.
			return nil, errors.New("the ID number was stored as a number and lost its last digits; format the column as text in Excel and enter it again")
		}
		return csperf.NormalizeIDNumber(s)
	case csperf.PIIEmail:
		return checkEmail(s)
	}
	return s, nil
}

// checkEmail is a light check that catches a phone number or a name in an
// email column; whether the address exists only mail can tell.
func checkEmail(s string) (string, error) {
	local, domain, ok := strings.Cut(s, "@")
	switch {
	case !ok || strings.Contains(domain, "@"):
		return "", errors.New("not an email address: it needs exactly one @")
	case local == "" || domain == "":
		return "", errors.New("not an email address: text is missing before or after the @")
	case len(s) > 254:
		return "", errors.New("not an email address: it is longer than 254 characters")
	case strings.ContainsFunc(s, func(r rune) bool { return r <= ' ' || r == '\u3000' || r == ',' || r == ';' }):
		return "", errors.New("not an email address: it contains a space, comma or semicolon")
	case !strings.Contains(strings.Trim(domain, "."), "."):
		return "", errors.New("not an email address: the part after the @ needs a dot")
	}
	return local + "@" + strings.ToLower(domain), nil
}

// wholeNumber returns s without a fraction of zeros: 12.0 is a whole
// number as a spreadsheet may store it.
func wholeNumber(s string) string {
	t := excelNumber(s)
	if whole, frac, ok := strings.Cut(t, "."); ok && whole != "" && allDigits(frac) && strings.Trim(frac, "0") == "" {
		return whole
	}
	return t
}

func parseInt(f *csperf.Field, s string) (any, error) {
	n, err := strconv.ParseInt(wholeNumber(s), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("%q is not a whole number", s)
	}
	if f.Min < f.Max && (n < f.Min || n > f.Max) {
		return nil, fmt.Errorf("%d is outside %d to %d", n, f.Min, f.Max)
	}
	return n, nil
}

func parseEnum(f *csperf.Field, s string) (any, error) {
	for _, c := range f.Enum {
		if strings.EqualFold(s, c) {
			return c, nil
		}
	}
	for a, c := range f.EnumAliases {
		if strings.EqualFold(s, a) {
			return c, nil
		}
	}
	if w := wholeNumber(s); w != s {
		for _, c := range f.Enum {
			if w == c {
				return c, nil // a numeric code stored as 5.0
			}
		}
	}
	want := strings.Join(f.Enum, ", ")
	if len(f.EnumAliases) > 0 {
		aliases := make([]string, 0, len(f.EnumAliases))
		for a := range f.EnumAliases {
			aliases = append(aliases, a)
		}
		sort.Strings(aliases)
		want += " (or " + strings.Join(aliases, ", ") + ")"
	}
	return nil, fmt.Errorf("%q is not one of %s", s, want)
}

// excelNumber rounds a decimal of more than 15 significant digits to 15,
// as Excel shows it: a sum Excel stores as 1234.5599999999999 is the
// 1234.56 the user sees. Any other text is returned as it is.
func excelNumber(s string) string {
	digits, plain := 0, s != ""
	for i := 0; i < len(s) && plain; i++ {
		switch c := s[i]; {
		case c >= '0' && c <= '9':
			if digits > 0 || c != '0' {
				digits++
			}
		case c == '.' || (c == '-' && i == 0):
		default:
			plain = false
		}
	}
	if !plain || digits <= 15 {
		return s
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) {
		return s
	}
	v, _ = strconv.ParseFloat(strconv.FormatFloat(v, 'g', 15, 64), 64)
	return strconv.FormatFloat(v, 'f', -1, 64)
}

// ParseBool accepts 1/0, true/false, yes/no, y/n, t/f (any case) and
// 是/否.
func ParseBool(s string) (bool, error) {
	switch strings.ToLower(strings.TrimSpace(s)) {
	case "1", "true", "yes", "y", "t", "是":
		return true, nil
	case "0", "false", "no", "n", "f", "否":
		return false, nil
	}
	return false, fmt.Errorf("%q is not yes or no (want 1/0, true/false, yes/no, y/n or 是/否)", s)
}

// Excel serial dates: day 1 is 1900-01-01 and day 60 the 1900-02-29 that
// never was, so from day 61 on a serial counts days from 1899-12-30. The
// 1904 system (old Mac Excel) counts from 1904-01-01, 1462 days later.
// Only numbers between serialMin and serialMax (1954 to 2119) are taken
// for dates, so that a year or an id is never read as one.
const (
	serialMin  = 20000
	serialMax  = 80000
	serial1904 = 1462
)

var serialEpoch = csperf.MakeDate(1899, time.December, 30)

// ParseDate parses a calendar day from 1900 to 9999 written as YYYY-MM-DD, YYYY/M/D,
// YYYY.M.D, YYYYMMDD or YYYY年M月D日, optionally followed by a midnight
// time (2015-09-01 00:00:00, as databases export dates), or an Excel
// serial day number between 20000 and 80000.
func ParseDate(s string) (csperf.Date, error) {
	return parseDate(strings.TrimSpace(s), false)
}

func parseDate(s string, date1904 bool) (csperf.Date, error) {
	if days, _, ok := serial(s); ok {
		return serialDate(days, date1904), nil
	}
	y, m, d, rest, ok := datePart(s)
	if ok && rest != "" {
		h, mi, sec, ns, zone, ok2 := timePart(rest)
		ok = ok2 && h == 0 && mi == 0 && sec == 0 && ns == 0 && zone == ""
	}
	if !ok {
		return 0, fmt.Errorf("%q is not a date (want YYYY-MM-DD)", s)
	}
	return csperf.MakeDate(y, time.Month(m), d), nil
}

func serialDate(days int, date1904 bool) csperf.Date {
	if date1904 {
		days += serial1904
	}
	return serialEpoch + csperf.Date(days)
}

// serial reads an Excel serial number: whole days and the fraction of a
// day, in milliseconds (Excel's own precision).
func serial(s string) (days int, ms int64, ok bool) {
	whole, frac, _ := strings.Cut(s, ".")
	if len(whole) != 5 || !allDigits(whole) || !allDigits(frac) {
		return 0, 0, false
	}
	days, _ = strconv.Atoi(whole)
	if days < serialMin || days > serialMax {
		return 0, 0, false
	}
	if frac != "" {
		f, err := strconv.ParseFloat("0."+frac, 64)
		if err != nil {
			return 0, 0, false
		}
		ms = int64(math.Round(f * 86400000))
	}
	return days, ms, true
}

// datePart reads the date at the start of s and returns what follows it.
func datePart(s string) (y, m, d int, rest string, ok bool) {
	if len(s) >= 8 && allDigits(s[:8]) && (len(s) == 8 || !isDigit(s[8])) {
		y, m, d = atoi(s[:4]), atoi(s[4:6]), atoi(s[6:8])
		return y, m, d, s[8:], validDate(y, m, d)
	}
	var n int
	if y, n = digitsPrefix(s, 4, 4); n == 0 {
		return
	}
	s = s[n:]
	var sep string
	switch {
	case strings.HasPrefix(s, "年"):
		sep = "年"
	case s != "" && (s[0] == '-' || s[0] == '/' || s[0] == '.'):
		sep = s[:1]
	default:
		return
	}
	s = strings.TrimLeft(s[len(sep):], " ")
	if m, n = digitsPrefix(s, 1, 2); n == 0 {
		return
	}
	s = s[n:]
	if sep == "年" {
		if !strings.HasPrefix(s, "月") {
			return
		}
		s = strings.TrimLeft(s[len("月"):], " ")
	} else {
		if !strings.HasPrefix(s, sep) {
			return
		}
		s = s[1:]
	}
	if d, n = digitsPrefix(s, 1, 2); n == 0 {
		return
	}
	s = s[n:]
	if sep == "年" {
		switch {
		case strings.HasPrefix(s, "日"):
			s = s[len("日"):]
		case strings.HasPrefix(s, "号"):
			s = s[len("号"):]
		default:
			return
		}
	}
	if s != "" && isDigit(s[0]) {
		return
	}
	return y, m, d, s, validDate(y, m, d)
}

// Years before minYear are refused: no record of a service department is
// that old, and 0215 for 2015 is a typo worth hearing about. 9999-12-31
// stays possible, as the "no end" many systems export.
const minYear, maxYear = 1900, 9999

func validDate(y, m, d int) bool {
	return y >= minYear && y <= maxYear && m >= 1 && m <= 12 && d >= 1 && d <= time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// timePart reads what follows a date: a "T" or spaces, H:MM, optional :SS
// and a fraction of up to nine digits, then an optional zone — Z, UTC,
// ±HH:MM, ±HHMM or ±HH — which it returns as written.
func timePart(s string) (h, mi, sec, ns int, zone string, ok bool) {
	switch {
	case s == "":
		return
	case s[0] == 'T' || s[0] == 't':
		s = s[1:]
	case s[0] == ' ':
		s = strings.TrimLeft(s, " ")
	default:
		return
	}
	var n int
	if h, n = digitsPrefix(s, 1, 2); n == 0 || h > 23 {
		return
	}
	s = s[n:]
	if !strings.HasPrefix(s, ":") {
		return
	}
	if mi, n = digitsPrefix(s[1:], 2, 2); n == 0 || mi > 59 {
		return
	}
	s = s[1+n:]
	if strings.HasPrefix(s, ":") {
		if sec, n = digitsPrefix(s[1:], 2, 2); n == 0 || sec > 59 {
			return
		}
		s = s[1+n:]
		if s != "" && (s[0] == '.' || s[0] == ',') {
			var f int
			if f, n = digitsPrefix(s[1:], 1, 9); n == 0 {
				return
			}
			for i := n; i < 9; i++ {
				f *= 10
			}
			ns = f
			s = s[1+n:]
			if s != "" && isDigit(s[0]) {
				return
			}
		}
	}
	zone = strings.TrimLeft(s, " ")
	if _, valid := zoneOffset(zone); !valid {
		return
	}
	return h, mi, sec, ns, zone, true
}

// zoneOffset returns the offset in seconds a zone suffix names; "" is no
// zone.
func zoneOffset(z string) (int, bool) {
	switch z {
	case "":
		return 0, true
	case "Z", "z", "UTC":
		return 0, true
	}
	if z[0] != '+' && z[0] != '-' {
		return 0, false
	}
	sign, t := 1, z[1:]
	if z[0] == '-' {
		sign = -1
	}
	var hh, mm int
	switch {
	case len(t) == 2 && allDigits(t):
		hh = atoi(t)
	case len(t) == 4 && allDigits(t):
		hh, mm = atoi(t[:2]), atoi(t[2:])
	case len(t) == 5 && t[2] == ':' && allDigits(t[:2]) && allDigits(t[3:]):
		hh, mm = atoi(t[:2]), atoi(t[3:])
	default:
		return 0, false
	}
	if hh > 23 || mm > 59 {
		return 0, false
	}
	return sign * (hh*3600 + mm*60), true
}

// ParseTime parses an instant and returns it in UTC. With Z or an offset
// (RFC 3339: 2015-09-01T08:00:00+08:00) the text says which instant it is;
// without one (2015-09-01 08:00, 2015/9/1 8:00:00.5) it is a local time in
// loc, which is how spreadsheets hold times. The date is written as
// ParseDate accepts it, the time as H:MM with optional seconds and a
// fraction of up to nine digits. An Excel serial date-time (a number
// between 20000 and 80000, as XLSX stores it) is a local time too.
func ParseTime(s string, loc *time.Location) (time.Time, error) {
	return parseTime(strings.TrimSpace(s), loc, false)
}

func parseTime(s string, loc *time.Location, date1904 bool) (time.Time, error) {
	if loc == nil {
		loc = time.UTC
	}
	if days, ms, ok := serial(s); ok {
		// The fraction is a wall-clock time, so it goes into time.Date
		// rather than being added to midnight: on a day with a
		// daylight-saving change the time reads as written.
		y, m, d := serialDate(days, date1904).Civil()
		sec := ms / 1000
		return time.Date(y, m, d, int(sec/3600), int(sec/60%60), int(sec%60), int(ms%1000)*1e6, loc).UTC(), nil
	}
	y, m, d, rest, ok := datePart(s)
	if !ok {
		return time.Time{}, timeError(s)
	}
	if rest == "" {
		return time.Time{}, fmt.Errorf("%q has a date but no time (want YYYY-MM-DD HH:MM[:SS])", s)
	}
	h, mi, sec, ns, zone, ok := timePart(rest)
	if !ok {
		return time.Time{}, timeError(s)
	}
	at := loc
	if zone != "" {
		off, _ := zoneOffset(zone)
		at = time.FixedZone("", off)
	}
	t := time.Date(y, time.Month(m), d, h, mi, sec, ns, at).UTC()
	if t.Year() > maxYear {
		return time.Time{}, fmt.Errorf("%q is after the year %d in UTC", s, maxYear)
	}
	return t, nil
}

func timeError(s string) error {
	return fmt.Errorf("%q is not a date and time (want YYYY-MM-DD HH:MM[:SS], or RFC 3339 with Z or an offset)", s)
}

// digitsPrefix reads between lo and hi ASCII digits at the start of s and
// returns their value and count; the count is 0 when there are fewer than
// lo.
func digitsPrefix(s string, lo, hi int) (int, int) {
	n, v := 0, 0
	for n < len(s) && n < hi && isDigit(s[n]) {
		v = v*10 + int(s[n]-'0')
		n++
	}
	if n < lo {
		return 0, 0
	}
	return v, n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) {
			return false
		}
	}
	return true
}

func atoi(s string) int {
	v, _ := digitsPrefix(s, 0, len(s))
	return v
}
