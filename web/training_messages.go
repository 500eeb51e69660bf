package web

// The messages of the training plan pages (training_pages.go), merged into
// the catalog with perfMessages (TestCatalog checks both languages).
var trainingMessages = map[string]map[string]string{
	"zh": {
		"tplan.new": "新建培训计划", "tplan.edit": "修改培训计划 %s", "tplan.edit_link": "修改", "tplan.back": "返回培训", "tplan.back_plan": "返回计划",
		"tplan.id": "计划编号", "tplan.id_hint": "最多 64 个字符，保存后不能修改", "tplan.course": "课程", "tplan.content": "培训内容",
		"tplan.mode": "培训方式", "tplan.trainer": "培训讲师", "tplan.horizon": "计划类型", "tplan.starts": "开始日期", "tplan.ends": "结束日期",
		"tplan.time": "培训时间", "tplan.targets": "针对的考核指标", "tplan.targets_hint": "课程要提升的指标或评分项；培训效果比较参与者在这些项上的得分。",
		"tplan.participants": "参与人员", "tplan.participants_hint": "按班组列出在职员工；已在计划中的员工始终列出。",
		"tplan.date_required": "请填写日期", "tplan.not_date": "“%s”不是日期（格式 YYYY-MM-DD）",
		"tplan.saved": "培训计划已保存。", "tplan.scores": "考试和实操成绩", "tplan.scores_saved": "成绩已保存。",
		"tplan.scores_hint": "每项成绩为 0–100 分，可写小数或分数（如 87.5、175/2）；留空表示不修改。有任何一项填写错误时，全部不保存。",
		"tplan.effect_hint": "每位参与者在培训前最近一个已审批的考核周期与培训后同类型的第一个考核周期中，针对指标的得分对比。",
		"tplan.effect_link": "培训效果", "tplan.scores_link": "录入成绩", "tplan.by_target": "按目标汇总", "tplan.lines": "每位参与者",
	},
	"en": {
		"tplan.new": "New training plan", "tplan.edit": "Edit training plan %s", "tplan.edit_link": "Edit", "tplan.back": "Back to training", "tplan.back_plan": "Back to the plan",
		"tplan.id": "Plan id", "tplan.id_hint": "up to 64 characters; it cannot change once saved", "tplan.course": "Course", "tplan.content": "Content",
		"tplan.mode": "Mode", "tplan.trainer": "Trainer", "tplan.horizon": "Plan type", "tplan.starts": "Starts on", "tplan.ends": "Ends on",
		"tplan.time": "Time", "tplan.targets": "Targeted KPIs", "tplan.targets_hint": "The KPIs or rated items the course aims to improve; the effect compares the participants' points on them.",
		"tplan.participants": "Participants", "tplan.participants_hint": "Employees still employed, by group; anyone already in the plan is always listed.",
		"tplan.date_required": "give the date", "tplan.not_date": "%q is not a date (YYYY-MM-DD)",
		"tplan.saved": "The training plan is saved.", "tplan.scores": "Exam and practical scores", "tplan.scores_saved": "The scores are saved.",
		"tplan.scores_hint": "Each score is 0–100 points, as a decimal or a fraction (87.5, 175/2); leave a field empty to keep it. If any value is wrong, nothing is saved.",
		"tplan.effect_hint": "Each participant's points on the targets in the latest signed-off cycle before the course against the first cycle of the same kind after it.",
		"tplan.effect_link": "Effect", "tplan.scores_link": "Enter scores", "tplan.by_target": "By target", "tplan.lines": "Each participant",
	},
}
