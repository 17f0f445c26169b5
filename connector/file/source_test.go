package file

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/plexus-health/plexus/connector/internal/conntest"
	"github.com/plexus-health/plexus/engine"
)

func TestSourceOptions(t *testing.T) {
	tests := []struct {
		yaml string
		want string // substring of the error; "" for none
	}{
		{"dir: /in", ""},
		{"dir: /in\npattern: '*.hl7'\npoll_interval: 1s\nmin_age: 2s\ndone_dir: /done\nerror_dir: /err\nsplit: true", ""},
		{"dir: /in\ncontent_type: application/json", ""},
		{"", "dir: required"},
		{"dir: /in\npattern: '[a'", `pattern: "[a" is not a glob`},
		{"dir: /in\npattern: 'sub/*.hl7'", "pattern:"},
		{"dir: /in\npoll_interval: -1s", "poll_interval: must not be negative"},
		{"dir: /in\nmin_age: -1s", "min_age: must not be negative"},
		{"dir: /in\ndone_dir: /in/", "done_dir: must not be dir itself"},
		{"dir: /in\nerror_dir: /in", "error_dir: must not be dir itself"},
		{"dir: /in\nsplit: true\ncontent_type: application/json", "content_type:"},
		{"dir: /in\nmax_message_size: -1", "max_message_size: must not be negative"},
		{"dir: /in\ndelete: true", "field delete not found"},
	}
	for _, tt := range tests {
		_, err := NewSource(conntest.Env(t, nil), conntest.Options(tt.yaml))
		conntest.CheckErr(t, tt.yaml, err, tt.want)
	}
}

// newSource returns a source reading dir/in, ready to poll by hand with
// poll() (the polling loop is not started).
func newSource(t *testing.T, opts string, recv engine.Receiver, logs *conntest.SyncBuffer) (*Source, string) {
	t.Helper()
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	if err := os.Mkdir(in, 0o750); err != nil {
		t.Fatal(err)
	}
	src, err := NewSource(conntest.Env(t, logs), conntest.Options("dir: "+in+"\n"+opts))
	if err != nil {
		t.Fatal(err)
	}
	s := src.(*Source)
	if err := s.prepare(recv); err != nil {
		t.Fatal(err)
	}
	return s, in
}

// drop writes a file into dir, modified age ago.
func drop(t *testing.T, dir, name, content string, age time.Duration) string {
	t.Helper()
	p := filepath.Join(dir, name)
	if err := os.WriteFile(p, []byte(content), 0o640); err != nil {
		t.Fatal(err)
	}
	mtime := time.Now().Add(-age)
	if err := os.Chtimes(p, mtime, mtime); err != nil {
		t.Fatal(err)
	}
	return p
}

// names lists the files in dir.
func names(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() {
			out = append(out, e.Name())
		}
	}
	return out
}

func checkDir(t *testing.T, dir string, want ...string) {
	t.Helper()
	if got := names(t, dir); !slices.Equal(got, want) {
		t.Errorf("%s holds %q, want %q", filepath.Base(dir), got, want)
	}
}

func controlIDs(in []*engine.Inbound) []string {
	var ids []string
	for _, m := range in {
		line, _, _ := strings.Cut(string(m.Raw), "\r")
		f := strings.Split(line, "|")
		if len(f) > 9 {
			ids = append(ids, f[9])
		} else {
			ids = append(ids, "?")
		}
	}
	return ids
}

func hl7(ids ...string) string {
	var b strings.Builder
	for _, id := range ids {
		b.Write(conntest.Message(id))
	}
	return b.String()
}

func TestSourceMovesFiles(t *testing.T) {
	var logs conntest.SyncBuffer
	recv := &conntest.Receiver{Reply: func(in *engine.Inbound) *engine.Reply {
		if strings.Contains(string(in.Raw), "|BAD|") {
			return conntest.AckFor(in, "AR")
		}
		return conntest.AckFor(in, "AA")
	}}
	src, in := newSource(t, "split: true\npattern: '*.hl7'", recv, &logs)
	drop(t, in, "a.hl7", hl7("A1"), 3*time.Minute)
	drop(t, in, "b.hl7", "FHS|^~\\&\rBHS|^~\\&\r"+hl7("B1", "B2")+"\n\n"+hl7("B3")+"BTS|3\rFTS|1\r", 2*time.Minute)
	drop(t, in, "c.hl7", hl7("C1", "BAD", "C3"), time.Minute)
	drop(t, in, "d.hl7", "not a message\r"+hl7("D1"), 30*time.Second)
	drop(t, in, "e.hl7", "\r\n  \r\n", 20*time.Second)
	drop(t, in, "notes.txt", hl7("X1"), time.Minute)
	drop(t, in, ".f.hl7", hl7("X2"), time.Minute)
	drop(t, in, "empty.hl7", "", time.Minute)
	src.poll()

	got := recv.Received()
	if ids := controlIDs(got); !slices.Equal(ids, []string{"A1", "B1", "B2", "B3", "C1", "BAD", "C3", "D1"}) {
		t.Errorf("received %q", ids)
	}
	for _, m := range got {
		if m.Source != "file" || m.ContentType != engine.ContentHL7v2 || !strings.HasPrefix(m.Remote, in) {
			t.Errorf("inbound %+v", m)
		}
	}
	checkDir(t, in, ".f.hl7", "empty.hl7", "notes.txt")
	checkDir(t, filepath.Join(in, "done"), "a.hl7", "b.hl7")
	checkDir(t, filepath.Join(in, "error"), "c.hl7", "d.hl7", "e.hl7")
	// The files are moved whole.
	if b, _ := os.ReadFile(filepath.Join(in, "error", "d.hl7")); !strings.HasPrefix(string(b), "not a message\r") {
		t.Errorf("error/d.hl7 = %q", b)
	}
	conntest.NoContentLogged(t, &logs, "DOE^JANE")
	conntest.NoContentLogged(t, &logs, "not a message")
}

func TestSourceLeavesFileWhenNotStored(t *testing.T) {
	var failing atomic.Bool
	failing.Store(true)
	recv := &conntest.Receiver{Fail: func(in *engine.Inbound) error {
		if failing.Load() && strings.Contains(string(in.Raw), "|M2|") {
			return errors.New("journal unavailable")
		}
		return nil
	}}
	src, in := newSource(t, "split: true", recv, nil)
	drop(t, in, "batch.hl7", hl7("M1", "M2", "M3"), 2*time.Minute)
	drop(t, in, "later.hl7", hl7("L1"), time.Minute)

	// The journal fails at the second message, as if the engine had
	// crashed there: the file stays, and the poll goes no further.
	src.poll()
	if ids := controlIDs(recv.Received()); !slices.Equal(ids, []string{"M1"}) {
		t.Fatalf("received %q", ids)
	}
	checkDir(t, in, "batch.hl7", "later.hl7")
	checkDir(t, filepath.Join(in, "done"))

	// Next poll, the journal is back: the file is read from the start (the
	// engine marks the second M1 as a duplicate by its control ID).
	failing.Store(false)
	src.poll()
	if ids := controlIDs(recv.Received()); !slices.Equal(ids, []string{"M1", "M1", "M2", "M3", "L1"}) {
		t.Fatalf("received %q", ids)
	}
	checkDir(t, in)
	checkDir(t, filepath.Join(in, "done"), "batch.hl7", "later.hl7")
}

func TestSourceMinAge(t *testing.T) {
	recv := &conntest.Receiver{}
	src, in := newSource(t, "min_age: 1h", recv, nil)
	drop(t, in, "old.hl7", hl7("OLD"), 2*time.Hour)
	drop(t, in, "new.hl7", hl7("NEW"), 0)
	src.poll()
	if ids := controlIDs(recv.Received()); !slices.Equal(ids, []string{"OLD"}) {
		t.Errorf("received %q", ids)
	}
	checkDir(t, in, "new.hl7")
}

func TestSourceWholeFiles(t *testing.T) {
	recv := &conntest.Receiver{}
	src, in := newSource(t, "max_message_size: 1000", recv, nil)
	drop(t, in, "1.hl7", hl7("W1", "W2"), 5*time.Minute)
	drop(t, in, "2.json", `{"resourceType": "Patient"}`, 4*time.Minute)
	drop(t, in, "3.txt", "free text", 3*time.Minute)
	drop(t, in, "4.big", strings.Repeat("x", 1001), 2*time.Minute)
	src.poll()
	got := recv.Received()
	want := []struct{ ct, raw string }{
		{engine.ContentHL7v2, hl7("W1", "W2")},
		{engine.ContentJSON, `{"resourceType": "Patient"}`},
		{engine.ContentText, "free text"},
	}
	if len(got) != len(want) {
		t.Fatalf("received %d messages, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].ContentType != w.ct || string(got[i].Raw) != w.raw {
			t.Errorf("message %d: %s %q, want %s %q", i, got[i].ContentType, got[i].Raw, w.ct, w.raw)
		}
	}
	checkDir(t, filepath.Join(in, "done"), "1.hl7", "2.json", "3.txt")
	checkDir(t, filepath.Join(in, "error"), "4.big")
}

func TestSourceNameTakenInDone(t *testing.T) {
	recv := &conntest.Receiver{}
	src, in := newSource(t, "", recv, nil)
	done := filepath.Join(in, "done")
	drop(t, done, "x.hl7", "earlier", time.Hour)
	drop(t, done, "x-1.hl7", "earlier too", time.Hour)
	drop(t, in, "x.hl7", hl7("X1"), time.Minute)
	src.poll()
	checkDir(t, done, "x-1.hl7", "x-2.hl7", "x.hl7")
	if b, _ := os.ReadFile(filepath.Join(done, "x.hl7")); string(b) != "earlier" {
		t.Errorf("done/x.hl7 overwritten: %q", b)
	}
}

func TestSourceFileChangingWhileRead(t *testing.T) {
	var in string
	recv := &conntest.Receiver{Fail: func(*engine.Inbound) error {
		// The writer is still appending while the file is read.
		f, err := os.OpenFile(filepath.Join(in, "growing.hl7"), os.O_APPEND|os.O_WRONLY, 0)
		if err == nil {
			f.WriteString(hl7("G2"))
			f.Close()
		}
		return nil
	}}
	var src *Source
	src, in = newSource(t, "split: true", recv, nil)
	drop(t, in, "growing.hl7", hl7("G1"), time.Minute)
	src.poll()
	checkDir(t, in, "growing.hl7")
	checkDir(t, filepath.Join(in, "done"))
}

// TestSourceLoop runs the polling loop: a file dropped after Start is
// picked up, and Stop returns.
func TestSourceLoop(t *testing.T) {
	dir := t.TempDir()
	recv := &conntest.Receiver{}
	src, err := NewSource(conntest.Env(t, nil), conntest.Options("dir: "+dir+"\npoll_interval: 10ms"))
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Start(t.Context(), recv); err != nil {
		t.Fatal(err)
	}
	if err := src.Start(t.Context(), recv); err == nil {
		t.Error("second Start succeeded")
	}
	drop(t, dir, "m.hl7", hl7("LOOP1"), time.Minute)
	recv.WaitFor(t, 1)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := src.Stop(ctx); err != nil {
		t.Fatal(err)
	}
	// The file was moved before the next poll could read it again.
	if n := len(recv.Received()); n != 1 {
		t.Errorf("received %d messages, want 1", n)
	}

	missing, _ := NewSource(conntest.Env(t, nil), conntest.Options("dir: "+filepath.Join(dir, "nope")))
	if err := missing.Start(t.Context(), recv); err == nil {
		t.Error("started on a missing directory")
	}
}

// TestSourceStopMidFile stops the source while the engine is taking the
// first message of a file: the message completes, the rest of the file is
// not read, and the file stays for the next start.
func TestSourceStopMidFile(t *testing.T) {
	dir := t.TempDir()
	entered, release := make(chan struct{}), make(chan struct{})
	var calls atomic.Int32
	recv := &conntest.Receiver{Fail: func(*engine.Inbound) error {
		if calls.Add(1) == 1 {
			close(entered)
			<-release
		}
		return nil
	}}
	drop(t, dir, "m.hl7", hl7("S1", "S2"), time.Minute)
	src, err := NewSource(conntest.Env(t, nil), conntest.Options("dir: "+dir+"\nsplit: true"))
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Start(t.Context(), recv); err != nil {
		t.Fatal(err)
	}
	<-entered
	stopped := make(chan error)
	go func() { stopped <- src.Stop(context.Background()) }()
	for !src.(*Source).stopped() {
		time.Sleep(time.Millisecond)
	}
	close(release)
	if err := <-stopped; err != nil {
		t.Fatal(err)
	}
	if ids := controlIDs(recv.Received()); !slices.Equal(ids, []string{"S1"}) {
		t.Errorf("received %q", ids)
	}
	checkDir(t, dir, "m.hl7")
}
