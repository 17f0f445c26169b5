package x12fhir

import (
	"bytes"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/plexus-health/plexus/format/x12"
)

// FuzzConvert checks that any transaction set converts to JSON or gives an
// error, never a panic.
func FuzzConvert(f *testing.F) {
	for _, glob := range []string{"testdata/*.x12", sharedX12 + "/x270_271/*.txt", sharedX12 + "/837_5010/x223-test.txt"} {
		files, _ := filepath.Glob(glob)
		for _, p := range files {
			if raw, err := os.ReadFile(p); err == nil {
				f.Add(raw)
			}
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		sc := x12.NewScanner(bytes.NewReader(raw), x12.Config{})
		for {
			tx, err := sc.Next()
			if err != nil {
				return
			}
			out, err := Convert(tx)
			if err != nil {
				var xe *x12.Error
				if !errors.As(err, &xe) && !errors.Is(err, ErrUnsupported) {
					t.Fatalf("error %T: %v", err, err)
				}
				continue
			}
			if !json.Valid(out) {
				t.Fatalf("invalid JSON: %s", out)
			}
		}
	})
}
