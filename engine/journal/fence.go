package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/plexus-health/plexus/platform/store"
)

// Fence names the lease a delivery outcome is recorded under: the lease row
// of the delivery's partition (see engine/cluster), the node holding it and
// the fencing token it holds it with. The zero Fence records without a
// check.
type Fence struct {
	Partition string
	Holder    string
	Token     int64
}

// ErrFenced is returned by RecordFenced when the lease of the outcome's
// partition has passed to another holder (or was released): the outcome is
// not recorded, and the delivery stays as the new holder finds it.
var ErrFenced = errors.New("journal: the partition's lease is no longer held; outcome not recorded")

// RecordFenced stores the outcome of a delivery attempt, like Record, but
// only if the lease f still has the same holder and token, checked in the
// same transaction. On PostgreSQL the check locks the lease row (FOR
// SHARE) until the transaction ends, so another node cannot claim the
// partition, read the queue and find the delivery still pending between
// the check and the commit; SQLite has a single writer and needs no lock.
func (j *Journal) RecordFenced(ctx context.Context, o Outcome, f Fence) error {
	return j.record(ctx, o, f)
}

// checkFence returns ErrFenced unless the lease row still carries f.
func checkFence(ctx context.Context, tx *sql.Tx, dialect store.Dialect, f Fence) error {
	q := `SELECT holder, token FROM cluster_leases WHERE partition = ?`
	if dialect == store.Postgres {
		q += ` FOR SHARE`
	}
	var holder string
	var token int64
	err := tx.QueryRowContext(ctx, q, f.Partition).Scan(&holder, &token)
	if errors.Is(err, sql.ErrNoRows) {
		return ErrFenced
	}
	if err != nil {
		return fmt.Errorf("journal: checking the lease of %s: %w", f.Partition, err)
	}
	if holder != f.Holder || token != f.Token {
		return ErrFenced
	}
	return nil
}
