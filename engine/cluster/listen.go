package cluster

import (
	"context"
	"log/slog"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/plexus-health/plexus/engine/journal"
)

// Listen receives the journal's queue notifications (journal.NotifyChannel)
// on a connection of its own to the PostgreSQL server dsn names, and calls
// wake with each partition key in them, or with journal.NotifyAll. It
// returns when ctx ends. After every (re)connection it calls
// wake(journal.NotifyAll) once: notifications sent while it was not
// listening are lost, and the lanes must look for themselves.
func Listen(ctx context.Context, dsn string, log *slog.Logger, wake func(key string)) {
	if log == nil {
		log = slog.Default()
	}
	backoff := time.Second
	for ctx.Err() == nil {
		err := listenOnce(ctx, dsn, wake, func() { backoff = time.Second })
		if ctx.Err() != nil {
			return
		}
		// The error may quote the URL: log only that it failed.
		log.Warn("queue notifications interrupted; reconnecting", "err_kind", errKind(err), "retry_in", backoff)
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-t.C:
		}
		backoff = min(2*backoff, 30*time.Second)
	}
}

// listenOnce listens on one connection until it fails or ctx ends.
func listenOnce(ctx context.Context, dsn string, wake func(string), connected func()) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+journal.NotifyChannel); err != nil {
		return err
	}
	connected()
	wake(journal.NotifyAll)
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		for key := range strings.SplitSeq(n.Payload, "\n") {
			if key != "" {
				wake(key)
			}
		}
	}
}

// errKind names an error's kind without its text, which may hold the
// server's URL.
func errKind(err error) string {
	if err == nil {
		return "closed"
	}
	if strings.Contains(err.Error(), "connect") {
		return "connection"
	}
	return "notification wait"
}
