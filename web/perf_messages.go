package web

// The messages of the KPI, goal, alert and cycle pages, merged into the
// catalog (TestCatalog checks both languages).
var perfMessages = map[string]map[string]string{
	"zh": {
		"nav.kpis": "指标", "nav.goals": "目标", "nav.alerts": "预警", "nav.cycles": "考核周期",
		"kpis.title": "指标查询", "kpis.kpis": "指标", "kpis.kpi": "指标", "kpis.scope": "范围", "kpis.id": "编号", "kpis.period": "期间",
		"kpis.by": "按…拆分", "kpis.show": "查看", "kpis.trend": "趋势", "kpis.value": "数值", "kpis.target": "目标值", "kpis.met": "达标",
		"kpis.met_yes": "达标", "kpis.met_no": "未达标", "kpis.previous": "上期", "kpis.change": "变化",
		"kpis.export_csv": "导出 CSV", "kpis.export_xlsx": "导出 Excel", "kpis.export_pdf": "导出 PDF",
		"kpis.level.employee": "员工", "kpis.level.group": "班组", "kpis.level.department": "部门", "kpis.level.org": "全公司",
		"kpis.unit.none": "不拆分", "kpis.unit.day": "日", "kpis.unit.week": "周", "kpis.unit.month": "月", "kpis.unit.quarter": "季度", "kpis.unit.year": "年",
		"kpis.tiles": "关键指标（%s）", "kpis.drill": "明细", "kpis.vs_previous": "较上期",
		"alerts.title": "预警", "alerts.all": "全部", "alerts.open_only": "仅未确认", "alerts.created": "时间", "alerts.reference": "比较基准",
		"alerts.message": "说明", "alerts.state": "状态", "alerts.goal": "目标", "alerts.acknowledged": "已确认", "alerts.ack": "确认", "alerts.open": "未确认",
		"goals.title": "改进目标", "goals.goal": "目标", "goals.start": "开始", "goals.deadline": "截止", "goals.owner": "负责人",
		"goals.baseline": "基线", "goals.actual": "实际", "goals.achievement": "完成度", "goals.expected": "预期", "goals.actions": "行动计划",
		"goals.overdue": "%d 项逾期", "goals.action": "行动", "goals.responsible": "责任人", "goals.due": "期限", "goals.done": "完成",
		"goals.status.not_started": "未开始", "goals.status.on_track": "进展正常", "goals.status.at_risk": "有风险", "goals.status.missed": "未达成", "goals.status.achieved": "已达成",
		"cycles.title": "考核周期", "cycles.cycle": "周期", "cycles.kind": "类型", "cycles.state": "状态", "cycles.members": "人数",
		"cycles.open_objections": "待答复申诉", "cycles.computed_by": "计算人", "cycles.approved_by": "审批人", "cycles.scored": "已评分",
		"cycles.mean": "平均分", "cycles.bonus_total": "奖金合计", "cycles.missing": "缺少数据", "cycles.approve": "审批通过",
		"cycles.confirm_approve": "确认审批通过这些考核结果？", "cycles.results": "考核结果", "cycles.employee": "员工", "cycles.score": "得分",
		"cycles.grade": "等级", "cycles.bonus": "奖金", "cycles.objections": "申诉", "cycles.objection": "申诉内容", "cycles.filed_at": "提出时间",
		"cycles.answer": "答复", "cycles.your_objection": "对本人结果的申诉", "cycles.file": "提交申诉", "cycles.filed": "申诉已提交。",
		"cycles.grade_rule": "等级规则", "cycles.bonus_rule": "奖金规则", "cycles.explanation": "得分说明", "cycles.item": "考核项",
		"cycles.rule": "规则", "cycles.applied": "计算过程",
	},
	"en": {
		"nav.kpis": "KPIs", "nav.goals": "Goals", "nav.alerts": "Alerts", "nav.cycles": "Appraisal cycles",
		"kpis.title": "KPI explorer", "kpis.kpis": "KPIs", "kpis.kpi": "KPI", "kpis.scope": "Scope", "kpis.id": "Id", "kpis.period": "Period",
		"kpis.by": "Split by", "kpis.show": "Show", "kpis.trend": "Trend", "kpis.value": "Value", "kpis.target": "Target", "kpis.met": "Met",
		"kpis.met_yes": "met", "kpis.met_no": "missed", "kpis.previous": "Previous", "kpis.change": "Change",
		"kpis.export_csv": "Export CSV", "kpis.export_xlsx": "Export Excel", "kpis.export_pdf": "Export PDF",
		"kpis.level.employee": "Employee", "kpis.level.group": "Group", "kpis.level.department": "Department", "kpis.level.org": "Organisation",
		"kpis.unit.none": "no split", "kpis.unit.day": "day", "kpis.unit.week": "week", "kpis.unit.month": "month", "kpis.unit.quarter": "quarter", "kpis.unit.year": "year",
		"kpis.tiles": "Key KPIs (%s)", "kpis.drill": "records", "kpis.vs_previous": "vs previous",
		"alerts.title": "Alerts", "alerts.all": "All", "alerts.open_only": "Open only", "alerts.created": "Raised", "alerts.reference": "Compared with",
		"alerts.message": "Message", "alerts.state": "State", "alerts.goal": "goal", "alerts.acknowledged": "acknowledged", "alerts.ack": "Acknowledge", "alerts.open": "open",
		"goals.title": "Improvement goals", "goals.goal": "Goal", "goals.start": "Start", "goals.deadline": "Deadline", "goals.owner": "Owner",
		"goals.baseline": "Baseline", "goals.actual": "Actual", "goals.achievement": "Achievement", "goals.expected": "expected", "goals.actions": "Action plan",
		"goals.overdue": "%d overdue", "goals.action": "Action", "goals.responsible": "Responsible", "goals.due": "Due", "goals.done": "Done",
		"goals.status.not_started": "not started", "goals.status.on_track": "on track", "goals.status.at_risk": "at risk", "goals.status.missed": "missed", "goals.status.achieved": "achieved",
		"cycles.title": "Appraisal cycles", "cycles.cycle": "Cycle", "cycles.kind": "Kind", "cycles.state": "State", "cycles.members": "Members",
		"cycles.open_objections": "Open objections", "cycles.computed_by": "Computed by", "cycles.approved_by": "Approved by", "cycles.scored": "Scored",
		"cycles.mean": "Mean score", "cycles.bonus_total": "Bonus total", "cycles.missing": "Missing inputs", "cycles.approve": "Approve",
		"cycles.confirm_approve": "Sign these results off?", "cycles.results": "Results", "cycles.employee": "Employee", "cycles.score": "Score",
		"cycles.grade": "Grade", "cycles.bonus": "Bonus", "cycles.objections": "Objections", "cycles.objection": "Objection", "cycles.filed_at": "Filed",
		"cycles.answer": "Answer", "cycles.your_objection": "Object to your result", "cycles.file": "File objection", "cycles.filed": "Your objection is filed.",
		"cycles.grade_rule": "Grade rule", "cycles.bonus_rule": "Bonus rule", "cycles.explanation": "How the score was reached", "cycles.item": "Item",
		"cycles.rule": "Rule", "cycles.applied": "Applied",
	},
}

func init() {
	for _, msgs := range []map[string]map[string]string{perfMessages, cycleMessages, trainingMessages} {
		for lang, m := range msgs {
			for k, v := range m {
				catalog[lang][k] = v
			}
		}
	}
}
