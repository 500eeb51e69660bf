package web

import (
	"context"
	"io/fs"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"

	"csperf"
	"csperf/sqlstore"
)

// TestCatalog checks that both languages have the same keys, that no
// message is empty, and that every key a template or handler uses exists.
func TestCatalog(t *testing.T) {
	for lang, m := range catalog {
		for other, om := range catalog {
			for k := range m {
				if _, ok := om[k]; !ok {
					t.Errorf("%q is in %s but not in %s", k, lang, other)
				}
			}
		}
		for k, v := range m {
			if strings.TrimSpace(v) == "" {
				t.Errorf("%s %q is empty", lang, k)
			}
		}
	}
	used := map[string]bool{}
	tre := regexp.MustCompile(`\.T "([a-z0-9_.]+)"`)
	fs.WalkDir(assets, "templates", func(p string, d fs.DirEntry, err error) error {
		if d.IsDir() {
			return nil
		}
		b, _ := assets.ReadFile(p)
		for _, m := range tre.FindAllStringSubmatch(string(b), -1) {
			used[m[1]] = true
		}
		return nil
	})
	gre := regexp.MustCompile(`(?:msg\([^,]+, |\.T\()"([a-z0-9_.]+)"`)
	files, _ := os.ReadDir(".")
	for _, f := range files {
		if !strings.HasSuffix(f.Name(), ".go") || strings.HasSuffix(f.Name(), "_test.go") {
			continue
		}
		b, _ := os.ReadFile(f.Name())
		for _, m := range gre.FindAllStringSubmatch(string(b), -1) {
			if !strings.HasSuffix(m[1], ".") {
				used[m[1]] = true
			}
		}
	}
	// Keys built at run time.
	for _, r := range csperf.Roles {
		used["role."+r] = true
	}
	for _, x := range []string{"reward", "penalty", "even", "no_rate"} {
		used["churn.result."+x] = true
	}
	used["churn.average.department"], used["churn.average.group_mean"] = true, true
	used["password.policy.standard"], used["password.policy.mlps"] = true, true
	for _, s := range []string{"400", "401", "403", "404", "409", "413", "422", "429", "500"} {
		used["error."+s] = true
	}
	if len(used) < 100 {
		t.Fatalf("found only %d keys in use", len(used))
	}
	for k := range used {
		for lang := range catalog {
			if _, ok := catalog[lang][k]; !ok {
				t.Errorf("key %q is used but not in %s", k, lang)
			}
		}
	}
}

// TestEveryPageRenders opens every page in both languages, as the roles
// that may, and looks for untranslated keys.
func TestEveryPageRenders(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		fx := makeFixtures(t, e)
		ctx := context.Background()
		seed(t, db, "visits", csperf.Record{"visit_id": "V0", "customer_id": "C2", "advisor_id": "B1", "visit_date": date("2015-05-02")})
		key := regexp.MustCompile(`>(nav|list|form|churn|dash|users|audit|import|error|login|password|role|bool|records)\.[a-z_.]+<`)
		for _, lang := range []string{"zh", "en"} {
			l := lang
			for _, role := range []string{"admin", "agent"} {
				db.UpdateUser(ctx, role, csperf.UserUpdate{Lang: &l})
			}
			pages := []string{"/", "/records", "/churn", "/churn?month=2016-01", "/import", "/audit", "/users", "/password", "/nope"}
			for _, k := range csperf.Kinds {
				pages = append(pages, "/r/"+k.Name, "/r/"+k.Name+"/new", "/r/"+k.Name+"/"+url.PathEscape(fx[k.Name][ownEmp]), "/import/"+k.Name)
			}
			for _, p := range pages {
				r := e.get(p, "admin")
				if r.StatusCode != 200 && !(p == "/nope" && r.StatusCode == 404) {
					t.Errorf("%s %s: %d %.300s", lang, p, r.StatusCode, r)
				}
				if m := key.FindString(r.String()); m != "" {
					t.Errorf("%s %s shows the key %s", lang, p, m)
				}
				if lang == "en" && strings.Contains(r.String(), "工作台") {
					t.Errorf("%s is not in English", p)
				}
			}
		}
		// An agent is refused another group's employee, and sees no
		// admin pages.
		if r := e.get("/r/employees/B1", "agent"); r.StatusCode != 404 {
			t.Errorf("agent opens B1: %d", r.StatusCode)
		}
		if r := e.get("/r/employees/A1", "agent"); r.StatusCode != 200 {
			t.Errorf("agent opens self: %d", r.StatusCode)
		}
		body := e.get("/", "agent").String()
		for _, href := range []string{`href="/users"`, `href="/audit"`, `href="/import"`} {
			if strings.Contains(body, href) {
				t.Errorf("the agent's navigation offers %s", href)
			}
		}
	})
}

func TestRecordForms(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		b, _ := e.signIn("agent", testPassword)
		// Field-level messages, every field at once.
		r := b.post("/r/complaints", url.Values{"csrf": {b.csrf}, "complaint_id": {"K1"}, "class": {"9"}, "opened_at": {"soon"}})
		if r.StatusCode != 400 || !strings.Contains(r.String(), `data-field="class"`) || !strings.Contains(r.String(), `data-field="opened_at"`) {
			t.Errorf("form errors: %d %s", r.StatusCode, r)
		}
		// The agent's own complaint: the employee is filled in.
		r = b.post("/r/complaints", url.Values{"csrf": {b.csrf}, "complaint_id": {"K1"}, "class": {"2"}, "opened_at": {"2016-01-12T10:00"}, "customer_id": {"C1"}, "description": {"等待时间过长"}})
		if r.StatusCode != 303 || r.Header.Get("Location") != "/r/complaints/K1?saved=1" {
			t.Fatalf("create: %d %s", r.StatusCode, r)
		}
		rec, err := db.GetRecord(context.Background(), csperf.KindByName("complaints"), []string{"K1"})
		if err != nil || rec["employee_id"] != "A1" || rec["description"] != "等待时间过长" {
			t.Fatalf("stored = %v, %v", rec, err)
		}
		// Not for another group's employee.
		r = b.post("/r/complaints", url.Values{"csrf": {b.csrf}, "complaint_id": {"K2"}, "class": {"2"}, "opened_at": {"2016-01-12T10:00"}, "employee_id": {"B1"}})
		if r.StatusCode != 403 || !strings.Contains(r.String(), `data-field="employee_id"`) {
			t.Errorf("other group's employee: %d", r.StatusCode)
		}
		// Edit: the store's messages land at their field.
		r = b.post("/r/complaints/K1", url.Values{"csrf": {b.csrf}, "closed_at": {"2016-01-11T10:00"}})
		if r.StatusCode != 400 || !strings.Contains(r.String(), `data-field="closed_at"`) {
			t.Errorf("closed before opened: %d %s", r.StatusCode, r)
		}
		r = b.post("/r/complaints/K1", url.Values{"csrf": {b.csrf}, "status": {"closed"}, "closed_at": {"2016-01-13T09:00"}})
		if r.StatusCode != 303 {
			t.Errorf("edit: %d %s", r.StatusCode, r)
		}
		page := b.get("/r/complaints?q=K1").String()
		if !strings.Contains(page, `href="/r/complaints/K1"`) || !strings.Contains(page, "已结案") {
			t.Errorf("list: %s", page)
		}
		// A customer's phone shows masked in the form, and an empty input
		// leaves it as it is.
		b2, _ := e.signIn("manager", testPassword)
		form := b2.get("/r/customers/C1").String()
		if strings.Contains(form, "13812345678") || !strings.Contains(form, `placeholder="138****5678"`) {
			t.Errorf("customer form leaks or lacks the mask")
		}
		if r := b2.post("/r/customers/C1", url.Values{"csrf": {b2.csrf}, "name": {"周客户"}, "phone": {""}, "notes": {"VIP"}}); r.StatusCode != 303 {
			t.Errorf("edit customer: %d %s", r.StatusCode, r)
		}
		c, _ := db.GetRecord(context.Background(), csperf.KindByName("customers"), []string{"C1"})
		if c["phone"] != "13812345678" || c["notes"] != "VIP" {
			t.Errorf("customer = %v", c)
		}
		if r := b2.get("/r/customers/C1?unmask=1"); !strings.Contains(r.String(), "13812345678") {
			t.Errorf("unmask page")
		}
	})
}

func TestImportPage(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		b, _ := e.signIn("manager", testPassword)
		body, ctype := multipartFile(t, "visits.csv", "visit_id,customer_id,advisor_id,visit_date\nV1,C1,A1,2016-01-02\nV2,C1,A1,not-a-date\n", b.csrf)
		r := b.e.req("POST", "/import/visits", "", body, "Cookie", "__Host-csperf="+b.cookie, "Content-Type", ctype)
		if r.StatusCode != 422 || !strings.Contains(r.String(), "visits.csv:3: column visit_date:") {
			t.Errorf("bad row: %d %s", r.StatusCode, r)
		}
		body, ctype = multipartFile(t, "visits.csv", "visit_id,customer_id,advisor_id,visit_date\nV1,C1,A1,2016-01-02\n", b.csrf)
		r = b.e.req("POST", "/import/visits", "", body, "Cookie", "__Host-csperf="+b.cookie, "Content-Type", ctype)
		if r.StatusCode != 200 || !strings.Contains(r.String(), `id="import-result"`) {
			t.Errorf("good file: %d %s", r.StatusCode, r)
		}
	})
}

func TestLocalize(t *testing.T) {
	k := csperf.KindByName("complaints")
	for _, c := range []struct{ in, want string }{
		{"is required", "必填"},
		{"closed_at is before opened_at", "结案时间 早于 投诉时间"},
		{`"2016-13-01" is not a date (want YYYY-MM-DD)`, "“2016-13-01”不是日期（格式 YYYY-MM-DD）"},
		{`unknown customer "C9": no such record in customers`, "编号“C9”不存在（客户中没有此记录）"},
		{"the password must have at least 12 characters", "密码至少 12 个字符"},
		{"something new", "something new"},
	} {
		if got := localize("zh", k, c.in); got != c.want {
			t.Errorf("localize(%q) = %q, want %q", c.in, got, c.want)
		}
		if got := localize("en", k, c.in); got != c.in {
			t.Errorf("English changed %q to %q", c.in, got)
		}
	}
}

// TestEnumLabels checks that every enum code has a label in both languages
// that is not the bare code (except codes that are names already).
func TestEnumLabels(t *testing.T) {
	for _, k := range csperf.Kinds {
		for i := range k.Fields {
			f := &k.Fields[i]
			for _, c := range f.Enum {
				zh := enumLabel("zh", f, c)
				if !hasHan(zh) && f.Name != "credit_grade" {
					t.Errorf("%s.%s %q has no Chinese label (%q)", k.Name, f.Name, c, zh)
				}
				if en := enumLabel("en", f, c); en == "" || hasHan(en) {
					t.Errorf("%s.%s %q: English label %q", k.Name, f.Name, c, en)
				}
			}
		}
	}
}

func TestChurnSettingsForm(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		b, _ := e.signIn("manager", testPassword)
		if page := b.get("/churn").String(); !strings.Contains(page, `id="churn-settings"`) {
			t.Fatal("no settings form for the manager")
		}
		if page := e.get("/churn", "supervisor").String(); strings.Contains(page, `id="churn-settings"`) {
			t.Error("the supervisor sees the settings form")
		}
		form := url.Values{"csrf": {b.csrf}, "month": {"2015-12"}, "threshold_months": {"12"}, "group_amount": {"300"}, "specialist_amount": {"150.50"},
			"manager_amount": {"200"}, "average": {"group_mean"}, "trial_from": {"2015-08"}, "trial_to": {"2015-12"}}
		if r := b.post("/churn/settings", form); r.StatusCode != 303 {
			t.Fatalf("save: %d %s", r.StatusCode, r)
		}
		c, _ := db.ChurnSettings(context.Background())
		if c.Threshold != 12 || c.GroupAmount != 30000 || c.SpecialistAmount != 15050 || c.Average != "group_mean" || c.TrialFrom == nil || c.TrialFrom.String() != "2015-08" {
			t.Errorf("settings = %+v", c)
		}
		form.Set("group_amount", "3.333")
		if r := b.post("/churn/settings", form); r.StatusCode != 400 || !strings.Contains(r.String(), "不是金额") {
			t.Errorf("bad amount: %d", r.StatusCode)
		}
	})
}

func TestCustomerTimeline(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		seed(t, db, "visits", csperf.Record{"visit_id": "V1", "customer_id": "C1", "advisor_id": "A1", "visit_date": date("2015-12-01")},
			csperf.Record{"visit_id": "V2", "customer_id": "C1", "advisor_id": "B1", "visit_date": date("2016-01-05")})
		e.sendJSON("POST", "/api/v1/complaints", "admin", map[string]any{"complaint_id": "K1", "customer_id": "C1", "employee_id": "B1", "class": "3", "opened_at": "2016-01-06T09:00:00"})
		page := e.get("/r/customers/C1", "manager").String()
		i, j, k := strings.Index(page, `href="/r/complaints/K1"`), strings.Index(page, `href="/r/visits/V2"`), strings.Index(page, `href="/r/visits/V1"`)
		if i < 0 || j < 0 || k < 0 || !(i < j && j < k) {
			t.Errorf("timeline order: K1 %d, V2 %d, V1 %d", i, j, k)
		}
		// The agent's timeline holds only the agent's own records.
		page = e.get("/r/customers/C1", "agent").String()
		if !strings.Contains(page, `href="/r/visits/V1"`) || strings.Contains(page, `href="/r/visits/V2"`) || strings.Contains(page, `href="/r/complaints/K1"`) {
			t.Errorf("agent's timeline shows other groups' records")
		}
	})
}
