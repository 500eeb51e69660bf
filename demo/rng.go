package demo

import (
	"math"
	"math/rand/v2"
)

// rng is a PCG stream with the few draws the generator needs. The draws are
// derived from PCG's 64-bit outputs by this file alone — not by rand.Rand's
// methods, whose algorithms Go does not promise to keep — so that a seed
// gives the same data with every Go release.
type rng struct{ p rand.PCG }

// Stream tags: every kind of decision draws from its own stream, so that
// adding a draw to one kind never changes another kind's data.
const (
	tagStaff uint64 = iota + 1
	tagProfile
	tagCustomerText
	tagVisits
	tagCalls
	tagQA
	tagRequests
	tagComplaints
	tagPlans
	tagReturnVisits
	tagSurveys
	tagContracts
	tagOrders
	tagPromises
	tagChanges
	tagProposals
	tagSuggestions
	tagFacts
)

// splitmix64 scrambles x; it turns (seed, tag, index) into PCG seeds that
// do not overlap for neighbouring indexes.
func splitmix64(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// seed resets r to the stream of (seed, tag, i).
func (r *rng) seed(seed, tag, i uint64) {
	r.p.Seed(splitmix64(seed^splitmix64(tag)), splitmix64(splitmix64(tag<<32^i)+seed))
}

func newRNG(seed, tag, i uint64) *rng {
	r := &rng{}
	r.seed(seed, tag, i)
	return r
}

func (r *rng) u64() uint64 { return r.p.Uint64() }

// f returns a uniform float in [0, 1).
func (r *rng) f() float64 { return float64(r.p.Uint64()>>11) * (1.0 / (1 << 53)) }

// n returns a uniform int in [0, n); n must be positive and below 2³².
func (r *rng) n(n int) int { return int(((r.p.Uint64() >> 32) * uint64(n)) >> 32) }

// between returns a uniform int in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.n(hi-lo+1) }

// chance reports true with probability p.
func (r *rng) chance(p float64) bool { return r.f() < p }

// norm returns a standard normal draw (Box–Muller, one value per call).
func (r *rng) norm() float64 {
	u := 1 - r.f() // (0, 1]
	v := r.f()
	return math.Sqrt(-2*math.Log(u)) * math.Cos(2*math.Pi*v)
}

// logn returns a log-normal draw with the given median and shape.
func (r *rng) logn(median, sigma float64) float64 { return median * math.Exp(sigma*r.norm()) }

// exp returns an exponential draw with the given mean.
func (r *rng) exp(mean float64) float64 { return -mean * math.Log(1-r.f()) }

// weighted picks an index with probability proportional to w.
func (r *rng) weighted(w []float64) int {
	t := 0.0
	for _, x := range w {
		t += x
	}
	x := r.f() * t
	for i, v := range w {
		if x < v {
			return i
		}
		x -= v
	}
	return len(w) - 1
}

// pick returns a uniform element of s.
func pick[T any](r *rng, s []T) T { return s[r.n(len(s))] }

func clamp(x, lo, hi float64) float64 { return math.Max(lo, math.Min(hi, x)) }

// either returns a if c, else b.
func either[T any](c bool, a, b T) T {
	if c {
		return a
	}
	return b
}
