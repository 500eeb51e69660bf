package kpi

import (
	"math/big"

	"csperf"
)

// Unit is how a KPI's value is shown. A Value and a Target are always kept
// in the unit's base: a fraction (0–1) for percent, seconds for every time
// unit, the plain number for score and count. Only Format converts.
type Unit string

// Units of the catalog.
const (
	Percent Unit = "percent" // base: fraction; shown ×100 with "%"
	Seconds Unit = "seconds" // base: seconds
	Minutes Unit = "minutes" // base: seconds; shown /60
	Hours   Unit = "hours"   // base: seconds; shown /3600
	Score   Unit = "score"   // base: points
	Count   Unit = "count"   // base: events (per period, per employee)
)

// Valid reports whether u is one of the units above.
func (u Unit) Valid() bool {
	switch u {
	case Percent, Seconds, Minutes, Hours, Score, Count:
		return true
	}
	return false
}

// Scale returns the factor from the base to the shown number: 100 for
// percent, 1/60 for minutes, 1/3600 for hours, 1 otherwise. A target typed
// in shown units is divided by it to get the base.
func (u Unit) Scale() csperf.Ratio {
	switch u {
	case Percent:
		return csperf.R(100, 1)
	case Minutes:
		return csperf.R(1, 60)
	case Hours:
		return csperf.R(1, 3600)
	}
	return csperf.R(1, 1)
}

// Format shows r (in base units) in u with its suffix, rounding half away
// from zero: "92.5%", "45.3 s", "4.5 min", "12.5 h", "4.53", "2.00".
// A ratio without value is "—".
func (u Unit) Format(r csperf.Ratio) string {
	if !r.Valid() {
		return "—"
	}
	s := u.Scale()
	x := new(big.Rat).Mul(r.Rat(), s.Rat())
	switch u {
	case Percent:
		return csperf.FormatRat(x, 1) + "%"
	case Seconds:
		return csperf.FormatRat(x, 1) + " s"
	case Minutes:
		return csperf.FormatRat(x, 1) + " min"
	case Hours:
		return csperf.FormatRat(x, 1) + " h"
	}
	return csperf.FormatRat(x, 2)
}
