package demo

import (
	"math"
	"slices"
	"time"

	"csperf"
)

// Call-centre volume: about 400,000 calls in 24 months at scale 1, two in
// three inbound.
const (
	callsPerDay  = 400_000.0 / 730.5
	inboundShare = 0.68
)

type call struct {
	sec       int // local second of the day it was queued
	agent     int // emps index, −1: none
	cust      int // −1: unknown caller
	team      int // group index
	in        bool
	wait      int // seconds to answer (or to hang up when abandoned)
	answered  bool
	abandoned bool
	talk      int
	hold      int
	effective bool // outbound only
	rfc       bool // answered inbound only
}

// count turns an expected number into a whole one, keeping the fraction as
// a chance, so that small scales still see the occasional event.
func count(r *rng, x float64) int {
	n := math.Floor(x)
	if r.chance(x - n) {
		n++
	}
	return int(n)
}

// callDay makes the calls of day d in queue order. It draws only from r,
// which the caller keeps across days, so QA can replay the same calls.
func (w *world) callDay(r *rng, d csperf.Date, buf []call) []call {
	o := w.org
	buf = buf[:0]
	n := count(r, callsPerDay*w.scale*w.cal.call[d-w.cal.first]*r.logn(1, 0.08))
	for range n {
		c := call{agent: -1, cust: -1, in: r.chance(inboundShare)}
		c.team = o.teams[r.n(len(o.teams))]
		if c.in {
			c.sec = workSecond(r)
		} else {
			c.sec = 9*3600 + r.n(9*3600+1800)
		}
		c.agent = o.agentOn(r, d, c.team)
		if c.in {
			// Queue waits are skewed: most calls are picked up in seconds,
			// a few wait minutes at the morning peak.
			load := hourWeights[c.sec/3600-8] / 0.96
			if c.abandoned = c.agent < 0 || r.chance(clamp(0.041*math.Pow(load, 1.8), 0, 0.3)); c.abandoned {
				c.wait = int(clamp(r.logn(38, 0.8), 3, 900))
				if r.chance(0.7) {
					c.agent = -1
				}
				if r.chance(0.55) {
					c.cust = w.knownCustomer(r, d)
				}
			} else {
				c.answered = true
				c.wait = int(clamp(r.logn(7*math.Pow(load, 1.5), 1.0), 1, 1500))
				if r.chance(0.88) {
					c.cust = w.knownCustomer(r, d)
				}
				c.rfc = r.chance(clamp(0.85+0.06*o.skill(c.agent, d), 0.5, 0.98))
			}
		} else {
			if c.agent < 0 {
				continue
			}
			c.cust = w.knownCustomer(r, d)
			c.effective = r.chance(0.982)
			c.answered = c.effective || r.chance(0.3)
			c.wait = r.between(3, 22)
			if !c.answered {
				c.wait = r.between(20, 45)
			}
		}
		if c.answered {
			median := either(c.in, 150.0, 110.0) * (1 - 0.12*o.skill(c.agent, d))
			c.talk = int(clamp(r.logn(median, 0.65), 12, 3600))
			if !c.effective && !c.in {
				c.talk = r.between(5, 40)
			}
			if r.chance(either(c.in, 0.28, 0.08)) {
				c.hold = r.between(8, max(10, c.talk*35/100))
			}
		}
		buf = append(buf, c)
	}
	slices.SortStableFunc(buf, func(a, b call) int { return a.sec - b.sec })
	return buf
}

// eachCallDay replays the window's calls, a day at a time.
func (w *world) eachCallDay(fn func(d csperf.Date, cs []call) error) error {
	r := newRNG(w.seed, tagCalls, 0)
	var buf []call
	for d := w.cal.first; d <= w.cal.last; d++ {
		buf = w.callDay(r, d, buf)
		if err := fn(d, buf); err != nil {
			return err
		}
	}
	return nil
}

func (w *world) callWidth() int { return seqWidth(200_000*w.scale, 6) }

func (w *world) genCalls(e *emitter) error {
	ids := yearSeq{prefix: "T", width: w.callWidth()}
	o := w.org
	return w.eachCallDay(func(d csperf.Date, cs []call) error {
		m := d.Month()
		for i := range cs {
			c := &cs[i]
			var agent, cust, answered, ended, talk, hold, effective, rfc any
			if c.agent >= 0 {
				agent = o.emps[c.agent].id
			}
			if c.cust >= 0 {
				cust = w.custID(c.cust)
			}
			q := at(d, c.sec)
			if c.answered {
				a := q.Add(time.Duration(c.wait) * time.Second)
				answered = a
				ended = a.Add(time.Duration(c.talk+c.hold) * time.Second)
				talk, hold = int64(c.talk), int64(c.hold)
			} else {
				ended = q.Add(time.Duration(c.wait) * time.Second)
				talk, hold = int64(0), int64(0)
			}
			if c.in {
				if c.answered {
					rfc = c.rfc
				}
			} else {
				effective = c.effective
			}
			dir := either(c.in, "in", "out")
			if !e.add(m, []any{ids.next(d), agent, cust, o.groups[c.team].id, dir, q, answered, ended, talk, hold, c.abandoned, effective, rfc}) {
				return errStopped
			}
		}
		return nil
	})
}

var qaComments = []string{"开场白规范，语速适中", "未按规范核实客户身份", "问题定位准确，解决方案清晰", "结束语缺失",
	"通话中有较长静音，应使用保持功能", "对客户情绪安抚到位", "业务知识掌握扎实", "未主动提供后续跟进方式",
	"记录填写完整", "解释收费标准不够清楚"}

// genQA scores a little more than one in ten answered inbound calls of
// every agent, a day or few after the call, by the inspector who looks
// after the agent's team.
func (w *world) genQA(e *emitter) error {
	o := w.org
	r := newRNG(w.seed, tagQA, 0)
	ids := yearSeq{prefix: "QA", width: seqWidth(20_000*w.scale, 5)}
	callIDs := yearSeq{prefix: "T", width: w.callWidth()}
	quota := make([]float64, len(o.emps))
	var q queue[[]any]
	flush := func(limit time.Time) bool {
		return q.popUntil(limit.Unix(), func(row []any) bool {
			row[0] = ids.next(localDate(row[3].(time.Time)))
			return e.add(localDate(row[3].(time.Time)).Month(), row)
		})
	}
	err := w.eachCallDay(func(d csperf.Date, cs []call) error {
		if !flush(at(d, 0)) {
			return errStopped
		}
		for i := range cs {
			c := &cs[i]
			id := callIDs.next(d)
			if !c.in || !c.answered {
				continue
			}
			// Each agent's calls are sampled at a steady rate, so that every
			// agent reaches the 10% monitoring target each month.
			if quota[c.agent] += 0.1 + 0.025*r.f(); quota[c.agent] < 1 {
				continue
			}
			quota[c.agent]--
			qa := o.qa[slices.Index(o.teams, c.team)%len(o.qa)]
			day := d + csperf.Date(r.between(1, 4))
			if wd := weekday(day); wd == 0 || wd == 6 {
				day += csperf.Date(either(wd == 6, 2, 1))
			}
			if day > w.cal.last {
				continue
			}
			base := 85 + 6*o.skill(c.agent, d) + r.norm()*4
			item := func() int64 { return int64(clamp(math.Round(base+r.norm()*6), 40, 100)) }
			et, ac, so, co := item(), item(), item(), item()
			score := int64(math.Round(0.25*float64(et) + 0.25*float64(ac) + 0.3*float64(so) + 0.2*float64(co)))
			var comment any
			if r.chance(0.3) {
				comment = pick(r, qaComments)
			}
			t := at(day, officeSecond(r))
			q.push(t.Unix(), []any{nil, id, o.emps[qa].id, t, score, et, ac, so, co, comment})
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !flush(at(w.cal.last+1, 0)) {
		return errStopped
	}
	return nil
}
