package accounts

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEnsureLocalKey(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	made, err := f.a.EnsureLocalKey(ctx, f.dir)
	if err != nil || !made {
		t.Fatalf("first start: %v, %v", made, err)
	}
	path := filepath.Join(f.dir, LocalKeyFile)
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("%s has mode %v, want 0600", path, fi.Mode().Perm())
	}
	b, _ := os.ReadFile(path)
	p, err := f.a.AuthenticateKey(ctx, strings.TrimSpace(string(b)))
	if err != nil || !p.HasRole(RoleAdmin) || !p.HasPermission(PermPHI) || p.Subject != LocalKeyName {
		t.Fatalf("the local key: %+v, %v", p, err)
	}
	leftovers, _ := filepath.Glob(filepath.Join(f.dir, ".admin.key-*"))
	if len(leftovers) != 0 {
		t.Errorf("temporary files left: %q", leftovers)
	}

	// Later starts leave it alone, even when the file is gone.
	if made, err := f.a.EnsureLocalKey(ctx, f.dir); err != nil || made {
		t.Errorf("second start: %v, %v", made, err)
	}
	os.Remove(path)
	if made, err := f.a.EnsureLocalKey(ctx, f.dir); err != nil || made {
		t.Errorf("start after the file was removed: %v, %v", made, err)
	}
	if _, err := os.Stat(path); !os.IsNotExist(err) {
		t.Errorf("the file came back: %v", err)
	}
}

func TestEnsureLocalKeyNotWithUsers(t *testing.T) {
	f := newFixture(t, Options{})
	f.user(t, "ana", pw, []string{RoleAdmin}, nil)
	if made, err := f.a.EnsureLocalKey(context.Background(), f.dir); err != nil || made {
		t.Errorf("with a user: %v, %v", made, err)
	}
}

func TestEnsureLocalKeyReplacesStaleFile(t *testing.T) {
	f := newFixture(t, Options{})
	path := filepath.Join(f.dir, LocalKeyFile)
	// A key from an earlier store, and a world-readable mode.
	if err := os.WriteFile(path, []byte("pxk_stale\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if made, err := f.a.EnsureLocalKey(context.Background(), f.dir); err != nil || !made {
		t.Fatalf("%v, %v", made, err)
	}
	b, _ := os.ReadFile(path)
	fi, _ := os.Stat(path)
	if strings.Contains(string(b), "stale") || fi.Mode().Perm() != 0o600 {
		t.Errorf("stale file kept: %q, mode %v", b, fi.Mode().Perm())
	}
}

func TestEnsureLocalKeyUnwritable(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	missing := filepath.Join(f.dir, "no", "such", "dir")
	if made, err := f.a.EnsureLocalKey(ctx, missing); err == nil || made {
		t.Fatalf("into a missing directory: %v, %v", made, err)
	}
	// Nobody holds that key, so the next start tries again.
	if made, err := f.a.EnsureLocalKey(ctx, f.dir); err != nil || !made {
		t.Errorf("after a failed start: %v, %v", made, err)
	}
}
