package filter

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/format/hl7v2"
)

// loadMessage reads a message from the hl7v2 package's test data and fills
// its metadata the way the engine does.
func loadMessage(tb testing.TB, name string) *engine.Message {
	tb.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "format", "hl7v2", "testdata", name))
	if err != nil {
		tb.Fatal(err)
	}
	return hl7Message(tb, string(raw))
}

// hl7Message parses an HL7 message given as text with segments separated by
// CR or LF.
func hl7Message(tb testing.TB, text string) *engine.Message {
	tb.Helper()
	m, err := hl7v2.Parse([]byte(text))
	if err != nil {
		tb.Fatal(err)
	}
	msg := &engine.Message{
		Channel:     "adt-in",
		Source:      "mllp",
		ContentType: engine.ContentHL7v2,
		Raw:         []byte(text),
		HL7:         m,
	}
	msg.Metadata()
	return msg
}
