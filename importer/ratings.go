package importer

import (
	"time"

	"csperf"
	"csperf/scorecard"
)

// RatingKind describes the columns of a cycle's ratings file: employee,
// item, source (self or supervisor, also in Chinese) and points. The
// command line (csperf cycle rate --file) and the API read it alike.
var RatingKind = &csperf.Kind{Name: "cycle_ratings", Label: "评分", LabelEn: "Ratings", Key: []string{"employee_id", "item", "source"},
	Fields: []csperf.Field{
		{Name: "employee_id", Type: csperf.TString, Required: true, Label: "工号", LabelEn: "Employee", Aliases: []string{"工号", "员工编号", "employee"}},
		{Name: "item", Type: csperf.TString, Required: true, Label: "考核项", LabelEn: "Item", Aliases: []string{"考核项", "考核项目", "指标", "item_id"}},
		{Name: "source", Type: csperf.TEnum, Required: true, Enum: []string{"self", "supervisor"}, Label: "评价来源", LabelEn: "Source",
			EnumAliases: map[string]string{"自评": "self", "员工自评": "self", "上级": "supervisor", "上级评价": "supervisor", "主管": "supervisor"}, Aliases: []string{"评价来源", "来源", "评价人"}},
		{Name: "points", Type: csperf.TString, Required: true, Label: "分数", LabelEn: "Points", Aliases: []string{"分数", "得分", "评分", "score"}},
	}}

// ReadRatings reads every rating of a ratings file (RatingKind's columns).
// It reads the whole file: when any row is wrong it returns every row's
// problem as a *csperf.ImportError ("FILE:ROW: column C: reason") and no
// rating, so that a file is taken all or not at all.
func ReadRatings(r *Reader, loc *time.Location) ([]scorecard.Rating, error) {
	mp, err := r.Map(RatingKind)
	if err != nil {
		return nil, err
	}
	src := NewSource(r, mp, loc)
	var rs []scorecard.Rating
	var errs csperf.ImportError
	for {
		row, vals, ok := src.Next()
		if !ok {
			break
		}
		n, err := scorecard.ParseNumber(vals[3].(string))
		if err != nil {
			errs.Add(csperf.RowError{File: r.Name(), Row: row, Column: "points", Reason: err.Error()})
			continue
		}
		rs = append(rs, scorecard.Rating{EmployeeID: vals[0].(string), Item: vals[1].(string), Source: vals[2].(string), Points: n})
	}
	if err := src.Err(); err != nil {
		ie, ok := err.(*csperf.ImportError)
		if !ok {
			return nil, err
		}
		for _, re := range errs.Rows {
			ie.Add(re)
		}
		ie.Total += errs.Total - len(errs.Rows)
		return nil, ie
	}
	if errs.Total > 0 {
		return nil, &errs
	}
	return rs, nil
}
