package node

import (
	"bytes"
	"context"
	"log/slog"
	"testing"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/keyring"
)

// TestNodeSealsWithJournalKeys: the key ring given in Options.Journal
// reaches the journal of a running node: a received message is stored
// sealed under the active key and reads back in the clear.
func TestNodeSealsWithJournalKeys(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	ring, err := keyring.New(map[string][]byte{"k1": bytes.Repeat([]byte{7}, keyring.KeySize)}, "k1")
	if err != nil {
		t.Fatal(err)
	}
	n, err := Open(ctx, Options{DataDir: dir, Synchronous: "NORMAL", Registry: registry(), Logger: slog.New(slog.DiscardHandler),
		Journal: journal.Options{Keys: ring}})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close(ctx)
	cfg := load(t, dir, `version: 1
channels:
  - name: sealed
    source: {type: fake, name: sealed}
    destinations: [{name: d, type: stuck, retry: {initial_backoff: 1h, max_backoff: 1h}}]
`)
	if err := n.Apply(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	reply, err := sourceNamed("sealed").recv.Receive(ctx, &engine.Inbound{Source: "fake", ContentType: engine.ContentText, Raw: []byte("Doe^Jane")})
	if err != nil || !reply.Accepted {
		t.Fatalf("receive: %+v %v", reply, err)
	}
	m, err := n.Journal().Message(ctx, reply.MessageID)
	if err != nil || string(m.Raw) != "Doe^Jane" {
		t.Fatalf("Message = %+v, %v", m, err)
	}
	usage, err := n.Journal().KeyUsage(ctx)
	if err != nil || usage["k1"] != 1 || usage[""] != 0 {
		t.Errorf("stored values by key: %v, %v", usage, err)
	}
}
