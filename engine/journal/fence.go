package journal

import (
	"context"
	"errors"

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
// same transaction (see fenceCondition). A delivery that does not exist is
// reported as fenced off too.
func (j *Journal) RecordFenced(ctx context.Context, o Outcome, f Fence) error {
	return j.record(ctx, o, f)
}

// fenceCondition is the clause the delivery's update takes under a fence:
// it updates nothing unless the lease row carries the fence's holder and
// token (three more arguments: partition, holder, token). On PostgreSQL the
// row is locked FOR SHARE until the transaction ends, so another node
// cannot claim the partition, read the queue and find the delivery still
// pending between the check and the commit; SQLite has a single writer and
// needs no lock.
func fenceCondition(d store.Dialect) string {
	if d == store.Postgres {
		return ` AND EXISTS (SELECT 1 FROM cluster_leases WHERE partition = ? AND holder = ? AND token = ? FOR SHARE)`
	}
	return ` AND EXISTS (SELECT 1 FROM cluster_leases WHERE partition = ? AND holder = ? AND token = ?)`
}
