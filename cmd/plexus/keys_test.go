package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/keyring"
	"github.com/plexus-health/plexus/platform/store"
)

// TestKeysCommands: generate, rotate with --reencrypt over a store holding
// plaintext and sealed rows, and list with usage; the key material is
// never printed.
func TestKeysCommands(t *testing.T) {
	tmp := t.TempDir()
	file, data := filepath.Join(tmp, "keys.json"), filepath.Join(tmp, "data")
	if st, out, errs := runCLI(t, "", "keys", "generate", "--file", file); st != 0 || !strings.Contains(out, "active") {
		t.Fatalf("generate: %d %s %s", st, out, errs)
	}
	if st, _, errs := runCLI(t, "", "keys", "generate", "--file", file); st != exitFailure || !strings.Contains(errs, "never overwrites") {
		t.Fatalf("generate over a key file: %d %s", st, errs)
	}
	f, err := keyring.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	first := f.Active

	// A store with one plaintext message (from before encryption) and
	// one sealed under the first key.
	ctx := context.Background()
	db, err := store.Open(ctx, "", data, store.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	ring, _ := f.Ring()
	for _, keys := range []*keyring.Ring{nil, ring} {
		j := journal.Open(db, journal.Options{Keys: keys})
		rec := &journal.Record{Msg: &engine.Message{Channel: "c", Source: "s", ContentType: engine.ContentHL7v2,
			Raw: []byte("MSH|^~\\&|A\rPID|||1||Doe^Jane\r"), Status: engine.StatusReceived}}
		if err := j.Append(ctx, rec); err != nil {
			t.Fatal(err)
		}
		j.Close()
	}
	db.Close()

	st, out, errs := runCLI(t, "", "keys", "rotate", "--file", file, "--reencrypt", "--data", data)
	if st != 0 || !strings.Contains(out, "re-sealed 2 stored values") {
		t.Fatalf("rotate: %d %s %s", st, out, errs)
	}
	f2, err := keyring.ReadFile(file)
	if err != nil || len(f2.Keys) != 2 || f2.Active == first {
		t.Fatalf("after rotate: %+v %v", f2, err)
	}
	st, out, errs = runCLI(t, "", "keys", "list", "--file", file, "--data", data)
	if st != 0 || !strings.Contains(out, f2.Active+"  yes     2") || !strings.Contains(out, first) {
		t.Fatalf("list: %d\n%s%s", st, out, errs)
	}
	for _, k := range f2.Keys {
		if strings.Contains(out, k.Key) {
			t.Errorf("list shows key material")
		}
	}

	os.Chmod(file, 0o644)
	if st, _, errs := runCLI(t, "", "keys", "list", "--file", file); st != exitFailure || !strings.Contains(errs, "chmod 600") {
		t.Errorf("group-readable key file: %d %s", st, errs)
	}
	if st, _, errs := runCLI(t, "", "keys", "shred", "--file", file); st != exitUsage || !strings.Contains(errs, "unknown sub-command") {
		t.Errorf("unknown sub-command: %d %s", st, errs)
	}
}
