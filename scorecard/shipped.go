package scorecard

// Shipped templates (SPEC §7). Rule thresholds are in each KPI's shown
// unit; a nil target is the KPI's catalog target, so that editing a KPI's
// target moves the 100-point mark with it.
//
// Choices where the seeds name an aim rather than a KPI:
//   - "Response time" (服务响应时间, seed 002) is the catalog's
//     first_response (响应时间: mean hours from a request to its first
//     response, target ≤ 24 h). asa (the call queue's answer delay) is not
//     used: it measures staffing more than the agent.
//   - Back-office support (后台支持人员) is scored "on response time and
//     problem resolution rate" (seed 002): first_response 35% and
//     resolution_time 35% (处理时效: requests resolved within 48 h, the
//     back office's resolution rate), then complaint_resolution 15%
//     (投诉解决率, on a step table) and teamwork 15% (rated).
//   - The after-sales team (seed 001 售后客服绩效考核方案): response speed
//     30% is first_response; problem resolution 30% is resolution_time
//     (requests resolved within 48 h: seed 002 counts "the share solved
//     and how long solving takes"; fcr is not used because it counts
//     calls, and service advisors solve problems through requests and
//     visits, not the phone queue); satisfaction 20% is csat; teamwork
//     20% is a rated item.
//   - Floors (0 points): csat 60%, complaint_rate 10% (target 3%),
//     first_response 72 h (target 24 h), resolution_time 60% (target 95%).
//   - Positions: front-line agent — agent (座席员) and
//     return_visit_specialist (回访专员), who talk to customers all day;
//     back-office support — specialist (专员), qa_inspector, trainer and
//     hr_officer; after-sales team — service_advisor (业务接待), team_lead
//     (座席班长) and supervisor (主管) of the after-sales service centre.
//     Managers (cs_director, cs_manager, call_center_manager,
//     workshop_supervisor, service_manager, golden_bow_tie) have no
//     shipped template: their assessment is the churn assessment (§6) and
//     their own goals; a cycle lists them as having no template.
func ShippedTemplates() []Template {
	n := func(x int64) *Number { v := Int(x); return &v }
	return []Template{
		{
			ID: "front_line_agent", NameZH: "一线客服人员", NameEN: "Front-line agent",
			Positions: []string{"agent", "return_visit_specialist"},
			Items: []Item{
				{KPI: "csat", Weight: Int(50), Rule: Linear(Int(60), nil)},
				{KPI: "complaint_rate", Weight: Int(30), Rule: Linear(Int(10), nil)},
				{KPI: "first_response", Weight: Int(20), Rule: Linear(Int(72), nil)},
			},
			Sources: DefaultSourceWeights(),
			Note:    "seed 002: 客户满意度 50%, 投诉率 30%, 服务响应时间 20% (first_response)",
		},
		{
			ID: "back_office", NameZH: "后台支持人员", NameEN: "Back-office support",
			Positions: []string{"specialist", "qa_inspector", "trainer", "hr_officer"},
			Items: []Item{
				{KPI: "first_response", Weight: Int(35), Rule: Linear(Int(72), nil)},
				{KPI: "resolution_time", Weight: Int(35), Rule: Linear(Int(60), nil)},
				{KPI: "complaint_resolution", Weight: Int(15), Rule: Steps(Int(0),
					Step{At: Int(95), Points: Int(100)}, Step{At: Int(90), Points: Int(80)}, Step{At: Int(80), Points: Int(60)})},
				{ID: "teamwork", NameZH: "团队合作", NameEN: "Teamwork", Weight: Int(15)},
			},
			Sources: DefaultSourceWeights(),
			Note:    "seed 002: 后台支持人员侧重于服务响应时间和问题解决率 (first_response, resolution_time)",
		},
		{
			ID: "after_sales_team", NameZH: "售后服务团队", NameEN: "After-sales service team",
			Positions: []string{"service_advisor", "team_lead", "supervisor"},
			Items: []Item{
				{ID: "response_speed", NameZH: "服务响应速度", NameEN: "Response speed", KPI: "first_response", Weight: Int(30), Rule: Linear(Int(72), nil)},
				{ID: "resolution", NameZH: "问题解决率", NameEN: "Problem resolution", KPI: "resolution_time", Weight: Int(30), Rule: Linear(Int(60), nil)},
				{ID: "satisfaction", NameZH: "客户满意度", NameEN: "Customer satisfaction", KPI: "csat", Weight: Int(20), Rule: Linear(Int(60), n(90))},
				{ID: "teamwork", NameZH: "团队合作能力", NameEN: "Teamwork", Weight: Int(20)},
			},
			Sources: DefaultSourceWeights(),
			Note:    "seed 001 售后客服绩效考核方案: 服务响应速度 30%, 问题解决率 30%, 客户满意度 20%, 团队合作能力 20%",
		},
	}
}
