package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConvert(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "a.hl7")
	os.WriteFile(good, []byte("MSH|^~\\&|A|B|C|D|20240101120000+0000||ADT^A01|1|P|2.5\rPID|1||123^^^HOSP^MR||Doe^Jane||19800101|F\rPV1|1|I|||||||||||||||||V1^^^HOSP\r"), 0o644)
	var out, errb bytes.Buffer
	c := &cli{stdout: &out, stderr: &errb}
	if st := runConvert(c, []string{good}); st != exitOK {
		t.Fatalf("status %d: %s", st, errb.String())
	}
	if !strings.Contains(out.String(), `"resourceType":"Bundle"`) || !strings.Contains(out.String(), `"method":"PUT"`) {
		t.Fatalf("no transaction bundle: %s", out.String())
	}
	bad := filepath.Join(dir, "b.hl7")
	os.WriteFile(bad, []byte("MSH|^~\\&|A|B|C|D|2024||ZZZ^Z01|1|P|2.5\r"), 0o644)
	out.Reset()
	errb.Reset()
	if st := runConvert(c, []string{bad}); st == exitOK {
		t.Fatal("unsupported message converted")
	}
	if !strings.Contains(errb.String(), "MSH-9") {
		t.Fatalf("error does not name the field: %s", errb.String())
	}
}
