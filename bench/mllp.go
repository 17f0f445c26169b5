// Package bench is Plexus's load generator: it drives an MLLP listener with
// many connections and reports the acknowledgment rate and latency
// percentiles, for `plexus bench mllp` and the project's benchmarks.
package bench

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/plexus-health/plexus/transport/mllp"
)

// MLLP describes a load run against an MLLP listener.
type MLLP struct {
	Addr  string
	TLS   *tls.Config
	Conns int // concurrent connections, default 1
	Count int // messages in all, default 1000
	// Rate is the target in messages per second over all connections;
	// 0 sends as fast as acknowledgments come back.
	Rate       float64
	AckTimeout time.Duration
	// Message returns the i-th message (0-based); SampleADT when nil.
	Message func(i int) []byte
}

// Result is the outcome of a run.
type Result struct {
	Sent, Acked, Negative, Failed int
	Elapsed                       time.Duration
	P50, P90, P99, Max            time.Duration
	FirstError                    string
}

// Rate returns acknowledged messages per second.
func (r *Result) Rate() float64 {
	if r.Elapsed <= 0 {
		return 0
	}
	return float64(r.Acked) / r.Elapsed.Seconds()
}

// String formats the result on one line.
func (r *Result) String() string {
	s := fmt.Sprintf("sent %d, acked %d, negative %d, failed %d in %v: %.0f msg/s; ack latency p50 %v p90 %v p99 %v max %v",
		r.Sent, r.Acked, r.Negative, r.Failed, r.Elapsed.Round(time.Millisecond), r.Rate(),
		r.P50.Round(time.Microsecond), r.P90.Round(time.Microsecond), r.P99.Round(time.Microsecond), r.Max.Round(time.Microsecond))
	if r.FirstError != "" {
		s += "; first error: " + r.FirstError
	}
	return s
}

// SampleADT returns an ADT^A01 with control ID and patient number derived
// from i, so that every message is distinct and patients repeat.
func SampleADT(i int) []byte {
	id := strconv.Itoa(i)
	pat := strconv.Itoa(100000 + i%1000)
	return []byte("MSH|^~\\&|BENCH|PLEXUS|RECEIVER|PLEXUS|20240101120000||ADT^A01^ADT_A01|B" + id + "|P|2.5.1\r" +
		"EVN|A01|20240101120000\r" +
		"PID|1||" + pat + "^^^BENCH^MR||Testpatient^Alex^Q||19800101|U|||1 Main St^^Town^ST^12345\r" +
		"PV1|1|I|WARD^101^A^BENCH||||0001^Doctor^Who|||||||||||V" + id + "\r")
}

// Run sends opts.Count messages over opts.Conns connections and waits for
// every acknowledgment.
func (opts MLLP) Run(ctx context.Context) (*Result, error) {
	if opts.Addr == "" {
		return nil, errors.New("bench: no address")
	}
	conns := max(opts.Conns, 1)
	count := opts.Count
	if count <= 0 {
		count = 1000
	}
	msg := opts.Message
	if msg == nil {
		msg = SampleADT
	}
	var next atomic.Int64
	var mu sync.Mutex
	res := &Result{}
	lat := make([]time.Duration, 0, count)
	var interval time.Duration
	if opts.Rate > 0 {
		interval = time.Duration(float64(time.Second) * float64(conns) / opts.Rate)
	}
	start := time.Now()
	var wg sync.WaitGroup
	for k := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := &mllp.Client{Addr: opts.Addr, TLSConfig: opts.TLS, AckTimeout: opts.AckTimeout}
			defer c.Close()
			var tick *time.Ticker
			if interval > 0 {
				// Stagger the connections so that paced messages arrive
				// evenly, not in bursts of one per connection.
				time.Sleep(interval * time.Duration(k) / time.Duration(conns))
				tick = time.NewTicker(interval)
				defer tick.Stop()
			}
			local := make([]time.Duration, 0, count/conns+1)
			var sent, acked, negative, failed int
			var firstErr string
			for ctx.Err() == nil {
				i := int(next.Add(1) - 1)
				if i >= count {
					break
				}
				if tick != nil {
					select {
					case <-tick.C:
					case <-ctx.Done():
					}
				}
				t0 := time.Now()
				_, err := c.Send(ctx, msg(i))
				d := time.Since(t0)
				sent++
				var nak *mllp.AckError
				switch {
				case err == nil:
					acked++
					local = append(local, d)
				case errors.As(err, &nak):
					negative++
					local = append(local, d)
				default:
					failed++
					if firstErr == "" {
						firstErr = err.Error()
					}
				}
			}
			mu.Lock()
			res.Sent += sent
			res.Acked += acked
			res.Negative += negative
			res.Failed += failed
			if res.FirstError == "" {
				res.FirstError = firstErr
			}
			lat = append(lat, local...)
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.Elapsed = time.Since(start)
	slices.Sort(lat)
	if n := len(lat); n > 0 {
		res.P50, res.P90, res.P99, res.Max = lat[n*50/100], lat[n*90/100], lat[min(n*99/100, n-1)], lat[n-1]
	}
	return res, ctx.Err()
}
