package demo

import (
	"math"

	"csperf"
)

type custKind uint8

const (
	retail   custKind = iota // a private car owner
	fleet                    // a company with several vehicles (taxis, vans, rentals)
	prospect                 // interested, no deal yet: no visits
)

// Customer mix. Private owners are most customers and come back every 3–6
// months; fleets are few but bring many vehicles, so they carry most of the
// workshop's visits; prospects have not bought anything yet.
const (
	shareExisting = 0.55 // customers known before the window
	shareFleet    = 0.12
	shareProspect = 0.07
	fleetMedian   = 17.0 // vehicles of a typical fleet (log-normal, long tail)
)

// profile is what decides a customer's history. It is drawn from the
// customer's own stream, so any kind can recompute it.
type profile struct {
	kind     custKind
	existing bool
	arrival  csperf.Date // registration (consent) date
	firstPos float64     // seasonal position of the first visit in the window; +Inf: none
	gap      float64     // mean days between visits
	drift    float64     // chance to drift away after a visit
	vehicles int
	home     int // advisor (emps index) the customer is used to
	region   int // index into regions, −1: unknown
}

// arrivedBy returns how many customers are registered by the end of day d:
// those known before the window, then the new ones, who arrive in id order
// spread by season.
func (w *world) arrivedBy(d csperf.Date) int {
	nNew := w.nCust - w.nExisting
	if nNew <= 0 {
		return w.nCust
	}
	p0, p1 := w.cal.pos(w.cal.first), w.cal.pos(w.cal.last+1)
	x := (w.cal.pos(d+1) - p0) / (p1 - p0)
	return w.nExisting + int(clamp(x, 0, 1)*float64(nNew))
}

// knownCustomer returns a random customer registered by day d.
func (w *world) knownCustomer(r *rng, d csperf.Date) int {
	return r.n(max(1, w.arrivedBy(d)))
}

func (w *world) profile(i int) profile {
	r := newRNG(w.seed, tagProfile, uint64(i))
	cal := w.cal
	p := profile{region: -1}
	p.existing = i < w.nExisting
	switch x := r.f(); {
	case x < shareProspect:
		p.kind = prospect
	case x < shareProspect+either(p.existing, shareFleet*1.3, shareFleet*0.6):
		p.kind = fleet // fleets are mostly long-standing accounts
	}
	p0, p1 := cal.pos(cal.first), cal.pos(cal.last+1)
	if p.existing {
		p.arrival = cal.first - csperf.Date(r.between(20, 2600))
	} else {
		j, nNew := i-w.nExisting, w.nCust-w.nExisting
		p.arrival = cal.dateAt(p0 + (float64(j)+r.f())/float64(nNew)*(p1-p0))
	}
	if r.chance(0.85) {
		p.region = r.weighted(regionWeights)
	}
	switch p.kind {
	case retail:
		if r.chance(0.8) {
			p.gap = 90 + r.f()*90 // every 3–6 months
		} else {
			p.gap = 150 + r.f()*150
		}
		p.drift = 0.08
		if !p.existing && r.chance(0.25) {
			p.drift = 1 // came once, for a repair, and never again
		}
		p.vehicles = 1
	case fleet:
		p.vehicles = int(clamp(math.Round(r.logn(fleetMedian, 1.05)), 2, 400))
		p.gap = (95 + r.f()*60) / float64(p.vehicles)
		p.drift = 0.005 * p.gap / 30 // about 0.5% of fleets leave a month
	}
	start := p.arrival
	if p.existing {
		start = cal.first
	}
	p.home = w.org.advisorOn(r, start, -1)
	p.firstPos = math.Inf(1)
	if p.kind != prospect {
		if p.existing {
			phase := r.f()
			if p.kind == fleet {
				phase = r.exp(1)
			}
			p.firstPos = p0 + phase*p.gap
		} else {
			p.firstPos = cal.pos(p.arrival) + r.f()*0.9
		}
		// A good advisor keeps customers; a poor one loses them.
		if p.drift < 1 {
			p.drift *= 1 - 0.45*w.org.skill(p.home, start)
		}
	}
	return p
}

var customerNotes = []string{"偏好周末到店", "需提前电话预约", "老客户，介绍过朋友", "车辆用于网约车运营", "对价格较敏感",
	"要求使用原厂配件", "喜欢短信通知", "上次投诉已妥善处理", "家中有两辆车", "公司车队负责人"}

func (w *world) custID(i int) string { return padded("C", i+1, w.custWidth) }

// genCustomers emits the customers in id order.
func (w *world) genCustomers(e *emitter) error {
	for i := range w.nCust {
		p := w.profile(i)
		r := newRNG(w.seed, tagCustomerText, uint64(i))
		who := newPerson(r)
		var phone, mail, addr, comp, region, tier, grade, consent, notes any
		if r.chance(0.97) {
			phone = w.pb.number(r, uint64(i))
		}
		isFleet := p.kind == fleet
		if r.chance(either(isFleet, 0.6, 0.28)) {
			mail = email(r, who)
		}
		if p.region >= 0 {
			region = regions[p.region].name
			if r.chance(either(isFleet, 0.92, 0.5)) {
				addr = address(r, p.region)
			}
		}
		if isFleet || r.chance(0.16) {
			comp = company(r, isFleet)
		}
		keyAccount := false
		switch p.kind {
		case fleet:
			tier = "general"
			if r.chance(0.65) {
				tier = "important"
			}
			keyAccount = p.vehicles >= 10 || r.chance(0.2)
			grade = []string{"A", "B", "C", "D"}[r.weighted([]float64{45, 40, 12, 3})]
		case retail:
			switch x := r.f(); {
			case x < 0.11:
				tier = "important"
			case x < 0.94:
				tier = "general"
			}
			if r.chance(0.8) {
				grade = []string{"A", "B", "C", "D"}[r.weighted([]float64{30, 45, 18, 7})]
			}
		case prospect:
			if r.chance(0.92) {
				tier = "potential"
			}
		}
		if r.chance(0.88) {
			consent = p.arrival
		}
		if r.chance(0.06) {
			notes = pick(r, customerNotes)
		}
		if !e.add(0, []any{w.custID(i), who.name, phone, mail, addr, comp, nil, region, tier, keyAccount, grade, consent, notes}) {
			return errStopped
		}
	}
	return nil
}
