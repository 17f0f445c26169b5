package transform

import (
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/format/hl7v2"
)

// testTables are the lookup tables the tests' configuration declares.
var testTables = map[string]map[string]string{
	"patient-class": {"I": "IN", "O": "OUT", "E": "EMER", "P": "Pre|admit"},
	"relationship":  {"SPO": "spouse", "DAU": "child", "SON": "child"},
}

// hl7 joins segments with CR, as messages travel.
func hl7(segments ...string) string { return strings.Join(segments, "\r") + "\r" }

// readable shows a message with one segment per line in test failures.
func readable(s string) string { return strings.ReplaceAll(s, "\r", "\n") }

// specs decodes a pipeline declared in YAML, as the configuration does.
func specs(tb testing.TB, src string) []Spec {
	tb.Helper()
	var out []Spec
	if err := yaml.Unmarshal([]byte(src), &out); err != nil {
		tb.Fatalf("yaml: %v\n%s", err, src)
	}
	return out
}

// message builds an inbound message the way the engine does.
func message(tb testing.TB, text string) *engine.Message {
	tb.Helper()
	m, err := hl7v2.Parse([]byte(text))
	if err != nil {
		tb.Fatal(err)
	}
	msg := &engine.Message{Channel: "adt-in", Source: "mllp", ContentType: engine.ContentHL7v2, Raw: []byte(text), HL7: m}
	msg.Metadata()
	return msg
}

// run compiles a pipeline from YAML, runs it over text and returns the
// resulting payload.
func run(tb testing.TB, steps, text string) (string, error) {
	tb.Helper()
	p, err := Compile(specs(tb, steps), testTables)
	if err != nil {
		tb.Fatalf("Compile: %v", err)
	}
	d, err := NewDoc(message(tb, text))
	if err != nil {
		tb.Fatal(err)
	}
	if err := p.Run(tb.Context(), d); err != nil {
		return "", err
	}
	out, err := d.Bytes()
	if err != nil {
		tb.Fatal(err)
	}
	return string(out), nil
}
