package store

import (
	"context"
	"path/filepath"
	"strings"
	"testing"
)

func TestOpenMigratesAndReopens(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	db, err := Open(ctx, "", dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.W.ExecContext(ctx, `INSERT INTO messages (channel, source, received_at, content_type, status, updated_at) VALUES ('c', 'mllp', 1, 'x', 'received', 1)`); err != nil {
		t.Fatal(err)
	}
	var mode string
	if err := db.R.QueryRowContext(ctx, `PRAGMA journal_mode`).Scan(&mode); err != nil || mode != "wal" {
		t.Fatalf("journal_mode = %q, %v", mode, err)
	}
	if _, err := db.R.ExecContext(ctx, `INSERT INTO messages (channel, source, received_at, content_type, status, updated_at) VALUES ('c', 'mllp', 1, 'x', 'received', 1)`); err == nil {
		t.Error("the reader pool accepted a write")
	}
	db.Close()
	// Reopening applies no migration twice and keeps the data.
	db, err = Open(ctx, "sqlite:"+filepath.Join(dir, "plexus.db"), "", Options{Synchronous: "normal"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.R.QueryRowContext(ctx, `SELECT count(*) FROM messages`).Scan(&n); err != nil || n != 1 {
		t.Fatalf("count = %d, %v", n, err)
	}
}

func TestOpenErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := Open(ctx, "", "", Options{}); err == nil {
		t.Error("no data dir accepted")
	}
	if _, err := Open(ctx, "", t.TempDir(), Options{Synchronous: "OFF"}); err == nil {
		t.Error("synchronous OFF accepted")
	}
	_, err := Open(ctx, "postgres://plexus:s3cret@127.0.0.1:1/db?sslmode=disable&connect_timeout=2", "", Options{})
	if err == nil {
		t.Error("a PostgreSQL server that does not listen accepted")
	} else if strings.Contains(err.Error(), "s3cret") {
		t.Errorf("the error quotes the password: %v", err)
	}
}
