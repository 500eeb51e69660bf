package web

// The messages of the survey links and the public survey form, merged
// into the catalog (TestCatalog checks both languages).
var surveyMessages = map[string]map[string]string{
	"zh": {
		"nav.survey_links": "调查链接",
		"survey.title":     "客户满意度调查", "survey.intro": "感谢您选择我们的服务。请对以下各项作出评价（带 * 的为必答），您的意见将帮助我们改进。",
		"survey.product": "产品", "survey.service": "服务", "survey.overall_section": "总体评价",
		"survey.level.5": "满意", "survey.level.4": "比较满意", "survey.level.3": "一般", "survey.level.2": "不满意", "survey.level.1": "非常不满意",
		"survey.suggestions": "改进建议", "survey.submit": "提交",
		"survey.required": "请选择一项。", "survey.bad_level": "请从五个等级中选择一项。", "survey.too_long": "最多 %d 个字。",
		"survey.fix":      "请检查标出的项目。",
		"survey.thanks":   "问卷已提交，感谢您的宝贵意见！",
		"survey.answered": "此问卷已经填写过了，感谢您的参与。",
		"survey.gone":     "此调查链接无效或已过期。如需评价，请联系为您服务的客服人员。",
		"survey.links":    "满意度调查链接", "survey.make": "生成调查链接",
		"survey.make_hint":   "为一次客户接触（进站、电话、服务请求或投诉）生成链接，客户和负责员工取自该记录；或直接填写客户编号（及员工编号）。链接只能使用一次。",
		"survey.source_kind": "接触类型", "survey.no_source": "（无，直接填写客户）", "survey.source_id": "记录编号",
		"survey.customer": "客户编号", "survey.employee": "员工编号", "survey.make_button": "生成链接",
		"survey.link_made": "调查链接已生成。请把下面的地址发给客户：", "survey.link_once": "此地址只显示这一次，有效期至 %s。",
		"survey.status.open": "待填写", "survey.status.answered": "已填写", "survey.status.expired": "已过期",
		"survey.state": "状态", "survey.source": "接触记录", "survey.created": "生成", "survey.expires": "有效期至",
		"survey.answered_at": "填写时间", "survey.survey": "问卷", "survey.total": "共 %d 条",
		"survey.send": "发送满意度调查",
	},
	"en": {
		"nav.survey_links": "Survey links",
		"survey.title":     "Customer satisfaction survey", "survey.intro": "Thank you for choosing our service. Please rate each item (those marked * are required); your answers help us improve.",
		"survey.product": "Product", "survey.service": "Service", "survey.overall_section": "Overall",
		"survey.level.5": "Satisfied", "survey.level.4": "Fairly satisfied", "survey.level.3": "Neutral", "survey.level.2": "Dissatisfied", "survey.level.1": "Very dissatisfied",
		"survey.suggestions": "Suggestions for improvement", "survey.submit": "Submit",
		"survey.required": "Please choose one.", "survey.bad_level": "Please choose one of the five levels.", "survey.too_long": "At most %d characters.",
		"survey.fix":      "Please check the marked items.",
		"survey.thanks":   "Your answers are in. Thank you for your feedback!",
		"survey.answered": "This survey has been answered already. Thank you for taking part.",
		"survey.gone":     "This survey link is not valid or has expired. To give your opinion, please contact the staff who served you.",
		"survey.links":    "Satisfaction survey links", "survey.make": "Make a survey link",
		"survey.make_hint":   "Make a link for a customer contact (visit, call, service request or complaint), which gives the customer and the employee; or give a customer id (and an employee id). A link can be used once.",
		"survey.source_kind": "Contact", "survey.no_source": "(none: give the customer)", "survey.source_id": "Record id",
		"survey.customer": "Customer id", "survey.employee": "Employee id", "survey.make_button": "Make link",
		"survey.link_made": "The survey link is ready. Send this address to the customer:", "survey.link_once": "The address is shown this once; it is valid until %s.",
		"survey.status.open": "Open", "survey.status.answered": "Answered", "survey.status.expired": "Expired",
		"survey.state": "State", "survey.source": "Contact", "survey.created": "Made", "survey.expires": "Valid until",
		"survey.answered_at": "Answered", "survey.survey": "Survey", "survey.total": "%d in all",
		"survey.send": "Send satisfaction survey",
	},
}

func init() {
	for lang, m := range surveyMessages {
		for k, v := range m {
			catalog[lang][k] = v
		}
	}
}
