package main

import (
	"context"
	"flag"
	"fmt"

	"csperf"
	"csperf/pdf"
)

// runOrg prints the organisation settings and sets its name.
func (m *Main) runOrg(ctx context.Context, args []string) error {
	fs, dsn := m.flags("org", `org [--name NAME] [--as USER]

Prints the organisation's settings: its name, which heads every PDF report, and its time zone.
--name sets the name (trimmed; 1 to 100 characters); the change is audited with the name before
and after, naming --as USER (an admin) or the operator.`)
	name := fs.String("name", "", "the organisation's name (1 to 100 characters)")
	as := fs.String("as", "", "admin the audit log names as making the change")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	set := false
	fs.Visit(func(f *flag.Flag) { set = set || f.Name == "name" })
	clean := ""
	if set {
		var err error
		if clean, err = csperf.CleanOrgName(*name); err != nil {
			return err
		}
	}
	db, err := m.open(ctx, *dsn)
	if err != nil {
		return err
	}
	defer db.Close()
	if *as != "" {
		u, err := db.UserByName(ctx, *as)
		if err != nil {
			return csperf.Errorf(csperf.ENOTFOUND, "no user %q", *as)
		}
		if u.Role != csperf.RoleAdmin || u.Disabled {
			return csperf.Errorf(csperf.EFORBIDDEN, "user %s is not an active admin", u.Username)
		}
		ctx = csperf.WithActor(ctx, csperf.Actor{UserID: u.ID})
	}
	if set {
		if err := db.SetSetting(ctx, csperf.SettingOrgName, clean); err != nil {
			return err
		}
	}
	v, ok, err := db.Setting(ctx, csperf.SettingOrgName)
	if err != nil {
		return err
	}
	if !ok {
		shown, err := pdf.OrgName(ctx, db.Setting, db)
		if err != nil {
			return err
		}
		v = "(not set; documents show " + fmt.Sprintf("%q", shown) + ")"
	}
	fmt.Fprintf(m.Stdout, "%s = %s\n%s = %s\n", csperf.SettingOrgName, v, "org.timezone", db.Loc)
	return nil
}
