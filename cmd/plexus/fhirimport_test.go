package main

import (
	"bytes"
	"context"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/search"
	fhirserver "github.com/plexus-health/plexus/fhir/server"
	"github.com/plexus-health/plexus/fhir/spec"
	"github.com/plexus-health/plexus/fhir/validate"
	"github.com/plexus-health/plexus/platform/store"
)

// writeFiles writes name → content under a new temporary folder.
func writeFiles(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, content := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

const (
	importPatient = `{"resourceType":"Patient","id":"p1","identifier":[{"system":"urn:s","value":"1"}]}`
	importObs     = `{"resourceType":"Observation","status":"final","code":{"text":"x"},"subject":{"reference":"Patient/p1"}}`
)

// TestFHIRImportLocal imports a collection, a single resource and NDJSON
// into a local store, then imports again to see updates, then a file with
// a bad line to see it named.
func TestFHIRImportLocal(t *testing.T) {
	dir := writeFiles(t, map[string]string{
		"a-collection.json": `{"resourceType":"Bundle","type":"collection","entry":[` +
			`{"fullUrl":"urn:uuid:6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d","resource":` + importPatient + `},` +
			`{"resource":{"resourceType":"Observation","status":"final","code":{"text":"y"},"subject":{"reference":"urn:uuid:6a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d"}}}]}`,
		"b-single.json":  `{"resourceType":"Patient","id":"p2"}`,
		"c-lines.ndjson": importObs + "\n\n" + importObs + "\n",
	})
	data := t.TempDir()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"fhir", "import", "--data", data, "--sync", "NORMAL", "--batch", "1", dir}, nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "3/3 files, 5 resources") {
		t.Errorf("progress: %s", stderr.String())
	}

	bad := writeFiles(t, map[string]string{
		"bad.ndjson": importObs + "\n" + `{"resourceType":"Observation","status":"nonsense-shape","code":"x"}` + "\n",
		"bad.json":   `{"resourceType":"Bundle","type":"transaction","entry":[{"resource":` + importObs + `,"request":{"method":"POST","url":"Patient"}}]}`,
	})
	stderr.Reset()
	code := run([]string{"fhir", "import", "--data", data, "--sync", "NORMAL", "--batch", "1", bad}, nil, &stdout, &stderr)
	if code != exitFailure {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	for _, want := range []string{"bad.ndjson:2: 422", "bad.json: entry 0: 400"} {
		if !strings.Contains(stderr.String(), want) {
			t.Errorf("stderr lacks %q:\n%s", want, stderr.String())
		}
	}

	// What was loaded is there.
	db, err := store.Open(context.Background(), "", data, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	db.R.QueryRow(`SELECT COUNT(*) FROM fhir_resources WHERE res_type = 'Observation'`).Scan(&n)
	if n != 4 {
		t.Errorf("%d Observations, want 4", n)
	}
}

// TestFHIRImportRemote sends the Synthea bundles to a server over HTTP.
func TestFHIRImportRemote(t *testing.T) {
	synthea := "../../../shared/testdata/synthea"
	if _, err := os.Stat(synthea); err != nil {
		t.Skipf("no Synthea bundles in %s", synthea)
	}
	db, err := store.Open(context.Background(), "", t.TempDir(), store.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	r, err := repo.New(db)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	v, err := validate.New()
	if err != nil {
		t.Fatal(err)
	}
	sp, err := spec.R4()
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(fhirserver.New(r, v, fhirserver.Options{Matcher: search.New(db, sp)}))
	defer srv.Close()
	var stdout, stderr bytes.Buffer
	if code := run([]string{"fhir", "import", "--url", srv.URL + "/fhir", synthea}, nil, &stdout, &stderr); code != exitOK {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "12/12 files, 7314 resources") {
		t.Errorf("progress: %s", stderr.String())
	}
	t.Log(strings.TrimSpace(stderr.String()))
}

func TestFHIRImportUsage(t *testing.T) {
	for _, args := range [][]string{
		{"fhir"},
		{"fhir", "export"},
		{"fhir", "import"},
		{"fhir", "import", "--url", "http://x/fhir", "--data", "d", "f.json"},
	} {
		var stdout, stderr bytes.Buffer
		if code := run(args, nil, &stdout, &stderr); code != exitUsage {
			t.Errorf("%q: exit %d: %s", args, code, stderr.String())
		}
	}
}
