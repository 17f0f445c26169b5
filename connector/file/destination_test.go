package file

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/connector/internal/conntest"
	"github.com/plexus-health/plexus/engine"
)

func TestDestinationOptions(t *testing.T) {
	tests := []struct {
		yaml string
		want string
	}{
		{"dir: /out", ""},
		{"dir: /out\nfilename: '{{.Channel}}/{{.ControlID}}-{{.MessageID}}.hl7'\noverwrite: true", ""},
		{"dir: /out\nfilename: '{{.ReceivedAt.Format \"2006/01/02\"}}/{{.MessageID}}{{.Ext}}'", ""},
		{"", "dir: required"},
		{"dir: /out\nfilename: '{{.ControlId}}.hl7'", "filename:"},
		{"dir: /out\nfilename: '{{.ControlID'", "filename:"},
		{"dir: /out\nfilename: '/etc/{{.MessageID}}'", "is not a relative path that stays in dir"},
		{"dir: /out\nfilename: '../{{.MessageID}}'", "is not a relative path that stays in dir"},
		{"dir: /out\nfilename: 'a/../../{{.MessageID}}'", "is not a relative path that stays in dir"},
		{"dir: /out\nfilename: '.{{.MessageID}}'", "begins with a dot"},
		{"dir: /out\nfilename: '{{.MessageID}}/'", "empty path element"},
		{"dir: /out\nfilename: '{{if false}}x{{end}}'", "empty name"},
		{"dir: /out\nmode: 0600", "field mode not found"},
	}
	for _, tt := range tests {
		_, err := NewDestination(conntest.Env(t, nil), conntest.Options(tt.yaml))
		conntest.CheckErr(t, tt.yaml, err, tt.want)
	}
}

func newDestination(t *testing.T, opts string) (*Destination, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "out")
	d, err := NewDestination(conntest.Env(t, nil), conntest.Options("dir: "+dir+"\n"+opts))
	if err != nil {
		t.Fatal(err)
	}
	return d.(*Destination), dir
}

func outbound(controlID string, payload string) *engine.Outbound {
	return &engine.Outbound{MessageID: 42, Channel: "adt", Destination: "archive", Attempt: 1,
		ContentType: engine.ContentHL7v2, Payload: []byte(payload),
		Message: &engine.Message{ControlID: controlID, Type: "ADT", Trigger: "A01",
			ReceivedAt: time.Date(2025, 3, 4, 5, 6, 7, 0, time.UTC)}}
}

func TestDestinationWrites(t *testing.T) {
	d, dir := newDestination(t, "filename: '{{.Channel}}/{{.ReceivedAt.Format \"2006-01-02\"}}/{{.ControlID}}-{{.MessageID}}{{.Ext}}'")
	resp, err := d.Deliver(t.Context(), outbound("C1", "payload one"))
	if err != nil {
		t.Fatal(err)
	}
	want := filepath.Join(dir, "adt", "2025-03-04", "C1-42.hl7")
	if resp.Status != "written" || string(resp.Body) != want {
		t.Errorf("response %q %q, want written %q", resp.Status, resp.Body, want)
	}
	b, err := os.ReadFile(want)
	if err != nil || string(b) != "payload one" {
		t.Fatalf("file: %q, %v", b, err)
	}
	if info, _ := os.Stat(want); info.Mode().Perm() != filePerm {
		t.Errorf("mode %v, want %v", info.Mode().Perm(), os.FileMode(filePerm))
	}
	// No temporary file is left behind.
	entries, _ := os.ReadDir(filepath.Dir(want))
	if len(entries) != 1 {
		t.Errorf("directory holds %d entries", len(entries))
	}

	// The default name, and the extension of other content.
	d, dir = newDestination(t, "")
	out := outbound("C2", `{"a":1}`)
	out.ContentType = engine.ContentFHIR
	if resp, err := d.Deliver(t.Context(), out); err != nil || string(resp.Body) != filepath.Join(dir, "42.json") {
		t.Errorf("default name: %v, %v", resp, err)
	}
}

// TestDestinationAtomic looks at the directory between writing the
// temporary file and giving it its name: the final name does not exist
// yet, and the temporary file is hidden from readers such as the file
// source.
func TestDestinationAtomic(t *testing.T) {
	d, dir := newDestination(t, "filename: '{{.ControlID}}.hl7'")
	final := filepath.Join(dir, "A1.hl7")
	var seen string
	d.beforePublish = func(tmp string) {
		seen = tmp
		if _, err := os.Stat(final); !os.IsNotExist(err) {
			t.Errorf("final file visible before it is complete: %v", err)
		}
		if filepath.Dir(tmp) != dir || !strings.HasPrefix(filepath.Base(tmp), ".A1.hl7.tmp-") {
			t.Errorf("temporary file %s is not a hidden file beside the target", tmp)
		}
		if b, _ := os.ReadFile(tmp); string(b) != "whole payload" {
			t.Errorf("temporary file holds %q", b)
		}
		// A directory source reading dir now ignores it.
		src, _ := NewSource(conntest.Env(t, nil), conntest.Options("dir: "+dir))
		recv := &conntest.Receiver{}
		s := src.(*Source)
		if err := s.prepare(recv); err != nil {
			t.Fatal(err)
		}
		s.poll()
		if n := len(recv.Received()); n != 0 {
			t.Errorf("a file source took %d messages from a file being written", n)
		}
	}
	if _, err := d.Deliver(t.Context(), outbound("A1", "whole payload")); err != nil {
		t.Fatal(err)
	}
	if seen == "" {
		t.Fatal("the write did not go through a temporary file")
	}
	if _, err := os.Stat(seen); !os.IsNotExist(err) {
		t.Errorf("temporary file still there: %v", err)
	}
	if b, _ := os.ReadFile(final); string(b) != "whole payload" {
		t.Errorf("final file holds %q", b)
	}
}

func TestDestinationSanitises(t *testing.T) {
	d, dir := newDestination(t, "filename: '{{.Channel}}/{{.ControlID}}.hl7'")
	tests := []struct{ channel, controlID, want string }{
		{"adt", "../../etc/passwd", "adt/___.._etc_passwd.hl7"},
		{"../x", "ok", "___x/ok.hl7"},
		{"a/b", `c\d`, "a_b/c_d.hl7"},
		{"lab", "id with spaces:*?", "lab/id_with_spaces___.hl7"},
		{"Hôpital", "..", "Hôpital/__.hl7"},
		{"lab", "x\x00y\n", "lab/x_y_.hl7"},
	}
	for _, tt := range tests {
		out := outbound(tt.controlID, "p")
		out.Channel = tt.channel
		resp, err := d.Deliver(t.Context(), out)
		if err != nil {
			t.Errorf("%q %q: %v", tt.channel, tt.controlID, err)
			continue
		}
		if want := filepath.Join(dir, filepath.FromSlash(tt.want)); string(resp.Body) != want {
			t.Errorf("%q %q: written to %s, want %s", tt.channel, tt.controlID, resp.Body, want)
		}
	}
	// Every file is under dir.
	filepath.WalkDir(filepath.Dir(dir), func(p string, e os.DirEntry, err error) error {
		if !strings.HasPrefix(p, dir) && p != filepath.Dir(dir) {
			t.Errorf("%s is outside %s", p, dir)
		}
		return nil
	})
	// An empty value that leaves a hidden name or an empty path element
	// cannot be written, on any attempt.
	if _, err := d.Deliver(t.Context(), outbound("", "p")); !engine.IsPermanent(err) {
		t.Errorf("hidden name: err = %v, want permanent", err)
	}
	d, _ = newDestination(t, "filename: '{{.ControlID}}/x'")
	if _, err := d.Deliver(t.Context(), outbound("", "p")); !engine.IsPermanent(err) {
		t.Errorf("empty directory name: err = %v, want permanent", err)
	}
}

func TestDestinationExisting(t *testing.T) {
	d, dir := newDestination(t, "filename: '{{.ControlID}}.hl7'")
	if _, err := d.Deliver(t.Context(), outbound("E1", "first")); err != nil {
		t.Fatal(err)
	}
	// A retry of the same message finds its own file.
	if _, err := d.Deliver(t.Context(), outbound("E1", "first")); err != nil {
		t.Errorf("retry: %v", err)
	}
	// Another message with the same name is not written over it.
	if _, err := d.Deliver(t.Context(), outbound("E1", "second")); !engine.IsPermanent(err) {
		t.Errorf("name taken: err = %v, want permanent", err)
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "E1.hl7")); string(b) != "first" {
		t.Errorf("file holds %q", b)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 1 {
		t.Errorf("%d entries, want 1 (no temporary file left)", len(entries))
	}

	d, dir = newDestination(t, "filename: '{{.ControlID}}.hl7'\noverwrite: true")
	for _, p := range []string{"first", "second"} {
		if _, err := d.Deliver(t.Context(), outbound("E1", p)); err != nil {
			t.Fatal(err)
		}
	}
	if b, _ := os.ReadFile(filepath.Join(dir, "E1.hl7")); string(b) != "second" {
		t.Errorf("overwrite: file holds %q", b)
	}
}

func TestDestinationUnwritable(t *testing.T) {
	parent := t.TempDir()
	blocker := filepath.Join(parent, "file")
	if err := os.WriteFile(blocker, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	// dir is below a regular file: it cannot be created. The operator can
	// fix that, so the failure is not permanent.
	d, err := NewDestination(conntest.Env(t, nil), conntest.Options("dir: "+filepath.Join(blocker, "out")))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Deliver(t.Context(), outbound("U1", "p")); err == nil || engine.IsPermanent(err) {
		t.Errorf("err = %v, want a retryable error", err)
	}
}

func TestSanitize(t *testing.T) {
	long := strings.Repeat("é", 80) // 160 bytes
	if got := sanitize(long); len(got) > maxValueLen || !strings.HasPrefix(long, got) {
		t.Errorf("sanitize(long) = %q (%d bytes)", got, len(got))
	}
	for in, want := range map[string]string{"": "", ".": "_", "...a": "___a", "a.b": "a.b", "ADT^A01": "ADT^A01"} {
		if got := sanitize(in); got != want {
			t.Errorf("sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}
