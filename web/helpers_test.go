package web

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"

	"csperf"
	"csperf/auth"
	"csperf/scorecard"
	"csperf/sqlstore"
)

var pgSeq atomic.Int64

// engines runs fn against a fresh SQLite file, and against a fresh
// PostgreSQL database when CSPERF_TEST_POSTGRES_URL is set.
func engines(t *testing.T, fn func(t *testing.T, db *sqlstore.DB)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) {
		fn(t, openTest(t, "sqlite:"+filepath.Join(t.TempDir(), "test.db")))
	})
	if u := os.Getenv("CSPERF_TEST_POSTGRES_URL"); u != "" {
		t.Run("postgres", func(t *testing.T) {
			fn(t, openTest(t, freshPostgres(t, u)))
		})
	}
}

// freshPostgres creates an empty database on the test server and returns
// its URL; it is dropped when the test ends.
func freshPostgres(t *testing.T, u string) string {
	t.Helper()
	admin, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("csperf_web_%d_%d", os.Getpid(), pgSeq.Add(1))
	if _, err := admin.Exec("CREATE DATABASE " + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", u)
		if err == nil {
			a.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)")
			a.Close()
		}
	})
	i := strings.LastIndex(u, "/")
	rest := u[i+1:]
	q := ""
	if j := strings.Index(rest, "?"); j >= 0 {
		q = rest[j:]
	}
	return u[:i+1] + name + q
}

// testNow is the fixed clock of the tests: mid-January 2016, Shanghai.
var testNow = time.Date(2016, 1, 15, 2, 0, 0, 0, time.UTC)

func openTest(t *testing.T, dsn string) *sqlstore.DB {
	t.Helper()
	db, err := sqlstore.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.Now = func() time.Time { return testNow }
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db
}

// rows is a RowSource of records, for seeding through the store's import.
type rows struct {
	k    *csperf.Kind
	recs []csperf.Record
	i    int
}

func (s *rows) Next() (int, []any, bool) {
	if s.i >= len(s.recs) {
		return 0, nil, false
	}
	r := s.recs[s.i]
	s.i++
	vals := make([]any, len(s.k.Fields))
	for j, f := range s.k.Fields {
		vals[j] = r[f.Name]
	}
	return s.i + 1, vals, true
}

func (s *rows) Err() error { return nil }

func seed(t *testing.T, db *sqlstore.DB, kind string, recs ...csperf.Record) {
	t.Helper()
	k := csperf.KindByName(kind)
	if _, err := db.Import(context.Background(), k, &rows{k: k, recs: recs}, csperf.ImportOptions{}); err != nil {
		t.Fatalf("seed %s: %v", kind, err)
	}
}

func date(s string) csperf.Date {
	d, err := csperf.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// The organisation of the tests: groups G1 and G2; advisors A1 and A2 in
// G1, B1 in G2; supervisor S1 leads G1; Q1 inspects; R1 does return
// visits. The agent user is A1.
const (
	ownEmp   = "A1" // the agent's own records
	groupEmp = "A2" // another employee of the supervisor's group G1
	otherEmp = "B1" // an employee of another group
)

var owners = []string{ownEmp, groupEmp, otherEmp}

// testPassword is every test user's password.
const testPassword = "correct horse battery staple"

var (
	hashOnce sync.Once
	pwHash   string
)

// env is a server on a fresh database with a user of every role.
type env struct {
	t      *testing.T
	db     *sqlstore.DB
	srv    *Server
	ts     *httptest.Server
	tokens map[string]string // role → API token
	now    time.Time
}

func newEnv(t *testing.T, db *sqlstore.DB) *env {
	t.Helper()
	ctx := context.Background()
	seed(t, db, "groups", csperf.Record{"group_id": "G1", "name": "一组", "department_id": "main", "group_type": "advisor"},
		csperf.Record{"group_id": "G2", "name": "二组", "department_id": "main", "group_type": "advisor"})
	emp := func(id, name, pos, group string) csperf.Record {
		r := csperf.Record{"employee_id": id, "name": name, "position": pos, "department_id": "main", "hire_date": date("2015-01-01"), "phone": "13912345678"}
		if group != "" {
			r["group_id"] = group
		}
		return r
	}
	seed(t, db, "employees", emp("A1", "张三", "service_advisor", "G1"), emp("A2", "李四", "service_advisor", "G1"),
		emp("B1", "王五", "service_advisor", "G2"), emp("S1", "赵主管", "supervisor", "G1"),
		emp("Q1", "钱质检", "qa_inspector", ""), emp("R1", "孙回访", "return_visit_specialist", ""))
	seed(t, db, "customers", csperf.Record{"customer_id": "C1", "name": "周客户", "phone": "13812345678", "address": "北京市朝阳区建国路88号院3号楼", "id_number": "11010519491231002X", "email": "zhou@example.com"},
		csperf.Record{"customer_id": "C2", "name": "吴客户", "phone": "13700001111"})
	hashOnce.Do(func() { pwHash, _ = auth.HashPassword(testPassword) })
	e := &env{t: t, db: db, tokens: map[string]string{}, now: testNow}
	for _, role := range csperf.Roles {
		u := &csperf.User{Username: role, DisplayName: role, Role: role, PasswordHash: pwHash}
		switch role {
		case csperf.RoleAgent:
			u.EmployeeID = ownEmp
		case csperf.RoleSupervisor:
			u.EmployeeID, u.GroupIDs = "S1", []string{"G1"}
		case csperf.RoleQA:
			u.EmployeeID = "Q1"
		}
		if err := db.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
		tok := "tok-" + role
		if err := db.CreateToken(ctx, u.ID, "test", auth.HashSecret(tok)); err != nil {
			t.Fatal(err)
		}
		e.tokens[role] = tok
	}
	db.Now = func() time.Time { return e.now }
	srv, err := New(Config{Records: db, Imports: db, Users: db, Sessions: db, Audit: db, Settings: db, Churn: db, Perf: testPerf{db}, Alerts: db, Surveys: db,
		Loc: db.Loc, Now: func() time.Time { return e.now }, Logger: slog.New(slog.NewTextHandler(io.Discard, nil)),
		APIRate: Rate{Burst: 1 << 30, Every: time.Nanosecond}, ExportRate: Rate{Burst: 1 << 30, Every: time.Nanosecond}})
	if err != nil {
		t.Fatal(err)
	}
	e.srv = srv
	t.Cleanup(srv.Close) // before the database closes (cleanups run last first)
	e.ts = httptest.NewServer(srv)
	t.Cleanup(e.ts.Close)
	return e
}

// resp is a finished response with its body read.
type resp struct {
	*http.Response
	body []byte
}

func (r resp) json(t *testing.T, v any) {
	t.Helper()
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("%s %s: %v: %s", r.Request.Method, r.Request.URL, err, r.body)
	}
}

func (r resp) String() string { return string(r.body) }

// req sends a request; a role's token authenticates it when role is set.
func (e *env) req(method, path, role string, body io.Reader, hdr ...string) resp {
	e.t.Helper()
	rq, err := http.NewRequest(method, e.ts.URL+path, body)
	if err != nil {
		e.t.Fatal(err)
	}
	if role != "" {
		rq.Header.Set("Authorization", "Bearer "+e.tokens[role])
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		rq.Header.Set(hdr[i], hdr[i+1])
	}
	cl := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	rs, err := cl.Do(rq)
	if err != nil {
		e.t.Fatal(err)
	}
	defer rs.Body.Close()
	b, _ := io.ReadAll(rs.Body)
	return resp{rs, b}
}

func (e *env) get(path, role string) resp { return e.req("GET", path, role, nil) }

func (e *env) sendJSON(method, path, role string, v any) resp {
	b, _ := json.Marshal(v)
	return e.req(method, path, role, bytes.NewReader(b), "Content-Type", "application/json")
}

func (e *env) postForm(path, role string, form url.Values, hdr ...string) resp {
	return e.req("POST", path, role, strings.NewReader(form.Encode()), append([]string{"Content-Type", "application/x-www-form-urlencoded"}, hdr...)...)
}

// browser is a signed-in session: its cookie and form token.
type browser struct {
	e      *env
	cookie string
	csrf   string
}

// signIn signs in through the form and returns the session.
func (e *env) signIn(username, password string) (*browser, resp) {
	e.t.Helper()
	r := e.postForm("/login", "", url.Values{"username": {username}, "password": {password}})
	b := &browser{e: e}
	for _, c := range r.Cookies() {
		if c.Name == "__Host-csperf" && c.Value != "" {
			b.cookie = c.Value
		}
	}
	if b.cookie != "" {
		b.csrf = b.token()
	}
	return b, r
}

// token reads the form token from a page every user may open.
func (b *browser) token() string {
	r := b.get("/password")
	i := bytes.Index(r.body, []byte(`data-csrf="`))
	if i < 0 {
		return "" // a session that owes its second factor, or a page that redirects
	}
	rest := r.body[i+len(`data-csrf="`):]
	return string(rest[:bytes.IndexByte(rest, '"')])
}

func (b *browser) get(path string) resp {
	return b.e.req("GET", path, "", nil, "Cookie", "__Host-csperf="+b.cookie)
}

func (b *browser) post(path string, form url.Values, hdr ...string) resp {
	return b.e.postForm(path, "", form, append([]string{"Cookie", "__Host-csperf=" + b.cookie}, hdr...)...)
}

// multipartFile is a form with one file and the form token.
func multipartFile(t *testing.T, name, content, csrf string) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	mw.WriteField("csrf", csrf)
	fw, err := mw.CreateFormFile("file", name)
	if err != nil {
		t.Fatal(err)
	}
	io.WriteString(fw, content)
	mw.Close()
	return &buf, mw.FormDataContentType()
}

// wantPage checks r's status and that its body holds every part, naming
// what in each failure, and returns the body.
func wantPage(t *testing.T, r resp, status int, what string, parts ...string) string {
	t.Helper()
	if r.StatusCode != status {
		t.Fatalf("%s: %d, want %d: %.600s", what, r.StatusCode, status, r)
	}
	for _, p := range parts {
		if !strings.Contains(r.String(), p) {
			t.Errorf("%s lacks %q", what, p)
		}
	}
	return r.String()
}

// form is a form of b's with its CSRF token and the name, value pairs kv.
func (b *browser) form(kv ...string) url.Values {
	v := url.Values{"csrf": {b.csrf}}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Add(kv[i], kv[i+1])
	}
	return v
}

// mustPoints parses a score in points, failing the test on a bad one.
func mustPoints(t *testing.T, s string) scorecard.Number {
	t.Helper()
	n, err := scorecard.ParseNumber(s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}
