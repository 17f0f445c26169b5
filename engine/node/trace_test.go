package node

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"testing"

	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/sdk/trace/tracetest"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/config"
)

// TestOptionsTracing checks that the node's channels trace with the
// provider of Options.Tracing: the receive span and the delivery span are
// in the trace journaled with the message.
func TestOptionsTracing(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	sr := tracetest.NewSpanRecorder()
	tp := sdktrace.NewTracerProvider(sdktrace.WithSpanProcessor(sr))
	defer tp.Shutdown(ctx)
	g := &gate{}
	reg := registry()
	reg.RegisterDestination("gate", func(engine.Env, engine.Options) (engine.Destination, error) { return g, nil })
	path := filepath.Join(dir, "plexus.yaml")
	yaml := "version: 1\nchannels:\n  - name: t\n    source: {type: fake, name: traced}\n    destinations: [{name: out, type: gate}]\n"
	if err := os.WriteFile(path, []byte(yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := config.Load(path, reg)
	if err != nil {
		t.Fatal(err)
	}
	n, err := Open(ctx, Options{DataDir: dir, Synchronous: "NORMAL", Registry: reg, Logger: slog.New(slog.DiscardHandler), Tracing: tp})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close(ctx)
	if err := n.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	reply, err := sourceNamed("traced").recv.Receive(ctx, &engine.Inbound{Source: "fake", ContentType: engine.ContentText, Raw: []byte("x")})
	if err != nil {
		t.Fatal(err)
	}
	var m *engine.Message
	waitFor(t, "the delivery", func() bool {
		m, err = n.Journal().Message(ctx, reply.MessageID)
		return err == nil && m.Status == engine.StatusDelivered
	})
	names := map[string]bool{}
	for _, s := range sr.Ended() {
		if s.SpanContext().TraceID().String() == m.TraceID {
			names[s.Name()] = true
		}
	}
	if !names["message receive"] || !names["deliver out"] {
		t.Errorf("spans of the journaled trace %s: %v", m.TraceID, names)
	}
}
