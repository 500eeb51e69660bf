package csperf

// FieldType says how a field's text is parsed, stored and shown.
type FieldType int

// Field types. Every value of a record is one of these; the importer parses
// text into them and the store binds them.
const (
	TString FieldType = iota // free text, trimmed
	TInt                     // whole number (int64)
	TBool                    // 1/0, true/false, yes/no, 是/否, y/n
	TDate                    // calendar day, Date
	TTime                    // instant, time.Time in UTC; text without an offset is local time
	TMoney                   // yuan with at most two decimals, Money (fen)
	TEnum                    // one of Field.Enum (codes); Chinese labels accepted through EnumAliases
	TRef                     // id of a record of kind Field.Ref
)

// PII says which personal-data masking rule applies to a field.
type PII int

// Personal-data classes; every value of a class other than PIINone is masked
// wherever it is shown or exported unless the viewer unmasks it.
const (
	PIINone PII = iota
	PIIPhone
	PIIIDNumber
	PIIEmail
	PIIAddress
)

// Field describes one column of a record kind.
type Field struct {
	Name        string            // canonical (English) column name, also the SQL column
	Type        FieldType         //
	Required    bool              // must be present and non-empty
	Ref         string            // for TRef: the kind whose key it names
	Enum        []string          // for TEnum: allowed codes
	EnumAliases map[string]string // for TEnum: other accepted spellings (Chinese labels) → code
	Min, Max    int64             // for TInt: inclusive bounds when Min < Max
	MaxLen      int               // for TString: limit in characters (0: 2,000)
	PII         PII               //
	Default     string            // text used when the cell is empty or the column absent (key parts that may be left out)
	Aliases     []string          // other accepted header names (Chinese first)
	Label       string            // Chinese label for pages and export headers
	LabelEn     string            // English label
}

// Kind describes one kind of record: its table, its key and its fields. The
// importer, the exporter, the generic store and the JSON API are all driven
// by these descriptors, so that a kind is declared once.
type Kind struct {
	Name    string   // import/export/API name, e.g. "visits"
	Table   string   // SQL table
	Key     []string // key fields (the user's own ids); several for link kinds such as coverage
	Fields  []Field  //
	Label   string   // Chinese name
	LabelEn string   // English name
}

// Field returns the field named name, or nil.
func (k *Kind) Field(name string) *Field {
	for i := range k.Fields {
		if k.Fields[i].Name == name {
			return &k.Fields[i]
		}
	}
	return nil
}

// IsKey reports whether name is one of k's key fields.
func (k *Kind) IsKey(name string) bool {
	for _, n := range k.Key {
		if n == name {
			return true
		}
	}
	return false
}
