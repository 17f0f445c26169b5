package hl7v2

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/iotest"
)

// readAll reads every message from r and describes each result: "msg:" and
// the message, or "err:" with the sentinel and the offset.
func readAll(t *testing.T, r *Reader) []string {
	t.Helper()
	var out []string
	for range 10000 {
		msg, err := r.Next()
		if err == io.EOF {
			if msg != nil {
				t.Errorf("io.EOF with a message")
			}
			return out
		}
		var e *Error
		switch {
		case err == nil:
			out = append(out, "msg:"+string(msg))
		case errors.As(err, &e):
			out = append(out, fmt.Sprintf("err:%v@%d", e.Err, e.Offset))
			if e.Offset != int(r.Offset()) {
				t.Errorf("error offset %d, Offset() %d", e.Offset, r.Offset())
			}
		default:
			out = append(out, "err:"+err.Error())
			return out
		}
	}
	t.Fatal("reader does not stop")
	return nil
}

// readers returns the ways a test reads the same input: at once, one byte
// at a time, and in halves.
func readers(in string) map[string]func() io.Reader {
	return map[string]func() io.Reader{
		"whole":    func() io.Reader { return strings.NewReader(in) },
		"one byte": func() io.Reader { return iotest.OneByteReader(strings.NewReader(in)) },
		"half":     func() io.Reader { return iotest.HalfReader(strings.NewReader(in)) },
		"data+EOF": func() io.Reader { return iotest.DataErrReader(strings.NewReader(in)) },
	}
}

func TestReaderSplits(t *testing.T) {
	const (
		m1 = "MSH|^~\\&|A|B\rPID|1\r"
		m2 = "MSH|^~\\&|C|D\rPID|2\r"
	)
	noMSH := "err:" + ErrNoMSH.Error()
	tests := []struct {
		name, in string
		want     []string
	}{
		{"empty", "", nil},
		{"blank lines only", "\r\n\r\n  \n", nil},
		{"one message", m1, []string{"msg:" + m1}},
		{"no final terminator", "MSH|^~\\&|A\rPID|1", []string{"msg:MSH|^~\\&|A\rPID|1"}},
		{"back to back", m1 + m2, []string{"msg:" + m1, "msg:" + m2}},
		{"blank lines between", m1 + "\r\r\n\n" + m2 + "\n\n", []string{"msg:" + m1, "msg:" + m2 + "\n"}}, // CR LF is one line break
		{"LF", "MSH|^~\\&|A\nPID|1\n\nMSH|^~\\&|C\nPID|2\n", []string{"msg:MSH|^~\\&|A\nPID|1\n", "msg:MSH|^~\\&|C\nPID|2\n"}},
		{"CRLF", "MSH|^~\\&|A\r\nPID|1\r\n\r\nMSH|^~\\&|C\r\n", []string{"msg:MSH|^~\\&|A\r\nPID|1\r\n", "msg:MSH|^~\\&|C\r\n"}},
		{"blank line inside a message", "MSH|^~\\&|A\r\rPID|1\r \t\r", []string{"msg:MSH|^~\\&|A\r\rPID|1\r"}},
		{"leading blank lines", "\r\n\r\n" + m1, []string{"msg:" + m1}},
		{"byte-order mark", "\xef\xbb\xbf" + m1 + "\xef\xbb\xbf" + m2, []string{"msg:" + m1, "msg:" + m2}},
		{"MSH not at line start", "MSH|^~\\&|A\rNTE|1||see MSH|^~\\&\r", []string{"msg:MSH|^~\\&|A\rNTE|1||see MSH|^~\\&\r"}},
		{"MSH without field separator is data", "MSH|^~\\&|A\rMSHX|1\rMSH\r", []string{"msg:MSH|^~\\&|A\rMSHX|1\rMSH\r"}},
		{"other delimiters", "MSH#^~\\&#A\rPID#1\rMSH*^~\\&*B\r", []string{"msg:MSH#^~\\&#A\rPID#1\r", "msg:MSH*^~\\&*B\r"}},
		{"batch wrappers skipped", "FHS|^~\\&\rBHS|^~\\&\r" + m1 + m2 + "BTS|2\rFTS|1\r", []string{"msg:" + m1, "msg:" + m2}},
		{"wrapper ends a message", m1 + "BTS|1\rBHS|^~\\&\r" + m2 + "BTS", []string{"msg:" + m1, "msg:" + m2}},
		{"garbage first", "hello\rworld\r" + m1, []string{noMSH + "@0", "msg:" + m1}},
		{"garbage after BOM", "\xef\xbb\xbfPID|1\r" + m1, []string{noMSH + "@0", "msg:" + m1}},
		{"garbage only", "not hl7 at all", []string{noMSH + "@0"}},
		{"segments after a batch trailer", m1 + "BTS|1\rPID|9\r\rOBX|1\r" + m2, []string{"msg:" + m1, noMSH + "@25", "msg:" + m2}},
		{"header in the middle of a message", "MSH|^~\\&|A\rEVN|1\rBHS|^~\\&\rPID|1\rBTS|1\r", []string{"msg:MSH|^~\\&|A\rEVN|1\r", noMSH + "@26"}},
	}
	for _, tt := range tests {
		for how, open := range readers(tt.in) {
			got := readAll(t, NewReader(open()))
			if strings.Join(got, "\n---\n") != strings.Join(tt.want, "\n---\n") {
				t.Errorf("%s, read %s:\ngot  %q\nwant %q", tt.name, how, got, tt.want)
			}
		}
	}
}

// TestReaderSimHospital reads the 2000-message simulated hospital file, in
// which messages are separated by blank lines, whole and one byte at a time.
func TestReaderSimHospital(t *testing.T) {
	data := readShared(t, sharedHL7+"/simhospital/simhospital_2000.hl7")
	batch, err := ParseBatch(data)
	if err != nil {
		t.Fatal(err)
	}
	want := batch.Messages()
	for name, rd := range map[string]io.Reader{
		"whole":    bytes.NewReader(data),
		"one byte": iotest.OneByteReader(bytes.NewReader(data)),
	} {
		r := NewReader(rd)
		n := 0
		var m Message
		for {
			msg, err := r.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: message %d: %v", name, n, err)
			}
			if err := m.Parse(msg); err != nil {
				t.Fatalf("%s: message %d: %v", name, n, err)
			}
			if n < len(want) && !bytes.Equal(msg, want[n]) {
				t.Fatalf("%s: message %d differs from ParseBatch's", name, n)
			}
			if bytes.HasSuffix(msg, []byte("\n\n")) {
				t.Fatalf("%s: message %d keeps the blank line after it", name, n)
			}
			n++
		}
		if n != 2000 {
			t.Errorf("%s: %d messages, want 2000", name, n)
		}
	}
}

// TestReaderSharedFiles checks the reader against ParseBatch on every
// shared file that ParseBatch accepts leniently: the same messages.
func TestReaderSharedFiles(t *testing.T) {
	for _, dir := range batchDirs {
		files, _ := filepath.Glob(dir + "/*.hl7")
		for _, path := range files {
			data := readShared(t, path)
			f, err := ParseBatchWith(data, BatchOptions{Lenient: true})
			if err != nil {
				continue
			}
			var want []string
			for _, m := range f.Messages() {
				want = append(want, "msg:"+string(m))
			}
			got := readAll(t, NewReader(iotest.OneByteReader(bytes.NewReader(data))))
			if strings.Join(got, "\x00") != strings.Join(want, "\x00") {
				t.Errorf("%s: reader and ParseBatch disagree:\n%q\n%q", path, got, want)
			}
		}
	}
}

func TestReaderMaxSize(t *testing.T) {
	small := "MSH|^~\\&|A||||||ADT^A01|SMALL|P|2.5\rPID|1\r"
	big := "MSH|^~\\&|A||||||ADT^A01|BIG|P|2.5\r" + strings.Repeat("OBX|1|TX|||"+strings.Repeat("x", 60)+"\r", 20)
	in := small + "\r\n" + big + "\n\n" + small
	for how, open := range readers(in) {
		r := NewReader(open())
		r.SetMaxSize(len(small))
		msg, err := r.Next()
		if err != nil || string(msg) != small {
			t.Fatalf("%s: first message %q, %v; a message of exactly the limit must pass", how, msg, err)
		}
		msg, err = r.Next()
		var e *Error
		if !errors.Is(err, ErrTooLarge) || !errors.As(err, &e) {
			t.Fatalf("%s: got %q, %v; want ErrTooLarge", how, msg, err)
		}
		if wantOff := len(small) + 2; e.Offset != wantOff || r.Offset() != int64(wantOff) {
			t.Errorf("%s: error at %d, Offset %d; want %d", how, e.Offset, r.Offset(), wantOff)
		}
		if want := "MSH|^~\\&|A||||||ADT^A01|BIG|P|2.5"; string(msg) != want {
			t.Errorf("%s: header %q, want %q", how, msg, want)
		}
		if !strings.Contains(err.Error(), fmt.Sprintf("limit of %d bytes", len(small))) {
			t.Errorf("%s: message %q", how, err)
		}
		msg, err = r.Next()
		if err != nil || string(msg) != small {
			t.Errorf("%s: after the large message: %q, %v", how, msg, err)
		}
		if _, err := r.Next(); err != io.EOF {
			t.Errorf("%s: got %v, want io.EOF", how, err)
		}
	}
}

// TestReaderBoundedMemory feeds a message with a 16 MiB line and a stream
// of 20000 messages, neither held in memory by the test, and checks the
// reader's buffer stays small.
func TestReaderBoundedMemory(t *testing.T) {
	huge := io.MultiReader(
		strings.NewReader("MSH|^~\\&|A\rOBX|1|ED|||"),
		io.LimitReader(repeatReader('A'), 16<<20),
		strings.NewReader("\rMSH|^~\\&|B\r"),
	)
	r := NewReader(huge)
	r.SetMaxSize(1 << 20)
	if _, err := r.Next(); !errors.Is(err, ErrTooLarge) {
		t.Fatalf("got %v, want ErrTooLarge", err)
	}
	if msg, err := r.Next(); err != nil || string(msg) != "MSH|^~\\&|B\r" {
		t.Fatalf("after the huge message: %q, %v", msg, err)
	}
	if c := cap(r.buf); c > 4<<20 {
		t.Errorf("buffer grew to %d bytes for a 1 MiB limit", c)
	}

	msg := []byte("MSH|^~\\&|A||||||ADT^A01|1|P|2.5\rPID|1||42\r\r")
	stream := io.LimitReader(&cycleReader{b: msg}, int64(len(msg))*20000)
	r = NewReader(stream)
	n := 0
	for {
		_, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 20000 {
		t.Errorf("%d messages, want 20000", n)
	}
	if c := cap(r.buf); c > 64<<10 {
		t.Errorf("buffer grew to %d bytes for small messages", c)
	}
}

type repeatReader byte

func (b repeatReader) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

type cycleReader struct {
	b []byte
	i int
}

func (c *cycleReader) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		k := copy(p[n:], c.b[c.i:])
		n += k
		c.i = (c.i + k) % len(c.b)
	}
	return n, nil
}

// TestReaderReadError checks that the messages before a read error are
// returned, then the error, on every later call too, and that the message
// the error cut short is not.
func TestReaderReadError(t *testing.T) {
	boom := errors.New("connection reset")
	in := "MSH|^~\\&|A\rPID|1\r\rMSH|^~\\&|B\rPID|2\rMSH|^~\\&|C\rPI"
	for how, open := range readers(in) {
		r := NewReader(io.MultiReader(open(), iotest.ErrReader(boom)))
		got := readAll(t, r)
		want := []string{"msg:MSH|^~\\&|A\rPID|1\r", "msg:MSH|^~\\&|B\rPID|2\r", "err:connection reset"}
		if strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("%s: got %q, want %q", how, got, want)
		}
		if _, err := r.Next(); err != boom {
			t.Errorf("%s: second call after the failure: %v", how, err)
		}
	}
}

// TestReaderFreshSlices checks that returned messages do not share memory
// with the reader or with each other.
func TestReaderFreshSlices(t *testing.T) {
	r := NewReader(strings.NewReader("MSH|^~\\&|A\rMSH|^~\\&|B\r"))
	a, _ := r.Next()
	a[len(a)-2] = 'X'
	a = append(a, "ZZZ"...)
	b, _ := r.Next()
	if string(b) != "MSH|^~\\&|B\r" {
		t.Errorf("second message %q after changing the first", b)
	}
	_ = a
}

func TestReaderReset(t *testing.T) {
	r := NewReader(strings.NewReader("junk\rMSH|^~\\&|A\r"))
	r.SetMaxSize(100)
	if _, err := r.Next(); !errors.Is(err, ErrNoMSH) {
		t.Fatalf("got %v", err)
	}
	r.Reset(strings.NewReader("\rMSH|^~\\&|B\r"))
	msg, err := r.Next()
	if err != nil || string(msg) != "MSH|^~\\&|B\r" || r.Offset() != 1 {
		t.Errorf("after Reset: %q, %v, offset %d", msg, err, r.Offset())
	}
	if r.max != 100 {
		t.Errorf("Reset lost the size limit")
	}
}

// TestReaderAllocations checks the hot path allocates one slice per
// message once the buffer has grown.
func TestReaderAllocations(t *testing.T) {
	msg := []byte("MSH|^~\\&|A||||||ADT^A01|1|P|2.5\rPID|1||42\r\n")
	stream := bytes.Repeat(msg, 100)
	r := NewReader(bytes.NewReader(stream))
	rd := bytes.NewReader(stream)
	allocs := testing.AllocsPerRun(20, func() {
		rd.Reset(stream)
		r.Reset(rd)
		for {
			if _, err := r.Next(); err != nil {
				break
			}
		}
	})
	if allocs > 101 {
		t.Errorf("%.0f allocations for 100 messages", allocs)
	}
}

// FuzzReader checks that the reader never panics, that each message starts
// with MSH and is part of the input, that reading one byte at a time gives
// the same results, and that it always reaches the end.
func FuzzReader(f *testing.F) {
	for _, dir := range batchDirs {
		files, _ := filepath.Glob(dir + "/*.hl7")
		for _, path := range files {
			if data, err := os.ReadFile(path); err == nil {
				f.Add(data, 0)
				f.Add(data, 200)
			}
		}
	}
	f.Add([]byte("junk\r\xef\xbb\xbfMSH|^~\\&|A\r\n\r\nBHS|^~\\&\rMSH#^~\\&#B\nPID#1\rBTS|1"), 0)
	f.Add([]byte("MSH|^~\\&|A\rOBX|1|TX|||long text here\rMSH|^~\\&|B\r"), 20)
	f.Fuzz(func(t *testing.T, data []byte, limit int) {
		var results [2][]string
		for i, rd := range []io.Reader{bytes.NewReader(data), iotest.OneByteReader(bytes.NewReader(data))} {
			r := NewReader(rd)
			r.SetMaxSize(limit)
			for n := 0; ; n++ {
				if n > len(data)+1 {
					t.Fatal("reader returns more results than the input has bytes")
				}
				msg, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					if !errors.Is(err, ErrNoMSH) && !errors.Is(err, ErrTooLarge) {
						t.Fatalf("unexpected error %v", err)
					}
					results[i] = append(results[i], err.Error())
					continue
				}
				if !bytes.HasPrefix(msg, []byte("MSH")) || !bytes.Contains(data, msg) {
					t.Fatalf("message %q does not start with MSH or is not in the input", msg)
				}
				results[i] = append(results[i], string(msg))
			}
		}
		if strings.Join(results[0], "\x00") != strings.Join(results[1], "\x00") {
			t.Fatalf("whole and byte-at-a-time reads differ:\n%q\n%q", results[0], results[1])
		}
	})
}

// BenchmarkReader measures splitting a stream of ADT messages separated by
// blank lines, beside the baseline of splitting it into lines with
// bufio.Scanner, which knows nothing of messages.
func BenchmarkReader(b *testing.B) {
	msg := loadBench(b, "testdata/adt_a01.hl7")
	stream := bytes.Repeat(append(bytes.TrimRight(msg, "\r\n"), "\r\n\n"...), 1000)
	b.Run("Reader", func(b *testing.B) {
		b.SetBytes(int64(len(stream)))
		b.ReportAllocs()
		rd := bytes.NewReader(stream)
		r := NewReader(rd)
		for b.Loop() {
			rd.Reset(stream)
			r.Reset(rd)
			for {
				if _, err := r.Next(); err != nil {
					break
				}
			}
		}
	})
	b.Run("BaselineScanLines", func(b *testing.B) {
		b.SetBytes(int64(len(stream)))
		b.ReportAllocs()
		for b.Loop() {
			s := bufio.NewScanner(bytes.NewReader(stream))
			s.Split(scanCRLines)
			for s.Scan() {
			}
		}
	})
}

// scanCRLines is bufio.ScanLines for lines ended by CR or LF.
func scanCRLines(data []byte, atEOF bool) (int, []byte, error) {
	if i := lineBreak(data); i >= 0 {
		return i + 1, data[:i], nil
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}
