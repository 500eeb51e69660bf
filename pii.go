package csperf

import (
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"
)

// Personal data is masked wherever it is shown (SPEC §2): lists, reports
// and exports show 138****5678 and 110101********1234 unless the viewer
// holds the unmask permission. The maskers below never fail: whatever a
// user typed into a phone or ID column is masked, valid or not, because a
// value that does not parse is no less personal.
//
// Errors of the normalisers never repeat the value they were given, since
// error messages end up in logs and personal data must not (STYLE rule 9).

// Mask masks s by the rule of p; PIINone returns s unchanged.
func Mask(p PII, s string) string {
	switch p {
	case PIIPhone:
		return MaskPhone(s)
	case PIIIDNumber:
		return MaskIDNumber(s)
	case PIIEmail:
		return MaskEmail(s)
	case PIIAddress:
		return MaskAddress(s)
	}
	return s
}

// MaskPhone hides the middle digits of a phone number and keeps its layout:
// "13812345678" → "138****5678", "+86 138-1234-5678" → "+86 138-****-5678",
// "010-12345678" → "010-****5678". The mobile prefix (three digits) or the
// landline's area code and the last four digits stay; a +86/0086 prefix and
// separators are kept as written. A value of six digits or fewer is starred
// entirely. The result has as many characters as s, so columns still line
// up; any character that is neither a digit nor a separator is starred too,
// so that free text typed into a phone column does not leak.
func MaskPhone(s string) string {
	if s == "" {
		return ""
	}
	rs := []rune(s)
	start := countryPrefixLen(rs)
	var digits []rune
	for _, r := range rs[start:] {
		if d, ok := asciiDigit(r); ok {
			digits = append(digits, d)
		}
	}
	head, tail := 0, 0
	switch n := len(digits); {
	case n <= 6:
	case digits[0] == '0':
		// Landline with its area code: 010 and 02x are three digits, the
		// rest four; the area code says where, not who.
		head, tail = areaCodeLen(digits), 4
		if head+tail > n-3 {
			head = 0
		}
	case n >= 11:
		head, tail = 3, 4
	default:
		tail = 4
	}
	out := make([]rune, len(rs))
	copy(out, rs[:start])
	i := 0
	for j := start; j < len(rs); j++ {
		r := rs[j]
		if _, ok := asciiDigit(r); ok {
			if i < head || i >= len(digits)-tail {
				out[j] = r
			} else {
				out[j] = '*'
			}
			i++
			continue
		}
		if isPhoneSeparator(r) {
			out[j] = r
		} else {
			out[j] = '*'
		}
	}
	return string(out)
}

// MaskIDNumber keeps the region code (first six characters) and the last
// four of an 18-character ID number: "110101199003071234" →
// "110101********1234". The old 15-digit form keeps its last three; shorter
// documents (passports, permits) keep their first character and last two,
// and six characters or fewer are starred entirely. The length is kept.
func MaskIDNumber(s string) string {
	rs := []rune(s)
	n := len(rs)
	var head, tail int
	switch {
	case n >= 18:
		head, tail = 6, 4
	case n >= 15:
		head, tail = 6, 3
	case n > 6:
		head, tail = 1, 2
	}
	return starMiddle(rs, head, tail)
}

// MaskEmail keeps the first character of the local part and the domain:
// "alice@example.com" → "a***@example.com". The stars do not reveal the
// local part's length; a one-character local part is starred entirely. A
// value without "@" keeps only its first character.
func MaskEmail(s string) string {
	if s == "" {
		return ""
	}
	at := strings.LastIndexByte(s, '@')
	if at < 0 {
		r, _ := utf8.DecodeRuneInString(s)
		return string(r) + "***"
	}
	local, domain := s[:at], s[at+1:]
	if utf8.RuneCountInString(local) <= 1 {
		return "***@" + domain
	}
	r, _ := utf8.DecodeRuneInString(local)
	return string(r) + "***@" + domain
}

// MaskAddress keeps the first six characters of an address — province,
// city and district in a Chinese address, enough to sort and route by —
// and replaces the rest with "****". An address of twelve characters or
// fewer keeps only its first half, so that a short address is never shown
// whole.
func MaskAddress(s string) string {
	if s == "" {
		return ""
	}
	rs := []rune(s)
	keep := min(6, len(rs)/2)
	return string(rs[:keep]) + "****"
}

// starMiddle returns rs with all but the first head and last tail runes
// replaced by '*'.
func starMiddle(rs []rune, head, tail int) string {
	out := make([]rune, len(rs))
	for i, r := range rs {
		if i < head || i >= len(rs)-tail {
			out[i] = r
		} else {
			out[i] = '*'
		}
	}
	return string(out)
}

// countryPrefixLen returns how many leading runes of rs are a +86 or 0086
// country prefix (after any leading spaces), which masking keeps.
func countryPrefixLen(rs []rune) int {
	i := 0
	for i < len(rs) && isSpaceRune(rs[i]) {
		i++
	}
	for _, p := range []string{"+86", "＋86", "0086"} {
		if hasRunePrefix(rs[i:], p) {
			return i + utf8.RuneCountInString(p)
		}
	}
	return 0
}

func hasRunePrefix(rs []rune, p string) bool {
	i := 0
	for _, r := range p {
		if i >= len(rs) {
			return false
		}
		d, ok := asciiDigit(rs[i])
		if ok {
			if d != r {
				return false
			}
		} else if rs[i] != r {
			return false
		}
		i++
	}
	return true
}

// areaCodeLen returns the length of the area code a landline's digits
// start with: 010 and 020–029 have three digits, every other code four.
func areaCodeLen(digits []rune) int {
	if len(digits) > 1 && (digits[1] == '1' || digits[1] == '2') {
		return 3
	}
	return 4
}

// asciiDigit returns the ASCII digit r stands for; full-width digits, which
// Chinese input methods produce, count as digits.
func asciiDigit(r rune) (rune, bool) {
	switch {
	case r >= '0' && r <= '9':
		return r, true
	case r >= '０' && r <= '９':
		return '0' + (r - '０'), true
	}
	return 0, false
}

// isPhoneSeparator reports whether r is punctuation people write inside
// phone numbers, in half or full width.
func isPhoneSeparator(r rune) bool {
	switch r {
	case ' ', '-', '(', ')', '+', '.', '/', '\u3000', '\u00a0', '－', '（', '）', '＋', '—', '–':
		return true
	}
	return false
}

func isSpaceRune(r rune) bool {
	return r == ' ' || r == '\t' || r == '\u3000' || r == '\u00a0'
}

// Errors of the normalisers, for errors.Is; the messages say what is wrong
// without repeating the value.
var (
	ErrPhone    = errors.New("not a phone number")
	ErrIDNumber = errors.New("not an ID number")
)

// NormalizePhone returns the canonical form of a mainland China phone
// number: a mobile as its 11 digits ("13812345678"), a landline as area
// code, dash, number ("010-12345678", "0571-8877665"). Spaces, dashes, dots,
// parentheses, full-width digits and a +86, 0086 or 86 prefix are accepted
// and dropped. Anything else is an error saying why, wrapping ErrPhone.
func NormalizePhone(s string) (string, error) {
	var b strings.Builder
	plus := false
	for _, r := range strings.TrimSpace(s) {
		if d, ok := asciiDigit(r); ok {
			b.WriteRune(d)
			continue
		}
		if (r == '+' || r == '＋') && b.Len() == 0 && !plus {
			plus = true
			continue
		}
		if isPhoneSeparator(r) && r != '+' && r != '＋' {
			continue
		}
		return "", fmt.Errorf("%w: it contains %q; a phone number has only digits, spaces and dashes", ErrPhone, r)
	}
	d := b.String()
	if d == "" {
		return "", fmt.Errorf("%w: it has no digits", ErrPhone)
	}
	country := true
	switch {
	case plus && strings.HasPrefix(d, "86"):
		d = d[2:]
	case plus:
		return "", fmt.Errorf("%w: only mainland China numbers (+86) are accepted", ErrPhone)
	case strings.HasPrefix(d, "0086"):
		d = d[4:]
	case len(d) == 13 && strings.HasPrefix(d, "86"):
		d = d[2:]
	default:
		country = false
	}
	// After a country code a landline drops its trunk 0 (+86 10 12345678);
	// mobile numbers start 13–19, so 10, 11, 12 and 2–9 mean a landline.
	if country && d != "" && (d[0] != '1' || len(d) > 1 && d[1] < '3') && d[0] != '0' {
		d = "0" + d
	}
	switch {
	case d == "":
		return "", fmt.Errorf("%w: it has only a country code", ErrPhone)
	case d[0] == '1' && (len(d) == 7 || len(d) == 8):
		return "", fmt.Errorf("%w: a landline needs its area code (010-12345678)", ErrPhone)
	case d[0] == '1':
		if len(d) != 11 {
			return "", fmt.Errorf("%w: a mobile number has 11 digits, this has %d", ErrPhone, len(d))
		}
		if d[1] < '3' {
			return "", fmt.Errorf("%w: mobile numbers start with 13 to 19", ErrPhone)
		}
		return d, nil
	case d[0] == '0':
		if len(d) < 3 || d[1] == '0' || d[1] == '1' && d[2] != '0' {
			return "", fmt.Errorf("%w: no area code starts like this (want 010, 02x or 0xxx)", ErrPhone)
		}
		area := areaCodeLen([]rune(d))
		if n := len(d) - area; n < 7 || n > 8 {
			return "", fmt.Errorf("%w: a landline is an area code and 7 or 8 digits (010-12345678), this has %d digits after the area code", ErrPhone, max(n, 0))
		}
		return d[:area] + "-" + d[area:], nil
	case len(d) == 7 || len(d) == 8:
		return "", fmt.Errorf("%w: a landline needs its area code (010-12345678)", ErrPhone)
	}
	return "", fmt.Errorf("%w: want a mobile number of 11 digits or a landline with its area code (010-12345678)", ErrPhone)
}

// idWeights and idCheck are the GB 11643-1999 check-digit rule: the sum of
// the first 17 digits times their weights, modulo 11, picks the 18th.
var (
	idWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	idCheck   = "10X98765432"
)

// NormalizeIDNumber returns a resident ID number in canonical form: 18
// characters, the last of which may be X (upper case), with the GB 11643
// check digit and the birth date verified; the old 15-digit form is
// accepted as it is. Spaces and full-width characters are accepted and
// dropped. Anything else is an error saying why, wrapping ErrIDNumber.
func NormalizeIDNumber(s string) (string, error) {
	var b strings.Builder
	for _, r := range s {
		if d, ok := asciiDigit(r); ok {
			b.WriteRune(d)
			continue
		}
		switch r {
		case 'x', 'X', 'ｘ', 'Ｘ':
			b.WriteByte('X')
		case ' ', '\t', '\u3000', '\u00a0', '-':
		default:
			return "", fmt.Errorf("%w: it contains %q; an ID number has digits and a final X only", ErrIDNumber, r)
		}
	}
	id := b.String()
	switch len(id) {
	case 18:
	case 15:
		if strings.IndexByte(id, 'X') >= 0 {
			return "", fmt.Errorf("%w: a 15-digit ID number has digits only", ErrIDNumber)
		}
		return id, nil
	default:
		return "", fmt.Errorf("%w: it has %d characters, want 18 (or 15 for the old form)", ErrIDNumber, len(id))
	}
	if i := strings.IndexByte(id, 'X'); i >= 0 && i != 17 {
		return "", fmt.Errorf("%w: only the last character may be X", ErrIDNumber)
	}
	if y, m, d := atoi(id[6:10]), atoi(id[10:12]), atoi(id[12:14]); y < 1850 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return "", fmt.Errorf("%w: characters 7 to 14 are not a birth date", ErrIDNumber)
	}
	sum := 0
	for i, w := range idWeights {
		sum += int(id[i]-'0') * w
	}
	if id[17] != idCheck[sum%11] {
		return "", fmt.Errorf("%w: the check digit does not match (a character is mistyped)", ErrIDNumber)
	}
	return id, nil
}

// atoi converts a string of ASCII digits the caller has checked.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}
