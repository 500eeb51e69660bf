// Package scorecard computes evaluation cycles (SPEC §7): scorecard
// templates, 360 sources, grades, bonus, promotion and raise lists, and
// the training-needs report of SPEC §10. It is pure: no I/O, no clock, no
// floats; every weight, point and score is an exact rational (Number) and
// is only rounded for display (two decimals, half away from zero).
//
// # How a score is made
//
// A Template lists items with weights in percent that sum to exactly 100.
// An item is a KPI (from the catalog or a custom one) with a Rule that
// turns its value into 0–100 points, or a rated item (teamwork) with no
// KPI. Three 360 sources assess items, with the template's source weights
// (default self 20, supervisor 30, customer 50):
//
//   - self and supervisor rate every item, 0–100 points (entered per
//     employee and item);
//   - the customer source is the KPI: its points for a KPI item are the
//     rule's points for the employee's value over the cycle's period. A
//     rated item has no customer part.
//
// An item's points are the mean of its sources' points weighted by their
// 360 weights, over the sources that assess it: 20/30/50 for a KPI item,
// 40/60 (20 and 30 renormalised) for a rated item. The score is Σ item
// weight × item points / 100. So the template's weights are exactly the
// items' shares of the score, and for a template of KPI items only the
// score is exactly 20% self + 30% supervisor + 50% KPI score. Each
// result also shows each source's part: its contribution to the score
// (the contributions sum to the score exactly) and its own score (its
// points over the items it assessed, weighted by the template weights).
//
// # Missing inputs
//
// A rating not entered, or a KPI without value (no events: a zero
// denominator), is a missing input. Every one is listed in the result with
// what was done, under the cycle's visible setting: MissingRenormalise
// leaves its weight out — the source's share within the item, and an item
// with no input at all leaves the template, the other items' weights
// scaled up to 100 — and MissingZero scores it 0 points. A missing bonus
// base is listed too (no bonus).
//
// # Grades and bonus
//
// Grades have minimum scores (default excellent 90, good 80, qualified 60,
// unqualified below) compared exactly: a score exactly on a threshold
// takes the higher grade, and 89.995 (shown 90.00) is good — the grade rule
// in the result then shows the exact fraction. Bonus = the bonus base
// (fen) × the grade's coefficient (default 1.5 / 1.2 / 1.0 / 0.8), rounded
// to the fen half away from zero (RoundFen): 1234.57 × 1.5 = 1851.855 →
// 1851.86 yuan.
//
// # Cycles, promotion, raises
//
// Compute scores a cycle's inputs with its Setup (kind, period, scope,
// settings, templates and the KPI definitions, fixed at creation) and
// gives a Computation whose canonical JSON and SHA-256 the store keeps.
// Promotions lists the employees excellent in two consecutive annual
// cycles; Raises ranks annual scores within each position into quartiles
// with the suggested raise of each.
package scorecard
