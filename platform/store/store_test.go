package store

import (
	"context"
	"path/filepath"
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
	if _, err := Open(ctx, "postgres://x", "", Options{}); err == nil {
		t.Error("postgres accepted before it exists")
	}
}
