package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"

	"csperf"
	"csperf/importer"
	"csperf/pdf"
	"csperf/scorecard"
	"csperf/sqlstore"
)

const cycleUsage = `cycle SUBCOMMAND [flags]

Evaluation cycles (SPEC §7): scorecards, 360 ratings, grades, bonus, promotion, raises.

  list        [--kind K] [--state S] [--year Y]
  templates   the scorecard templates
  template    --file T.json       add or replace a template (JSON of scorecard.Template; checked: weights sum to 100%, KPIs known)
  settings    [--missing renormalise|zero] [--grades excellent=90:1.5,good=80:1.2,qualified=60:1,unqualified=:0.8]
              [--raises 8,5,3,0] [--weak 60] [--common 100/3] [--new-hire-months 6]   show or change (new cycles copy them)
  create      --kind monthly|quarterly|annual --period 2015-09|2015-Q3|2015 (--department D | --group G) [--id ID] [--name N] [--templates T1,T2]
  rate        CYCLE --file FILE   import ratings (columns employee_id/工号, item/考核项, source/评价来源 self|supervisor|自评|上级, points/分数)
  rate        CYCLE --employee E --item I --source self|supervisor --points P
  rate        CYCLE --employee E --item I --source self|supervisor --clear   remove one rating
  collected   CYCLE               mark the ratings collected; lists those still missing
  compute     CYCLE               compute the results (you are the maker)
  show        CYCLE [--employee E] [--format …|pdf -o FILE --lang zh|en]   results, or one employee's whole explanation
  verify      CYCLE               recompute from the stored inputs and compare the SHA-256
  approve     CYCLE --as USER     sign the results off (a second user with the approve permission)
  object      CYCLE --employee E --text T   file an objection to a result
  answer      CYCLE --objection N --text T  answer an objection
  close       CYCLE               freeze the inputs and results (all objections answered)
  reopen      CYCLE --reason R --as ADMIN
  export      CYCLE [--format csv|xlsx] [-o FILE] [--header en|zh] [--draft]   the payroll file
  promotions  employees excellent in two consecutive annual cycles
  raises      --year Y            annual scores ranked within position, quartiles, suggested raises
  training    needs CYCLE | plan … | plans | score … | effect PLAN   (csperf cycle training -h)

Every subcommand takes --db and --as USER (act as that user: roles and maker-checker apply;
without it you act as the operator, who may not sign off or reopen) and, where it prints a
report, --format table|csv|json|xlsx and -o FILE.`

func (m *Main) runCycle(ctx context.Context, args []string) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		fmt.Fprintln(m.Stderr, "Usage: csperf "+cycleUsage)
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help") {
			return nil
		}
		return csperf.Errorf(csperf.EINVALID, "give a cycle subcommand")
	}
	sub, args := args[0], args[1:]
	run, ok := map[string]func(*cycleCmd) error{
		"list": (*cycleCmd).list, "templates": (*cycleCmd).templates, "template": (*cycleCmd).template, "settings": (*cycleCmd).settings, "create": (*cycleCmd).create, "rate": (*cycleCmd).rate,
		"collected": (*cycleCmd).collected, "compute": (*cycleCmd).compute, "show": (*cycleCmd).show, "verify": (*cycleCmd).verify,
		"approve": (*cycleCmd).approve, "object": (*cycleCmd).object, "answer": (*cycleCmd).answer, "close": (*cycleCmd).close,
		"reopen": (*cycleCmd).reopen, "export": (*cycleCmd).export, "promotions": (*cycleCmd).promotions, "raises": (*cycleCmd).raises,
		"training": (*cycleCmd).training,
	}[sub]
	if !ok {
		return csperf.Errorf(csperf.EINVALID, "unknown cycle subcommand %q (run csperf cycle -h)", sub)
	}
	c := &cycleCmd{m: m, ctx: ctx, sub: sub}
	c.fs, c.dsn = m.flags("cycle "+sub, cycleUsage)
	c.as = c.fs.String("as", "", "act as this user (user name)")
	c.format = c.fs.String("format", "table", "table, csv, json or xlsx")
	c.out = c.fs.String("o", "", "write to FILE instead of standard output")
	c.args = args
	return run(c)
}

// cycleCmd is one cycle subcommand: its flags, database and actor.
type cycleCmd struct {
	m                    *Main
	ctx                  context.Context
	sub                  string
	fs                   *flag.FlagSet
	dsn, as, format, out *string
	args, pos            []string
	db                   *sqlstore.DB
}

// open parses the flags, opens the database and sets the actor. want is
// the number of positional arguments (the cycle id).
func (c *cycleCmd) open(want int) error {
	pos, err := parse(c.fs, c.args)
	if err != nil {
		return err
	}
	if len(pos) != want {
		if want == 1 {
			return csperf.Errorf(csperf.EINVALID, "give the cycle id: csperf cycle %s CYCLE", c.sub)
		}
		return csperf.Errorf(csperf.EINVALID, "unexpected arguments %v", pos)
	}
	c.pos = pos
	if c.db, err = c.m.open(c.ctx, *c.dsn); err != nil {
		return err
	}
	if *c.as != "" {
		u, err := c.db.UserByName(c.ctx, *c.as)
		if err != nil {
			c.db.Close()
			return csperf.Errorf(csperf.ENOTFOUND, "no user %q", *c.as)
		}
		c.ctx = csperf.WithActor(c.ctx, csperf.Actor{UserID: u.ID})
	}
	return nil
}

func (c *cycleCmd) id() string { return c.pos[0] }

// write prints tables or, with --format json, v.
func (c *cycleCmd) write(v any, ts []table) error {
	w, closeOut, err := c.m.output(*c.out)
	if err != nil {
		return err
	}
	if *c.format == "json" {
		err = writeJSON(w, v)
	} else {
		err = writeTables(w, *c.format, ts)
	}
	if cerr := closeOut(); err == nil {
		err = cerr
	}
	return err
}

func orNone(n *scorecard.Number) string {
	if n == nil {
		return "—"
	}
	return n.String()
}

func moneyOr(m *csperf.Money) string {
	if m == nil {
		return "—"
	}
	return m.String()
}

func coefText(n *scorecard.Number) string {
	if n == nil {
		return "—"
	}
	return trimDecimals(n.String())
}

// trimDecimals drops trailing zero decimals: "1.50" → "1.5", "1.00" → "1".
func trimDecimals(s string) string {
	if !strings.Contains(s, ".") {
		return s
	}
	return strings.TrimSuffix(strings.TrimRight(s, "0"), ".")
}

func cycleRow(cy *scorecard.Cycle) []string {
	return []string{cy.ID, cy.Name, cy.Kind, cy.Period, cy.ScopeLevel + " " + cy.ScopeID, cy.State, strconv.Itoa(cy.Members),
		strconv.Itoa(cy.Ratings), orDashS(cy.ComputedBy), orDashS(cy.ApprovedBy), strconv.Itoa(cy.Objections), orDashS(cy.SHA256)}
}

var cycleHeader = []string{"cycle_id", "name", "kind", "period", "scope", "state", "members", "ratings", "maker", "checker", "open_objections", "sha256"}

func orDashS(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func (c *cycleCmd) list() error {
	kind := c.fs.String("kind", "", "monthly, quarterly or annual")
	state := c.fs.String("state", "", "open, rated, computed, reviewed or closed")
	year := c.fs.Int("year", 0, "cycles starting in this year")
	if err := c.open(0); err != nil {
		return err
	}
	defer c.db.Close()
	cs, err := c.db.Cycles(c.ctx, sqlstore.CycleFilter{Kind: *kind, State: *state, Year: *year})
	if err != nil {
		return err
	}
	t := table{Title: "cycles", Header: cycleHeader}
	for i := range cs {
		t.Rows = append(t.Rows, cycleRow(&cs[i]))
	}
	return c.write(cs, []table{t})
}

func (c *cycleCmd) templates() error {
	if err := c.open(0); err != nil {
		return err
	}
	defer c.db.Close()
	ts, err := c.db.ScorecardTemplates(c.ctx)
	if err != nil {
		return err
	}
	defs, err := c.db.KPIDefinitions(c.ctx)
	if err != nil {
		return err
	}
	cat := scorecard.NewCatalog(defs...)
	t := table{Title: "scorecard templates", Header: []string{"template", "name", "positions", "item", "kpi", "weight", "rule", "sources (self/supervisor/customer)"}}
	for _, tp := range ts {
		src := tp.Sources.Self.Exact() + "/" + tp.Sources.Supervisor.Exact() + "/" + tp.Sources.Customer.Exact()
		for i, it := range tp.Items {
			rule := "rated (self and supervisor)"
			if it.Rule != nil {
				rule = it.Rule.Describe(cat[it.KPI])
			}
			t.Rows = append(t.Rows, []string{tp.ID, tp.NameZH, strings.Join(tp.Positions, " "), tp.ItemIDs()[i], it.KPI, it.Weight.Exact() + "%", rule, src})
		}
	}
	return c.write(ts, []table{t})
}

func (c *cycleCmd) template() error {
	file := c.fs.String("file", "", "the template as JSON")
	if err := c.open(0); err != nil {
		return err
	}
	defer c.db.Close()
	b, err := os.ReadFile(*file)
	if err != nil {
		return csperf.Errorf(csperf.EINVALID, "read template: %v", err)
	}
	var t scorecard.Template
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&t); err != nil {
		return csperf.Errorf(csperf.EINVALID, "%s: %v", *file, err)
	}
	if err := c.db.SaveScorecardTemplate(c.ctx, t); err != nil {
		return err
	}
	fmt.Fprintf(c.m.Stdout, "template %s saved (cycles created from now on use it)\n", t.ID)
	return nil
}

func (c *cycleCmd) settings() error {
	missing := c.fs.String("missing", "", "missing-input rule: renormalise or zero")
	grades := c.fs.String("grades", "", "CODE=MIN:COEFFICIENT,… best first; the last has no MIN")
	raises := c.fs.String("raises", "", "suggested raise in percent of quartiles 1–4, e.g. 8,5,3,0")
	weak := c.fs.String("weak", "", "training: an item below these points is weak")
	common := c.fs.String("common", "", "training: a common weakness from this percent of a group")
	newHire := c.fs.Int("new-hire-months", -1, "training: new hires are employed less than this many months")
	if err := c.open(0); err != nil {
		return err
	}
	defer c.db.Close()
	s, err := c.db.ScorecardSettings(c.ctx)
	if err != nil {
		return err
	}
	changed := false
	num := func(flag, text string) (scorecard.Number, error) {
		n, err := scorecard.ParseNumber(text)
		if err != nil {
			return n, csperf.FieldErrorf(flag, "%v", err)
		}
		return n, nil
	}
	if *missing != "" {
		s.Missing, changed = *missing, true
	}
	if *grades != "" {
		old := s.Grades
		s.Grades = nil
		for _, part := range strings.Split(*grades, ",") {
			code, rest, ok1 := strings.Cut(strings.TrimSpace(part), "=")
			minText, coefText, ok2 := strings.Cut(rest, ":")
			if !ok1 || !ok2 {
				return csperf.FieldErrorf("grades", "%q is not CODE=MIN:COEFFICIENT", part)
			}
			g := scorecard.Grade{Code: code}
			if i := slices.IndexFunc(old, func(o scorecard.Grade) bool { return o.Code == code }); i >= 0 {
				g.NameZH, g.NameEN = old[i].NameZH, old[i].NameEN
			}
			if minText != "" {
				m, err := num("grades", minText)
				if err != nil {
					return err
				}
				g.Min = &m
			}
			if g.Coefficient, err = num("grades", coefText); err != nil {
				return err
			}
			s.Grades = append(s.Grades, g)
		}
		changed = true
	}
	if *raises != "" {
		parts := strings.Split(*raises, ",")
		if len(parts) != 4 {
			return csperf.FieldErrorf("raises", "give four percentages, top quartile first")
		}
		for i, p := range parts {
			if s.RaiseBands[i], err = num("raises", p); err != nil {
				return err
			}
		}
		changed = true
	}
	if *weak != "" {
		if s.WeakPoints, err = num("weak", *weak); err != nil {
			return err
		}
		changed = true
	}
	if *common != "" {
		if s.CommonShare, err = num("common", *common); err != nil {
			return err
		}
		changed = true
	}
	if *newHire >= 0 {
		s.NewHireMonths, changed = *newHire, true
	}
	if changed {
		if err := c.db.SetScorecardSettings(c.ctx, s); err != nil {
			return err
		}
	}
	t := table{Title: "scorecard settings (new cycles copy them)", Header: []string{"setting", "value"}}
	t.Rows = append(t.Rows, []string{"missing", s.Missing})
	for _, g := range s.Grades {
		min := "—"
		if g.Min != nil {
			min = "≥ " + trimDecimals(g.Min.String())
		}
		t.Rows = append(t.Rows, []string{"grade " + g.Code + " " + g.NameZH, min + " ×" + trimDecimals(g.Coefficient.String())})
	}
	for i, r := range s.RaiseBands {
		t.Rows = append(t.Rows, []string{fmt.Sprintf("raise quartile %d", i+1), trimDecimals(r.String()) + "%"})
	}
	t.Rows = append(t.Rows, []string{"training weak below", trimDecimals(s.WeakPoints.String())}, []string{"training common from", s.CommonShare.String() + "%"},
		[]string{"training new hire months", strconv.Itoa(s.NewHireMonths)})
	return c.write(s, []table{t})
}

func (c *cycleCmd) create() error {
	kind := c.fs.String("kind", "", "monthly, quarterly or annual")
	period := c.fs.String("period", "", "2015-09 (monthly), 2015-Q3 (quarterly) or 2015 (annual)")
	dept := c.fs.String("department", "", "the department assessed")
	group := c.fs.String("group", "", "the group assessed")
	id := c.fs.String("id", "", "cycle id (default PERIOD-SCOPE)")
	name := c.fs.String("name", "", "cycle name")
	tpls := c.fs.String("templates", "", "template ids, comma-separated (default: all)")
	if err := c.open(0); err != nil {
		return err
	}
	defer c.db.Close()
	spec := sqlstore.CycleSpec{ID: *id, Name: *name, Kind: *kind, Period: *period}
	switch {
	case *dept != "" && *group == "":
		spec.ScopeLevel, spec.ScopeID = scorecard.ScopeDepartment, *dept
	case *group != "" && *dept == "":
		spec.ScopeLevel, spec.ScopeID = scorecard.ScopeGroup, *group
	default:
		return csperf.FieldErrorf("scope", "give --department D or --group G")
	}
	if *tpls != "" {
		spec.Templates = strings.Split(*tpls, ",")
	}
	cy, err := c.db.CreateCycle(c.ctx, spec)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.m.Stdout, "created cycle %s (%s, %s %s, %d members): open\n", cy.ID, cy.Period, cy.ScopeLevel, cy.ScopeID, cy.Members)
	return nil
}

func (c *cycleCmd) rate() error {
	file := c.fs.String("file", "", "CSV or XLSX of ratings")
	emp := c.fs.String("employee", "", "employee id")
	item := c.fs.String("item", "", "template item id")
	source := c.fs.String("source", "", "self or supervisor")
	points := c.fs.String("points", "", "0–100, e.g. 85 or 87.5")
	clear := c.fs.Bool("clear", false, "remove the rating of --employee, --item and --source (it becomes a missing input)")
	if err := c.open(1); err != nil {
		return err
	}
	defer c.db.Close()
	if *clear {
		if *file != "" || *points != "" || *emp == "" || *item == "" || *source == "" {
			return csperf.Errorf(csperf.EINVALID, "--clear takes --employee, --item and --source, and no --points or --file")
		}
		if err := c.db.ClearRating(c.ctx, c.id(), *emp, *item, *source); err != nil {
			return err
		}
		fmt.Fprintf(c.m.Stdout, "cycle %s: the %s rating of %s for %s is cleared\n", c.id(), *source, *emp, *item)
		return nil
	}
	var rs []scorecard.Rating
	if *file != "" {
		r, err := importer.OpenFile(*file, importer.Options{})
		if err != nil {
			return csperf.Errorf(csperf.EINVALID, "%s: %v", *file, err)
		}
		defer r.Close()
		if rs, err = importer.ReadRatings(r, c.db.Loc); err != nil {
			return err
		}
	} else {
		if *emp == "" || *item == "" || *source == "" || *points == "" {
			return csperf.Errorf(csperf.EINVALID, "give --file FILE, or --employee, --item, --source and --points")
		}
		n, err := scorecard.ParseNumber(*points)
		if err != nil {
			return csperf.FieldErrorf("points", "%v", err)
		}
		rs = []scorecard.Rating{{EmployeeID: *emp, Item: *item, Source: *source, Points: n}}
	}
	changed, err := c.db.SetRatings(c.ctx, c.id(), rs)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.m.Stdout, "cycle %s: %d ratings read, %d changed\n", c.id(), len(rs), changed)
	return nil
}

func (c *cycleCmd) collected() error {
	if err := c.open(1); err != nil {
		return err
	}
	defer c.db.Close()
	gaps, err := c.db.MarkRatingsCollected(c.ctx, c.id())
	if err != nil {
		return err
	}
	t := table{Title: fmt.Sprintf("cycle %s: ratings collected; %d still missing (scored by the cycle's missing-input rule)", c.id(), len(gaps)),
		Header: []string{"employee_id", "item", "source"}}
	for _, g := range gaps {
		t.Rows = append(t.Rows, []string{g.EmployeeID, g.Item, g.Source})
	}
	return c.write(gaps, []table{t})
}

func (c *cycleCmd) compute() error {
	if err := c.open(1); err != nil {
		return err
	}
	defer c.db.Close()
	cy, comp, err := c.db.ComputeCycle(c.ctx, c.id())
	if err != nil {
		return err
	}
	s := comp.Summary
	var grades []string
	for _, g := range cy.Setup.Settings.Grades {
		grades = append(grades, fmt.Sprintf("%s %d", g.Code, s.ByGrade[g.Code]))
	}
	fmt.Fprintf(c.m.Stdout, "cycle %s computed by %s: %d members, %d scored (%s), %d with missing inputs, %d without template; bonus %s yuan\nsha256 %s\n",
		cy.ID, cy.ComputedBy, s.Employees, s.Scored, strings.Join(grades, ", "), s.WithMissing, len(comp.NoTemplate), s.Bonus, cy.SHA256)
	return nil
}

func (c *cycleCmd) verify() error {
	if err := c.open(1); err != nil {
		return err
	}
	defer c.db.Close()
	sum, ok, err := c.db.VerifyCycle(c.ctx, c.id())
	if err != nil {
		return err
	}
	if !ok {
		return csperf.Errorf(csperf.ECONFLICT, "cycle %s: its stored inputs do not give its stored results (sha256 %s)", c.id(), sum)
	}
	fmt.Fprintf(c.m.Stdout, "cycle %s: recomputed from its stored inputs, byte-identical (sha256 %s)\n", c.id(), sum)
	return nil
}

func (c *cycleCmd) show() error {
	emp := c.fs.String("employee", "", "show this employee's whole explanation")
	lang := c.fs.String("lang", "zh", "language of a PDF (--format pdf): zh or en")
	if err := c.open(1); err != nil {
		return err
	}
	defer c.db.Close()
	if *c.format == "pdf" {
		if err := checkLang(*lang); err != nil {
			return err
		}
		if err := c.m.pdfTarget(*c.out); err != nil {
			return err
		}
	}
	cy, err := c.db.Cycle(c.ctx, c.id())
	if err != nil {
		return err
	}
	if *emp != "" {
		r, err := c.db.CycleResult(c.ctx, c.id(), *emp)
		if err != nil {
			return err
		}
		if *c.format == "pdf" {
			meta, err := c.m.pdfMeta(c.ctx, c.db, *lang, *c.as)
			if err != nil {
				return err
			}
			return c.m.writePDF(*c.out, pdf.Result(meta, cy, r))
		}
		return c.write(r, explainTables(cy, r))
	}
	if *c.format == "pdf" {
		meta, err := c.m.pdfMeta(c.ctx, c.db, *lang, *c.as)
		if err != nil {
			return err
		}
		if cy.SHA256 == "" {
			return c.m.writePDF(*c.out, pdf.Cycle(meta, cy, nil, "", nil))
		}
		comp, sum, err := c.db.CycleComputation(c.ctx, c.id())
		if err != nil {
			return err
		}
		return c.m.writePDF(*c.out, pdf.Cycle(meta, cy, &comp.Summary, sum, comp.Results))
	}
	head := table{Title: "cycle", Header: cycleHeader, Rows: [][]string{cycleRow(cy)}}
	st := cy.Setup.Settings
	var gr []string
	for _, g := range st.Grades {
		min := "below"
		if g.Min != nil {
			min = "≥ " + trimDecimals(g.Min.String())
		}
		gr = append(gr, fmt.Sprintf("%s %s ×%s", g.Code, min, trimDecimals(g.Coefficient.String())))
	}
	rules := table{Title: "settings", Header: []string{"setting", "value"}, Rows: [][]string{
		{"missing inputs", st.Missing}, {"grades", strings.Join(gr, "; ")}, {"templates", strings.Join(templateIDs(cy.Setup.Templates), " ")},
		{"state", cy.State + reopenNote(cy)},
	}}
	if cy.SHA256 == "" {
		gaps, err := c.db.RatingGaps(c.ctx, c.id())
		if err != nil {
			return err
		}
		t := table{Title: "ratings missing", Header: []string{"employee_id", "item", "source"}}
		for _, g := range gaps {
			t.Rows = append(t.Rows, []string{g.EmployeeID, g.Item, g.Source})
		}
		return c.write(struct {
			Cycle *scorecard.Cycle      `json:"cycle"`
			Gaps  []scorecard.RatingGap `json:"ratings_missing"`
		}{cy, gaps}, []table{head, rules, t})
	}
	comp, _, err := c.db.CycleComputation(c.ctx, c.id())
	if err != nil {
		return err
	}
	res := table{Title: "results", Header: []string{"employee_id", "name", "position", "group_id", "template", "score", "grade", "coefficient", "bonus_base", "bonus", "missing_inputs"}}
	for _, r := range comp.Results {
		n := 0
		for _, m := range r.Missing {
			if m.Input != "bonus_base" {
				n++
			}
		}
		res.Rows = append(res.Rows, []string{r.ID, r.Name, r.Position, r.GroupID, r.Template, orNone(r.Score), orDashS(r.Grade), coefText(r.Coefficient),
			moneyOr(r.BonusBase), moneyOr(r.Bonus), strconv.Itoa(n)})
	}
	none := table{Title: "members without a template", Header: []string{"employee_id", "name", "position", "group_id"}}
	for _, e := range comp.NoTemplate {
		none.Rows = append(none.Rows, []string{e.ID, e.Name, e.Position, e.GroupID})
	}
	obj, err := c.db.Objections(c.ctx, c.id())
	if err != nil {
		return err
	}
	ot := table{Title: "objections", Header: []string{"objection", "employee_id", "text", "filed_by", "answer", "answered_by"}}
	for _, o := range obj {
		ot.Rows = append(ot.Rows, []string{strconv.FormatInt(o.ID, 10), o.EmployeeID, o.Text, o.FiledBy, orDashS(o.Answer), orDashS(o.AnsweredBy)})
	}
	return c.write(struct {
		Cycle       *scorecard.Cycle       `json:"cycle"`
		Computation *scorecard.Computation `json:"computation"`
		Objections  []scorecard.Objection  `json:"objections"`
	}{cy, comp, obj}, []table{head, rules, res, none, ot})
}

func reopenNote(cy *scorecard.Cycle) string {
	if cy.Reopened == 0 {
		return ""
	}
	return fmt.Sprintf(" (reopened %d×, last: %s)", cy.Reopened, cy.ReopenReason)
}

func templateIDs(ts []scorecard.Template) []string {
	out := make([]string, len(ts))
	for i, t := range ts {
		out[i] = t.ID
	}
	return out
}

// explainTables lays one employee's result out: every item with its value,
// numerator, denominator, rule, points per source, weight and
// contribution; each source's part; the grade and bonus rules; the missing
// inputs.
func explainTables(cy *scorecard.Cycle, r *scorecard.Result) []table {
	head := table{Title: fmt.Sprintf("%s %s — cycle %s (%s), template %s", r.ID, r.Name, cy.ID, cy.Period, r.Template),
		Header: []string{"score", "grade", "grade rule", "bonus base", "bonus", "bonus rule"},
		Rows:   [][]string{{orNone(r.Score), orDashS(r.GradeName + " " + r.Grade), r.GradeRule, moneyOr(r.BonusBase), moneyOr(r.Bonus), orDashS(r.BonusRule)}}}
	items := table{Title: "items", Header: []string{"item", "name", "kpi", "value", "numerator", "denominator", "rule", "applied",
		"self", "supervisor", "customer", "points", "weight", "effective_weight", "contribution"}}
	for _, it := range r.Items {
		num, den := "", ""
		if it.Numerator != nil {
			num, den = strconv.FormatInt(*it.Numerator, 10), strconv.FormatInt(*it.Denominator, 10)
		}
		parts := map[string]string{scorecard.SourceSelf: "", scorecard.SourceSupervisor: "", scorecard.SourceCustomer: ""}
		for _, p := range it.Parts {
			s := "missing"
			if p.Points != nil {
				s = p.Points.String() + " ×" + trimDecimals(p.Share.String()) + "%"
				if p.Missing {
					s += " (missing)"
				}
			}
			parts[p.Source] = s
		}
		name := it.NameZH
		if name == "" {
			name = it.NameEN
		}
		items.Rows = append(items.Rows, []string{it.Item, name, it.KPI, it.Value, num, den, it.Rule, it.Applied,
			parts[scorecard.SourceSelf], parts[scorecard.SourceSupervisor], parts[scorecard.SourceCustomer],
			orNone(it.Points), trimDecimals(it.Weight.String()) + "%", trimDecimals(it.Effective.String()) + "%", it.Contribution.String()})
	}
	src := table{Title: "360 sources", Header: []string{"source", "weight", "own score", "contribution"}}
	for _, s := range r.Sources {
		src.Rows = append(src.Rows, []string{s.Source, trimDecimals(s.Weight.String()) + "%", orNone(s.Score), s.Contribution.String()})
	}
	miss := table{Title: "missing inputs (rule: " + cy.Setup.Settings.Missing + ")", Header: []string{"item", "source", "input", "action"}}
	for _, m := range r.Missing {
		miss.Rows = append(miss.Rows, []string{m.Item, m.Source, m.Input, m.Action})
	}
	return []table{head, items, src, miss}
}

func (c *cycleCmd) approve() error {
	if err := c.open(1); err != nil {
		return err
	}
	defer c.db.Close()
	if err := c.db.ApproveCycle(c.ctx, c.id()); err != nil {
		return err
	}
	fmt.Fprintf(c.m.Stdout, "cycle %s signed off by %s: the results take effect\n", c.id(), *c.as)
	return nil
}

func (c *cycleCmd) object() error {
	emp := c.fs.String("employee", "", "the employee objecting")
	text := c.fs.String("text", "", "the objection")
	if err := c.open(1); err != nil {
		return err
	}
	defer c.db.Close()
	o, err := c.db.FileObjection(c.ctx, c.id(), *emp, *text)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.m.Stdout, "objection %d filed for %s in cycle %s\n", o.ID, o.EmployeeID, c.id())
	return nil
}

func (c *cycleCmd) answer() error {
	id := c.fs.Int64("objection", 0, "objection number")
	text := c.fs.String("text", "", "the answer")
	if err := c.open(1); err != nil {
		return err
	}
	defer c.db.Close()
	if err := c.db.AnswerObjection(c.ctx, c.id(), *id, *text); err != nil {
		return err
	}
	fmt.Fprintf(c.m.Stdout, "objection %d answered\n", *id)
	return nil
}

func (c *cycleCmd) close() error {
	if err := c.open(1); err != nil {
		return err
	}
	defer c.db.Close()
	if err := c.db.CloseCycle(c.ctx, c.id()); err != nil {
		return err
	}
	cy, err := c.db.Cycle(c.ctx, c.id())
	if err != nil {
		return err
	}
	fmt.Fprintf(c.m.Stdout, "cycle %s closed: inputs and results frozen (sha256 %s)\n", cy.ID, cy.SHA256)
	return nil
}

func (c *cycleCmd) reopen() error {
	reason := c.fs.String("reason", "", "why the cycle is reopened")
	if err := c.open(1); err != nil {
		return err
	}
	defer c.db.Close()
	if err := c.db.ReopenCycle(c.ctx, c.id(), *reason); err != nil {
		return err
	}
	fmt.Fprintf(c.m.Stdout, "cycle %s reopened: compute, sign off and close it again\n", c.id())
	return nil
}

func (c *cycleCmd) export() error {
	hdr := c.fs.String("header", "en", "column names: en or zh")
	draft := c.fs.Bool("draft", false, "export results not yet signed off (marked DRAFT)")
	if err := c.open(1); err != nil {
		return err
	}
	defer c.db.Close()
	if *c.format == "table" {
		*c.format = "csv"
		if strings.HasSuffix(strings.ToLower(*c.out), ".xlsx") {
			*c.format = "xlsx"
		}
	}
	if *c.format != "csv" && *c.format != "xlsx" {
		return csperf.FieldErrorf("format", "the payroll file is csv or xlsx, not %q", *c.format)
	}
	cy, err := c.db.Cycle(c.ctx, c.id())
	if err != nil {
		return err
	}
	if !cy.InEffect() && !*draft {
		return csperf.Errorf(csperf.ECONFLICT, "cycle %s is %s: its results take effect when a second user signs them off (csperf cycle approve); --draft exports them anyway", cy.ID, cy.State)
	}
	comp, sum, err := c.db.CycleComputation(c.ctx, c.id())
	if err != nil {
		return err
	}
	header, rows := scorecard.Payroll(comp, cy.InEffect(), *hdr == "zh")
	t := table{Header: header, Rows: rows}
	if err := c.write(nil, []table{t}); err != nil {
		return err
	}
	fmt.Fprintf(c.m.Stderr, "cycle %s (%s): %d rows, bonus total %s yuan, sha256 %s\n", cy.ID, cy.State, len(t.Rows), comp.Summary.Bonus, sum)
	return nil
}

func (c *cycleCmd) promotions() error {
	if err := c.open(0); err != nil {
		return err
	}
	defer c.db.Close()
	ps, err := c.db.Promotions(c.ctx)
	if err != nil {
		return err
	}
	t := table{Title: "promotion list: excellent in two consecutive annual cycles", Header: []string{"employee_id", "name", "position", "group_id", "years", "cycles", "scores"}}
	for _, p := range ps {
		t.Rows = append(t.Rows, []string{p.EmployeeID, p.Name, p.Position, p.GroupID, fmt.Sprintf("%d, %d", p.Years[0], p.Years[1]),
			p.Cycles[0] + ", " + p.Cycles[1], p.Scores[0].String() + ", " + p.Scores[1].String()})
	}
	return c.write(ps, []table{t})
}

func (c *cycleCmd) raises() error {
	year := c.fs.Int("year", 0, "the year of the annual cycles")
	if err := c.open(0); err != nil {
		return err
	}
	defer c.db.Close()
	if *year == 0 {
		return csperf.FieldErrorf("year", "give --year YYYY")
	}
	rs, err := c.db.Raises(c.ctx, *year)
	if err != nil {
		return err
	}
	t := table{Title: fmt.Sprintf("raise ranking %d: annual scores within position", *year),
		Header: []string{"position", "rank", "of", "employee_id", "name", "group_id", "score", "grade", "quartile", "suggested_raise", "rule"}}
	for _, r := range rs {
		t.Rows = append(t.Rows, []string{r.Position, strconv.Itoa(r.Rank), strconv.Itoa(r.Of), r.EmployeeID, r.Name, r.GroupID, r.Score.String(), r.Grade,
			"Q" + strconv.Itoa(r.Quartile), trimDecimals(r.Raise.String()) + "%", r.Rule})
	}
	return c.write(rs, []table{t})
}

const trainingUsage = `cycle training SUBCOMMAND [flags]

Training (SPEC §10):
  needs CYCLE     the training-needs report of a closed cycle: each group's common weak items,
                  each employee's weakest items, new hires on the basic track
  plan --id P --course C --mode online|offline --from YYYY-MM-DD --to YYYY-MM-DD
       --horizon annual|quarterly|monthly --targets KPI_OR_ITEM,… --participants E1,E2,…
       [--trainer T] [--content TEXT]      create or replace a plan
  plans           the plans and their participants' scores
  score --plan P --employee E [--exam N] [--practical N]   record exam and practical scores
  effect PLAN     each participant's points on the targets in the cycle before and after`

func (c *cycleCmd) training() error {
	if len(c.args) == 0 || strings.HasPrefix(c.args[0], "-") {
		fmt.Fprintln(c.m.Stderr, "Usage: csperf "+trainingUsage)
		return csperf.Errorf(csperf.EINVALID, "give a training subcommand: needs, plan, plans, score or effect")
	}
	sub := c.args[0]
	c.args = c.args[1:]
	c.sub = "training " + sub
	c.fs.Usage = func() { fmt.Fprintln(c.m.Stderr, "Usage: csperf "+trainingUsage); c.fs.PrintDefaults() }
	switch sub {
	case "needs":
		return c.trainingNeeds()
	case "plan":
		return c.trainingPlan()
	case "plans":
		return c.trainingPlans()
	case "score":
		return c.trainingScore()
	case "effect":
		return c.trainingEffect()
	}
	return csperf.Errorf(csperf.EINVALID, "unknown training subcommand %q (needs, plan, plans, score, effect)", sub)
}

func (c *cycleCmd) trainingNeeds() error {
	if err := c.open(1); err != nil {
		return err
	}
	defer c.db.Close()
	rep, err := c.db.TrainingNeeds(c.ctx, c.id())
	if err != nil {
		return err
	}
	gt := table{Title: fmt.Sprintf("common weaknesses by group (cycle %s, weak below %s points)", rep.CycleID, trimDecimals(rep.WeakPoints.String())),
		Header: []string{"group_id", "item", "name", "kpi", "weak", "judged", "share", "mean_points"}}
	for _, g := range rep.Groups {
		for _, w := range g.Common {
			gt.Rows = append(gt.Rows, []string{g.GroupID, w.Item, w.NameZH, w.KPI, strconv.Itoa(w.Weak), strconv.Itoa(w.Judged), w.Share.String() + "%", w.Mean.String()})
		}
	}
	et := table{Title: "training needs by employee", Header: []string{"employee_id", "name", "position", "group_id", "new_hire", "track", "weakest_items"}}
	for _, n := range rep.Employees {
		var w []string
		for _, x := range n.Weakest {
			w = append(w, fmt.Sprintf("%s %s", x.Item, x.Points.String()))
		}
		et.Rows = append(et.Rows, []string{n.EmployeeID, n.Name, n.Position, n.GroupID, strconv.FormatBool(n.NewHire), n.Track, strings.Join(w, "; ")})
	}
	return c.write(rep, []table{gt, et})
}

func (c *cycleCmd) trainingPlan() error {
	id := c.fs.String("id", "", "plan id")
	course := c.fs.String("course", "", "course")
	content := c.fs.String("content", "", "content")
	mode := c.fs.String("mode", "offline", "online or offline")
	trainer := c.fs.String("trainer", "", "trainer")
	from := c.fs.String("from", "", "first day YYYY-MM-DD")
	to := c.fs.String("to", "", "last day YYYY-MM-DD")
	horizon := c.fs.String("horizon", "quarterly", "annual, quarterly or monthly plan")
	targets := c.fs.String("targets", "", "KPI or item ids the course aims at, comma-separated")
	parts := c.fs.String("participants", "", "employee ids, comma-separated")
	if err := c.open(0); err != nil {
		return err
	}
	defer c.db.Close()
	start, err1 := csperf.ParseDate(*from)
	end, err2 := csperf.ParseDate(*to)
	if err1 != nil || err2 != nil {
		return csperf.FieldErrorf("from", "give --from and --to as YYYY-MM-DD")
	}
	p := scorecard.TrainingPlan{ID: *id, Course: *course, Content: *content, Mode: *mode, Trainer: *trainer, Starts: start, Ends: end, Horizon: *horizon}
	for _, t := range strings.Split(*targets, ",") {
		if t = strings.TrimSpace(t); t != "" {
			p.Targets = append(p.Targets, t)
		}
	}
	for _, e := range strings.Split(*parts, ",") {
		if e = strings.TrimSpace(e); e != "" {
			p.Participants = append(p.Participants, scorecard.TrainingParticipant{EmployeeID: e})
		}
	}
	if err := c.db.SaveTrainingPlan(c.ctx, p); err != nil {
		return err
	}
	fmt.Fprintf(c.m.Stdout, "training plan %s saved: %s, %d participants\n", p.ID, p.Course, len(p.Participants))
	return nil
}

func (c *cycleCmd) trainingPlans() error {
	if err := c.open(0); err != nil {
		return err
	}
	defer c.db.Close()
	ps, err := c.db.TrainingPlans(c.ctx)
	if err != nil {
		return err
	}
	t := table{Title: "training plans", Header: []string{"plan_id", "course", "mode", "trainer", "from", "to", "horizon", "targets", "employee_id", "exam", "practical"}}
	for _, p := range ps {
		for _, pt := range p.Participants {
			t.Rows = append(t.Rows, []string{p.ID, p.Course, p.Mode, p.Trainer, p.Starts.String(), p.Ends.String(), p.Horizon, strings.Join(p.Targets, " "),
				pt.EmployeeID, orNone(pt.Exam), orNone(pt.Practical)})
		}
		if len(p.Participants) == 0 {
			t.Rows = append(t.Rows, []string{p.ID, p.Course, p.Mode, p.Trainer, p.Starts.String(), p.Ends.String(), p.Horizon, strings.Join(p.Targets, " "), "", "", ""})
		}
	}
	return c.write(ps, []table{t})
}

func (c *cycleCmd) trainingScore() error {
	plan := c.fs.String("plan", "", "plan id")
	emp := c.fs.String("employee", "", "participant")
	exam := c.fs.String("exam", "", "exam score 0–100")
	prac := c.fs.String("practical", "", "practical score 0–100")
	if err := c.open(0); err != nil {
		return err
	}
	defer c.db.Close()
	var e, p *scorecard.Number
	for _, x := range []struct {
		text string
		dst  **scorecard.Number
	}{{*exam, &e}, {*prac, &p}} {
		if x.text == "" {
			continue
		}
		n, err := scorecard.ParseNumber(x.text)
		if err != nil {
			return csperf.FieldErrorf("score", "%v", err)
		}
		*x.dst = &n
	}
	if err := c.db.RecordTrainingScores(c.ctx, *plan, *emp, e, p); err != nil {
		return err
	}
	fmt.Fprintf(c.m.Stdout, "scores of %s in %s recorded\n", *emp, *plan)
	return nil
}

func (c *cycleCmd) trainingEffect() error {
	if err := c.open(1); err != nil {
		return err
	}
	defer c.db.Close()
	ce, err := c.db.CourseEffect(c.ctx, c.id())
	if err != nil {
		return err
	}
	lt := table{Title: fmt.Sprintf("effect of %s (%s): points before and after", ce.PlanID, ce.Course),
		Header: []string{"employee_id", "target", "cycle_before", "before", "cycle_after", "after", "change", "exam", "practical"}}
	for _, l := range ce.Lines {
		lt.Rows = append(lt.Rows, []string{l.EmployeeID, l.Target, orDashS(l.CycleBefore), orNone(l.Before), orDashS(l.CycleAfter), orNone(l.After), orNone(l.Change), orNone(l.Exam), orNone(l.Practical)})
	}
	tt := table{Title: fmt.Sprintf("by target (mean exam %s, mean practical %s)", orNone(ce.MeanExam), orNone(ce.MeanPractical)),
		Header: []string{"target", "compared", "mean_before", "mean_after", "mean_change"}}
	for _, te := range ce.Targets {
		tt.Rows = append(tt.Rows, []string{te.Target, strconv.Itoa(te.Compared), orNone(te.MeanBefore), orNone(te.MeanAfter), orNone(te.MeanChange)})
	}
	return c.write(ce, []table{lt, tt})
}
