package main

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/platform/store"
)

// TestFHIRReindex imports resources, drops their index rows, and checks
// that "plexus fhir reindex" brings exactly the same rows back.
func TestFHIRReindex(t *testing.T) {
	dir := writeFiles(t, map[string]string{"lines.ndjson": importObs + "\n" + importObs + "\n" + importPatient + "\n"})
	data := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"fhir", "import", "--data", data, "--sync", "NORMAL", dir}, nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("import: exit %d: %s", code, stderr.String())
	}
	db, err := store.Open(context.Background(), "", data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	tables := []string{"fhir_idx_string", "fhir_idx_token", "fhir_idx_reference", "fhir_idx_date", "fhir_idx_number", "fhir_idx_quantity", "fhir_idx_uri"}
	count := func() (n int) {
		for _, table := range tables {
			var c int
			if err := db.R.QueryRow("SELECT COUNT(*) FROM " + table).Scan(&c); err != nil {
				t.Fatal(err)
			}
			n += c
		}
		return n
	}
	before := count()
	if before == 0 {
		t.Fatal("import wrote no index rows")
	}
	for _, table := range tables {
		if _, err := db.W.Exec("DELETE FROM " + table); err != nil {
			t.Fatal(err)
		}
	}
	db.Close()

	stdout.Reset()
	stderr.Reset()
	if code := run([]string{"fhir", "reindex", "--data", data, "--type", "Observation"}, nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("reindex: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "reindexed 2 resources") {
		t.Errorf("stdout: %s", stdout.String())
	}
	stdout.Reset()
	if code := run([]string{"fhir", "reindex", "--data", data}, nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("reindex: exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stdout.String(), "reindexed 3 resources") {
		t.Errorf("stdout: %s", stdout.String())
	}
	db, err = store.Open(context.Background(), "", data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if after := count(); after != before {
		t.Errorf("%d index rows after reindex, %d before", after, before)
	}

	if code := run([]string{"fhir", "reindex", "--data", data, "extra"}, nil, &stdout, &stderr); code == exitOK {
		t.Error("an extra argument was accepted")
	}
}
