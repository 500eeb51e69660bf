package demo

import (
	"context"
	"errors"
	"testing"

	"csperf"
)

// TestChunks splits a stream of rows of three months into imports of whole
// months once a limit is reached, and hands on a generator's error.
func TestChunks(t *testing.T) {
	months := []csperf.Month{1, 1, 1, 2, 2, 3, 3, 3, 3}
	p := produce(context.Background(), 1, func(e *emitter) error {
		for i, m := range months {
			if !e.add(m, []any{int64(i)}) {
				return errStopped
			}
		}
		return nil
	})
	var parts [][]int64
	for {
		c := newChunk(p, 2)
		var part []int64
		for {
			row, v, ok := c.Next()
			if !ok {
				break
			}
			if row != len(part)+2 {
				t.Errorf("row number %d, want %d", row, len(part)+2)
			}
			part = append(part, v[0].(int64))
		}
		if err := c.Err(); err != nil {
			t.Fatal(err)
		}
		parts = append(parts, part)
		if c.done {
			break
		}
	}
	if len(parts) != 3 || len(parts[0]) != 3 || len(parts[1]) != 2 || len(parts[2]) != 4 {
		t.Errorf("parts %v, want one per month", parts)
	}

	boom := errors.New("boom")
	p = produce(context.Background(), 2, func(e *emitter) error {
		e.add(0, []any{"a", "b"})
		return boom
	})
	c := newChunk(p, 10)
	for {
		if _, _, ok := c.Next(); !ok {
			break
		}
	}
	if !errors.Is(c.Err(), boom) {
		t.Errorf("Err() = %v, want the generator's error", c.Err())
	}
	p = produce(context.Background(), 2, func(e *emitter) error {
		if e.add(0, []any{"only one"}) {
			t.Error("a short row was accepted")
		}
		return errStopped
	})
	c = newChunk(p, 10)
	for {
		if _, _, ok := c.Next(); !ok {
			break
		}
	}
	if c.Err() == nil {
		t.Error("a short row gave no error")
	}
	// A reader that stops early does not leave the generator blocked.
	p = produce(context.Background(), 1, func(e *emitter) error {
		for i := range 100_000 {
			if !e.add(0, []any{int64(i)}) {
				return errStopped
			}
		}
		return nil
	})
	c = newChunk(p, 10)
	c.Next()
	p.stop()
}
