package mllp

import (
	"bytes"
	"errors"
	"io"
	"strings"
	"testing"
)

// countingWriter records each Write call separately.
type countingWriter struct{ writes [][]byte }

func (cw *countingWriter) Write(p []byte) (int, error) {
	cw.writes = append(cw.writes, bytes.Clone(p))
	return len(p), nil
}

func TestWriteFrame(t *testing.T) {
	var cw countingWriter
	w := NewWriter(&cw)
	for _, p := range []string{"MSH|^~\\&|A\rMSA|AA|1\r", ""} {
		if err := w.WriteFrame([]byte(p)); err != nil {
			t.Fatalf("WriteFrame(%q): %v", p, err)
		}
	}
	want := []string{"\vMSH|^~\\&|A\rMSA|AA|1\r\x1c\r", "\v\x1c\r"}
	if len(cw.writes) != len(want) {
		t.Fatalf("%d Write calls for %d frames, want one per frame", len(cw.writes), len(want))
	}
	for i := range want {
		if string(cw.writes[i]) != want[i] {
			t.Errorf("write %d = %q, want %q", i, cw.writes[i], want[i])
		}
	}
}

func TestWriteFrameRejectsFramingBytes(t *testing.T) {
	for _, p := range []string{"MSH|\v|x", "MSH|x\x1c", "\x1c\r"} {
		var cw countingWriter
		err := NewWriter(&cw).WriteFrame([]byte(p))
		if !errors.Is(err, ErrInvalidPayload) {
			t.Errorf("WriteFrame(%q) err = %v, want ErrInvalidPayload", p, err)
		}
		if len(cw.writes) != 0 {
			t.Errorf("WriteFrame(%q) wrote %q despite the error", p, cw.writes)
		}
	}
}

type failingWriter struct{}

func (failingWriter) Write([]byte) (int, error) { return 0, io.ErrClosedPipe }

func TestWriteFrameWriteError(t *testing.T) {
	err := NewWriter(failingWriter{}).WriteFrame([]byte("x"))
	if !errors.Is(err, io.ErrClosedPipe) {
		t.Fatalf("err = %v, want it to wrap io.ErrClosedPipe", err)
	}
}

func TestWriteFrameDoesNotAllocate(t *testing.T) {
	w := NewWriter(io.Discard)
	payload := []byte(strings.Repeat("OBX|1|NM|GLU||5.4\r", 30))
	if err := w.WriteFrame(payload); err != nil { // allocates the buffer
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(1000, func() {
		if err := w.WriteFrame(payload); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("WriteFrame allocates %.1f times per frame, want 0", allocs)
	}
}

func TestWriteFrameReleasesHugeBuffer(t *testing.T) {
	w := NewWriter(io.Discard)
	if err := w.WriteFrame(make([]byte, 2*maxRetainedWriteBuffer)); err != nil {
		t.Fatal(err)
	}
	if cap(w.buf) > maxRetainedWriteBuffer {
		t.Errorf("writer kept a %d-byte buffer", cap(w.buf))
	}
}
