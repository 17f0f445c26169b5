package store_test

import (
	"context"
	"testing"

	"github.com/plexus-health/plexus/platform/store"
	"github.com/plexus-health/plexus/platform/store/storetest"
)

// TestPostgresMigratesAndReopens applies every migration to an empty
// schema, writes and reads through "?" placeholders, and reopens without
// applying anything twice.
func TestPostgresMigratesAndReopens(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, "", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if db.Dialect != store.Postgres {
		t.Fatalf("dialect %q", db.Dialect)
	}
	var id int64
	err = db.W.QueryRowContext(ctx, `INSERT INTO messages (channel, source, received_at, content_type, status, updated_at)
		VALUES (?, ?, ?, ?, ?, ?) RETURNING id`, "c", "mllp", 1, "x", "received", 1).Scan(&id)
	if err != nil {
		t.Fatal(err)
	}
	var tz string
	if err := db.R.QueryRowContext(ctx, `SHOW timezone`).Scan(&tz); err != nil || tz != "UTC" {
		t.Errorf("timezone %q, %v", tz, err)
	}
	var timeout string
	if err := db.R.QueryRowContext(ctx, `SHOW statement_timeout`).Scan(&timeout); err != nil || timeout != "30s" {
		t.Errorf("statement_timeout %q, %v", timeout, err)
	}
	db.Close()

	db, err = store.Open(ctx, dsn, "", store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var channel string
	if err := db.R.QueryRowContext(ctx, `SELECT channel FROM messages WHERE id = ?`, id).Scan(&channel); err != nil || channel != "c" {
		t.Fatalf("channel %q, %v", channel, err)
	}
}

// TestPostgresStatementTimeout checks that a statement running past the
// configured timeout is cancelled by the server.
func TestPostgresStatementTimeout(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	ctx := context.Background()
	db, err := store.Open(ctx, dsn, "", store.Options{StatementTimeout: 100_000_000}) // 100ms
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.R.ExecContext(ctx, `SELECT pg_sleep(5)`); err == nil {
		t.Fatal("a 5 s statement finished under a 100 ms statement timeout")
	}
}

// TestPostgresAuditAppendOnly checks the PostgreSQL form of the audit
// table's triggers: rows can be added, not changed or removed.
func TestPostgresAuditAppendOnly(t *testing.T) {
	db := storetest.Open(t, store.Postgres, store.Options{})
	ctx := context.Background()
	_, err := db.W.ExecContext(ctx, `INSERT INTO audit (seq, at, action, outcome, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?)`,
		1, 1, "login", "success", make([]byte, 32), make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.ExecContext(ctx, `UPDATE audit SET outcome = 'failure' WHERE seq = 1`); err == nil {
		t.Error("an audit row was updated")
	}
	if _, err := db.W.ExecContext(ctx, `DELETE FROM audit WHERE seq = 1`); err == nil {
		t.Error("an audit row was deleted")
	}
}
