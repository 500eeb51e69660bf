// Package kpi defines csperf's KPIs and computes them exactly.
//
// A KPI is a Definition: declarative measures over events (an event kind,
// the date that attributes an event to a period, a filter, and a count or a
// sum), combined by an Aggregation (ratio, mean, count per period, or one of
// a few special aggregations such as churn). The built-in catalog of SPEC §4
// is Catalog(); custom KPIs are built from the same blocks and checked by
// the same Definition.Validate.
//
// Evaluate is the reference evaluator over in-memory events: it is the
// definition of every figure. The SQL store computes the same measures from
// daily roll-ups, built at import time with the per-event building blocks
// exported here (DatingDate, Attribute, Match, Contribution) and turned into
// a Value with Result, so that both give the same numbers bit for bit.
//
// Everything is exact: values are integer numerators and denominators, time
// sums are whole seconds, and comparisons with targets cross-multiply. The
// package is pure: no I/O, no clock, no floats.
package kpi
