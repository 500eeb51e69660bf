package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"csperf"
)

var _ csperf.RecordService = (*DB)(nil)

// selectList is the column list of a kind's table.
func selectList(k *csperf.Kind, alias string) string { return prefixed(alias, fieldNames(k)) }

func (db *DB) scanRecord(k *csperf.Kind, sc interface{ Scan(...any) error }, extra ...any) (csperf.Record, error) {
	raw := make([]any, len(k.Fields))
	dest := make([]any, 0, len(raw)+len(extra))
	for i := range raw {
		dest = append(dest, &raw[i])
	}
	dest = append(dest, extra...)
	if err := sc.Scan(dest...); err != nil {
		return nil, err
	}
	r := make(csperf.Record, len(k.Fields))
	for i, f := range k.Fields {
		v, err := db.d.scanValue(f.Type, raw[i])
		if err != nil {
			return nil, fmt.Errorf("%s.%s: %w", k.Table, f.Name, err)
		}
		r[f.Name] = v
	}
	return r, nil
}

func keyWhere(k *csperf.Kind) string {
	parts := make([]string, len(k.Key))
	for i, key := range k.Key {
		parts[i] = key + " = ?"
	}
	return strings.Join(parts, " AND ")
}

// keyArgs converts the text form of a key into bind arguments.
func (db *DB) keyArgs(k *csperf.Kind, key []string) ([]any, error) {
	if len(key) != len(k.Key) {
		return nil, csperf.Errorf(csperf.EINVALID, "%s are identified by %s", k.Name, strings.Join(k.Key, "/"))
	}
	args := make([]any, len(key))
	for i, name := range k.Key {
		f := k.Field(name)
		switch f.Type {
		case csperf.TDate:
			dt, err := csperf.ParseDate(key[i])
			if err != nil {
				return nil, csperf.FieldErrorf(name, "%v", err)
			}
			args[i] = db.d.arg(dt)
		default:
			args[i] = key[i]
		}
	}
	return args, nil
}

// GetRecord returns the record of kind k with the given key.
func (db *DB) GetRecord(ctx context.Context, k *csperf.Kind, key []string) (csperf.Record, error) {
	args, err := db.keyArgs(k, key)
	if err != nil {
		return nil, err
	}
	row := db.r.QueryRowContext(ctx, db.q(`SELECT `+selectList(k, "t")+` FROM `+k.Table+` t WHERE `+keyWhere(k)), args...)
	r, err := db.scanRecord(k, row)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, csperf.Errorf(csperf.ENOTFOUND, "no %s with id %s", strings.TrimSuffix(k.Name, "s"), strings.Join(key, "/"))
	}
	return r, err
}

// getRecordsChunk is how many ids one statement of GetRecords asks for:
// well under the bind-argument limits of SQLite (32,766) and PostgreSQL
// (65,535), and few statements for a report's thousands of ids.
const getRecordsChunk = 500

// GetRecords returns the records of kind k (whose key is one field) with
// the given ids, by id; ids without a record are absent, and repeated ids
// are read once. It asks one statement per 500 ids, where GetRecord would
// ask one per id.
func (db *DB) GetRecords(ctx context.Context, k *csperf.Kind, ids []string) (map[string]csperf.Record, error) {
	if len(k.Key) != 1 {
		return nil, csperf.Errorf(csperf.EINVALID, "%s are identified by %s", k.Name, strings.Join(k.Key, "/"))
	}
	out := make(map[string]csperf.Record, len(ids))
	uniq := make([]string, 0, len(ids))
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	for start := 0; start < len(uniq); start += getRecordsChunk {
		chunk := uniq[start:min(start+getRecordsChunk, len(uniq))]
		args := make([]any, 0, len(chunk))
		for _, id := range chunk {
			a, err := db.keyArgs(k, []string{id})
			if err != nil {
				return nil, err
			}
			args = append(args, a[0])
		}
		marks := strings.Repeat("?, ", len(chunk))
		rows, err := db.r.QueryContext(ctx, db.q(`SELECT `+selectList(k, "t")+` FROM `+k.Table+` t WHERE t.`+k.Key[0]+` IN (`+marks[:len(marks)-2]+`)`), args...)
		if err != nil {
			return nil, fmt.Errorf("%s by id: %w", k.Name, err)
		}
		for rows.Next() {
			r, err := db.scanRecord(k, rows)
			if err != nil {
				rows.Close()
				return nil, err
			}
			out[fmt.Sprint(r[k.Key[0]])] = r
		}
		if err := rows.Close(); err != nil {
			return nil, err
		}
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// employeeFields are the fields by which a record belongs to an employee,
// for scoping what a user may see.
var employeeFields = []string{"employee_id", "advisor_id", "agent_id", "specialist_id", "inspector_id"}

// ScopeField returns the field that ties a record of k to an employee, or "".
func ScopeField(k *csperf.Kind) string {
	for _, n := range employeeFields {
		if f := k.Field(n); f != nil && (f.Type == csperf.TRef || k.Name == "employees") {
			return n
		}
	}
	return ""
}

// ListRecords returns one page of the records of k that match f, and how
// many match in all.
func (db *DB) ListRecords(ctx context.Context, k *csperf.Kind, f csperf.RecordFilter) ([]csperf.Record, int, error) {
	var where []string
	var args []any
	for name, val := range f.Where {
		fl := k.Field(name)
		if fl == nil {
			return nil, 0, csperf.FieldErrorf(name, "%s have no field %s", k.Name, name)
		}
		v, err := textArg(fl, val)
		if err != nil {
			return nil, 0, csperf.FieldErrorf(name, "%v", err)
		}
		where = append(where, "t."+name+" = ?")
		args = append(args, db.d.arg(v))
	}
	if f.From != nil || f.To != nil {
		fl := k.Field(f.Field)
		if fl == nil || (fl.Type != csperf.TDate && fl.Type != csperf.TTime) {
			return nil, 0, csperf.FieldErrorf("field", "%s is not a date field of %s", f.Field, k.Name)
		}
		if f.From != nil {
			where = append(where, "t."+fl.Name+" >= ?")
			args = append(args, db.dateBound(fl, *f.From))
		}
		if f.To != nil {
			where = append(where, "t."+fl.Name+" < ?")
			args = append(args, db.dateBound(fl, *f.To+1))
		}
	}
	if s := strings.TrimSpace(f.Search); s != "" {
		var ors []string
		for _, fl := range k.Fields {
			if fl.PII == csperf.PIINone && (fl.Type == csperf.TString || fl.Type == csperf.TRef || fl.Type == csperf.TEnum) {
				ors = append(ors, "LOWER(t."+fl.Name+") LIKE ?")
				args = append(args, "%"+strings.ToLower(s)+"%")
			}
		}
		if len(ors) > 0 {
			where = append(where, "("+strings.Join(ors, " OR ")+")")
		}
	}
	// The conditions before the scope's, which a scoped page repeats for
	// each employee of the scope (scopedPage).
	plainWhere, plainArgs := slices.Clone(where), slices.Clone(args)
	if f.Scope != nil {
		cond, sargs := scopeCond(k, "t", f.Scope)
		where = append(where, cond)
		args = append(args, sargs...)
	}
	order, outer := prefixed("t", k.Key), strings.Join(k.Key, ", ")
	sortField := ""
	if f.Sort != "" {
		name, desc := strings.TrimPrefix(f.Sort, "-"), strings.HasPrefix(f.Sort, "-")
		if k.Field(name) == nil {
			return nil, 0, csperf.FieldErrorf("sort", "%s cannot be sorted by %s", k.Name, name)
		}
		dir := " ASC"
		if desc {
			dir = " DESC"
		}
		order = "t." + name + dir + ", " + order
		outer = name + dir + ", " + outer
		sortField = name
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	if limit > 10000 {
		limit = 10000
	}
	// The page and its total are two statements: a window count over the
	// filtered rows would read every one of them (all their columns) for
	// every page, where the page alone stops after offset+limit rows of
	// an index, and the total comes from countRecords' cache.
	whereSQL := strings.Join(where, " AND ")
	q := `SELECT ` + selectList(k, "t") + ` FROM ` + k.Table + ` t`
	if whereSQL != "" {
		q += " WHERE " + whereSQL
	}
	q += fmt.Sprintf(" ORDER BY %s LIMIT %d OFFSET %d", order, limit, max(f.Offset, 0))
	qargs := args
	if f.Scope != nil && scopedIndexes[k.Name] == sortField && sortField != "" && max(f.Offset, 0)+limit <= maxScopedRows {
		sq, sargs, empty, err := db.scopedPage(ctx, k, f.Scope, plainWhere, plainArgs, order, outer, limit, max(f.Offset, 0))
		if err != nil {
			return nil, 0, err
		}
		if empty {
			return nil, 0, nil
		}
		if sq != "" {
			q, qargs = sq, sargs
		}
	}
	rows, err := db.r.QueryContext(ctx, db.q(q), qargs...)
	if err != nil {
		return nil, 0, fmt.Errorf("list %s: %w", k.Name, err)
	}
	defer rows.Close()
	var out []csperf.Record
	for rows.Next() {
		r, err := db.scanRecord(k, rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	rows.Close()
	if len(out) < limit && (len(out) > 0 || f.Offset <= 0) {
		return out, max(f.Offset, 0) + len(out), nil // the last page: no need to count
	}
	total, err := db.countRecords(ctx, k.Name, k.Table, whereSQL, args, f.Scope != nil && len(f.Scope.GroupIDs) > 0)
	if err != nil {
		return nil, 0, err
	}
	return out, total, nil
}

// scopedIndexes names, per kind, the field its (employee, field) index
// orders by (migrations 0001 and 0008): a scoped list sorted by it reads
// each employee's rows from that index.
var scopedIndexes = map[string]string{
	"visits": "visit_date", "calls": "queued_at", "service_requests": "opened_at", "complaints": "opened_at",
	"return_visits": "done_date", "return_visit_plans": "planned_date", "surveys": "answered_at",
	"qa_evaluations": "evaluated_at", "orders": "ordered_at", "contracts": "start_date",
}

// Bounds of scopedPage: beyond them the single query does as well.
const (
	maxScopedEmployees = 64
	maxScopedRows      = 5000
)

// scopedPage is the page query of a list limited to a scope, written as
// the union of each of the scope's employees' first offset+limit rows,
// sorted again: every part reads one employee's newest rows from the
// (employee, date) index, where the plain query either scans the whole
// period for the scope's rows or sorts all of them. The rows and their
// order are those of the plain query: the parts are disjoint (one
// employee each) and together hold every row of the scope, and each part
// keeps the rows that could reach the page. It returns "" when the scope
// has too many employees, and empty when it has none.
func (db *DB) scopedPage(ctx context.Context, k *csperf.Kind, s *csperf.Scope, where []string, args []any, order, outer string, limit, offset int) (q string, qargs []any, empty bool, err error) {
	emps := slices.Clone(s.EmployeeIDs)
	if len(s.GroupIDs) > 0 {
		ids, err := scanStrings(db.r.QueryContext(ctx, db.q(`SELECT DISTINCT employee_id FROM memberships WHERE group_id IN (`+placeholders(len(s.GroupIDs))+`)`), anys(s.GroupIDs)...))
		if err != nil {
			return "", nil, false, fmt.Errorf("list %s: scope: %w", k.Name, err)
		}
		emps = append(emps, ids...)
	}
	slices.Sort(emps)
	emps = slices.Compact(emps)
	if len(emps) == 0 {
		return "", nil, true, nil
	}
	if len(emps) > maxScopedEmployees {
		return "", nil, false, nil
	}
	field := ScopeField(k)
	// Only the employees with a row of the kind get a part: on PostgreSQL
	// a part is a prepared statement that soon runs on a generic plan,
	// which reads an employee's rows through the date index, filtering
	// the whole period, when the employee has none (an agent's return
	// visits: 19 ms a part, against 0.3 ms through the employee's index).
	// One EXISTS per employee stops at its first index entry.
	values := strings.TrimSuffix(strings.Repeat("(?), ", len(emps)), ", ")
	if emps, err = scanStrings(db.r.QueryContext(ctx, db.q(`SELECT v.column1 FROM (VALUES `+values+`) v
		WHERE EXISTS (SELECT 1 FROM `+k.Table+` t WHERE t.`+field+` = v.column1)`), anys(emps)...)); err != nil {
		return "", nil, false, fmt.Errorf("list %s: scope: %w", k.Name, err)
	}
	if len(emps) == 0 {
		return "", nil, true, nil
	}
	slices.Sort(emps)
	cond := strings.Join(append(slices.Clone(where), "t."+field+" = ?"), " AND ")
	parts := make([]string, len(emps))
	for i, e := range emps {
		parts[i] = fmt.Sprintf(`SELECT * FROM (SELECT %s FROM %s t WHERE %s ORDER BY %s LIMIT %d) s%d`,
			selectList(k, "t"), k.Table, cond, order, offset+limit, i)
		qargs = append(qargs, args...)
		qargs = append(qargs, e)
	}
	q = `SELECT * FROM (` + strings.Join(parts, " UNION ALL ") + `) u ORDER BY ` + outer + fmt.Sprintf(` LIMIT %d OFFSET %d`, limit, offset)
	return q, qargs, false, nil
}

// dateBound is the bind argument that compares a date or time field with
// the start of day dt (local midnight for instants).
func (db *DB) dateBound(f *csperf.Field, dt csperf.Date) any {
	if f.Type == csperf.TTime {
		return db.d.arg(dt.Time(db.Loc))
	}
	return db.d.arg(dt)
}

// scopeCond keeps records that belong to the scope's employees or to
// employees who were ever in the scope's groups.
func scopeCond(k *csperf.Kind, alias string, s *csperf.Scope) (string, []any) {
	field := ScopeField(k)
	if field == "" {
		if k.Name == "groups" && len(s.GroupIDs) > 0 {
			return alias + ".group_id IN (" + placeholders(len(s.GroupIDs)) + ")", anys(s.GroupIDs)
		}
		return "1 = 0", nil
	}
	var ors []string
	var args []any
	if len(s.EmployeeIDs) > 0 {
		ors = append(ors, alias+"."+field+" IN ("+placeholders(len(s.EmployeeIDs))+")")
		args = append(args, anys(s.EmployeeIDs)...)
	}
	if len(s.GroupIDs) > 0 {
		ors = append(ors, alias+"."+field+" IN (SELECT m.employee_id FROM memberships m WHERE m.group_id IN ("+placeholders(len(s.GroupIDs))+"))")
		args = append(args, anys(s.GroupIDs)...)
	}
	if len(ors) == 0 {
		return "1 = 0", nil
	}
	return "(" + strings.Join(ors, " OR ") + ")", args
}

func placeholders(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

func anys(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// textArg parses the text form of a filter value for field f.
func textArg(f *csperf.Field, s string) (any, error) {
	switch f.Type {
	case csperf.TDate:
		return csperf.ParseDate(s)
	case csperf.TBool:
		switch strings.ToLower(s) {
		case "1", "true", "yes", "是":
			return true, nil
		case "0", "false", "no", "否":
			return false, nil
		}
		return nil, fmt.Errorf("%q is not true or false", s)
	case csperf.TInt, csperf.TMoney:
		var n int64
		if _, err := fmt.Sscan(s, &n); err != nil {
			return nil, fmt.Errorf("%q is not a number", s)
		}
		return n, nil
	}
	return s, nil
}

// oneRow is a RowSource of a single record, so that forms and the API go
// through exactly the checks an import does.
type oneRow struct {
	vals []any
	done bool
}

func (o *oneRow) Next() (int, []any, bool) {
	if o.done {
		return 0, nil, false
	}
	o.done = true
	return 1, o.vals, true
}

func (o *oneRow) Err() error { return nil }

func (db *DB) writeOne(ctx context.Context, k *csperf.Kind, r csperf.Record, update bool) error {
	vals := make([]any, len(k.Fields))
	for i, f := range k.Fields {
		vals[i] = r[f.Name]
		if vals[i] == nil && f.Required {
			return csperf.FieldErrorf(f.Name, "is required")
		}
	}
	_, err := db.Import(ctx, k, &oneRow{vals: vals}, csperf.ImportOptions{Update: update})
	var ie *csperf.ImportError
	if errors.As(err, &ie) && len(ie.Rows) > 0 {
		e := ie.Rows[0]
		code := csperf.EINVALID
		if strings.Contains(e.Reason, "exists with other values") {
			code = csperf.ECONFLICT
		}
		return &csperf.Error{Code: code, Field: e.Column, Message: e.Reason}
	}
	return err
}

// CreateRecord adds a record; the id must be new.
func (db *DB) CreateRecord(ctx context.Context, k *csperf.Kind, r csperf.Record) error {
	key := make([]string, len(k.Key))
	for i, name := range k.Key {
		key[i] = fmt.Sprint(textOf(r[name]))
	}
	if _, err := db.GetRecord(ctx, k, key); err == nil {
		return csperf.Errorf(csperf.ECONFLICT, "%s %s exists already", k.Key[0], strings.Join(key, "/"))
	} else if csperf.ErrorCode(err) != csperf.ENOTFOUND {
		return err
	}
	if err := db.writeOne(ctx, k, r, false); err != nil {
		return err
	}
	return db.Audit(ctx, "create", k.Name+"/"+strings.Join(key, "/"), "", db.maskedJSON(k, r))
}

// UpdateRecord changes the fields set in upd and returns the new record.
func (db *DB) UpdateRecord(ctx context.Context, k *csperf.Kind, key []string, upd csperf.Record) (csperf.Record, error) {
	old, err := db.GetRecord(ctx, k, key)
	if err != nil {
		return nil, err
	}
	nr := make(csperf.Record, len(old))
	for n, v := range old {
		nr[n] = v
	}
	for n, v := range upd {
		if k.Field(n) == nil {
			return nil, csperf.FieldErrorf(n, "%s have no field %s", k.Name, n)
		}
		if k.IsKey(n) && textOf(v) != textOf(old[n]) {
			return nil, csperf.FieldErrorf(n, "an id cannot be changed; create a new record instead")
		}
		nr[n] = v
	}
	if err := db.writeOne(ctx, k, nr, true); err != nil {
		return nil, err
	}
	if k.Name == "visits" && old["customer_id"] != nr["customer_id"] {
		// The visit left its old customer, whose next dates change too.
		if err := db.refreshNextDates(ctx, db.w, "?", old["customer_id"]); err != nil {
			return nil, err
		}
	}
	if err := db.Audit(ctx, "update", k.Name+"/"+strings.Join(key, "/"), db.maskedJSON(k, old), db.maskedJSON(k, nr)); err != nil {
		return nil, err
	}
	return nr, nil
}

// DeleteRecord removes a record no other record refers to.
func (db *DB) DeleteRecord(ctx context.Context, k *csperf.Kind, key []string) error {
	old, err := db.GetRecord(ctx, k, key)
	if err != nil {
		return err
	}
	args, err := db.keyArgs(k, key)
	if err != nil {
		return err
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		if len(k.Key) == 1 {
			for _, child := range csperf.Kinds {
				for _, f := range child.Fields {
					if f.Type != csperf.TRef || f.Ref != k.Name {
						continue
					}
					var one int
					err := tx.QueryRowContext(ctx, db.q(`SELECT 1 FROM `+child.Table+` WHERE `+f.Name+` = ? LIMIT 1`), args[0]).Scan(&one)
					if err == nil {
						return csperf.Errorf(csperf.ECONFLICT, "%s %s cannot be deleted: %s refer to it (%s)", k.Key[0], key[0], child.Name, f.Name)
					} else if !errors.Is(err, sql.ErrNoRows) {
						return err
					}
				}
			}
		}
		if k.Name == "visits" {
			if err := db.visitFrozen(ctx, tx, old); err != nil {
				return err
			}
		}
		if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM `+k.Table+` WHERE `+keyWhere(k)), args...); err != nil {
			return db.d.mapErr(err)
		}
		if k.Name == "visits" {
			if err := db.refreshNextDates(ctx, tx, "?", old["customer_id"]); err != nil {
				return err
			}
			day := []any{db.d.arg(old["visit_date"]), old["advisor_id"]}
			if _, err := tx.ExecContext(ctx, db.q(`UPDATE visit_days SET visits = visits - 1 WHERE visit_date = ? AND advisor_id = ?`), day...); err != nil {
				return fmt.Errorf("visit days: %w", err)
			}
			if _, err := tx.ExecContext(ctx, db.q(`DELETE FROM visit_days WHERE visit_date = ? AND advisor_id = ? AND visits = 0`), day...); err != nil {
				return fmt.Errorf("visit days: %w", err)
			}
		}
		// List totals (countRecords) are valid while this version stands.
		if err := db.bumpVersion(ctx, tx, versionKind(k.Name)); err != nil {
			return err
		}
		return db.auditTx(ctx, tx, "delete", k.Name+"/"+strings.Join(key, "/"), db.maskedJSON(k, old), "")
	})
}

// textOf is the text form of a record value.
func textOf(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case fmt.Stringer:
		return x.String()
	}
	return fmt.Sprint(v)
}

// Text is the text form of a record value (dates YYYY-MM-DD, money with
// two decimals, numbers in decimal).
func Text(v any) string { return textOf(v) }

// EachRecord calls fn with every record of k in key order, streaming: an
// export of millions of rows holds one row at a time.
func (db *DB) EachRecord(ctx context.Context, k *csperf.Kind, fn func(csperf.Record) error) error {
	rows, err := db.r.QueryContext(ctx, `SELECT `+selectList(k, "t")+` FROM `+k.Table+` t ORDER BY `+prefixed("t", k.Key))
	if err != nil {
		return fmt.Errorf("export %s: %w", k.Name, err)
	}
	defer rows.Close()
	for rows.Next() {
		r, err := db.scanRecord(k, rows)
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return rows.Err()
}
