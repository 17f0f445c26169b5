package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConvertEvents(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "a.hl7")
	os.WriteFile(f, []byte("MSH|^~\\&|A|B|C|D|20240101120000+0000||ADT^A01|1|P|2.5\rPID|1||123^^^HOSP^MR||Doe^Jane||19800101|F\rPV1|1|I|||||||||||||||||V1^^^HOSP\r"+
		"MSH|^~\\&|A|B|C|D|20240101120000+0000||ADT^A34|2|P|2.5\rPID|1||123^^^HOSP^MR\r"), 0o644)
	var out, errb bytes.Buffer
	c := &cli{stdout: &out, stderr: &errb}
	if st := runConvert(c, []string{"--to", "events", f}); st != exitOK {
		t.Fatalf("status %d: %s", st, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 2 || lines[1] != "[]" {
		t.Fatalf("want one array per message:\n%s", out.String())
	}
	var evs []struct{ Type string }
	if err := json.Unmarshal([]byte(lines[0]), &evs); err != nil || len(evs) != 2 || evs[0].Type != "patient.admitted" || evs[1].Type != "encounter.started" {
		t.Fatalf("events %+v, %v: %s", evs, err, lines[0])
	}
	if !strings.Contains(errb.String(), "message 2: MSH-9 ADT^A34: no event") {
		t.Errorf("no reason on stderr: %s", errb.String())
	}

	bad := filepath.Join(dir, "b.hl7")
	os.WriteFile(bad, []byte("PID|1||1\r"), 0o644)
	out.Reset()
	errb.Reset()
	if st := runConvert(c, []string{"--to", "events", bad}); st == exitOK {
		t.Fatalf("bad message accepted: %s", out.String())
	}
	if st := runConvert(c, []string{"--to", "xml", f}); st == exitOK {
		t.Fatal("--to xml accepted")
	}
}
