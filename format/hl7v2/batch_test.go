package hl7v2

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// batchDirs are the shared batch files: python-hl7's samples and Mirth
// Connect's file reader fixtures.
var batchDirs = []string{
	sharedHL7 + "/edge/python-hl7",
	sharedHL7 + "/edge/mirth-connect/server/tests/filereader/batch",
	sharedHL7 + "/edge/mirth-connect/server/tests/filereader/batch/nested",
}

// readShared reads a file of the shared test data, skipping the test when
// the shared directory is not checked out beside the repository.
func readShared(t testing.TB, path string) []byte {
	t.Helper()
	if _, err := os.Stat(sharedHL7); err != nil {
		t.Skipf("shared test data not found at %s (check out shared/ beside the repository): %v", sharedHL7, err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// batchErr checks that err is a batch error located at the given segment
// and byte offset.
func batchErr(t *testing.T, err error, segment string, offset int) {
	t.Helper()
	if !errors.Is(err, ErrBatch) {
		t.Fatalf("error %v does not wrap ErrBatch", err)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error %v is not an *Error", err)
	}
	if e.Loc.Segment != segment || e.Offset != offset {
		t.Errorf("error at %s byte %d, want %s byte %d: %v", e.Loc.Segment, e.Offset, segment, offset, err)
	}
}

// checkBatchMessages checks that every message of f starts with MSH, ends
// with its last segment's terminator and no blank line, and parses.
func checkBatchMessages(t *testing.T, f *BatchFile) {
	t.Helper()
	for i, raw := range f.Messages() {
		if !bytes.HasPrefix(raw, []byte("MSH")) {
			t.Errorf("message %d does not start with MSH: %q", i, raw[:min(len(raw), 20)])
		}
		if trimmed := bytes.TrimRight(raw, "\r\n"); len(raw)-len(trimmed) > 2 {
			t.Errorf("message %d ends with blank lines: %q", i, raw[len(trimmed):])
		}
		if _, err := Parse(raw); err != nil {
			t.Errorf("message %d: %v", i, err)
		}
	}
}

// TestParseBatchSharedFiles reads the shared batch files. python-hl7 accepts
// a header without trailer and a trailer without header (sample_batch3,
// sample_batch4, sample_file2 to sample_file6), as the abstract syntax of
// the standard does; strict parsing refuses them and lenient parsing
// accepts them. The sample_bad_* files have a segment before any MSH, a BHS
// or FHS in the middle of a message: errors in both modes.
func TestParseBatchSharedFiles(t *testing.T) {
	type want struct {
		batches, messages int
		errSeg            string // strict error: segment and offset
		errOff            int
		lenientErr        bool
	}
	tests := map[string]want{
		"python-hl7/sample_batch.hl7":                                    {batches: 1, messages: 1},
		"python-hl7/sample_batch1.hl7":                                   {batches: 1, messages: 2},
		"python-hl7/sample_batch2.hl7":                                   {batches: 1, messages: 2},
		"python-hl7/sample_batch3.hl7":                                   {batches: 1, messages: 1, errSeg: "BHS", errOff: 0},
		"python-hl7/sample_batch4.hl7":                                   {batches: 1, messages: 1, errSeg: "BTS", errOff: 280},
		"python-hl7/sample_file.hl7":                                     {batches: 1, messages: 1},
		"python-hl7/sample_file1.hl7":                                    {batches: 2, messages: 3},
		"python-hl7/sample_file2.hl7":                                    {batches: 1, messages: 2, errSeg: "MSH", errOff: 67},
		"python-hl7/sample_file3.hl7":                                    {batches: 1, messages: 1, errSeg: "FHS", errOff: 0},
		"python-hl7/sample_file4.hl7":                                    {batches: 1, messages: 1, errSeg: "FTS", errOff: 351},
		"python-hl7/sample_file5.hl7":                                    {batches: 1, messages: 1, errSeg: "FTS", errOff: 412},
		"python-hl7/sample_file6.hl7":                                    {batches: 1, messages: 1, errSeg: "MSH", errOff: 67},
		"python-hl7/sample_hl7.hl7":                                      {batches: 1, messages: 1},
		"python-hl7/sample_bad_batch.hl7":                                {errSeg: "EVN", errOff: 65, lenientErr: true},
		"python-hl7/sample_bad_batch1.hl7":                               {errSeg: "BHS", errOff: 183, lenientErr: true},
		"python-hl7/sample_bad_file.hl7":                                 {errSeg: "EVN", errOff: 132, lenientErr: true},
		"python-hl7/sample_bad_file1.hl7":                                {errSeg: "BHS", errOff: 250, lenientErr: true},
		"python-hl7/sample_bad_file2.hl7":                                {errSeg: "FHS", errOff: 250, lenientErr: true},
		"python-hl7/sample_bad_file3.hl7":                                {errSeg: "EVN", errOff: 67, lenientErr: true},
		"mirth-connect/server/tests/filereader/batch/batch01.hl7":        {batches: 1, messages: 3},
		"mirth-connect/server/tests/filereader/batch/batch02.hl7":        {batches: 1, messages: 1},
		"mirth-connect/server/tests/filereader/batch/batch03.hl7":        {batches: 1, messages: 2},
		"mirth-connect/server/tests/filereader/batch/nested/batch04.hl7": {batches: 1, messages: 3},
	}
	for name, w := range tests {
		t.Run(name, func(t *testing.T) {
			data := readShared(t, sharedHL7+"/edge/"+name)
			f, err := ParseBatch(data)
			if w.errSeg != "" {
				if err == nil {
					t.Fatalf("strict: no error, want one at %s", w.errSeg)
				}
				batchErr(t, err, w.errSeg, w.errOff)
			} else if err != nil {
				t.Fatalf("strict: %v", err)
			} else if len(f.Batches) != w.batches || len(f.Messages()) != w.messages {
				t.Errorf("strict: %d batches, %d messages; want %d, %d", len(f.Batches), len(f.Messages()), w.batches, w.messages)
			} else {
				checkBatchMessages(t, f)
			}

			f, err = ParseBatchWith(data, BatchOptions{Lenient: true})
			if w.lenientErr {
				if err == nil {
					t.Fatal("lenient: no error")
				}
				batchErr(t, err, w.errSeg, w.errOff)
				return
			}
			if err != nil {
				t.Fatalf("lenient: %v", err)
			}
			if len(f.Batches) != w.batches || len(f.Messages()) != w.messages {
				t.Errorf("lenient: %d batches, %d messages; want %d, %d", len(f.Batches), len(f.Messages()), w.batches, w.messages)
			}
			checkBatchMessages(t, f)
		})
	}
}

// TestParseBatchEveryPythonSample makes sure no python-hl7 batch sample is
// left out of the table above when the shared data grows.
func TestParseBatchEveryPythonSample(t *testing.T) {
	if _, err := os.Stat(sharedHL7); err != nil {
		t.Skipf("shared test data not found at %s: %v", sharedHL7, err)
	}
	files, err := filepath.Glob(sharedHL7 + "/edge/python-hl7/sample_*.hl7")
	if err != nil || len(files) == 0 {
		t.Fatalf("no python-hl7 samples: %v", err)
	}
	for _, path := range files {
		base := filepath.Base(path)
		if strings.HasPrefix(base, "sample_bad_") {
			data := readShared(t, path)
			if _, err := ParseBatchWith(data, BatchOptions{Lenient: true}); !errors.Is(err, ErrBatch) {
				t.Errorf("%s: got %v, want a batch error even when lenient", base, err)
			}
		}
	}
}

// TestParseBatchStructure checks the headers, trailers and message bytes of
// a two-batch file.
func TestParseBatchStructure(t *testing.T) {
	data := readShared(t, sharedHL7+"/edge/python-hl7/sample_file1.hl7")
	f, err := ParseBatch(data)
	if err != nil {
		t.Fatal(err)
	}
	if got := f.Header.Field(1).String() + f.Header.Field(2).String(); got != `|^~\&` {
		t.Errorf("FHS-1 and FHS-2 = %q", got)
	}
	if got := f.Header.Field(4).String(); got != "ABCHS" {
		t.Errorf("FHS-4 = %q, want ABCHS", got)
	}
	if got := f.Header.Field(10).String(); got != "abchs20070101123401.hl7" {
		t.Errorf("FHS-10 = %q", got)
	}
	if got := f.Trailer.Field(1).String(); got != "2" {
		t.Errorf("FTS-1 = %q, want 2", got)
	}
	if len(f.Batches) != 2 {
		t.Fatalf("%d batches, want 2", len(f.Batches))
	}
	b := f.Batches[1]
	if got := b.Header.Field(11).String(); got != "abchs20070101123401-2" {
		t.Errorf("second BHS-11 = %q", got)
	}
	if got := b.Trailer.Field(1).String(); got != "1" {
		t.Errorf("second BTS-1 = %q", got)
	}
	var ids []string
	for _, raw := range f.Messages() {
		m, err := Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ControlID())
		if !bytes.HasSuffix(raw, []byte("PV1|1|O||||^^^^^1\r")) {
			t.Errorf("message does not end with its last segment and terminator: %q", raw[max(0, len(raw)-30):])
		}
	}
	if got := strings.Join(ids, ","); got != "12334456778890,12334456778891,12334456778890" {
		t.Errorf("control IDs %s", got)
	}
}

// TestParseBatchRules covers each structural rule with small inputs.
func TestParseBatchRules(t *testing.T) {
	const (
		msh  = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\r"
		msh2 = "MSH|^~\\&|A|B|C|D|20240101||ADT^A01|2|P|2.5\r"
		pid  = "PID|1||42\r"
		fhs  = "FHS|^~\\&|A\r"
		bhs  = "BHS|^~\\&|A\r"
	)
	tests := []struct {
		name, in string
		strict   string // "" when strict parsing accepts it, else the error's segment
		lenient  string // the same for lenient parsing
		batches  []int  // messages per batch, when accepted
	}{
		{"plain messages", msh + pid + msh2, "", "", []int{2}},
		{"one message", msh, "", "", []int{1}},
		{"batch", bhs + msh + pid + msh2 + "BTS|2\r", "", "", []int{2}},
		{"file", fhs + bhs + msh + "BTS|1\r" + bhs + msh2 + "BTS|1\rFTS|2\r", "", "", []int{1, 1}},
		{"empty batch", bhs + "BTS|0\r", "", "", []int{0}},
		{"empty file", fhs + "FTS|0\r", "", "", []int{}},
		{"counts not valued", fhs + bhs + msh + "BTS\rFTS|\r", "", "", []int{1}},
		{"count with spaces", bhs + msh + "BTS| 1 \r", "", "", []int{1}},
		{"several BHS batches without FHS", bhs + msh + "BTS|1\r" + bhs + msh2 + "BTS|1\r", "", "", []int{1, 1}},
		{"LF and blank lines", strings.ReplaceAll(fhs+bhs+msh+pid+"BTS|1\rFTS|1\r", "\r", "\n\n \n"), "", "", []int{1}},
		{"CRLF", strings.ReplaceAll(bhs+msh+pid+"BTS|1\r", "\r", "\r\n"), "", "", []int{1}},
		{"byte-order mark", "\xef\xbb\xbf" + bhs + msh + "BTS|1\r", "", "", []int{1}},
		{"other delimiters", "BHS#^~\\&#A\rMSH#^~\\&#A#B\rBTS#1\r", "", "", []int{1}},

		{"BHS without BTS", bhs + msh, "BHS", "", []int{1}},
		{"BTS without BHS", msh + "BTS|1\r", "BTS", "", []int{1}},
		{"FHS without FTS", fhs + bhs + msh + "BTS|1\r", "FHS", "", []int{1}},
		{"FTS without FHS", bhs + msh + "BTS|1\rFTS|1\r", "FTS", "", []int{1}},
		{"BTS missing before FTS", fhs + bhs + msh + "FTS|1\r", "FTS", "", []int{1}},
		{"message before BHS in a file", fhs + msh + bhs + msh2 + "BTS|1\rFTS|2\r", "MSH", "", []int{1, 1}},
		{"message after BTS", bhs + msh + "BTS|1\r" + msh2, "MSH", "", []int{1, 1}},
		{"bare messages then BHS", msh + bhs + msh2 + "BTS|1\r", "BHS", "", []int{1, 1}},
		{"lone BTS", "BTS|0\r", "BTS", "", []int{0}},

		{"BHS inside a batch", bhs + msh + bhs + msh2 + "BTS|1\r", "BHS", "BHS", nil},
		{"BHS inside a message", bhs + msh + bhs + pid + "BTS|1\r", "BHS", "BHS", nil},
		{"second FHS", fhs + bhs + msh + "BTS|1\r" + fhs, "FHS", "FHS", nil},
		{"FHS not first", bhs + msh + "BTS|1\r" + fhs, "FHS", "FHS", nil},
		{"segment before MSH", bhs + pid + msh + "BTS|2\r", "PID", "PID", nil},
		{"segment after FTS", fhs + bhs + msh + "BTS|1\rFTS|1\r" + msh2, "MSH", "MSH", nil},
		{"BTS count too high", bhs + msh + "BTS|2\r", "BTS", "BTS", nil},
		{"BTS count too low", bhs + msh + msh2 + "BTS|1\r", "BTS", "BTS", nil},
		{"FTS count wrong", fhs + bhs + msh + "BTS|1\rFTS|3\r", "FTS", "FTS", nil},
		{"count not a number", bhs + msh + "BTS|one\r", "BTS", "BTS", nil},
		{"negative count", bhs + "BTS|-0\r", "BTS", "BTS", nil},
		{"empty input", "", "", "", nil},
		{"only blank lines", "\r\n \r\n", "", "", nil},
		{"bad BHS delimiters", "BHS|^^\r" + msh + "BTS|1\r", "BHS", "BHS", nil},
	}
	for _, tt := range tests {
		for _, lenient := range []bool{false, true} {
			want := tt.strict
			if lenient {
				want = tt.lenient
			}
			f, err := ParseBatchWith([]byte(tt.in), BatchOptions{Lenient: lenient})
			if strings.TrimSpace(tt.in) == "" {
				// Input with no segment at all.
				if !errors.Is(err, ErrBatch) {
					t.Errorf("%s (lenient %v): got %v, want a batch error", tt.name, lenient, err)
				}
				continue
			}
			if want != "" {
				var e *Error
				if !errors.Is(err, ErrBatch) || !errors.As(err, &e) || e.Loc.Segment != want {
					t.Errorf("%s (lenient %v): got %v, want a batch error at %s", tt.name, lenient, err, want)
				}
				continue
			}
			if err != nil {
				t.Errorf("%s (lenient %v): %v", tt.name, lenient, err)
				continue
			}
			var got []int
			for _, b := range f.Batches {
				got = append(got, len(b.Messages))
			}
			if !equalInts(got, tt.batches) {
				t.Errorf("%s (lenient %v): messages per batch %v, want %v", tt.name, lenient, got, tt.batches)
			}
			checkBatchMessages(t, f)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// TestParseBatchErrorDetails checks what an error tells: code, field and
// byte offset of a wrong count, and the encoding-character cause of a bad
// header.
func TestParseBatchErrorDetails(t *testing.T) {
	in := "BHS|^~\\&\rMSH|^~\\&|A\rBTS|7\r"
	_, err := ParseBatch([]byte(in))
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("got %v", err)
	}
	want := Location{Segment: "BTS", Sequence: 3, Field: 1}
	if e.Loc != want || e.Offset != strings.Index(in, "7") || e.Code != CodeSegmentSequence {
		t.Errorf("got %+v at %d code %d, want %+v at %d", e.Loc, e.Offset, e.Code, want, strings.Index(in, "7"))
	}
	if msg := err.Error(); !strings.Contains(msg, "BTS-1") || !strings.Contains(msg, "is 7, but there are 1 messages") {
		t.Errorf("message %q", msg)
	}

	_, err = ParseBatch([]byte("BHS|^~\\&\rMSH|^~\\&|A\rBTS|x\r"))
	if !errors.As(err, &e) || e.Code != CodeDataType {
		t.Errorf("non-numeric count: %v", err)
	}

	_, err = ParseBatch([]byte("MSH|^~\\&|A\r" + "BTS|1\rBHS|^~^\r"))
	if !errors.Is(err, ErrBatch) {
		t.Errorf("got %v", err)
	}
	_, err = ParseBatch([]byte("BHS|^~^\rMSH|^~\\&|A\rBTS|1\r"))
	if !errors.Is(err, ErrBatch) || !errors.Is(err, ErrEncodingChars) {
		t.Errorf("bad BHS-2: got %v, want ErrBatch and ErrEncodingChars", err)
	}
}

// TestParseBatchMessagesAreSubslices checks that messages refer to the input
// and cannot grow into the bytes that follow them.
func TestParseBatchMessagesAreSubslices(t *testing.T) {
	in := []byte("BHS|^~\\&\rMSH|^~\\&|A\r\r\rMSH|^~\\&|B\rBTS|2\r")
	f, err := ParseBatch(in)
	if err != nil {
		t.Fatal(err)
	}
	msgs := f.Messages()
	if string(msgs[0]) != "MSH|^~\\&|A\r" || string(msgs[1]) != "MSH|^~\\&|B\r" {
		t.Fatalf("messages %q", msgs)
	}
	_ = append(msgs[0], 'X')
	if !bytes.Equal(in, []byte("BHS|^~\\&\rMSH|^~\\&|A\r\r\rMSH|^~\\&|B\rBTS|2\r")) {
		t.Error("appending to a message overwrote the input")
	}
}

// FuzzBatch checks that ParseBatch never panics and that every message it
// returns starts with MSH and lies within the input.
func FuzzBatch(f *testing.F) {
	for _, dir := range batchDirs {
		files, _ := filepath.Glob(dir + "/*.hl7")
		for _, path := range files {
			if data, err := os.ReadFile(path); err == nil {
				f.Add(data, false)
				f.Add(data, true)
			}
		}
	}
	f.Add([]byte("FHS|^~\\&\nBHS|^~\\&\nMSH|^~\\&|A\nBTS|1\nFTS|1\n"), false)
	f.Add([]byte("\xef\xbb\xbfBHS#^~\\&\r\nMSH#^~\\&#A\r\n\r\nBTS#1"), true)
	f.Fuzz(func(t *testing.T, data []byte, lenient bool) {
		file, err := ParseBatchWith(data, BatchOptions{Lenient: lenient})
		if err != nil {
			if !errors.Is(err, ErrBatch) {
				t.Fatalf("error %v does not wrap ErrBatch", err)
			}
			return
		}
		for _, raw := range file.Messages() {
			if !bytes.HasPrefix(raw, []byte("MSH")) {
				t.Fatalf("message does not start with MSH: %q", raw)
			}
			_, _ = Parse(raw)
		}
	})
}

// BenchmarkParseBatch measures ParseBatch on the 2000 simulated hospital
// messages, beside the baseline of splitting the same bytes into lines
// with bufio.Scanner.
func BenchmarkParseBatch(b *testing.B) {
	data := readShared(b, sharedHL7+"/simhospital/simhospital_2000.hl7")
	b.Run("ParseBatch", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := ParseBatch(data); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("BaselineScanLines", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		b.ReportAllocs()
		for b.Loop() {
			s := bufio.NewScanner(bytes.NewReader(data))
			s.Split(scanCRLines)
			for s.Scan() {
			}
		}
	})
}
