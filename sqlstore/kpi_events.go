package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"csperf"
	"csperf/kpi"
)

// eventReader streams the records of one kind as kpi.Events: every stored
// field, plus the fields the kpi package expects the store to supply by a
// join (kpi.EventField.Supplied).
type eventReader struct {
	db    *DB
	kind  *csperf.Kind
	sel   string
	names []string
	types []csperf.FieldType
	sets  []suppliedSet
}

type suppliedSet struct {
	field, key, query string
	ids               map[string]bool // nil until loaded
}

// suppliedSQL are the joins behind the supplied fields, on table alias t.
var suppliedSQL = map[string]string{
	"qa_evaluations.agent_id": "(SELECT c.agent_id FROM calls c WHERE c.call_id = t.call_id)",
}

// suppliedSets are the supplied booleans "some row of another kind names
// this event": the ids named are read once into a set, which is much
// cheaper than a lookup per event.
var suppliedSets = map[string]struct{ key, query string }{
	"calls.qa_scored":         {"call_id", "SELECT DISTINCT call_id FROM qa_evaluations"},
	"return_visit_plans.done": {"plan_id", "SELECT DISTINCT plan_id FROM return_visits WHERE plan_id IS NOT NULL"},
}

// newEventReader reads every field of kind, or only the stored fields
// named by only (a lean read for measures that need no more).
func newEventReader(db *DB, kind string, only ...string) *eventReader {
	k := csperf.KindByName(kind)
	rd := &eventReader{db: db, kind: k}
	var cols []string
	for _, f := range k.Fields {
		if len(only) > 0 && !slices.Contains(only, f.Name) {
			continue
		}
		cols = append(cols, "t."+f.Name)
		rd.names = append(rd.names, f.Name)
		rd.types = append(rd.types, f.Type)
	}
	for _, f := range kpi.EventFields(kind) {
		if !f.Supplied || len(only) > 0 {
			continue
		}
		if s, ok := suppliedSets[kind+"."+f.Name]; ok {
			rd.sets = append(rd.sets, suppliedSet{field: f.Name, key: s.key, query: s.query})
			continue
		}
		expr, ok := suppliedSQL[kind+"."+f.Name]
		if !ok {
			continue
		}
		cols = append(cols, expr)
		rd.names = append(rd.names, f.Name)
		rd.types = append(rd.types, f.Type)
	}
	rd.sel = strings.Join(cols, ", ")
	return rd
}

// dayRange is the condition selecting events whose field falls on the
// local days a..b: dates compare as they are, instants against local
// midnights.
func (rd *eventReader) dayRange(field string, a, b csperf.Date, loc *time.Location) (string, []any) {
	f := rd.kind.Field(field)
	if f != nil && f.Type == csperf.TTime {
		return "t." + field + " >= ? AND t." + field + " < ?", []any{rd.db.d.arg(a.Time(loc)), rd.db.d.arg((b + 1).Time(loc))}
	}
	return "t." + field + " >= ? AND t." + field + " <= ?", []any{rd.db.d.arg(a), rd.db.d.arg(b)}
}

// dayScan is dayRange for a pass over most of the table: the engine is
// told to scan rather than look every event up through the date index.
func (rd *eventReader) dayScan(field string, a, b csperf.Date, loc *time.Location) (string, []any) {
	w, args := rd.dayRange(field, a, b, loc)
	return strings.ReplaceAll(w, "t."+field, rd.db.d.noIndex("t."+field)), args
}

// each calls fn with every event matching where (on alias t). The event
// map is reused between calls: fn must not keep it.
func (rd *eventReader) each(ctx context.Context, q querier, where string, args []any, fn func(kpi.Event) error) error {
	for i := range rd.sets {
		s := &rd.sets[i]
		if s.ids != nil {
			continue
		}
		ids, err := scanStrings(q.QueryContext(ctx, s.query))
		if err != nil {
			return err
		}
		s.ids = make(map[string]bool, len(ids))
		for _, id := range ids {
			s.ids[id] = true
		}
	}
	sqlText := "SELECT " + rd.sel + " FROM " + rd.kind.Table + " t"
	if where != "" {
		sqlText += " WHERE " + where
	}
	rows, err := q.QueryContext(ctx, rd.db.q(sqlText), args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	raw := make([]any, len(rd.names))
	dest := make([]any, len(raw))
	for i := range raw {
		dest[i] = &raw[i]
	}
	e := kpi.Event{}
	for rows.Next() {
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		clear(e)
		for i, v := range raw {
			if v == nil {
				continue
			}
			x, err := rd.db.d.scanValue(rd.types[i], v)
			if err != nil {
				return fmt.Errorf("%s.%s: %w", rd.kind.Name, rd.names[i], err)
			}
			e[rd.names[i]] = x
		}
		for _, s := range rd.sets {
			id, _ := e[s.key].(string)
			e[s.field] = s.ids[id]
		}
		if err := fn(e); err != nil {
			return err
		}
	}
	return rows.Err()
}
