package web

import (
	"regexp"
	"strings"

	"csperf"
)

// The store, the importer and the password policy speak English, the
// language of logs, the API and the command line. Pages in Chinese show
// their messages in Chinese through the rules below; a message no rule
// knows is shown as it is. The API always answers in English.

type rule struct {
	re *regexp.Regexp
	zh string
}

func r(pattern, zh string) rule { return rule{regexp.MustCompile(pattern), zh} }

var zhRules = []rule{
	r(`^is required$`, `必填`),
	r(`^(\w+) is before (\w+)$`, `${1} 早于 ${2}`),
	r(`^"(.*)" is not a date \(want YYYY-MM-DD\)$`, `“${1}”不是日期（格式 YYYY-MM-DD）`),
	r(`^"(.*)" has a date but no time.*$`, `“${1}”缺少时间（格式 YYYY-MM-DD HH:MM[:SS]）`),
	r(`^"(.*)" is not a date and time.*$`, `“${1}”不是日期时间（格式 YYYY-MM-DD HH:MM[:SS]）`),
	r(`^"(.*)" is not a time.*$`, `“${1}”不是日期时间（格式 YYYY-MM-DD HH:MM[:SS]）`),
	r(`^"(.*)" is not a whole number$`, `“${1}”不是整数`),
	r(`^"(.*)" is not a number$`, `“${1}”不是数字`),
	r(`^"(.*)" is not an amount in yuan.*$`, `“${1}”不是金额（元，最多两位小数）`),
	r(`^"(.*)" is too large an amount$`, `“${1}”金额过大`),
	r(`^"(.*)" is not one of (.*)$`, `“${1}”不是可选值（${2}）`),
	r(`^"(.*)" is not (true or false|yes or no).*$`, `“${1}”不是“是/否”`),
	r(`^"(.*)" is not a month \(want YYYY-MM\)$`, `“${1}”不是月份（格式 YYYY-MM）`),
	r(`^(-?\d+) is outside (-?\d+) to (-?\d+)$`, `${1} 超出范围 ${2}–${3}`),
	r(`^must be between (-?\d+) and (-?\d+)$`, `须在 ${1} 到 ${2} 之间`),
	r(`^the (text|id) has (\d+) characters, at most (\d+)$`, `有 ${2} 个字符，最多 ${3} 个`),
	r(`^is (\d+) characters long, at most (\d+)$`, `有 ${1} 个字符，最多 ${2} 个`),
	r(`^unknown \w+ "(.*)": no such record in (\w+)$`, `编号“${1}”不存在（${2}中没有此记录）`),
	r(`^duplicate id (.+) in the file \(first at row (\d+)\)$`, `文件中编号 ${1} 重复（首次出现在第 ${2} 行）`),
	r(`^\w+ (.+) exists with other values in (.+); import with --update to change it$`, `编号 ${1} 已存在且 ${2} 不同；如需更新请勾选“已存在的编号按文件内容更新”`),
	r(`^\w+ (.+) exists already$`, `编号 ${1} 已存在`),
	r(`^a record with this id exists already$`, `该编号已存在`),
	r(`^\w+ (.+) cannot be deleted: (\w+) refer to it \((\w+)\)$`, `${1} 不能删除：${2}中有记录引用它（${3}）`),
	r(`^membership overlaps another membership of employee (.+)$`, `与员工 ${1} 的另一段班组归属时间重叠`),
	r(`^an abandoned call has no answer time$`, `放弃的电话不应有接听时间`),
	r(`^an inbound call that was not abandoned needs answered_at$`, `未放弃的呼入电话需要接听时间`),
	r(`^agent_id is needed unless the call was abandoned$`, `除放弃的电话外须填写座席工号`),
	r(`^numerator and denominator cannot be negative$`, `分子和分母不能为负数`),
	r(`^an id cannot be changed; create a new record instead$`, `编号不能修改；请新建记录`),
	r(`^employee (.+) is outside your scope$`, `员工 ${1} 不在您的权限范围内`),
	r(`^give an employee within your scope$`, `请填写您权限范围内的员工`),
	r(`^your role may not write (\w+)$`, `您的角色无权修改这类记录`),
	r(`^the form has expired; reload the page and try again$`, `表单已过期，请刷新页面后重试`),
	r(`^your role \(\w+\) may not do this$`, `您的角色无权执行此操作`),
	r(`^your role may not reveal personal data$`, `您的角色无权查看完整个人信息`),
	r(`^filtering by personal data needs the unmask permission$`, `按个人信息筛选需要查看完整个人信息的权限`),
	r(`^\w+ have no field (\w+)$`, `没有字段 ${1}`),
	r(`^\w+ cannot be sorted by (\w+)$`, `不能按 ${1} 排序`),
	r(`^choose a file to import$`, `请选择要导入的文件`),
	r(`^the file is larger than (\d+) MiB$`, `文件超过 ${1} MiB`),
	r(`^too many requests; try again in (\d+) s$`, `请求过于频繁，请 ${1} 秒后再试`),
	r(`^say why the month is reopened$`, `请填写重新打开的原因`),
	r(`^churn month (\S+) is closed already$`, `${1} 的考核已关闭`),
	r(`^churn month (\S+) is not closed$`, `${1} 的考核未关闭`),
	r(`^only an admin may reopen a closed month$`, `只有管理员可以重新打开已关闭的月份`),
	r(`^the password must have at least (\d+) characters$`, `密码至少 ${1} 个字符`),
	r(`^the password must mix three of.*$`, `密码须包含大写字母、小写字母、数字、符号中的至少三类`),
	r(`^the password is on the list of common passwords$`, `密码过于常见，请换一个`),
	r(`^the password must not contain the user name$`, `密码不能包含用户名`),
	r(`^the password must differ from your last (\d+) passwords$`, `新密码不能与最近 ${1} 次使用的密码相同`),
	r(`^the new password must differ from the current one$`, `新密码不能与当前密码相同`),
	r(`^the current password is wrong$`, `当前密码错误`),
	r(`^the two new passwords differ$`, `两次输入的新密码不一致`),
	r(`^user (.+) exists already$`, `用户 ${1} 已存在`),
	r(`^no employee (.+)$`, `没有工号为 ${1} 的员工`),
	r(`^no group (.+)$`, `没有编号为 ${1} 的班组`),
	r(`^"(.*)" is not a role.*$`, `“${1}”不是角色`),
	r(`^not a phone number: a mobile number has 11 digits, this has (\d+)$`, `不是有效的电话号码：手机号应为 11 位，此号码为 ${1} 位`),
	r(`^not a phone number: mobile numbers start with 13 to 19$`, `不是有效的电话号码：手机号以 13–19 开头`),
	r(`^not a phone number: a landline needs its area code.*$`, `不是有效的电话号码：固定电话需要区号（如 010-12345678）`),
	r(`^not a phone number: .*$`, `不是有效的电话号码`),
	r(`^not an ID number: the check digit does not match.*$`, `不是有效的身份证号：校验位不符（可能有字符输错）`),
	r(`^not an ID number: it has (\d+) characters.*$`, `不是有效的身份证号：应为 18 位（旧版 15 位），此号码 ${1} 位`),
	r(`^not an ID number: .*$`, `不是有效的身份证号`),
	r(`^not an email address: .*$`, `不是有效的电子邮箱`),
	r(`^the ID number was stored as a number.*$`, `身份证号被 Excel 存成了数字，末尾几位已丢失；请把该列设为文本后重新填写`),
	r(`^the value is empty$`, `值为空`),
	r(`^missing column (\w+).*$`, `缺少列 ${1}`),
	r(`^(.+): the file is empty$`, `${1}：文件是空的`),
	r(`^(.+): the file has no header row$`, `${1}：文件没有表头行`),
	r(`^the upload is not a readable form$`, `上传的表单无法读取`),
	r(`^the upload was cut off$`, `上传中断`),
	// Cycles, templates and scorecard settings.
	r(`^the weights of template (\S+) sum to (\S+) \((\S+)\), not exactly 100%$`, `模板 ${1} 的权重合计为 ${2}（${3}），不是正好 100%`),
	r(`^the 360 weights \(self (\S+)%, supervisor (\S+)%, customer (\S+)%\) sum to (\S+)%, not 100%$`, `360 度权重（自评 ${1}%，上级评价 ${2}%，客户评价 ${3}%）合计 ${4}%，不是 100%`),
	r(`^unknown KPI "(.*)"$`, `未知指标“${1}”`),
	r(`^KPI (\S+) is not computed for an employee.*$`, `指标 ${1} 不按员工计算，不能用于考核模板`),
	r(`^"(.*)" is not a template id.*$`, `“${1}”不是有效的模板编号（小写字母、数字和下划线，以字母开头）`),
	r(`^"(.*)" is not an item id$`, `“${1}”不是有效的考核项编号`),
	r(`^item "(.*)" appears twice$`, `考核项“${1}”重复`),
	r(`^template (\S+) needs a Chinese or an English name$`, `模板 ${1} 需要中文或英文名称`),
	r(`^template (\S+) has no items$`, `模板 ${1} 没有考核项`),
	r(`^template (\S+) exists already.*$`, `模板 ${1} 已存在`),
	r(`^no template "(.*)"$`, `没有模板“${1}”`),
	r(`^the id of a template cannot be changed.*$`, `模板编号不能修改；请新建模板`),
	r(`^KPI item (\S+) needs a scoring rule$`, `指标考核项 ${1} 需要评分规则`),
	r(`^rated item (\S+) takes no rule.*$`, `评分项 ${1} 不需要评分规则（其得分即自评和上级评价）`),
	r(`^rated item (\S+) needs a name$`, `评分项 ${1} 需要名称`),
	r(`^item (\S+) has weight (\S+)%: a weight must be positive$`, `考核项 ${1} 的权重为 ${2}%：权重必须大于 0`),
	r(`^position (\S+) belongs to templates (\S+) and (\S+)$`, `岗位 ${1} 同时属于模板 ${2} 和 ${3}`),
	r(`^empty or repeated position "(.*)"$`, `岗位“${1}”为空或重复`),
	r(`^a linear rule for (\S+) needs a floor \(0 points\)$`, `${1} 的线性规则需要下限（0 分）`),
	r(`^KPI (\S+) has no fixed target: give the rule a target.*$`, `指标 ${1} 没有固定目标值：请为规则填写目标（100 分）`),
	r(`^floor and target of (\S+) are both (.+)$`, `${1} 的下限和目标都是 ${2}`),
	r(`^higher is better for (\S+): its floor (.+) must be below its target (.+)$`, `${1} 越高越好：下限 ${2} 必须低于目标 ${3}`),
	r(`^lower is better for (\S+): its floor (.+) must be above its target (.+)$`, `${1} 越低越好：下限 ${2} 必须高于目标 ${3}`),
	r(`^a step rule needs at least one step$`, `分档规则至少需要一档`),
	r(`^two steps at (\S+)$`, `有两档都在 ${1}`),
	r(`^a deduction rule needs positive points per event$`, `扣分制需要大于 0 的每次扣分`),
	r(`^unknown rule type "(.*)".*$`, `未知的规则类型“${1}”`),
	r(`^"(.*)" is not AT:POINTS.*$`, `“${1}”不是“值:分数”格式（如 95:100）`),
	r(`^(\S+) points is outside 0–100$`, `${1} 分超出 0–100`),
	r(`^"(.*)" is not a number \(write 87\.5 or 100/3\)$`, `“${1}”不是数字（如 87.5 或 100/3）`),
	r(`^unknown missing-input rule "(.*)".*$`, `未知的缺失数据规则“${1}”`),
	r(`^grade (\w+)'s minimum (\S+) is not below (\w+)'s (\S+)$`, `等级 ${1} 的最低分 ${2} 不低于等级 ${3} 的最低分 ${4}`),
	r(`^grade (\w+)'s minimum (\S+) is outside 0–100$`, `等级 ${1} 的最低分 ${2} 超出 0–100`),
	r(`^grade (\w+) has a negative coefficient$`, `等级 ${1} 的奖金系数为负数`),
	r(`^a suggested raise must be 0 or more percent$`, `建议调薪比例不能为负数`),
	r(`^"(.*)" is not the period of a (\w+) cycle.*$`, `“${1}”不是该类型周期的期间（月度 2015-09，季度 2015-Q3，年度 2015）`),
	r(`^unknown cycle kind "(.*)".*$`, `未知的周期类型“${1}”`),
	r(`^no (department|group) "(.*)"$`, `没有编号为“${2}”的部门或班组`),
	r(`^give a department or a group.*$`, `请填写部门或班组编号`),
	r(`^a cycle is for a department or a group.*$`, `考核周期的范围是部门或班组`),
	r(`^cycle (\S+) exists already.*$`, `考核周期 ${1} 已存在，请换一个编号`),
	r(`^"(.*)" is not a cycle id.*$`, `“${1}”不是有效的周期编号（字母、数字、-、_ 和 .，最多 64 个字符）`),
	r(`^cycle (\S+) is closed: .*$`, `考核周期 ${1} 已关闭：数据和结果已冻结（管理员可填写原因后重新打开）`),
	r(`^cycle (\S+) is closed already$`, `考核周期 ${1} 已经关闭`),
	r(`^cycle (\S+) is (\w+): this needs it (.+)$`, `考核周期 ${1} 当前状态为 ${2}，此操作要求状态为 ${3}`),
	r(`^cycle (\S+) is (\w+): only signed-off \(reviewed\) results can be closed$`, `考核周期 ${1} 当前状态为 ${2}：只有已审批的结果才能关闭`),
	r(`^cycle (\S+) is (\w+): objections are filed against computed results$`, `考核周期 ${1} 当前状态为 ${2}：只能对已计算的结果提出申诉`),
	r(`^cycle (\S+) has (\d+) unanswered objections.*$`, `考核周期 ${1} 有 ${2} 条申诉未答复，请先答复`),
	r(`^cycle (\S+) has not been computed( yet)?$`, `考核周期 ${1} 尚未计算`),
	r(`^cycle (\S+): its stored inputs no longer give its stored results.*$`, `考核周期 ${1} 的存储数据与结果不一致，请重新计算`),
	r(`^cycle (\S+) changed meanwhile$`, `考核周期 ${1} 已被他人修改，请刷新后重试`),
	r(`^say why the cycle is reopened$`, `请填写重新打开的原因`),
	r(`^only an admin .* may reopen a closed cycle$`, `只有管理员可以重新打开已关闭的考核周期`),
	r(`^(\S+) computed these results: a second user must sign them off.*$`, `${1} 计算了这些结果：须由另一位有审批权限的用户审批（双人复核）`),
	r(`^give an answer$`, `请填写答复`),
	r(`^cycle (\S+) has no objection (\d+)$`, `考核周期 ${1} 没有第 ${2} 条申诉`),
	r(`^cycle (\S+) has no (\w+) rating of (\S+) for item (\S+)$`, `员工 ${3} 的考核项 ${4} 没有这项评分`),
	r(`^user (\S+) \((\w+)\) may not change the (\w+) rating of (\S+)$`, `您无权修改员工 ${4} 的这项评分`),
	r(`^no rating was saved:$`, `未保存任何评分：`),
	r(`^… and (\d+) more$`, `……另有 ${1} 条`),
	r(`^user (\S+) \((\w+)\) may not give this rating$`, `您无权给出这项评分`),
	r(`^cycle (\S+) has no member (\S+) you may rate$`, `考核周期 ${1} 中没有您可以评分的成员 ${2}`),
	r(`^your role \((\w+)\) may not .*$`, `您的角色无权执行此操作`),
}

// zhNested are rules for a prefix followed by a message in its own right
// (the last group), which is localized in turn.
var zhNested = []rule{
	r(`^rating (\d+) \((.*)\): (.*)$`, `第 ${1} 条评分（${2}）：`),
	r(`^amount: (.*)$`, `金额：`),
}

// localize returns message m in lang. Field names of kind k in the
// Chinese text are replaced by their labels. A message of several lines
// (a batch's problems, one a line) is localized line by line.
func localize(lang string, k *csperf.Kind, m string) string {
	if lang == "en" || m == "" {
		return m
	}
	if strings.Contains(m, "\n") {
		lines := strings.Split(m, "\n")
		for i, l := range lines {
			lines[i] = localize(lang, k, l)
		}
		return strings.Join(lines, "\n")
	}
	for _, ru := range zhNested {
		if sm := ru.re.FindStringSubmatchIndex(m); sm != nil {
			last := len(sm)/2 - 1
			prefix := string(ru.re.ExpandString(nil, ru.zh, m, sm))
			return prefix + localize(lang, k, m[sm[2*last]:sm[2*last+1]])
		}
	}
	for _, rules := range [][]rule{storeZHRules, webZHRules, zhRules} {
		for _, ru := range rules {
			if ru.re.MatchString(m) {
				out := catalogRef.ReplaceAllStringFunc(ru.re.ReplaceAllString(m, ru.zh), func(ref string) string {
					sm := catalogRef.FindStringSubmatch(ref)
					if v, ok := catalog[lang][sm[1]+"."+sm[2]]; ok {
						return v
					}
					return sm[2]
				})
				return labelFields(k, out)
			}
		}
	}
	return m
}

// catalogRef is a reference to a catalog message in a rule's replacement.
var catalogRef = regexp.MustCompile(`⟦([a-z_.]+):(\w+)⟧`)

var fieldWord = regexp.MustCompile(`\b[a-z][a-z0-9_]*\b`)

// labelFields replaces the names of k's fields and of record kinds in s
// by their Chinese labels.
func labelFields(k *csperf.Kind, s string) string {
	return fieldWord.ReplaceAllStringFunc(s, func(w string) string {
		if k != nil {
			if f := k.Field(w); f != nil {
				return f.Label
			}
		}
		if kk := csperf.KindByName(w); kk != nil {
			return kk.Label
		}
		return w
	})
}

// localizeRow returns the reason of a row error in lang, or "" when it is
// the same as the English.
func localizeRow(lang string, k *csperf.Kind, re csperf.RowError) string {
	if lang == "en" {
		return ""
	}
	out := localize(lang, k, re.Reason)
	if out == re.Reason {
		return ""
	}
	return out
}
