package demo

import (
	"math"

	"csperf"
)

// churnMonths is the default churn threshold (SPEC §6); the generator marks
// the visits after which a customer stays away that long, to plan win-back
// return visits for them.
const churnMonths = 8

type visit struct {
	date   csperf.Date
	cust   int32
	adv    int32 // emps index
	sub    uint8 // the customer's n-th visit of the day
	stype  uint8
	churn  bool // no next visit through the end of month(date)+churnMonths
	fleet  bool // the customer is a fleet
	amount csperf.Money
}

// custState is one customer in the visit simulation; 48 bytes, so a
// million customers take 48 MB.
type custState struct {
	r     rng
	pos   float64 // seasonal position of the next visit; +Inf: gone
	gap   float64
	drift float32
	home  int32
	kind  custKind
}

// visitSim replays every customer's visits month by month. It is
// deterministic, so the kinds that follow visits (surveys, orders,
// complaints, return visits …) replay it instead of holding visits.
type visitSim struct {
	w    *world
	st   []custState
	buf  []visit
	out  []visit
	days []int
}

func (w *world) newVisitSim() *visitSim {
	s := &visitSim{w: w, st: make([]custState, w.nCust)}
	for i := range s.st {
		p := w.profile(i)
		c := &s.st[i]
		c.r.seed(w.seed, tagVisits, uint64(i))
		c.pos, c.gap, c.drift, c.home, c.kind = p.firstPos, p.gap, float32(p.drift), int32(p.home), p.kind
	}
	return s
}

var serviceTypes = []string{"常规保养", "一般维修", "钣金喷漆", "保修索赔", "事故车维修", "美容装潢", "首次保养", "召回检修"}

var (
	retailService = []float64{52, 20, 8, 7, 3, 6, 2, 2}
	fleetService  = []float64{60, 25, 6, 3, 3, 1, 0, 2}
)

func serviceAmount(r *rng, st uint8) csperf.Money {
	var yuan float64
	switch st {
	case 0:
		yuan = 350 + r.f()*1250
	case 1:
		yuan = math.Min(r.logn(1200, 0.8), 40000)
	case 2:
		yuan = math.Min(r.logn(3500, 0.7), 60000)
	case 4:
		yuan = math.Min(r.logn(9000, 0.8), 150000)
	case 5:
		yuan = 200 + r.f()*1800
	default: // warranty, first service and recalls are free to the customer
		return 0
	}
	return csperf.Money(math.Round(yuan))*100 + csperf.Money(r.n(10)*10)
}

// advisor picks who receives customer c on day d: mostly the advisor they
// are used to, sometimes a colleague of that group, now and then anyone.
func (s *visitSim) advisor(c *custState, d csperf.Date) int32 {
	o := s.w.org
	if h := o.emps[c.home]; !h.activeOn(d) {
		g := h.groupOn(d)
		if g < 0 {
			g = h.group()
		}
		if a := o.advisorOn(&c.r, d, g); a >= 0 {
			c.home = int32(a)
		}
	}
	// A fleet's vehicles come with different drivers, and the group
	// shares them out.
	own := either(c.kind == fleet, 0.55, 0.86)
	var a int
	switch x := c.r.f(); {
	case x < own:
		return c.home
	case x < own+either(c.kind == fleet, 0.40, 0.10):
		a = o.advisorOn(&c.r, d, o.emps[c.home].groupOn(d))
	default:
		a = o.advisorOn(&c.r, d, -1)
	}
	if a < 0 {
		return c.home
	}
	return int32(a)
}

// month returns the visits of month m in id order: by day, then customer,
// then the order of the customer's visits that day. The slice is reused by
// the next call.
func (s *visitSim) month(m csperf.Month) []visit {
	cal := s.w.cal
	end := cal.pos(m.Last() + 1)
	limit := (m + churnMonths).Last()
	s.buf = s.buf[:0]
	for i := range s.st {
		c := &s.st[i]
		last, sub := csperf.Date(math.MinInt32), uint8(0)
		for c.pos < end {
			d := cal.dateAt(c.pos)
			if d == last {
				sub++
			} else {
				last, sub = d, 0
			}
			st := uint8(c.r.weighted(either(c.kind == fleet, fleetService, retailService)))
			s.buf = append(s.buf, visit{date: d, cust: int32(i), adv: s.advisor(c, d), sub: sub, stype: st, fleet: c.kind == fleet, amount: serviceAmount(&c.r, st)})
			if c.kind == retail && c.r.chance(0.012) { // back the same day: a rework, or the second car
				sub++
				st := uint8(1)
				s.buf = append(s.buf, visit{date: d, cust: int32(i), adv: s.buf[len(s.buf)-1].adv, sub: sub, stype: st, amount: serviceAmount(&c.r, st)})
			}
			switch {
			case c.r.chance(float64(c.drift)):
				c.pos = math.Inf(1)
			case c.kind == fleet:
				c.pos += c.r.exp(c.gap)
			default:
				c.pos += c.gap * c.r.logn(1, 0.3)
			}
			if math.IsInf(c.pos, 1) || cal.dateAt(c.pos) > limit {
				s.buf[len(s.buf)-1].churn = true
			}
		}
	}
	// Counting sort by day keeps the customer order within a day.
	first := m.First()
	nd := int(m.Last()-first) + 1
	s.days = append(s.days[:0], make([]int, nd+1)...)
	for _, v := range s.buf {
		s.days[int(v.date-first)+1]++
	}
	for k := 1; k <= nd; k++ {
		s.days[k] += s.days[k-1]
	}
	s.out = append(s.out[:0], s.buf...)
	for _, v := range s.buf {
		k := int(v.date - first)
		s.out[s.days[k]] = v
		s.days[k]++
	}
	return s.out
}

// eachVisitMonth replays the window's visits, a month at a time.
func (w *world) eachVisitMonth(fn func(m csperf.Month, vs []visit) error) error {
	s := w.newVisitSim()
	for _, m := range w.cal.months() {
		if err := fn(m, s.month(m)); err != nil {
			return err
		}
	}
	return nil
}

// yearSeq numbers records per year: prefix + year + a zero-padded running
// number, so that ids sort as text in the order they were made.
type yearSeq struct {
	prefix string
	width  int
	year   int
	n      int
}

func (y *yearSeq) next(d csperf.Date) string {
	yr, _, _ := d.Civil()
	if yr != y.year {
		y.year, y.n = yr, 0
	}
	y.n++
	return padded(y.prefix+padded("", yr, 4), y.n, y.width)
}

// seqWidth is the width of running numbers for about perYear records a
// year, with room to spare so that ids keep sorting as text.
func seqWidth(perYear float64, least int) int {
	return max(least, digits(int(perYear*3)+1))
}

func (w *world) genVisits(e *emitter) error {
	ids := yearSeq{prefix: "V", width: seqWidth(200_000*w.scale, 6)}
	return w.eachVisitMonth(func(m csperf.Month, vs []visit) error {
		for i := range vs {
			v := &vs[i]
			if !e.add(m, []any{ids.next(v.date), w.custID(int(v.cust)), w.org.emps[v.adv].id, v.date, serviceTypes[v.stype], v.amount}) {
				return errStopped
			}
		}
		return nil
	})
}
