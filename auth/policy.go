package auth

import (
	_ "embed"
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"
)

//go:embed common-passwords.txt
var commonList string

var common = func() map[string]bool {
	m := map[string]bool{}
	for _, l := range strings.Split(commonList, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			m[strings.ToLower(l)] = true
		}
	}
	return m
}()

// Policy names: "standard" (NIST SP 800-63B style: length and a list of
// common passwords, no forced rotation) and "mlps" (等保 level 3: three of
// four character classes, 90-day expiry, last 5 not reused).
const (
	PolicyStandard = "standard"
	PolicyMLPS     = "mlps"
)

// MLPSExpiryDays is how long a password lasts under the mlps policy.
const MLPSExpiryDays = 90

// MLPSHistory is how many previous passwords the mlps policy refuses.
const MLPSHistory = 5

// CheckPassword returns a readable reason when password does not meet the
// policy, or nil. username is refused as part of the password.
func CheckPassword(policy, username, password string) error {
	n := utf8.RuneCountInString(password)
	switch policy {
	case PolicyMLPS:
		if n < 8 {
			return fmt.Errorf("the password must have at least 8 characters")
		}
		classes := 0
		var lower, upper, digit, other bool
		for _, r := range password {
			switch {
			case unicode.IsLower(r):
				lower = true
			case unicode.IsUpper(r):
				upper = true
			case unicode.IsDigit(r):
				digit = true
			default:
				other = true
			}
		}
		for _, b := range []bool{lower, upper, digit, other} {
			if b {
				classes++
			}
		}
		if classes < 3 {
			return fmt.Errorf("the password must mix three of: lower-case letters, upper-case letters, digits, symbols")
		}
	default:
		if n < 12 {
			return fmt.Errorf("the password must have at least 12 characters")
		}
	}
	if common[strings.ToLower(password)] {
		return fmt.Errorf("the password is on the list of common passwords")
	}
	if username != "" && strings.Contains(strings.ToLower(password), strings.ToLower(username)) {
		return fmt.Errorf("the password must not contain the user name")
	}
	return nil
}
