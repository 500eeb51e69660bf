package importer

import (
	"bufio"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/xuri/excelize/v2"
)

// Writer writes the rows of one exported file. Write takes one cell per
// header column; Close finishes the file (for XLSX, writes all of it) and
// must be called for the output to be complete.
type Writer interface {
	Write(cells []string) error
	Close() error
}

// Export formats NewWriter writes.
const (
	ExportCSV  = "csv"
	ExportXLSX = "xlsx"
	ExportJSON = "json"
)

// WriterOptions adjust NewWriter; the zero value is the Excel-friendly
// default.
type WriterOptions struct {
	// NoBOM leaves out the UTF-8 byte-order mark CSV files start with.
	// Excel needs the mark to read a CSV file as UTF-8 (without it,
	// Chinese Excel reads GB18030 and shows mojibake); programs reading
	// the file may not want it.
	NoBOM bool
	// Sheet names the XLSX sheet; empty means "Sheet1".
	Sheet string
	// Numeric marks, per column, the XLSX columns whose plain decimal
	// values (12, -3.5, 1234.50, 12.50%) are written as numbers, so that
	// Excel can sum them; two decimals and percentages keep their format.
	// Other columns are text, so that ids and phone numbers keep their
	// leading zeros and all their digits.
	Numeric []bool
}

// NewWriter returns a Writer of format (ExportCSV, ExportXLSX or
// ExportJSON) to w that has written the header. Every format streams: CSV
// and JSON write as they go, XLSX spools rows to a temporary file beyond
// 16 MiB and zips at Close.
//
// CSV and XLSX cells are passed through Neutralize, so that a value a
// customer typed cannot become a formula when the file is opened; JSON is
// for programs and keeps every value exactly.
func NewWriter(format string, w io.Writer, header []string, opts ...WriterOptions) (Writer, error) {
	var o WriterOptions
	for _, opt := range opts {
		o = opt
	}
	switch format {
	case ExportCSV:
		return newCSVWriter(w, header, o)
	case ExportXLSX:
		return newXLSXWriter(w, header, o)
	case ExportJSON:
		return newJSONWriter(w, header)
	}
	return nil, fmt.Errorf("export format %q is not one of csv, xlsx, json", format)
}

// Neutralize returns s with a leading apostrophe when a spreadsheet would
// read it as a formula: when it starts with = + - @, a tab or a carriage
// return (OWASP's "CSV injection"). Plain numbers — -200, +5, -12.5,
// -3.25% — are left alone: they are data, a spreadsheet reads them as
// numbers, and an apostrophe would turn them into text that no longer
// sums. Only an optional sign, digits, one decimal point and an optional
// trailing % count as plain; "-2+3" or "-1e5" get the apostrophe.
func Neutralize(s string) string {
	if s == "" {
		return s
	}
	switch s[0] {
	case '=', '+', '-', '@', '\t', '\r':
		if !plainNumber(s) {
			return "'" + s
		}
	}
	return s
}

// plainNumber reports whether s is [+-]digits[.digits][%] with at least
// one digit.
func plainNumber(s string) bool {
	if s != "" && (s[0] == '+' || s[0] == '-') {
		s = s[1:]
	}
	s = strings.TrimSuffix(s, "%")
	whole, frac, _ := strings.Cut(s, ".")
	return whole+frac != "" && allDigits(whole) && allDigits(frac)
}

func checkWidth(cells, header []string) error {
	if len(cells) != len(header) {
		return fmt.Errorf("export: a row of %d cells under a header of %d", len(cells), len(header))
	}
	return nil
}

type csvWriter struct {
	cw     *csv.Writer
	header []string
	buf    []string
}

func newCSVWriter(w io.Writer, header []string, o WriterOptions) (*csvWriter, error) {
	if !o.NoBOM {
		if _, err := io.WriteString(w, "\uFEFF"); err != nil {
			return nil, err
		}
	}
	cw := &csvWriter{cw: csv.NewWriter(w), header: header, buf: make([]string, len(header))}
	if err := cw.Write(header); err != nil {
		return nil, err
	}
	return cw, nil
}

func (w *csvWriter) Write(cells []string) error {
	if err := checkWidth(cells, w.header); err != nil {
		return err
	}
	for i, c := range cells {
		w.buf[i] = Neutralize(c)
	}
	return w.cw.Write(w.buf)
}

func (w *csvWriter) Close() error {
	w.cw.Flush()
	return w.cw.Error()
}

type xlsxWriter struct {
	w       io.Writer
	f       *excelize.File
	sw      *excelize.StreamWriter
	header  []string
	numeric []bool
	styles  map[numberFormat]int
	row     int
	buf     []any
	closed  bool
}

// numberFormat is how a numeric cell's text was written.
type numberFormat struct {
	decimals int
	percent  bool
}

func newXLSXWriter(w io.Writer, header []string, o WriterOptions) (xw *xlsxWriter, err error) {
	f := excelize.NewFile()
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	sheet := "Sheet1"
	if o.Sheet != "" && o.Sheet != sheet {
		if err := f.SetSheetName(sheet, o.Sheet); err != nil {
			return nil, fmt.Errorf("export: sheet name %q: %w", o.Sheet, err)
		}
		sheet = o.Sheet
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true}})
	if err != nil {
		return nil, err
	}
	// Column widths and the frozen header must come before the first row.
	for i, h := range header {
		width := min(max(float64(utf8.RuneCountInString(h))*2+2, 10), 50)
		if err := sw.SetColWidth(i+1, i+1, width); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	xw = &xlsxWriter{w: w, f: f, sw: sw, header: header, numeric: o.Numeric,
		styles: make(map[numberFormat]int), buf: make([]any, len(header))}
	for i, h := range header {
		xw.buf[i] = excelize.Cell{StyleID: bold, Value: Neutralize(h)}
	}
	if err := xw.setRow(); err != nil {
		return nil, err
	}
	return xw, nil
}

func (w *xlsxWriter) Write(cells []string) error {
	if err := checkWidth(cells, w.header); err != nil {
		return err
	}
	for i, c := range cells {
		if n := utf16Len(c); n > excelize.TotalCellChars {
			return fmt.Errorf("export: column %s of row %d has %d characters; an XLSX cell holds at most %d", w.header[i], w.row+1, n, excelize.TotalCellChars)
		}
		w.buf[i] = Neutralize(c)
		if i < len(w.numeric) && w.numeric[i] {
			if v, nf, ok := decimalValue(c); ok {
				style, err := w.style(nf)
				if err != nil {
					return err
				}
				w.buf[i] = excelize.Cell{StyleID: style, Value: v}
			}
		}
	}
	return w.setRow()
}

func (w *xlsxWriter) setRow() error {
	w.row++
	if w.row > excelize.TotalRows {
		return fmt.Errorf("export: an XLSX sheet holds at most %d rows; export as CSV", excelize.TotalRows)
	}
	cell, err := excelize.CoordinatesToCellName(1, w.row)
	if err != nil {
		return err
	}
	return w.sw.SetRow(cell, w.buf)
}

// style returns the cell style that shows a number as it was written.
func (w *xlsxWriter) style(nf numberFormat) (int, error) {
	if nf == (numberFormat{}) {
		return 0, nil
	}
	if id, ok := w.styles[nf]; ok {
		return id, nil
	}
	code := "0"
	if nf.decimals > 0 {
		code += "." + strings.Repeat("0", nf.decimals)
	}
	if nf.percent {
		code += "%"
	}
	id, err := w.f.NewStyle(&excelize.Style{CustomNumFmt: &code})
	if err != nil {
		return 0, err
	}
	w.styles[nf] = id
	return id, nil
}

// decimalValue reads a plain decimal for a numeric column: an optional
// minus, digits without a leading zero, optional decimals, an optional %,
// at most 15 significant digits (what a float64 and Excel hold exactly).
func decimalValue(s string) (float64, numberFormat, bool) {
	var nf numberFormat
	t := strings.TrimPrefix(s, "-")
	if p, ok := strings.CutSuffix(t, "%"); ok {
		t, nf.percent = p, true
	}
	whole, frac, dot := strings.Cut(t, ".")
	if whole == "" || !allDigits(whole) || !allDigits(frac) || dot && frac == "" ||
		len(whole) > 1 && whole[0] == '0' || len(strings.TrimLeft(whole+frac, "0")) > 15 {
		return 0, nf, false
	}
	v, err := strconv.ParseFloat(strings.TrimSuffix(s, "%"), 64)
	if err != nil {
		return 0, nf, false
	}
	nf.decimals = len(frac)
	if nf.percent {
		v /= 100
	}
	return v, nf, true
}

func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		n++
		if r > 0xFFFF {
			n++
		}
	}
	return n
}

func (w *xlsxWriter) Close() error {
	if w.closed {
		return nil
	}
	w.closed = true
	err := w.sw.Flush()
	if err == nil {
		err = w.f.Write(w.w)
	}
	return errors.Join(err, w.f.Close())
}

type jsonWriter struct {
	w      *bufio.Writer
	keys   [][]byte // `"key":` per column, encoded once
	header []string
	rows   int
	line   []byte
}

func newJSONWriter(w io.Writer, header []string) (*jsonWriter, error) {
	jw := &jsonWriter{w: bufio.NewWriter(w), header: header}
	seen := make(map[string]bool, len(header))
	for _, h := range header {
		if seen[h] {
			return nil, fmt.Errorf("export: column %q appears twice; JSON objects need distinct keys", h)
		}
		seen[h] = true
		jw.keys = append(jw.keys, append(appendJSONString(nil, h), ':'))
	}
	_, err := jw.w.WriteString("[")
	return jw, err
}

func (w *jsonWriter) Write(cells []string) error {
	if err := checkWidth(cells, w.header); err != nil {
		return err
	}
	b := w.line[:0]
	if w.rows > 0 {
		b = append(b, ',')
	}
	b = append(b, "\n{"...)
	for i, c := range cells {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, w.keys[i]...)
		b = appendJSONString(b, c)
	}
	b = append(b, '}')
	w.line = b
	w.rows++
	_, err := w.w.Write(b)
	return err
}

func (w *jsonWriter) Close() error {
	end := "\n]\n"
	if w.rows == 0 {
		end = "]\n"
	}
	if _, err := w.w.WriteString(end); err != nil {
		return err
	}
	return w.w.Flush()
}

// appendJSONString appends s as a JSON string. Only what JSON requires is
// escaped (quote, backslash, control characters) plus U+2028 and U+2029,
// which JavaScript does not allow unescaped in strings; invalid UTF-8
// becomes U+FFFD, as encoding/json does.
func appendJSONString(b []byte, s string) []byte {
	const hex = "0123456789abcdef"
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c == '\n':
				b = append(b, '\\', 'n')
			case c == '\r':
				b = append(b, '\\', 'r')
			case c == '\t':
				b = append(b, '\\', 't')
			case c < 0x20:
				b = append(b, '\\', 'u', '0', '0', hex[c>>4], hex[c&0xF])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			b = append(b, `\ufffd`...)
		case r == '\u2028' || r == '\u2029':
			b = append(b, '\\', 'u', '2', '0', '2', hex[r&0xF])
		default:
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}
