package demo

import (
	"cmp"
	"math"
	"slices"
	"time"

	"csperf"
)

var terminationReasons = []string{"价格原因", "车辆已出售", "转至其他服务商", "对服务不满意", "公司车辆管理政策调整", "搬迁至外地", "车辆报废"}

type contract struct {
	start, expiry              csperf.Date
	cust, emp                  int
	renewed, contacted, reason any
}

// genContracts gives most fleets and some private customers a service
// contract of one or two years. Each is renewed on expiry in about 85% of
// cases — more often when the customer was called 30 days or more before
// the expiry, as the dealer's rule asks.
func (w *world) genContracts(e *emitter) error {
	o := w.org
	last := w.cal.last
	var cs []contract
	for i := range w.nCust {
		p := w.profile(i)
		r := newRNG(w.seed, tagContracts, uint64(i))
		share := 0.06
		switch {
		case p.kind == prospect:
			share = 0
		case p.kind == fleet:
			share = 0.75
		case r.chance(0.11): // the important private customers, roughly
			share = 0.3
		}
		if !r.chance(share) {
			continue
		}
		start := p.arrival + csperf.Date(r.between(0, 45))
		if p.existing {
			start = w.cal.first - csperf.Date(r.between(0, 365))
		}
		for start <= last {
			term := either(r.chance(0.8), 12, 24)
			y, m, d := start.Civil()
			c := contract{start: start, expiry: csperf.MakeDate(y, m+time.Month(term), d) - 1, cust: i, emp: p.home}
			if a := o.emps[p.home]; !a.activeOn(start) {
				if x := o.advisorOn(r, start, -1); x >= 0 {
					c.emp = x
				}
			}
			var contact csperf.Date
			onTime := 0
			switch x := r.f(); {
			case x < 0.9:
				contact, onTime = c.expiry-csperf.Date(r.between(30, 75)), 2
			case x < 0.98:
				contact, onTime = c.expiry-csperf.Date(r.between(3, 29)), 1
			}
			if contact != 0 && contact <= last {
				c.contacted = at(contact, officeSecond(r))
			}
			if c.expiry > last {
				cs = append(cs, c)
				break
			}
			renew := r.chance([]float64{0.5, 0.72, 0.885}[onTime])
			c.renewed = renew
			if !renew {
				c.reason = pick(r, terminationReasons)
				cs = append(cs, c)
				break
			}
			cs = append(cs, c)
			start = c.expiry + 1
		}
	}
	slices.SortFunc(cs, func(a, b contract) int {
		return cmp.Or(cmp.Compare(a.start, b.start), cmp.Compare(a.cust, b.cust))
	})
	ids := yearSeq{prefix: "HT", width: seqWidth(3_000*w.scale, 5)}
	for _, c := range cs {
		if !e.add(c.start.Month(), []any{ids.next(c.start), w.custID(c.cust), o.emps[c.emp].id, c.start, c.expiry, c.renewed, c.contacted, c.reason}) {
			return errStopped
		}
	}
	return nil
}

var proposalTitles = []string{"建议开通微信预约保养", "建议延长周末营业时间", "建议设立女性客户休息区", "建议推出保养套餐年卡",
	"建议增加上门取送车服务", "建议维修进度短信实时推送", "建议设置儿童游乐区", "建议提供夜间紧急救援热线",
	"建议结算时提供电子发票", "建议组织车主用车知识讲座"}

// genProposals: a handful of customer proposals a year, reviewed on the
// weighted form; the implemented ones earn an award.
func (w *world) genProposals(e *emitter) error {
	o := w.org
	r := newRNG(w.seed, tagProposals, 0)
	n := max(1, int(math.Round(4*float64(w.cal.days())/365.25*math.Max(1, math.Sqrt(w.scale)))))
	days := make([]csperf.Date, n)
	for i := range days {
		days[i] = w.cal.first + csperf.Date(r.n(w.cal.days()))
	}
	slices.Sort(days)
	ids := yearSeq{prefix: "TA", width: 3}
	for _, d := range days {
		emp := either(r.chance(0.6), o.gbt, o.serviceManager)
		row := []any{ids.next(d), w.custID(w.knownCustomer(r, d)), o.emps[emp].id, pick(r, proposalTitles), d}
		status := "filed"
		if d <= w.cal.last-30 {
			status = []string{"reviewed", "implemented", "rejected"}[r.weighted([]float64{30, 40, 30})]
		}
		var award any
		if status == "filed" {
			row = append(row, nil, nil, nil, nil, nil, nil)
		} else {
			weights := []float64{0.5, 0.1, 0.1, 0.1, 0.1, 0.1}
			bias := either(status == "rejected", -15.0, 8.0)
			total := 0.0
			for _, wt := range weights {
				s := int64(clamp(math.Round(70+bias+r.norm()*10), 20, 100))
				row = append(row, s)
				total += wt * float64(s)
			}
			if status == "implemented" {
				award = csperf.Money(math.Round(total*25/100)) * 100 * 100
			}
		}
		row = append(row, status, award)
		if !e.add(0, row) {
			return errStopped
		}
	}
	return nil
}

var suggestionTitles = map[string][]string{
	"improvement": {"优化预约到店流程", "缩短交车等待时间的改进方案", "电话回访话术优化", "配件库存预警改进", "投诉处理时限跟踪表",
		"客户档案完善计划", "一次解决率提升方案", "高峰时段排班调整方案"},
	"suggestion":        {"休息区增加充电设备", "增加工位引导标识", "交接车辆拍照留档", "建立车主微信群", "统一接待着装", "更新维修价格公示牌"},
	"competitor_review": {"周边4S店服务对标分析", "快修连锁店价格调研", "同品牌经销商回访做法调研"},
}

var suggestionText = map[string]string{
	"improvement":       "现状分析、改进措施、责任人及完成时间见附件。",
	"suggestion":        "在日常工作中发现，建议尽快落实。",
	"competitor_review": "调研了对方的服务流程、价格和客户评价，整理出可借鉴之处。",
}

type suggestion struct {
	date        csperf.Date
	emp         int
	kind, title string
	status      string
}

// genSuggestions: every employee files two or three suggestions a year,
// half of them improvement proposals (改进方案); the better ones file more.
func (w *world) genSuggestions(e *emitter) error {
	o := w.org
	r := newRNG(w.seed, tagSuggestions, 0)
	var ss []suggestion
	for i, x := range o.emps {
		from, to := max(w.cal.first, x.hire), w.cal.last
		if x.leave != 0 {
			to = min(to, x.leave)
		}
		if to < from {
			continue
		}
		span := int(to-from) + 1
		mean := (2.5 + x.quality) * float64(span) / 365.25
		n := 0
		for t := r.exp(1); t < mean; t += r.exp(1) {
			n++
		}
		for range n {
			s := suggestion{date: from + csperf.Date(r.n(span)), emp: i}
			s.kind = []string{"improvement", "suggestion", "competitor_review"}[r.weighted([]float64{55, 35, 10})]
			s.title = pick(r, suggestionTitles[s.kind])
			s.status = "open"
			if s.date <= w.cal.last-30 {
				s.status = []string{"open", "adopted", "rejected"}[r.weighted([]float64{20, 45, 35})]
			}
			ss = append(ss, s)
		}
	}
	slices.SortStableFunc(ss, func(a, b suggestion) int { return cmp.Compare(a.date, b.date) })
	ids := yearSeq{prefix: "SG", width: 4}
	for _, s := range ss {
		if !e.add(0, []any{ids.next(s.date), o.emps[s.emp].id, s.date, s.kind, s.title, suggestionText[s.kind], s.status}) {
			return errStopped
		}
	}
	return nil
}

// genFacts imports the two KPIs whose data lives in other systems: parts
// in stock when asked for, and minutes at the cashier per customer, for the
// department and each advisor group, monthly.
func (w *world) genFacts(e *emitter) error {
	o := w.org
	r := newRNG(w.seed, tagFacts, 0)
	for _, m := range w.cal.months() {
		season := visitMonth[m.Month()-1]
		type scope struct{ kind, id string }
		scopes := []scope{{"department", "main"}}
		for _, g := range o.advGroups {
			scopes = append(scopes, scope{"group", o.groups[g].id})
		}
		share := 1 / float64(len(o.advGroups))
		for k, s := range scopes {
			part := either(k == 0, 1.0, share*(0.8+0.4*r.f()))
			asked := max(1, int64(math.Round(28_000*w.scale*season*part)))
			inStock := int64(math.Round(float64(asked) * (0.93 + 0.06*r.f())))
			paid := max(1, int64(math.Round(16_000*w.scale*season*part)))
			minutes := int64(math.Round(float64(paid) * (3.6 + 2.4*r.f())))
			for _, f := range [][]any{
				{"in_stock", s.kind, s.id, m.First(), m.Last(), inStock, asked},
				{"checkout_time", s.kind, s.id, m.First(), m.Last(), minutes, paid},
			} {
				if !e.add(m, f) {
					return errStopped
				}
			}
		}
	}
	return nil
}
