package demo

import (
	"math"
	"slices"
	"time"

	"csperf"
)

// endOfData is the first instant after the window: nothing is answered,
// closed or shipped after it.
func (w *world) endOfData() time.Time { return at(w.cal.last+1, 0) }

// orNil returns t, or nil when it falls after the window.
func (w *world) orNil(t time.Time) any {
	if !t.Before(w.endOfData()) {
		return nil
	}
	return t
}

func seconds(n float64) time.Duration { return time.Duration(math.Round(n)) * time.Second }

// onDuty moves an instant that falls at night to early the next working
// morning: requests are answered and complaints closed by people on duty
// (08:00–21:00).
func onDuty(r *rng, t time.Time) time.Time {
	local := t.Unix() + utcOffset
	day, sec := local/86400, local%86400
	switch {
	case sec < 8*3600:
		return at(csperf.Date(day), 8*3600+r.n(5400))
	case sec >= 21*3600:
		return at(csperf.Date(day+1), 8*3600+r.n(5400))
	}
	return t
}

// --- service requests -------------------------------------------------------

var (
	requestChannels = []string{"phone", "walk_in", "chat", "email", "social"}
	requestChannelW = []float64{42, 22, 16, 10, 10}
	requestTopics   = []string{"预约保养", "故障咨询", "配件查询", "保修索赔", "道路救援", "费用查询", "上门取送车", "保险理赔", "用车咨询"}
)

// genRequests makes about 2,000 service requests a month at scale 1:
// answered at once on the phone and at the counter, within minutes on chat,
// within hours by e-mail and social media; most resolved within a day.
func (w *world) genRequests(e *emitter) error {
	o := w.org
	r := newRNG(w.seed, tagRequests, 0)
	ids := yearSeq{prefix: "SR", width: seqWidth(24_000*w.scale, 5)}
	type req struct {
		sec, emp, cust, ch int
	}
	var day []req
	for d := w.cal.first; d <= w.cal.last; d++ {
		day = day[:0]
		for range count(r, 2000*12/365.25*w.scale*w.cal.call[d-w.cal.first]) {
			q := req{ch: r.weighted(requestChannelW), cust: -1}
			if q.ch == 2 || q.ch == 4 {
				q.sec = 8*3600 + r.n(14*3600) // chat and social media until 22:00
			} else {
				q.sec = workSecond(r)
			}
			if q.ch == 1 {
				q.emp = o.advisorOn(r, d, -1)
			} else {
				q.emp = o.agentOn(r, d, o.teams[r.n(len(o.teams))])
			}
			if q.emp < 0 {
				continue
			}
			if r.chance(0.92) {
				q.cust = w.knownCustomer(r, d)
			}
			day = append(day, q)
		}
		slices.SortStableFunc(day, func(a, b req) int { return a.sec - b.sec })
		for _, q := range day {
			opened := at(d, q.sec)
			var first float64
			switch q.ch {
			case 0:
				first = float64(r.n(300))
			case 1:
				first = float64(r.n(600))
			case 2:
				first = clamp(r.logn(90, 0.8), 5, 3600)
			case 3:
				first = clamp(r.logn(4*3600, 0.9), 600, 5*86400)
			case 4:
				first = clamp(r.logn(1.5*3600, 1.0), 120, 3*86400)
			}
			skill := o.skill(q.emp, d)
			resolve := first + clamp(r.logn(6*3600*(1-0.2*skill), 1.2), 300, 20*86400)
			var cust, rfv any
			if q.cust >= 0 {
				cust = w.custID(q.cust)
			}
			if q.ch == 1 {
				rfv = r.chance(0.82 + 0.05*skill)
			}
			fr := onDuty(r, opened.Add(seconds(first)))
			res := onDuty(r, opened.Add(seconds(resolve)))
			if res.Before(fr) {
				res = fr
			}
			row := []any{ids.next(d), cust, o.emps[q.emp].id, requestChannels[q.ch], pick(r, requestTopics), opened,
				w.orNil(fr), w.orNil(res), rfv}
			if !e.add(d.Month(), row) {
				return errStopped
			}
		}
	}
	return nil
}

// --- complaints -------------------------------------------------------------

var (
	complaintChannels = []string{"phone", "walk_in", "email", "chat", "social", "letter"}
	visitComplaintW   = []float64{40, 35, 5, 8, 7, 5}
	callComplaintW    = []float64{70, 0, 5, 12, 10, 3}
	workshopCauses    = []string{"维修质量", "服务态度", "等待时间过长", "价格争议", "配件缺货", "交车延误", "结算错误", "车辆损伤", "承诺未兑现"}
	callCauses        = []string{"电话无人接听", "座席态度", "回复不及时", "信息错误", "回电未兑现", "重复来电未解决"}
	causeText         = map[string][]string{
		"维修质量":    {"保养后发动机异响仍未消除，要求返修", "更换刹车片后仍有异响", "空调维修后一周再次不制冷"},
		"服务态度":    {"接待人员态度冷淡，未解释维修项目", "客户询问维修进度时被敷衍"},
		"等待时间过长":  {"预约保养仍等待三个小时", "到店后长时间无人接待"},
		"价格争议":    {"结算金额高于报价", "认为工时费收费偏高", "未经同意增加维修项目"},
		"配件缺货":    {"配件迟迟未到货，车辆无法使用", "多次告知配件到货时间均未兑现"},
		"交车延误":    {"承诺当天交车，实际延误两天", "交车时间一再推迟"},
		"结算错误":    {"发票金额与结算单不一致", "保修项目被错误收费"},
		"车辆损伤":    {"取车时发现车身有新划痕", "座椅被弄脏未清理"},
		"承诺未兑现":   {"承诺赠送的保养项目未兑现", "答应的免费检测没有做"},
		"电话无人接听":  {"多次拨打客服电话无人接听", "排队等待超过十分钟后挂断"},
		"回复不及时":   {"在线咨询两天未获回复", "申请的理赔资料迟迟没有反馈"},
		"信息错误":    {"告知的营业时间有误", "预约信息登记错误导致白跑一趟"},
		"重复来电未解决": {"同一问题来电三次仍未解决", "每次来电都要重新说明情况"},
		"座席态度":    {"通话中座席语气不耐烦", "座席未听完问题就挂断电话"},
		"回电未兑现":   {"答应回电但一直没有回复", "约定的回电时间无人联系"},
	}
	unresolvableReasons = []string{"客户要求超出保修政策范围", "责任无法认定，已向客户说明", "客户要求赔偿金额过高，协商未果", "涉及第三方保险公司，需客户自行理赔"}
	complaintLimitHours = []float64{24, 48, 72}
)

// complaintRow makes a complaint against employee emp; opened is when it
// was registered. Most are class 3 and closed within the class's limit; a
// few are escalated, fewer cannot be resolved.
func (w *world) complaintRow(r *rng, cust, emp int, opened time.Time, chW []float64, causes []string) []any {
	o := w.org
	skill := o.skill(emp, localDate(opened))
	class := r.weighted([]float64{3, 12, 85})
	var escalated bool
	var escTo any
	if escalated = r.chance([]float64{0.6, 0.2, 0.045}[class]); escalated {
		escTo = either(r.chance(either(class == 0, 0.7, 0.2)), "manager", "supervisor")
	}
	limit := complaintLimitHours[class] * 3600
	within := clamp(0.955+0.03*skill-either(escalated, 0.15, 0.0), 0.5, 0.995)
	var took float64
	if r.chance(within) {
		took = limit * (0.04 + 0.93*math.Pow(r.f(), 1.4))
	} else {
		took = limit * (1.03 + r.exp(0.5))
	}
	closed := onDuty(r, opened.Add(seconds(took)))
	cause := pick(r, causes)
	var status, closedAt, resolved, reason any
	if closed.Before(w.endOfData()) {
		closedAt, status = closed, "closed"
		ok := r.chance(clamp(0.965+0.02*skill, 0.8, 0.995))
		resolved = ok
		if !ok {
			reason = pick(r, unresolvableReasons)
		}
	} else {
		elapsed := w.endOfData().Sub(opened).Seconds() / took
		status = []string{"registered", "accepted", "in_progress", "resolved"}[min(3, int(elapsed*4))]
		if status == "resolved" {
			resolved = true
		}
	}
	var c any
	if cust >= 0 {
		c = w.custID(cust)
	}
	return []any{nil, c, o.emps[emp].id, string(rune('1' + class)), complaintChannels[r.weighted(chW)], cause,
		pick(r, causeText[cause]), opened, closedAt, status, escalated, escTo, resolved, r.chance(0.025), r.chance(0.012), reason}
}

// genComplaints makes about 8,000 complaints in 24 months at scale 1: two
// in three about a workshop visit, against its advisor (a poor advisor gets
// more), the rest against call-centre agents.
func (w *world) genComplaints(e *emitter) error {
	o := w.org
	r := newRNG(w.seed, tagComplaints, 0)
	ids := yearSeq{prefix: "CP", width: seqWidth(4_000*w.scale, 5)}
	var q queue[[]any]
	flush := func(limit time.Time) bool {
		return q.popUntil(limit.Unix(), func(row []any) bool {
			d := localDate(row[7].(time.Time))
			row[0] = ids.next(d)
			return e.add(d.Month(), row)
		})
	}
	err := w.eachVisitMonth(func(m csperf.Month, vs []visit) error {
		for i := range vs {
			v := &vs[i]
			if !r.chance(0.012 * (1 - 0.5*o.skill(int(v.adv), v.date))) {
				continue
			}
			day := v.date
			if r.chance(0.5) {
				day += csperf.Date(r.between(1, 5))
			}
			opened := at(day, workSecond(r))
			if opened.Before(w.endOfData()) {
				q.push(opened.Unix(), w.complaintRow(r, int(v.cust), int(v.adv), opened, visitComplaintW, workshopCauses))
			}
		}
		for d := m.First(); d <= m.Last(); d++ {
			for range count(r, 2_700.0/730.5*w.scale*w.cal.call[d-w.cal.first]) {
				a := o.agentOn(r, d, o.teams[r.n(len(o.teams))])
				if a < 0 {
					continue
				}
				opened := at(d, workSecond(r))
				q.push(opened.Unix(), w.complaintRow(r, w.knownCustomer(r, d), a, opened, callComplaintW, callCauses))
			}
		}
		if !flush(at(m.Last()+1, 0)) {
			return errStopped
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !flush(w.endOfData()) {
		return errStopped
	}
	return nil
}

// --- return-visit plans and return visits -----------------------------------

type plan struct {
	id      string
	date    csperf.Date
	cust    int
	spec    int
	adv     int // advisor of the visit behind the plan
	winBack bool
	purpose string
	mode    string
	cost    any
}

var followUpPurpose = []string{"保养后回访", "维修质量回访", "钣喷质量回访", "保修维修回访", "事故车维修回访", "美容装潢回访", "首保回访", "召回检修回访"}

// eachPlan replays the return-visit plans in id order: a follow-up a few
// days after some visits, and a win-back call early in the month after a
// customer counts as churned.
func (w *world) eachPlan(fn func(p *plan) error) error {
	o := w.org
	r := newRNG(w.seed, tagPlans, 0)
	ids := yearSeq{prefix: "RP", width: seqWidth(18_000*w.scale, 5)}
	var q queue[*plan]
	var stop error
	flush := func(limit csperf.Date) bool {
		return q.popUntil(int64(limit), func(p *plan) bool {
			p.id = ids.next(p.date)
			if err := fn(p); err != nil {
				stop = err
				return false
			}
			return true
		})
	}
	mode := func(fleetCust bool) (string, any) {
		switch x := r.f(); {
		case x < either(fleetCust, 0.2, 0.05):
			return "face_to_face", csperf.Money(r.between(8, 40) * 1000)
		case x < either(fleetCust, 0.28, 0.11):
			return "email", nil
		}
		return "phone", nil
	}
	err := w.eachVisitMonth(func(m csperf.Month, vs []visit) error {
		for i := range vs {
			v := &vs[i]
			fleetCust := v.fleet
			if r.chance(0.07) {
				p := &plan{date: v.date + csperf.Date(r.between(2, 5)), cust: int(v.cust), adv: int(v.adv), purpose: followUpPurpose[v.stype]}
				p.spec = o.specialistFor(p.adv, p.date)
				p.mode, p.cost = mode(fleetCust)
				q.push(int64(p.date), p)
			}
			if v.churn && m+churnMonths <= w.cal.end && r.chance(0.65) {
				p := &plan{date: (m + churnMonths + 1).First() + csperf.Date(r.n(12)), cust: int(v.cust), adv: int(v.adv), winBack: true, purpose: "流失客户回访"}
				p.spec = o.specialistFor(p.adv, p.date)
				p.mode, p.cost = mode(fleetCust)
				q.push(int64(p.date), p)
			}
		}
		if !flush(m.Last() + 1) {
			return stop
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !flush(math.MaxInt32) {
		return stop
	}
	return nil
}

func (w *world) genPlans(e *emitter) error {
	return w.eachPlan(func(p *plan) error {
		if !e.add(p.date.Month(), []any{p.id, w.custID(p.cust), w.org.emps[p.spec].id, p.date, p.purpose, p.mode, p.cost}) {
			return errStopped
		}
		return nil
	})
}

var (
	satisfactionLevels = []string{"good", "fairly_good", "average", "poor", "very_poor"}
	rvOpinions         = []string{"服务很好，保养及时", "等待时间有点长", "价格偏高", "希望增加周末预约名额", "交车时车内不够干净",
		"技师讲解很清楚", "希望提前短信提醒保养", "休息区环境不错", "对维修结果满意", "配件等待时间太长"}
	rvActions = []string{"已反馈业务接待组长", "赠送保养券一张", "预约下次保养", "已转技术主管跟进", "已向客户解释收费明细",
		"安排上门取送车", "登记客户意见，月度例会通报"}
	churnReasons = []string{"搬家迁居", "车辆已出售", "价格原因", "去其他4S店", "去路边快修店", "服务不满意", "距离太远",
		"车辆报废", "保修期已过", "单位车辆统一送修他处"}
)

// genReturnVisits records most plans as done on the day or soon after; a
// few stay overdue. Win-back calls hear worse news, and often why.
func (w *world) genReturnVisits(e *emitter) error {
	o := w.org
	r := newRNG(w.seed, tagReturnVisits, 0)
	ids := yearSeq{prefix: "RV", width: seqWidth(18_000*w.scale, 5)}
	var q queue[[]any]
	flush := func(limit csperf.Date) bool {
		return q.popUntil(int64(limit), func(row []any) bool {
			d := row[4].(csperf.Date)
			row[0] = ids.next(d)
			return e.add(d.Month(), row)
		})
	}
	satisfaction := func(skill float64, winBack bool) string {
		wts := []float64{0.66 + 0.08*skill, 0.27, 0.045 - 0.03*skill, 0.018 - 0.015*skill, 0.007}
		if winBack {
			wts = []float64{0.28, 0.34, 0.22, 0.11, 0.05}
		}
		for i := range wts {
			wts[i] = math.Max(wts[i], 0.002)
		}
		return satisfactionLevels[r.weighted(wts)]
	}
	record := func(planID any, cust, spec int, done csperf.Date, skill float64, winBack bool) {
		var opinions, actions, reviewer, reason any
		if r.chance(0.35) {
			opinions = pick(r, rvOpinions)
		}
		if r.chance(0.25) {
			actions = pick(r, rvActions)
		}
		if r.chance(0.7) {
			reviewer = o.emps[o.gbt].id
		}
		if winBack && r.chance(0.85) {
			reason = pick(r, churnReasons)
		}
		q.push(int64(done), []any{nil, planID, w.custID(cust), o.emps[spec].id, done, satisfaction(skill, winBack), opinions, actions, reviewer, reason})
	}
	err := w.eachPlan(func(p *plan) error {
		if !flush(p.date) {
			return errStopped
		}
		if p.date > w.cal.last || !r.chance(clamp(either(p.winBack, 0.92, 0.958)+0.03*o.emps[p.spec].quality, 0.8, 0.995)) {
			return nil
		}
		done := p.date
		switch x := r.f(); {
		case x < 0.06:
			done += csperf.Date(r.between(4, 12))
		case x < 0.28:
			done += csperf.Date(r.between(1, 3))
		}
		if done > w.cal.last {
			return nil
		}
		record(p.id, p.cust, p.spec, done, o.skill(p.adv, p.date), p.winBack)
		if r.chance(0.04) { // an unplanned satisfaction call the same day
			record(nil, w.knownCustomer(r, done), p.spec, done, 0, false)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !flush(math.MaxInt32) {
		return errStopped
	}
	return nil
}

// --- satisfaction surveys ---------------------------------------------------

var surveySuggestions = []string{"希望延长营业时间", "休息区可以提供更多饮品", "建议增加线上预约渠道", "结算流程可以再快一些",
	"希望保养项目提前报价", "工作人员很专业，继续保持", "希望能提供代步车", "洗车不够仔细"}

// surveyRow scores a survey: overall mostly 4–5 (better for a better
// employee), items near the overall, some items and overalls left blank.
func (w *world) surveyRow(r *rng, cust, emp int, answered time.Time, repair bool) []any {
	skill := w.org.skill(emp, localDate(answered))
	wts := []float64{0.008, 0.025 - 0.02*skill, 0.06 - 0.03*skill, 0.3, 0.61 + 0.08*skill} // 1 … 5
	for i := range wts {
		wts[i] = math.Max(wts[i], 0.003)
	}
	overall := 1 + r.weighted(wts)
	level := func(x int) string { return string(rune('0' + x)) }
	row := make([]any, 0, 17)
	row = append(row, nil, w.custID(cust), w.org.emps[emp].id, answered)
	if r.chance(0.04) {
		row = append(row, nil)
	} else {
		row = append(row, level(overall))
	}
	for i := range len(csperf.SurveyItems) {
		blank := false
		switch i {
		case 3: // packaging
			blank = r.chance(0.5)
		case 8: // complaint handling: only who complained answers it
			blank = r.chance(0.8)
		case 9, 10: // repair quality, fault resolution
			blank = !repair && r.chance(0.7)
		}
		if blank {
			row = append(row, nil)
			continue
		}
		x := overall
		switch y := r.f(); {
		case y < 0.14:
			x--
		case y < 0.28:
			x++
		}
		row = append(row, level(min(5, max(1, x))))
	}
	var sug any
	if r.chance(0.12) {
		sug = pick(r, surveySuggestions)
	}
	return append(row, sug)
}

// genSurveys: about one visit in eleven brings a survey back within ten
// days; call-centre customers answer a few more.
func (w *world) genSurveys(e *emitter) error {
	o := w.org
	r := newRNG(w.seed, tagSurveys, 0)
	ids := yearSeq{prefix: "SV", width: seqWidth(20_000*w.scale, 5)}
	var q queue[[]any]
	flush := func(limit time.Time) bool {
		return q.popUntil(limit.Unix(), func(row []any) bool {
			d := localDate(row[3].(time.Time))
			row[0] = ids.next(d)
			return e.add(d.Month(), row)
		})
	}
	err := w.eachVisitMonth(func(m csperf.Month, vs []visit) error {
		for i := range vs {
			v := &vs[i]
			if !r.chance(0.09) {
				continue
			}
			t := at(v.date+csperf.Date(r.between(1, 10)), 8*3600+r.n(14*3600))
			if t.Before(w.endOfData()) {
				q.push(t.Unix(), w.surveyRow(r, int(v.cust), int(v.adv), t, v.stype == 1 || v.stype == 4))
			}
		}
		for d := m.First(); d <= m.Last(); d++ {
			for range count(r, 3_600.0/730.5*w.scale*w.cal.call[d-w.cal.first]) {
				a := o.agentOn(r, d, o.teams[r.n(len(o.teams))])
				if a < 0 {
					continue
				}
				t := at(d, workSecond(r)).Add(seconds(float64(r.n(7200))))
				q.push(t.Unix(), w.surveyRow(r, w.knownCustomer(r, d), a, t, false))
			}
		}
		if !flush(at(m.Last()+1, 0)) {
			return errStopped
		}
		return nil
	})
	if err != nil {
		return err
	}
	if !flush(w.endOfData()) {
		return errStopped
	}
	return nil
}

// --- orders, promises, requests to change the employee ----------------------

var products = []struct {
	name   string
	lo, hi int // yuan
}{
	{"机油保养套餐", 380, 1280}, {"全合成机油", 300, 800}, {"轮胎", 600, 2400}, {"蓄电池", 500, 1500}, {"行车记录仪", 300, 1200},
	{"脚垫", 200, 800}, {"车衣", 2000, 8000}, {"玻璃隔热膜", 1500, 6000}, {"雨刮片", 80, 300}, {"空调滤芯", 80, 260},
	{"延保服务", 2000, 6000}, {"刹车片", 400, 1600},
}

// genOrders: about one visit in ten also buys something. Most orders ship
// the same day at the quoted price or a small discount; a few are
// returned, a few cancelled after a complaint; most buyers hear from the
// dealer 28–35 days later.
func (w *world) genOrders(e *emitter) error {
	o := w.org
	r := newRNG(w.seed, tagOrders, 0)
	ids := yearSeq{prefix: "DD", width: seqWidth(20_000*w.scale, 5)}
	return w.eachVisitMonth(func(m csperf.Month, vs []visit) error {
		for i := range vs {
			v := &vs[i]
			if !r.chance(0.10) {
				continue
			}
			p := products[r.n(len(products))]
			sec := workSecond(r)
			ordered := at(v.date, sec)
			quote := csperf.Money(r.between(p.lo, p.hi)) * 100
			final := quote
			switch x := r.f(); {
			case x < 0.06: // a large discount or a surcharge: a quote deviation
				final = csperf.Money(float64(quote) * either(r.chance(0.8), 0.8+r.f()*0.1, 1.1+r.f()*0.1))
			case x < 0.85:
				final = csperf.Money(float64(quote) * (1 - r.f()*0.06))
			}
			final = final / 100 * 100
			cancelled := r.chance(0.006)
			var shipped, retDate, follow any
			returned := false
			if !cancelled {
				var s time.Time
				if r.chance(0.91) {
					s = at(v.date, min(sec+r.between(1800, 4*3600), 86399))
				} else {
					s = at(v.date+csperf.Date(r.between(1, 3)), workSecond(r))
				}
				shipped = w.orNil(s)
				if shipped != nil && r.chance(0.03) {
					if rd := localDate(s) + csperf.Date(r.between(1, 20)); rd <= w.cal.last {
						returned, retDate = true, rd
					}
				}
				var f csperf.Date
				switch x := r.f(); {
				case x < 0.83:
					f = v.date + csperf.Date(r.between(28, 35))
				case x < 0.88:
					f = v.date + csperf.Date(r.between(10, 27))
				case x < 0.92:
					f = v.date + csperf.Date(r.between(36, 60))
				}
				if f != 0 {
					follow = w.orNil(at(f, officeSecond(r)))
				}
			}
			row := []any{ids.next(v.date), w.custID(int(v.cust)), o.emps[v.adv].id, ordered, p.name, quote, final, shipped, returned, retDate, cancelled, follow}
			if !e.add(m, row) {
				return errStopped
			}
		}
		return nil
	})
}

var promiseTexts = []string{"三天内配件到货并电话通知客户", "当天下午五点前完成维修交车", "保养后一周内电话回访", "报价单当日发送给客户",
	"理赔资料两个工作日内提交保险公司", "下次保养赠送免费洗车", "返修车辆优先安排工位", "周末安排上门取送车"}

// genPromises: advisors promise something at about one visit in thirty and
// keep most promises.
func (w *world) genPromises(e *emitter) error {
	o := w.org
	r := newRNG(w.seed, tagPromises, 0)
	ids := yearSeq{prefix: "PM", width: seqWidth(7_000*w.scale, 5)}
	return w.eachVisitMonth(func(m csperf.Month, vs []visit) error {
		for i := range vs {
			v := &vs[i]
			if !r.chance(0.035) {
				continue
			}
			due := v.date + csperf.Date(r.between(0, 7))
			var kept any
			if due <= w.cal.last {
				kept = r.chance(clamp(0.93+0.04*o.skill(int(v.adv), v.date), 0.7, 0.995))
			}
			if !e.add(m, []any{ids.next(v.date), w.custID(int(v.cust)), o.emps[v.adv].id, due, kept, pick(r, promiseTexts)}) {
				return errStopped
			}
		}
		return nil
	})
}

var changeReasons = []string{"沟通不顺畅，希望换一位业务接待", "多次承诺未兑现", "对服务态度不满意", "希望由更有经验的人员负责",
	"之前的接待人员更了解车辆情况"}

// genChanges: rare requests to change the serving employee, mostly about
// the weaker advisors.
func (w *world) genChanges(e *emitter) error {
	o := w.org
	r := newRNG(w.seed, tagChanges, 0)
	ids := yearSeq{prefix: "CR", width: 4}
	for d := w.cal.first; d <= w.cal.last; d++ {
		for range count(r, 100/730.5*w.scale*w.cal.call[d-w.cal.first]) {
			var emp int
			if r.chance(0.7) {
				for range 8 {
					if emp = o.advisorOn(r, d, -1); emp >= 0 && r.chance(0.5-0.4*o.skill(emp, d)) {
						break
					}
				}
			} else {
				emp = o.agentOn(r, d, o.teams[r.n(len(o.teams))])
			}
			if emp < 0 {
				continue
			}
			row := []any{ids.next(d), w.custID(w.knownCustomer(r, d)), o.emps[emp].id, at(d, workSecond(r)), pick(r, changeReasons)}
			if !e.add(d.Month(), row) {
				return errStopped
			}
		}
	}
	return nil
}
