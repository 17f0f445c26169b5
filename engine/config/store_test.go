package config

import (
	"strings"
	"testing"
	"time"
)

func TestStoreSetting(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       string
		problem    string // "" when the configuration is valid
	}{
		{"absent", "data_dir: d\n", "", ""},
		{"sqlite", "store: sqlite\n", "sqlite", ""},
		{"sqlite path", "store: sqlite:/var/lib/plexus/p.db\n", "sqlite:/var/lib/plexus/p.db", ""},
		{"postgres", "store: postgres://plexus@db.example:5432/plexus?sslmode=verify-full\n", "postgres://plexus@db.example:5432/plexus?sslmode=verify-full", ""},
		{"postgresql", "store: postgresql://db.example/plexus\n", "postgresql://db.example/plexus", ""},
		{"sqlite no path", "store: \"sqlite:\"\n", "", "store: sqlite: needs a file path"},
		{"no host", "store: postgres:///plexus\n", "", "store: a PostgreSQL URL needs a host"},
		{"no database", "store: postgres://u:s3cret@db.example:5432\n", "", "store: a PostgreSQL URL needs a database name"},
		{"bad url", "store: \"postgres://u:s3cret@db example/x\"\n", "", "store: is not a valid PostgreSQL URL"},
		{"other", "store: mysql://db/x\n", "", `store: must be "sqlite", "sqlite:PATH" or a postgres:// URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := load([]source{{"c.yaml", []byte(tt.yaml)}}, testRegistry(nil), time.Unix(0, 0))
			if tt.problem != "" {
				if err == nil || !strings.Contains(err.Error(), tt.problem) {
					t.Fatalf("load = %v; want %q", err, tt.problem)
				}
				if strings.Contains(err.Error(), "s3cret") {
					t.Errorf("the problem quotes the password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Store != tt.want {
				t.Errorf("Store = %q; want %q", cfg.Store, tt.want)
			}
		})
	}
	// Two files may not both set it.
	_, err := load([]source{{"a.yaml", []byte("store: sqlite\n")}, {"b.yaml", []byte("store: sqlite:x.db\n")}}, testRegistry(nil), time.Unix(0, 0))
	if err == nil || !strings.Contains(err.Error(), "already set") {
		t.Errorf("store set twice: %v", err)
	}
}
