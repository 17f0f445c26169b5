// Package storetest gives tests a store of each dialect: the embedded
// SQLite in a temporary directory, and, when PLEXUS_TEST_POSTGRES_URL names
// a server, a PostgreSQL schema of its own that is dropped afterwards.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/plexus-health/plexus/platform/store"
)

// EnvPostgres names the variable holding the PostgreSQL URL tests use.
const EnvPostgres = "PLEXUS_TEST_POSTGRES_URL"

// PostgresURL returns the URL of a new, empty schema on the test server,
// dropped when the test ends. It skips the test when EnvPostgres is unset.
func PostgresURL(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skipf("%s is not set: no PostgreSQL server to test against (for example postgres://postgres@127.0.0.1:5432/test)", EnvPostgres)
	}
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		t.Fatalf("connecting to %s: %v", EnvPostgres, err)
	}
	defer conn.Close(ctx)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "plexus_test_" + hex.EncodeToString(b)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("creating schema: %v", err)
	}
	t.Cleanup(func() {
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("dropping schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("%s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// Open opens a store of dialect d for the test and closes it when the test
// ends: SQLite in a temporary directory, PostgreSQL in a schema of its own
// (skipping the test when no server is configured).
func Open(t testing.TB, d store.Dialect, opts store.Options) *store.DB {
	t.Helper()
	dsn := ""
	if d == store.Postgres {
		dsn = PostgresURL(t)
	}
	db, err := store.Open(context.Background(), dsn, t.TempDir(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// EnvStore names the variable that selects the dialect of Dialect.
const EnvStore = "PLEXUS_TEST_STORE"

// Dialect returns the dialect a package's tests run on: PostgreSQL when
// EnvStore is "postgres", else SQLite.
func Dialect() store.Dialect {
	if os.Getenv(EnvStore) == string(store.Postgres) {
		return store.Postgres
	}
	return store.SQLite
}

// RunBoth runs a package's tests (m.Run) on SQLite and then, when
// EnvPostgres names a server, again on PostgreSQL, with *dialect set to
// each in turn; its result is TestMain's exit code. EnvStore set to
// "postgres" runs PostgreSQL only.
func RunBoth(m *testing.M, dialect *store.Dialect) int {
	if Dialect() == store.Postgres {
		*dialect = store.Postgres
		return m.Run()
	}
	*dialect = store.SQLite
	code := m.Run()
	if os.Getenv(EnvPostgres) == "" || code != 0 {
		return code
	}
	fmt.Fprintf(os.Stderr, "storetest: the same tests again on PostgreSQL (%s)\n", EnvPostgres)
	*dialect = store.Postgres
	return m.Run()
}

// Dialects runs f once per dialect, as subtests named after them.
func Dialects(t *testing.T, f func(t *testing.T, d store.Dialect)) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) { f(t, d) })
	}
}
