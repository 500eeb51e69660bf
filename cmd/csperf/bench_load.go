package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"csperf"
)

// loadPage is one page the load test requests: a path (with {from}, the
// first day of the month two months back, which is where lists opened
// without filters start) and whether it is asked for as htmx asks for a
// partial (HX-Request: true).
type loadPage struct {
	Path string
	HX   bool
}

// defaultLoadPages are the dashboard, the main list pages as opened from
// the menu, the partials htmx fetches from them (the next page, newest
// first) and the JSON lists of the same records.
var defaultLoadPages = []string{
	"/",
	"/r/visits",
	"/r/calls",
	"/r/complaints",
	"/r/surveys",
	"/r/return_visits",
	"/r/service_requests",
	"/r/customers",
	"/r/employees",
	"hx:/r/visits?from={from}&sort=-visit_date&offset=50",
	"hx:/r/calls?from={from}&sort=-queued_at&offset=50",
	"/api/v1/visits?from={from}&sort=-visit_date",
	"/api/v1/calls?from={from}&sort=-queued_at",
}

// loadLogin is one user the clients sign in as.
type loadLogin struct{ User, Password string }

// loadConfig is what one load test does.
type loadConfig struct {
	URL      string
	Users    int
	Duration time.Duration
	Logins   []loadLogin
	Pages    []loadPage
	// Timeout bounds one request; a request that takes longer is an error.
	Timeout time.Duration
	// Now dates {from}; nil means the wall clock.
	Now func() time.Time
	// Log receives progress lines (sign-ins, the start of the timed run).
	Log io.Writer
	// Requests, when set, receives one line per timed request after the
	// run: its start (Unix time in milliseconds), latency in milliseconds,
	// page and error (or "-"), so that slow requests can be laid beside the
	// server's events.
	Requests io.Writer
}

// loadStat is one page's figures.
type loadStat struct {
	Page     string
	Requests int
	Errors   int
	FirstErr string
	P50, P95 time.Duration
	P99, Max time.Duration
}

// loadReport is the outcome of a load test.
type loadReport struct {
	Pages    []loadStat
	Total    loadStat
	Elapsed  time.Duration
	Skipped  []string // "role: page" that the role may not open (403 on the probe)
	LoadAvg  [2]string
	Sessions int
}

// loadClient is one signed-in client: its own connections and session.
type loadClient struct {
	http   *http.Client
	cookie string // the Cookie header of its session
	login  loadLogin
	role   string
	pages  []int // indexes into cfg.Pages this client's role may open
}

func (m *Main) benchLoad(ctx context.Context, args []string) error {
	fs, _ := m.flags("bench load", `bench load --url URL [--users 50] [--duration 60s] [--login USER:PASSWORD …] [--page PATH …]

Signs in --users clients, each with its own session and its own connections, spread over the
--login users in turn (default: the demo's manager, supervisor and agent with the demo password),
then has every client loop over the pages without pause for --duration, and prints per page the
requests, errors (any status other than 2xx, or a transport error or timeout), p50, p95, p99 and
max latency, with the load average before and after. Exits non-zero when any request failed or,
with --max-p99, when a page's p99 is above it.

Pages (--page, repeatable, replaces the default set): a path; "{from}" stands for the first day of
the month two months back (where lists open by default); a "hx:" prefix sends HX-Request: true as
htmx does for partial updates. A page a client's role may not open (403 when each login first
tries each page, untimed) is left out for that role and listed. Against a loopback URL each
client connects from its own loopback address (127.0.0.2, 127.0.0.3, …), as separate machines
would, so that the per-address sign-in throttle sees clients rather than one host; a 429 on sign-in
is waited out as Retry-After says.`)
	u := fs.String("url", "", "the server's base URL, e.g. http://127.0.0.1:8080")
	users := fs.Int("users", 50, "concurrent signed-in clients")
	dur := fs.Duration("duration", 60*time.Second, "how long the timed run lasts")
	timeout := fs.Duration("timeout", 30*time.Second, "longest wait for one response (longer is an error)")
	maxP99 := fs.Duration("max-p99", 0, "fail when any page's p99 is above this (0: report only)")
	reqLog := fs.String("requests", "", "write one line per timed request to this file: start (Unix ms), latency (ms), page, error or -")
	var logins, pages []string
	fs.Func("login", "USER:PASSWORD to sign in as (repeatable)", func(s string) error { logins = append(logins, s); return nil })
	fs.Func("page", "a page to request (repeatable; see above)", func(s string) error { pages = append(pages, s); return nil })
	if _, err := parse(fs, args); err != nil {
		return err
	}
	cfg := loadConfig{URL: *u, Users: *users, Duration: *dur, Timeout: *timeout, Log: m.Stderr}
	var reqFile *os.File
	var reqBuf *bufio.Writer
	if *reqLog != "" {
		f, err := os.Create(*reqLog)
		if err != nil {
			return csperf.FieldErrorf("requests", "%v", err)
		}
		defer f.Close()
		reqFile, reqBuf = f, bufio.NewWriter(f)
		cfg.Requests = reqBuf
	}
	if len(logins) == 0 {
		logins = []string{"manager:csperf-demo-2015", "supervisor:csperf-demo-2015", "agent:csperf-demo-2015"}
	}
	for _, l := range logins {
		user, pw, ok := strings.Cut(l, ":")
		if !ok || user == "" || pw == "" {
			return csperf.FieldErrorf("login", "%q is not USER:PASSWORD", l)
		}
		cfg.Logins = append(cfg.Logins, loadLogin{user, pw})
	}
	if len(pages) == 0 {
		pages = defaultLoadPages
	}
	for _, p := range pages {
		hx := strings.HasPrefix(p, "hx:")
		p = strings.TrimPrefix(p, "hx:")
		if !strings.HasPrefix(p, "/") {
			return csperf.FieldErrorf("page", "%q must start with /", p)
		}
		cfg.Pages = append(cfg.Pages, loadPage{Path: p, HX: hx})
	}
	rep, err := runLoad(ctx, cfg)
	if err != nil {
		return err
	}
	if reqFile != nil {
		if err := reqBuf.Flush(); err != nil {
			return fmt.Errorf("request log: %w", err)
		}
		if err := reqFile.Close(); err != nil {
			return fmt.Errorf("request log: %w", err)
		}
	}
	rep.print(m.Stdout)
	if rep.Total.Errors > 0 {
		return csperf.Errorf(csperf.EINTERNAL, "%d of %d requests failed (first: %s)", rep.Total.Errors, rep.Total.Requests, rep.Total.FirstErr)
	}
	if *maxP99 > 0 {
		var over []string
		for _, p := range rep.Pages {
			if p.P99 > *maxP99 {
				over = append(over, fmt.Sprintf("%s (%s)", p.Page, msec(p.P99)))
			}
		}
		if len(over) > 0 {
			return csperf.Errorf(csperf.EINTERNAL, "p99 above %s: %s", *maxP99, strings.Join(over, ", "))
		}
	}
	return nil
}

// runLoad signs the clients in, then runs them for cfg.Duration.
func runLoad(ctx context.Context, cfg loadConfig) (*loadReport, error) {
	base, err := url.Parse(strings.TrimRight(cfg.URL, "/"))
	if err != nil || (base.Scheme != "http" && base.Scheme != "https") || base.Host == "" {
		return nil, csperf.FieldErrorf("url", "%q is not an http(s) URL", cfg.URL)
	}
	if cfg.Users < 1 || cfg.Users > 10000 {
		return nil, csperf.FieldErrorf("users", "must be between 1 and 10000")
	}
	if cfg.Duration <= 0 {
		return nil, csperf.FieldErrorf("duration", "must be positive")
	}
	if len(cfg.Logins) == 0 {
		return nil, csperf.FieldErrorf("login", "at least one USER:PASSWORD is needed")
	}
	if len(cfg.Pages) == 0 {
		return nil, csperf.FieldErrorf("page", "at least one page is needed")
	}
	if cfg.Timeout <= 0 {
		cfg.Timeout = 30 * time.Second
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	now := cfg.Now()
	from := time.Date(now.Year(), now.Month()-2, 1, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
	paths := make([]string, len(cfg.Pages))
	for i, p := range cfg.Pages {
		paths[i] = strings.ReplaceAll(p.Path, "{from}", from)
	}
	loopback := isLoopbackHost(base.Hostname())

	rep := &loadReport{}
	rep.LoadAvg[0] = loadAvg()
	clients := make([]*loadClient, cfg.Users)
	fmt.Fprintf(cfg.Log, "signing in %d clients as %d users…\n", cfg.Users, len(cfg.Logins))
	// Sign in a few at a time: each sign-in hashes a password (argon2id),
	// which is meant to be slow.
	var wg sync.WaitGroup
	errs := make([]error, cfg.Users)
	sem := make(chan struct{}, 4)
	for i := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			c := &loadClient{http: newLoadHTTPClient(i, loopback, cfg.Timeout), login: cfg.Logins[i%len(cfg.Logins)]}
			errs[i] = c.signIn(ctx, base)
			clients[i] = c
		}()
	}
	wg.Wait()
	var failed []error
	for _, err := range errs {
		if err != nil {
			failed = append(failed, err)
		}
	}
	if len(failed) > 0 {
		return nil, fmt.Errorf("%d of %d clients could not sign in; the first: %w", len(failed), cfg.Users, failed[0])
	}
	rep.Sessions = len(clients)
	// Which pages each role may open: every login tries every page once.
	allowed := map[string][]int{}
	for _, c := range clients[:min(len(clients), len(cfg.Logins))] {
		if _, ok := allowed[c.role]; ok {
			continue
		}
		var ok []int
		for i, p := range cfg.Pages {
			status, _, err := c.get(ctx, base, paths[i], p.HX)
			switch {
			case err != nil:
				return nil, fmt.Errorf("probe %s as %s: %w", paths[i], c.login.User, err)
			case status == http.StatusForbidden:
				rep.Skipped = append(rep.Skipped, c.role+": "+p.Path)
			case status/100 != 2:
				return nil, fmt.Errorf("probe %s as %s: status %d", paths[i], c.login.User, status)
			default:
				ok = append(ok, i)
			}
		}
		if len(ok) == 0 {
			return nil, fmt.Errorf("role %s may open none of the pages", c.role)
		}
		allowed[c.role] = ok
	}
	for _, c := range clients {
		c.pages = allowed[c.role]
	}

	type sample struct {
		page int
		at   time.Time
		d    time.Duration
		err  string
	}
	results := make([][]sample, len(clients))
	fmt.Fprintf(cfg.Log, "running %d clients for %s…\n", len(clients), cfg.Duration)
	start := time.Now()
	deadline := start.Add(cfg.Duration)
	for ci, c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Clients start at different pages so that every page is
			// under load all the time, not in waves.
			for n := ci; time.Now().Before(deadline) && ctx.Err() == nil; n++ {
				pi := c.pages[n%len(c.pages)]
				t := time.Now()
				status, _, err := c.get(ctx, base, paths[pi], cfg.Pages[pi].HX)
				s := sample{page: pi, at: t, d: time.Since(t)}
				if err != nil {
					s.err = err.Error()
				} else if status/100 != 2 {
					s.err = fmt.Sprintf("%s: status %d", paths[pi], status)
				}
				if ctx.Err() != nil {
					return
				}
				results[ci] = append(results[ci], s)
			}
		}()
	}
	wg.Wait()
	rep.Elapsed = time.Since(start)
	rep.LoadAvg[1] = loadAvg()
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if cfg.Requests != nil {
		var lines []sample
		for _, rs := range results {
			lines = append(lines, rs...)
		}
		slices.SortFunc(lines, func(a, b sample) int { return a.at.Compare(b.at) })
		for _, s := range lines {
			e := s.err
			if e == "" {
				e = "-"
			}
			name := paths[s.page]
			if cfg.Pages[s.page].HX {
				name = "hx:" + name
			}
			if _, err := fmt.Fprintf(cfg.Requests, "%d %.1f %s %s\n", s.at.UnixMilli(), float64(s.d)/1e6, name, e); err != nil {
				return nil, fmt.Errorf("request log: %w", err)
			}
		}
	}
	per := make([][]time.Duration, len(cfg.Pages))
	stats := make([]loadStat, len(cfg.Pages))
	var all []time.Duration
	for _, rs := range results {
		for _, s := range rs {
			per[s.page] = append(per[s.page], s.d)
			all = append(all, s.d)
			if s.err != "" {
				st := &stats[s.page]
				if st.Errors == 0 {
					st.FirstErr = s.err
				}
				st.Errors++
				if rep.Total.Errors == 0 {
					rep.Total.FirstErr = s.err
				}
				rep.Total.Errors++
			}
		}
	}
	for i, p := range cfg.Pages {
		if len(per[i]) == 0 {
			continue
		}
		name := p.Path
		if p.HX {
			name = "hx:" + name
		}
		st := stats[i]
		st.Page = name
		st.fill(per[i])
		rep.Pages = append(rep.Pages, st)
	}
	rep.Total.Page = "all"
	rep.Total.fill(all)
	return rep, nil
}

// fill sets the count and percentiles from ds (nearest rank).
func (st *loadStat) fill(ds []time.Duration) {
	slices.Sort(ds)
	st.Requests = len(ds)
	if len(ds) == 0 {
		return
	}
	rank := func(p int) time.Duration {
		i := (p*len(ds)+99)/100 - 1
		return ds[max(i, 0)]
	}
	st.P50, st.P95, st.P99, st.Max = rank(50), rank(95), rank(99), ds[len(ds)-1]
}

func (rep *loadReport) print(w io.Writer) {
	fmt.Fprintf(w, "%d clients for %s; load average before %s, after %s\n", rep.Sessions, rep.Elapsed.Round(100*time.Millisecond), rep.LoadAvg[0], rep.LoadAvg[1])
	fmt.Fprintf(w, "%-56s %8s %7s %9s %9s %9s %9s\n", "page", "requests", "errors", "p50", "p95", "p99", "max")
	for _, p := range append(rep.Pages, rep.Total) {
		fmt.Fprintf(w, "%-56s %8d %7d %9s %9s %9s %9s\n", p.Page, p.Requests, p.Errors, msec(p.P50), msec(p.P95), msec(p.P99), msec(p.Max))
	}
	fmt.Fprintf(w, "throughput %.1f requests/s\n", float64(rep.Total.Requests)/rep.Elapsed.Seconds())
	for _, p := range rep.Pages {
		if p.Errors > 0 {
			fmt.Fprintf(w, "first error on %s: %s\n", p.Page, p.FirstErr)
		}
	}
	for _, s := range rep.Skipped {
		fmt.Fprintf(w, "not allowed, left out: %s\n", s)
	}
}

// msec is a latency in milliseconds with one decimal.
func msec(d time.Duration) string { return strconv.FormatFloat(float64(d)/1e6, 'f', 1, 64) + "ms" }

// newLoadHTTPClient is client i's own connection pool; against a loopback
// server it connects from its own loopback address.
func newLoadHTTPClient(i int, loopback bool, timeout time.Duration) *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second}
	if loopback {
		// 127.0.0.2 … 127.0.255.254: the whole of 127/8 is this host.
		n := i + 2
		d.LocalAddr = &net.TCPAddr{IP: net.IPv4(127, 0, byte(n>>8), byte(n&0xff))}
		if n&0xff == 0 || n&0xff == 255 {
			d.LocalAddr = nil
		}
	}
	tr := &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 2, IdleConnTimeout: time.Minute, ForceAttemptHTTP2: true}
	return &http.Client{Transport: tr, Timeout: timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// isLoopbackHost reports whether host names this machine over IPv4
// loopback, the only case where a client can pick its source address.
func isLoopbackHost(host string) bool {
	if host == "localhost" {
		return false // may resolve to ::1, where only one address exists
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.To4() != nil && ip.IsLoopback()
}

// signIn posts the sign-in form as a browser does, keeps the session
// cookie, and learns the user's role.
func (c *loadClient) signIn(ctx context.Context, base *url.URL) error {
	form := url.Values{"username": {c.login.User}, "password": {c.login.Password}, "next": {"/"}}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, base.String()+"/login", strings.NewReader(form.Encode()))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		resp, err := c.http.Do(req)
		if err != nil {
			return fmt.Errorf("sign in as %s: %w", c.login.User, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusTooManyRequests && attempt < 100 {
			wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
			select {
			case <-time.After(time.Duration(max(wait, 1)) * time.Second):
				continue
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		if resp.StatusCode != http.StatusSeeOther {
			return fmt.Errorf("sign in as %s: status %d (wrong password, locked, or not a csperf server)", c.login.User, resp.StatusCode)
		}
		if loc := resp.Header.Get("Location"); loc != "/" {
			return fmt.Errorf("sign in as %s: sent to %s, not to the dashboard (two-factor sign-in or an expired password cannot be load-tested)", c.login.User, loc)
		}
		var parts []string
		for _, ck := range resp.Cookies() {
			parts = append(parts, ck.Name+"="+ck.Value)
		}
		if len(parts) == 0 {
			return fmt.Errorf("sign in as %s: no session cookie", c.login.User)
		}
		c.cookie = strings.Join(parts, "; ")
		break
	}
	status, body, err := c.get(ctx, base, "/api/v1/me", false)
	if err != nil {
		return err
	}
	var me struct {
		Role string `json:"role"`
	}
	if status != http.StatusOK || json.Unmarshal(body, &me) != nil || me.Role == "" {
		return fmt.Errorf("sign in as %s: /api/v1/me answered %d", c.login.User, status)
	}
	c.role = me.Role
	return nil
}

// get requests path with the client's session and reads the whole body.
func (c *loadClient) get(ctx context.Context, base *url.URL, path string, hx bool) (int, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, base.String()+path, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Cookie", c.cookie)
	req.Header.Set("Accept-Language", "zh-CN")
	if hx {
		req.Header.Set("HX-Request", "true")
		req.Header.Set("HX-Current-URL", base.String()+"/")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return resp.StatusCode, nil, err
	}
	return resp.StatusCode, body, nil
}
