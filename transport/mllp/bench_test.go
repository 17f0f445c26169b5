package mllp

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"fmt"
	"log/slog"
	"net"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkRoundTrip measures messages per second from Client.Send through
// a Server and its handler back to the client, over loopback. The handler
// returns a fixed ACK carrying the control ID, so the figure is the
// transport's own cost. The parallel case uses one client per goroutine;
// comparing it with the sequential case shows how the server scales with
// connections on the same machine in the same run. The plain-TCP case also
// reports x_raw_echo, its time relative to n bare frame exchanges over
// loopback measured right after it (Reader and Writer only, no handler, no
// ACK parsing): the cost of Server and Client over the network itself.
func BenchmarkRoundTrip(b *testing.B) {
	pki := newTestPKI(b, "Bench CA")
	serverCert := pki.issue(b, pkix.Name{CommonName: "localhost"}, x509.ExtKeyUsageServerAuth)
	for _, bc := range []struct {
		name     string
		tls      bool
		parallel bool
	}{
		{"tcp", false, false},
		{"tcp-parallel", false, true},
		{"tls", true, false},
	} {
		b.Run(bc.name, func(b *testing.B) {
			srv := &Server{
				Handler: HandlerFunc(func(_ context.Context, m *Message) ([]byte, error) {
					return testAck("AA", controlIDOf(b, m.Payload), ""), nil
				}),
				Logger: slog.New(slog.DiscardHandler),
			}
			var clientTLS *tls.Config
			if bc.tls {
				srv.TLSConfig = &tls.Config{Certificates: []tls.Certificate{serverCert}}
				clientTLS = &tls.Config{RootCAs: pki.pool}
			}
			ln, err := net.Listen("tcp", "127.0.0.1:0")
			if err != nil {
				b.Fatal(err)
			}
			go srv.Serve(ln)
			defer srv.Close()

			newClient := func() *Client { return &Client{Addr: ln.Addr().String(), TLSConfig: clientTLS} }
			ctx := context.Background()
			msg := testMessage("BENCH-1")
			b.SetBytes(int64(len(msg)))
			b.ReportAllocs()
			if !bc.parallel {
				c := newClient()
				defer c.Close()
				if _, err := c.Send(ctx, msg); err != nil { // connect outside the timing
					b.Fatal(err)
				}
				b.ResetTimer()
				start := time.Now()
				for b.Loop() {
					if _, err := c.Send(ctx, msg); err != nil {
						b.Fatal(err)
					}
				}
				if !bc.tls {
					elapsed := time.Since(start)
					b.StopTimer()
					b.ReportMetric(float64(elapsed)/float64(rawEcho(b, msg, b.N)), "x_raw_echo")
				}
			} else {
				var n atomic.Int64
				b.RunParallel(func(pb *testing.PB) {
					c := newClient()
					defer c.Close()
					msg := testMessage(fmt.Sprint("BENCH-", n.Add(1)))
					for pb.Next() {
						if _, err := c.Send(ctx, msg); err != nil {
							b.Error(err)
							return
						}
					}
				})
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msgs/s")
		})
	}
}

// rawEcho times n exchanges of msg for a fixed response over a loopback
// connection, framing with Reader and Writer and nothing else.
func rawEcho(b *testing.B, msg []byte, n int) time.Duration {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	defer ln.Close()
	ack := testAck("AA", "BENCH-1", "")
	go func() {
		nc, err := ln.Accept()
		if err != nil {
			return
		}
		defer nc.Close()
		rd, wr := NewReader(nc, 0), NewWriter(nc)
		for {
			if _, err := rd.ReadFrame(); err != nil {
				return
			}
			if err := wr.WriteFrame(ack); err != nil {
				return
			}
		}
	}()
	nc, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		b.Fatal(err)
	}
	defer nc.Close()
	rd, wr := NewReader(nc, 0), NewWriter(nc)
	start := time.Now()
	for range n {
		if err := wr.WriteFrame(msg); err != nil {
			b.Fatal(err)
		}
		if _, err := rd.ReadFrame(); err != nil {
			b.Fatal(err)
		}
	}
	return time.Since(start)
}
