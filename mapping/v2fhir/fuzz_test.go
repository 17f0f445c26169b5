package v2fhir

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzConvert: no input makes the converter panic, and every Bundle it
// returns is JSON the validator can read.
func FuzzConvert(f *testing.F) {
	f.Add([]byte(adtA01))
	f.Add([]byte(oruR01(4)))
	f.Add([]byte("MSH|^~\\&|A|B|C|D|2024||ADT^A08|1|P|2.5\rPID|||^^^&1.2&ISO||^^|||Z\rPV1||X|^^^^^^^^|||||||||||||||||||||||||||||||||||||||||||+9999"))
	// Segments with no fields where the converter marks a set id or reads
	// a value type (panicked once).
	f.Add([]byte("MSH|^|||||||MDM^T02\rTXA|\rOBX"))
	f.Add([]byte("MSH|^|||||||SIU^S12\rSCH|1\rAIS\rAIL"))
	f.Add([]byte("MSH|^|||||||ORM^O01\rORC\rRXO\rRXR\rTQ1\rIN2\rIN3\rIAM"))
	// Every golden input seeds the corpus: each message type and segment.
	files, _ := filepath.Glob("testdata/*.hl7")
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(bytes.TrimSpace(bytes.ReplaceAll(data, []byte("\n"), []byte("\r"))))
	}
	cv := testConverter(f, Options{})
	f.Fuzz(func(t *testing.T, data []byte) {
		before := cv.Panics()
		res, err := cv.ConvertBytes(data)
		if errors.Is(err, ErrInternal) || cv.Panics() > before {
			t.Fatalf("recovered panic: %v", err)
		}
		if err != nil || res == nil {
			return
		}
		if len(res.Bundle) == 0 || res.Bundle[0] != '{' {
			t.Fatalf("bad bundle %q", res.Bundle)
		}
	})
}
