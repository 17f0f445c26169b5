package config

import (
	"slices"
	"testing"
)

func TestAdminSettings(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want Admin
	}{
		{"defaults", "channels: []", Admin{
			Listen:    DefaultAdminListen,
			RateLimit: RateLimit{PerSecond: DefaultAdminRate, Burst: DefaultAdminBurst},
			MaxBody:   DefaultAdminMaxBody,
		}},
		{"limits off", "admin: {rate_limit: {per_second: 0}, max_body: 0}", Admin{
			Listen:    DefaultAdminListen,
			RateLimit: RateLimit{PerSecond: 0, Burst: DefaultAdminBurst},
		}},
		{"everything", `
admin:
  listen: 0.0.0.0:8443
  tls: {cert: s.crt, key: s.key, client_ca: ca.crt, allowed_clients: [ops-console]}
  rate_limit: {per_second: 2.5, burst: 10}
  max_body: 512KiB`, Admin{
			Listen:    "0.0.0.0:8443",
			TLS:       nil, // compared below
			RateLimit: RateLimit{PerSecond: 2.5, Burst: 10},
			MaxBody:   512 << 10,
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := mustLoad(t, source{"c.yaml", []byte(tt.yaml)})
			got := cfg.Admin
			if tt.name == "everything" {
				tls := got.TLS
				if tls == nil || tls.Cert != "s.crt" || tls.Key != "s.key" || tls.ClientCA != "ca.crt" ||
					!slices.Equal(tls.AllowedClients, []string{"ops-console"}) {
					t.Errorf("tls = %+v", tls)
				}
				got.TLS = nil
			}
			if got != tt.want {
				t.Errorf("admin = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestAdminChangesNeedRestart(t *testing.T) {
	old := mustLoad(t, source{"c.yaml", []byte("admin: {listen: 127.0.0.1:8080}")})
	next := mustLoad(t, source{"c.yaml", []byte(`
admin:
  listen: 127.0.0.1:8080
  tls: {cert: s.crt, key: s.key}
  rate_limit: {per_second: 5}
  max_body: 1MiB`)})
	got := Diff(old, next).Settings
	want := []string{"admin.tls", "admin.rate_limit", "admin.max_body"}
	if !slices.Equal(got, want) {
		t.Errorf("settings %v, want %v", got, want)
	}
}

func TestSize(t *testing.T) {
	tests := []struct {
		in   string
		want Size
		ok   bool
	}{
		{"0", 0, true},
		{"1048576", 1 << 20, true},
		{"32MiB", 32 << 20, true},
		{"512 KiB", 512 << 10, true},
		{"1GiB", 1 << 30, true},
		{"10MB", 10_000_000, true},
		{"2KB", 2000, true},
		{"100B", 100, true},
		{"-1", 0, false},
		{"1.5MiB", 0, false},
		{"MiB", 0, false},
		{"32 MiBs", 0, false},
		{"9999999999GiB", 0, false},
	}
	for _, tt := range tests {
		var s Size
		err := s.UnmarshalText([]byte(tt.in))
		if (err == nil) != tt.ok || (tt.ok && s != tt.want) {
			t.Errorf("Size(%q) = %d, %v; want %d, ok %v", tt.in, s, err, tt.want, tt.ok)
		}
	}
	for s, want := range map[Size]string{32 << 20: "32MiB", 1 << 30: "1GiB", 1536: "1536", 1024: "1KiB", 0: "0"} {
		if got := s.String(); got != want {
			t.Errorf("Size(%d).String() = %q, want %q", s, got, want)
		}
	}
}

// FuzzSize checks that any text either is refused or reads as a size
// whose String reads back the same.
func FuzzSize(f *testing.F) {
	for _, s := range []string{"0", "32MiB", "512 KiB", "10MB", "-1", "1.5GiB", "9999999999999GiB", "B", " 7 B "} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		var s Size
		if err := s.UnmarshalText([]byte(in)); err != nil {
			return
		}
		if s < 0 {
			t.Fatalf("%q read as negative %d", in, s)
		}
		var back Size
		if err := back.UnmarshalText([]byte(s.String())); err != nil || back != s {
			t.Fatalf("%q = %d, String %q reads back as %d, %v", in, s, s.String(), back, err)
		}
	})
}
