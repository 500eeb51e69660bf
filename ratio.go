package csperf

import (
	"fmt"
	"math/big"
)

// Ratio is an exact fraction Num/Den with Den ≥ 0. A Ratio whose Den is 0 has
// no value (a KPI over no events, a churn rate of a month without visits): it
// is shown as "—" and never compared as if it were zero.
type Ratio struct {
	Num int64 `json:"numerator"`
	Den int64 `json:"denominator"`
}

// R returns the Ratio n/d.
func R(n, d int64) Ratio { return Ratio{Num: n, Den: d} }

// Valid reports whether r has a value (a non-zero denominator).
func (r Ratio) Valid() bool { return r.Den != 0 }

// Rat returns r as a big.Rat; r must be Valid.
func (r Ratio) Rat() *big.Rat { return big.NewRat(r.Num, r.Den) }

// Cmp compares two valid ratios exactly by cross-multiplying in big
// integers: -1 if r < s, 0 if equal as fractions, +1 if r > s.
func (r Ratio) Cmp(s Ratio) int {
	a := new(big.Int).Mul(big.NewInt(r.Num), big.NewInt(s.Den))
	b := new(big.Int).Mul(big.NewInt(s.Num), big.NewInt(r.Den))
	return a.Cmp(b)
}

// Percent formats r×100 with the given number of decimals, rounding half
// away from zero exactly, followed by "%"; "—" when r has no value.
func (r Ratio) Percent(decimals int) string {
	if !r.Valid() {
		return "—"
	}
	return FormatRat(new(big.Rat).Mul(r.Rat(), big.NewRat(100, 1)), decimals) + "%"
}

// Decimal formats r with the given number of decimals; "—" without value.
func (r Ratio) Decimal(decimals int) string {
	if !r.Valid() {
		return "—"
	}
	return FormatRat(r.Rat(), decimals)
}

// FormatRat formats x with the given number of decimals, rounding half away
// from zero; unlike big.Rat.FloatString it never goes through a float and
// the rounding rule is stated, not inherited.
func FormatRat(x *big.Rat, decimals int) string {
	scale := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(decimals)), nil)
	num := new(big.Int).Mul(x.Num(), scale)
	den := x.Denom()
	neg := num.Sign() < 0
	num.Abs(num)
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))
	if new(big.Int).Mul(m, big.NewInt(2)).Cmp(den) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	s := q.String()
	if decimals > 0 {
		for len(s) <= decimals {
			s = "0" + s
		}
		s = s[:len(s)-decimals] + "." + s[len(s)-decimals:]
	}
	if neg && q.Sign() != 0 {
		s = "-" + s
	}
	return s
}

// String formats r as "num/den".
func (r Ratio) String() string { return fmt.Sprintf("%d/%d", r.Num, r.Den) }
