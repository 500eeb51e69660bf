package web

import "sync"

// flight lets concurrent requests that miss one cache entry share one
// computation: the first computes, the others wait for its result. Without
// it, fifty clients whose cached dashboard expires at once would all count
// the same rows at the same time (measured with csperf bench load: the
// dashboard's p99 was dominated by such pile-ups).
type flight struct {
	mu    sync.Mutex
	calls map[string]*flightCall
}

type flightCall struct {
	done    chan struct{}
	waiters int // callers waiting for this result, for tests
	val     any
	err     error
}

// do runs fn once for key among the callers that arrive while it runs.
// fn must not depend on the first caller's cancellation (pass it a context
// made with context.WithoutCancel), since its result serves them all.
func (f *flight) do(key string, fn func() (any, error)) (any, error) {
	f.mu.Lock()
	if f.calls == nil {
		f.calls = map[string]*flightCall{}
	}
	if c, ok := f.calls[key]; ok {
		c.waiters++
		f.mu.Unlock()
		<-c.done
		return c.val, c.err
	}
	c := &flightCall{done: make(chan struct{})}
	f.calls[key] = c
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		delete(f.calls, key)
		f.mu.Unlock()
		close(c.done)
	}()
	c.val, c.err = fn()
	return c.val, c.err
}
