package kpi

import (
	"testing"

	"csperf"
)

func TestParsePeriod(t *testing.T) {
	tests := []struct {
		in         string
		start, end string
		label      string // canonical String()
	}{
		{"2015-09", "2015-09-01", "2015-09-30", "2015-09"},
		{"2016-02", "2016-02-01", "2016-02-29", "2016-02"},
		{"2015-Q3", "2015-07-01", "2015-09-30", "2015-Q3"},
		{"2015-q4", "2015-10-01", "2015-12-31", "2015-Q4"},
		{"2015-Q1", "2015-01-01", "2015-03-31", "2015-Q1"},
		{"2015", "2015-01-01", "2015-12-31", "2015"},
		{"2015-W37", "2015-09-07", "2015-09-13", "2015-W37"},
		{"2015-w1", "2014-12-29", "2015-01-04", "2015-W01"},  // week 1 holds 4 January
		{"2015-W53", "2015-12-28", "2016-01-03", "2015-W53"}, // 2015 began on a Thursday: 53 weeks
		{"2020-W53", "2020-12-28", "2021-01-03", "2020-W53"}, // leap year beginning on a Wednesday
		{"2016-W01", "2016-01-04", "2016-01-10", "2016-W01"},
		{"2015-09-01", "2015-09-01", "2015-09-01", "2015-09-01"},
		{"2015-09-01..2015-09-30", "2015-09-01", "2015-09-30", "2015-09"},
		{" 2015-09-03..2015-09-20 ", "2015-09-03", "2015-09-20", "2015-09-03..2015-09-20"},
		{"2015-01..2015-06", "2015-01-01", "2015-06-30", "2015-01-01..2015-06-30"},
		{"2015-07..2015-09", "2015-07-01", "2015-09-30", "2015-Q3"},
		{"2015-09-07..2015-09-13", "2015-09-07", "2015-09-13", "2015-W37"},
		{"2015-Q4..2016-Q1", "2015-10-01", "2016-03-31", "2015-10-01..2016-03-31"},
	}
	for _, tt := range tests {
		p, err := ParsePeriod(tt.in)
		if err != nil {
			t.Errorf("ParsePeriod(%q): %v", tt.in, err)
			continue
		}
		if p.Start != dt(tt.start) || p.End != dt(tt.end) {
			t.Errorf("ParsePeriod(%q) = %s..%s, want %s..%s", tt.in, p.Start, p.End, tt.start, tt.end)
		}
		if p.String() != tt.label {
			t.Errorf("ParsePeriod(%q).String() = %q, want %q", tt.in, p.String(), tt.label)
		}
		if back, err := ParsePeriod(p.String()); err != nil || back != p {
			t.Errorf("ParsePeriod(%q) = %v, %v; want %v", p.String(), back, err, p)
		}
	}
}

func TestParsePeriodErrors(t *testing.T) {
	for _, in := range []string{
		"", "abc", "15", "2015-13", "2015-00", "2015-Q5", "2015-Q0", "2015-Q", "2015-W0", "2015-W54",
		"2016-W53", // 2016 has 52 ISO weeks
		"2015-09-31", "2015-9-1", "2015-09-30..2015-09-01", "2015-09-01..", "..2015-09-01", "2015/09",
	} {
		_, err := ParsePeriod(in)
		if csperf.ErrorCode(err) != csperf.EINVALID {
			t.Errorf("ParsePeriod(%q): err = %v, want an invalid-input error", in, err)
		}
	}
}

func TestISOWeek(t *testing.T) {
	for _, tt := range []struct {
		date string
		y, w int
	}{
		{"2015-01-01", 2015, 1}, {"2014-12-29", 2015, 1}, {"2016-01-03", 2015, 53},
		{"2016-01-04", 2016, 1}, {"2015-09-07", 2015, 37}, {"2021-01-01", 2020, 53}, {"1970-01-01", 1970, 1},
	} {
		if y, w := ISOWeek(dt(tt.date)); y != tt.y || w != tt.w {
			t.Errorf("ISOWeek(%s) = %d-W%d, want %d-W%d", tt.date, y, w, tt.y, tt.w)
		}
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		period, by string
		want       []string
	}{
		// 2015-09-01 is a Tuesday: the first and last weeks are clipped.
		{"2015-09", "week", []string{"2015-09-01..2015-09-06", "2015-W37", "2015-W38", "2015-W39", "2015-09-28..2015-09-30"}},
		{"2015", "quarter", []string{"2015-Q1", "2015-Q2", "2015-Q3", "2015-Q4"}},
		{"2015-Q3", "month", []string{"2015-07", "2015-08", "2015-09"}},
		{"2015-08-15..2015-11-10", "month", []string{"2015-08-15..2015-08-31", "2015-09", "2015-10", "2015-11-01..2015-11-10"}},
		{"2015-08-15..2015-11-10", "quarter", []string{"2015-08-15..2015-09-30", "2015-10-01..2015-11-10"}},
		{"2015-W53", "month", []string{"2015-12-28..2015-12-31", "2016-01-01..2016-01-03"}},
		{"2015-W53", "year", []string{"2015-12-28..2015-12-31", "2016-01-01..2016-01-03"}},
		{"2015-W53", "week", []string{"2015-W53"}},
		{"2015-09-01..2015-09-03", "day", []string{"2015-09-01", "2015-09-02", "2015-09-03"}},
		{"2014-07..2016-06", "year", []string{"2014-07-01..2014-12-31", "2015", "2016-01-01..2016-06-30"}},
	}
	for _, tt := range tests {
		parts, err := mustPeriod(t, tt.period).Split(tt.by)
		if err != nil {
			t.Errorf("%s by %s: %v", tt.period, tt.by, err)
			continue
		}
		var got []string
		for _, p := range parts {
			got = append(got, p.String())
		}
		if len(got) != len(tt.want) {
			t.Errorf("%s by %s = %v, want %v", tt.period, tt.by, got, tt.want)
			continue
		}
		for i := range got {
			if got[i] != tt.want[i] {
				t.Errorf("%s by %s = %v, want %v", tt.period, tt.by, got, tt.want)
				break
			}
		}
	}
	if _, err := mustPeriod(t, "2015").Split("fortnight"); csperf.ErrorCode(err) != csperf.EINVALID {
		t.Errorf("Split(fortnight): %v, want an invalid-input error", err)
	}
}

func TestPrevious(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"2015-09", "2015-08"},
		{"2015-03", "2015-02"}, // 31 days back to 28: calendar months, not days
		{"2015-01", "2014-12"},
		{"2015-Q1", "2014-Q4"},
		{"2015-Q3", "2015-Q2"},
		{"2015", "2014"},
		{"2015-01..2015-06", "2014-07-01..2014-12-31"},
		{"2015-W37", "2015-W36"},
		{"2015-W01", "2014-W52"},
		{"2016-W01", "2015-W53"},
		{"2015-03-01", "2015-02-28"},
		{"2015-09-03..2015-09-20", "2015-08-16..2015-09-02"}, // 18 days before
	} {
		if got := mustPeriod(t, tt.in).Previous().String(); got != tt.want {
			t.Errorf("Previous(%s) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestPeriodUnits(t *testing.T) {
	for _, tt := range []struct {
		period, unit string
		want         csperf.Ratio
	}{
		{"2015-09", "year", csperf.R(6, 73)},                  // 30/365
		{"2015", "year", csperf.R(1, 1)},                      //
		{"2016", "year", csperf.R(1, 1)},                      // 366/366
		{"2015-Q3", "year", csperf.R(92, 365)},                //
		{"2015-12..2016-01", "year", csperf.R(22661, 133590)}, // 31/365 + 31/366
		{"2015-09", "week", csperf.R(30, 7)},
		{"2015-W37", "week", csperf.R(1, 1)},
		{"2015-09", "day", csperf.R(30, 1)},
		{"2015-09-16..2015-10-15", "month", csperf.R(61, 62)},   // 15/30 + 15/31
		{"2015-08-15..2015-09-30", "quarter", csperf.R(47, 92)}, // 47 of Q3's 92 days
	} {
		got, err := PeriodUnits(mustPeriod(t, tt.period), tt.unit)
		if err != nil || got != tt.want {
			t.Errorf("PeriodUnits(%s, %s) = %v, %v; want %v", tt.period, tt.unit, got, err, tt.want)
		}
	}
}
