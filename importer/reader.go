// Package importer reads the CSV and XLSX files users import and writes the
// CSV, XLSX and JSON files they export (SPEC §11). Reading streams: a file
// of any length is read row by row in bounded memory, and every limit a
// file can exceed (see the constants) is refused with a message that names
// the file and the row. The record kinds' descriptors (csperf.Kind) drive
// both directions: MapHeader matches a file's header to a kind's fields and
// Mapping.Parse turns a row's text into typed values.
package importer

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"csperf"
)

// Options adjust how Open reads a file. The zero value suits every file a
// user exports from Excel or WPS.
type Options struct {
	// Comma is the CSV field separator. Zero picks it: a tab for .tsv
	// files and for files whose header has tabs but no commas (Excel's
	// "Unicode text"), a comma otherwise.
	Comma rune
	// Sheet is the XLSX sheet to read; empty means the first.
	Sheet string
	// TmpDir is where excelize spools worksheets bigger than
	// MaxXMLInMemory; empty means os.TempDir.
	TmpDir string
}

// Formats Open recognises.
const (
	FormatCSV  = "csv"
	FormatXLSX = "xlsx"
)

// source is one file format's row iterator. next returns the row number a
// spreadsheet would show and the row's cells, io.EOF at the end, a
// *rowProblem for a row that is wrong but after which reading can go on,
// and any other error for a problem that ends reading.
type source interface {
	next() (row int, cells []string, err error)
	close() error
}

// rowProblem is a problem with one row that does not stop reading.
type rowProblem struct {
	row    int
	reason string
}

func (p *rowProblem) Error() string { return p.reason }

// Reader reads the rows of one CSV or XLSX file.
type Reader struct {
	name     string
	format   string
	header   []string
	src      source
	file     *os.File // set by OpenFile, closed by Close
	last     int      // row number of the last row returned
	err      error    // what ended reading early
	date1904 bool
}

// OpenFile opens the file at path for reading; Close closes it.
func OpenFile(path string, opts Options) (*Reader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	r, err := Open(path, f, fi.Size(), opts)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.file = f
	return r, nil
}

// Open reads the header of the file called name, whose size bytes r holds,
// and returns a Reader positioned at the first row after it. Whether the
// file is CSV or XLSX is decided by its content, and a content that does
// not match the name's extension (.csv, .tsv, .txt or .xlsx) is refused:
// an upload called .csv that is a workbook is a mistake the user should
// hear about, not a guess. r must stay readable until Close. Errors a user
// can act on are *csperf.Error with code csperf.EINVALID.
//
// A reader at is needed because an XLSX file is a zip archive, whose
// directory is at its end; CSV is read front to back through it. When r is
// an *os.File, an XLSX file is read from disk; any other r is read into
// memory as it is (compressed) for XLSX.
func Open(name string, r io.ReaderAt, size int64, opts Options) (*Reader, error) {
	format, err := detectFormat(name, r, size)
	if err != nil {
		return nil, err
	}
	rd := &Reader{name: name, format: format}
	switch format {
	case FormatCSV:
		rd.src, err = openCSV(name, r, size, opts)
	case FormatXLSX:
		var xs *xlsxSource
		xs, err = openXLSX(name, r, size, opts)
		if err == nil {
			rd.src, rd.date1904 = xs, xs.date1904
		}
	}
	if err != nil {
		return nil, err
	}
	if err := rd.readHeader(); err != nil {
		rd.src.close()
		return nil, err
	}
	return rd, nil
}

// invalidf returns a user-facing error about the file.
func invalidf(format string, args ...any) error {
	return csperf.Errorf(csperf.EINVALID, format, args...)
}

var (
	zipMagic = []byte("PK\x03\x04")
	oleMagic = []byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1") // .xls, and encrypted .xlsx
)

// detectFormat decides CSV or XLSX from the first bytes and checks that
// the extension agrees.
func detectFormat(name string, r io.ReaderAt, size int64) (string, error) {
	if size == 0 {
		return "", invalidf("%s: the file is empty", name)
	}
	head := make([]byte, min(size, 8))
	if _, err := r.ReadAt(head, 0); err != nil && err != io.EOF {
		return "", fmt.Errorf("%s: %w", name, err)
	}
	isZip, isOLE := bytes.HasPrefix(head, zipMagic), bytes.Equal(head, oleMagic)
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".csv", ".tsv", ".txt":
		switch {
		case isZip:
			return "", invalidf("%s: the name says %s but the file is an XLSX workbook (or another zip archive); rename it to .xlsx, or save it from Excel as CSV", name, ext)
		case isOLE:
			return "", invalidf("%s: the name says %s but the file is an old Excel .xls workbook; save it from Excel as CSV or .xlsx", name, ext)
		}
		return FormatCSV, nil
	case ".xlsx", ".xlsm":
		switch {
		case isOLE:
			return "", invalidf("%s: the file is an old Excel .xls workbook or a password-protected one; save it without a password as .xlsx or CSV", name)
		case !isZip:
			return "", invalidf("%s: the name says %s but the file is not an XLSX workbook (is it a CSV file? then rename it to .csv)", name, ext)
		}
		return FormatXLSX, nil
	case ".xls":
		return "", invalidf("%s: old Excel .xls workbooks are not read; save it from Excel as .xlsx or CSV", name)
	case "":
		switch {
		case isZip:
			return FormatXLSX, nil
		case isOLE:
			return "", invalidf("%s: the file is an old Excel .xls workbook; save it as .xlsx or CSV", name)
		}
		return FormatCSV, nil
	}
	return "", invalidf("%s: %s files are not read; import .csv, .tsv, .txt or .xlsx", name, ext)
}

// readHeader takes the first non-blank row as the header.
func (r *Reader) readHeader() error {
	for {
		row, cells, err := r.src.next()
		if err == io.EOF {
			return invalidf("%s: the file has no header row", r.name)
		}
		if err != nil {
			return invalidf("%s:%d: %s", r.name, max(row, 1), reasonOf(err))
		}
		if blank(cells) {
			continue
		}
		if len(cells) > 0 {
			cells[0] = strings.TrimPrefix(cells[0], "\uFEFF")
		}
		for len(cells) > 0 && strings.TrimSpace(cells[len(cells)-1]) == "" {
			cells = cells[:len(cells)-1]
		}
		if len(cells) > MaxColumns {
			return invalidf("%s:%d: the header has %d columns, at most %d are read", r.name, row, len(cells), MaxColumns)
		}
		for i, c := range cells {
			if n := utf8.RuneCountInString(c); n > MaxCellChars {
				return invalidf("%s:%d: column %s: the header cell has %d characters, at most %d", r.name, row, ColumnLetter(i), n, MaxCellChars)
			}
		}
		r.header, r.last = cells, row
		return nil
	}
}

// Name returns the file name rows are reported against.
func (r *Reader) Name() string { return r.name }

// Format returns FormatCSV or FormatXLSX.
func (r *Reader) Format() string { return r.format }

// Header returns the header row as written in the file, without a
// byte-order mark and without trailing empty cells.
func (r *Reader) Header() []string { return r.header }

// Date1904 reports whether an XLSX workbook counts serial dates from 1904
// (old Mac Excel); Map passes it on to the Mapping.
func (r *Reader) Date1904() bool { return r.date1904 }

// Map matches the header to kind k (see MapHeader); errors name the file.
func (r *Reader) Map(k *csperf.Kind) (*Mapping, error) {
	m, err := MapHeader(k, r.header)
	var ie *csperf.ImportError
	if errors.As(err, &ie) {
		for i := range ie.Rows {
			ie.Rows[i].File = r.name
		}
	}
	if m != nil {
		m.Date1904 = r.date1904
	}
	return m, err
}

// Next returns the next non-blank row: its row number as a spreadsheet
// shows it (the header is row 1 when it is the first line) and exactly one
// cell per header column. At the end it returns io.EOF.
//
// A row that cannot be used — ragged, a cell too long, a quote out of place
// — comes back as a csperf.RowError, and the next call goes on with the
// following row, so that one import reports every bad row. A problem after
// which the file cannot be read on (a line too long to hold, a damaged
// workbook, an I/O error) also comes back as a csperf.RowError, after which Next returns io.EOF and
// Err returns it.
//
// Blank rows (every cell empty or spaces) are skipped: spreadsheets leave
// them at the end of a sheet and between blocks of rows.
func (r *Reader) Next() (int, []string, error) {
	for {
		if r.err != nil {
			return 0, nil, io.EOF
		}
		row, cells, err := r.src.next()
		if err == io.EOF {
			return 0, nil, io.EOF
		}
		if err != nil {
			row = max(row, r.last+1)
			r.last = row
			var p *rowProblem
			if errors.As(err, &p) {
				return row, nil, r.rowError(row, "", p.reason)
			}
			r.err = r.rowError(row, "", reasonOf(err))
			return row, nil, r.err
		}
		r.last = row
		if blank(cells) {
			continue
		}
		if e := r.check(row, cells); e != nil {
			return row, nil, e
		}
		return row, r.fit(cells), nil
	}
}

// Err returns the error that ended reading before the end of the file, or
// nil.
func (r *Reader) Err() error { return r.err }

// Close releases the reader's temporary files, and the file OpenFile
// opened.
func (r *Reader) Close() error {
	err := r.src.close()
	if r.file != nil {
		if cerr := r.file.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// check applies the limits to one row and, for CSV, refuses a row whose
// cell count differs from the header's. Extra cells that are empty are not
// an error: Excel writes them for formatted but empty columns.
func (r *Reader) check(row int, cells []string) error {
	if len(cells) > MaxColumns {
		return r.rowError(row, "", fmt.Sprintf("the row has %d cells, at most %d are read", len(cells), MaxColumns))
	}
	for i, c := range cells {
		if len(c) > MaxCellChars { // a cheap bound first: len ≥ rune count
			if n := utf8.RuneCountInString(c); n > MaxCellChars {
				return r.rowError(row, r.column(i), fmt.Sprintf("the cell has %d characters, at most %d", n, MaxCellChars))
			}
		}
	}
	last := len(cells)
	for last > len(r.header) && strings.TrimSpace(cells[last-1]) == "" {
		last--
	}
	if last > len(r.header) {
		return r.rowError(row, "", fmt.Sprintf("the row has %d cells but the header has %d", last, len(r.header)))
	}
	if r.format == FormatCSV && len(cells) < len(r.header) {
		return r.rowError(row, "", fmt.Sprintf("the row has %d cells but the header has %d", len(cells), len(r.header)))
	}
	return nil
}

// fit returns cells cut or padded to the header's width. XLSX rows end at
// their last non-empty cell, so short rows are normal there.
func (r *Reader) fit(cells []string) []string {
	if len(cells) == len(r.header) {
		return cells
	}
	out := make([]string, len(r.header))
	copy(out, cells)
	return out
}

// column returns the header of column i as written, or its letter when
// the header is empty there or does not reach it.
func (r *Reader) column(i int) string {
	if i < len(r.header) && strings.TrimSpace(r.header[i]) != "" {
		return strings.TrimSpace(r.header[i])
	}
	return ColumnLetter(i)
}

func (r *Reader) rowError(row int, column, reason string) error {
	return csperf.RowError{File: r.name, Row: row, Column: column, Reason: reason}
}

// reasonOf returns the text of err for a row error.
func reasonOf(err error) string {
	var ce *csperf.Error
	if errors.As(err, &ce) {
		return ce.Message
	}
	return err.Error()
}

// blank reports whether every cell is empty or white space.
func blank(cells []string) bool {
	for _, c := range cells {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

// ColumnLetter returns the spreadsheet name of the zero-based column i:
// A, B, …, Z, AA, AB, …
func ColumnLetter(i int) string {
	var b []byte
	for i++; i > 0; i = (i - 1) / 26 {
		b = append([]byte{byte('A' + (i-1)%26)}, b...)
	}
	return string(b)
}
