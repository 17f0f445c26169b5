package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/channel"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/store"
)

// TestSoakQueueMemory checks that memory stays flat while a destination is
// down and its queue grows: the lanes hold at most a fetch of pending
// deliveries in memory, whatever the depth of the queue. It ingests N
// messages (PLEXUS_SOAK_N, default 200,000) through Channel.Receive into a
// channel whose only destination always fails and retries after an hour,
// and reports the Go heap in use after a collection, the process's
// resident set (SQLite's page cache lives outside the Go heap) and the
// sizes of the database and its WAL at 10%, 50% and 100% of N.
//
// It takes a while, so it runs only with PLEXUS_SOAK=1:
//
//	PLEXUS_SOAK=1 PLEXUS_SOAK_N=1000000 go test -run TestSoakQueueMemory -v -timeout 30m ./bench
func TestSoakQueueMemory(t *testing.T) {
	if os.Getenv("PLEXUS_SOAK") != "1" {
		t.Skip("soak test; set PLEXUS_SOAK=1 to run it")
	}
	n := 200_000
	if s := os.Getenv("PLEXUS_SOAK_N"); s != "" {
		v, err := strconv.Atoi(s)
		if err != nil || v < 10 {
			t.Fatalf("PLEXUS_SOAK_N=%q: want a number of messages, at least 10", s)
		}
		n = v
	}
	ctx := context.Background()
	dir := t.TempDir()
	db, err := store.Open(ctx, "", dir, store.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	j := journal.Open(db, journal.Options{})
	defer func() { j.Close(); db.Close() }()
	dest := &down{}
	ch := channel.New(channel.Spec{Name: "soak", Destinations: []channel.Destination{{Name: "down", Dest: dest,
		Retry: channel.Retry{InitialBackoff: time.Hour, MaxBackoff: time.Hour}}}}, j, nil, slog.New(slog.DiscardHandler))
	if err := ch.Start(ctx); err != nil {
		t.Fatal(err)
	}
	defer ch.Stop(ctx)

	type sample struct {
		heap, sys, rss uint64
		db, wal        int64
	}
	var samples []sample
	sent := 0
	start := time.Now()
	for _, pct := range []int{10, 50, 100} {
		target := n * pct / 100
		t0 := time.Now()
		if err := ingest(ctx, ch, sent, target, 8); err != nil {
			t.Fatal(err)
		}
		took := time.Since(t0)
		stage := target - sent
		sent = target
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		s := sample{heap: ms.HeapInuse, sys: ms.Sys, rss: residentSet(),
			db: fileSize(filepath.Join(dir, "plexus.db")), wal: fileSize(filepath.Join(dir, "plexus.db-wal"))}
		samples = append(samples, s)
		t.Logf("%3d%% (%d messages): heap in use %.1f MiB, Go sys %.1f MiB, RSS %.1f MiB; database %.1f MiB + WAL %.1f MiB; %.0f msg/s in this stage",
			pct, target, mib(s.heap), mib(s.sys), mib(s.rss), mib(uint64(s.db)), mib(uint64(s.wal)), float64(stage)/took.Seconds())
	}
	elapsed := time.Since(start)

	qs, err := j.Queues(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(qs) != 1 || qs[0].Pending != int64(n) {
		t.Fatalf("queue after ingest: %+v, want %d pending", qs, n)
	}
	first, last := samples[0], samples[len(samples)-1]
	heapRatio := float64(last.heap) / float64(first.heap)
	rssRatio := float64(last.rss) / float64(max(first.rss, 1))
	t.Logf("%d messages queued in %v (%.0f msg/s); %d delivery attempts; heap(100%%)/heap(10%%) = %.2f, RSS(100%%)/RSS(10%%) = %.2f",
		n, elapsed.Round(time.Millisecond), float64(n)/elapsed.Seconds(), dest.attempts.Load(), heapRatio, rssRatio)
	// Flat: a queue ten times deeper may not cost twice the memory. The
	// heap is small, so it gets some slack for buffers that come and go.
	if last.heap > 2*first.heap+8<<20 {
		t.Errorf("Go heap grew from %.1f to %.1f MiB between 10%% and 100%% of the queue", mib(first.heap), mib(last.heap))
	}
	if first.rss > 0 && rssRatio > 2 {
		t.Errorf("resident set grew %.2f times between 10%% and 100%% of the queue", rssRatio)
	}
	// The WAL must be checkpointed back to its start now and then. Readers
	// that never pause (a lane re-reading its queue at every new message)
	// starve the checkpoint, and the WAL, and the index SQLite maps in
	// memory for it, then grow with every message.
	if last.wal > 2*first.wal+64<<20 {
		t.Errorf("WAL grew from %.1f to %.1f MiB between 10%% and 100%% of the queue", mib(uint64(first.wal)), mib(uint64(last.wal)))
	}
}

// ingest receives messages from..to-1 over conns concurrent callers, as
// many connections would.
func ingest(ctx context.Context, recv engine.Receiver, from, to, conns int) error {
	var next atomic.Int64
	next.Store(int64(from))
	var wg sync.WaitGroup
	errs := make([]error, conns)
	for w := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1) - 1)
				if i >= to {
					return
				}
				r, err := recv.Receive(ctx, &engine.Inbound{Source: "soak", ContentType: engine.ContentHL7v2, Raw: SampleADT(i)})
				if err == nil && !r.Accepted {
					err = fmt.Errorf("message %d refused: %s", i, r.Code)
				}
				if err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	return errors.Join(errs...)
}

// down is a destination that is always unavailable.
type down struct{ attempts atomic.Int64 }

func (d *down) Deliver(ctx context.Context, out *engine.Outbound) (*engine.Response, error) {
	d.attempts.Add(1)
	return nil, errors.New("destination down")
}

// residentSet returns the process's resident set size, 0 where
// /proc/self/status is not available.
func residentSet() uint64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseUint(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// fileSize returns the size of a file, 0 if it does not exist.
func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }
