package web

import (
	"math"
	"sync"
	"time"
)

// Rate is a token bucket's size and refill: Burst requests at once, then
// one more every Every.
type Rate struct {
	Burst int
	Every time.Duration
}

// limiter keeps one token bucket per key (an IP address, a token, a user)
// in memory. Buckets that have refilled are forgotten, so that the map
// does not grow with every address that ever called.
type limiter struct {
	rate Rate
	now  func() time.Time

	mu      sync.Mutex
	buckets map[string]*bucket
	sweep   time.Time
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newLimiter(r Rate, now func() time.Time) *limiter {
	return &limiter{rate: r, now: now, buckets: map[string]*bucket{}}
}

// allow takes a token from key's bucket. When there is none it returns
// false and how long until one is back.
func (l *limiter) allow(key string) (bool, time.Duration) {
	if l == nil || l.rate.Burst <= 0 {
		return true, 0
	}
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	full := float64(l.rate.Burst)
	perSec := 1 / l.rate.Every.Seconds()
	if now.Sub(l.sweep) > time.Minute {
		for k, b := range l.buckets {
			if b.tokens+now.Sub(b.at).Seconds()*perSec >= full {
				delete(l.buckets, k)
			}
		}
		l.sweep = now
	}
	b := l.buckets[key]
	if b == nil {
		b = &bucket{tokens: full, at: now}
		l.buckets[key] = b
	}
	b.tokens = math.Min(full, b.tokens+now.Sub(b.at).Seconds()*perSec)
	b.at = now
	if b.tokens >= 1 {
		b.tokens--
		return true, 0
	}
	wait := time.Duration((1 - b.tokens) / perSec * float64(time.Second))
	return false, wait
}
