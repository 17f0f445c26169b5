package bench

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"testing"

	"github.com/plexus-health/plexus/connector/mllp"
	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/channel"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/platform/store"
)

// noJournal is the ingest path with the journal switched off: it parses and
// validates the message and builds the same ACK, but stores nothing.
type noJournal struct{}

func (noJournal) Receive(ctx context.Context, in *engine.Inbound) (*engine.Reply, error) {
	m, err := hl7v2.Parse(in.Raw)
	if err == nil {
		err = m.Validate()
	}
	if err != nil {
		body, _ := hl7v2.NakRaw(in.Raw, err, hl7v2.AckOptions{})
		return &engine.Reply{Body: body}, nil
	}
	msg := &engine.Message{HL7: m}
	msg.Metadata()
	body, err := hl7v2.AckFromError(m, nil, hl7v2.AckOptions{})
	return &engine.Reply{Body: body, Accepted: true, Code: "AA"}, err
}

// mllpSource starts the engine's MLLP source on a free port handing
// messages to recv.
func mllpSource(b *testing.B, recv engine.Receiver) (addr string, stop func()) {
	b.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	addr = ln.Addr().String()
	ln.Close()
	src, err := mllp.NewSource(engine.Env{Channel: "bench", Logger: slog.New(slog.DiscardHandler)}, listenOption(addr))
	if err != nil {
		b.Fatal(err)
	}
	if err := src.Start(context.Background(), recv); err != nil {
		b.Fatal(err)
	}
	return addr, func() { src.Stop(context.Background()) }
}

// listenOption is the engine.Options of an MLLP source listening on addr.
type listenOption string

func (l listenOption) Decode(v any) error {
	cfg, ok := v.(*mllp.SourceConfig)
	if !ok {
		return fmt.Errorf("unexpected options type %T", v)
	}
	cfg.Listen = string(l)
	return nil
}

// BenchmarkIngest measures MLLP → journal → ACK with the journal's
// production settings (group commit, synchronous=FULL: every commit is
// fsynced), with synchronous=NORMAL (survives a process crash, not a power
// loss), and the same path with the journal switched off, with 1 and 8
// connections, in one run. The durable/no-journal ratio is the figure to
// compare across machines.
func BenchmarkIngest(b *testing.B) {
	for _, conns := range []int{1, 8, 32} {
		for _, mode := range []string{"no-journal", "durable", "durable-normal"} {
			b.Run(fmt.Sprintf("%s/conns=%d", mode, conns), func(b *testing.B) {
				var recv engine.Receiver = noJournal{}
				var j *journal.Journal
				if mode != "no-journal" {
					sync := "FULL"
					if mode == "durable-normal" {
						sync = "NORMAL"
					}
					db, err := store.Open(context.Background(), "", b.TempDir(), store.Options{Synchronous: sync})
					if err != nil {
						b.Fatal(err)
					}
					j = journal.Open(db, journal.Options{})
					defer func() { j.Close(); db.Close() }()
					ch := channel.New(channel.Spec{Name: "bench"}, j, nil, slog.New(slog.DiscardHandler))
					recv = ch
				}
				addr, stop := mllpSource(b, recv)
				defer stop()
				b.ResetTimer()
				res, err := MLLP{Addr: addr, Conns: conns, Count: b.N}.Run(context.Background())
				if err != nil {
					b.Fatal(err)
				}
				if res.Acked != b.N {
					b.Fatalf("%d of %d acknowledged: %s", res.Acked, b.N, res.FirstError)
				}
				b.ReportMetric(res.Rate(), "msgs/s")
				b.ReportMetric(float64(res.P50.Microseconds()), "p50-µs")
				b.ReportMetric(float64(res.P99.Microseconds()), "p99-µs")
				if j != nil {
					st := j.CommitStats()
					b.ReportMetric(float64(st.Ops)/float64(max(st.Commits, 1)), "msgs/commit")
					b.ReportMetric(float64(res.Elapsed.Microseconds())/float64(max(st.Commits, 1)), "µs/commit")
				}
			})
		}
	}
}
