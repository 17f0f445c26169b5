package keyring

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, KeySize) }

func mustRing(t testing.TB, keys map[string][]byte, active string) *Ring {
	t.Helper()
	r, err := New(keys, active)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestSealOpen(t *testing.T) {
	r := mustRing(t, map[string][]byte{"k1": key(1)}, "k1")
	for _, plain := range [][]byte{{}, []byte("MSH|^~\\&|A|B\rPID|||123^^^MRN||Doe^Jane"), bytes.Repeat([]byte("x"), 1<<16)} {
		sealed, err := r.Seal(plain, []byte("message_content.raw:7"))
		if err != nil {
			t.Fatal(err)
		}
		if len(plain) > 8 && bytes.Contains(sealed, plain[:8]) {
			t.Errorf("sealed value holds the plaintext")
		}
		if id, err := KeyID(sealed); err != nil || id != "k1" {
			t.Errorf("KeyID = %q, %v", id, err)
		}
		got, err := r.Open(sealed, []byte("message_content.raw:7"))
		if err != nil || !bytes.Equal(got, plain) || got == nil {
			t.Errorf("Open = %q, %v; want %q", got, err, plain)
		}
	}
	a, _ := r.Seal([]byte("same"), nil)
	b, _ := r.Seal([]byte("same"), nil)
	if bytes.Equal(a, b) {
		t.Error("two seals of one plaintext are equal: nonces repeat")
	}
}

func TestOpenErrors(t *testing.T) {
	r := mustRing(t, map[string][]byte{"k1": key(1), "k2": key(2)}, "k1")
	sealed, err := r.Seal([]byte("Doe^Jane"), []byte("row:1"))
	if err != nil {
		t.Fatal(err)
	}
	flip := func(i int) []byte {
		b := bytes.Clone(sealed)
		b[i] ^= 1
		return b
	}
	other := mustRing(t, map[string][]byte{"k9": key(9)}, "k9")
	sameIDOtherKey := mustRing(t, map[string][]byte{"k1": key(7)}, "k1")
	tests := []struct {
		name string
		ring *Ring
		in   []byte
		aad  string
		want error
	}{
		{"moved to another row", r, sealed, "row:2", ErrCorrupt},
		{"last byte flipped", r, flip(len(sealed) - 1), "row:1", ErrCorrupt},
		{"nonce flipped", r, flip(len(magic) + 2 + 2), "row:1", ErrCorrupt},
		{"key ID changed to another key", r, bytes.Replace(sealed, []byte("k1"), []byte("k2"), 1), "row:1", ErrCorrupt},
		{"truncated", r, sealed[:len(sealed)-20], "row:1", ErrCorrupt},
		{"header only", r, sealed[:len(magic)+4], "row:1", ErrCorrupt},
		{"version", r, flip(len(magic)), "row:1", ErrCorrupt},
		{"plaintext", r, []byte("MSH|^~\\&|"), "row:1", ErrPlaintext},
		{"empty", r, nil, "row:1", ErrPlaintext},
		{"key not in ring", other, sealed, "row:1", ErrUnknownKey},
		{"wrong key under the same ID", sameIDOtherKey, sealed, "row:1", ErrCorrupt},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.ring.Open(tt.in, []byte(tt.aad))
			if !errors.Is(err, tt.want) || got != nil {
				t.Fatalf("Open = %q, %v; want %v", got, err, tt.want)
			}
		})
	}
	_, err = other.Open(sealed, []byte("row:1"))
	var uk *UnknownKeyError
	if !errors.As(err, &uk) || uk.ID != "k1" || !strings.Contains(err.Error(), `"k1"`) {
		t.Errorf("unknown key error = %v; want one naming k1", err)
	}
}

func TestRotation(t *testing.T) {
	r := mustRing(t, map[string][]byte{"old": key(1)}, "old")
	before, _ := r.Seal([]byte("before"), []byte("a"))
	r.Replace(mustRing(t, map[string][]byte{"old": key(1), "new": key(2)}, "new"))
	after, _ := r.Seal([]byte("after"), []byte("b"))
	if id, _ := KeyID(after); id != "new" {
		t.Errorf("after rotation sealed under %q", id)
	}
	for in, want := range map[string]string{string(before): "before", string(after): "after"} {
		aad := "a"
		if want == "after" {
			aad = "b"
		}
		if got, err := r.Open([]byte(in), []byte(aad)); err != nil || string(got) != want {
			t.Errorf("Open = %q, %v; want %q", got, err, want)
		}
	}
	if got := r.IDs(); len(got) != 2 || got[0] != "new" || got[1] != "old" || r.ActiveID() != "new" {
		t.Errorf("IDs = %v, active %s", got, r.ActiveID())
	}
}

func TestReloadOnUnknown(t *testing.T) {
	rotated := mustRing(t, map[string][]byte{"old": key(1), "new": key(2)}, "new")
	sealed, _ := rotated.Seal([]byte("x"), nil)
	r := mustRing(t, map[string][]byte{"old": key(1)}, "old")
	if _, err := r.Open(sealed, nil); !errors.Is(err, ErrUnknownKey) {
		t.Fatalf("without a reload: %v", err)
	}
	loads := 0
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	r.now = func() time.Time { return clock }
	r.ReloadOnUnknown(func() (*Ring, error) { loads++; return rotated, nil })
	if p, err := r.Open(sealed, nil); err != nil || string(p) != "x" || loads != 1 {
		t.Fatalf("Open = %q, %v after %d loads", p, err, loads)
	}
	if r.ActiveID() != "new" {
		t.Errorf("active after reload %s", r.ActiveID())
	}
	stranger := mustRing(t, map[string][]byte{"other": key(3)}, "other")
	foreign, _ := stranger.Seal([]byte("y"), nil)
	for range 3 {
		if _, err := r.Open(foreign, nil); !errors.Is(err, ErrUnknownKey) {
			t.Fatalf("foreign key: %v", err)
		}
	}
	if loads != 1 {
		t.Errorf("%d loads; a reload is tried at most once a second", loads)
	}
	clock = clock.Add(time.Second)
	r.Open(foreign, nil)
	if loads != 2 {
		t.Errorf("%d loads; a second later the keys are read again", loads)
	}
}

func TestNewErrors(t *testing.T) {
	tests := []struct {
		name   string
		keys   map[string][]byte
		active string
		want   string
	}{
		{"no keys", nil, "a", "no keys"},
		{"short key", map[string][]byte{"a": key(1)[:16]}, "a", "16 bytes"},
		{"bad id", map[string][]byte{"a b": key(1)}, "a b", "key ID"},
		{"long id", map[string][]byte{strings.Repeat("a", 65): key(1)}, "a", "key ID"},
		{"missing active", map[string][]byte{"a": key(1)}, "b", `active key "b"`},
		{"no active", map[string][]byte{"a": key(1)}, "", "no active"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := New(tt.keys, tt.active)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("New = %v; want %q", err, tt.want)
			}
		})
	}
}

// The ring never shows key material, however it is printed or logged.
func TestNoKeyMaterialShown(t *testing.T) {
	secret := bytes.Repeat([]byte{'S'}, KeySize)
	r := mustRing(t, map[string][]byte{"k1": secret}, "k1")
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("ring", "keys", r)
	fk := FileKey{ID: "k1", Key: "U1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1NTU1M="}
	out := buf.String() + fmt.Sprintf("%v %+v %s %#v %v", r, r, r, fk, fk)
	for _, bad := range []string{"SSSS", fk.Key[:12]} {
		if strings.Contains(out, bad) {
			t.Errorf("printed ring or key shows key material: %s", out)
		}
	}
	if !strings.Contains(out, "k1") {
		t.Errorf("printed ring does not name its key: %s", out)
	}
}

// FuzzOpen: no input makes Open panic, and whatever opens was sealed by
// the ring (only a seal of the seed's payload and additional data opens).
func FuzzOpen(f *testing.F) {
	r := mustRing(f, map[string][]byte{"k1": key(1)}, "k1")
	sealed, _ := r.Seal([]byte("payload"), []byte("aad"))
	f.Add(sealed, []byte("aad"))
	f.Add([]byte(magic), []byte{})
	f.Add([]byte(magic+"\x01\x02k1"), []byte{})
	f.Add([]byte(magic+"\x01\xffk1"), []byte{})
	f.Add([]byte("MSH|^~\\&"), []byte{})
	f.Fuzz(func(t *testing.T, in, aad []byte) {
		got, err := r.Open(in, aad)
		// Fuzz workers are separate processes with their own nonces, so
		// the seed's bytes are not this process's sealed value; its
		// plaintext and additional data are the same.
		if err == nil && !(string(aad) == "aad" && string(got) == "payload") {
			t.Fatalf("Open accepted a value it did not seal: %q", in)
		}
		if err != nil && got != nil {
			t.Fatal("Open returned bytes with an error")
		}
		KeyID(in)
	})
}

// BenchmarkSealOpen measures sealing and opening a 1 KB payload, the cost
// encryption adds to each stored value.
func BenchmarkSealOpen(b *testing.B) {
	r := mustRing(b, map[string][]byte{"k1": key(1)}, "k1")
	plain := bytes.Repeat([]byte("x"), 1024)
	aad := []byte("plexus/message_content.raw/1")
	b.SetBytes(int64(len(plain)))
	for b.Loop() {
		s, err := r.Seal(plain, aad)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := r.Open(s, aad); err != nil {
			b.Fatal(err)
		}
	}
}
