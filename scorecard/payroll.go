package scorecard

// Payroll lays a computation out as the payroll file HR hands on: one row
// per scored member (employee, name, position, group, score, grade,
// coefficient, bonus base, bonus), with English or Chinese column names
// and grade names. A cycle whose results are not in effect (not signed
// off) is marked DRAFT in an extra column.
func Payroll(comp *Computation, inEffect, zh bool) (header []string, rows [][]string) {
	header = []string{"employee_id", "name", "position", "group_id", "score", "grade", "coefficient", "bonus_base", "bonus"}
	if zh {
		header = []string{"工号", "姓名", "岗位", "班组", "得分", "等级", "奖金系数", "奖金基数", "奖金"}
	}
	if !inEffect {
		header = append(header, "DRAFT")
	}
	for _, r := range comp.Results {
		score, grade, coef, base, bonus := "", "", "", "", ""
		if r.Score != nil {
			score, grade = r.Score.String(), r.Grade
			if zh {
				grade = r.GradeName
			}
		}
		if r.Coefficient != nil {
			coef = trimZeros(r.Coefficient.String())
		}
		if r.BonusBase != nil {
			base = r.BonusBase.String()
		}
		if r.Bonus != nil {
			bonus = r.Bonus.String()
		}
		row := []string{r.ID, r.Name, r.Position, r.GroupID, score, grade, coef, base, bonus}
		if !inEffect {
			row = append(row, "DRAFT")
		}
		rows = append(rows, row)
	}
	return header, rows
}
