package scorecard

import (
	"fmt"
	"math/big"

	"csperf"
	"csperf/kpi"
)

// Employee is who a result is for, as the cycle's inputs hold them.
type Employee struct {
	ID        string        `json:"employee_id"`
	Name      string        `json:"name"`
	Position  string        `json:"position"`
	GroupID   string        `json:"group_id,omitempty"`
	HireDate  *csperf.Date  `json:"hire_date,omitempty"`
	BonusBase *csperf.Money `json:"bonus_base"` // nil: none entered (no bonus, listed as missing)
}

// RatingKey names one rating: an item and a rating source (self or
// supervisor).
type RatingKey struct {
	Item   string
	Source string
}

// Input is everything one employee's result is computed from.
type Input struct {
	Employee Employee
	// KPIs are the employee's values over the cycle's period, by KPI id; a
	// KPI absent or without value (zero denominator) is a missing input.
	KPIs map[string]kpi.Value
	// Ratings are 0–100 points by item and source; absent is missing.
	Ratings map[RatingKey]Number
}

// Result is one employee's result with the whole explanation of how it was
// computed (SPEC §7): every item's value, numerator, denominator, points,
// weight and contribution, each source's part, and the grade rule.
type Result struct {
	Employee
	Template string       `json:"template"`
	Items    []ItemResult `json:"items"`
	Sources  []SourcePart `json:"sources"`
	// Score is nil when no input at all was there (renormalise rule).
	Score       *Number       `json:"score"`
	Grade       string        `json:"grade"` // "" without score
	GradeName   string        `json:"grade_name"`
	GradeRule   string        `json:"grade_rule"`
	Coefficient *Number       `json:"coefficient"`
	Bonus       *csperf.Money `json:"bonus"`
	BonusRule   string        `json:"bonus_rule"`
	Missing     []Missing     `json:"missing"`
}

// ItemResult explains one item.
type ItemResult struct {
	Item   string `json:"item"`
	NameZH string `json:"name_zh"`
	NameEN string `json:"name_en"`
	Kind   string `json:"kind"` // ItemKPI or ItemRated
	KPI    string `json:"kpi,omitempty"`
	// Value of the KPI (KPI items): exact numerator and denominator in the
	// unit's base, and the shown value ("—" without value).
	Numerator   *int64 `json:"numerator,omitempty"`
	Denominator *int64 `json:"denominator,omitempty"`
	Value       string `json:"value,omitempty"`
	Rule        string `json:"rule,omitempty"`    // the rule, in words
	Applied     string `json:"applied,omitempty"` // how the rule applied to the value
	// Weight is the template's weight in percent; Effective the weight
	// after missing items were left out (renormalise), 0 for an item left
	// out.
	Weight    Number        `json:"weight"`
	Effective Number        `json:"effective_weight"`
	Parts     []SourceInput `json:"parts"`
	// Points is the item's points, the weighted mean of its parts; nil
	// when the item was left out.
	Points       *Number `json:"points"`
	Contribution Number  `json:"contribution"` // Effective × Points / 100: what the item adds to the score
}

// SourceInput is one source's input to an item.
type SourceInput struct {
	Source string `json:"source"`
	// Share is the source's weight within the item in percent: its 360
	// weight over those of the sources used for the item.
	Share   Number  `json:"share"`
	Points  *Number `json:"points"` // nil when missing
	Missing bool    `json:"missing,omitempty"`
	// Contribution is what this input adds to the total score.
	Contribution Number `json:"contribution"`
}

// SourcePart is one 360 source's part of the score.
type SourcePart struct {
	Source string `json:"source"`
	Weight Number `json:"weight"` // the template's 360 weight, percent
	// Score is the source's own score: its points over the items it
	// assessed, weighted by the items' template weights; nil if it
	// assessed none.
	Score *Number `json:"score"`
	// Contribution is the points this source adds to the total; the
	// contributions sum to the score exactly.
	Contribution Number `json:"contribution"`
}

// Missing is one input that was not there, and what the rule did.
type Missing struct {
	Item   string `json:"item,omitempty"`
	Source string `json:"source,omitempty"`
	Input  string `json:"input"` // "kpi:csat", "rating:self", "bonus_base", "template"
	Action string `json:"action"`
}

// Score computes one employee's result under template t and settings s.
// t must be valid against c (Template.Validate) and s valid.
func Score(t *Template, s Settings, c Catalog, in Input) Result {
	res := Result{Employee: in.Employee, Template: t.ID, Items: []ItemResult{}, Missing: []Missing{}}
	type line struct {
		it      Item
		w       *big.Rat
		used    []string // sources whose input counts
		points  map[string]*big.Rat
		dropped bool
	}
	lines := make([]line, len(t.Items))
	keptW := new(big.Rat)
	for i := range t.Items {
		it := t.item(i, c)
		ir := ItemResult{Item: it.ID, NameZH: it.NameZH, NameEN: it.NameEN, Kind: it.Kind(), KPI: it.KPI, Weight: it.Weight}
		l := line{it: it, w: it.Weight.Rat(), points: map[string]*big.Rat{}}
		for _, src := range t.sourcesOf(it) {
			var p *big.Rat
			if src == SourceCustomer {
				def := c[it.KPI]
				v, ok := in.KPIs[it.KPI]
				if ok {
					n, d := v.Num, v.Den
					ir.Numerator, ir.Denominator = &n, &d
					ir.Value = def.Unit.Format(v.Ratio())
				} else {
					ir.Value = "—"
				}
				ir.Rule = it.Rule.Describe(def)
				if ok && v.Valid && v.Den > 0 {
					p, ir.Applied = it.Rule.Points(def, v)
				}
			} else if r, ok := in.Ratings[RatingKey{Item: it.ID, Source: src}]; ok {
				p = clamp(r.Rat())
			}
			if p == nil {
				input := "rating:" + src
				if src == SourceCustomer {
					input = "kpi:" + it.KPI
				}
				m := Missing{Item: it.ID, Source: src, Input: input}
				if s.Missing == MissingZero {
					m.Action = "scored 0 points"
					p = new(big.Rat)
				} else {
					m.Action = "left out; the item's other sources renormalised"
				}
				res.Missing = append(res.Missing, m)
			}
			if p != nil {
				l.used = append(l.used, src)
				l.points[src] = p
			}
		}
		if len(l.used) == 0 {
			l.dropped = true
			if n := len(res.Missing); n > 0 && res.Missing[n-1].Item == it.ID {
				for j := range res.Missing {
					if res.Missing[j].Item == it.ID {
						res.Missing[j].Action = "left out; no input for the item, the other items' weights renormalised"
					}
				}
			}
		} else {
			keptW.Add(keptW, l.w)
		}
		lines[i] = l
		res.Items = append(res.Items, ir)
	}
	score := new(big.Rat)
	srcContrib := map[string]*big.Rat{}
	srcSum, srcW := map[string]*big.Rat{}, map[string]*big.Rat{}
	for _, src := range Sources {
		srcContrib[src], srcSum[src], srcW[src] = new(big.Rat), new(big.Rat), new(big.Rat)
	}
	for i, l := range lines {
		ir := &res.Items[i]
		ir.Effective = Int(0)
		ir.Contribution = Int(0)
		eff := new(big.Rat)
		if !l.dropped {
			eff = quo(mul(l.w, rat(100)), keptW)
			ir.Effective = NumberOf(eff)
		}
		shareSum := new(big.Rat)
		for _, src := range l.used {
			shareSum.Add(shareSum, t.Sources.Of(src).Rat())
		}
		itemPts := new(big.Rat)
		for _, src := range t.sourcesOf(l.it) {
			in := SourceInput{Source: src, Share: Int(0), Contribution: Int(0)}
			p, used := l.points[src]
			if !used {
				in.Missing = true
				ir.Parts = append(ir.Parts, in)
				continue
			}
			share := quo(mul(t.Sources.Of(src).Rat(), rat(100)), shareSum)
			in.Share = NumberOf(share)
			pn := NumberOf(p)
			in.Points = &pn
			_, missing := findMissing(res.Missing, l.it.ID, src)
			in.Missing = missing
			part := quo(mul(share, p), rat(100))
			itemPts.Add(itemPts, part)
			c := quo(mul(eff, part), rat(100))
			in.Contribution = NumberOf(c)
			srcContrib[src].Add(srcContrib[src], c)
			srcSum[src].Add(srcSum[src], mul(l.w, p))
			srcW[src].Add(srcW[src], l.w)
			ir.Parts = append(ir.Parts, in)
		}
		if !l.dropped {
			pn := NumberOf(itemPts)
			ir.Points = &pn
			c := quo(mul(eff, itemPts), rat(100))
			ir.Contribution = NumberOf(c)
			score.Add(score, c)
		}
	}
	for _, src := range Sources {
		w := t.Sources.Of(src)
		if w.Sign() == 0 {
			continue
		}
		sp := SourcePart{Source: src, Weight: w, Contribution: NumberOf(srcContrib[src])}
		if srcW[src].Sign() > 0 {
			n := NumberOf(quo(srcSum[src], srcW[src]))
			sp.Score = &n
		}
		res.Sources = append(res.Sources, sp)
	}
	if in.Employee.BonusBase == nil {
		res.Missing = append(res.Missing, Missing{Input: "bonus_base", Action: "no bonus computed"})
	}
	if keptW.Sign() == 0 {
		res.Missing = append(res.Missing, Missing{Input: "all", Action: "no score, no grade, no bonus"})
		res.GradeRule = "no score: every input is missing"
		return res
	}
	sn := NumberOf(score)
	res.Score = &sn
	g, rule := s.GradeOf(score)
	res.Grade, res.GradeName, res.GradeRule = g.Code, g.NameZH, rule
	coef := g.Coefficient
	res.Coefficient = &coef
	if b := in.Employee.BonusBase; b != nil {
		amount, err := RoundFen(mul(big.NewRat(int64(*b), 1), coef.Rat()))
		if err != nil {
			res.BonusRule = err.Error()
		} else {
			res.Bonus = &amount
			res.BonusRule = fmt.Sprintf("%s × %s = %s yuan (fen rounded half away from zero)", b.String(), trimZeros(coef.String()), amount.String())
		}
	}
	return res
}

func findMissing(ms []Missing, item, src string) (Missing, bool) {
	for _, m := range ms {
		if m.Item == item && m.Source == src {
			return m, true
		}
	}
	return Missing{}, false
}
