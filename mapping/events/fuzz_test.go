package events

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/plexus-health/plexus/mapping/v2fhir"
)

// FuzzDerive: no input makes the derivation panic, and what it derives
// encodes as JSON with every event complete.
func FuzzDerive(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.hl7")
	for _, name := range files {
		f.Add(readMessage(f, name))
	}
	f.Add([]byte("MSH|^~\\&|A|B|C|D|2024||ORU^R01|1|P|2.5\rOBR|||||||x||||||||||||||||||Q\rOBX|||||||||||C\rOBR"))
	f.Add([]byte("MSH|^~\\&|A|B|C|D|2024+99||ADT^A40|1|P|2.5\rMRG|1\rPID|||1"))
	if _, err := os.Stat("testdata"); err != nil {
		f.Fatal(err)
	}
	d := testDeriver(f)
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := d.DeriveBytes(data)
		if errors.Is(err, v2fhir.ErrInternal) {
			t.Fatalf("converter panic: %v", err)
		}
		if err != nil {
			return
		}
		if len(res.Events) == 0 && len(res.Notes) == 0 {
			t.Fatal("no event and no note")
		}
		for _, e := range res.Events {
			if e.Schema != Schema || e.Type == "" || len(e.ID) != 32 || e.Data == nil {
				t.Fatalf("incomplete event %+v", e)
			}
		}
		if _, err := Marshal(res.Events); err != nil {
			t.Fatal(err)
		}
	})
}
