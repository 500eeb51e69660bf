package main

import (
	"bufio"
	"context"
	"fmt"
	"strings"
	"text/tabwriter"

	"csperf"
	"csperf/auth"
)

func (m *Main) runUser(ctx context.Context, args []string) error {
	usage := "user create|list|passwd|role|token [flags]"
	if len(args) == 0 {
		return csperf.Errorf(csperf.EINVALID, "usage: csperf %s", usage)
	}
	sub, args := args[0], args[1:]
	fs, dsn := m.flags("user "+sub, usage+`

  create --username U --role ROLE [--password P | --password-stdin] [--employee E] [--groups G1,G2] [--name NAME]
  list
  passwd --username U [--password P | --password-stdin]
  role   --username U --role ROLE [--groups G1,G2]
  token  --username U [--name NAME]   prints a new API token once`)
	username := fs.String("username", "", "user name")
	role := fs.String("role", "", "role: "+strings.Join(csperf.Roles, ", "))
	password := fs.String("password", "", "password (prefer --password-stdin)")
	pwStdin := fs.Bool("password-stdin", false, "read the password from standard input")
	employee := fs.String("employee", "", "the employee id this user is (agents, supervisors)")
	groups := fs.String("groups", "", "groups a supervisor leads, comma-separated")
	name := fs.String("name", "", "display name, or token name")
	policy := fs.String("policy", auth.PolicyStandard, "password policy: standard or mlps")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	readPassword := func() (string, error) {
		if *pwStdin {
			line, err := bufio.NewReader(m.Stdin).ReadString('\n')
			if err != nil && line == "" {
				return "", csperf.Errorf(csperf.EINVALID, "no password on standard input")
			}
			return strings.TrimRight(line, "\r\n"), nil
		}
		if *password == "" {
			return "", csperf.FieldErrorf("password", "give --password or --password-stdin")
		}
		return *password, nil
	}
	var groupIDs []string
	if *groups != "" {
		groupIDs = strings.Split(*groups, ",")
	}
	switch sub {
	case "create":
		pw, err := readPassword()
		if err != nil {
			return err
		}
		if err := auth.CheckPassword(*policy, *username, pw); err != nil {
			return csperf.FieldErrorf("password", "%v", err)
		}
		h, err := auth.HashPassword(pw)
		if err != nil {
			return err
		}
		u := &csperf.User{Username: *username, DisplayName: *name, Role: *role, EmployeeID: *employee, GroupIDs: groupIDs, PasswordHash: h}
		if err := db.CreateUser(ctx, u); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "created user %s (%s)\n", u.Username, u.Role)
	case "list":
		us, err := db.ListUsers(ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "USERNAME\tROLE\tEMPLOYEE\tGROUPS\tDISABLED")
		for _, u := range us {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%v\n", u.Username, u.Role, u.EmployeeID, strings.Join(u.GroupIDs, ","), u.Disabled)
		}
		return tw.Flush()
	case "passwd":
		u, err := db.UserByName(ctx, *username)
		if err != nil {
			return err
		}
		pw, err := readPassword()
		if err != nil {
			return err
		}
		if err := auth.CheckPassword(*policy, u.Username, pw); err != nil {
			return csperf.FieldErrorf("password", "%v", err)
		}
		h, err := auth.HashPassword(pw)
		if err != nil {
			return err
		}
		if err := db.UpdateUser(ctx, u.ID, csperf.UserUpdate{PasswordHash: &h}); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "password of %s changed\n", u.Username)
	case "role":
		u, err := db.UserByName(ctx, *username)
		if err != nil {
			return err
		}
		upd := csperf.UserUpdate{Role: role}
		if *groups != "" {
			upd.GroupIDs = &groupIDs
		}
		if err := db.UpdateUser(ctx, u.ID, upd); err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "%s is now %s\n", u.Username, *role)
	case "token":
		u, err := db.UserByName(ctx, *username)
		if err != nil {
			return err
		}
		tok := "csp_" + auth.NewSecret(24)
		n := *name
		if n == "" {
			n = "cli"
		}
		if err := db.CreateToken(ctx, u.ID, n, auth.HashSecret(tok)); err != nil {
			return err
		}
		fmt.Fprintln(m.Stdout, tok)
	default:
		return csperf.Errorf(csperf.EINVALID, "unknown user command %q (create, list, passwd, role, token)", sub)
	}
	return nil
}

func (m *Main) runAudit(ctx context.Context, args []string) error {
	if len(args) == 0 {
		return csperf.Errorf(csperf.EINVALID, "usage: csperf audit verify|list")
	}
	sub, args := args[0], args[1:]
	fs, dsn := m.flags("audit "+sub, "audit verify | audit list [--user U] [--action A] [--limit N]")
	user := fs.String("user", "", "only entries by this user id")
	action := fs.String("action", "", "only entries of this action")
	limit := fs.Int("limit", 100, "entries to show")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	switch sub {
	case "verify":
		n, err := db.VerifyAudit(ctx)
		if err != nil {
			return err
		}
		fmt.Fprintf(m.Stdout, "audit log intact: %d entries, hash chain verified\n", n)
	case "list":
		es, total, err := db.ListAudit(ctx, csperf.AuditFilter{UserID: *user, Action: *action, Limit: *limit})
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(m.Stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SEQ\tAT\tUSER\tIP\tACTION\tOBJECT\tBEFORE\tAFTER")
		for _, e := range es {
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", e.Seq, e.At.In(db.Loc).Format("2006-01-02 15:04:05"), e.UserID, e.IP, e.Action, e.Object, e.Before, e.After)
		}
		tw.Flush()
		fmt.Fprintf(m.Stdout, "%d of %d entries\n", len(es), total)
	default:
		return csperf.Errorf(csperf.EINVALID, "unknown audit command %q (verify, list)", sub)
	}
	return nil
}
