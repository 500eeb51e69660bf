package sqlstore

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"csperf"
	"csperf/kpi"
)

// Settings of alerts.
const (
	// SettingAlertDecline lists the KPIs whose decline against the mean of
	// their previous 3 months raises an alert (JSON array of ids). By
	// default the service-speed KPIs of seed 000 §4.8.
	SettingAlertDecline = "alerts.decline_kpis"
	// SettingAlertWebhook is the webhook (JSON {"url", "secret"}).
	SettingAlertWebhook = "alerts.webhook"
)

// DefaultDeclineKPIs are the service-speed KPIs whose decline is reported
// to the supervisor (服务速度下降).
var DefaultDeclineKPIs = []string{"asa", "service_level", "first_response", "resolution_time"}

// AlertWebhook is where alerts are posted. Each POST carries the alert as
// JSON and the headers X-Csperf-Timestamp (Unix seconds) and
// X-Csperf-Signature: "sha256=" + hex HMAC-SHA256 with Secret of
// timestamp + "." + body, so that the receiver can check origin and
// freshness.
type AlertWebhook struct {
	URL    string `json:"url"`
	Secret string `json:"secret,omitempty"`
}

// SetAlertWebhook stores the webhook (an empty URL turns it off). The
// change is audited without the secret.
func (db *DB) SetAlertWebhook(ctx context.Context, w AlertWebhook) error {
	if w.URL != "" {
		u, err := url.Parse(w.URL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			return csperf.FieldErrorf("url", "%q is not an http(s) URL", w.URL)
		}
		if len(w.Secret) < 16 {
			return csperf.FieldErrorf("secret", "the signing secret needs at least 16 characters")
		}
	}
	b, _ := json.Marshal(w)
	return db.tx(ctx, func(tx *sql.Tx) error {
		old, _, err := settingQ(ctx, db, tx, SettingAlertWebhook)
		if err != nil {
			return err
		}
		var ow AlertWebhook
		json.Unmarshal([]byte(old), &ow)
		who := csperf.ActorFrom(ctx).UserID
		if who == "" {
			who = "system"
		}
		if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO settings (key, value, updated_at, updated_by) VALUES (?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at, updated_by = excluded.updated_by`),
			SettingAlertWebhook, string(b), db.d.arg(db.Now()), who); err != nil {
			return err
		}
		if err := db.bumpSettings(ctx, tx); err != nil {
			return err
		}
		return db.auditTx(ctx, tx, "setting", "settings/"+SettingAlertWebhook, ow.URL, w.URL+" (secret not logged)")
	})
}

// ConfigureAlertWebhook is SetAlertWebhook for callers that do not know
// the store's types (the web application).
func (db *DB) ConfigureAlertWebhook(ctx context.Context, url, secret string) error {
	return db.SetAlertWebhook(ctx, AlertWebhook{URL: url, Secret: secret})
}

func (db *DB) alertWebhook(ctx context.Context) (AlertWebhook, error) {
	var w AlertWebhook
	v, ok, err := db.Setting(ctx, SettingAlertWebhook)
	if err != nil || !ok {
		return w, err
	}
	return w, json.Unmarshal([]byte(v), &w)
}

// AlertWebhookURL returns the configured webhook URL ("" when off).
func (db *DB) AlertWebhookURL(ctx context.Context) (string, error) {
	w, err := db.alertWebhook(ctx)
	return w.URL, err
}

// SetDeclineKPIs stores the KPIs whose decline raises alerts.
func (db *DB) SetDeclineKPIs(ctx context.Context, ids []string) error {
	defs, err := db.KPIDefinitions(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, ok := findDef(defs, id); !ok {
			return csperf.FieldErrorf("kpis", "no KPI %q", id)
		}
	}
	b, _ := json.Marshal(ids)
	return db.SetSetting(ctx, SettingAlertDecline, string(b))
}

// DeclineKPIs returns the KPIs whose decline raises alerts.
func (db *DB) DeclineKPIs(ctx context.Context) ([]string, error) {
	v, ok, err := db.Setting(ctx, SettingAlertDecline)
	if err != nil || !ok {
		return DefaultDeclineKPIs, err
	}
	var ids []string
	return ids, json.Unmarshal([]byte(v), &ids)
}

// EvaluateAlerts raises the alerts due on asOf, for the last complete
// month before it (in the organisation's time zone):
//   - target_missed: a KPI of an employee or a group misses its target
//     (for every KPI with a target that applies to that level; not for a
//     count-per-period KPI of an employee with no such events at all);
//   - decline: a decline KPI (DeclineKPIs) of an employee or a group is
//     worse than the plain mean of its own 3 previous months;
//   - goal_at_risk / goal_missed: a goal's status on asOf (kpi.Track), at
//     most once a month for at_risk and once for missed.
//
// An alert goes to the supervisor of the employee (employees.supervisor_id)
// — for a group, and for an employee without supervisor, to the users who
// lead the group — and, for a goal, to the owner's supervisor. A figure
// that has raised an alert already raises none again. When a webhook is
// configured each new alert is queued for delivery (DeliverAlerts); no
// HTTP call is made here, so calling this after an import never waits on
// the network. It returns the new alerts.
func (db *DB) EvaluateAlerts(ctx context.Context, asOf time.Time) ([]kpi.Alert, error) {
	today := csperf.DateOf(asOf.In(db.Loc))
	month := today.Month() - 1
	period := kpi.MonthPeriod(month)
	defs, err := db.KPIDefinitions(ctx)
	if err != nil {
		return nil, err
	}
	decline, err := db.DeclineKPIs(ctx)
	if err != nil {
		return nil, err
	}
	org, err := loadOrg(ctx, db, db.r)
	if err != nil {
		return nil, err
	}
	var cands []kpi.Alert
	for _, level := range []string{kpi.LevelEmployee, kpi.LevelGroup} {
		var withTarget, declining []string
		for _, d := range defs {
			if !d.AppliesTo(level) {
				continue
			}
			if d.Target.Op != "" {
				withTarget = append(withTarget, d.ID)
			}
			if slices.Contains(decline, d.ID) {
				declining = append(declining, d.ID)
			}
		}
		if len(withTarget) > 0 {
			rows, err := db.KPIValues(ctx, kpi.Query{KPIs: withTarget, Level: level, Period: period})
			if err != nil {
				return nil, err
			}
			for _, r := range rows {
				if r.Met == nil || *r.Met {
					continue
				}
				// A count per period with no events at all for one
				// employee (satisfaction calls of an agent who makes
				// none) says the KPI is not that person's job: which
				// positions a KPI binds is the scorecards' business.
				if def, _ := findDef(defs, r.KPI); level == kpi.LevelEmployee && def.Aggregation == kpi.CountPerPeriod && r.Numerator == 0 {
					continue
				}
				cands = append(cands, kpi.Alert{Rule: kpi.AlertTargetMissed, KPI: r.KPI, Scope: r.Scope, ScopeID: r.ID, Period: r.Period.String(),
					Numerator: r.Numerator, Denominator: r.Denominator, Value: r.Value, Reference: r.Target,
					Message: fmt.Sprintf("%s %s %s: %s %s misses its target %s", r.Period, level, r.ID, r.Name, r.Value, r.Target)})
			}
		}
		if len(declining) > 0 {
			span := kpi.Period{Start: (month - 3).First(), End: period.End}
			rows, err := db.KPIValues(ctx, kpi.Query{KPIs: declining, Level: level, Period: span, By: kpi.UnitMonth})
			if err != nil {
				return nil, err
			}
			// Rows come by KPI, then id, then month: four months per figure.
			for i := 0; i+3 < len(rows); i += 4 {
				r := rows[i+3]
				def, _ := findDef(defs, r.KPI)
				var prev []kpi.Value
				for _, p := range rows[i : i+3] {
					prev = append(prev, kpi.Value{Num: p.Numerator, Den: p.Denominator, Valid: p.Denominator > 0})
				}
				v := kpi.Value{Num: r.Numerator, Den: r.Denominator, Valid: r.Denominator > 0}
				worse, mean := kpi.Declined(def, v, prev)
				if !worse {
					continue
				}
				ref := "mean of the 3 previous months " + kpi.FormatRat(def.Unit, mean)
				cands = append(cands, kpi.Alert{Rule: kpi.AlertDecline, KPI: r.KPI, Scope: r.Scope, ScopeID: r.ID, Period: r.Period.String(),
					Numerator: r.Numerator, Denominator: r.Denominator, Value: r.Value, Reference: ref,
					Message: fmt.Sprintf("%s %s %s: %s %s is worse than the %s", r.Period, level, r.ID, r.Name, r.Value, ref)})
			}
		}
	}
	goals, err := db.Goals(ctx, kpi.GoalFilter{})
	if err != nil {
		return nil, err
	}
	for _, g := range goals {
		if today <= g.Start || today > g.Deadline+31 {
			continue
		}
		gp, err := db.GoalProgress(ctx, g.ID, today)
		if err != nil {
			return nil, err
		}
		a := kpi.Alert{KPI: g.KPI, Scope: g.Scope, ScopeID: g.ScopeID, GoalID: g.ID, Period: gp.Window.String(),
			Numerator: gp.Actual.Num, Denominator: gp.Actual.Den, Value: gp.Actual.Display, Reference: g.TargetText}
		switch gp.Status {
		case kpi.GoalAtRisk:
			a.Rule, a.Period = kpi.AlertGoalAtRisk, month.String()
			a.Message = fmt.Sprintf("goal %d %q is at risk: %s over %s, target %s, expected %s by now", g.ID, g.Title, gp.Actual.Display, gp.Window, g.TargetText, orNone(gp.Expected))
		case kpi.GoalMissed:
			a.Rule = kpi.AlertGoalMissed
			a.Message = fmt.Sprintf("goal %d %q was missed: %s over %s, target %s", g.ID, g.Title, gp.Actual.Display, gp.Window, g.TargetText)
		default:
			continue
		}
		cands = append(cands, a)
	}
	hook, err := db.alertWebhook(ctx)
	if err != nil {
		return nil, err
	}
	var out []kpi.Alert
	err = db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.d.lockAudit(ctx, tx); err != nil { // serialises alert ids on PostgreSQL
			return err
		}
		var next int64
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(alert_id), 0) + 1 FROM alerts`).Scan(&next); err != nil {
			return err
		}
		now := db.Now().UTC().Truncate(time.Second)
		for _, a := range cands {
			var owner string
			if a.GoalID != 0 {
				for _, g := range goals {
					if g.ID == a.GoalID {
						owner = g.Owner
					}
				}
			} else if a.Scope == kpi.LevelEmployee {
				owner = a.ScopeID
			}
			a.Recipient, a.RecipientUsers, err = db.alertRecipients(ctx, tx, org, owner, a, today)
			if err != nil {
				return err
			}
			var recipient any
			if a.Recipient != "" {
				recipient = a.Recipient
			}
			r, err := tx.ExecContext(ctx, db.q(`INSERT INTO alerts (alert_id, rule, kpi_id, scope, scope_id, period, goal_id, numerator, denominator,
				value, reference, message, recipient_id, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`+db.d.onConflictIgnore()),
				next, a.Rule, a.KPI, a.Scope, a.ScopeID, a.Period, a.GoalID, a.Numerator, a.Denominator, a.Value, a.Reference, a.Message, recipient, db.d.arg(now))
			if err != nil {
				return fmt.Errorf("raise alert: %w", err)
			}
			if n, _ := r.RowsAffected(); n == 0 {
				continue // raised before
			}
			a.ID, a.CreatedAt = next, now
			next++
			for _, u := range a.RecipientUsers {
				if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO alert_recipients (alert_id, user_id) VALUES (?, ?)`), a.ID, u); err != nil {
					return err
				}
			}
			if hook.URL != "" {
				if _, err := tx.ExecContext(ctx, db.q(`INSERT INTO alert_deliveries (alert_id, status, next_attempt_at) VALUES (?, 'pending', ?)`), a.ID, db.d.arg(now)); err != nil {
					return err
				}
				a.Delivery = "pending"
			}
			out = append(out, a)
		}
		return nil
	})
	return out, err
}

func orNone(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// alertRecipients returns the supervisor an alert goes to and the users who
// see it: for an employee (or a goal's owner), their supervisor and the
// users tied to that supervisor; for a group, or when the employee has no
// supervisor, the users who lead the group (the employee's group on the
// alert's day). With nobody found, the managers.
func (db *DB) alertRecipients(ctx context.Context, tx *sql.Tx, org *orgIndex, owner string, a kpi.Alert, day csperf.Date) (string, []string, error) {
	var supervisor, group string
	if owner != "" {
		if e := org.employee(owner); e != nil {
			supervisor = e.supervisor
			group = org.groupAt(owner, day-1)
		}
	}
	if a.Scope == kpi.LevelGroup && a.GoalID == 0 {
		group = a.ScopeID
	}
	users := map[string]bool{}
	add := func(q string, args ...any) error {
		ids, err := scanStrings(tx.QueryContext(ctx, db.q(q), args...))
		for _, id := range ids {
			users[id] = true
		}
		return err
	}
	if supervisor != "" {
		if err := add(`SELECT user_id FROM users WHERE employee_id = ? AND disabled = FALSE`, supervisor); err != nil {
			return "", nil, err
		}
	}
	if group != "" && (supervisor == "" || a.Scope == kpi.LevelGroup) {
		if err := add(`SELECT g.user_id FROM user_groups g JOIN users u ON u.user_id = g.user_id WHERE g.group_id = ? AND u.disabled = FALSE`, group); err != nil {
			return "", nil, err
		}
	}
	if len(users) == 0 && supervisor == "" {
		if err := add(`SELECT user_id FROM users WHERE role = ? AND disabled = FALSE`, csperf.RoleManager); err != nil {
			return "", nil, err
		}
	}
	out := make([]string, 0, len(users))
	for u := range users {
		out = append(out, u)
	}
	slices.Sort(out)
	return supervisor, out, nil
}

// ListAlerts returns one page of the alerts f selects, newest first, and
// how many match.
func (db *DB) ListAlerts(ctx context.Context, f kpi.AlertFilter) ([]kpi.Alert, int, error) {
	var where []string
	var args []any
	if f.UserID != "" {
		where = append(where, "a.alert_id IN (SELECT r.alert_id FROM alert_recipients r WHERE r.user_id = ?)")
		args = append(args, f.UserID)
	}
	if f.Recipient != "" {
		where = append(where, "a.recipient_id = ?")
		args = append(args, f.Recipient)
	}
	if f.KPI != "" {
		where = append(where, "a.kpi_id = ?")
		args = append(args, f.KPI)
	}
	if f.Open {
		where = append(where, "a.acknowledged_at IS NULL")
	}
	w := ""
	if len(where) > 0 {
		w = " WHERE " + strings.Join(where, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 50
	}
	var total int
	if err := db.r.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM alerts a`+w), args...).Scan(&total); err != nil {
		return nil, 0, fmt.Errorf("alerts: %w", err)
	}
	out, err := db.alertsPage(ctx, w, args, limit, max(f.Offset, 0))
	return out, total, err
}

// alertsPage reads the alerts of a WHERE clause on alias a, newest first.
func (db *DB) alertsPage(ctx context.Context, where string, args []any, limit, offset int) ([]kpi.Alert, error) {
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT a.alert_id, a.rule, a.kpi_id, a.scope, a.scope_id, a.period, a.goal_id, a.numerator, a.denominator,
		a.value, a.reference, a.message, COALESCE(a.recipient_id, ''), a.created_at, a.acknowledged_at, COALESCE(a.acknowledged_by, ''), COALESCE(d.status, '')
		FROM alerts a LEFT JOIN alert_deliveries d ON d.alert_id = a.alert_id`+where+fmt.Sprintf(` ORDER BY a.alert_id DESC LIMIT %d OFFSET %d`, limit, offset)), args...)
	if err != nil {
		return nil, fmt.Errorf("alerts: %w", err)
	}
	var out []kpi.Alert
	for rows.Next() {
		var a kpi.Alert
		var created, acked any
		if err := rows.Scan(&a.ID, &a.Rule, &a.KPI, &a.Scope, &a.ScopeID, &a.Period, &a.GoalID, &a.Numerator, &a.Denominator,
			&a.Value, &a.Reference, &a.Message, &a.Recipient, &created, &acked, &a.AcknowledgedBy, &a.Delivery); err != nil {
			rows.Close()
			return nil, err
		}
		if a.CreatedAt, err = scanTime(created); err != nil {
			rows.Close()
			return nil, err
		}
		if acked != nil {
			t, err := scanTime(acked)
			if err != nil {
				rows.Close()
				return nil, err
			}
			a.AcknowledgedAt = &t
		}
		out = append(out, a)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].RecipientUsers, err = scanStrings(db.r.QueryContext(ctx, db.q(`SELECT user_id FROM alert_recipients WHERE alert_id = ? ORDER BY user_id`), out[i].ID)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// AcknowledgeAlert marks an alert as seen and handled by the acting user.
func (db *DB) AcknowledgeAlert(ctx context.Context, id int64) error {
	who := csperf.ActorFrom(ctx).UserID
	if who == "" {
		who = "system"
	}
	return db.tx(ctx, func(tx *sql.Tx) error {
		var acked any
		err := tx.QueryRowContext(ctx, db.q(`SELECT acknowledged_at FROM alerts WHERE alert_id = ?`), id).Scan(&acked)
		if errors.Is(err, sql.ErrNoRows) {
			return csperf.Errorf(csperf.ENOTFOUND, "no alert %d", id)
		}
		if err != nil {
			return err
		}
		if acked != nil {
			return nil
		}
		if _, err := tx.ExecContext(ctx, db.q(`UPDATE alerts SET acknowledged_at = ?, acknowledged_by = ? WHERE alert_id = ?`), db.d.arg(db.Now()), who, id); err != nil {
			return err
		}
		return db.auditTx(ctx, tx, "alert.ack", "alerts/"+strconv.FormatInt(id, 10), "", who)
	})
}

// Delivery limits: a failed POST is retried after 30 s, 1 min, 2 min, …
// (doubling, at most 6 h apart) and given up after alertMaxAttempts.
const (
	alertRetryBase   = 30 * time.Second
	alertRetryMax    = 6 * time.Hour
	alertMaxAttempts = 10
)

// alertBackoff is the wait after the n-th failed attempt (n ≥ 1).
func alertBackoff(n int) time.Duration {
	d := alertRetryBase
	for i := 1; i < n && d < alertRetryMax; i++ {
		d *= 2
	}
	return min(d, alertRetryMax)
}

// SignAlert returns the X-Csperf-Signature of a webhook body sent at ts.
func SignAlert(secret string, ts int64, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "%d.", ts)
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// DeliverAlerts posts the alerts whose delivery is due to the webhook, one
// by one, outside any transaction: a 2xx answer delivers, anything else
// schedules a retry with backoff, and the last attempt marks the delivery
// failed. It returns how many were delivered and how many failed this
// round. Run it from one worker (RunAlertDeliveries).
func (db *DB) DeliverAlerts(ctx context.Context, client *http.Client) (delivered, failed int, err error) {
	hook, err := db.alertWebhook(ctx)
	if err != nil || hook.URL == "" {
		return 0, 0, err
	}
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	type due struct {
		id       int64
		attempts int
	}
	for {
		rows, err := db.r.QueryContext(ctx, db.q(`SELECT alert_id, attempts FROM alert_deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY alert_id LIMIT 100`), db.d.arg(db.Now().UTC()))
		if err != nil {
			return delivered, failed, fmt.Errorf("alert deliveries: %w", err)
		}
		var todo []due
		for rows.Next() {
			var d due
			if err := rows.Scan(&d.id, &d.attempts); err != nil {
				rows.Close()
				return delivered, failed, err
			}
			todo = append(todo, d)
		}
		rows.Close()
		if len(todo) == 0 {
			return delivered, failed, rows.Err()
		}
		for _, d := range todo {
			if err := db.deliverOne(ctx, client, hook, d.id, d.attempts, &delivered, &failed); err != nil {
				return delivered, failed, err
			}
		}
	}
}

// deliverOne posts one alert and records the outcome: delivered, retried
// later, or failed for good.
func (db *DB) deliverOne(ctx context.Context, client *http.Client, hook AlertWebhook, id int64, attempts int, delivered, failed *int) error {
	as, err := db.alertsPage(ctx, " WHERE a.alert_id = ?", []any{id}, 1, 0)
	if err != nil {
		return err
	}
	if len(as) == 0 {
		_, err := db.w.ExecContext(ctx, db.q(`UPDATE alert_deliveries SET status = 'failed', last_error = 'no such alert' WHERE alert_id = ?`), id)
		return err
	}
	body, _ := json.Marshal(as[0])
	sendErr := postAlert(ctx, client, hook, body, db.Now().Unix())
	attempts++
	var q string
	var args []any
	switch {
	case sendErr == nil:
		q, args = `UPDATE alert_deliveries SET status = 'delivered', attempts = ?, delivered_at = ?, last_error = '' WHERE alert_id = ?`, []any{attempts, db.d.arg(db.Now()), id}
		*delivered++
	case attempts >= alertMaxAttempts:
		q, args = `UPDATE alert_deliveries SET status = 'failed', attempts = ?, last_error = ? WHERE alert_id = ?`, []any{attempts, truncateErr(sendErr), id}
		*failed++
	default:
		q, args = `UPDATE alert_deliveries SET attempts = ?, next_attempt_at = ?, last_error = ? WHERE alert_id = ?`,
			[]any{attempts, db.d.arg(db.Now().Add(alertBackoff(attempts))), truncateErr(sendErr), id}
	}
	_, err = db.w.ExecContext(ctx, db.q(q), args...)
	return err
}

func truncateErr(err error) string {
	s := err.Error()
	if len(s) > 500 {
		s = s[:500]
	}
	return s
}

func postAlert(ctx context.Context, client *http.Client, hook AlertWebhook, body []byte, ts int64) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, hook.URL, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "csperf-alerts")
	req.Header.Set("X-Csperf-Event", "alert")
	req.Header.Set("X-Csperf-Timestamp", strconv.FormatInt(ts, 10))
	req.Header.Set("X-Csperf-Signature", SignAlert(hook.Secret, ts, body))
	resp, err := client.Do(req)
	if err != nil {
		return err
	}
	resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		return fmt.Errorf("webhook answered %s", resp.Status)
	}
	return nil
}

// RunAlertDeliveries delivers due alerts every interval until ctx ends; it
// is the worker `serve` runs in a goroutine. Errors go to onErr (which may
// be nil) and the loop carries on.
func (db *DB) RunAlertDeliveries(ctx context.Context, every time.Duration, client *http.Client, onErr func(error)) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if _, _, err := db.DeliverAlerts(ctx, client); err != nil && onErr != nil && ctx.Err() == nil {
			onErr(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
