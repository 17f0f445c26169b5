package main

import (
	"context"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/platform/accounts"
	"github.com/plexus-health/plexus/platform/store"
)

func TestUsersVerb(t *testing.T) {
	data := t.TempDir()
	t.Setenv(passwordEnv, "")
	status, stdout, stderr := runCLI(t, "correct horse battery staple\n", "users", "add", "ana", "--role", "operator", "--role", "viewer", "--phi", "--data", data)
	if status != exitOK || stdout != "user ana added: roles operator, viewer; permissions phi\n" {
		t.Fatalf("add: exit %d, %q %q", status, stdout, stderr)
	}
	t.Setenv(passwordEnv, "another long password")
	if status, _, stderr := runCLI(t, "", "users", "add", "bob", "--role", "auditor", "--data", data); status != exitOK {
		t.Fatalf("add with $%s: exit %d %s", passwordEnv, status, stderr)
	}
	t.Setenv(passwordEnv, "")
	for _, tc := range []struct {
		stdin  string
		args   []string
		status int
		errHas string
	}{
		{"correct horse battery staple\n", []string{"users", "add", "cy", "--data", data}, exitUsage, "--role"},
		{"correct horse battery staple\n", []string{"users", "add", "cy", "--role", "root", "--data", data}, exitFailure, `unknown role "root"`},
		{"short\n", []string{"users", "add", "cy", "--role", "viewer", "--data", data}, exitFailure, "at least 12"},
		{"", []string{"users", "add", "cy", "--role", "viewer", "--data", data}, exitFailure, "no password"},
		{"x\n", []string{"users", "add", "cy", "--role", "viewer", "--password", "x", "--data", data}, exitUsage, "password"},
		{"correct horse battery staple\n", []string{"users", "add", "ana", "--role", "viewer", "--data", data}, exitFailure, "already exists"},
		{"", []string{"users", "disable", "nobody", "--data", data}, exitFailure, "not found"},
		{"", []string{"users", "frob", "--data", data}, exitUsage, "unknown sub-command"},
		{"", []string{"users"}, exitUsage, "sub-command is required"},
	} {
		status, _, stderr := runCLI(t, tc.stdin, tc.args...)
		if status != tc.status || !strings.Contains(stderr, tc.errHas) {
			t.Errorf("%q: exit %d %q; want %d and %q", tc.args, status, stderr, tc.status, tc.errHas)
		}
	}
	if status, stdout, _ := runCLI(t, "", "users", "disable", "bob", "--data", data); status != exitOK || stdout != "user bob disabled\n" {
		t.Errorf("disable: %d %q", status, stdout)
	}
	status, stdout, _ = runCLI(t, "", "users", "list", "--data", data)
	lines := strings.Split(strings.TrimSpace(stdout), "\n")
	if status != exitOK || len(lines) != 3 || !strings.HasPrefix(lines[0], "NAME") ||
		!strings.Contains(lines[1], "ana") || !strings.Contains(lines[1], "operator,viewer") || !strings.Contains(lines[1], "phi") || !strings.Contains(lines[1], "active") ||
		!strings.Contains(lines[2], "bob") || !strings.Contains(lines[2], "disabled") {
		t.Errorf("list: %d\n%s", status, stdout)
	}

	// The CLI wrote to the store a server reads: ana can log in, bob not.
	a := openTestAccounts(t, data)
	ctx := context.Background()
	if _, err := a.Login(ctx, "ana", "correct horse battery staple", "127.0.0.1"); err != nil {
		t.Errorf("ana's login: %v", err)
	}
	if _, err := a.Login(ctx, "bob", "another long password", "127.0.0.1"); err == nil {
		t.Error("disabled bob logged in")
	}
}

func TestAPIKeysVerb(t *testing.T) {
	data := t.TempDir()
	status, stdout, stderr := runCLI(t, "", "apikeys", "create", "lab", "--role", "viewer", "--phi", "--data", data)
	key := strings.TrimSpace(stdout)
	if status != exitOK || !strings.HasPrefix(key, accounts.KeyPrefix) || strings.Count(stdout, "\n") != 1 || !strings.Contains(stderr, "shown this once") {
		t.Fatalf("create: exit %d, %q %q", status, stdout, stderr)
	}
	if strings.Contains(stderr, key) {
		t.Error("the key is repeated on stderr")
	}
	a := openTestAccounts(t, data)
	p, err := a.AuthenticateKey(context.Background(), key)
	if err != nil || p.Subject != "lab" || !p.HasRole("viewer") || !p.HasPermission("phi") {
		t.Fatalf("the created key: %+v %v", p, err)
	}
	id := strings.TrimPrefix(p.TokenID, "apikey:")

	status, stdout, _ = runCLI(t, "", "apikeys", "list", "--data", data)
	if status != exitOK || !strings.Contains(stdout, id) || strings.Contains(stdout, key[len(key)-20:]) {
		t.Errorf("list: %d\n%s", status, stdout)
	}
	if status, _, stderr := runCLI(t, "", "apikeys", "create", "x", "--data", data); status != exitUsage || !strings.Contains(stderr, "--role") {
		t.Errorf("create without a role: %d %q", status, stderr)
	}
	if status, _, stderr := runCLI(t, "", "apikeys", "revoke", "ffffffffffffffff", "--data", data); status != exitFailure || !strings.Contains(stderr, "not found") {
		t.Errorf("revoke unknown: %d %q", status, stderr)
	}
	if status, stdout, _ := runCLI(t, "", "apikeys", "revoke", id, "--data", data); status != exitOK || !strings.Contains(stdout, "revoked") {
		t.Errorf("revoke: %d %q", status, stdout)
	}
	if _, err := a.AuthenticateKey(context.Background(), key); err == nil {
		t.Error("a revoked key still works")
	}
	status, stdout, _ = runCLI(t, "", "apikeys", "list", "--json", "--data", data)
	if status != exitOK || !strings.Contains(stdout, `"revoked"`) {
		t.Errorf("list --json after revoking: %d %s", status, stdout)
	}
}

func openTestAccounts(t *testing.T, data string) *accounts.Accounts {
	t.Helper()
	db, err := store.Open(context.Background(), "", data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return accounts.New(db, accounts.Options{})
}
