package accounts

import (
	"errors"
	"strings"
	"testing"
)

func TestPasswordRoundTrip(t *testing.T) {
	for _, p := range []Params{cheap, {Memory: 128, Time: 2, Threads: 2, SaltLen: 8, KeyLen: 16}} {
		h, err := p.HashPassword("correct horse battery staple")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(h, "$argon2id$v=19$m=") || strings.Contains(h, "horse") {
			t.Errorf("hash %q is not in the encoded form or shows the password", h)
		}
		for pw, want := range map[string]bool{
			"correct horse battery staple":  true,
			"correct horse battery staplE":  false,
			"correct horse battery staple ": false,
			"":                              false,
		} {
			got, err := VerifyPassword(h, pw)
			if err != nil || got != want {
				t.Errorf("VerifyPassword(%q) = %v, %v; want %v", pw, got, err, want)
			}
		}
		// A fresh salt every time.
		h2, _ := p.HashPassword("correct horse battery staple")
		if h2 == h {
			t.Errorf("two hashes of one password are equal: %q", h)
		}
	}
}

func TestVerifyPasswordRejectsMalformed(t *testing.T) {
	good, err := cheap.HashPassword("correct horse battery staple")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(good, "$")
	with := func(i int, s string) string {
		p := append([]string(nil), parts...)
		p[i] = s
		return strings.Join(p, "$")
	}
	for _, enc := range []string{
		"",
		"plain text",
		"$2a$10$abcdefghijklmnopqrstuv", // bcrypt
		with(1, "argon2i"),
		with(2, "v=16"),
		with(3, "m=64,t=1"),
		with(3, "m=0,t=1,p=1"),
		with(3, "m=4194304,t=1,p=1"), // 4 GiB: out of bounds
		with(3, "m=64,t=1000,p=1"),
		with(3, "m=64,t=1,p=255"),
		with(4, "!!!"),
		with(4, "YWJj"), // 3 bytes of salt
		with(5, "YWJj"), // 3 bytes of hash
		good + "$extra",
	} {
		if ok, err := VerifyPassword(enc, "correct horse battery staple"); ok || err == nil {
			t.Errorf("VerifyPassword(%q) = %v, %v; want an error", enc, ok, err)
		}
	}
}

func TestCheckPassword(t *testing.T) {
	for _, tc := range []struct {
		pw string
		ok bool
	}{
		{"", false},
		{"short", false},
		{"elevenchars", false},
		{"twelve chars", true},
		{"ééééééééééé", false}, // 11 characters, 22 bytes
		{"éééééééééééé", true},
		{strings.Repeat("x", MaxPasswordLength), true},
		{strings.Repeat("x", MaxPasswordLength+1), false},
	} {
		err := CheckPassword(tc.pw)
		if (err == nil) != tc.ok || err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("CheckPassword(%d chars) = %v; want ok %v", len(tc.pw), err, tc.ok)
		}
	}
}

func TestHashPasswordRefusesWeakParams(t *testing.T) {
	for _, p := range []Params{{}, {Memory: 64, Time: 1, Threads: 1, SaltLen: 4, KeyLen: 32}, {Memory: 64, Time: 1, Threads: 1, SaltLen: 16, KeyLen: 8}} {
		if _, err := p.HashPassword("correct horse battery staple"); !errors.Is(err, ErrInvalid) {
			t.Errorf("HashPassword with %+v: %v; want ErrInvalid", p, err)
		}
	}
}

func FuzzVerifyPassword(f *testing.F) {
	good, _ := cheap.HashPassword("pw")
	f.Add(good, "pw")
	f.Add("$argon2id$v=19$m=64,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2hoYXNoaGFzaA", "x")
	f.Add("$argon2id$v=19$m=99999999,t=1,p=1$$", "")
	f.Fuzz(func(t *testing.T, enc, pw string) {
		// Keep the fuzzer's guesses cheap: the bounds test covers large memory.
		if strings.Contains(enc, "m=") && !strings.Contains(enc, "m=6") {
			return
		}
		ok, err := VerifyPassword(enc, pw)
		if ok && err != nil {
			t.Fatalf("ok with an error: %v", err)
		}
		if err == nil {
			p, _, _, derr := decodeHash(enc)
			if derr != nil || p.Memory > maxMemory {
				t.Fatalf("accepted %q: %v", enc, derr)
			}
		}
	})
}
