package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"csperf"
	"csperf/importer"
)

// keySep joins the parts of a composite key in URLs: a membership is
// /api/v1/memberships/E0012~2015-01-01. Ids never contain "~".
const keySep = "~"

// splitKey splits an id from a URL into the parts of k's key.
func splitKey(k *csperf.Kind, id string) []string {
	if len(k.Key) == 1 {
		return []string{id}
	}
	return strings.Split(id, keySep)
}

// recordID joins the key of r for URLs.
func recordID(k *csperf.Kind, r csperf.Record) string {
	parts := make([]string, len(k.Key))
	for i, n := range k.Key {
		parts[i] = text(r[n], nil)
	}
	return strings.Join(parts, keySep)
}

// text is the text form of a record value as pages and CSV show it: dates
// YYYY-MM-DD, instants in loc as "2006-01-02 15:04:05" (RFC 3339 when loc
// is nil), money with two decimals, booleans 1/0.
func text(v any, loc *time.Location) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "1"
		}
		return "0"
	case int64:
		return strconv.FormatInt(x, 10)
	case time.Time:
		if loc == nil {
			return x.UTC().Format(time.RFC3339)
		}
		return x.In(loc).Format("2006-01-02 15:04:05")
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// jsonValue is a record value as the API writes it: dates "YYYY-MM-DD",
// instants RFC 3339 in the organisation's zone, money as a decimal string,
// personal data masked unless unmask.
func jsonValue(f *csperf.Field, v any, loc *time.Location, unmask bool) any {
	switch x := v.(type) {
	case nil:
		return nil
	case time.Time:
		return x.In(loc).Format(time.RFC3339)
	case csperf.Date, csperf.Money:
		return x.(fmt.Stringer).String()
	case string:
		if f.PII != csperf.PIINone && !unmask {
			return csperf.Mask(f.PII, x)
		}
		return x
	}
	return v
}

// masked returns r with personal data masked (a copy), unless unmask.
func masked(k *csperf.Kind, r csperf.Record, unmask bool) csperf.Record {
	out := make(csperf.Record, len(r))
	for n, v := range r {
		out[n] = v
	}
	if unmask {
		return out
	}
	for _, f := range k.Fields {
		if s, ok := out[f.Name].(string); ok && f.PII != csperf.PIINone {
			out[f.Name] = csperf.Mask(f.PII, s)
		}
	}
	return out
}

// jsonRecord is r as a JSON object in field order.
type jsonRecord struct {
	k      *csperf.Kind
	r      csperf.Record
	loc    *time.Location
	unmask bool
}

func (j jsonRecord) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, f := range j.k.Fields {
		if i > 0 {
			b.WriteByte(',')
		}
		kb, _ := json.Marshal(f.Name)
		b.Write(kb)
		b.WriteByte(':')
		vb, err := json.Marshal(jsonValue(&j.k.Fields[i], j.r[f.Name], j.loc, j.unmask))
		if err != nil {
			return nil, err
		}
		b.Write(vb)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// parseJSONRecord reads a JSON object of field values for kind k. Unknown
// fields are an error naming the field; values are parsed by field type.
func parseJSONRecord(k *csperf.Kind, body []byte, loc *time.Location) (csperf.Record, error) {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.UseNumber()
	var raw map[string]any
	if err := dec.Decode(&raw); err != nil || raw == nil {
		return nil, csperf.Errorf(csperf.EINVALID, "the body must be a JSON object of field values")
	}
	names := make([]string, 0, len(raw))
	for name := range raw {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if k.Field(name) == nil {
			return nil, csperf.FieldErrorf(name, "%s have no field %s", k.Name, name)
		}
	}
	r := csperf.Record{}
	for i := range k.Fields {
		f := &k.Fields[i]
		v, ok := raw[f.Name]
		if !ok {
			continue
		}
		val, err := jsonFieldValue(f, v, loc)
		if err != nil {
			return nil, err
		}
		r[f.Name] = val
	}
	return r, nil
}

func jsonFieldValue(f *csperf.Field, v any, loc *time.Location) (any, error) {
	switch x := v.(type) {
	case nil:
		return nil, nil
	case string:
		return parseText(f, x, loc)
	case json.Number:
		switch f.Type {
		case csperf.TInt, csperf.TMoney, csperf.TEnum:
			return parseText(f, x.String(), loc)
		}
		return nil, csperf.FieldErrorf(f.Name, "want %s, not a number", typeName(f.Type))
	case bool:
		if f.Type == csperf.TBool {
			return x, nil
		}
		return nil, csperf.FieldErrorf(f.Name, "want %s, not true or false", typeName(f.Type))
	}
	return nil, csperf.FieldErrorf(f.Name, "want %s", typeName(f.Type))
}

func typeName(t csperf.FieldType) string {
	switch t {
	case csperf.TInt:
		return "a whole number"
	case csperf.TBool:
		return "true or false"
	case csperf.TDate:
		return "a date YYYY-MM-DD"
	case csperf.TTime:
		return "a time (RFC 3339, or YYYY-MM-DDTHH:MM:SS in the organisation's time zone)"
	case csperf.TMoney:
		return "an amount such as \"123.45\""
	case csperf.TEnum:
		return "one of the listed codes"
	}
	return "text"
}

// parseText parses the text of one field (a form input, a JSON string, a
// query filter) exactly as an import does. Empty text is nil. Errors name
// the field; the importer's messages never repeat personal data.
func parseText(f *csperf.Field, s string, loc *time.Location) (any, error) {
	if strings.TrimSpace(s) == "" {
		return nil, nil
	}
	v, err := importer.ParseValue(f, s, loc)
	if err != nil {
		return nil, csperf.FieldErrorf(f.Name, "%v", err)
	}
	return v, nil
}

// defaults fills absent key parts that have a default (coverage's
// from_date) before a record is created.
func defaults(k *csperf.Kind, r csperf.Record, loc *time.Location) error {
	for i := range k.Fields {
		f := &k.Fields[i]
		if f.Default == "" || r[f.Name] != nil {
			continue
		}
		v, err := parseText(f, f.Default, loc)
		if err != nil {
			return err
		}
		r[f.Name] = v
	}
	return nil
}
