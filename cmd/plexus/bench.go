package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/signal"
	"time"

	"github.com/plexus-health/plexus/bench"
)

const benchAbout = `
Bench drives an MLLP listener with generated ADT^A01 messages (distinct
control IDs, 1,000 distinct patients) over --conns connections and prints
the acknowledgement rate and the latency percentiles of the ACKs.

  plexus bench mllp --to 127.0.0.1:2575 --conns 8 --count 100000
  plexus bench mllp --to 127.0.0.1:2575 --rate 1000 --count 30000

With --rate, messages are paced to that many per second in all; without
it, each connection sends its next message as soon as the ACK arrives.
The exit status is 1 if any message was not positively acknowledged.
`

// runBench implements "plexus bench mllp".
func runBench(c *cli, args []string) int {
	cmd := newCommand("bench", "mllp --to HOST:PORT", benchAbout)
	var (
		to      = cmd.flags.String("to", "", "the MLLP listener at `host:port`")
		conns   = cmd.flags.Int("conns", 1, "concurrent `connections`")
		count   = cmd.flags.Int("count", 1000, "messages to send in all")
		rate    = cmd.flags.Float64("rate", 0, "target `messages/s` over all connections (0: as fast as ACKs come)")
		timeout = cmd.flags.Duration("timeout", 10*time.Second, "wait at most this `duration` for each ACK")
		tlsArgs clientTLS
	)
	tlsArgs.register(cmd.flags)
	pos, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(pos) != 1 || pos[0] != "mllp" {
		return cmd.usageError(c, "the only benchmark is \"mllp\"")
	}
	if *to == "" {
		return cmd.usageError(c, "--to is required")
	}
	if *conns < 1 || *count < 1 || *rate < 0 {
		return cmd.usageError(c, "--conns and --count must be positive and --rate not negative")
	}
	host, _, err := net.SplitHostPort(*to)
	if err != nil {
		return cmd.usageError(c, "--to: %v", err)
	}
	tlsConf, err := tlsArgs.config(host)
	if err != nil {
		return cmd.usageError(c, "%v", err)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	res, err := bench.MLLP{Addr: *to, TLS: tlsConf, Conns: *conns, Count: *count, Rate: *rate, AckTimeout: *timeout}.Run(ctx)
	fmt.Fprintln(c.stdout, res)
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus bench: %v\n", err)
		return exitFailure
	}
	if res.Acked != *count {
		return exitFailure
	}
	return exitOK
}
