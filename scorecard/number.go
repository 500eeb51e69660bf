package scorecard

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/big"
	"strings"

	"csperf"
)

// Number is an exact rational: a weight in percent, points, a score, a
// coefficient. It is immutable once made. In JSON it travels as an object
// {"exact": "175/2", "shown": "87.50"}: exact is big.Rat's text ("7/2",
// or "100" for a whole number), which no reader turns into a float, and
// shown is the two-decimal form (half away from zero). It is read back from
// that object, or from a string or a JSON number written as a decimal or a
// fraction ("33.5", "100/3"), parsed exactly.
type Number struct{ r *big.Rat }

// N returns the Number num/den.
func N(num, den int64) Number { return Number{big.NewRat(num, den)} }

// Int returns the whole Number n.
func Int(n int64) Number { return N(n, 1) }

// NumberOf returns a Number holding a copy of x.
func NumberOf(x *big.Rat) Number { return Number{new(big.Rat).Set(x)} }

// ParseNumber parses "87.5", "-3", "100/3" or "87.5%" (the % is only
// decoration) exactly.
func ParseNumber(s string) (Number, error) {
	t := strings.TrimSuffix(strings.TrimSpace(s), "%")
	if t == "" || strings.ContainsAny(t, "eE") {
		return Number{}, fmt.Errorf("%q is not a number (write 87.5 or 100/3)", s)
	}
	x, ok := new(big.Rat).SetString(t)
	if !ok {
		return Number{}, fmt.Errorf("%q is not a number (write 87.5 or 100/3)", s)
	}
	return Number{x}, nil
}

// Rat returns a copy of n as a big.Rat (0 for the zero Number).
func (n Number) Rat() *big.Rat {
	if n.r == nil {
		return new(big.Rat)
	}
	return new(big.Rat).Set(n.r)
}

// IsZero reports whether n is zero (or unset).
func (n Number) IsZero() bool { return n.r == nil || n.r.Sign() == 0 }

// Sign returns -1, 0 or +1.
func (n Number) Sign() int {
	if n.r == nil {
		return 0
	}
	return n.r.Sign()
}

// Cmp compares n and m exactly.
func (n Number) Cmp(m Number) int { return n.Rat().Cmp(m.Rat()) }

// Exact returns big.Rat's exact text: "7/2", or "100" for a whole number.
func (n Number) Exact() string {
	b, _ := n.Rat().MarshalText()
	return string(b)
}

// String shows n with two decimals, rounded half away from zero.
func (n Number) String() string { return csperf.FormatRat(n.Rat(), 2) }

// Decimals shows n with d decimals.
func (n Number) Decimals(d int) string { return csperf.FormatRat(n.Rat(), d) }

type numberJSON struct {
	Exact string `json:"exact"`
	Shown string `json:"shown"`
}

// MarshalJSON writes {"exact": …, "shown": …}. Both texts are digits,
// '-', '/' and '.', which need no escaping, so the bytes are built by hand
// (a cycle writes tens of thousands of Numbers).
func (n Number) MarshalJSON() ([]byte, error) {
	exact, shown := n.Exact(), n.String()
	b := make([]byte, 0, len(exact)+len(shown)+23)
	b = append(b, `{"exact":"`...)
	b = append(b, exact...)
	b = append(b, `","shown":"`...)
	b = append(b, shown...)
	return append(b, `"}`...), nil
}

// UnmarshalJSON reads the object MarshalJSON writes, a string or a number.
func (n *Number) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	var text string
	switch {
	case len(b) > 0 && b[0] == '{':
		var o numberJSON
		if err := json.Unmarshal(b, &o); err != nil {
			return err
		}
		text = o.Exact
	case len(b) > 0 && b[0] == '"':
		if err := json.Unmarshal(b, &text); err != nil {
			return err
		}
	default:
		text = string(b)
	}
	v, err := ParseNumber(text)
	if err != nil {
		return err
	}
	*n = v
	return nil
}

// Arithmetic on fresh values; none of them changes its operands.
func add(a, b *big.Rat) *big.Rat { return new(big.Rat).Add(a, b) }
func sub(a, b *big.Rat) *big.Rat { return new(big.Rat).Sub(a, b) }
func mul(a, b *big.Rat) *big.Rat { return new(big.Rat).Mul(a, b) }
func quo(a, b *big.Rat) *big.Rat { return new(big.Rat).Quo(a, b) }
func rat(n int64) *big.Rat       { return big.NewRat(n, 1) }

// clamp keeps x within 0–100 points.
func clamp(x *big.Rat) *big.Rat {
	switch {
	case x.Sign() < 0:
		return new(big.Rat)
	case x.Cmp(rat(100)) > 0:
		return rat(100)
	}
	return x
}

// RoundFen rounds an amount in fen to a whole fen, half away from zero:
// 185185.5 fen → 185186, −0.5 → −1. It is the one rounding rule of money
// in scorecards (bonus = base × coefficient).
func RoundFen(x *big.Rat) (csperf.Money, error) {
	num := new(big.Int).Abs(x.Num())
	q, m := new(big.Int).QuoRem(num, x.Denom(), new(big.Int))
	if new(big.Int).Mul(m, big.NewInt(2)).Cmp(x.Denom()) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if x.Sign() < 0 {
		q.Neg(q)
	}
	if !q.IsInt64() {
		return 0, csperf.Errorf(csperf.EINVALID, "amount %s fen is too large", x.RatString())
	}
	return csperf.Money(q.Int64()), nil
}
