package sqlstore

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"csperf"
)

// Survey links (SPEC §3): invitations a customer answers without signing
// in. The store keeps the hash of each token, never the token.

const surveyLinkCols = `link_id, customer_id, employee_id, source_kind, source_id, created_at, created_by, expires_at, answered_at, survey_id`

func (db *DB) scanSurveyLink(sc interface{ Scan(...any) error }) (*csperf.SurveyLink, error) {
	var l csperf.SurveyLink
	var cust, emp, kind, src, survey sql.NullString
	var created, expires, answered any
	if err := sc.Scan(&l.ID, &cust, &emp, &kind, &src, &created, &l.CreatedBy, &expires, &answered, &survey); err != nil {
		return nil, err
	}
	l.CustomerID, l.EmployeeID, l.SourceKind, l.SourceID, l.SurveyID = cust.String, emp.String, kind.String, src.String, survey.String
	var err error
	if l.CreatedAt, err = scanTime(created); err != nil {
		return nil, err
	}
	if l.ExpiresAt, err = scanTime(expires); err != nil {
		return nil, err
	}
	if answered != nil {
		t, err := scanTime(answered)
		if err != nil {
			return nil, err
		}
		l.AnsweredAt = &t
	}
	l.Status = l.StatusAt(db.Now())
	return &l, nil
}

// SurveyLinkDays returns how many days a new link stays open: the setting
// survey.link_days, or 14.
func (db *DB) SurveyLinkDays(ctx context.Context) (int, error) {
	v, ok, err := db.Setting(ctx, csperf.SettingSurveyLinkDays)
	if err != nil || !ok {
		return csperf.DefaultSurveyLinkDays, err
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 365 {
		return 0, csperf.Errorf(csperf.EINVALID, "setting %s is %q: give a number of days from 1 to 365", csperf.SettingSurveyLinkDays, v)
	}
	return n, nil
}

// CreateSurveyLink stores a new link under tokenHash. A link made for a
// contact (SourceKind and SourceID) takes the contact's customer and
// responsible employee; given ones must agree with it. Without a contact
// the customer is required and the employee optional. The link expires
// after SurveyLinkDays; its creation is audited. l gets its id, times and
// state.
func (db *DB) CreateSurveyLink(ctx context.Context, l *csperf.SurveyLink, tokenHash string) error {
	if len(tokenHash) < 32 {
		return csperf.Errorf(csperf.EINVALID, "survey link: no token hash")
	}
	if l.SourceKind != "" || l.SourceID != "" {
		if !slices.Contains(csperf.SurveyLinkSources, l.SourceKind) {
			return csperf.FieldErrorf("source_kind", "must be one of %s", strings.Join(csperf.SurveyLinkSources, ", "))
		}
		if l.SourceID == "" {
			return csperf.FieldErrorf("source_id", "is required with source_kind")
		}
		k := csperf.KindByName(l.SourceKind)
		rec, err := db.GetRecord(ctx, k, []string{l.SourceID})
		if err != nil {
			if csperf.ErrorCode(err) == csperf.ENOTFOUND {
				return csperf.FieldErrorf("source_id", "no %s with id %s", strings.TrimSuffix(k.Name, "s"), l.SourceID)
			}
			return err
		}
		cust, _ := rec["customer_id"].(string)
		emp, _ := rec[ScopeField(k)].(string)
		if l.CustomerID != "" && l.CustomerID != cust {
			return csperf.FieldErrorf("customer_id", "%s %s is not of customer %s", strings.TrimSuffix(k.Name, "s"), l.SourceID, l.CustomerID)
		}
		if l.EmployeeID != "" && l.EmployeeID != emp {
			return csperf.FieldErrorf("employee_id", "%s %s is not of employee %s", strings.TrimSuffix(k.Name, "s"), l.SourceID, l.EmployeeID)
		}
		l.CustomerID, l.EmployeeID = cust, emp
		if l.CustomerID == "" && l.EmployeeID == "" {
			return csperf.FieldErrorf("source_id", "%s %s has neither customer nor employee", strings.TrimSuffix(k.Name, "s"), l.SourceID)
		}
	} else {
		if l.CustomerID == "" {
			return csperf.FieldErrorf("customer_id", "is required (or give a contact: source_kind and source_id)")
		}
		if _, err := db.GetRecord(ctx, csperf.KindByName("customers"), []string{l.CustomerID}); err != nil {
			if csperf.ErrorCode(err) == csperf.ENOTFOUND {
				return csperf.FieldErrorf("customer_id", "no customer %s", l.CustomerID)
			}
			return err
		}
		if l.EmployeeID != "" {
			if _, err := db.GetRecord(ctx, csperf.KindByName("employees"), []string{l.EmployeeID}); err != nil {
				if csperf.ErrorCode(err) == csperf.ENOTFOUND {
					return csperf.FieldErrorf("employee_id", "no employee %s", l.EmployeeID)
				}
				return err
			}
		}
	}
	days, err := db.SurveyLinkDays(ctx)
	if err != nil {
		return err
	}
	now := db.Now().UTC().Truncate(time.Second)
	l.CreatedAt, l.ExpiresAt, l.AnsweredAt, l.SurveyID = now, now.AddDate(0, 0, days), nil, ""
	l.CreatedBy = csperf.ActorFrom(ctx).UserID
	if l.CreatedBy == "" {
		l.CreatedBy = "system"
	}
	l.Status = csperf.SurveyLinkOpen
	return db.tx(ctx, func(tx *sql.Tx) error {
		if err := db.d.lockAudit(ctx, tx); err != nil { // serialises link ids on PostgreSQL
			return err
		}
		if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(link_id), 0) + 1 FROM survey_links`).Scan(&l.ID); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, db.q(`INSERT INTO survey_links (link_id, token_hash, customer_id, employee_id, source_kind, source_id, created_at, created_by, expires_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`), l.ID, tokenHash, nullText(l.CustomerID), nullText(l.EmployeeID), nullText(l.SourceKind), nullText(l.SourceID),
			db.d.arg(now), l.CreatedBy, db.d.arg(l.ExpiresAt))
		if err != nil {
			return db.d.mapErr(err)
		}
		after := fmt.Sprintf(`{"customer_id":%q,"employee_id":%q,"source":%q,"expires_at":%q}`, l.CustomerID, l.EmployeeID,
			strings.Trim(l.SourceKind+"/"+l.SourceID, "/"), l.ExpiresAt.Format(time.RFC3339))
		return db.auditTx(ctx, tx, "survey_link.create", "survey_links/"+strconv.FormatInt(l.ID, 10), "", after)
	})
}

func nullText(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// SurveyLinks lists links, newest first, with the total the filter
// matches. A scope keeps the links of its employees and of the employees
// who were ever in its groups.
func (db *DB) SurveyLinks(ctx context.Context, f csperf.SurveyLinkFilter) ([]csperf.SurveyLink, int, error) {
	var conds []string
	var args []any
	now := db.d.arg(db.Now().UTC())
	switch f.Status {
	case "":
	case csperf.SurveyLinkOpen:
		conds, args = append(conds, "l.answered_at IS NULL AND l.expires_at > ?"), append(args, now)
	case csperf.SurveyLinkAnswered:
		conds = append(conds, "l.answered_at IS NOT NULL")
	case csperf.SurveyLinkExpired:
		conds, args = append(conds, "l.answered_at IS NULL AND l.expires_at <= ?"), append(args, now)
	default:
		return nil, 0, csperf.FieldErrorf("status", "must be open, answered or expired")
	}
	if f.Scope != nil {
		var ors []string
		if len(f.Scope.EmployeeIDs) > 0 {
			ors = append(ors, "l.employee_id IN ("+placeholders(len(f.Scope.EmployeeIDs))+")")
			args = append(args, anys(f.Scope.EmployeeIDs)...)
		}
		if len(f.Scope.GroupIDs) > 0 {
			ors = append(ors, "l.employee_id IN (SELECT m.employee_id FROM memberships m WHERE m.group_id IN ("+placeholders(len(f.Scope.GroupIDs))+"))")
			args = append(args, anys(f.Scope.GroupIDs)...)
		}
		if len(ors) == 0 {
			ors = []string{"1 = 0"}
		}
		conds = append(conds, "("+strings.Join(ors, " OR ")+")")
	}
	where := ""
	if len(conds) > 0 {
		where = " WHERE " + strings.Join(conds, " AND ")
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 100
	}
	var total int
	if err := db.r.QueryRowContext(ctx, db.q(`SELECT COUNT(*) FROM survey_links l`+where), args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := db.r.QueryContext(ctx, db.q(`SELECT `+prefixed("l", strings.Split(surveyLinkCols, ", "))+` FROM survey_links l`+where+` ORDER BY l.link_id DESC LIMIT ? OFFSET ?`),
		append(args, limit, f.Offset)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []csperf.SurveyLink
	for rows.Next() {
		l, err := db.scanSurveyLink(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, *l)
	}
	return out, total, rows.Err()
}

// errNoSurveyLink answers an unknown and an expired token alike, so that
// the answer does not tell whether a token ever existed.
var errNoSurveyLink = csperf.Errorf(csperf.ENOTFOUND, "this survey link is not valid or has expired")

// SurveyLinkByToken returns the link with the token's hash; an unknown or
// expired one is ENOTFOUND, the same error for both.
func (db *DB) SurveyLinkByToken(ctx context.Context, tokenHash string) (*csperf.SurveyLink, error) {
	l, err := db.scanSurveyLink(db.r.QueryRowContext(ctx, db.q(`SELECT `+surveyLinkCols+` FROM survey_links WHERE token_hash = ?`), tokenHash))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, errNoSurveyLink
	}
	if err != nil {
		return nil, err
	}
	if l.Status == csperf.SurveyLinkExpired {
		return nil, errNoSurveyLink
	}
	return l, nil
}

// MaxSurveySuggestion is the longest free text a survey answer takes, in
// characters.
const MaxSurveySuggestion = 2000

// SurveyLinkSurveyID is the id of the survey answered through link id:
// "SL" and the link's number, eight digits.
func SurveyLinkSurveyID(id int64) string { return fmt.Sprintf("SL%08d", id) }

// AnswerSurvey stores the answers given through the link with the token's
// hash as a survey record, through the same checks and writes as an
// imported row (so the KPI roll-ups see it), and marks the link used in
// that one transaction; the audit log names SurveyLinkActor. answers holds
// the item fields, overall and suggestions, already parsed. A link answered
// already is ECONFLICT; an unknown or expired one ENOTFOUND.
func (db *DB) AnswerSurvey(ctx context.Context, tokenHash string, answers csperf.Record) (*csperf.SurveyLink, error) {
	k := csperf.KindByName("surveys")
	for name, v := range answers {
		f := k.Field(name)
		if f == nil || name == "survey_id" || name == "customer_id" || name == "employee_id" || name == "answered_at" {
			return nil, csperf.FieldErrorf(name, "is not an answer of the survey")
		}
		if v == nil {
			continue
		}
		s, ok := v.(string)
		switch {
		case !ok:
			return nil, csperf.FieldErrorf(name, "must be text")
		case f.Type == csperf.TEnum && !slices.Contains(f.Enum, s):
			return nil, csperf.FieldErrorf(name, "must be one of %s", strings.Join(f.Enum, ", "))
		case f.Type != csperf.TEnum && utf8.RuneCountInString(s) > MaxSurveySuggestion:
			return nil, csperf.FieldErrorf(name, "is longer than %d characters", MaxSurveySuggestion)
		}
	}
	l, err := db.SurveyLinkByToken(ctx, tokenHash)
	if err != nil {
		return nil, err
	}
	if l.Status == csperf.SurveyLinkAnswered {
		return nil, csperf.Errorf(csperf.ECONFLICT, "this survey has been answered already")
	}
	now := db.Now().UTC().Truncate(time.Second)
	rec := csperf.Record{}
	for _, f := range k.Fields {
		switch f.Name {
		case "survey_id", "customer_id", "employee_id", "answered_at":
		default:
			if v, ok := answers[f.Name]; ok && v != nil {
				rec[f.Name] = v
			}
		}
	}
	rec["survey_id"] = SurveyLinkSurveyID(l.ID)
	rec["answered_at"] = now
	if l.CustomerID != "" {
		rec["customer_id"] = l.CustomerID
	}
	if l.EmployeeID != "" {
		rec["employee_id"] = l.EmployeeID
	}
	vals := make([]any, len(k.Fields))
	for i, f := range k.Fields {
		vals[i] = rec[f.Name]
	}
	ctx = csperf.WithActor(ctx, csperf.Actor{UserID: csperf.SurveyLinkActor, IP: csperf.ActorFrom(ctx).IP})
	_, err = db.importWith(ctx, k, &oneRow{vals: vals}, csperf.ImportOptions{}, func(conn *sql.Conn) error {
		res, err := conn.ExecContext(ctx, db.q(`UPDATE survey_links SET answered_at = ?, survey_id = ? WHERE link_id = ? AND answered_at IS NULL AND expires_at > ?`),
			db.d.arg(now), rec["survey_id"], l.ID, db.d.arg(now))
		if err != nil {
			return err
		}
		if n, err := res.RowsAffected(); err != nil {
			return err
		} else if n != 1 {
			return csperf.Errorf(csperf.ECONFLICT, "this survey has been answered already")
		}
		return db.auditTx(ctx, conn, "create", "surveys/"+SurveyLinkSurveyID(l.ID), "", db.maskedJSON(k, rec))
	})
	var ie *csperf.ImportError
	if errors.As(err, &ie) && len(ie.Rows) > 0 {
		e := ie.Rows[0]
		if strings.Contains(e.Reason, "exists with other values") {
			return nil, csperf.Errorf(csperf.ECONFLICT, "this survey has been answered already")
		}
		return nil, &csperf.Error{Code: csperf.EINVALID, Field: e.Column, Message: e.Reason}
	}
	if err != nil {
		return nil, err
	}
	l.AnsweredAt, l.SurveyID, l.Status = &now, SurveyLinkSurveyID(l.ID), csperf.SurveyLinkAnswered
	return l, nil
}
