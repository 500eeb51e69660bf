package importer

import (
	"fmt"
	"strings"
	"unicode"

	"csperf"
)

// Mapping says which column of a file holds which field of a kind.
type Mapping struct {
	Kind *csperf.Kind
	// Header is the file's header as written.
	Header []string
	// Columns holds, for each of Kind.Fields, the index of its column in
	// the file, or -1 when the file has none.
	Columns []int
	// Ignored lists the headers of the columns that match no field, as
	// written, so that the user can be told what was not imported.
	Ignored []string
	// Date1904 is set for workbooks that count serial dates from 1904;
	// Reader.Map sets it.
	Date1904 bool
}

// Matching tiers: a header that is one field's name and another's alias
// is the first field's.
const (
	tierName = iota
	tierLabel
	tierAlias
)

// MapHeader matches each header cell to a field of k by the field's Name,
// Label, LabelEn or any of its Aliases. Matching ignores case, spaces,
// underscores and dashes, full-width forms (（）, full-width letters and
// digits), a byte-order mark and the asterisks templates put on required
// columns; a header "进站日期（visit_date）" matches by either part.
//
// A field that is Required, has no Default and has no column is an error
// naming it ("missing column visit_date (进站日期)"), as are two columns for
// one field and a header that two fields answer to equally. Columns that
// match no field are ignored and listed in Mapping.Ignored. Errors come as
// one *csperf.ImportError whose rows are row 1 of an unnamed file;
// Reader.Map names it.
func MapHeader(k *csperf.Kind, header []string) (*Mapping, error) {
	type entry struct {
		field, tier int
		ambiguous   bool
	}
	names := make(map[string]entry)
	add := func(s string, field, tier int) {
		key := headerKey(s)
		if key == "" {
			return
		}
		e, ok := names[key]
		switch {
		case !ok || tier < e.tier:
			names[key] = entry{field: field, tier: tier}
		case tier == e.tier && e.field != field:
			e.ambiguous = true
			names[key] = e
		}
	}
	for i := range k.Fields {
		f := &k.Fields[i]
		add(f.Name, i, tierName)
		add(f.Label, i, tierLabel)
		add(f.LabelEn, i, tierLabel)
		for _, a := range f.Aliases {
			add(a, i, tierAlias)
		}
	}
	m := &Mapping{Kind: k, Header: header, Columns: make([]int, len(k.Fields))}
	for i := range m.Columns {
		m.Columns[i] = -1
	}
	errs := &csperf.ImportError{}
	fail := func(column, format string, args ...any) {
		errs.Add(csperf.RowError{Row: 1, Column: column, Reason: fmt.Sprintf(format, args...)})
	}
	for col, h := range header {
		text := strings.TrimSpace(strings.TrimPrefix(h, "\uFEFF"))
		e, ok := lookupHeader(names, text)
		switch {
		case text == "":
		case !ok:
			m.Ignored = append(m.Ignored, text)
		case e.ambiguous:
			fail(text, "the header names more than one field of %s; use the English column name", k.Name)
		case m.Columns[e.field] >= 0:
			prev := m.Columns[e.field]
			fail(text, "columns %s (%s) and %s (%s) are both %s", ColumnLetter(prev), strings.TrimSpace(header[prev]), ColumnLetter(col), text, k.Fields[e.field].Name)
		default:
			m.Columns[e.field] = col
		}
	}
	for i := range k.Fields {
		f := &k.Fields[i]
		if m.Columns[i] < 0 && f.Required && f.Default == "" {
			fail("", "missing column %s", fieldTitle(f))
		}
	}
	if errs.Total > 0 {
		return m, errs
	}
	return m, nil
}

// lookupHeader finds a header as a whole, else by the parts of a
// "label (name)" header.
func lookupHeader[E any](names map[string]E, text string) (E, bool) {
	if e, ok := names[headerKey(text)]; ok {
		return e, true
	}
	t := foldWidth(text)
	if open := strings.IndexByte(t, '('); open > 0 && strings.HasSuffix(t, ")") {
		if e, ok := names[headerKey(t[:open])]; ok {
			return e, true
		}
		if e, ok := names[headerKey(t[open+1:len(t)-1])]; ok {
			return e, true
		}
	}
	var zero E
	return zero, false
}

// fieldTitle names a field for a message: its column name and its Chinese
// label, as in "visit_date (进站日期)".
func fieldTitle(f *csperf.Field) string {
	if f.Label != "" {
		return fmt.Sprintf("%s (%s)", f.Name, f.Label)
	}
	return f.Name
}

// headerKey is the form headers are compared in.
func headerKey(s string) string {
	s = foldWidth(strings.TrimPrefix(strings.TrimSpace(s), "\uFEFF"))
	s = strings.Trim(s, "* ")
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '_' || r == '-' || unicode.IsSpace(r):
		default:
			b.WriteRune(unicode.ToLower(r))
		}
	}
	return b.String()
}

// foldWidth turns full-width ASCII forms (（）ＡＢ１２, and the ideographic
// space) into their ASCII counterparts.
func foldWidth(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r >= '！' && r <= '～':
			return r - '！' + '!'
		case r == '\u3000':
			return ' '
		}
		return r
	}, s)
}
