package importer

import (
	"strings"
	"testing"
	"time"

	"csperf"
)

func TestParseDate(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"2015-09-01", "2015-09-01"},
		{"2015/09/01", "2015-09-01"},
		{"2015/9/1", "2015-09-01"},
		{"2015-9-1", "2015-09-01"},
		{"2015.9.1", "2015-09-01"},
		{"20150901", "2015-09-01"},
		{"2015年9月1日", "2015-09-01"},
		{"2015年09月01号", "2015-09-01"},
		{"2015 年 9 月 1 日", ""},
		{"2015年 9月 1日", "2015-09-01"},
		{" 2015-09-01 ", "2015-09-01"},
		{"2015-09-01 00:00:00", "2015-09-01"},
		{"2015-09-01T00:00", "2015-09-01"},
		{"2015-09-01 00:00:00.000", "2015-09-01"},
		{"42248", "2015-09-01"},
		{"42248.75", "2015-09-01"},
		{"2016-02-29", "2016-02-29"},
		{"2015-02-29", ""},
		{"2015-13-01", ""},
		{"2015-09-01 08:00", ""},
		{"2015/09-01", ""},
		{"15-09-01", ""},
		{"09/01/2015", ""},
		{"19999", ""},
		{"80001", ""},
		{"2015", ""},
		{"", ""},
		{"2015-09-011", ""},
	} {
		d, err := ParseDate(c.in)
		switch {
		case c.want == "" && err == nil:
			t.Errorf("ParseDate(%q) = %v, want an error", c.in, d)
		case c.want != "" && (err != nil || d.String() != c.want):
			t.Errorf("ParseDate(%q) = %v, %v; want %s", c.in, d, err, c.want)
		}
	}
	// The 1904 date system of old Mac workbooks.
	if d, _ := parseDate("40786", true); d.String() != "2015-09-01" {
		t.Errorf("1904 serial: %v", d)
	}
}

func TestParseTime(t *testing.T) {
	utc := func(s string) time.Time {
		v, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	for _, c := range []struct {
		in   string
		want string // RFC 3339 in UTC; "" for an error
	}{
		{"2015-09-01T08:00:00Z", "2015-09-01T08:00:00Z"},
		{"2015-09-01T08:00:00z", "2015-09-01T08:00:00Z"},
		{"2015-09-01T08:00:00+08:00", "2015-09-01T00:00:00Z"},
		{"2015-09-01T08:00:00-05:30", "2015-09-01T13:30:00Z"},
		{"2015-09-01 08:00:00 +0800", "2015-09-01T00:00:00Z"},
		{"2015-09-01T08:00+08", "2015-09-01T00:00:00Z"},
		{"2015-09-01 08:00:00 UTC", "2015-09-01T08:00:00Z"},
		{"2015-09-01T08:00:00", "2015-09-01T00:00:00Z"}, // local: Asia/Shanghai
		{"2015-09-01 08:00:00", "2015-09-01T00:00:00Z"},
		{"2015-09-01 08:00", "2015-09-01T00:00:00Z"},
		{"2015/9/1 8:05", "2015-09-01T00:05:00Z"},
		{"2015年9月1日 8:05", "2015-09-01T00:05:00Z"},
		{"2015-09-01 07:59:59.5", "2015-08-31T23:59:59.5Z"},
		{"2015-09-01T08:00:00.123456789Z", "2015-09-01T08:00:00.123456789Z"},
		{"2015-09-01T08:00:00,25Z", "2015-09-01T08:00:00.25Z"},
		{"42248.3541666667", "2015-09-01T00:30:00Z"}, // Excel serial 08:30 local
		{"42248", "2015-08-31T16:00:00Z"},
		{"2015-09-01", ""},
		{"2015-09-01 24:00", ""},
		{"2015-09-01 08:60", ""},
		{"2015-09-01 08:00:61", ""},
		{"2015-09-01 8", ""},
		{"2015-09-01T08:00:00+2400", ""},
		{"2015-09-01T08:00:00 PST", ""},
		{"2015-09-01T08:00:00.1234567891Z", ""},
		{"2015-09-01T08:00:00.Z", ""},
		{"yesterday", ""},
	} {
		got, err := ParseTime(c.in, shanghai)
		switch {
		case c.want == "" && err == nil:
			t.Errorf("ParseTime(%q) = %v, want an error", c.in, got)
		case c.want != "" && err != nil:
			t.Errorf("ParseTime(%q): %v", c.in, err)
		case c.want != "" && (!got.Equal(utc(c.want)) || got.Location() != time.UTC):
			t.Errorf("ParseTime(%q) = %v, want %s", c.in, got, c.want)
		}
	}
	// A nil location is UTC.
	if got, _ := ParseTime("2015-09-01 08:00", nil); !got.Equal(utc("2015-09-01T08:00:00Z")) {
		t.Errorf("nil location: %v", got)
	}
}

func TestParseBool(t *testing.T) {
	for in, want := range map[string]bool{"1": true, "0": false, "TRUE": true, "False": false, "yes": true, "No": false,
		"Y": true, "n": false, "t": true, "F": false, "是": true, "否": false, " yes ": true} {
		if got, err := ParseBool(in); err != nil || got != want {
			t.Errorf("ParseBool(%q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"", "2", "maybe", "对", "真"} {
		if _, err := ParseBool(in); err == nil {
			t.Errorf("ParseBool(%q) accepted", in)
		}
	}
}

func TestParse(t *testing.T) {
	header := []string{"编号", "进站日期", "金额", "电话", "身份证号", "邮箱", "回访方式", "得分", "备注", "客户编号", "来源"}
	m, err := MapHeader(testKind, header)
	if err != nil {
		t.Fatal(err)
	}
	vals, errs := m.Parse([]string{"V1", "2015-09-01", "1234.5599999999999", "+86 138 1234 5678", "11010519491231002x",
		"Alice@Example.COM", "Email", "100", "", " C1 ", ""}, shanghai)
	if len(errs) > 0 {
		t.Fatal(errs)
	}
	checkValues(t, vals, map[string]any{"amount": csperf.Money(123456), "phone": "13812345678", "id_number": "11010519491231002X",
		"email": "Alice@example.com", "mode": "email", "score": int64(100), "customer_id": "C1", "source": "import"})
	for _, name := range []string{"note", "answered_at", "key_account"} {
		if v := vals[fieldIndex(name)]; v != nil {
			t.Errorf("%s = %#v, want nil", name, v)
		}
	}

	_, errs = m.Parse([]string{"", "2015-02-30", "12.345", "12345", "110101199003071234", "alice.example.com", "fax",
		"101", "eleven chars", "", "x"}, shanghai)
	var got []string
	for _, e := range errs {
		got = append(got, e.Error())
	}
	want := []string{
		"column 编号: the cell is empty but required",
		`column 进站日期: "2015-02-30" is not a date (want YYYY-MM-DD)`,
		`column 金额: "12.345" is not an amount in yuan (at most two decimals)`,
		"column 电话: not a phone number: a mobile number has 11 digits, this has 5",
		"column 身份证号: not an ID number: the check digit does not match (a character is mistyped)",
		"column 邮箱: not an email address: it needs exactly one @",
		`column 回访方式: "fax" is not one of phone, email, visit (or 上门, 电话回访, 邮件)`,
		"column 得分: 101 is outside 0 to 100",
		"column 备注: the text has 12 characters, at most 10",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("errors:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if errs[0].Field != "visit_id" || errs[0].At("v.csv", 7).Error() != "v.csv:7: column 编号: the cell is empty but required" {
		t.Errorf("FieldError: %+v", errs[0])
	}
}

func fieldIndex(name string) int {
	for i, f := range testKind.Fields {
		if f.Name == name {
			return i
		}
	}
	panic(name)
}

func TestParseValueSpreadsheetNumbers(t *testing.T) {
	score := &csperf.Field{Name: "overall", Type: csperf.TEnum, Enum: []string{"1", "2", "3", "4", "5"}}
	if v, err := ParseValue(score, "5.0", nil); err != nil || v != "5" {
		t.Errorf("enum 5.0: %v %v", v, err)
	}
	id := testKind.Field("id_number")
	if _, err := ParseValue(id, "1.10105194912310E+17", nil); err == nil || !strings.Contains(err.Error(), "format the column as text") {
		t.Errorf("ID in scientific notation: %v", err)
	}
}

func TestParseValue(t *testing.T) {
	f := testKind.Field("score")
	for in, want := range map[string]any{"12": int64(12), "12.0": int64(12), "+7": int64(7), "0": int64(0)} {
		if got, err := ParseValue(f, in, nil); err != nil || got != want {
			t.Errorf("ParseValue(score, %q) = %v, %v", in, got, err)
		}
	}
	for _, in := range []string{"12.5", "1e2", "", "abc", "-1"} {
		if got, err := ParseValue(f, in, nil); err == nil {
			t.Errorf("ParseValue(score, %q) = %v", in, got)
		}
	}
	for in, want := range map[string]string{"0.30000000000000004": "0.3", "1234.5599999999999": "1234.56",
		"12.345": "12.345", "abc": "abc", "-2.0000000000000004": "-2", "123456789012345678": "123456789012346000"} {
		if got := excelNumber(in); got != want {
			t.Errorf("excelNumber(%q) = %q, want %q", in, got, want)
		}
	}
}
