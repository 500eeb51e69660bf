package demo

import (
	"context"
	"errors"
	"fmt"

	"csperf"
)

// errStopped ends a generator whose reader went away.
var errStopped = errors.New("demo: generator stopped")

// batch is a run of rows of one month (0 for kinds not made by month).
type batch struct {
	month csperf.Month
	rows  [][]any
}

const batchRows = 1024

// emitter is the generator's end of a producer.
type emitter struct {
	ctx    context.Context
	fields int   // values a row must have
	bad    error // set when a row had another number
	ch     chan<- batch
	done   <-chan struct{}
	cur    batch
}

// add queues one row of month m; it returns false when the reader has
// gone, and the generator must then return errStopped.
func (e *emitter) add(m csperf.Month, row []any) bool {
	if len(row) != e.fields {
		e.bad = fmt.Errorf("demo: a row with %d values for %d fields", len(row), e.fields)
		return false
	}
	if len(e.cur.rows) > 0 && (m != e.cur.month || len(e.cur.rows) >= batchRows) {
		if !e.flush() {
			return false
		}
	}
	if e.cur.rows == nil {
		e.cur.rows = make([][]any, 0, batchRows)
	}
	e.cur.month = m
	e.cur.rows = append(e.cur.rows, row)
	return true
}

func (e *emitter) flush() bool {
	if len(e.cur.rows) == 0 {
		return true
	}
	select {
	case e.ch <- e.cur:
		e.cur = batch{}
		return true
	case <-e.done:
		return false
	case <-e.ctx.Done():
		return false
	}
}

// producer runs a generator in its own goroutine, so that making rows and
// writing them use both cores, with a few batches of slack between them.
type producer struct {
	ch      chan batch
	done    chan struct{}
	err     error // the generator's error, readable once ch is closed
	pending *batch
	ended   bool
}

func produce(ctx context.Context, fields int, gen func(*emitter) error) *producer {
	p := &producer{ch: make(chan batch, 8), done: make(chan struct{})}
	go func() {
		e := &emitter{ctx: ctx, fields: fields, ch: p.ch, done: p.done}
		err := gen(e)
		if e.bad != nil {
			err = e.bad
		}
		if err == nil && !e.flush() {
			err = errStopped
		}
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		p.err = err
		close(p.ch)
	}()
	return p
}

// next returns the next batch, or false at the end.
func (p *producer) next() (batch, bool) {
	if p.pending != nil {
		b := *p.pending
		p.pending = nil
		return b, true
	}
	if p.ended {
		return batch{}, false
	}
	b, ok := <-p.ch
	if !ok {
		p.ended = true
	}
	return b, ok
}

// stop tells the generator to give up and waits for it.
func (p *producer) stop() {
	close(p.done)
	for range p.ch {
	}
	p.ended = true
}

// chunk is one import's share of a producer: rows until the stream ends,
// or — once it holds limit rows — until the month changes, so that a big
// kind is imported as a few files of whole months, as an operator loading
// monthly exports would.
type chunk struct {
	p     *producer
	limit int64
	n     int64
	cur   batch
	i     int
	month csperf.Month
	first bool
	done  bool // the producer has no more rows
}

func newChunk(p *producer, limit int64) *chunk { return &chunk{p: p, limit: limit, first: true} }

// Next implements csperf.RowSource. Row numbers are those of a CSV file
// with a header line.
func (c *chunk) Next() (int, []any, bool) {
	for c.i >= len(c.cur.rows) {
		b, ok := c.p.next()
		if !ok {
			c.done = true
			return 0, nil, false
		}
		if c.n >= c.limit && !c.first && b.month != c.month {
			c.p.pending = &b
			return 0, nil, false
		}
		c.cur, c.i, c.month, c.first = b, 0, b.month, false
	}
	row := c.cur.rows[c.i]
	c.cur.rows[c.i] = nil
	c.i++
	c.n++
	return int(c.n) + 1, row, true
}

// Err implements csperf.RowSource.
func (c *chunk) Err() error {
	if c.done && c.p.err != nil && !errors.Is(c.p.err, errStopped) {
		return c.p.err
	}
	return nil
}

// rowsOf is a generator over rows made in advance (the organisation).
func rowsOf(rows [][]any) func(*emitter) error {
	return func(e *emitter) error {
		for _, r := range rows {
			if !e.add(0, r) {
				return errStopped
			}
		}
		return nil
	}
}
