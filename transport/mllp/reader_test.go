package mllp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
)

// readResult is one outcome of ReadFrame in a form tests can compare:
// the payload, or the name of the error it wraps.
type readResult struct {
	payload string
	err     string
}

func (r readResult) String() string {
	if r.err != "" {
		return "error " + r.err
	}
	return fmt.Sprintf("%q", r.payload)
}

func frame(p string) readResult   { return readResult{payload: p} }
func failure(e string) readResult { return readResult{err: e} }

// errorName classifies err by the sentinel it wraps.
func errorName(err error) string {
	switch {
	case err == io.EOF:
		return "EOF"
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "UnexpectedEOF"
	case errors.Is(err, ErrFrameTooLarge):
		return "TooLarge"
	default:
		return "other: " + err.Error()
	}
}

// readAll reads frames until io.EOF or io.ErrUnexpectedEOF. It fails the
// test if the reader does not terminate within a bound that follows from
// every call consuming input or ending it.
func readAll(t testing.TB, r *Reader, inputLen int) []readResult {
	t.Helper()
	var got []readResult
	for range inputLen + 2 {
		p, err := r.ReadFrame()
		if err != nil {
			got = append(got, failure(errorName(err)))
			if err == io.EOF || errors.Is(err, io.ErrUnexpectedEOF) {
				return got
			}
			continue
		}
		got = append(got, frame(string(p)))
	}
	t.Fatalf("reader did not reach end of %d bytes of input; results so far: %v", inputLen, got)
	return nil
}

// chunkReader returns its data at most size bytes per Read.
type chunkReader struct {
	data []byte
	size int
}

func (c *chunkReader) Read(p []byte) (int, error) {
	if len(c.data) == 0 {
		return 0, io.EOF
	}
	n := min(len(p), c.size, len(c.data))
	copy(p, c.data[:n])
	c.data = c.data[n:]
	return n, nil
}

// inputShapes are the ways a byte stream may arrive: at once, with EOF on
// the last data read, byte by byte, and in small uneven chunks.
var inputShapes = []struct {
	name string
	make func([]byte) io.Reader
}{
	{"whole", func(b []byte) io.Reader { return bytes.NewReader(b) }},
	{"data+EOF", func(b []byte) io.Reader { return iotest.DataErrReader(bytes.NewReader(b)) }},
	{"bytewise", func(b []byte) io.Reader { return iotest.OneByteReader(bytes.NewReader(b)) }},
	{"chunks of 3", func(b []byte) io.Reader { return &chunkReader{data: b, size: 3} }},
}

func TestReadFrame(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		max       int // 0: default
		want      []readResult
		discarded int64
	}{
		{
			name: "one frame",
			in:   "\vMSH|^~\\&|A\rPID|1\r\x1c\r",
			want: []readResult{frame("MSH|^~\\&|A\rPID|1\r"), failure("EOF")},
		},
		{
			name: "empty input",
			in:   "",
			want: []readResult{failure("EOF")},
		},
		{
			name: "several frames",
			in:   "\vone\x1c\r\vtwo\x1c\r\vthree\x1c\r",
			want: []readResult{frame("one"), frame("two"), frame("three"), failure("EOF")},
		},
		{
			name: "empty payload",
			in:   "\v\x1c\r\vx\x1c\r",
			want: []readResult{frame(""), frame("x"), failure("EOF")},
		},
		{
			name:      "garbage before first frame",
			in:        "\r\nnoise\va\x1c\r",
			want:      []readResult{frame("a"), failure("EOF")},
			discarded: 7,
		},
		{
			name:      "garbage between frames",
			in:        "\va\x1c\r\r\n\x00junk\vb\x1c\r",
			want:      []readResult{frame("a"), frame("b"), failure("EOF")},
			discarded: 7,
		},
		{
			name:      "garbage after last frame",
			in:        "\va\x1c\r\n",
			want:      []readResult{frame("a"), failure("EOF")},
			discarded: 1,
		},
		{
			name:      "only garbage",
			in:        "hello",
			want:      []readResult{failure("EOF")},
			discarded: 5,
		},
		{
			name: "missing CR before next frame",
			in:   "\va\x1c\vb\x1c\r",
			want: []readResult{frame("a"), frame("b"), failure("EOF")},
		},
		{
			name: "missing CR at end of input",
			in:   "\va\x1c",
			want: []readResult{frame("a"), failure("EOF")},
		},
		{
			name:      "LF instead of CR",
			in:        "\va\x1c\n\vb\x1c\n",
			want:      []readResult{frame("a"), frame("b"), failure("EOF")},
			discarded: 2,
		},
		{
			name:      "EOF inside frame",
			in:        "\va\x1c\r\vMSH|trunc",
			want:      []readResult{frame("a"), failure("UnexpectedEOF")},
			discarded: 9,
		},
		{
			name: "EOF right after start block",
			in:   "\v",
			want: []readResult{failure("UnexpectedEOF")},
		},
		{
			name:      "frame restarted by sender",
			in:        "\vpartial\vwhole\x1c\r",
			want:      []readResult{frame("whole"), failure("EOF")},
			discarded: 7,
		},
		{
			name: "payload at the size limit",
			in:   "\v1234\x1c\r",
			max:  4,
			want: []readResult{frame("1234"), failure("EOF")},
		},
		{
			name:      "oversize frame then good frame",
			in:        "\v123456789\x1c\r\vok\x1c\r",
			max:       4,
			want:      []readResult{failure("TooLarge"), frame("ok"), failure("EOF")},
			discarded: 9,
		},
		{
			name:      "oversize frame cut off by start block",
			in:        "\v123456789\vok\x1c\r",
			max:       4,
			want:      []readResult{failure("TooLarge"), frame("ok"), failure("EOF")},
			discarded: 9,
		},
		{
			name:      "oversize frame at end of input",
			in:        "\vok\x1c\r\v123456789",
			max:       4,
			want:      []readResult{frame("ok"), failure("TooLarge"), failure("EOF")},
			discarded: 9,
		},
		{
			name:      "two oversize frames",
			in:        "\v12345\x1c\r\v67890\x1c\r\vok\x1c\r",
			max:       4,
			want:      []readResult{failure("TooLarge"), failure("TooLarge"), frame("ok"), failure("EOF")},
			discarded: 10,
		},
		{
			name: "non-ASCII payload",
			in:   "\vPID|1||||Müller^José\r\x1c\r",
			want: []readResult{frame("PID|1||||Müller^José\r"), failure("EOF")},
		},
	}
	for _, tt := range tests {
		for _, shape := range inputShapes {
			t.Run(tt.name+"/"+shape.name, func(t *testing.T) {
				r := NewReader(shape.make([]byte(tt.in)), tt.max)
				got := readAll(t, r, len(tt.in))
				if fmt.Sprint(got) != fmt.Sprint(tt.want) {
					t.Errorf("results = %v, want %v", got, tt.want)
				}
				if r.Discarded() != tt.discarded {
					t.Errorf("Discarded() = %d, want %d", r.Discarded(), tt.discarded)
				}
			})
		}
	}
}

func TestReadFrameLargePayload(t *testing.T) {
	big := strings.Repeat("OBX|1|ED|PDF||", 200_000) // 2.8 MB, grows the buffer
	in := "\v" + big + "\x1c\r\vsmall\x1c\r"
	for _, shape := range inputShapes[:2] {
		t.Run(shape.name, func(t *testing.T) {
			r := NewReader(shape.make([]byte(in)), 0)
			got := readAll(t, r, len(in))
			want := []readResult{frame(big), frame("small"), failure("EOF")}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Fatalf("large payload not read back intact (%d results)", len(got))
			}
			if len(r.buf) > maxIdleBufferSize {
				t.Errorf("reader kept a %d-byte buffer after the large frame", len(r.buf))
			}
		})
	}
}

func TestReadFrameResumesAfterTimeout(t *testing.T) {
	// A read deadline expiring mid-frame must not lose the partial frame:
	// the next call picks up where the last one stopped.
	r := NewReader(&timeoutReader{chunks: []string{"\vMSH|", "", "a|b", "", "\x1c\r"}}, 0)
	var timeouts int
	for {
		p, err := r.ReadFrame()
		if errors.Is(err, os.ErrDeadlineExceeded) {
			timeouts++
			if timeouts > 10 {
				t.Fatal("too many timeouts")
			}
			continue
		}
		if err != nil {
			t.Fatalf("ReadFrame: %v", err)
		}
		if string(p) != "MSH|a|b" {
			t.Fatalf("payload = %q, want %q", p, "MSH|a|b")
		}
		break
	}
	if timeouts != 2 {
		t.Errorf("saw %d timeouts, want 2", timeouts)
	}
	if _, err := r.ReadFrame(); err != io.EOF {
		t.Errorf("after last frame: err = %v, want io.EOF", err)
	}
}

// timeoutReader returns its chunks one per Read; an empty chunk reads as a
// deadline error, the way a net.Conn reports an expired read deadline.
type timeoutReader struct{ chunks []string }

func (tr *timeoutReader) Read(p []byte) (int, error) {
	if len(tr.chunks) == 0 {
		return 0, io.EOF
	}
	c := tr.chunks[0]
	tr.chunks = tr.chunks[1:]
	if c == "" {
		return 0, os.ErrDeadlineExceeded
	}
	return copy(p, c), nil
}

func TestReadFrameReaderError(t *testing.T) {
	boom := errors.New("boom")
	r := NewReader(iotest.ErrReader(boom), 0)
	_, err := r.ReadFrame()
	if !errors.Is(err, boom) {
		t.Fatalf("err = %v, want it to wrap %v", err, boom)
	}
	if !strings.HasPrefix(err.Error(), "mllp: ") {
		t.Errorf("error %q lacks the package prefix", err)
	}
}

func TestReadFrameNoProgress(t *testing.T) {
	r := NewReader(emptyReader{}, 0)
	if _, err := r.ReadFrame(); !errors.Is(err, io.ErrNoProgress) {
		t.Fatalf("err = %v, want io.ErrNoProgress", err)
	}
}

type emptyReader struct{}

func (emptyReader) Read([]byte) (int, error) { return 0, nil }

func TestReaderReset(t *testing.T) {
	r := NewReader(strings.NewReader("junk\vhalf"), 4)
	if _, err := r.ReadFrame(); !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("err = %v, want io.ErrUnexpectedEOF", err)
	}
	r.Reset(strings.NewReader("\vnext\x1c\r"))
	p, err := r.ReadFrame()
	if err != nil || string(p) != "next" {
		t.Fatalf("after Reset: ReadFrame = %q, %v; want %q", p, err, "next")
	}
	if r.Discarded() != 0 {
		t.Errorf("Discarded() = %d after Reset, want 0", r.Discarded())
	}
}

func TestReadFrameSliceCannotClobberBuffer(t *testing.T) {
	r := NewReader(strings.NewReader("\va\x1c\r\vb\x1c\r"), 0)
	p, err := r.ReadFrame()
	if err != nil {
		t.Fatal(err)
	}
	_ = append(p, "XXXXXXXX"...)
	p, err = r.ReadFrame()
	if err != nil || string(p) != "b" {
		t.Fatalf("second frame = %q, %v; want %q", p, err, "b")
	}
}

// repeatReader yields the same bytes forever.
type repeatReader struct {
	data []byte
	off  int
}

func (rr *repeatReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		c := copy(p[n:], rr.data[rr.off:])
		n += c
		rr.off = (rr.off + c) % len(rr.data)
	}
	return n, nil
}

func TestReadFrameDoesNotAllocate(t *testing.T) {
	msg := "\vMSH|^~\\&|LAB|HOSP|EHR|HOSP|20240101120000||ORU^R01|123|P|2.5\rPID|1||42\r\x1c\r"
	r := NewReader(&repeatReader{data: []byte(msg)}, 0)
	if _, err := r.ReadFrame(); err != nil { // allocates the buffer
		t.Fatal(err)
	}
	allocs := testing.AllocsPerRun(1000, func() {
		if _, err := r.ReadFrame(); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("ReadFrame allocates %.1f times per frame, want 0", allocs)
	}
}

func BenchmarkReadFrame(b *testing.B) {
	payload := strings.Repeat("OBX|1|NM|GLU^Glucose||5.4|mmol/L|3.9-6.1|N|||F\r", 20)
	r := NewReader(&repeatReader{data: appendFrame(nil, []byte(payload))}, 0)
	b.SetBytes(int64(len(payload)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := r.ReadFrame(); err != nil {
			b.Fatal(err)
		}
	}
}
