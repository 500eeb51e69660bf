package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"csperf"
)

// Import loads every row of src into kind k as one transaction: all rows or
// none. Rows are first streamed into a temporary table, then checked
// set-wise — ids repeated in the file, references to records that exist
// neither in the database nor in the file, ids that exist with other values
// — and only when no row has an error are they merged into the table.
// Importing the same file twice inserts nothing the second time.
func (db *DB) Import(ctx context.Context, k *csperf.Kind, src csperf.RowSource, opt csperf.ImportOptions) (*csperf.ImportResult, error) {
	return db.importWith(ctx, k, src, opt, nil)
}

// importWith is Import with one more step run inside the import's
// transaction, after the rows are in and before COMMIT: its error rolls
// the whole import back (a survey answered through a link marks the link
// used this way).
func (db *DB) importWith(ctx context.Context, k *csperf.Kind, src csperf.RowSource, opt csperf.ImportOptions, within func(conn *sql.Conn) error) (*csperf.ImportResult, error) {
	conn, err := db.w.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("import: %w", err)
	}
	defer conn.Close()
	res := &csperf.ImportResult{Kind: k.Name, File: opt.File}
	errs := &csperf.ImportError{}
	if err := db.d.begin(ctx, conn); err != nil {
		return nil, err
	}
	committed := false
	defer func() {
		if !committed {
			conn.ExecContext(context.WithoutCancel(ctx), "ROLLBACK")
		}
	}()
	if err := db.createImportTable(ctx, conn, k); err != nil {
		return nil, err
	}
	tr := newTrace()
	n, err := db.d.loadRows(ctx, conn, k, src, opt.Progress)
	tr.lap("load")
	if err != nil {
		return nil, fmt.Errorf("import %s: %w", opt.File, err)
	}
	res.Rows = n
	if err := src.Err(); err != nil {
		var ie *csperf.ImportError
		if !errors.As(err, &ie) {
			return nil, err
		}
		for _, r := range ie.Rows {
			errs.Add(r)
		}
		errs.Total += ie.Total - len(ie.Rows)
	}
	if err := db.beforeCheck(ctx, conn, k, opt); err != nil {
		return nil, err
	}
	if err := db.checkImport(ctx, conn, k, opt, errs); err != nil {
		return nil, err
	}
	tr.lap("check")
	if errs.Total > 0 {
		sort.SliceStable(errs.Rows, func(i, j int) bool { return errs.Rows[i].Row < errs.Rows[j].Row })
		return nil, errs
	}
	// Rows written by a form or the API (no file) carry no import id.
	if opt.File != "" {
		if err := conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(import_id), 0) + 1 FROM imports`).Scan(&res.ImportID); err != nil {
			return nil, fmt.Errorf("import id: %w", err)
		}
	}
	if opt.Update {
		if err := db.beforeUpdate(ctx, conn, k); err != nil {
			return nil, err
		}
		if res.Updated, err = db.updateFromImport(ctx, conn, k, res.ImportID); err != nil {
			return nil, err
		}
	}
	// A large load builds the table's indexes once, sorted, instead of row
	// by row: into an empty table always, and into a filled one when the
	// file adds at least an eighth of it, where inserting at random places
	// of big indexes costs more than sorting them again.
	var indexes []string
	if res.Rows >= 10000 {
		var n int64
		if err := conn.QueryRowContext(ctx, `SELECT COUNT(*) FROM `+k.Table).Scan(&n); err != nil {
			return nil, err
		}
		if n <= 8*res.Rows {
			if indexes, err = db.d.dropIndexes(ctx, conn, k.Table); err != nil {
				return nil, err
			}
		}
	}
	if k.Name == "visits" {
		res.Inserted, err = db.insertVisits(ctx, conn, res.ImportID, res.Updated > 0)
	} else {
		res.Inserted, err = db.insertFromImport(ctx, conn, k, res.ImportID)
	}
	if err != nil {
		return nil, err
	}
	tr.lap("insert")
	for _, ddl := range indexes {
		if _, err := conn.ExecContext(ctx, ddl); err != nil {
			return nil, fmt.Errorf("rebuild index: %w", err)
		}
	}
	tr.lap("index")
	res.Unchanged = res.Rows - res.Inserted - res.Updated
	if err := db.afterImport(ctx, conn, k); err != nil {
		return nil, err
	}
	tr.lap("derived")
	a := csperf.ActorFrom(ctx)
	if opt.File == "" {
	} else if _, err := conn.ExecContext(ctx, db.q(`INSERT INTO imports (import_id, kind, file_name, started_at, user_id, inserted, updated, unchanged) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
		res.ImportID, k.Name, opt.File, db.d.arg(db.Now()), a.UserID, res.Inserted, res.Updated, res.Unchanged); err != nil {
		return nil, fmt.Errorf("record import: %w", err)
	}
	if within != nil {
		if err := within(conn); err != nil {
			return nil, err
		}
	}
	if _, err := conn.ExecContext(ctx, "COMMIT"); err != nil {
		return nil, fmt.Errorf("commit import: %w", db.d.mapErr(err))
	}
	committed = true
	tr.lap("commit")
	return res, nil
}

// createImportTable makes the temporary table rows are streamed into: the
// kind's columns plus the row number in the file.
func (db *DB) createImportTable(ctx context.Context, conn *sql.Conn, k *csperf.Kind) error {
	conn.ExecContext(ctx, "DROP TABLE IF EXISTS imp")
	var b strings.Builder
	b.WriteString("CREATE TEMPORARY TABLE imp (row_no BIGINT NOT NULL")
	for _, f := range k.Fields {
		fmt.Fprintf(&b, ", %s %s", f.Name, db.d.sqlType(f.Type))
	}
	b.WriteString(")")
	if _, err := conn.ExecContext(ctx, b.String()); err != nil {
		return fmt.Errorf("import table: %w", err)
	}
	return nil
}

// keyMatch is the join condition of imported rows i to table rows t.
func keyMatch(k *csperf.Kind, a, b string) string {
	parts := make([]string, len(k.Key))
	for i, key := range k.Key {
		parts[i] = fmt.Sprintf("%s.%s = %s.%s", a, key, b, key)
	}
	return strings.Join(parts, " AND ")
}

func prefixed(p string, names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = p + "." + n
	}
	return strings.Join(out, ", ")
}

func fieldNames(k *csperf.Kind) []string {
	out := make([]string, len(k.Fields))
	for i, f := range k.Fields {
		out[i] = f.Name
	}
	return out
}

// header is the column name rows are reported against: the file's own
// header when the caller gave it.
func header(opt csperf.ImportOptions, name string) string {
	if h := opt.Columns[name]; h != "" {
		return h
	}
	return name
}

// checkImport adds an error for every row that may not be written.
func (db *DB) checkImport(ctx context.Context, conn *sql.Conn, k *csperf.Kind, opt csperf.ImportOptions, errs *csperf.ImportError) error {
	limit := fmt.Sprintf(" ORDER BY i.row_no LIMIT %d", csperf.MaxRowErrors)
	keys := strings.Join(k.Key, ", ")
	// Ids repeated in the file: every occurrence after the first.
	rows, err := conn.QueryContext(ctx, `SELECT i.row_no, d.first_row, `+prefixed("i", k.Key)+`
		FROM imp i JOIN (SELECT `+keys+`, MIN(row_no) AS first_row FROM imp GROUP BY `+keys+` HAVING COUNT(*) > 1) d
		ON `+keyMatch(k, "i", "d")+` WHERE i.row_no > d.first_row`+limit)
	if err != nil {
		return fmt.Errorf("check duplicates: %w", err)
	}
	if err := scanErrors(rows, len(k.Key), func(row int64, first int64, key []string) {
		errs.Add(csperf.RowError{File: opt.File, Row: int(row), Column: header(opt, k.Key[0]),
			Reason: fmt.Sprintf("duplicate id %s in the file (first at row %d)", strings.Join(key, "/"), first)})
	}); err != nil {
		return err
	}
	// References to records that exist neither in the database nor earlier
	// in the same file (an employee's supervisor may come a few rows later).
	for i := range k.Fields {
		f := &k.Fields[i]
		if f.Type != csperf.TRef {
			continue
		}
		p := csperf.KindByName(f.Ref)
		q := `SELECT i.row_no, 0, i.` + f.Name + ` FROM imp i WHERE i.` + f.Name + ` IS NOT NULL
			AND NOT EXISTS (SELECT 1 FROM ` + p.Table + ` p WHERE p.` + p.Key[0] + ` = i.` + f.Name + `)`
		if p == k {
			q += ` AND NOT EXISTS (SELECT 1 FROM imp j WHERE j.` + k.Key[0] + ` = i.` + f.Name + `)`
		}
		rows, err := conn.QueryContext(ctx, q+limit)
		if err != nil {
			return fmt.Errorf("check %s: %w", f.Name, err)
		}
		if err := scanErrors(rows, 1, func(row, _ int64, v []string) {
			errs.Add(csperf.RowError{File: opt.File, Row: int(row), Column: header(opt, f.Name),
				Reason: fmt.Sprintf("unknown %s %q: no such record in %s", strings.TrimSuffix(p.Name, "s"), v[0], p.Name)})
		}); err != nil {
			return err
		}
	}
	if err := db.checkKindRules(ctx, conn, k, opt, errs); err != nil {
		return err
	}
	if opt.Update {
		return nil
	}
	// Ids that exist with other values: an update must be asked for.
	nonKey := nonKeyFields(k)
	if len(nonKey) == 0 {
		return nil
	}
	sel := make([]string, len(nonKey))
	for i, f := range nonKey {
		sel[i] = fmt.Sprintf("CASE WHEN t.%s IS NOT DISTINCT FROM i.%s THEN 0 ELSE 1 END", f.Name, f.Name)
	}
	q := `SELECT i.row_no, ` + prefixed("i", k.Key) + `, ` + strings.Join(sel, ", ") + ` FROM imp i JOIN ` + k.Table + ` t ON ` + keyMatch(k, "i", "t") +
		` WHERE NOT (` + sameValues(nonKey) + `)` + limit
	rows, err = conn.QueryContext(ctx, q)
	if err != nil {
		return fmt.Errorf("check existing: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var row int64
		key := make([]string, len(k.Key))
		diff := make([]int64, len(nonKey))
		dest := []any{&row}
		for i := range key {
			dest = append(dest, &key[i])
		}
		for i := range diff {
			dest = append(dest, &diff[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return fmt.Errorf("check existing: %w", err)
		}
		var cols []string
		for i, d := range diff {
			if d != 0 {
				cols = append(cols, nonKey[i].Name)
			}
		}
		errs.Add(csperf.RowError{File: opt.File, Row: int(row), Column: header(opt, cols[0]),
			Reason: fmt.Sprintf("%s %s exists with other values in %s; import with --update to change it", k.Key[0], strings.Join(key, "/"), strings.Join(cols, ", "))})
	}
	return rows.Err()
}

func nonKeyFields(k *csperf.Kind) []*csperf.Field {
	var out []*csperf.Field
	for i := range k.Fields {
		if !k.IsKey(k.Fields[i].Name) {
			out = append(out, &k.Fields[i])
		}
	}
	return out
}

func sameValues(fs []*csperf.Field) string {
	parts := make([]string, len(fs))
	for i, f := range fs {
		parts[i] = fmt.Sprintf("t.%s IS NOT DISTINCT FROM i.%s", f.Name, f.Name)
	}
	return strings.Join(parts, " AND ")
}

// scanErrors reads rows of (row_no, n2, v1..vn) and calls fn for each.
func scanErrors(rows *sql.Rows, n int, fn func(row, second int64, vals []string)) error {
	defer rows.Close()
	for rows.Next() {
		var row, second int64
		vals := make([]sql.NullString, n)
		dest := []any{&row, &second}
		for i := range vals {
			dest = append(dest, &vals[i])
		}
		if err := rows.Scan(dest...); err != nil {
			return err
		}
		s := make([]string, n)
		for i, v := range vals {
			s[i] = v.String
		}
		fn(row, second, s)
	}
	return rows.Err()
}

func (db *DB) updateFromImport(ctx context.Context, conn *sql.Conn, k *csperf.Kind, importID int64) (int64, error) {
	nonKey := nonKeyFields(k)
	if len(nonKey) == 0 {
		return 0, nil
	}
	set := make([]string, 0, len(nonKey)+1)
	for _, f := range nonKey {
		set = append(set, fmt.Sprintf("%s = i.%s", f.Name, f.Name))
	}
	set = append(set, "import_id = "+importIDSQL(importID))
	q := `UPDATE ` + k.Table + ` AS t SET ` + strings.Join(set, ", ") + ` FROM imp i WHERE ` + keyMatch(k, "t", "i") + ` AND NOT (` + sameValues(nonKey) + `)`
	r, err := conn.ExecContext(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("update %s: %w", k.Name, db.d.mapErr(err))
	}
	return r.RowsAffected()
}

func (db *DB) insertFromImport(ctx context.Context, conn *sql.Conn, k *csperf.Kind, importID int64) (int64, error) {
	cols := strings.Join(fieldNames(k), ", ")
	q := `INSERT INTO ` + k.Table + ` (` + cols + `, import_id) SELECT ` + prefixed("i", fieldNames(k)) + ", " + importIDSQL(importID) +
		` FROM imp i WHERE NOT EXISTS (SELECT 1 FROM ` + k.Table + ` t WHERE ` + keyMatch(k, "t", "i") + `)` + db.d.insertOrder(prefixed("i", k.Key))
	r, err := conn.ExecContext(ctx, q)
	if err != nil {
		return 0, fmt.Errorf("insert %s: %w", k.Name, db.d.mapErr(err))
	}
	return r.RowsAffected()
}

func importIDSQL(id int64) string {
	if id == 0 {
		return "NULL"
	}
	return fmt.Sprint(id)
}

// trace prints how long each phase of an import took when CSPERF_TRACE is
// set, for tuning; it costs nothing otherwise.
type trace struct {
	on   bool
	last time.Time
}

func newTrace() *trace { return &trace{on: os.Getenv("CSPERF_TRACE") != "", last: time.Now()} }

func (t *trace) lap(what string) {
	if !t.on {
		return
	}
	now := time.Now()
	fmt.Fprintf(os.Stderr, "import %-8s %v\n", what, now.Sub(t.last).Round(time.Millisecond))
	t.last = now
}
