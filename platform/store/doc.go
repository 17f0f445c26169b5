// Package store opens Plexus's SQL database and keeps its schema current.
//
// One set of schema definitions serves both dialects: the migration files in
// migrations/ use a few tokens ({{ID}}, {{BLOB}}, {{BIGINT}}, {{REAL}}) that are
// rendered for SQLite or PostgreSQL before pressly/goose applies them. SQLite
// in the data directory, in WAL mode, is the embedded default; PostgreSQL is
// the scale-out store. SQLite runs as WebAssembly inside the process
// (github.com/ncruces/go-sqlite3), so the binary needs no cgo: measured here,
// its commits cost a third of those of the C-to-Go translation
// (modernc.org/sqlite) for a batch of eight messages.
//
// SQLite allows one writer at a time. The store therefore keeps two pools: a
// writer pool with a single connection, used by the journal's group commit
// and the delivery queues' batched updates, and a reader pool for queries,
// which WAL lets run beside the writer.
package store
