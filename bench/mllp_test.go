package bench

import (
	"context"
	"log/slog"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/transport/mllp"
)

// TestRunCountsAndPaces checks the load generator against a receiver that
// refuses every tenth message: every message is sent once, refusals are
// counted as negative, and pacing holds the rate near the target.
func TestRunCountsAndPaces(t *testing.T) {
	var seen atomic.Int64
	srv := &mllp.Server{Logger: slog.New(slog.DiscardHandler), Handler: mllp.HandlerFunc(func(ctx context.Context, m *mllp.Message) ([]byte, error) {
		msg, err := hl7v2.Parse(m.Payload)
		if err != nil {
			return nil, err
		}
		code := hl7v2.AckAccept
		if seen.Add(1)%10 == 0 {
			code = hl7v2.AckReject
		}
		return hl7v2.Ack(msg, code, hl7v2.AckOptions{Text: "refused"})
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	defer srv.Close()

	res, err := MLLP{Addr: ln.Addr().String(), Conns: 4, Count: 200}.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if res.Sent != 200 || res.Acked != 180 || res.Negative != 20 || res.Failed != 0 || seen.Load() != 200 {
		t.Fatalf("result %+v, server saw %d", res, seen.Load())
	}
	if res.P50 <= 0 || res.P50 > res.P99 || res.P99 > res.Max {
		t.Errorf("percentiles out of order: %v %v %v", res.P50, res.P99, res.Max)
	}

	// 100 messages at 400/s take about a quarter of a second; far less
	// would mean the pacing is ignored.
	start := time.Now()
	res, err = MLLP{Addr: ln.Addr().String(), Conns: 2, Count: 100, Rate: 400}.Run(context.Background())
	if err != nil || res.Sent != 100 {
		t.Fatalf("paced run: %+v %v", res, err)
	}
	if took := time.Since(start); took < 200*time.Millisecond {
		t.Errorf("100 messages at 400/s took only %v", took)
	}

	if _, err := (MLLP{}).Run(context.Background()); err == nil {
		t.Error("a run without an address succeeded")
	}
}
