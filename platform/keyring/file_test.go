package keyring

import (
	"encoding/base64"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

func TestFileRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), "keys.json")
	k1, err := Generate(time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(k1.ID, "2026-01-02-") {
		t.Errorf("generated ID %q", k1.ID)
	}
	f := &File{}
	if err := f.Add(k1); err != nil {
		t.Fatal(err)
	}
	if err := f.Write(path); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" && st.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %04o; want 0600", st.Mode().Perm())
	}
	r1, err := LoadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sealed, _ := r1.Seal([]byte("x"), nil)

	k2, _ := Generate(time.Now())
	got, err := ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := got.Add(k2); err != nil {
		t.Fatal(err)
	}
	if err := got.Add(k2); err == nil {
		t.Error("the same key ID was added twice")
	}
	if err := got.Write(path); err != nil {
		t.Fatal(err)
	}
	r2, err := Source{File: path}.Load()
	if err != nil {
		t.Fatal(err)
	}
	if r2.ActiveID() != k2.ID || len(r2.IDs()) != 2 {
		t.Errorf("after rotation: %v", r2)
	}
	if p, err := r2.Open(sealed, nil); err != nil || string(p) != "x" {
		t.Errorf("old value after rotation: %q, %v", p, err)
	}
}

func TestReadFileErrors(t *testing.T) {
	good := base64.StdEncoding.EncodeToString(key(1))
	tests := []struct {
		name, content string
		mode          os.FileMode
		want          string
	}{
		{"group readable", `{"active":"a","keys":[{"id":"a","key":"` + good + `"}]}`, 0o640, "chmod 600"},
		{"others readable", `{"active":"a","keys":[{"id":"a","key":"` + good + `"}]}`, 0o604, "accessible to group or others"},
		{"not json", `{"active": `, 0o600, "not valid JSON or YAML"},
		{"unknown field", `{"active":"a","secret":"` + good + `"}`, 0o600, "unexpected fields"},
		{"bad base64", `{"active":"a","keys":[{"id":"a","key":"!!` + good + `"}]}`, 0o600, `key "a" is not standard base64`},
		{"short key", `{"active":"a","keys":[{"id":"a","key":"AAAA"}]}`, 0o600, "3 bytes"},
		{"duplicate id", `{"active":"a","keys":[{"id":"a","key":"` + good + `"},{"id":"a","key":"` + good + `"}]}`, 0o600, "appears twice"},
		{"active missing", `{"active":"b","keys":[{"id":"a","key":"` + good + `"}]}`, 0o600, `active key "b"`},
		{"yaml", "active: a\nkeys:\n  - id: a\n    key: " + good + "\n", 0o600, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if runtime.GOOS == "windows" && tt.mode != 0o600 {
				t.Skip("no Unix modes")
			}
			path := filepath.Join(t.TempDir(), "keys")
			if err := os.WriteFile(path, []byte(tt.content), tt.mode); err != nil {
				t.Fatal(err)
			}
			os.Chmod(path, tt.mode) // past the umask
			_, err := LoadFile(path)
			if tt.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("LoadFile = %v; want %q", err, tt.want)
			}
			if strings.Contains(err.Error(), good[:12]) {
				t.Errorf("error shows key material: %v", err)
			}
		})
	}
	if _, err := LoadFile(filepath.Join(t.TempDir(), "none")); err == nil {
		t.Error("a missing key file loaded")
	}
}

func TestFromEnv(t *testing.T) {
	a, b := base64.StdEncoding.EncodeToString(key(1)), base64.StdEncoding.EncodeToString(key(2))
	tests := []struct {
		name, value, active, want string
	}{
		{"short form, last active", "k1:" + a + ", k2:" + b, "k2", ""},
		{"json", `{"active":"k1","keys":[{"id":"k1","key":"` + a + `"}]}`, "k1", ""},
		{"missing colon", "k1" + a, "", "not ID:BASE64KEY"},
		{"empty", "", "", "not set"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Setenv("PLEXUS_TEST_KEYS", tt.value)
			r, err := FromEnv("PLEXUS_TEST_KEYS")
			if tt.want != "" {
				if err == nil || !strings.Contains(err.Error(), tt.want) || !strings.Contains(err.Error(), "PLEXUS_TEST_KEYS") {
					t.Fatalf("FromEnv = %v; want %q naming the variable", err, tt.want)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if r.ActiveID() != tt.active {
				t.Errorf("active %s; want %s", r.ActiveID(), tt.active)
			}
		})
	}
}
