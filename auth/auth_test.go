package auth

import "testing"

func TestHashVerify(t *testing.T) {
	h, err := HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	if !VerifyPassword(h, "correct horse battery staple") {
		t.Fatal("right password refused")
	}
	if VerifyPassword(h, "correct horse battery stapl") {
		t.Fatal("wrong password accepted")
	}
	if VerifyPassword("$argon2id$broken", "x") {
		t.Fatal("broken hash accepted")
	}
}

func TestPolicies(t *testing.T) {
	cases := []struct {
		policy, user, pw string
		ok               bool
	}{
		{PolicyStandard, "li", "short", false},
		{PolicyStandard, "li", "password1234", false},
		{PolicyStandard, "li", "blue-river-lantern", true},
		{PolicyStandard, "zhangsan", "zhangsan-is-great", false},
		{PolicyMLPS, "li", "alllowercase", false},
		{PolicyMLPS, "li", "Lower123", true},
		{PolicyMLPS, "li", "lower-123", true},
		{PolicyMLPS, "li", "Ab1!", false},
	}
	for _, c := range cases {
		if err := CheckPassword(c.policy, c.user, c.pw); (err == nil) != c.ok {
			t.Errorf("%s %q: %v", c.policy, c.pw, err)
		}
	}
}
