package csperf

import (
	"database/sql/driver"
	"fmt"
	"strconv"
	"time"
)

// Date is a calendar day with no time zone (a visit's date, a contract's
// expiry), counted in days since 1970-01-01 in the proleptic Gregorian
// calendar. The zero Date is 1970-01-01; use NullDate where a day may be
// absent. Dates compare with < and ==, and subtract to a number of days.
type Date int32

// MakeDate returns the Date of year y, month m, day d; out-of-range values
// normalise as time.Date does.
func MakeDate(y int, m time.Month, d int) Date {
	return Date(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// DateOf returns the calendar day of t in t's location.
func DateOf(t time.Time) Date {
	y, m, d := t.Date()
	return MakeDate(y, m, d)
}

// ParseDate parses YYYY-MM-DD.
func ParseDate(s string) (Date, error) {
	if len(s) != 10 || s[4] != '-' || s[7] != '-' {
		return 0, fmt.Errorf("%q is not a date (want YYYY-MM-DD)", s)
	}
	y, err1 := strconv.Atoi(s[0:4])
	m, err2 := strconv.Atoi(s[5:7])
	d, err3 := strconv.Atoi(s[8:10])
	if err1 != nil || err2 != nil || err3 != nil || y < 1 || m < 1 || m > 12 || d < 1 || d > daysIn(y, time.Month(m)) {
		return 0, fmt.Errorf("%q is not a date (want YYYY-MM-DD)", s)
	}
	return MakeDate(y, time.Month(m), d), nil
}

func daysIn(y int, m time.Month) int {
	return time.Date(y, m+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// Time returns midnight of d in loc.
func (d Date) Time(loc *time.Location) time.Time {
	y, m, dd := d.Civil()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// Civil returns the year, month and day of d.
func (d Date) Civil() (int, time.Month, int) {
	return time.Unix(int64(d)*86400, 0).UTC().Date()
}

// Month returns the calendar month d falls in.
func (d Date) Month() Month {
	y, m, _ := d.Civil()
	return MakeMonth(y, m)
}

// AddDays returns d + n days.
func (d Date) AddDays(n int) Date { return d + Date(n) }

// String formats d as YYYY-MM-DD.
func (d Date) String() string {
	y, m, dd := d.Civil()
	return fmt.Sprintf("%04d-%02d-%02d", y, int(m), dd)
}

// MarshalText implements encoding.TextMarshaler.
func (d Date) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Date) UnmarshalText(b []byte) error {
	v, err := ParseDate(string(b))
	if err != nil {
		return err
	}
	*d = v
	return nil
}

// Value stores a Date as YYYY-MM-DD text, which both engines accept for a
// DATE column and which sorts as the calendar does.
func (d Date) Value() (driver.Value, error) { return d.String(), nil }

// Scan reads a Date from YYYY-MM-DD text or a time.Time.
func (d *Date) Scan(src any) error {
	switch v := src.(type) {
	case time.Time:
		y, m, dd := v.Date()
		*d = MakeDate(y, m, dd)
		return nil
	case string:
		return d.UnmarshalText([]byte(trimDate(v)))
	case []byte:
		return d.UnmarshalText([]byte(trimDate(string(v))))
	}
	return fmt.Errorf("cannot scan %T into csperf.Date", src)
}

// trimDate keeps the day of a value an engine returned with a time part.
func trimDate(s string) string {
	if len(s) > 10 {
		return s[:10]
	}
	return s
}

// Month is a calendar month counted from January of year 0: year*12 + month-1.
// Months subtract to a number of months, which is what churn thresholds need.
type Month int32

// MakeMonth returns the Month of year y and month m.
func MakeMonth(y int, m time.Month) Month { return Month(y*12 + int(m) - 1) }

// ParseMonth parses YYYY-MM.
func ParseMonth(s string) (Month, error) {
	if len(s) != 7 || s[4] != '-' {
		return 0, fmt.Errorf("%q is not a month (want YYYY-MM)", s)
	}
	y, err1 := strconv.Atoi(s[0:4])
	m, err2 := strconv.Atoi(s[5:7])
	if err1 != nil || err2 != nil || y < 1 || m < 1 || m > 12 {
		return 0, fmt.Errorf("%q is not a month (want YYYY-MM)", s)
	}
	return MakeMonth(y, time.Month(m)), nil
}

// Year returns the month's year.
func (m Month) Year() int { return int(m) / 12 }

// Month returns the month of the year.
func (m Month) Month() time.Month { return time.Month(int(m)%12 + 1) }

// First returns the first day of m.
func (m Month) First() Date { return MakeDate(m.Year(), m.Month(), 1) }

// Last returns the last day of m.
func (m Month) Last() Date { return (m + 1).First() - 1 }

// String formats m as YYYY-MM.
func (m Month) String() string { return fmt.Sprintf("%04d-%02d", m.Year(), int(m.Month())) }

// MarshalText implements encoding.TextMarshaler.
func (m Month) MarshalText() ([]byte, error) { return []byte(m.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (m *Month) UnmarshalText(b []byte) error {
	v, err := ParseMonth(string(b))
	if err != nil {
		return err
	}
	*m = v
	return nil
}
