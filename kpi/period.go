package kpi

import (
	"fmt"
	"math/big"
	"strconv"
	"strings"
	"time"

	"csperf"
)

// Period units accepted by Period.Split and PeriodUnits, and by
// Definition.Per for count-per-period KPIs.
const (
	UnitDay     = "day"
	UnitWeek    = "week" // ISO week, Monday to Sunday
	UnitMonth   = "month"
	UnitQuarter = "quarter"
	UnitYear    = "year"
)

// Period is a range of calendar days, both ends included, in the
// organisation's time zone.
type Period struct {
	Start csperf.Date
	End   csperf.Date
}

// DayPeriod returns the period of the single day d.
func DayPeriod(d csperf.Date) Period { return Period{Start: d, End: d} }

// MonthPeriod returns the calendar month m.
func MonthPeriod(m csperf.Month) Period { return Period{Start: m.First(), End: m.Last()} }

// QuarterPeriod returns quarter q (1–4) of year y.
func QuarterPeriod(y, q int) Period {
	first := csperf.MakeMonth(y, time.Month(3*(q-1)+1))
	return Period{Start: first.First(), End: (first + 2).Last()}
}

// YearPeriod returns the calendar year y.
func YearPeriod(y int) Period {
	return Period{Start: csperf.MakeDate(y, time.January, 1), End: csperf.MakeDate(y, time.December, 31)}
}

// ISOWeekPeriod returns ISO week w of ISO year y (Monday to Sunday); week 1
// is the week holding 4 January, and a year has 52 or 53 weeks.
func ISOWeekPeriod(y, w int) (Period, error) {
	if w < 1 || w > isoWeeksIn(y) {
		return Period{}, csperf.FieldErrorf("period", "%04d has no ISO week %d", y, w)
	}
	jan4 := csperf.MakeDate(y, time.January, 4)
	start := jan4 - csperf.Date(weekday(jan4)) + csperf.Date(7*(w-1))
	return Period{Start: start, End: start + 6}, nil
}

// ISOWeek returns the ISO year and week of d.
func ISOWeek(d csperf.Date) (year, week int) {
	thursday := d - csperf.Date(weekday(d)) + 3
	year, _, _ = thursday.Civil()
	return year, int(thursday-csperf.MakeDate(year, time.January, 1))/7 + 1
}

// weekday returns 0 for Monday … 6 for Sunday; day 0 (1970-01-01) was a
// Thursday.
func weekday(d csperf.Date) int { return ((int(d)+3)%7 + 7) % 7 }

// isoWeeksIn returns 52 or 53: the week of 28 December is the year's last.
func isoWeeksIn(y int) int {
	_, w := ISOWeek(csperf.MakeDate(y, time.December, 28))
	return w
}

// ParsePeriod parses a period label: a year "2015", a quarter "2015-Q3", a
// month "2015-09", an ISO week "2015-W37", a day "2015-09-01", or a range
// "A..B" whose ends are any of these (from the first day of A to the last
// day of B), e.g. "2015-09-01..2015-09-30" or "2015-01..2015-06".
func ParsePeriod(s string) (Period, error) {
	s = strings.TrimSpace(s)
	if a, b, ok := strings.Cut(s, ".."); ok {
		pa, err1 := parseUnit(strings.TrimSpace(a))
		pb, err2 := parseUnit(strings.TrimSpace(b))
		if err1 != nil || err2 != nil {
			return Period{}, badPeriod(s)
		}
		if pa.Start > pb.End {
			return Period{}, csperf.FieldErrorf("period", "%q ends before it starts", s)
		}
		return Period{Start: pa.Start, End: pb.End}, nil
	}
	p, err := parseUnit(s)
	if err != nil {
		return Period{}, err
	}
	return p, nil
}

func badPeriod(s string) error {
	return csperf.FieldErrorf("period", "%q is not a period (want 2015, 2015-Q3, 2015-09, 2015-W37, 2015-09-01 or 2015-09-01..2015-09-30)", s)
}

// parseUnit parses one label without "..".
func parseUnit(s string) (Period, error) {
	if len(s) < 4 || !allDigits(s[:4]) {
		return Period{}, badPeriod(s)
	}
	y, _ := strconv.Atoi(s[:4])
	if y < 1 {
		return Period{}, badPeriod(s)
	}
	switch {
	case len(s) == 4:
		return YearPeriod(y), nil
	case len(s) == 10:
		d, err := csperf.ParseDate(s)
		if err != nil {
			return Period{}, badPeriod(s)
		}
		return DayPeriod(d), nil
	case s[4] != '-' || len(s) < 6:
		return Period{}, badPeriod(s)
	case s[5] == 'Q' || s[5] == 'q':
		if len(s) != 7 || s[6] < '1' || s[6] > '4' {
			return Period{}, badPeriod(s)
		}
		return QuarterPeriod(y, int(s[6]-'0')), nil
	case s[5] == 'W' || s[5] == 'w':
		n := s[6:]
		if len(n) < 1 || len(n) > 2 || !allDigits(n) {
			return Period{}, badPeriod(s)
		}
		w, _ := strconv.Atoi(n)
		return ISOWeekPeriod(y, w)
	case len(s) == 7:
		m, err := csperf.ParseMonth(s)
		if err != nil {
			return Period{}, badPeriod(s)
		}
		return MonthPeriod(m), nil
	}
	return Period{}, badPeriod(s)
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}

// Days returns the number of days in p.
func (p Period) Days() int { return int(p.End-p.Start) + 1 }

// Contains reports whether d falls in p.
func (p Period) Contains(d csperf.Date) bool { return p.Start <= d && d <= p.End }

// Valid reports whether p starts on or before its end.
func (p Period) Valid() bool { return p.Start <= p.End }

// Months returns the first and last calendar months of p and whether p is
// made of whole months (starts on a 1st and ends on a month's last day).
func (p Period) Months() (first, last csperf.Month, whole bool) {
	first, last = p.Start.Month(), p.End.Month()
	return first, last, p.Valid() && p.Start == first.First() && p.End == last.Last()
}

// String returns the canonical label of p: "2015" for a calendar year,
// "2015-Q3" for a quarter, "2015-09" for a month, "2015-W37" for an ISO
// week, "2015-09-01" for a day, and "2015-09-01..2015-10-15" otherwise.
// ParsePeriod(p.String()) == p.
func (p Period) String() string {
	if p.Start == p.End {
		return p.Start.String()
	}
	if first, last, whole := p.Months(); whole {
		switch {
		case first == last:
			return first.String()
		case first.Year() == last.Year() && first.Month() == time.January && last.Month() == time.December:
			return strconv.Itoa(first.Year())
		case first.Year() == last.Year() && (first.Month()-1)%3 == 0 && last == first+2:
			return fmt.Sprintf("%04d-Q%d", first.Year(), (first.Month()-1)/3+1)
		}
	}
	if weekday(p.Start) == 0 && p.End == p.Start+6 {
		y, w := ISOWeek(p.Start)
		return fmt.Sprintf("%04d-W%02d", y, w)
	}
	return p.Start.String() + ".." + p.End.String()
}

// MarshalText implements encoding.TextMarshaler with the canonical label.
func (p Period) MarshalText() ([]byte, error) { return []byte(p.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler with ParsePeriod.
func (p *Period) UnmarshalText(b []byte) error {
	v, err := ParsePeriod(string(b))
	if err != nil {
		return err
	}
	*p = v
	return nil
}

// Split cuts p into calendar buckets of the unit by ("day", "week" for ISO
// weeks, "month", "quarter", "year"); the first and last buckets are
// clipped to p, so that the buckets cover p exactly.
func (p Period) Split(by string) ([]Period, error) {
	end, err := bucketEnd(by)
	if err != nil {
		return nil, err
	}
	if !p.Valid() {
		return nil, csperf.FieldErrorf("period", "%s ends before it starts", p)
	}
	var out []Period
	for d := p.Start; d <= p.End; {
		e := min(end(d), p.End)
		out = append(out, Period{Start: d, End: e})
		d = e + 1
	}
	return out, nil
}

// bucketEnd returns the function giving the last day of the unit's bucket
// that holds a day.
func bucketEnd(unit string) (func(csperf.Date) csperf.Date, error) {
	switch unit {
	case UnitDay:
		return func(d csperf.Date) csperf.Date { return d }, nil
	case UnitWeek:
		return func(d csperf.Date) csperf.Date { return d + 6 - csperf.Date(weekday(d)) }, nil
	case UnitMonth:
		return func(d csperf.Date) csperf.Date { return d.Month().Last() }, nil
	case UnitQuarter:
		return func(d csperf.Date) csperf.Date {
			m := d.Month()
			return (m + 2 - csperf.Month((m.Month()-1)%3)).Last()
		}, nil
	case UnitYear:
		return func(d csperf.Date) csperf.Date {
			y, _, _ := d.Civil()
			return csperf.MakeDate(y, time.December, 31)
		}, nil
	}
	return nil, csperf.FieldErrorf("by", "unknown period unit %q (want day, week, month, quarter or year)", unit)
}

// Previous returns the period of the same length just before p. A period
// of whole calendar months (a month, a quarter, a year, or a range such as
// 2015-01..2015-06) steps back by the same number of months, so the
// previous of 2015-03 is 2015-02 and of 2015-Q1 is 2014-Q4; any other
// period (a day, an ISO week, a custom range) steps back by its number of
// days.
func (p Period) Previous() Period {
	if first, last, whole := p.Months(); whole {
		n := last - first + 1
		return Period{Start: (first - n).First(), End: (first - 1).Last()}
	}
	n := csperf.Date(p.Days())
	return Period{Start: p.Start - n, End: p.Start - 1}
}

// PeriodUnits returns how many units (day, week, month, quarter, year) p
// spans, exactly: days for "day", days/7 for "week", and for the calendar
// units the sum over the units p touches of the share of each unit's days
// that p covers. So 2015-09 is 30/7 weeks and 1/12 of a year is not what a
// month is: September 2015 is 30/365 of a year, a whole quarter or year is
// exactly 1/4 or 1; 2016 (a leap year) is exactly 1 year.
func PeriodUnits(p Period, unit string) (csperf.Ratio, error) {
	switch unit {
	case UnitDay:
		return csperf.R(int64(p.Days()), 1), nil
	case UnitWeek:
		return reduce(big.NewRat(int64(p.Days()), 7))
	}
	buckets, err := p.Split(unit)
	if err != nil {
		return csperf.Ratio{}, err
	}
	end, _ := bucketEnd(unit)
	sum := new(big.Rat)
	for _, b := range buckets {
		full := Period{Start: bucketStart(unit, b.Start), End: end(b.Start)}
		sum.Add(sum, big.NewRat(int64(b.Days()), int64(full.Days())))
	}
	return reduce(sum)
}

// bucketStart returns the first day of the calendar month, quarter or year
// holding d.
func bucketStart(unit string, d csperf.Date) csperf.Date {
	m := d.Month()
	switch unit {
	case UnitQuarter:
		return (m - csperf.Month((m.Month()-1)%3)).First()
	case UnitYear:
		return csperf.MakeMonth(m.Year(), time.January).First()
	}
	return m.First()
}

// reduce returns x as a Ratio in lowest terms.
func reduce(x *big.Rat) (csperf.Ratio, error) {
	if !x.Num().IsInt64() || !x.Denom().IsInt64() {
		return csperf.Ratio{}, csperf.Errorf(csperf.EINTERNAL, "ratio %s overflows", x)
	}
	return csperf.R(x.Num().Int64(), x.Denom().Int64()), nil
}
