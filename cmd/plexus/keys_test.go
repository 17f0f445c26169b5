package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/keyring"
	"github.com/plexus-health/plexus/platform/store"
	"github.com/plexus-health/plexus/transport/mllp"
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

// TestServeKeyRotation rotates the keys of a running serve with
// re-encryption: messages before and after both deliver and read back,
// serve takes the new key without a restart, and afterwards every stored
// value is under the new key.
func TestServeKeyRotation(t *testing.T) {
	dir := t.TempDir()
	keys, data := filepath.Join(dir, "keys.json"), filepath.Join(dir, "data")
	if st, out, errs := runPlexus(t, "keys", "generate", "--file", keys); st != 0 {
		t.Fatalf("keys generate: %s %s", out, errs)
	}
	in, lab := freePort(t), newSink(t)
	cfg := filepath.Join(dir, "plexus.yaml")
	writeFile(t, cfg, fmt.Sprintf(`version: 1
admin: {listen: "127.0.0.1:0"}
encryption: {keys_file: "%s"}
channels:
  - name: adt
    source: {type: mllp, listen: "%s"}
    destinations:
      - {name: lab, type: mllp, address: "%s"}
`, keys, in, lab.addr()))
	p := startServe(t, cfg, data)
	c := &mllp.Client{Addr: in}
	defer c.Close()
	deadline := time.After(30 * time.Second)
	sendOne := func(id string) {
		t.Helper()
		msg := "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|" + id + "|P|2.5\rPID|1||7^^^H^MR||Rotated^Rowena\r"
		if ack, err := c.Send(context.Background(), []byte(msg)); err != nil {
			t.Fatalf("%s: %v (%q)", id, err, ack)
		}
		select {
		case got := <-lab.got:
			if got != id {
				t.Fatalf("lab got %s, want %s", got, id)
			}
		case <-deadline:
			t.Fatalf("%s not delivered\n%s", id, tail(p.out.String(), 3000))
		}
	}
	sendOne("R1")
	st, out, errs := runPlexus(t, "keys", "rotate", "--file", keys, "--reencrypt", "--data", data)
	if st != 0 || !strings.Contains(out, "re-sealed 2 stored values") { // the content and the lab's ACK
		t.Fatalf("rotate while serving: %d %s %s", st, out, errs)
	}
	for !strings.Contains(p.out.String(), "encryption keys reloaded") {
		select {
		case <-deadline:
			t.Fatalf("serve did not reload the key file\n%s", tail(p.out.String(), 3000))
		case <-time.After(50 * time.Millisecond):
		}
	}
	sendOne("R2")
	for id := 1; id <= 2; id++ {
		resp, err := p.client.Get(fmt.Sprintf("http://%s/api/v1/messages/%d/content", p.admin, id))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.Contains(string(b), "Rotated^Rowena") {
			t.Errorf("message %d content: %d %q", id, resp.StatusCode, b)
		}
	}
	p.stop(t)
	f, err := keyring.ReadFile(keys)
	if err != nil {
		t.Fatal(err)
	}
	st, out, errs = runPlexus(t, "keys", "list", "--file", keys, "--data", data)
	if st != 0 || !strings.Contains(out, f.Active+"  yes     4") || strings.Contains(out, "plaintext") {
		t.Errorf("keys list after rotation: %d\n%s%s", st, out, errs)
	}
}
