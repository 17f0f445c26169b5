package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/platform/audit"
	"github.com/plexus-health/plexus/platform/auth"
	"github.com/plexus-health/plexus/platform/store"
)

// TestAuditVerifyAndList records entries in a store, lists them, then
// tampers with one row and checks that "plexus audit verify" fails naming
// it.
func TestAuditVerifyAndList(t *testing.T) {
	data := t.TempDir()
	db, err := store.Open(context.Background(), "", data, store.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	start := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	l := audit.New(db, audit.Options{})
	for i := 1; i <= 6; i++ {
		e := audit.Entry{Time: start.Add(time.Duration(i) * time.Minute), Principal: auth.KindUser, Subject: fmt.Sprintf("user%d", i%2),
			Remote: "192.0.2.1", Action: "fhir.read", Method: "GET", ResourceType: "Patient", ResourceID: fmt.Sprint(i), Status: 200}
		if i == 5 {
			e.Action, e.ResourceType, e.ResourceID, e.Path = "admin.dlq.replay", "", "", "/api/v1/dlq/replay"
		}
		if err := l.Record(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
	l.Close()

	status, stdout, stderr := runCLI(t, "", "audit", "verify", "--data", data)
	head, _ := strings.CutPrefix(strings.Split(stdout, "\n")[1], "head: ")
	if status != exitOK || !strings.Contains(stdout, "intact: 6 records") || !strings.HasPrefix(head, "6:") || len(head) != 2+64 {
		t.Fatalf("verify: exit %d\n%s%s", status, stdout, stderr)
	}
	if status, stdout, stderr := runCLI(t, "", "audit", "verify", "--data", data, "--anchor", head); status != exitOK || !strings.Contains(stdout, "anchor "+head+" is on the chain") {
		t.Errorf("verify --anchor: exit %d\n%s%s", status, stdout, stderr)
	}
	if status, _, stderr := runCLI(t, "", "audit", "verify", "--data", data, "--anchor", "7"+head[1:]); status != exitFailure || !strings.Contains(stderr, "record 7 is past the last intact record 6") {
		t.Errorf("verify --anchor past the end: exit %d\n%s", status, stderr)
	}
	cases := []struct {
		args []string
		want []string // seqs, in order
		more bool
	}{
		{nil, []string{"6", "5", "4", "3", "2", "1"}, false},
		{[]string{"--who", "user1"}, []string{"5", "3", "1"}, false},
		{[]string{"--action", "admin.*"}, []string{"5"}, false},
		{[]string{"--since", "2026-03-01T08:02:00Z", "--until", "2026-03-01T08:04:00Z"}, []string{"3", "2"}, false},
		{[]string{"--limit", "2"}, []string{"6", "5"}, true},
		{[]string{"--limit", "2", "--before", "5"}, []string{"4", "3"}, true},
		{[]string{"--since", "2026-03-02"}, nil, false},
	}
	for _, tc := range cases {
		status, stdout, stderr := runCLI(t, "", append([]string{"audit", "list", "--data", data}, tc.args...)...)
		if status != exitOK {
			t.Fatalf("list %v: exit %d: %s", tc.args, status, stderr)
		}
		lines := strings.Split(strings.TrimSpace(stdout), "\n")
		var got []string
		for _, ln := range lines[1:] {
			got = append(got, strings.Fields(ln)[0])
		}
		if strings.Join(got, " ") != strings.Join(tc.want, " ") || strings.Contains(stderr, "more records") != tc.more {
			t.Errorf("list %v: %v (stderr %q), want %v", tc.args, got, stderr, tc.want)
		}
	}
	if status, stdout, _ := runCLI(t, "", "audit", "list", "--data", data, "--json", "--limit", "1"); status != exitOK || !strings.Contains(stdout, `"action":"fhir.read"`) || !strings.Contains(stdout, `"seq":6`) {
		t.Errorf("list --json: %d %s", status, stdout)
	}

	for _, q := range []string{`DROP TRIGGER audit_no_update`, `UPDATE audit SET subject = 'mallory' WHERE seq = 4`} {
		if _, err := db.W.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	status, stdout, _ = runCLI(t, "", "audit", "verify", "--data", data)
	if status != exitFailure || !strings.Contains(stdout, "BROKEN at record 4: hash mismatch") || !strings.Contains(stdout, "3 records intact") {
		t.Errorf("verify after tampering: exit %d\n%s", status, stdout)
	}
	status, stdout, _ = runCLI(t, "", "audit", "verify", "--data", data, "--json")
	if status != exitFailure || !strings.Contains(stdout, `"broken":{"seq":4,"reason":"hash mismatch"`) {
		t.Errorf("verify --json after tampering: exit %d\n%s", status, stdout)
	}
}

func TestAuditUsage(t *testing.T) {
	for _, args := range [][]string{
		{"audit"},
		{"audit", "frob"},
		{"audit", "verify", "list"},
		{"audit", "list", "--since", "yesterday"},
		{"audit", "list", "--limit", "0"},
		{"audit", "verify", "--anchor", "6"},
		{"audit", "verify", "--anchor", "6:abc"},
	} {
		if status, _, stderr := runCLI(t, "", args...); status != exitUsage || stderr == "" {
			t.Errorf("%v: exit %d, stderr %q", args, status, stderr)
		}
	}
}
