package importer

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/xuri/excelize/v2"
)

func TestNeutralize(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1":                     "'=1+1",
		"=cmd|' /C calc'!A0":       "'=cmd|' /C calc'!A0",
		"+1+1":                     "'+1+1",
		"-2+3":                     "'-2+3",
		"@SUM(A1:A2)":              "'@SUM(A1:A2)",
		"\t=1":                     "'\t=1",
		"\r=1":                     "'\r=1",
		"-200":                     "-200",
		"-12.5":                    "-12.5",
		"+5":                       "+5",
		"-3.25%":                   "-3.25%",
		"-.5":                      "-.5",
		"-1e5":                     "'-1e5",
		"-":                        "'-",
		"--":                       "'--",
		"a=1":                      "a=1",
		"1-2":                      "1-2",
		"":                         "",
		"张三":                       "张三",
		"=HYPERLINK(\"http://x\")": "'=HYPERLINK(\"http://x\")",
	} {
		if got := Neutralize(in); got != want {
			t.Errorf("Neutralize(%q) = %q, want %q", in, got, want)
		}
	}
}

var exportRows = [][]string{
	{"V1", "=1+1", "-200", "张三, \"经理\"", "0138"},
	{"V2", "@cmd", "12.50%", "line\nbreak", "1234.50"},
}

func TestCSVWriter(t *testing.T) {
	for _, noBOM := range []bool{false, true} {
		var buf bytes.Buffer
		w, err := NewWriter(ExportCSV, &buf, []string{"编号", "公式", "金额", "备注", "代码"}, WriterOptions{NoBOM: noBOM})
		if err != nil {
			t.Fatal(err)
		}
		for _, row := range exportRows {
			if err := w.Write(row); err != nil {
				t.Fatal(err)
			}
		}
		if err := w.Write([]string{"short"}); err == nil {
			t.Error("a short row was written")
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		want := "编号,公式,金额,备注,代码\n" +
			"V1,'=1+1,-200,\"张三, \"\"经理\"\"\",0138\n" +
			"V2,'@cmd,12.50%,\"line\nbreak\",1234.50\n"
		if !noBOM {
			want = "\uFEFF" + want
		}
		if buf.String() != want {
			t.Errorf("NoBOM %v: got\n%q\nwant\n%q", noBOM, buf.String(), want)
		}
		// What we write, we read.
		r := mustOpen(t, "export.csv", buf.Bytes())
		res := readAll(t, r)
		if len(res.cells) != 2 || res.cells[1][3] != "line\nbreak" || res.cells[0][1] != "'=1+1" {
			t.Errorf("read back: %+v", res)
		}
	}
}

func TestXLSXWriter(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(ExportXLSX, &buf, []string{"编号", "公式", "金额", "备注", "代码"},
		WriterOptions{Sheet: "进站", Numeric: []bool{false, true, true, false, true}})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range exportRows {
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Write([]string{"x", strings.Repeat("a", 32768), "", "", ""}); err == nil {
		t.Error("a cell over 32767 characters was written")
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	data := buf.Bytes()
	f, err := excelize.OpenReader(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if f.GetSheetName(0) != "进站" {
		t.Errorf("sheet %q", f.GetSheetName(0))
	}
	for cell, want := range map[string]struct {
		value string
		typ   excelize.CellType
	}{
		"A1": {"编号", excelize.CellTypeInlineString},
		"B2": {"'=1+1", excelize.CellTypeInlineString},
		"C2": {"-200", excelize.CellTypeUnset},
		"E2": {"0138", excelize.CellTypeInlineString},
		"B3": {"'@cmd", excelize.CellTypeInlineString},
		"C3": {"12.50%", excelize.CellTypeUnset},
		"E3": {"1234.50", excelize.CellTypeUnset},
	} {
		got, _ := f.GetCellValue("进站", cell)
		typ, _ := f.GetCellType("进站", cell)
		if got != want.value || typ != want.typ {
			t.Errorf("%s = %q (type %v), want %q (type %v)", cell, got, typ, want.value, want.typ)
		}
		if formula, _ := f.GetCellFormula("进站", cell); formula != "" {
			t.Errorf("%s has formula %q", cell, formula)
		}
	}
	// Read back through the importer: numbers come raw.
	r := mustOpen(t, "export.xlsx", data)
	res := readAll(t, r)
	if len(res.cells) != 2 || res.cells[0][2] != "-200" || res.cells[1][2] != "0.125" || res.cells[1][4] != "1234.5" {
		t.Errorf("read back: %+v", res)
	}
}

func TestJSONWriter(t *testing.T) {
	var buf bytes.Buffer
	w, err := NewWriter(ExportJSON, &buf, []string{"id", "formula", "amount", "note", "code"})
	if err != nil {
		t.Fatal(err)
	}
	for _, row := range append(exportRows, []string{"V3", "\x01\u2028\"\\", "\xff", "</script>", "\t"}) {
		if err := w.Write(row); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	var got []map[string]string
	if err := json.Unmarshal(buf.Bytes(), &got); err != nil {
		t.Fatalf("%v in %s", err, buf.String())
	}
	if len(got) != 3 || got[0]["formula"] != "=1+1" || got[0]["note"] != "张三, \"经理\"" || got[1]["note"] != "line\nbreak" ||
		got[2]["formula"] != "\x01\u2028\"\\" || got[2]["amount"] != "\uFFFD" || got[2]["note"] != "</script>" {
		t.Errorf("got %q", got)
	}
	if !strings.HasPrefix(buf.String(), "[\n{\"id\":\"V1\",\"formula\":") {
		t.Errorf("keys out of header order: %s", buf.String())
	}
	buf.Reset()
	w, _ = NewWriter(ExportJSON, &buf, []string{"a"})
	w.Close()
	if buf.String() != "[]\n" {
		t.Errorf("empty: %q", buf.String())
	}
	if _, err := NewWriter(ExportJSON, &buf, []string{"a", "a"}); err == nil {
		t.Error("duplicate keys accepted")
	}
	if _, err := NewWriter("pdf", &buf, []string{"a"}); err == nil {
		t.Error("pdf accepted")
	}
}
