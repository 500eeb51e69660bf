package web

import (
	"errors"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
)

func TestFlightSharesOneComputation(t *testing.T) {
	var f flight
	var runs atomic.Int32
	release := make(chan struct{})
	started := make(chan struct{})
	var wg sync.WaitGroup
	results := make([]any, 8)
	wg.Add(1)
	go func() {
		defer wg.Done()
		results[0], _ = f.do("k", func() (any, error) {
			runs.Add(1)
			close(started)
			<-release
			return 42, nil
		})
	}()
	<-started
	for i := 1; i < len(results); i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], _ = f.do("k", func() (any, error) { runs.Add(1); return -1, nil })
		}()
	}
	// Release the computation only once every other caller waits for it.
	for {
		f.mu.Lock()
		n := f.calls["k"].waiters
		f.mu.Unlock()
		if n == len(results)-1 {
			break
		}
		runtime.Gosched()
	}
	close(release)
	wg.Wait()
	for i, r := range results {
		if r != 42 {
			t.Errorf("caller %d got %v", i, r)
		}
	}
	if n := runs.Load(); n != 1 {
		t.Fatalf("%d runs, want 1", n)
	}
	// A later call after the flight ended computes afresh, and errors are shared too.
	_, err := f.do("k", func() (any, error) { return nil, errors.New("boom") })
	if err == nil || err.Error() != "boom" {
		t.Fatalf("err = %v", err)
	}
	if len(f.calls) != 0 {
		t.Fatalf("calls left: %v", f.calls)
	}
}
