package demo

import (
	"math"
	"sort"
	"time"

	"csperf"
)

// The organisation's clock is Asia/Shanghai, which has kept UTC+8 without
// daylight saving since 1991; a fixed offset gives the same instants as the
// zone database and needs none installed.
const utcOffset = 8 * 3600

// at returns the UTC instant of local second sec of day d.
func at(d csperf.Date, sec int) time.Time {
	return time.Unix(int64(d)*86400+int64(sec)-utcOffset, 0).UTC()
}

// localDate returns the local calendar day of the instant t.
func localDate(t time.Time) csperf.Date {
	return csperf.Date((t.Unix() + utcOffset) / 86400)
}

// weekday returns 0 for Sunday … 6 for Saturday (1970-01-01 was a Thursday).
func weekday(d csperf.Date) int { return int((int64(d)%7 + 7 + 4) % 7) }

// springFestival holds the first day of the lunar new year (春节) for the
// years the demo is likely to be built for; other years fall back to a
// mid-February day, which only moves the seasonal dip.
var springFestival = map[int][2]int{
	2010: {2, 14}, 2011: {2, 3}, 2012: {1, 23}, 2013: {2, 10}, 2014: {1, 31}, 2015: {2, 19},
	2016: {2, 8}, 2017: {1, 28}, 2018: {2, 16}, 2019: {2, 5}, 2020: {1, 25}, 2021: {2, 12},
	2022: {2, 1}, 2023: {1, 22}, 2024: {2, 10}, 2025: {1, 29}, 2026: {2, 17}, 2027: {2, 6},
	2028: {1, 26}, 2029: {2, 13}, 2030: {2, 3}, 2031: {1, 23}, 2032: {2, 11}, 2033: {1, 31},
	2034: {2, 19}, 2035: {2, 8}, 2036: {1, 28}, 2037: {2, 15}, 2038: {2, 4}, 2039: {1, 24},
	2040: {2, 12},
}

func festivalDay(y int) csperf.Date {
	if md, ok := springFestival[y]; ok {
		return csperf.MakeDate(y, time.Month(md[0]), md[1])
	}
	return csperf.MakeDate(y, 2, 10)
}

// Seasonality of the after-sales workshop: busy before the Spring Festival
// and in summer (air conditioning), quiet during the festival and the
// October golden week; weekends are the busiest days of a dealership.
var (
	visitMonth   = [12]float64{1.08, 0.94, 1.00, 1.00, 1.02, 0.98, 1.06, 1.06, 0.98, 0.92, 0.98, 1.08}
	visitWeekday = [7]float64{1.20, 0.92, 0.88, 0.88, 0.90, 1.00, 1.38} // Sunday first
	callMonth    = [12]float64{1.05, 0.92, 1.00, 1.00, 1.00, 1.00, 1.08, 1.08, 1.00, 0.92, 1.00, 1.04}
	callWeekday  = [7]float64{0.55, 1.18, 1.10, 1.06, 1.06, 1.12, 0.70}
)

// holiday returns the festival factor of day d: the Spring Festival week
// (eve to sixth day) and the National Day golden week are quiet, the three
// weeks before the festival are busy.
func holiday(d csperf.Date) (quiet, busy bool) {
	y, m, dd := d.Civil()
	if m == time.October && dd <= 7 {
		return true, false
	}
	for _, fy := range []int{y, y + 1} {
		f := festivalDay(fy)
		switch off := int(d - f); {
		case off >= -1 && off <= 6:
			return true, false
		case off >= -21 && off < -1:
			return false, true
		}
	}
	return false, false
}

func dayFactor(d csperf.Date, month *[12]float64, wd *[7]float64, quiet float64) float64 {
	_, m, dd := d.Civil()
	f := month[m-1] * wd[weekday(d)]
	switch q, b := holiday(d); {
	case q && m == time.October && dd <= 7:
		f *= math.Sqrt(quiet) // the golden week is quiet, the festival quieter
	case q:
		f *= quiet
	case b:
		f *= 1.22
	}
	return f
}

// calendar is the data window and its seasonal intensities. Visits are
// scheduled in "seasonal time": a customer's gap of g days is g days of
// average intensity, so that the busy weeks before the festival fill up and
// the festival itself empties.
type calendar struct {
	start, end  csperf.Month
	first, last csperf.Date // first and last day with data
	lo          csperf.Date // first day of the tables
	cum         []float64   // cum[k]: visit intensity of the days lo … lo+k−1
	call        []float64   // call-centre factor of each day of the window, mean 1
}

func newCalendar(start, end csperf.Month) *calendar {
	c := &calendar{start: start, end: end, first: start.First(), last: end.Last()}
	c.lo = c.first - 31
	n := int(c.last-c.lo) + 2
	raw := make([]float64, n)
	sum, cnt := 0.0, 0
	for k := range raw {
		d := c.lo + csperf.Date(k)
		raw[k] = dayFactor(d, &visitMonth, &visitWeekday, 0.3)
		if d >= c.first && d <= c.last {
			sum += raw[k]
			cnt++
		}
	}
	mean := sum / float64(cnt)
	c.cum = make([]float64, n+1)
	for k, f := range raw {
		c.cum[k+1] = c.cum[k] + f/mean
	}
	days := int(c.last-c.first) + 1
	c.call = make([]float64, days)
	sum = 0
	for k := range c.call {
		c.call[k] = dayFactor(c.first+csperf.Date(k), &callMonth, &callWeekday, 0.35)
		sum += c.call[k]
	}
	for k := range c.call {
		c.call[k] *= float64(days) / sum
	}
	return c
}

// days returns the number of days of the window.
func (c *calendar) days() int { return int(c.last-c.first) + 1 }

// pos returns the seasonal position of the start of day d.
func (c *calendar) pos(d csperf.Date) float64 {
	k := int(d - c.lo)
	switch {
	case k < 0:
		return float64(k)
	case k >= len(c.cum):
		return c.cum[len(c.cum)-1] + float64(k-len(c.cum)+1)
	}
	return c.cum[k]
}

// dateAt returns the day seasonal position p falls on; positions past the
// tables map to a day after the window.
func (c *calendar) dateAt(p float64) csperf.Date {
	if p < 0 {
		return c.lo - 1
	}
	if p >= c.cum[len(c.cum)-1] {
		return c.lo + csperf.Date(len(c.cum))
	}
	k := sort.SearchFloat64s(c.cum, p) // first k with cum[k] ≥ p
	if c.cum[k] > p {
		k--
	}
	return c.lo + csperf.Date(k)
}

// months returns the months of the window in order.
func (c *calendar) months() []csperf.Month {
	var out []csperf.Month
	for m := c.start; m <= c.end; m++ {
		out = append(out, m)
	}
	return out
}

// Working hours are 08:00–20:00 local. hourWeights shapes a day: the
// morning rush, the lunch dip, the afternoon peak.
var hourWeights = []float64{0.55, 1.30, 1.45, 1.20, 0.75, 0.85, 1.20, 1.25, 1.10, 0.90, 0.60, 0.40}

// workSecond returns a second of the working day with the usual profile.
func workSecond(r *rng) int {
	h := 8 + r.weighted(hourWeights)
	return h*3600 + r.n(3600)
}

// officeSecond returns a second between 09:00 and 18:00, for back-office
// work (QA, reviews, contract calls).
func officeSecond(r *rng) int { return 9*3600 + r.n(9*3600) }
