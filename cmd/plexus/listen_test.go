package main

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/transport/mllp"
)

// TestListenerAcknowledges drives the listen handler directly: what it
// answers, what it stores, and what it prints.
func TestListenerAcknowledges(t *testing.T) {
	cases := []struct {
		name    string
		payload string
		code    string // MSA-1 of the answer; "" for no answer
		ackID   string // MSA-2
		file    string // name of the stored file
		line    string // expected in the printed line
	}{
		{"accepted", "MSH|^~\\&|S|F|R|F|20250101||ADT^A01|A1|P|2.5.1\rPID|1||Secret^Name\r",
			"AA", "A1", "000001-A1.hl7", "000001 A1 ADT^A01 65 bytes AA 000001-A1.hl7"},
		{"missing type", "MSH|^~\\&|S|F|R|F|20250101|||A2|P|2.5.1\r",
			"AE", "A2", "000002-A2.hl7.error", "AE 000002-A2.hl7.error: MSH-9.1: required field missing"},
		{"unknown version", "MSH|^~\\&|S|F|R|F|20250101||ADT^A01|A3|P|9.9\r",
			"AR", "A3", "000003-A3.hl7.error", "AR 000003-A3.hl7.error: MSH-12: unsupported version ID"},
		{"unparseable, control ID salvaged", "MSH|^^\\&|S|F|R|F|20250101||ADT^A01|A4|P|2.5.1\r",
			"AR", "A4", "000004-A4.hl7.error", "000004 A4 - 46 bytes AR 000004-A4.hl7.error: MSH-2: bad encoding characters"},
		{"enhanced mode", "MSH|^~\\&|S|F|R|F|20250101||ADT^A01|A5|P|2.5.1|||AL|NE\r",
			"CA", "A5", "000005-A5.hl7", "CA 000005-A5.hl7"},
		{"no ACK wanted", "MSH|^~\\&|S|F|R|F|20250101||ADT^A01|A6|P|2.5.1|||NE|NE\r",
			"", "", "000006-A6.hl7", "CA not sent (MSH-15 asks for none) 000006-A6.hl7"},
		{"control ID unsafe in a file name", "MSH|^~\\&|S|F|R|F|20250101||ADT^A01|../x y|P|2.5.1\r",
			"AA", "../x y", "000007-_._x_y.hl7", "000007 ../x y ADT^A01"},
		{"bad segment holding patient data", "MSH|^~\\&|S|F|R|F|20250101||ADT^A01|A8|P|2.5.1\rSecret Name was here\r",
			"AE", "A8", "000008-A8.hl7.error", "AE 000008-A8.hl7.error: bad segment name"},
	}
	dir := t.TempDir()
	d, err := openMsgDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	l := &listener{cli: &cli{stdout: &out}, dir: d}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			out.Reset()
			ack, err := l.ServeMLLP(context.Background(), &mllp.Message{Payload: []byte(tc.payload)})
			if err != nil {
				t.Fatal(err)
			}
			if tc.code == "" {
				if ack != nil {
					t.Errorf("answered %q, want no answer", ack)
				}
			} else {
				m, err := hl7v2.Parse(ack)
				if err != nil {
					t.Fatalf("answer %q: %v", ack, err)
				}
				if code, _ := m.Get("MSA-1"); code != tc.code {
					t.Errorf("MSA-1 %q, want %q; ACK %q", code, tc.code, ack)
				}
				if id, _ := m.Get("MSA-2"); id != tc.ackID {
					t.Errorf("MSA-2 %q, want %q", id, tc.ackID)
				}
			}
			stored, err := os.ReadFile(filepath.Join(dir, tc.file))
			if err != nil {
				t.Fatalf("not stored as expected: %v", err)
			}
			if string(stored) != tc.payload {
				t.Errorf("stored %q, want %q", stored, tc.payload)
			}
			if !strings.Contains(out.String(), tc.line) {
				t.Errorf("printed %q, want it to contain %q", out.String(), tc.line)
			}
			if strings.Contains(out.String(), "Secret") {
				t.Errorf("printed message content: %q", out.String())
			}
		})
	}
	if got, want := l.accepted.Load(), int64(4); got != want {
		t.Errorf("%d accepted, want %d", got, want)
	}
}

// TestListenerDoesNotAckWhatItCannotStore checks that a message that cannot
// be written gets no acknowledgement, so that the sender sends it again.
func TestListenerDoesNotAckWhatItCannotStore(t *testing.T) {
	dir := t.TempDir()
	d, err := openMsgDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	d.path = filepath.Join(dir, "gone") // as if the directory had been removed
	var out bytes.Buffer
	l := &listener{cli: &cli{stdout: &out}, dir: d}
	ack, err := l.ServeMLLP(context.Background(), &mllp.Message{Payload: []byte("MSH|^~\\&|S|F|R|F|20250101||ADT^A01|A1|P|2.5.1\r")})
	if err == nil || ack != nil {
		t.Errorf("ServeMLLP = %q, %v; want no ACK and an error", ack, err)
	}
	if !strings.Contains(out.String(), "not stored, no ACK sent") {
		t.Errorf("printed %q", out.String())
	}
}

// TestMsgDirContinuesNumbering checks that a restarted listener does not
// overwrite the files of an earlier run.
func TestMsgDirContinuesNumbering(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"000007-X.hl7", "000012-Y.hl7.error", "notes.txt", ".incoming-123"} {
		if err := os.WriteFile(filepath.Join(dir, name), nil, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	d, err := openMsgDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	name, n, err := d.save("Z", false, []byte("MSH|"))
	if err != nil {
		t.Fatal(err)
	}
	if name != "000013-Z.hl7" || n != 13 {
		t.Errorf("saved as %s (%d), want 000013-Z.hl7", name, n)
	}
	info, err := os.Stat(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	if perm := info.Mode().Perm(); perm&0o077 != 0 {
		t.Errorf("stored with mode %v; messages hold patient data and must not be readable by others", perm)
	}
}

func TestFileSafe(t *testing.T) {
	cases := map[string]string{
		"":                      "noid",
		"MSG-0001.a_b":          "MSG-0001.a_b",
		"../../etc/passwd":      "_._.._etc_passwd",
		".hidden":               "_hidden",
		"a/b\\c:d*e?f|g":        "a_b_c_d_e_f_g",
		"ünï":                   "__n__",
		strings.Repeat("x", 99): strings.Repeat("x", 64),
	}
	for in, want := range cases {
		if got := fileSafe(in); got != want {
			t.Errorf("fileSafe(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestSafeReasonQuotesNothing checks that the reason printed for a refused
// message names the problem without the message text that the parser's
// error may quote.
func TestSafeReasonQuotesNothing(t *testing.T) {
	m, err := hl7v2.Parse([]byte("MSH|^~\\&|S|F|R|F|20250101||ADT^A01|A1|P|2.5.1\rJane Roe, born 1970\rPID|1|||||||X\r"))
	if err != nil {
		t.Fatal(err)
	}
	verr := m.Validate()
	if verr == nil {
		t.Fatal("no validation error")
	}
	if got := safeReason(verr); strings.Contains(got, "Jane") || got != "bad segment name" {
		t.Errorf("safeReason = %q, want %q", got, "bad segment name")
	}
	if got := safeReason(errors.New("Jane Roe")); got != "invalid message" {
		t.Errorf("safeReason of a plain error = %q", got)
	}
}
