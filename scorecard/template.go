package scorecard

import (
	"fmt"
	"math/big"
	"slices"

	"csperf"
	"csperf/kpi"
)

// Sources of a 360 assessment.
const (
	SourceSelf       = "self"       // 自评
	SourceSupervisor = "supervisor" // 上级评价
	SourceCustomer   = "customer"   // 客户评价: the KPI points, from events and surveys
)

// Sources lists the sources in the order results show them.
var Sources = []string{SourceSelf, SourceSupervisor, SourceCustomer}

// RatedSources are the sources whose points are ratings entered by people.
var RatedSources = []string{SourceSelf, SourceSupervisor}

// SourceWeights are the 360 weights in percent (seed 002: self 20,
// supervisor 30, customer 50); they sum to exactly 100. A source with
// weight 0 takes no part.
type SourceWeights struct {
	Self       Number `json:"self"`
	Supervisor Number `json:"supervisor"`
	Customer   Number `json:"customer"`
}

// DefaultSourceWeights returns 20 / 30 / 50.
func DefaultSourceWeights() SourceWeights {
	return SourceWeights{Self: Int(20), Supervisor: Int(30), Customer: Int(50)}
}

// Of returns the weight of source.
func (w SourceWeights) Of(source string) Number {
	switch source {
	case SourceSelf:
		return w.Self
	case SourceSupervisor:
		return w.Supervisor
	case SourceCustomer:
		return w.Customer
	}
	return Number{}
}

// Item kinds.
const (
	ItemKPI   = "kpi"   // points from a KPI's value by the item's rule (customer source) and from ratings
	ItemRated = "rated" // points from ratings only, such as teamwork (团队合作)
)

// Item is one line of a scorecard: a KPI or a rated item, its weight in
// percent and, for a KPI, the rule that turns its value into points.
type Item struct {
	ID     string `json:"id"`            // unique in the template; a KPI item's id defaults to its KPI
	NameZH string `json:"name_zh"`       // shown name; a KPI item defaults to the KPI's names
	NameEN string `json:"name_en"`       //
	KPI    string `json:"kpi,omitempty"` // catalog or custom KPI id; "" for a rated item
	Weight Number `json:"weight"`        // percent of the total; the items' weights sum to exactly 100
	Rule   *Rule  `json:"rule,omitempty"`
}

// Kind returns ItemKPI or ItemRated.
func (it Item) Kind() string {
	if it.KPI != "" {
		return ItemKPI
	}
	return ItemRated
}

// Template is a scorecard for a position or a set of positions (SPEC §7).
type Template struct {
	ID        string        `json:"id"`
	NameZH    string        `json:"name_zh"`
	NameEN    string        `json:"name_en"`
	Positions []string      `json:"positions"` // position codes the template applies to
	Items     []Item        `json:"items"`
	Sources   SourceWeights `json:"sources"`
	Note      string        `json:"note,omitempty"` // why the template is as it is
}

// Catalog is the KPIs templates may name: the built-in catalog and the
// custom KPIs, by id.
type Catalog map[string]kpi.Definition

// NewCatalog returns the built-in catalog plus the custom definitions,
// which replace built-in ones of the same id.
func NewCatalog(custom ...kpi.Definition) Catalog {
	c := Catalog{}
	for _, d := range kpi.Catalog() {
		c[d.ID] = d
	}
	for _, d := range custom {
		c[d.ID] = d
	}
	return c
}

// Validate checks t against the KPIs of c and returns an invalid-input
// error naming the faulty field and the reason: weights that do not sum to
// exactly 100%, an unknown KPI, a KPI not computed for an employee, a rule
// that does not fit its KPI, a rated item no rater weighs.
func (t *Template) Validate(c Catalog) error {
	if !validID(t.ID) {
		return csperf.FieldErrorf("id", "%q is not a template id (lower-case letters, digits and _, starting with a letter)", t.ID)
	}
	if t.NameZH == "" && t.NameEN == "" {
		return csperf.FieldErrorf("name", "template %s needs a Chinese or an English name", t.ID)
	}
	for i, p := range t.Positions {
		if p == "" || slices.Contains(t.Positions[:i], p) {
			return csperf.FieldErrorf(fmt.Sprintf("positions[%d]", i), "empty or repeated position %q", p)
		}
	}
	if len(t.Items) == 0 {
		return csperf.FieldErrorf("items", "template %s has no items", t.ID)
	}
	sw := new(big.Rat)
	for _, s := range Sources {
		w := t.Sources.Of(s)
		if w.Sign() < 0 {
			return csperf.FieldErrorf("sources."+s, "weight %s%% is negative", w.Exact())
		}
		sw.Add(sw, w.Rat())
	}
	if sw.Cmp(rat(100)) != 0 {
		return csperf.FieldErrorf("sources", "the 360 weights (self %s%%, supervisor %s%%, customer %s%%) sum to %s%%, not 100%%",
			t.Sources.Self.Exact(), t.Sources.Supervisor.Exact(), t.Sources.Customer.Exact(), NumberOf(sw).Exact())
	}
	total := new(big.Rat)
	seen := map[string]bool{}
	for i, it := range t.Items {
		path := fmt.Sprintf("items[%d]", i)
		id := it.ID
		if id == "" {
			id = it.KPI
		}
		if !validID(id) {
			return csperf.FieldErrorf(path+".id", "%q is not an item id", id)
		}
		if seen[id] {
			return csperf.FieldErrorf(path+".id", "item %q appears twice", id)
		}
		seen[id] = true
		if it.Weight.Sign() <= 0 {
			return csperf.FieldErrorf(path+".weight", "item %s has weight %s%%: a weight must be positive", id, it.Weight.Exact())
		}
		total.Add(total, it.Weight.Rat())
		if it.KPI == "" {
			if it.Rule != nil {
				return csperf.FieldErrorf(path+".rule", "rated item %s takes no rule: its points are the ratings", id)
			}
			if it.NameZH == "" && it.NameEN == "" {
				return csperf.FieldErrorf(path+".name", "rated item %s needs a name", id)
			}
			if t.Sources.Self.Sign() == 0 && t.Sources.Supervisor.Sign() == 0 {
				return csperf.FieldErrorf(path, "rated item %s is rated by self and supervisor, whose 360 weights are both 0", id)
			}
			continue
		}
		def, ok := c[it.KPI]
		if !ok {
			return csperf.FieldErrorf(path+".kpi", "unknown KPI %q", it.KPI)
		}
		if !def.AppliesTo(kpi.LevelEmployee) {
			return csperf.FieldErrorf(path+".kpi", "KPI %s is not computed for an employee (it applies to %v)", it.KPI, def.Scopes)
		}
		if it.Rule == nil {
			return csperf.FieldErrorf(path+".rule", "KPI item %s needs a scoring rule", id)
		}
		if err := it.Rule.validate(def, path+".rule"); err != nil {
			return err
		}
	}
	if total.Cmp(rat(100)) != 0 {
		return csperf.FieldErrorf("items", "the weights of template %s sum to %s%% (%s), not exactly 100%%",
			t.ID, NumberOf(total).String(), NumberOf(total).Exact())
	}
	return nil
}

// item returns the item with its id and names filled from its KPI.
func (t *Template) item(i int, c Catalog) Item {
	it := t.Items[i]
	if it.ID == "" {
		it.ID = it.KPI
	}
	if def, ok := c[it.KPI]; ok && it.NameZH == "" && it.NameEN == "" {
		it.NameZH, it.NameEN = def.NameZH, def.NameEN
	}
	return it
}

// ItemIDs returns the ids of t's items in order.
func (t *Template) ItemIDs() []string {
	out := make([]string, len(t.Items))
	for i, it := range t.Items {
		out[i] = it.ID
		if out[i] == "" {
			out[i] = it.KPI
		}
	}
	return out
}

// KPIs returns the KPI ids t reads, in item order.
func (t *Template) KPIs() []string {
	var out []string
	for _, it := range t.Items {
		if it.KPI != "" && !slices.Contains(out, it.KPI) {
			out = append(out, it.KPI)
		}
	}
	return out
}

// Sources returns the sources that assess item it: self and supervisor
// for every item, the customer (KPI) source for a KPI item; a source whose
// 360 weight is 0 takes no part.
func (t *Template) sourcesOf(it Item) []string {
	var out []string
	for _, s := range Sources {
		if s == SourceCustomer && it.KPI == "" {
			continue
		}
		if t.Sources.Of(s).Sign() > 0 {
			out = append(out, s)
		}
	}
	return out
}

func validID(s string) bool {
	if s == "" || len(s) > 64 || s[0] < 'a' || s[0] > 'z' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
			return false
		}
	}
	return true
}

// ForPosition returns the template among ts that lists position, or nil.
func ForPosition(ts []Template, position string) *Template {
	for i := range ts {
		if slices.Contains(ts[i].Positions, position) {
			return &ts[i]
		}
	}
	return nil
}

// ValidateSet checks each template and that no position belongs to two of
// them, so that every employee's template is clear.
func ValidateSet(ts []Template, c Catalog) error {
	owner := map[string]string{}
	ids := map[string]bool{}
	for i := range ts {
		if err := ts[i].Validate(c); err != nil {
			return err
		}
		if ids[ts[i].ID] {
			return csperf.FieldErrorf("id", "template %s appears twice", ts[i].ID)
		}
		ids[ts[i].ID] = true
		for _, p := range ts[i].Positions {
			if o, ok := owner[p]; ok {
				return csperf.FieldErrorf("positions", "position %s belongs to templates %s and %s", p, o, ts[i].ID)
			}
			owner[p] = ts[i].ID
		}
	}
	return nil
}
