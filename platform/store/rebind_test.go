package store

import (
	"strconv"
	"strings"
	"testing"
)

func TestRebind(t *testing.T) {
	cases := []struct{ in, want string }{
		{"SELECT 1", "SELECT 1"},
		{"SELECT * FROM t WHERE a = ? AND b = ?", "SELECT * FROM t WHERE a = $1 AND b = $2"},
		{"INSERT INTO t VALUES (?, ?), (?, ?)", "INSERT INTO t VALUES ($1, $2), ($3, $4)"},
		{"SELECT '?' , ? FROM t", "SELECT '?' , $1 FROM t"},
		{"SELECT 'it''s ?', ?", "SELECT 'it''s ?', $1"},
		{`SELECT "odd?name", ? FROM t`, `SELECT "odd?name", $1 FROM t`},
		{"SELECT ? -- why?\n, ?", "SELECT $1 -- why?\n, $2"},
		{"SELECT /* a ? b */ ?", "SELECT /* a ? b */ $1"},
		{"SELECT $$ ? $$, ?", "SELECT $$ ? $$, $1"},
		{"SELECT $tag$ ? $tag$, ?", "SELECT $tag$ ? $tag$, $1"},
		{"SELECT $1x, ?", "SELECT $1x, $1"}, // not a dollar quote
		{`WHERE v LIKE ? ESCAPE '\'`, `WHERE v LIKE $1 ESCAPE '\'`},
		{"SELECT 'unterminated ?", "SELECT 'unterminated ?"},
		{"SELECT ? /* unterminated ?", "SELECT $1 /* unterminated ?"},
	}
	for _, c := range cases {
		if got := rebind(c.in); got != c.want {
			t.Errorf("rebind(%q) = %q, want %q", c.in, got, c.want)
		}
		// Cached: the same answer again.
		if got := rebind(c.in); got != c.want {
			t.Errorf("rebind(%q) again = %q", c.in, got)
		}
	}
}

func TestRedactDSN(t *testing.T) {
	for _, dsn := range []string{
		"postgres://u:s3cret@db.example:5432/plexus",
		"postgres://u@db.example/plexus?password=s3cret&sslmode=require",
		"postgres://u:s3cret@[::1",
	} {
		if got := redactDSN(dsn); strings.Contains(got, "s3cret") {
			t.Errorf("redactDSN(%q) = %q", dsn, got)
		}
	}
}

// FuzzRebind checks that rewriting never fails and changes nothing but
// question marks, each into the next numbered placeholder.
func FuzzRebind(f *testing.F) {
	f.Add("SELECT ? FROM t WHERE a = '?' AND b = ?")
	f.Add("$a$ ? $a$ ? -- ?\n /* ? */ \"?\"")
	f.Add("$")
	f.Fuzz(func(t *testing.T, q string) {
		out := rebindPlaceholders(q)
		i, j, n := 0, 0, 0
		for i < len(q) {
			switch {
			case j < len(out) && q[i] == out[j]:
				i, j = i+1, j+1
			case q[i] == '?' && strings.HasPrefix(out[j:], "$"+strconv.Itoa(n+1)):
				n++
				i, j = i+1, j+len("$"+strconv.Itoa(n))
			default:
				t.Fatalf("%q became %q: they differ at input byte %d", q, out, i)
			}
		}
		if j != len(out) {
			t.Fatalf("%q became %q: extra output", q, out)
		}
	})
}

func TestRenderKeepsEachDialectsRegion(t *testing.T) {
	src := "CREATE TABLE t (id {{BIGINT}});\n-- +plexus sqlite\nA;\n-- +plexus postgres\nB;\n-- +plexus end\nC;\n"
	if got, want := render(src, SQLite), "CREATE TABLE t (id INTEGER);\nA;\nC;\n"; got != want {
		t.Errorf("sqlite: %q, want %q", got, want)
	}
	if got, want := render(src, Postgres), "CREATE TABLE t (id BIGINT);\nB;\nC;\n"; got != want {
		t.Errorf("postgres: %q, want %q", got, want)
	}
}
