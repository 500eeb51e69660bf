package importer

import (
	"archive/zip"
	"bytes"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"csperf"
)

// testKind is a visits-like kind with one field of every type.
var testKind = &csperf.Kind{
	Name: "visits", Table: "visits", Key: []string{"visit_id"}, Label: "进站", LabelEn: "Visits",
	Fields: []csperf.Field{
		{Name: "visit_id", Type: csperf.TString, Required: true, Label: "进站编号", LabelEn: "Visit ID", Aliases: []string{"编号"}},
		{Name: "visit_date", Type: csperf.TDate, Required: true, Label: "进站日期", LabelEn: "Visit date", Aliases: []string{"维修日期"}},
		{Name: "customer_id", Type: csperf.TRef, Ref: "customers", Label: "客户编号", LabelEn: "Customer ID"},
		{Name: "amount", Type: csperf.TMoney, Label: "结算金额", LabelEn: "Amount", Aliases: []string{"金额"}},
		{Name: "phone", Type: csperf.TString, PII: csperf.PIIPhone, Label: "联系电话", LabelEn: "Phone", Aliases: []string{"电话", "手机号"}},
		{Name: "id_number", Type: csperf.TString, PII: csperf.PIIIDNumber, Label: "身份证号", LabelEn: "ID number"},
		{Name: "email", Type: csperf.TString, PII: csperf.PIIEmail, Label: "电子邮箱", LabelEn: "Email", Aliases: []string{"邮箱"}},
		{Name: "answered_at", Type: csperf.TTime, Label: "接听时间", LabelEn: "Answered at"},
		{Name: "key_account", Type: csperf.TBool, Label: "大客户", LabelEn: "Key account"},
		{Name: "mode", Type: csperf.TEnum, Enum: []string{"phone", "email", "visit"},
			EnumAliases: map[string]string{"电话回访": "phone", "邮件": "email", "上门": "visit"}, Label: "回访方式", LabelEn: "Mode"},
		{Name: "score", Type: csperf.TInt, Min: 0, Max: 100, Label: "得分", LabelEn: "Score"},
		{Name: "note", Type: csperf.TString, MaxLen: 10, Label: "备注", LabelEn: "Note"},
		{Name: "source", Type: csperf.TString, Default: "import", Label: "来源", LabelEn: "Source"},
	},
}

var shanghai = func() *time.Location {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}()

func openBytes(t testing.TB, name string, b []byte) (*Reader, error) {
	t.Helper()
	return Open(name, bytes.NewReader(b), int64(len(b)), Options{})
}

func mustOpen(t testing.TB, name string, b []byte) *Reader {
	t.Helper()
	r, err := openBytes(t, name, b)
	if err != nil {
		t.Fatalf("Open(%s): %v", name, err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// readAll collects every row and error; errors are returned as text.
type readResult struct {
	rows  []int
	cells [][]string
	errs  []string
}

func readAll(t testing.TB, r *Reader) readResult {
	t.Helper()
	var res readResult
	for i := 0; ; i++ {
		if i > 1e6 {
			t.Fatal("Next does not end")
		}
		row, cells, err := r.Next()
		if err == io.EOF {
			return res
		}
		if err != nil {
			var re csperf.RowError
			if !errors.As(err, &re) {
				t.Fatalf("Next returned %T %v, want a csperf.RowError", err, err)
			}
			res.errs = append(res.errs, err.Error())
			continue
		}
		res.rows = append(res.rows, row)
		res.cells = append(res.cells, cells)
	}
}

// makeXLSX builds a workbook whose first sheet holds rows (nil cells are
// left empty).
func makeXLSX(t testing.TB, rows [][]any) []byte {
	t.Helper()
	f := excelize.NewFile()
	defer f.Close()
	for i, row := range rows {
		cell, _ := excelize.CoordinatesToCellName(1, i+1)
		if row == nil {
			continue
		}
		if err := f.SetSheetRow("Sheet1", cell, &row); err != nil {
			t.Fatal(err)
		}
	}
	var buf bytes.Buffer
	if err := f.Write(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// rezip copies the zip archive src, letting replace write the entries it
// names itself.
func rezip(t testing.TB, src []byte, replace map[string]func(*zip.Writer)) []byte {
	t.Helper()
	zr, err := zip.NewReader(bytes.NewReader(src), int64(len(src)))
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	zw := zip.NewWriter(&out)
	for _, f := range zr.File {
		if fn, ok := replace[f.Name]; ok {
			fn(zw)
			continue
		}
		if err := zw.Copy(f); err != nil {
			t.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Bytes()
}
