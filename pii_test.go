package csperf

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestMaskPhone(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"13812345678", "138****5678"},
		{"138 1234 5678", "138 **** 5678"},
		{"138-1234-5678", "138-****-5678"},
		{"+86 138-1234-5678", "+86 138-****-5678"},
		{"+8613812345678", "+86138****5678"},
		{"008613812345678", "0086138****5678"},
		{"010-12345678", "010-****5678"},
		{"0571-88776655", "0571-****6655"},
		{"(0571) 8877665", "(0571) ***7665"},
		{"12345", "*****"},
		{"123", "***"},
		{"8877665", "***7665"},
		{"１３８１２３４５６７８", "１３８****５６７８"},
		{"call 13812345678", "**** 138****5678"},
		{"", ""},
	} {
		got := MaskPhone(c.in)
		if got != c.want {
			t.Errorf("MaskPhone(%q) = %q, want %q", c.in, got, c.want)
		}
		if utf8.RuneCountInString(got) != utf8.RuneCountInString(c.in) {
			t.Errorf("MaskPhone(%q) changed the length", c.in)
		}
	}
}

func TestMaskOthers(t *testing.T) {
	for _, c := range []struct {
		p        PII
		in, want string
	}{
		{PIIIDNumber, "110101199003071234", "110101********1234"},
		{PIIIDNumber, "11010119900307123X", "110101********123X"},
		{PIIIDNumber, "110101900307123", "110101******123"},
		{PIIIDNumber, "E12345678", "E******78"},
		{PIIIDNumber, "123456", "******"},
		{PIIEmail, "alice@example.com", "a***@example.com"},
		{PIIEmail, "a@example.com", "***@example.com"},
		{PIIEmail, "张三@例子.中国", "张***@例子.中国"},
		{PIIEmail, "not-an-email", "n***"},
		{PIIAddress, "北京市朝阳区建国路88号", "北京市朝阳区****"},
		{PIIAddress, "上海市浦东", "上海****"},
		{PIIAddress, "12 Main Street, Springfield", "12 Mai****"},
		{PIINone, "13812345678", "13812345678"},
		{PIIPhone, "13812345678", "138****5678"},
		{PIIEmail, "", ""},
		{PIIAddress, "", ""},
	} {
		if got := Mask(c.p, c.in); got != c.want {
			t.Errorf("Mask(%d, %q) = %q, want %q", c.p, c.in, got, c.want)
		}
	}
}

func TestNormalizePhone(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"13812345678", "13812345678"},
		{" 138 1234 5678 ", "13812345678"},
		{"138-1234-5678", "13812345678"},
		{"+86 138 1234 5678", "13812345678"},
		{"+86-13812345678", "13812345678"},
		{"008613812345678", "13812345678"},
		{"8613812345678", "13812345678"},
		{"１３８１２３４５６７８", "13812345678"},
		{"19912345678", "19912345678"},
		{"010-12345678", "010-12345678"},
		{"01012345678", "010-12345678"},
		{"(010) 1234-5678", "010-12345678"},
		{"0571-8877665", "0571-8877665"},
		{"0571 88776655", "0571-88776655"},
		{"+86 10 12345678", "010-12345678"},
		{"+86 571 88776655", "0571-88776655"},
	} {
		got, err := NormalizePhone(c.in)
		if err != nil || got != c.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, reason string }{
		{"", "no digits"},
		{"1381234567", "11 digits"},
		{"138123456789", "11 digits"},
		{"12812345678", "start with 13 to 19"},
		{"87654321", "area code"},
		{"18765432", "area code"},
		{"010-654321", "7 or 8 digits"},
		{"010-123456789", "7 or 8 digits"},
		{"011-12345678", "no area code"},
		{"+1 415 555 1234", "mainland China"},
		{"138ab345678", "contains"},
		{"12345", "11 digits"},
		{"2345", "want a mobile"},
	} {
		got, err := NormalizePhone(c.in)
		if err == nil || !errors.Is(err, ErrPhone) || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("NormalizePhone(%q) = %q, %v; want an error about %q", c.in, got, err, c.reason)
		}
		if err != nil && len(c.in) > 4 && strings.Contains(err.Error(), c.in) {
			t.Errorf("NormalizePhone(%q): error %q repeats the value", c.in, err)
		}
	}
}

func TestNormalizeIDNumber(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"11010519491231002X", "11010519491231002X"},
		{"11010519491231002x", "11010519491231002X"},
		{"110105 19491231 002X", "11010519491231002X"},
		{"440524188001010014", "440524188001010014"},
		{"110101900307123", "110101900307123"},
	} {
		got, err := NormalizeIDNumber(c.in)
		if err != nil || got != c.want {
			t.Errorf("NormalizeIDNumber(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
	for _, c := range []struct{ in, reason string }{
		{"110101199003071234", "check digit"},
		{"11010519491231002", "17 characters"},
		{"1101051949123100X2", "only the last"},
		{"110105194913310020", "birth date"},
		{"11010519491231002Y", "contains"},
		{"11010190030712X", "digits only"},
		{"", "0 characters"},
	} {
		got, err := NormalizeIDNumber(c.in)
		if err == nil || !errors.Is(err, ErrIDNumber) || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("NormalizeIDNumber(%q) = %q, %v; want an error about %q", c.in, got, err, c.reason)
		}
	}
}
