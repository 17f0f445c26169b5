package validate

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// syntheaDir holds Synthea transaction bundles shared by the project's tests.
const syntheaDir = "../../../shared/testdata/synthea"

// syntheaBundles returns the Synthea bundle files, skipping the test when
// they are absent.
func syntheaBundles(tb testing.TB) []string {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join(syntheaDir, "*.json"))
	if len(files) == 0 {
		tb.Skipf("no Synthea bundles in %s: skipping validation of real data", syntheaDir)
	}
	return files
}

// entryResources returns each entry resource of a bundle, as JSON.
func entryResources(tb testing.TB, bundle []byte) []json.RawMessage {
	tb.Helper()
	var b struct {
		Entry []struct {
			Resource json.RawMessage `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(bundle, &b); err != nil {
		tb.Fatal(err)
	}
	out := make([]json.RawMessage, 0, len(b.Entry))
	for _, e := range b.Entry {
		out = append(out, e.Resource)
	}
	return out
}

// TestSynthea validates every Synthea bundle whole (entry resources as
// resources of their own type, conditional references accepted in a
// transaction) and every entry resource on its own: none may have an error.
func TestSynthea(t *testing.T) {
	files := syntheaBundles(t)
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	resources := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		oo, err := v.Validate(data)
		if err != nil {
			t.Fatal(err)
		}
		for i, is := range oo.Errors() {
			if i == 20 {
				t.Errorf("%s: … %d errors in all", filepath.Base(f), len(oo.Errors()))
				break
			}
			t.Errorf("%s: %s: %s: %s", filepath.Base(f), is.Expression, is.Code, is.Diagnostics)
		}
		resources += len(entryResources(t, data))
	}
	t.Logf("validated %d Synthea bundles with %d resources in %v", len(files), resources, time.Since(start).Round(time.Millisecond))
}
