package importer

import (
	"archive/zip"
	"bytes"
	"io"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/unicode"

	"csperf"
)

// checkReader reads everything r has and checks what every file must
// give: rows in increasing order after the header, exactly one cell per
// header column, cells within the limits and valid UTF-8, and an end.
// It also maps and parses every row, which must not panic.
func checkReader(t *testing.T, r *Reader) {
	t.Helper()
	header := r.Header()
	if len(header) == 0 || len(header) > MaxColumns {
		t.Fatalf("header of %d columns", len(header))
	}
	m, _ := MapHeader(testKind, header)
	last := 0
	for i := 0; ; i++ {
		if i > 2_000_000 {
			t.Fatal("Next does not end")
		}
		row, cells, err := r.Next()
		if err == io.EOF {
			break
		}
		if row <= last {
			t.Fatalf("row %d after row %d", row, last)
		}
		last = row
		if err != nil {
			if _, ok := err.(csperf.RowError); !ok {
				t.Fatalf("error %T %v", err, err)
			}
			continue
		}
		if len(cells) != len(header) {
			t.Fatalf("row %d has %d cells under %d headers", row, len(cells), len(header))
		}
		for _, c := range cells {
			if utf8.RuneCountInString(c) > MaxCellChars || !utf8.ValidString(c) {
				t.Fatalf("row %d: a cell of %d characters, valid %v", row, utf8.RuneCountInString(c), utf8.ValidString(c))
			}
		}
		if blank(cells) {
			t.Fatalf("row %d is blank", row)
		}
		m.Parse(cells, shanghai)
	}
	if _, _, err := r.Next(); err != io.EOF {
		t.Fatalf("Next after the end: %v", err)
	}
}

// FuzzReadCSV feeds arbitrary bytes to the CSV reader, as .csv and as
// .tsv.
func FuzzReadCSV(f *testing.F) {
	gb, _ := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(chineseCSV))
	u16, _ := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().Bytes([]byte("编号\t进站日期\r\nV1\t2015-09-01\r\n"))
	for _, seed := range [][]byte{
		[]byte(chineseCSV),
		[]byte("\uFEFF" + chineseCSV),
		gb,
		u16,
		[]byte("a,b\n1,2,3\n\n4\n\"x\ny\",z\n5,a\"b\n"),
		[]byte("编号,进站日期,备注\nV1,42248,\"=1+1\"\n,,\nV2,2015年9月1日,\"\"\"\"\n"),
		[]byte("a\tb\n1\t2\n"),
		[]byte("a,\"b"),
		[]byte("\xff\xfe\x00"),
		{},
	} {
		f.Add(seed, false)
	}
	f.Fuzz(func(t *testing.T, data []byte, tsv bool) {
		name := "fuzz.csv"
		if tsv {
			name = "fuzz.tsv"
		}
		r, err := Open(name, bytes.NewReader(data), int64(len(data)), Options{})
		if err != nil {
			if csperf.ErrorCode(err) != csperf.EINVALID {
				t.Fatalf("Open: %T %v", err, err)
			}
			return
		}
		defer r.Close()
		if r.Format() != FormatCSV {
			t.Fatalf("format %s", r.Format())
		}
		checkReader(t, r)
	})
}

// xlsxSeed is a small workbook with shared strings, numbers, dates, a
// boolean and a gap.
func xlsxSeed(t testing.TB) []byte {
	return makeXLSX(t, [][]any{
		{"进站编号", "进站日期", "结算金额", "接听时间", "大客户", "备注"},
		{"V1", time.Date(2015, 9, 1, 0, 0, 0, 0, time.UTC), 1234.5, time.Date(2015, 9, 1, 8, 30, 0, 0, time.UTC), true, "=1+1"},
		nil,
		{"V2", "2015-09-02", -200, "2015-09-02 09:00", false, "张三"},
	})
}

// slimXLSX is the seed without the parts a reader does not need (theme,
// document properties), which halves the time excelize takes to open it
// and so doubles the fuzzers' speed.
func slimXLSX(t testing.TB) []byte {
	drop := func(*zip.Writer) {}
	return rezip(t, xlsxSeed(t), map[string]func(*zip.Writer){
		"xl/theme/theme1.xml": drop, "docProps/app.xml": drop, "docProps/core.xml": drop})
}

// FuzzReadXLSX feeds arbitrary bytes to the XLSX reader.
func FuzzReadXLSX(f *testing.F) {
	f.Add(xlsxSeed(f))
	f.Add(slimXLSX(f))
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte("PK\x05\x06\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := Open("fuzz.xlsx", bytes.NewReader(data), int64(len(data)), Options{})
		if err != nil {
			if csperf.ErrorCode(err) != csperf.EINVALID {
				t.Fatalf("Open: %T %v", err, err)
			}
			return
		}
		defer r.Close()
		checkReader(t, r)
	})
}

// FuzzReadXLSXSheet puts arbitrary worksheet and shared-string XML into an
// otherwise valid workbook, which reaches excelize's row parser in a way
// mutating the zip's bytes (and breaking its checksums) does not.
func FuzzReadXLSXSheet(f *testing.F) {
	seed := slimXLSX(f)
	zr, err := zip.NewReader(bytes.NewReader(seed), int64(len(seed)))
	if err != nil {
		f.Fatal(err)
	}
	part := func(name string) []byte {
		for _, zf := range zr.File {
			if zf.Name == name {
				rc, _ := zf.Open()
				b, _ := io.ReadAll(rc)
				rc.Close()
				return b
			}
		}
		f.Fatalf("no %s in the seed", name)
		return nil
	}
	f.Add(part("xl/worksheets/sheet1.xml"), part("xl/sharedStrings.xml"))
	f.Add([]byte(`<worksheet><sheetData><row r="3"><c r="B3" t="s"><v>1</v></c><c r="XFD3"><v>42248.5</v></c></row><row><c t="inlineStr"><is><t>x</t></is></c></row></sheetData></worksheet>`),
		[]byte(`<sst><si><t>a</t></si><si><r><t>b</t></r><r><t>c</t></r></si></sst>`))
	f.Add([]byte(`<worksheet><sheetData><row r="1"><c t="s"><v>99</v></c><c t="b"><v>1</v></c><c t="e"><v>#N/A</v></c><c t="d"><v>2015-09-01T00:00:00</v></c></row></sheetData></worksheet>`),
		[]byte(`<sst/>`))
	f.Fuzz(func(t *testing.T, sheet, sst []byte) {
		x := rezip(t, seed, map[string]func(*zip.Writer){
			"xl/worksheets/sheet1.xml": func(zw *zip.Writer) {
				w, _ := zw.Create("xl/worksheets/sheet1.xml")
				w.Write(sheet)
			},
			"xl/sharedStrings.xml": func(zw *zip.Writer) {
				w, _ := zw.Create("xl/sharedStrings.xml")
				w.Write(sst)
			},
		})
		r, err := Open("fuzz.xlsx", bytes.NewReader(x), int64(len(x)), Options{})
		if err != nil {
			if csperf.ErrorCode(err) != csperf.EINVALID {
				t.Fatalf("Open: %T %v", err, err)
			}
			return
		}
		defer r.Close()
		checkReader(t, r)
	})
}

// FuzzParseDate checks that a date parses to a day that formats and parses
// back to itself, in this package's parser and the root's.
func FuzzParseDate(f *testing.F) {
	for _, s := range []string{"2015-09-01", "2015/9/1", "2015.09.01", "20150901", "2015年9月1日", "2015年09月01号",
		"2015-09-01 00:00:00", "2015-09-01T00:00:00.000", "42248", "42248.75", "80000", "19999", "2016-02-29",
		"2015-02-29", "9999-12-31", "0001-01-01", "1900-01-01", "", "2015-09-01 08:00", "2015-9-1T00:00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		parseDate(s, true)
		d, err := ParseDate(s)
		if err != nil {
			return
		}
		for _, parse := range []func(string) (csperf.Date, error){ParseDate, csperf.ParseDate} {
			back, err := parse(d.String())
			if err != nil || back != d {
				t.Fatalf("ParseDate(%q) = %v, which parses back to %v, %v", s, d, back, err)
			}
		}
	})
}

// FuzzParseTime checks that an accepted time is in UTC, that its RFC 3339
// form parses back to the same instant, and that the location only ever
// shifts a time by the offset between the locations.
func FuzzParseTime(f *testing.F) {
	for _, s := range []string{"2015-09-01T08:00:00Z", "2015-09-01T08:00:00+08:00", "2015-09-01 08:00:00 +0800",
		"2015-09-01T08:00+08", "2015-09-01 08:00:00 UTC", "2015-09-01T08:00:00", "2015-09-01 08:00", "2015/9/1 8:05",
		"2015年9月1日 8:05", "2015-09-01 07:59:59.5", "2015-09-01T08:00:00.123456789Z", "2015-09-01T08:00:00,25Z",
		"42248.3541666667", "42248", "2015-09-01", "2015-09-01 24:00", "1900-01-01T00:00:00+23:59", "9999-12-31T23:59:59.999999999Z", "0001-1-1 0:00:00"} {
		f.Add(s)
	}
	east := time.FixedZone("", 8*3600)
	f.Fuzz(func(t *testing.T, s string) {
		parseTime(s, east, true)
		got, err := ParseTime(s, east)
		if err != nil {
			return
		}
		if got.Location() != time.UTC {
			t.Fatalf("ParseTime(%q) is in %v", s, got.Location())
		}
		rfc := got.Format(time.RFC3339Nano)
		if std, err := time.Parse(time.RFC3339Nano, rfc); err != nil || !std.Equal(got) {
			t.Fatalf("ParseTime(%q) = %v, not RFC 3339: %v", s, got, err)
		}
		if got.Year() >= minYear {
			if back, err := ParseTime(rfc, time.UTC); err != nil || !back.Equal(got) {
				t.Fatalf("ParseTime(%q) = %v, whose RFC 3339 form parses to %v, %v", s, got, back, err)
			}
		}
		inUTC, err := ParseTime(s, time.UTC)
		if err != nil {
			t.Fatalf("ParseTime(%q) fails in UTC: %v", s, err)
		}
		if d := inUTC.Sub(got); d != 0 && d != 8*time.Hour {
			t.Fatalf("ParseTime(%q): UTC and +08:00 differ by %v", s, d)
		}
	})
}

// FuzzParseBool checks that only the listed spellings are accepted and
// that each means what strconv says it means.
func FuzzParseBool(f *testing.F) {
	for _, s := range []string{"1", "0", "true", "FALSE", "Yes", "no", "y", "N", "t", "f", "是", "否", "", "2", " yes "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := ParseBool(s)
		if err != nil {
			return
		}
		if len(strings.TrimSpace(s)) > len("false") {
			t.Fatalf("ParseBool accepted %q", s)
		}
		if back, err := ParseBool(strconv.FormatBool(v)); err != nil || back != v {
			t.Fatalf("ParseBool(%q) = %v does not round-trip", s, v)
		}
	})
}
