package csperf

// The registry of record kinds. Column names are the contract of imports,
// exports and the JSON API (issue #2); Chinese aliases are the headers a
// Chinese Excel sheet carries. Order matters: a kind may only reference
// kinds before it, which is also the order a full import must follow.

func str(name, label, labelEn string, aliases ...string) Field {
	return Field{Name: name, Type: TString, Label: label, LabelEn: labelEn, Aliases: aliases}
}

func req(f Field) Field { f.Required = true; return f }

func ref(name, kind, label, labelEn string, aliases ...string) Field {
	return Field{Name: name, Type: TRef, Ref: kind, Label: label, LabelEn: labelEn, Aliases: aliases}
}

func typed(t FieldType, name, label, labelEn string, aliases ...string) Field {
	return Field{Name: name, Type: t, Label: label, LabelEn: labelEn, Aliases: aliases}
}

func enum(name, label, labelEn string, codes []string, zh map[string]string, aliases ...string) Field {
	return Field{Name: name, Type: TEnum, Enum: codes, EnumAliases: zh, Label: label, LabelEn: labelEn, Aliases: aliases}
}

func withDefault(f Field, v string) Field { f.Default = v; return f }

func pii(p PII, f Field) Field { f.PII = p; return f }

func intRange(f Field, lo, hi int64) Field { f.Type = TInt; f.Min, f.Max = lo, hi; return f }

// Satisfaction levels of the seed 004 questionnaire: 满意 5 … 非常不满意 1.
var level5 = map[string]string{"满意": "5", "比较满意": "4", "一般": "3", "不满意": "2", "非常不满意": "1"}

func score5(name, label, labelEn string, aliases ...string) Field {
	return Field{Name: name, Type: TEnum, Enum: []string{"1", "2", "3", "4", "5"}, EnumAliases: level5,
		Label: label, LabelEn: labelEn, Aliases: aliases}
}

// SurveyItems are the seed 004 questionnaire's items, in form order.
var SurveyItems = []Field{
	score5("product_function", "产品功能", "Product function", "功能"),
	score5("product_quality", "产品质量", "Product quality", "质量"),
	score5("product_price", "产品价格", "Product price", "价格"),
	score5("product_packaging", "产品包装", "Packaging", "包装"),
	score5("service_attitude", "服务态度", "Service attitude"),
	score5("service_responsibility", "责任心", "Responsibility", "服务责任心"),
	score5("service_efficiency", "服务效率", "Efficiency", "效率"),
	score5("technical_skill", "技术水平", "Technical skill", "技术"),
	score5("complaint_handling", "投诉处理", "Complaint handling"),
	score5("repair_quality", "维修质量", "Repair quality"),
	score5("fault_resolution", "故障解决", "Fault resolution", "故障排除"),
}

// Positions are the spec's position codes (SPEC §1) with Chinese and English
// names and role family; they are seeded by the first migration.
var Positions = []struct{ Code, NameZH, NameEN, Family string }{
	{"cs_director", "客户服务总监", "Customer service director", "manager"},
	{"cs_manager", "客户服务部经理", "Customer service manager", "manager"},
	{"supervisor", "主管", "Supervisor", "supervisor"},
	{"specialist", "专员", "Specialist", "staff"},
	{"call_center_manager", "呼叫中心经理", "Call centre manager", "manager"},
	{"team_lead", "座席班长", "Team lead", "supervisor"},
	{"agent", "座席员", "Agent", "agent"},
	{"qa_inspector", "质检员", "QA inspector", "qa"},
	{"trainer", "培训师", "Trainer", "staff"},
	{"service_advisor", "业务接待", "Service advisor", "agent"},
	{"workshop_supervisor", "车间主管", "Workshop supervisor", "manager"},
	{"service_manager", "服务经理", "Service manager", "manager"},
	{"golden_bow_tie", "金领结", "Golden bow tie (customer relations lead)", "manager"},
	{"return_visit_specialist", "回访专员", "Return-visit specialist", "agent"},
	{"hr_officer", "人事专员", "HR officer", "hr"},
}

// Kinds lists every record kind, referenced kinds first.
var Kinds = []*Kind{
	{Name: "departments", Table: "departments", Key: []string{"department_id"}, Label: "部门", LabelEn: "Departments",
		Fields: []Field{
			req(str("department_id", "部门编号", "Department ID", "部门编码")),
			req(str("name", "部门名称", "Name", "名称")),
		}},
	{Name: "positions", Table: "positions", Key: []string{"position_id"}, Label: "岗位", LabelEn: "Positions",
		Fields: []Field{
			req(str("position_id", "岗位代码", "Position code", "岗位编号")),
			req(str("name_zh", "岗位名称", "Chinese name", "名称")),
			str("name_en", "英文名称", "English name"),
			enum("family", "岗位族", "Role family", []string{"manager", "supervisor", "agent", "qa", "staff", "hr"}, nil),
		}},
	{Name: "groups", Table: "groups_", Key: []string{"group_id"}, Label: "班组", LabelEn: "Groups",
		Fields: []Field{
			req(str("group_id", "组编号", "Group ID", "班组编号", "组别编号")),
			req(str("name", "组名称", "Name", "班组名称", "组名")),
			withDefault(ref("department_id", "departments", "部门编号", "Department"), "main"),
			enum("group_type", "组类型", "Type", []string{"advisor", "call_center", "other"},
				map[string]string{"业务接待组": "advisor", "业待组": "advisor", "座席班": "call_center", "其他": "other"}, "类型"),
		}},
	{Name: "employees", Table: "employees", Key: []string{"employee_id"}, Label: "员工", LabelEn: "Employees",
		Fields: []Field{
			req(str("employee_id", "工号", "Employee ID", "员工编号", "员工号")),
			req(str("name", "姓名", "Name", "员工姓名")),
			req(ref("position", "positions", "岗位", "Position", "岗位代码")),
			ref("group_id", "groups", "组编号", "Group", "班组编号"),
			withDefault(ref("department_id", "departments", "部门编号", "Department"), "main"),
			typed(TDate, "hire_date", "入职日期", "Hire date"),
			typed(TDate, "leave_date", "离职日期", "Leave date"),
			ref("supervisor_id", "employees", "上级工号", "Supervisor"),
			pii(PIIPhone, str("phone", "联系电话", "Phone", "电话", "手机号")),
			pii(PIIEmail, str("email", "电子邮箱", "Email", "邮箱")),
			typed(TMoney, "bonus_base", "奖金基数", "Bonus base"),
		}},
	{Name: "memberships", Table: "memberships", Key: []string{"employee_id", "from_date"}, Label: "班组归属", LabelEn: "Group memberships",
		Fields: []Field{
			req(ref("employee_id", "employees", "工号", "Employee", "员工编号")),
			req(ref("group_id", "groups", "组编号", "Group", "班组编号")),
			req(typed(TDate, "from_date", "起始日期", "From", "开始日期")),
			typed(TDate, "to_date", "截止日期", "To (inclusive)", "结束日期"),
		}},
	{Name: "coverage", Table: "coverage", Key: []string{"specialist_id", "advisor_id", "from_date"}, Label: "回访覆盖", LabelEn: "Return-visit coverage",
		Fields: []Field{
			req(ref("specialist_id", "employees", "回访专员编号", "Return-visit specialist", "回访员编号")),
			req(ref("advisor_id", "employees", "业务接待编号", "Advisor", "接待员编号")),
			withDefault(typed(TDate, "from_date", "起始日期", "From", "开始日期"), "1900-01-01"),
			typed(TDate, "to_date", "截止日期", "To (inclusive)", "结束日期"),
		}},
	{Name: "customers", Table: "customers", Key: []string{"customer_id"}, Label: "客户", LabelEn: "Customers",
		Fields: []Field{
			req(str("customer_id", "客户编号", "Customer ID", "客户号")),
			req(str("name", "客户姓名", "Name", "姓名", "客户名称")),
			pii(PIIPhone, str("phone", "联系电话", "Phone", "电话", "手机号", "手机")),
			pii(PIIEmail, str("email", "电子邮箱", "Email", "邮箱")),
			pii(PIIAddress, str("address", "地址", "Address", "联系地址")),
			str("company", "单位", "Company", "公司", "工作单位"),
			pii(PIIIDNumber, str("id_number", "身份证号", "ID number", "身份证号码")),
			str("region", "地区", "Region", "区域"),
			enum("tier", "客户分层", "Tier", []string{"important", "general", "potential"},
				map[string]string{"重要客户": "important", "一般客户": "general", "潜在客户": "potential"}, "客户类别"),
			typed(TBool, "key_account", "大客户", "Key account", "是否大客户"),
			enum("credit_grade", "信用等级", "Credit grade", []string{"A", "B", "C", "D"}, nil),
			typed(TDate, "consent_date", "授权日期", "Consent date", "同意日期"),
			str("notes", "备注", "Notes"),
		}},
	{Name: "visits", Table: "visits", Key: []string{"visit_id"}, Label: "进站记录", LabelEn: "Visits",
		Fields: []Field{
			req(str("visit_id", "工单号", "Visit ID", "进站编号", "维修工单号")),
			req(ref("customer_id", "customers", "客户编号", "Customer")),
			req(ref("advisor_id", "employees", "业务接待编号", "Advisor", "接待员编号")),
			req(typed(TDate, "visit_date", "进站日期", "Visit date", "维修日期", "接车日期")),
			str("service_type", "维修类型", "Service type", "服务类型"),
			typed(TMoney, "amount", "结算金额", "Amount", "金额"),
		}},
	{Name: "calls", Table: "calls", Key: []string{"call_id"}, Label: "电话", LabelEn: "Calls",
		Fields: []Field{
			req(str("call_id", "通话编号", "Call ID", "电话编号")),
			ref("agent_id", "employees", "座席工号", "Agent", "座席员编号", "工号"),
			ref("customer_id", "customers", "客户编号", "Customer"),
			ref("group_id", "groups", "队列组编号", "Queue group", "组编号"),
			req(enum("direction", "呼叫方向", "Direction", []string{"in", "out"},
				map[string]string{"呼入": "in", "呼出": "out", "inbound": "in", "outbound": "out"}, "方向")),
			req(typed(TTime, "queued_at", "进入队列时间", "Queued at", "排队时间", "呼入时间")),
			typed(TTime, "answered_at", "接听时间", "Answered at", "应答时间"),
			typed(TTime, "ended_at", "结束时间", "Ended at", "挂机时间"),
			intRange(str("talk_seconds", "通话秒数", "Talk seconds", "通话时长"), 0, 1<<31),
			intRange(str("hold_seconds", "保持秒数", "Hold seconds", "保持时长"), 0, 1<<31),
			typed(TBool, "abandoned", "放弃", "Abandoned", "是否放弃"),
			typed(TBool, "effective", "有效电话", "Effective", "是否有效"),
			typed(TBool, "resolved_first_contact", "一次解决", "Resolved at first contact", "是否一次解决"),
		}},
	{Name: "qa_evaluations", Table: "qa_evaluations", Key: []string{"evaluation_id"}, Label: "质检评分", LabelEn: "QA evaluations",
		Fields: []Field{
			req(str("evaluation_id", "质检编号", "Evaluation ID")),
			req(ref("call_id", "calls", "通话编号", "Call")),
			req(ref("inspector_id", "employees", "质检员工号", "Inspector", "质检员编号")),
			req(typed(TTime, "evaluated_at", "质检时间", "Evaluated at")),
			req(intRange(str("score", "质检得分", "Score", "得分"), 0, 100)),
			intRange(str("etiquette", "电话礼仪", "Etiquette"), 0, 100),
			intRange(str("accuracy", "准确性", "Accuracy"), 0, 100),
			intRange(str("solution", "解决方案", "Solution"), 0, 100),
			intRange(str("compliance", "合规", "Compliance"), 0, 100),
			str("comment", "评语", "Comment"),
		}},
	{Name: "service_requests", Table: "service_requests", Key: []string{"request_id"}, Label: "服务请求", LabelEn: "Service requests",
		Fields: []Field{
			req(str("request_id", "请求编号", "Request ID", "服务请求编号")),
			ref("customer_id", "customers", "客户编号", "Customer"),
			ref("employee_id", "employees", "负责人工号", "Employee", "员工编号", "工号"),
			enum("channel", "渠道", "Channel", []string{"phone", "email", "chat", "social", "walk_in"},
				map[string]string{"电话": "phone", "邮件": "email", "电子邮件": "email", "在线": "chat", "在线聊天": "chat", "社交媒体": "social", "到店": "walk_in", "上门": "walk_in"}),
			str("category", "类别", "Category", "分类"),
			req(typed(TTime, "opened_at", "受理时间", "Opened at", "请求时间")),
			typed(TTime, "first_response_at", "首次响应时间", "First response at", "响应时间"),
			typed(TTime, "resolved_at", "解决时间", "Resolved at"),
			typed(TBool, "resolved_first_visit", "首次上门解决", "Resolved at first visit"),
		}},
	{Name: "complaints", Table: "complaints", Key: []string{"complaint_id"}, Label: "投诉", LabelEn: "Complaints",
		Fields: []Field{
			req(str("complaint_id", "投诉编号", "Complaint ID")),
			ref("customer_id", "customers", "客户编号", "Customer"),
			ref("employee_id", "employees", "责任人工号", "Responsible employee", "员工编号", "工号"),
			req(enum("class", "投诉类别", "Class", []string{"1", "2", "3"},
				map[string]string{"一类": "1", "二类": "2", "三类": "3", "一类责任投诉": "1", "二类责任投诉": "2", "三类责任投诉": "3"}, "类别", "定性")),
			enum("channel", "投诉渠道", "Channel", []string{"phone", "email", "chat", "social", "walk_in", "letter"},
				map[string]string{"电话": "phone", "邮件": "email", "在线": "chat", "社交媒体": "social", "到店": "walk_in", "信函": "letter"}),
			str("cause", "投诉原因", "Cause", "原因"),
			str("description", "投诉内容", "Description", "内容"),
			req(typed(TTime, "opened_at", "投诉时间", "Opened at", "受理时间")),
			typed(TTime, "closed_at", "结案时间", "Closed at", "关闭时间"),
			enum("status", "状态", "Status", []string{"registered", "accepted", "in_progress", "resolved", "unresolvable", "return_visited", "closed"},
				map[string]string{"已登记": "registered", "已受理": "accepted", "处理中": "in_progress", "已解决": "resolved", "无法解决": "unresolvable", "已回访": "return_visited", "已结案": "closed"}),
			typed(TBool, "escalated", "升级", "Escalated", "是否升级"),
			enum("escalated_to", "升级至", "Escalated to", []string{"supervisor", "manager"}, map[string]string{"主管": "supervisor", "经理": "manager"}),
			typed(TBool, "resolved", "已解决", "Resolved", "是否解决"),
			typed(TBool, "skip_level", "越级投诉", "Skipped levels"),
			typed(TBool, "order_cancelled", "导致取消订单", "Order cancelled"),
			str("unresolvable_reason", "无法解决原因", "Reason unresolvable"),
		}},
	{Name: "return_visit_plans", Table: "return_visit_plans", Key: []string{"plan_id"}, Label: "回访计划", LabelEn: "Return-visit plans",
		Fields: []Field{
			req(str("plan_id", "计划编号", "Plan ID")),
			req(ref("customer_id", "customers", "客户编号", "Customer")),
			req(ref("specialist_id", "employees", "回访专员编号", "Specialist", "回访员编号")),
			req(typed(TDate, "planned_date", "计划日期", "Planned date")),
			str("purpose", "回访目的", "Purpose", "目的"),
			enum("mode", "回访方式", "Mode", []string{"phone", "email", "face_to_face"}, map[string]string{"电话": "phone", "邮件": "email", "面访": "face_to_face", "上门": "face_to_face"}, "方式"),
			typed(TMoney, "planned_cost", "计划费用", "Planned cost", "费用"),
		}},
	{Name: "return_visits", Table: "return_visits", Key: []string{"return_visit_id"}, Label: "回访记录", LabelEn: "Return visits",
		Fields: []Field{
			req(str("return_visit_id", "回访编号", "Return visit ID")),
			ref("plan_id", "return_visit_plans", "计划编号", "Plan"),
			req(ref("customer_id", "customers", "客户编号", "Customer")),
			req(ref("specialist_id", "employees", "回访专员编号", "Specialist", "回访员编号")),
			req(typed(TDate, "done_date", "回访日期", "Done on", "完成日期")),
			enum("satisfaction", "满意程度", "Satisfaction", []string{"good", "fairly_good", "average", "poor", "very_poor"},
				map[string]string{"好": "good", "较好": "fairly_good", "一般": "average", "差": "poor", "很差": "very_poor"}, "满意度"),
			str("opinions", "客户意见", "Opinions", "意见"),
			str("actions", "处理措施", "Actions", "措施"),
			ref("reviewed_by", "employees", "审核人工号", "Reviewed by"),
			str("churn_reason", "流失原因", "Churn reason"),
		}},
	{Name: "surveys", Table: "surveys", Key: []string{"survey_id"}, Label: "满意度调查", LabelEn: "Satisfaction surveys",
		Fields: append(append([]Field{
			req(str("survey_id", "问卷编号", "Survey ID", "调查编号")),
			ref("customer_id", "customers", "客户编号", "Customer"),
			ref("employee_id", "employees", "员工编号", "Employee", "工号", "服务人员编号"),
			req(typed(TTime, "answered_at", "填写时间", "Answered at", "调查时间")),
			score5("overall", "总体满意度", "Overall", "总体评价", "综合满意度"),
		}, SurveyItems...),
			str("suggestions", "改进建议", "Suggestions", "建议")),
	},
	{Name: "contracts", Table: "contracts", Key: []string{"contract_id"}, Label: "合同", LabelEn: "Contracts",
		Fields: []Field{
			req(str("contract_id", "合同编号", "Contract ID")),
			req(ref("customer_id", "customers", "客户编号", "Customer")),
			ref("employee_id", "employees", "负责人工号", "Employee", "员工编号", "工号"),
			req(typed(TDate, "start_date", "开始日期", "Start date", "生效日期")),
			req(typed(TDate, "expiry_date", "到期日期", "Expiry date", "截止日期")),
			typed(TBool, "renewed", "是否续签", "Renewed", "续签"),
			typed(TTime, "contacted_at", "到期前联系时间", "Contacted at", "联系时间"),
			str("termination_reason", "终止原因", "Reason for non-renewal", "未续签原因"),
		}},
	{Name: "orders", Table: "orders", Key: []string{"order_id"}, Label: "订单", LabelEn: "Orders",
		Fields: []Field{
			req(str("order_id", "订单编号", "Order ID", "订单号")),
			req(ref("customer_id", "customers", "客户编号", "Customer")),
			ref("employee_id", "employees", "员工编号", "Employee", "工号"),
			req(typed(TTime, "ordered_at", "下单时间", "Ordered at", "订单日期")),
			str("product", "产品", "Product"),
			typed(TMoney, "quote_price", "报价", "Quote price"),
			typed(TMoney, "final_price", "成交价", "Final price", "最终价格"),
			typed(TTime, "shipped_at", "发货时间", "Shipped at"),
			typed(TBool, "returned", "是否退货", "Returned", "退货"),
			typed(TDate, "returned_date", "退货日期", "Returned on"),
			typed(TBool, "cancelled_for_complaint", "因投诉取消", "Cancelled after a complaint"),
			typed(TTime, "followed_up_at", "购买后回访时间", "Followed up at"),
		}},
	{Name: "promises", Table: "promises", Key: []string{"promise_id"}, Label: "服务承诺", LabelEn: "Promises",
		Fields: []Field{
			req(str("promise_id", "承诺编号", "Promise ID")),
			ref("customer_id", "customers", "客户编号", "Customer"),
			req(ref("employee_id", "employees", "员工编号", "Employee", "工号")),
			req(typed(TDate, "due_date", "承诺日期", "Due date")),
			typed(TBool, "kept", "是否兑现", "Kept"),
			str("content", "承诺内容", "Content"),
		}},
	{Name: "change_requests", Table: "change_requests", Key: []string{"request_id"}, Label: "更换服务人员请求", LabelEn: "Requests to change the serving employee",
		Fields: []Field{
			req(str("request_id", "请求编号", "Request ID")),
			ref("customer_id", "customers", "客户编号", "Customer"),
			req(ref("employee_id", "employees", "被更换员工编号", "Employee", "员工编号")),
			req(typed(TTime, "requested_at", "请求时间", "Requested at")),
			str("reason", "原因", "Reason"),
		}},
	{Name: "proposals", Table: "proposals", Key: []string{"proposal_id"}, Label: "客户提案", LabelEn: "Customer proposals",
		Fields: []Field{
			req(str("proposal_id", "提案编号", "Proposal ID")),
			ref("customer_id", "customers", "客户编号", "Customer"),
			ref("employee_id", "employees", "受理人工号", "Handled by"),
			req(str("title", "提案名称", "Title", "标题")),
			req(typed(TDate, "filed_date", "提案日期", "Filed on")),
			intRange(str("economic_benefit", "经济效益", "Economic benefit (50%)"), 0, 100),
			intRange(str("completeness", "完整性", "Completeness (10%)"), 0, 100),
			intRange(str("creativity", "创造性", "Creativity (10%)"), 0, 100),
			intRange(str("scope", "适用范围", "Scope (10%)"), 0, 100),
			intRange(str("research_time", "研究时间", "Research time (10%)"), 0, 100),
			intRange(str("improvement_cost", "改进费用", "Improvement cost (10%)"), 0, 100),
			enum("status", "状态", "Status", []string{"filed", "reviewed", "implemented", "rejected"},
				map[string]string{"已提交": "filed", "已评审": "reviewed", "已实施": "implemented", "未采纳": "rejected"}),
			typed(TMoney, "award", "奖励金额", "Award"),
		}},
	{Name: "suggestions", Table: "suggestions", Key: []string{"suggestion_id"}, Label: "员工建议", LabelEn: "Employee suggestions",
		Fields: []Field{
			req(str("suggestion_id", "建议编号", "Suggestion ID")),
			req(ref("employee_id", "employees", "员工编号", "Employee", "工号")),
			req(typed(TDate, "filed_date", "提交日期", "Filed on")),
			req(enum("kind", "类型", "Kind", []string{"suggestion", "improvement", "competitor_review"},
				map[string]string{"建议": "suggestion", "改进方案": "improvement", "竞争对手服务评估": "competitor_review"})),
			req(str("title", "标题", "Title")),
			str("content", "内容", "Content"),
			enum("status", "状态", "Status", []string{"open", "adopted", "rejected"}, map[string]string{"待处理": "open", "已采纳": "adopted", "未采纳": "rejected"}),
		}},
	{Name: "kpi_facts", Table: "kpi_facts", Key: []string{"kpi_id", "scope", "scope_id", "period_start"}, Label: "指标事实", LabelEn: "KPI facts",
		Fields: []Field{
			req(str("kpi_id", "指标编号", "KPI")),
			req(enum("scope", "范围", "Scope", []string{"employee", "group", "department", "org"},
				map[string]string{"员工": "employee", "班组": "group", "部门": "department", "全公司": "org"})),
			req(str("scope_id", "范围编号", "Scope ID")),
			req(typed(TDate, "period_start", "开始日期", "Period start")),
			req(typed(TDate, "period_end", "结束日期", "Period end")),
			req(typed(TInt, "numerator", "分子", "Numerator")),
			req(typed(TInt, "denominator", "分母", "Denominator")),
		}},
}

// KindByName returns the kind named name (its import/export name), or nil.
func KindByName(name string) *Kind {
	for _, k := range Kinds {
		if k.Name == name {
			return k
		}
	}
	return nil
}
