package importer

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"fmt"
	"hash/crc32"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"csperf"
)

const chineseCSV = "进站编号,进站日期,客户编号,结算金额,联系电话,回访方式,大客户,接听时间\n" +
	"V001,2015年9月1日,C001,\"1,234.50\",138 1234 5678,电话回访,是,2015/9/1 8:05\n" +
	"V002,2015/09/02,C002,-200,010-12345678,上门,否,2015-09-02 14:30:00\n"

func TestGB18030ChineseHeaders(t *testing.T) {
	gb, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(chineseCSV))
	if err != nil {
		t.Fatal(err)
	}
	r := mustOpen(t, "visits.csv", gb)
	if got := strings.Join(r.Header(), "|"); got != "进站编号|进站日期|客户编号|结算金额|联系电话|回访方式|大客户|接听时间" {
		t.Fatalf("header = %s", got)
	}
	m, err := r.Map(testKind)
	if err != nil {
		t.Fatal(err)
	}
	src := NewSource(r, m, shanghai)
	row, vals, ok := src.Next()
	if !ok {
		t.Fatalf("no row: %v", src.Err())
	}
	want := map[string]any{
		"visit_id": "V001", "visit_date": csperf.MakeDate(2015, 9, 1), "customer_id": "C001",
		"amount": csperf.Money(123450), "phone": "13812345678", "mode": "phone", "key_account": true,
		"answered_at": time.Date(2015, 9, 1, 0, 5, 0, 0, time.UTC), "source": "import",
	}
	if row != 2 {
		t.Errorf("row = %d, want 2", row)
	}
	checkValues(t, vals, want)
	row, vals, ok = src.Next()
	if !ok || row != 3 {
		t.Fatalf("second row: %d %v %v", row, ok, src.Err())
	}
	checkValues(t, vals, map[string]any{"amount": csperf.Money(-20000), "phone": "010-12345678", "mode": "visit",
		"key_account": false, "answered_at": time.Date(2015, 9, 2, 6, 30, 0, 0, time.UTC)})
	if _, _, ok := src.Next(); ok || src.Err() != nil {
		t.Fatalf("after the last row: %v %v", ok, src.Err())
	}
}

func checkValues(t *testing.T, vals []any, want map[string]any) {
	t.Helper()
	for name, w := range want {
		i := -1
		for j, f := range testKind.Fields {
			if f.Name == name {
				i = j
			}
		}
		got := vals[i]
		if gt, ok := got.(time.Time); ok {
			if !gt.Equal(w.(time.Time)) || gt.Location() != time.UTC {
				t.Errorf("%s = %v, want %v in UTC", name, gt, w)
			}
			continue
		}
		if got != w {
			t.Errorf("%s = %#v, want %#v", name, got, w)
		}
	}
}

func TestEncodings(t *testing.T) {
	utf16, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes(
		[]byte("编号\t进站日期\r\nV1\t2015-09-01\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data []byte
	}{
		{"bom.csv", []byte("\uFEFF编号,进站日期\nV1,2015-09-01\n")},
		{"plain.csv", []byte("编号,进站日期\nV1,2015-09-01\n")},
		{"crlf.csv", []byte("编号,进站日期\r\nV1,2015-09-01\r\n")},
		{"unicode.txt", utf16},
		{"tabs.tsv", []byte("\uFEFF编号\t进站日期\nV1\t2015-09-01\n")},
		{"noext", []byte("编号,进站日期\nV1,2015-09-01")},
	} {
		r := mustOpen(t, c.name, c.data)
		if got := strings.Join(r.Header(), "|"); got != "编号|进站日期" {
			t.Errorf("%s: header %q", c.name, got)
		}
		if _, err := r.Map(testKind); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		res := readAll(t, r)
		if len(res.rows) != 1 || res.rows[0] != 2 || res.cells[0][0] != "V1" || res.cells[0][1] != "2015-09-01" || len(res.errs) > 0 {
			t.Errorf("%s: %+v", c.name, res)
		}
	}
}

func TestEncodingRefused(t *testing.T) {
	for _, c := range []struct {
		data []byte
		want string
	}{
		{[]byte("a,b\n1,2\n\xff\xfe\xfd,3\n"), "neither UTF-8 nor GB18030 (line 3)"},
		{[]byte("\xEF\xBB\xBFa,b\n\xc4\xe3,2\n"), "line 2 is not UTF-8"},
		{[]byte("a,b\n1,\x002\n"), "line 2 holds a NUL byte"},
	} {
		_, err := openBytes(t, "x.csv", c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) || csperf.ErrorCode(err) != csperf.EINVALID {
			t.Errorf("%q: error %v, want %q", c.data, err, c.want)
		}
	}
}

func TestExtensionMismatch(t *testing.T) {
	xlsx := makeXLSX(t, [][]any{{"编号"}, {"V1"}})
	ole := append([]byte("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"), make([]byte, 512)...)
	for _, c := range []struct {
		name string
		data []byte
		want string
	}{
		{"visits.csv", xlsx, "rename it to .xlsx"},
		{"visits.txt", xlsx, "is an XLSX workbook"},
		{"visits.xlsx", []byte("编号\nV1\n"), "not an XLSX workbook (is it a CSV file?"},
		{"visits.xlsx", ole, "password-protected"},
		{"visits.csv", ole, "old Excel .xls"},
		{"visits.xls", ole, "old Excel .xls workbooks are not read"},
		{"visits.pdf", []byte("%PDF-1.4"), ".pdf files are not read"},
		{"visits.csv", nil, "empty"},
	} {
		_, err := openBytes(t, c.name, c.data)
		if err == nil || !strings.Contains(err.Error(), c.want) || !strings.HasPrefix(err.Error(), c.name+":") {
			t.Errorf("%s: error %v, want %q", c.name, err, c.want)
		}
	}
	// The right extension, or none, reads.
	mustOpen(t, "visits.xlsx", xlsx)
	if r := mustOpen(t, "upload", xlsx); r.Format() != FormatXLSX {
		t.Errorf("format of an xlsx without extension: %s", r.Format())
	}
}

func TestRowNumbers(t *testing.T) {
	data := "编号,进站日期,备注\n" + // 1
		"V1,2015-09-01,a\n" + // 2
		"\n" + // 3: blank
		"V2,2015-09-02,\"two\r\nlines\"\n" + // 4–5: one row
		"V3,2015-09-03,x,extra\n" + // 5
		",,\n" + // 6: blank cells
		"V4,2015-13-01,b\n" + // 7
		"V5,2015-09-05\n" + // 8: short
		"V6,2015-09-06,a\"b\n" + // 9: bare quote
		"V7,2015-09-07,  \n" // 10
	r := mustOpen(t, "visits.csv", []byte(data))
	m, err := r.Map(testKind)
	if err != nil {
		t.Fatal(err)
	}
	src := NewSource(r, m, shanghai)
	var rows []int
	for {
		row, _, ok := src.Next()
		if !ok {
			break
		}
		rows = append(rows, row)
	}
	if fmt.Sprint(rows) != "[2 4 10]" {
		t.Errorf("rows = %v, want [2 4 10]", rows)
	}
	want := `visits.csv:5: the row has 4 cells but the header has 3
visits.csv:7: column 进站日期: "2015-13-01" is not a date (want YYYY-MM-DD)
visits.csv:8: the row has 2 cells but the header has 3
visits.csv:9: a quote (") inside an unquoted cell (line 10); put the cell in quotes and double the quote ("")`
	if err := src.Err(); err == nil || err.Error() != want {
		t.Errorf("errors:\n%v\nwant:\n%s", err, want)
	}
}

func TestTooManyColumns(t *testing.T) {
	var b strings.Builder
	for i := 0; i <= MaxColumns; i++ {
		fmt.Fprintf(&b, "c%d,", i)
	}
	b.WriteString("\n")
	_, err := openBytes(t, "wide.csv", []byte(b.String()))
	if err == nil || !strings.Contains(err.Error(), "wide.csv:1: the header has 201 columns, at most 200") {
		t.Errorf("wide header: %v", err)
	}
	row := strings.Repeat("x,", MaxColumns) + "x\n"
	r := mustOpen(t, "wide.csv", []byte("编号,进站日期\n"+row+"V1,2015-09-01\n"))
	res := readAll(t, r)
	if len(res.errs) != 1 || res.errs[0] != "wide.csv:2: the row has 201 cells, at most 200 are read" || fmt.Sprint(res.rows) != "[3]" {
		t.Errorf("wide row: %+v", res)
	}
}

func TestLongCell(t *testing.T) {
	long := strings.Repeat("长", 40000)
	data := "编号,备注\nV1,\"" + long + "\"\nV2,short\n"
	r := mustOpen(t, "long.csv", []byte(data))
	res := readAll(t, r)
	if len(res.errs) != 1 || res.errs[0] != "long.csv:2: column 备注: the cell has 40000 characters, at most 32767" {
		t.Errorf("errors %v", res.errs)
	}
	if fmt.Sprint(res.rows) != "[3]" {
		t.Errorf("rows after a long cell: %v", res.rows)
	}
	// The same in a workbook.
	x := makeXLSX(t, [][]any{{"编号", "备注"}, {"V1", strings.Repeat("x", 32767)}, {"V2", "short"}})
	x = rezip(t, x, map[string]func(*zip.Writer){"xl/sharedStrings.xml": func(zw *zip.Writer) {
		w, _ := zw.Create("xl/sharedStrings.xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>`+
			`<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="4" uniqueCount="4">`+
			`<si><t>编号</t></si><si><t>备注</t></si><si><t>V1</t></si><si><t>%s</t></si><si><t>V2</t></si><si><t>short</t></si></sst>`, long)
	}})
	r = mustOpen(t, "long.xlsx", x)
	res = readAll(t, r)
	if len(res.errs) != 1 || res.errs[0] != "long.xlsx:2: column 备注: the cell has 40000 characters, at most 32767" {
		t.Errorf("xlsx errors %v, rows %v", res.errs, res.rows)
	}
}

func TestLongLine(t *testing.T) {
	// Forty cells of 30,000 characters: each under the cell limit, the
	// row over 1 MiB.
	cells := make([]string, 40)
	for i := range cells {
		cells[i] = strings.Repeat("x", 30000)
	}
	data := "a\nb\n" + strings.Join(cells, ",") + "\nc\n"
	r := mustOpen(t, "wide.csv", []byte(data))
	res := readAll(t, r)
	if len(res.errs) != 1 || !strings.HasPrefix(res.errs[0], "wide.csv:3: the row ") || !strings.Contains(res.errs[0], "1048576") {
		t.Errorf("errors %v", res.errs)
	}
	// A line that never ends, and a quote never closed, stop reading
	// without holding the file in memory.
	for name, data := range map[string][]byte{
		"endless.csv": []byte("a,b\n1,2\n" + strings.Repeat("y", 8<<20)),
		"quote.csv":   []byte("a,b\n1,2\n3,\"" + strings.Repeat("z\n", 4<<20)),
	} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		r := mustOpen(t, name, data)
		res := readAll(t, r)
		runtime.ReadMemStats(&after)
		if len(res.errs) != 1 || !strings.HasPrefix(res.errs[0], name+":3: the row is longer than 1048576 bytes") || r.Err() == nil {
			t.Errorf("%s: errors %v, Err %v", name, res.errs, r.Err())
		}
		if grown := after.TotalAlloc - before.TotalAlloc; grown > 16<<20 {
			t.Errorf("%s: reading allocated %d MiB", name, grown>>20)
		}
	}
}

// zipBomb returns a workbook whose sheet is replaced by a deflate stream
// of zeros that declares declared bytes.
func zipBomb(t *testing.T, zeros int64, declared uint64) []byte {
	t.Helper()
	var comp bytes.Buffer
	fw, _ := flate.NewWriter(&comp, flate.BestCompression)
	crc := crc32.NewIEEE()
	chunk := make([]byte, 1<<20)
	for n := int64(0); n < zeros; n += int64(len(chunk)) {
		fw.Write(chunk)
		crc.Write(chunk)
	}
	fw.Close()
	base := makeXLSX(t, [][]any{{"编号"}, {"V1"}})
	return rezip(t, base, map[string]func(*zip.Writer){"xl/worksheets/sheet1.xml": func(zw *zip.Writer) {
		w, err := zw.CreateRaw(&zip.FileHeader{Name: "xl/worksheets/sheet1.xml", Method: zip.Deflate,
			CRC32: crc.Sum32(), CompressedSize64: uint64(comp.Len()), UncompressedSize64: declared})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(comp.Bytes())
	}})
}

func TestZipBomb(t *testing.T) {
	for _, c := range []struct {
		name     string
		zeros    int64
		declared uint64
		want     string
	}{
		{"declares 4 GiB", 64 << 20, 4 << 30, "unpacks to more than 1024 MiB"},
		{"declares what it holds", 64 << 20, 64 << 20, "is compressed"},
		{"declares less than it holds", 64 << 20, 4 << 10, "damaged"},
		{"declares a little less than it holds", 64 << 20, 1 << 20, ""},
	} {
		bomb := zipBomb(t, c.zeros, c.declared)
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		r, err := openBytes(t, "bomb.xlsx", bomb)
		if err == nil {
			res := readAll(t, r)
			r.Close()
			if len(res.rows) > 0 {
				t.Errorf("%s: read rows %v", c.name, res.rows)
			}
		}
		took := time.Since(start)
		runtime.ReadMemStats(&after)
		if c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("%s (%d bytes): error %v, want %q", c.name, len(bomb), err, c.want)
		}
		if took > 2*time.Second {
			t.Errorf("%s: took %v", c.name, took)
		}
		if grown := after.TotalAlloc - before.TotalAlloc; grown > 256<<20 {
			t.Errorf("%s: allocated %d MiB", c.name, grown>>20)
		}
		t.Logf("%s: %d bytes, refused in %v: %v", c.name, len(bomb), took, err)
	}
}

func TestTooManyZipEntries(t *testing.T) {
	base := makeXLSX(t, [][]any{{"编号"}, {"V1"}})
	x := rezip(t, base, map[string]func(*zip.Writer){"docProps/app.xml": func(zw *zip.Writer) {
		for i := 0; i < MaxZipEntries; i++ {
			zw.Create(fmt.Sprintf("junk/%d", i))
		}
	}})
	_, err := openBytes(t, "many.xlsx", x)
	if err == nil || !strings.Contains(err.Error(), "parts, at most 1000") {
		t.Errorf("error %v", err)
	}
}

func TestXLSX(t *testing.T) {
	at := time.Date(2015, 9, 1, 8, 30, 15, 0, time.UTC)
	x := makeXLSX(t, [][]any{
		{"进站编号", "进站日期", "结算金额", "接听时间", "大客户", "得分", "联系电话"},
		{"V1", time.Date(2015, 9, 1, 0, 0, 0, 0, time.UTC), 1234.5, at, true, 87, 13812345678},
		nil, // an empty row 3
		{"V2", "2015-09-02", 0.1 + 0.2, "2015-09-02 09:00", false, 12.0, "138-1234-5678"},
	})
	r := mustOpen(t, "visits.xlsx", x)
	if r.Format() != FormatXLSX || r.Date1904() {
		t.Fatalf("format %s, 1904 %v", r.Format(), r.Date1904())
	}
	m, err := r.Map(testKind)
	if err != nil {
		t.Fatal(err)
	}
	src := NewSource(r, m, shanghai)
	row, vals, ok := src.Next()
	if !ok || row != 2 {
		t.Fatalf("row %d %v: %v", row, ok, src.Err())
	}
	checkValues(t, vals, map[string]any{"visit_id": "V1", "visit_date": csperf.MakeDate(2015, 9, 1),
		"amount": csperf.Money(123450), "answered_at": time.Date(2015, 9, 1, 0, 30, 15, 0, time.UTC),
		"key_account": true, "score": int64(87), "phone": "13812345678"})
	row, vals, ok = src.Next()
	if !ok || row != 4 {
		t.Fatalf("row %d %v: %v", row, ok, src.Err())
	}
	checkValues(t, vals, map[string]any{"amount": csperf.Money(30), "score": int64(12), "key_account": false,
		"answered_at": time.Date(2015, 9, 2, 1, 0, 0, 0, time.UTC)})
	if _, _, ok := src.Next(); ok || src.Err() != nil {
		t.Fatalf("end: %v", src.Err())
	}
}

func TestXLSXSheetAndFile(t *testing.T) {
	f := makeXLSX(t, [][]any{{"编号"}, {"V1"}})
	path := filepath.Join(t.TempDir(), "v.xlsx")
	if err := os.WriteFile(path, f, 0o600); err != nil {
		t.Fatal(err)
	}
	r, err := OpenFile(path, Options{Sheet: "Sheet1"})
	if err != nil {
		t.Fatal(err)
	}
	res := readAll(t, r)
	if err := r.Close(); err != nil || fmt.Sprint(res.cells) != "[[V1]]" {
		t.Errorf("cells %v, close %v", res.cells, err)
	}
	_, err = Open("v.xlsx", bytes.NewReader(f), int64(len(f)), Options{Sheet: "Data"})
	if err == nil || !strings.Contains(err.Error(), `no sheet "Data" (it has Sheet1)`) {
		t.Errorf("missing sheet: %v", err)
	}
}

func TestNoHeader(t *testing.T) {
	for _, data := range []string{"\n\n", ",,,\n ,\n"} {
		_, err := openBytes(t, "blank.csv", []byte(data))
		if err == nil || err.Error() != "blank.csv: the file has no header row" {
			t.Errorf("%q: %v", data, err)
		}
	}
}

func TestFatalErrorEndsReading(t *testing.T) {
	r := mustOpen(t, "x.csv", []byte("a\n"+strings.Repeat("q", 2<<20)+"\nb\n"))
	_, _, err := r.Next()
	if err == nil || r.Err() == nil {
		t.Fatal("no error")
	}
	if _, _, err := r.Next(); err != io.EOF {
		t.Errorf("after a fatal error: %v", err)
	}
}
