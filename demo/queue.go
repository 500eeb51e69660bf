package demo

// queue holds records made ahead of their time (a survey answered days
// after the visit, a win-back plan months later) until the replay reaches
// it, so that each kind's ids follow its own dates. Ties keep push order.
type queue[T any] struct {
	items []queued[T]
	seq   uint64
}

type queued[T any] struct {
	at  int64
	seq uint64
	v   T
}

func (q *queue[T]) less(i, j int) bool {
	a, b := &q.items[i], &q.items[j]
	return a.at < b.at || a.at == b.at && a.seq < b.seq
}

func (q *queue[T]) push(at int64, v T) {
	q.seq++
	q.items = append(q.items, queued[T]{at: at, seq: q.seq, v: v})
	for i := len(q.items) - 1; i > 0; {
		p := (i - 1) / 2
		if !q.less(i, p) {
			break
		}
		q.items[i], q.items[p] = q.items[p], q.items[i]
		i = p
	}
}

func (q *queue[T]) pop() T {
	top := q.items[0].v
	last := len(q.items) - 1
	q.items[0] = q.items[last]
	var zero queued[T]
	q.items[last] = zero
	q.items = q.items[:last]
	for i := 0; ; {
		l, m := 2*i+1, i
		if l < len(q.items) && q.less(l, m) {
			m = l
		}
		if l+1 < len(q.items) && q.less(l+1, m) {
			m = l + 1
		}
		if m == i {
			break
		}
		q.items[i], q.items[m] = q.items[m], q.items[i]
		i = m
	}
	return top
}

// popUntil hands fn, in order, every record due before limit; it stops and
// returns false when fn does.
func (q *queue[T]) popUntil(limit int64, fn func(T) bool) bool {
	for len(q.items) > 0 && q.items[0].at < limit {
		if !fn(q.pop()) {
			return false
		}
	}
	return true
}
