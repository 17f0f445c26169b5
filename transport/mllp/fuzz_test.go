package mllp

import (
	"bytes"
	"fmt"
	"io"
	"testing"
	"testing/iotest"
)

// FuzzReader feeds arbitrary bytes to the frame reader and checks the
// properties the rest of Plexus relies on:
//
//   - it terminates, and every call either consumes input or ends it;
//   - no payload contains VT or FS, and none exceeds the size limit;
//   - payload bytes plus discarded bytes never exceed the input;
//   - the outcome does not depend on how the input is split into reads;
//   - payloads without framing bytes survive Writer -> Reader unchanged.
func FuzzReader(f *testing.F) {
	seeds := []string{
		"",
		"\vMSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\r\x1c\r",
		"\va\x1c\r\vb\x1c\r",
		"\r\njunk\va\x1c\r\n",
		"\va\x1c\vb\x1c",
		"\vpartial\vwhole\x1c\r",
		"\v123456789\x1c\r\vok\x1c\r",
		"\v123456789\vok\x1c\r",
		"\vtruncated",
		"\x1c\r\x1c\v\v\x1c",
		"\v\x1c\r",
	}
	for _, s := range seeds {
		f.Add([]byte(s), uint16(4))
		f.Add([]byte(s), uint16(1000))
	}
	f.Fuzz(func(t *testing.T, data []byte, limit uint16) {
		max := int(limit)%4096 + 1

		whole := NewReader(bytes.NewReader(data), max)
		got := readAll(t, whole, len(data))
		var payloadBytes int64
		for _, res := range got {
			if res.err != "" {
				if res.err != "EOF" && res.err != "UnexpectedEOF" && res.err != "TooLarge" {
					t.Fatalf("unexpected error %s", res.err)
				}
				continue
			}
			p := res.payload
			if bytes.IndexByte([]byte(p), startBlock) >= 0 || bytes.IndexByte([]byte(p), endBlock) >= 0 {
				t.Fatalf("payload %q contains a framing byte", p)
			}
			if len(p) > max {
				t.Fatalf("payload of %d bytes exceeds the limit of %d", len(p), max)
			}
			payloadBytes += int64(len(p))
		}
		if payloadBytes+whole.Discarded() > int64(len(data)) {
			t.Fatalf("%d payload + %d discarded bytes from %d bytes of input",
				payloadBytes, whole.Discarded(), len(data))
		}

		bytewise := NewReader(iotest.OneByteReader(bytes.NewReader(data)), max)
		if got2 := readAll(t, bytewise, len(data)); fmt.Sprint(got2) != fmt.Sprint(got) {
			t.Fatalf("bytewise reads gave %v, whole reads %v", got2, got)
		}
		if bytewise.Discarded() != whole.Discarded() {
			t.Fatalf("bytewise discarded %d, whole %d", bytewise.Discarded(), whole.Discarded())
		}

		// Round trip: the input with framing bytes removed, split into a
		// few payloads at '|', written and read back.
		clean := make([]byte, 0, len(data))
		for _, b := range data {
			if b != startBlock && b != endBlock {
				clean = append(clean, b)
			}
		}
		parts := bytes.Split(clean, []byte("|"))
		var stream bytes.Buffer
		w := NewWriter(&stream)
		for _, p := range parts {
			if err := w.WriteFrame(p); err != nil {
				t.Fatalf("WriteFrame(%q): %v", p, err)
			}
		}
		r := NewReader(&stream, len(clean)+1)
		for i, want := range parts {
			p, err := r.ReadFrame()
			if err != nil {
				t.Fatalf("reading back payload %d: %v", i, err)
			}
			if !bytes.Equal(p, want) {
				t.Fatalf("payload %d read back as %q, want %q", i, p, want)
			}
		}
		if _, err := r.ReadFrame(); err != io.EOF {
			t.Fatalf("after round trip: err = %v, want EOF", err)
		}
		if r.Discarded() != 0 {
			t.Fatalf("round trip discarded %d bytes", r.Discarded())
		}
	})
}
