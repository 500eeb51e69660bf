package kpi

import "csperf"

// Small builders that keep the catalog readable.
func cond(field, op, value string) Cond { return Cond{Field: field, Op: op, Value: value} }
func eq(field, value string) Cond       { return cond(field, OpEq, value) }
func notNull(field string) Cond         { return cond(field, OpNotNull, "") }

func count(kind, date string, filter ...Cond) Measure {
	return Measure{Kind: kind, DateField: date, Filter: filter, Agg: AggCount}
}

func sum(kind, date, expr string, filter ...Cond) Measure {
	return Measure{Kind: kind, DateField: date, Filter: filter, Agg: AggSum, SumExpr: expr}
}

func target(op string, num, den int64) Target { return Target{Op: op, Value: csperf.R(num, den)} }

// queueScopes are the levels of KPIs about the call queue rather than one
// agent.
func queueScopes() []string { return []string{LevelGroup, LevelDepartment, LevelOrg} }

// answeredIn selects answered inbound calls.
func answeredIn(more ...Cond) []Cond {
	return append([]Cond{eq("direction", "in"), eq("abandoned", "false")}, more...)
}

// Catalog returns the built-in KPIs of SPEC §4, in the order of its table,
// with their default targets. Each call returns fresh values the caller
// may change (targets are editable).
//
// Choices where the SPEC table is short, beyond its "precise formulas":
//   - Calls are dated by queued_at and "answered" means not abandoned.
//     abandon_rate and service_level concern the queue, so they apply to
//     groups, departments and the organisation, not to one agent.
//   - monitor_rate: inbound calls marked qa_scored / inbound calls.
//   - Complaints are dated by opened_at for complaint_rate and by closed_at
//     for the closing KPIs and manager_complaints; "closed" means closed_at
//     is set, so an open complaint counts in none of those.
//   - first_response averages only requests that have a first response;
//     resolution_time counts every request opened in the period.
//   - return_visit_rate: plans due (planned_date) in the period marked done
//     / plans due. return_visit_satisfaction: visits done rated good or
//     fairly_good / visits done. weekly_satisfaction_calls counts return
//     visits done with a satisfaction recorded.
//   - quote_deviation counts only orders with a positive quote_price.
//   - manager_complaints, agent_change_requests, complaint_cancellations
//     and proposals are counts per year, weekly_satisfaction_calls a count
//     per week; "per employee" ones divide by the scope's headcount (see
//     CountPerPeriod and PeriodUnits). proposals counts suggestions of kind
//     "improvement" (改进方案), not customer proposals.
//   - in_stock and checkout_time are imported kpi_facts; checkout_time's
//     numerator is seconds like every time KPI (target 5 min = 300 s).
//   - churn_rate is met when ≤ the plain mean of the previous 3 months'
//     rates (the §6 managers' rule: equal earns the reward).
//   - archive_completeness: customers with name, phone and address /
//     customers, a snapshot of all customer records (customers carry no
//     date and no employee, so it is computed for departments, through
//     Attribution.DepartmentOf(""), and the organisation).
//   - period_churn counts visits and orders as activity, as package churn
//     does; churn_rate counts visits only (SPEC §6).
func Catalog() []Definition {
	return []Definition{
		{
			ID: "csat", NameZH: "客户满意度", NameEN: "Customer satisfaction",
			Formula: "surveys with overall ≥ 4 / surveys with an overall score",
			Unit:    Percent, Direction: HigherBetter, Aggregation: Ratio,
			Numerator:   count(KindSurveys, "answered_at", cond("overall", OpGe, "4")),
			Denominator: []Measure{count(KindSurveys, "answered_at", notNull("overall"))},
			Target:      target(OpGe, 9, 10),
		},
		{
			ID: "csat_avg", NameZH: "平均满意度得分", NameEN: "Average satisfaction score",
			Formula: "Σ overall / surveys with an overall score",
			Unit:    Score, Direction: HigherBetter, Aggregation: Mean,
			Numerator: sum(KindSurveys, "answered_at", "overall", notNull("overall")),
			Target:    target(OpGe, 9, 2),
		},
		{
			ID: "repeat_rate", NameZH: "回头客比例", NameEN: "Repeat customers",
			Formula: "customers with ≥ 2 visits or orders in the trailing 12 months / customers with ≥ 1",
			Unit:    Percent, Direction: HigherBetter, Aggregation: RepeatCustomers,
			Denominator: []Measure{count(KindVisits, "visit_date"), count(KindOrders, "ordered_at")},
			Target:      target(OpGe, 9, 10),
		},
		{
			ID: "renewal_rate", NameZH: "续签率", NameEN: "Contract renewal rate",
			Formula: "contracts renewed / contracts expiring in the period",
			Unit:    Percent, Direction: HigherBetter, Aggregation: Ratio,
			Numerator:   count(KindContracts, "expiry_date", eq("renewed", "true")),
			Denominator: []Measure{count(KindContracts, "expiry_date")},
			Target:      target(OpGe, 9, 10),
		},
		{
			ID: "complaint_rate", NameZH: "投诉率", NameEN: "Complaint rate",
			Formula: "complaints opened / (answered calls + visits + service requests)",
			Unit:    Percent, Direction: LowerBetter, Aggregation: Ratio,
			Numerator: count(KindComplaints, "opened_at"),
			Denominator: []Measure{
				count(KindCalls, "queued_at", eq("abandoned", "false")),
				count(KindVisits, "visit_date"),
				count(KindServiceRequests, "opened_at"),
			},
			Target: target(OpLe, 3, 100),
		},
		{
			ID: "manager_complaints", NameZH: "需经理处理的投诉", NameEN: "Complaints escalated to a manager",
			Formula: "complaints closed after escalation to a manager, per employee per year",
			Unit:    Count, Direction: LowerBetter, Aggregation: CountPerPeriod, Per: UnitYear, PerEmployee: true,
			Numerator: count(KindComplaints, "closed_at", eq("escalated_to", "manager")),
			Target:    target(OpLt, 3, 1),
		},
		{
			ID: "agent_change_requests", NameZH: "要求更换服务人员", NameEN: "Requests to change the serving employee",
			Formula: "customer requests to change the serving employee, per year",
			Unit:    Count, Direction: LowerBetter, Aggregation: CountPerPeriod, Per: UnitYear,
			Numerator: count(KindChangeRequests, "requested_at"),
			Target:    target(OpLt, 3, 1),
		},
		{
			ID: "complaint_cancellations", NameZH: "投诉导致取消订单", NameEN: "Orders cancelled over complaints",
			Formula: "orders cancelled because of a service complaint, per year",
			Unit:    Count, Direction: LowerBetter, Aggregation: CountPerPeriod, Per: UnitYear,
			Numerator: count(KindOrders, "ordered_at", eq("cancelled_for_complaint", "true")),
			Target:    target(OpLt, 3, 1),
		},
		{
			ID: "independent_handling", NameZH: "独立处理投诉比例", NameEN: "Complaints handled without escalation",
			Formula: "complaints closed without escalation / complaints closed",
			Unit:    Percent, Direction: HigherBetter, Aggregation: Ratio,
			Numerator:   count(KindComplaints, "closed_at", eq("escalated", "false")),
			Denominator: []Measure{count(KindComplaints, "closed_at")},
			Target:      target(OpGe, 9, 10),
		},
		{
			ID: "complaint_resolution", NameZH: "投诉解决率", NameEN: "Complaint resolution rate",
			Formula: "complaints resolved / complaints closed",
			Unit:    Percent, Direction: HigherBetter, Aggregation: Ratio,
			Numerator:   count(KindComplaints, "closed_at", eq("resolved", "true")),
			Denominator: []Measure{count(KindComplaints, "closed_at")},
			Target:      target(OpGe, 19, 20),
		},
		{
			ID: "complaint_timeliness", NameZH: "投诉处理及时率", NameEN: "Complaints closed in time",
			Formula: "complaints closed within their class's limit (24/48/72 h) / complaints closed",
			Unit:    Percent, Direction: HigherBetter, Aggregation: Ratio,
			Numerator:   count(KindComplaints, "closed_at", eq("closed_within_class_limit", "true")),
			Denominator: []Measure{count(KindComplaints, "closed_at")},
			Target:      target(OpGe, 19, 20),
		},
		{
			ID: "fcr", NameZH: "一次解决率", NameEN: "First contact resolution",
			Formula: "answered inbound calls resolved at first contact / answered inbound calls",
			Unit:    Percent, Direction: HigherBetter, Aggregation: Ratio,
			Numerator:   count(KindCalls, "queued_at", answeredIn(eq("resolved_first_contact", "true"))...),
			Denominator: []Measure{count(KindCalls, "queued_at", answeredIn()...)},
			Target:      target(OpGe, 9, 10),
		},
		{
			ID: "abandon_rate", NameZH: "电话放弃率", NameEN: "Abandoned calls",
			Formula: "abandoned inbound calls / inbound calls",
			Unit:    Percent, Direction: LowerBetter, Aggregation: Ratio,
			Numerator:   count(KindCalls, "queued_at", eq("direction", "in"), eq("abandoned", "true")),
			Denominator: []Measure{count(KindCalls, "queued_at", eq("direction", "in"))},
			Target:      target(OpLe, 1, 25), Scopes: queueScopes(),
		},
		{
			ID: "asa", NameZH: "平均接听延迟", NameEN: "Average speed of answer",
			Formula: "Σ(answered_at − queued_at) / answered inbound calls",
			Unit:    Seconds, Direction: LowerBetter, Aggregation: Mean,
			Numerator: sum(KindCalls, "queued_at", "answer_delay_seconds", answeredIn()...),
			Target:    target(OpLt, 600, 1),
		},
		{
			ID: "service_level", NameZH: "服务水平", NameEN: "Service level",
			Formula: "inbound calls answered within 20 s / inbound calls, abandoned included",
			Unit:    Percent, Direction: HigherBetter, Aggregation: Ratio,
			Numerator:   count(KindCalls, "queued_at", eq("direction", "in"), eq("answered_within_threshold", "true")),
			Denominator: []Measure{count(KindCalls, "queued_at", eq("direction", "in"))},
			Target:      target(OpGe, 4, 5), Scopes: queueScopes(),
		},
		{
			ID: "hold_share", NameZH: "通话保持时长占比", NameEN: "Hold time share",
			Formula: "Σ hold seconds / Σ(talk + hold seconds), answered calls of both directions",
			Unit:    Percent, Direction: LowerBetter, Aggregation: Ratio,
			Numerator:   sum(KindCalls, "queued_at", "hold_seconds", eq("abandoned", "false")),
			Denominator: []Measure{sum(KindCalls, "queued_at", "talk_plus_hold", eq("abandoned", "false"))},
			Target:      target(OpLe, 1, 10),
		},
		{
			ID: "monitor_rate", NameZH: "电话监听比例", NameEN: "Calls monitored by QA",
			Formula: "inbound calls scored by QA / inbound calls",
			Unit:    Percent, Direction: HigherBetter, Aggregation: Ratio,
			Numerator:   count(KindCalls, "queued_at", eq("direction", "in"), eq("qa_scored", "true")),
			Denominator: []Measure{count(KindCalls, "queued_at", eq("direction", "in"))},
			Target:      target(OpGe, 1, 10),
		},
		{
			ID: "effective_call_rate", NameZH: "有效电话比例", NameEN: "Effective outbound calls",
			Formula: "outbound calls marked effective / outbound calls",
			Unit:    Percent, Direction: HigherBetter, Aggregation: Ratio,
			Numerator:   count(KindCalls, "queued_at", eq("direction", "out"), eq("effective", "true")),
			Denominator: []Measure{count(KindCalls, "queued_at", eq("direction", "out"))},
			Target:      target(OpGe, 49, 50),
		},
		{
			ID: "qa_score", NameZH: "质检得分", NameEN: "QA score",
			Formula: "Σ QA evaluation score / evaluations",
			Unit:    Score, Direction: HigherBetter, Aggregation: Mean,
			Numerator: sum(KindQAEvaluations, "evaluated_at", "score"),
			Target:    target(OpGe, 85, 1),
		},
		{
			ID: "first_response", NameZH: "响应时间", NameEN: "First response time",
			Formula: "Σ(first_response_at − opened_at) / requests with a first response",
			Unit:    Hours, Direction: LowerBetter, Aggregation: Mean,
			Numerator: sum(KindServiceRequests, "opened_at", "first_response_seconds"),
			Target:    target(OpLe, 24*3600, 1),
		},
		{
			ID: "resolution_time", NameZH: "处理时效", NameEN: "Requests resolved within 48 h",
			Formula: "requests resolved within 48 h / requests",
			Unit:    Percent, Direction: HigherBetter, Aggregation: Ratio,
			Numerator:   count(KindServiceRequests, "opened_at", eq("resolved_within_limit", "true")),
			Denominator: []Measure{count(KindServiceRequests, "opened_at")},
			Target:      target(OpGe, 19, 20),
		},
		{
			ID: "return_visit_rate", NameZH: "回访率", NameEN: "Return visits done",
			Formula: "return visits done / return visits planned due in the period",
			Unit:    Percent, Direction: HigherBetter, Aggregation: Ratio,
			Numerator:   count(KindReturnVisitPlans, "planned_date", eq("done", "true")),
			Denominator: []Measure{count(KindReturnVisitPlans, "planned_date")},
			Target:      target(OpGe, 19, 20),
		},
		{
			ID: "return_visit_satisfaction", NameZH: "回访满意度", NameEN: "Return-visit satisfaction",
			Formula: "return visits rated good or fairly good / return visits done",
			Unit:    Percent, Direction: HigherBetter, Aggregation: Ratio,
			Numerator:   count(KindReturnVisits, "done_date", cond("satisfaction_score", OpGe, "4")),
			Denominator: []Measure{count(KindReturnVisits, "done_date")},
			Target:      target(OpGe, 9, 10),
		},
		{
			ID: "weekly_satisfaction_calls", NameZH: "每周满意度回访", NameEN: "Satisfaction contacts per week",
			Formula: "return visits with a satisfaction rating, per employee per week",
			Unit:    Count, Direction: HigherBetter, Aggregation: CountPerPeriod, Per: UnitWeek, PerEmployee: true,
			Numerator: count(KindReturnVisits, "done_date", notNull("satisfaction")),
			Target:    target(OpGe, 10, 1),
		},
		{
			ID: "return_rate", NameZH: "退货率", NameEN: "Return rate",
			Formula: "returned orders / orders",
			Unit:    Percent, Direction: LowerBetter, Aggregation: Ratio,
			Numerator:   count(KindOrders, "ordered_at", eq("returned", "true")),
			Denominator: []Measure{count(KindOrders, "ordered_at")},
		},
		{
			ID: "quote_deviation", NameZH: "报价偏差", NameEN: "Quote deviation",
			Formula: "orders with |final − quote| ≥ 10% of quote / orders with a quote",
			Unit:    Percent, Direction: LowerBetter, Aggregation: Ratio,
			Numerator:   count(KindOrders, "ordered_at", eq("quote_deviation_ge_10pct", "true")),
			Denominator: []Measure{count(KindOrders, "ordered_at", cond("quote_price", OpGt, "0"))},
			Target:      target(OpLe, 0, 1),
		},
		{
			ID: "promise_kept", NameZH: "承诺兑现率", NameEN: "Promises kept",
			Formula: "promises kept / promises due",
			Unit:    Percent, Direction: HigherBetter, Aggregation: Ratio,
			Numerator:   count(KindPromises, "due_date", eq("kept", "true")),
			Denominator: []Measure{count(KindPromises, "due_date")},
			Target:      target(OpGe, 1, 1),
		},
		{
			ID: "same_day_shipping", NameZH: "当天发货率", NameEN: "Shipped the same day",
			Formula: "orders shipped the local day they were received / orders",
			Unit:    Percent, Direction: HigherBetter, Aggregation: Ratio,
			Numerator:   count(KindOrders, "ordered_at", eq("shipped_same_day", "true")),
			Denominator: []Measure{count(KindOrders, "ordered_at")},
			Target:      target(OpGe, 1, 1),
		},
		{
			ID: "in_stock", NameZH: "不缺货率", NameEN: "In stock",
			Formula: "imported fact: items in stock / items",
			Unit:    Percent, Direction: HigherBetter, Aggregation: Fact,
			Target: target(OpGe, 19, 20),
		},
		{
			ID: "checkout_time", NameZH: "结账时间", NameEN: "Checkout time",
			Formula: "imported fact: checkout seconds / customers, shown in minutes",
			Unit:    Minutes, Direction: LowerBetter, Aggregation: Fact,
			Target: target(OpLe, 5*60, 1),
		},
		{
			ID: "contract_precontact", NameZH: "到期前联系", NameEN: "Contacted before expiry",
			Formula: "contracts contacted ≥ 30 days before expiry / contracts expiring",
			Unit:    Percent, Direction: HigherBetter, Aggregation: Ratio,
			Numerator:   count(KindContracts, "expiry_date", eq("contacted_30d_before_expiry", "true")),
			Denominator: []Measure{count(KindContracts, "expiry_date")},
			Target:      target(OpGe, 1, 1),
		},
		{
			ID: "post_purchase_followup", NameZH: "购买后30天回访", NameEN: "Follow-up 30 days after purchase",
			Formula: "orders followed up 28–35 days after / orders",
			Unit:    Percent, Direction: HigherBetter, Aggregation: Ratio,
			Numerator:   count(KindOrders, "ordered_at", eq("followed_up_28_35_days", "true")),
			Denominator: []Measure{count(KindOrders, "ordered_at")},
			Target:      target(OpGe, 1, 1),
		},
		{
			ID: "proposals", NameZH: "改进方案", NameEN: "Improvement proposals",
			Formula: "improvement proposals per year",
			Unit:    Count, Direction: HigherBetter, Aggregation: CountPerPeriod, Per: UnitYear,
			Numerator: count(KindSuggestions, "filed_date", eq("kind", "improvement")),
			Target:    target(OpGe, 2, 1),
		},
		{
			ID: "churn_rate", NameZH: "月流失率", NameEN: "Monthly churn rate",
			Formula: "customers churned in the month / visits in the month N months before (§6)",
			Unit:    Percent, Direction: LowerBetter, Aggregation: Churn,
			Denominator: []Measure{count(KindVisits, "visit_date")},
			Target:      Target{Op: OpLe, Baseline: BaselinePrevious3Mean},
		},
		{
			ID: "period_churn", NameZH: "客户流失率", NameEN: "Customer churn",
			Formula: "customers lost in the period / customers at the start of the period (visits and orders)",
			Unit:    Percent, Direction: LowerBetter, Aggregation: PeriodChurn,
			Denominator: []Measure{count(KindVisits, "visit_date"), count(KindOrders, "ordered_at")},
		},
		{
			ID: "archive_completeness", NameZH: "资料完整率", NameEN: "Customer records complete",
			Formula: "customer records with name, phone and address / customer records",
			Unit:    Percent, Direction: HigherBetter, Aggregation: Snapshot,
			Numerator:   count(KindCustomers, "", notNull("name"), notNull("phone"), notNull("address")),
			Denominator: []Measure{count(KindCustomers, "")},
			Target:      target(OpGe, 1, 1), Scopes: []string{LevelDepartment, LevelOrg},
		},
	}
}

// Lookup returns the catalog KPI with the id.
func Lookup(id string) (Definition, bool) {
	for _, d := range Catalog() {
		if d.ID == id {
			return d, true
		}
	}
	return Definition{}, false
}
