package journal

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/platform/store"
)

// NotifyChannel is the PostgreSQL notification channel on which the
// journal announces newly queued deliveries, so that the node holding the
// partition's lease wakes its lane instead of polling. Each payload is one
// or more partition keys, "channel/destination/lane", a line each, or
// NotifyAll.
const NotifyChannel = "plexus_queue"

// NotifyAll is the payload that wakes every lane: deliveries of many
// partitions were queued again (a replay).
const NotifyAll = "*"

// maxNotify keeps a payload well under PostgreSQL's 8000-byte limit.
const maxNotify = 7000

// notifyQueued announces, inside tx, the partitions of deliveries just
// queued. PostgreSQL sends it when tx commits, and not at all if tx rolls
// back; SQLite has a single node, whose lanes the channel pokes itself.
func (j *Journal) notifyQueued(ctx context.Context, tx *sql.Tx, channel string, ds []NewDelivery) error {
	if j.db.Dialect != store.Postgres || len(ds) == 0 {
		return nil
	}
	var b strings.Builder
	for i, d := range ds {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(channel)
		b.WriteByte('/')
		b.WriteString(d.Destination)
		b.WriteByte('/')
		b.WriteString(strconv.Itoa(d.Lane))
	}
	payload := b.String()
	if len(payload) > maxNotify {
		payload = NotifyAll
	}
	return notify(ctx, tx, payload)
}

// notifyAll wakes every lane of every node, inside tx.
func (j *Journal) notifyAll(ctx context.Context, tx *sql.Tx) error {
	if j.db.Dialect != store.Postgres {
		return nil
	}
	return notify(ctx, tx, NotifyAll)
}

func notify(ctx context.Context, tx *sql.Tx, payload string) error {
	if _, err := tx.ExecContext(ctx, `SELECT pg_notify(?, ?)`, NotifyChannel, payload); err != nil {
		return fmt.Errorf("journal: notifying queued deliveries: %w", err)
	}
	return nil
}
