package kpi

import (
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // Asia/Shanghai on machines without a zoneinfo database

	"csperf"
)

// shanghai is the organisation's zone in every fixture.
var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// sh parses "2015-09-01 09:00" or "2015-09-01 09:00:05" as Shanghai time.
func sh(s string) time.Time {
	layout := "2006-01-02 15:04"
	if len(s) > len(layout) {
		layout += ":05"
	}
	t, err := time.ParseInLocation(layout, s, shanghai)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// utc parses an RFC 3339 time.
func utc(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t.UTC()
}

// dt parses YYYY-MM-DD.
func dt(s string) csperf.Date {
	d, err := csperf.ParseDate(s)
	if err != nil {
		panic(err)
	}
	return d
}

// call builds a call queued at Shanghai time queued; delay < 0 makes it
// abandoned (no answered_at), otherwise it is answered delay seconds after
// queueing. Each flag is "field" (set to true) or "field=value" (a string).
func call(id, agent, dir, queued string, delay int, talk, hold int64, flags ...string) Event {
	q := sh(queued)
	e := Event{"call_id": id, "direction": dir, "queued_at": q, "talk_seconds": talk, "hold_seconds": hold}
	if agent != "" {
		e["agent_id"] = agent
	}
	if delay < 0 {
		e["abandoned"] = true
	} else {
		e["abandoned"] = false
		e["answered_at"] = q.Add(time.Duration(delay) * time.Second)
	}
	setFlags(e, flags)
	return e
}

func setFlags(e Event, flags []string) {
	for _, f := range flags {
		if k, v, ok := strings.Cut(f, "="); ok {
			e[k] = v
		} else {
			e[f] = true
		}
	}
}

// testOrg is the fixture organisation, in Asia/Shanghai:
//
//	department d1: group g1 (e1; e2 until 2015-09-15), group g2 (e3; e2 from 2015-09-16)
//	department d2: group g3 (e4)
//
// Events naming neither employee nor group (an abandoned call that reached
// no queue) belong to d1, the call centre's department. Headcounts over
// September 2015: g1 2 (e1, e2), g2 2 (e2, e3), d1 3, d2 1, org 4.
func testOrg() Attribution {
	return Attribution{
		Params: Params{Location: shanghai},
		GroupAt: func(emp string, d csperf.Date) string {
			switch emp {
			case "e1":
				return "g1"
			case "e2":
				if d <= dt("2015-09-15") {
					return "g1"
				}
				return "g2"
			case "e3":
				return "g2"
			case "e4":
				return "g3"
			}
			return ""
		},
		DepartmentOf: func(g string) string {
			switch g {
			case "g1", "g2", "":
				return "d1"
			case "g3":
				return "d2"
			}
			return ""
		},
		Headcount: func(s Scope, p Period) int64 {
			return map[Scope]int64{
				{LevelGroup, "g1"}: 2, {LevelGroup, "g2"}: 2,
				{LevelDepartment, "d1"}: 3, {LevelDepartment, "d2"}: 1,
				{LevelOrg, ""}: 4,
			}[s]
		},
	}
}

// Scopes used by the tests.
var (
	org = Scope{Level: LevelOrg}
	d1  = Scope{Level: LevelDepartment, ID: "d1"}
	g1  = Scope{Level: LevelGroup, ID: "g1"}
	g2  = Scope{Level: LevelGroup, ID: "g2"}
	e1  = Scope{Level: LevelEmployee, ID: "e1"}
)

func mustPeriod(t testing.TB, s string) Period {
	t.Helper()
	p, err := ParsePeriod(s)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func mustKPI(t testing.TB, id string) Definition {
	t.Helper()
	d, ok := Lookup(id)
	if !ok {
		t.Fatalf("no KPI %q in the catalog", id)
	}
	return d
}
