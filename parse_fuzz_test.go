package csperf

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzParseMoney checks that ParseMoney never panics and that every amount
// it accepts formats and parses back to itself.
func FuzzParseMoney(f *testing.F) {
	for _, s := range []string{"0", "1234", "1234.5", "1234.56", "-200", "¥1,234.56", "￥0.01", ".5", "5.",
		"-0", "+3", "1234.567", "", "-", ".", "999999999999999.99", "9999999999999999", "1e3", " 12 ", "--1", "1,,2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseMoney(s)
		if err != nil {
			return
		}
		back, err := ParseMoney(m.String())
		if err != nil || back != m {
			t.Fatalf("ParseMoney(%q) = %v, but %q parses to %v, %v", s, m, m.String(), back, err)
		}
		txt, _ := m.MarshalText()
		var u Money
		if err := u.UnmarshalText(txt); err != nil || u != m {
			t.Fatalf("text round trip of %v: %v, %v", m, u, err)
		}
	})
}

// FuzzNormalizePhone checks that NormalizePhone never panics, that what it
// returns is canonical (normalising it again changes nothing) and of a
// known shape, and that masking any input keeps its length.
func FuzzNormalizePhone(f *testing.F) {
	for _, s := range []string{"13812345678", "+86 138-1234-5678", "0086 13812345678", "8613812345678",
		"010-12345678", "(0571) 8877665", "+86 10 12345678", "１３８１２３４５６７８", "12345", "", "+", "+86", "0",
		"011-12345678", "138ab345678", "\u3000138 1234 5678"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := MaskPhone(s); utf8.RuneCountInString(got) != utf8.RuneCountInString(s) {
			t.Fatalf("MaskPhone(%q) = %q changes the length", s, got)
		}
		p, err := NormalizePhone(s)
		if err != nil {
			// The messages quote one example number; any other run of six
			// digits from the input in them would be a leak.
			msg := strings.ReplaceAll(err.Error(), "010-12345678", "")
			if digitsOnly(s) && len(s) >= 6 && strings.Contains(msg, s) {
				t.Fatalf("error %q repeats the value", err)
			}
			return
		}
		mobile := len(p) == 11 && p[0] == '1' && p[1] >= '3'
		landline := p[0] == '0' && strings.Count(p, "-") == 1 && len(p) >= 11 && len(p) <= 13
		if !mobile && !landline {
			t.Fatalf("NormalizePhone(%q) = %q, neither a mobile nor a landline", s, p)
		}
		again, err := NormalizePhone(p)
		if err != nil || again != p {
			t.Fatalf("NormalizePhone(%q) = %q, not canonical: %q, %v", s, p, again, err)
		}
		if m := MaskPhone(p); m == p || !strings.Contains(m, "*") {
			t.Fatalf("MaskPhone(%q) = %q hides nothing", p, m)
		}
	})
}

// FuzzNormalizeIDNumber checks that NormalizeIDNumber never panics, that
// what it accepts is canonical and carries a valid check digit, and that
// its mask hides the birth date.
func FuzzNormalizeIDNumber(f *testing.F) {
	for _, s := range []string{"11010519491231002X", "11010519491231002x", "440524188001010014", "110101900307123",
		"110101199003071234", "", "X", "１１０１０５１９４９１２３１００２Ｘ", "11010519491231002X ", "1101051949123100X2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if got := MaskIDNumber(s); utf8.RuneCountInString(got) != utf8.RuneCountInString(s) {
			t.Fatalf("MaskIDNumber(%q) = %q changes the length", s, got)
		}
		id, err := NormalizeIDNumber(s)
		if err != nil {
			return
		}
		again, err := NormalizeIDNumber(id)
		if err != nil || again != id {
			t.Fatalf("NormalizeIDNumber(%q) = %q, not canonical: %q, %v", s, id, again, err)
		}
		if len(id) == 18 {
			sum := 0
			for i, w := range idWeights {
				sum += int(id[i]-'0') * w
			}
			if id[17] != idCheck[sum%11] {
				t.Fatalf("accepted %q with a wrong check digit", id)
			}
			if m := MaskIDNumber(id); m[6:14] != "********" {
				t.Fatalf("MaskIDNumber(%q) = %q shows the birth date", id, m)
			}
		} else if len(id) != 15 {
			t.Fatalf("NormalizeIDNumber(%q) = %q of length %d", s, id, len(id))
		}
	})
}

func digitsOnly(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s != ""
}
