package csperf

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"strings"
)

// Money is an amount in CNY counted in fen (1/100 yuan). Amounts are parsed
// from decimal text exactly, never through a float.
type Money int64

// ParseMoney parses "1234", "1234.5", "1234.56", "-200" or "¥1,234.56".
// More than two decimals is an error rather than a silent rounding.
func ParseMoney(s string) (Money, error) {
	t := strings.TrimSpace(s)
	t = strings.TrimPrefix(strings.TrimPrefix(t, "¥"), "￥")
	t = strings.ReplaceAll(t, ",", "")
	neg := strings.HasPrefix(t, "-")
	t = strings.TrimPrefix(strings.TrimPrefix(t, "-"), "+")
	whole, frac, _ := strings.Cut(t, ".")
	if whole == "" && frac == "" || len(frac) > 2 || !digits(whole) || !digits(frac) {
		return 0, fmt.Errorf("%q is not an amount in yuan (at most two decimals)", s)
	}
	for len(frac) < 2 {
		frac += "0"
	}
	if whole == "" {
		whole = "0"
	}
	v, err := strconv.ParseInt(whole+frac, 10, 64)
	if err != nil || len(whole) > 15 {
		return 0, fmt.Errorf("%q is too large an amount", s)
	}
	if neg {
		v = -v
	}
	return Money(v), nil
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// String formats m as yuan with two decimals, e.g. "-1234.50".
func (m Money) String() string {
	v := int64(m)
	sign := ""
	if v < 0 {
		sign, v = "-", -v
	}
	return fmt.Sprintf("%s%d.%02d", sign, v/100, v%100)
}

// MarshalText implements encoding.TextMarshaler: amounts travel as decimal
// strings so that no JSON reader turns them into floats.
func (m Money) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *Money) UnmarshalText(b []byte) error {
	v, err := ParseMoney(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}

// Value stores Money as integer fen.
func (m Money) Value() (driver.Value, error) { return int64(m), nil }

// Scan reads integer fen.
func (m *Money) Scan(src any) error {
	switch v := src.(type) {
	case int64:
		*m = Money(v)
		return nil
	case int32:
		*m = Money(v)
		return nil
	}
	return fmt.Errorf("cannot scan %T into csperf.Money", src)
}
