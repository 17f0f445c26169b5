package nats

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/config"
)

// TestConfigLoad loads a channel from a NATS stream to a NATS stream the
// way plexus serve does, and checks that a problem in a nats section is
// reported with its place in the file.
func TestConfigLoad(t *testing.T) {
	reg := engine.NewRegistry()
	reg.RegisterSource("nats", NewSource)
	reg.RegisterDestination("nats", NewDestination)
	const good = `version: 1
channels:
  - name: adt-bus
    source:
      type: nats
      url: nats://127.0.0.1:4222
      stream: HL7_IN
      consumer: plexus-adt
      filter_subject: hl7.adt.>
      auth: {user: plexus, password_env: NATS_PASSWORD}
    destinations:
      - name: events
        type: nats
        urls: [nats://127.0.0.1:4222]
        subject: "plexus.{{.Channel}}.{{.Type}}"
        stream: HL7_OUT
        create_stream: {subjects: [plexus.>], max_age: 720h}
`
	dir := t.TempDir()
	path := filepath.Join(dir, "plexus.yaml")
	if err := os.WriteFile(path, []byte(good), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := config.Load(path, reg); err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(good, "stream: HL7_IN", "stream: HL7.IN", 1)
	bad = strings.Replace(bad, "{{.Type}}", "{{.Typ}}", 1)
	if err := os.WriteFile(path, []byte(bad), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := config.Load(path, reg)
	if err == nil || !strings.Contains(err.Error(), `"HL7.IN" is not a name`) || !strings.Contains(err.Error(), "Typ") {
		t.Fatalf("problems: %v", err)
	}
	t.Log(err)
}
