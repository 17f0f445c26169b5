package bench

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/store"
)

// BenchmarkJournalCommit takes the durable ingest path apart: the cost of
// one journal commit of k messages (the journal's own statements and group
// commit, no network) with synchronous=FULL and NORMAL, and, as the
// baseline of the same run, a bare fdatasync of a file in the same
// directory. FULL minus NORMAL is what the commit's fsync costs; NORMAL is
// the SQLite work of the writer. The "3-fewer-indexes" variants drop the
// secondary indexes on received_at, control_id and patient_id first, to
// show what each message's index entries cost at ingest time (a what-if:
// the schema keeps them).
func BenchmarkJournalCommit(b *testing.B) {
	b.Run("fdatasync-16KiB", func(b *testing.B) {
		f, err := os.Create(filepath.Join(b.TempDir(), "f"))
		if err != nil {
			b.Fatal(err)
		}
		defer f.Close()
		buf := make([]byte, 16<<10)
		var off int64
		for b.Loop() {
			if _, err := f.WriteAt(buf, off); err != nil {
				b.Fatal(err)
			}
			off = (off + int64(len(buf))) % (4 << 20)
			if err := datasync(f); err != nil {
				b.Fatal(err)
			}
		}
	})
	for _, level := range []string{"FULL", "NORMAL"} {
		for _, k := range []int{1, 4, 8} {
			for _, drop := range []bool{false, true} {
				name := fmt.Sprintf("%s/msgs=%d", level, k)
				if drop {
					name += "/3-fewer-indexes"
				}
				b.Run(name, func(b *testing.B) { benchCommit(b, level, k, drop) })
			}
		}
	}
}

// benchCommit appends k messages at a time from k goroutines; the journal
// lingers until it has all k, so that every commit holds exactly k.
func benchCommit(b *testing.B, level string, k int, drop bool) {
	db, err := store.Open(context.Background(), "", b.TempDir(), store.Options{Synchronous: level})
	if err != nil {
		b.Fatal(err)
	}
	if drop {
		for _, ix := range []string{"messages_received", "messages_control_id", "messages_patient_id"} {
			if _, err := db.W.Exec("DROP INDEX " + ix); err != nil {
				b.Fatal(err)
			}
		}
	}
	j := journal.Open(db, journal.Options{BatchSize: k, BatchWait: time.Second})
	defer func() { j.Close(); db.Close() }()
	ctx := context.Background()
	n := 0
	for b.Loop() {
		var wg sync.WaitGroup
		for range k {
			raw := SampleADT(n)
			n++
			msg := &engine.Message{
				Channel: "bench", Source: "mllp", Remote: "127.0.0.1:40000", ContentType: engine.ContentHL7v2,
				Raw: raw, Type: "ADT", Trigger: "A01", ControlID: "B" + strconv.Itoa(n),
				SendingApp: "BENCH", SendingFacility: "PLEXUS", PatientID: strconv.Itoa(100000 + n%1000),
				Status: engine.StatusDelivered,
			}
			wg.Go(func() {
				if err := j.Append(ctx, &journal.Record{Msg: msg}); err != nil {
					b.Error(err)
				}
			})
		}
		wg.Wait()
	}
	st := j.CommitStats()
	b.ReportMetric(float64(st.Ops)/float64(max(st.Commits, 1)), "msgs/commit")
}
