package web

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"csperf"
	"csperf/sqlstore"
)

// TestOrgSettings sets the organisation's name on the page and through the
// API: refused when empty, too long or spanning lines (nothing written),
// trimmed, audited with the name before and after, and for admins only.
func TestOrgSettings(t *testing.T) {
	engines(t, func(t *testing.T, db *sqlstore.DB) {
		e := newEnv(t, db)
		ctx := context.Background()
		b, _ := e.signIn("admin", testPassword)
		want := func(r resp, status int, what string, parts ...string) {
			t.Helper()
			wantPage(t, r, status, what, parts...)
		}
		form := func(name string) url.Values { return url.Values{"csrf": {b.csrf}, "name": {name}} }
		want(b.get("/settings/org"), 200, "page", "机构设置", `id="org-form"`, `id="org-unset"`, `href="/settings/org"`)
		want(b.post("/settings/org", form("   ")), 400, "empty", `id="org-error"`, "请填写机构名称")
		want(b.post("/settings/org", form(strings.Repeat("华", 101))), 400, "too long", "有 101 个字符，最多 100 个")
		want(b.post("/settings/org", form("一行\n两行")), 400, "two lines", "不能包含换行")
		if _, ok, _ := db.Setting(ctx, csperf.SettingOrgName); ok {
			t.Fatal("a refused name was written")
		}
		r := b.post("/settings/org", form("  华东汽车服务有限公司  "))
		want(r, 303, "save")
		if loc := r.Header.Get("Location"); loc != "/settings/org?saved=1" {
			t.Errorf("saved to %s", loc)
		}
		if v, _, _ := db.Setting(ctx, csperf.SettingOrgName); v != "华东汽车服务有限公司" {
			t.Errorf("stored %q", v)
		}
		want(b.get("/settings/org?saved=1"), 200, "saved", `id="org-saved"`, `value="华东汽车服务有限公司"`)

		// The API: admins only; the same checks; the answer as GET gives it.
		want(e.sendJSON("PUT", "/api/v1/settings/org", "manager", map[string]any{"name": "X"}), 403, "manager sets")
		want(e.req("GET", "/api/v1/settings/org", "hr", nil), 403, "hr reads")
		want(e.sendJSON("PUT", "/api/v1/settings/org", "admin", map[string]any{"name": ""}), 400, "empty by API", `"field":"name"`)
		want(e.sendJSON("PUT", "/api/v1/settings/org", "admin", map[string]any{}), 400, "no name", `"field":"name"`)
		want(e.sendJSON("PUT", "/api/v1/settings/org", "admin", map[string]any{"name": " 华东汽车服务公司 "}), 200, "set by API",
			`"name":"华东汽车服务公司"`, `"shown":"华东汽车服务公司"`, `"timezone":"Asia/Shanghai"`)
		want(e.req("GET", "/api/v1/settings/org", "admin", nil), 200, "read", `"name":"华东汽车服务公司"`)

		es, _, err := db.ListAudit(ctx, csperf.AuditFilter{Object: "settings/" + csperf.SettingOrgName})
		if err != nil || len(es) != 2 {
			t.Fatalf("audit: %v %v", es, err)
		}
		got := map[string]string{}
		for _, a := range es {
			got[a.Before] = a.After
			if a.UserID == "" || a.UserID == "system" {
				t.Errorf("the audit names no admin: %+v", a)
			}
		}
		if got[""] != "华东汽车服务有限公司" || got["华东汽车服务有限公司"] != "华东汽车服务公司" {
			t.Errorf("audit before/after: %v", got)
		}
	})
}
