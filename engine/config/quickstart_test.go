package config_test

import (
	"testing"

	"github.com/plexus-health/plexus/connector/all"
	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/config"
)

// realRegistry holds the connectors plexus ships with, as cmd/plexus
// registers them.
func realRegistry() *engine.Registry {
	reg := engine.NewRegistry()
	all.Register(reg)
	return reg
}

// TestQuickstart checks that the example configuration newcomers start
// from validates with the real connectors.
func TestQuickstart(t *testing.T) {
	cfg, err := config.Load("../../examples/quickstart.yaml", realRegistry())
	if err != nil {
		t.Fatalf("examples/quickstart.yaml does not validate:\n%v", err)
	}
	ch := cfg.Channel("adt-in")
	if ch == nil || ch.Match == nil || ch.Pipeline.Len() != 2 || len(ch.Destinations) != 2 {
		t.Fatalf("unexpected quickstart channel: %+v", ch)
	}
}
