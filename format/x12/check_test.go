package x12

import (
	"bytes"
	"io"
	"os"
	"strings"
	"testing"
	"testing/iotest"
)

// fixture returns the corrected 837P claim file.
func fixture(t testing.TB) string {
	t.Helper()
	raw, err := os.ReadFile("testdata/837p.x12")
	if err != nil {
		t.Fatal(err)
	}
	return string(raw)
}

// checkOne checks input holding one interchange and returns its verdict.
func checkOne(t *testing.T, input string, cfg Config) *InterchangeResult {
	t.Helper()
	res, err := Check(strings.NewReader(input), cfg)
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	if len(res) != 1 {
		t.Fatalf("got %d verdicts, want 1", len(res))
	}
	return res[0]
}

func TestCheckEnvelope(t *testing.T) {
	valid := fixture(t)
	tests := []struct {
		name    string
		edit    func(string) string
		cfg     Config
		summary string
	}{
		{"valid", func(s string) string { return s }, Config{}, "TA1 000; GS HC A; ST 837 A"},
		{"IEA02 differs", func(s string) string { return strings.Replace(s, "IEA*1*000000905", "IEA*1*000000906", 1) }, Config{}, "TA1 001; GS HC A; ST 837 A"},
		{"IEA01 wrong count", func(s string) string { return strings.Replace(s, "IEA*1*", "IEA*2*", 1) }, Config{}, "TA1 021; GS HC A; ST 837 A"},
		{"IEA missing", func(s string) string { return strings.Replace(s, "IEA*1*000000905~", "", 1) }, Config{}, "TA1 023; GS HC A; ST 837 A"},
		{"ISA02 short", func(s string) string { return strings.Replace(s, "*          *01*", "*         *01*", 1) }, Config{}, "TA1 011; GS HC A; ST 837 A"},
		{"ISA09 not a date", func(s string) string { return strings.Replace(s, "*030101*", "*031301*", 1) }, Config{}, "TA1 014; GS HC A; ST 837 A"},
		{"ISA13 not numeric", func(s string) string { return strings.Replace(s, "*000000905*1", "*00000090A*1", 1) }, Config{}, "TA1 018; GS HC A; ST 837 A"},
		{"ISA15 against partner", func(s string) string { return s }, Config{Partners: []Partner{{Sender: "SUBMITTERS.ID", Usage: 'P'}}}, "TA1 020; GS HC A; ST 837 A"},
		{"ISA15 matches partner", func(s string) string { return s }, Config{Partners: []Partner{{Sender: "SUBMITTERS.ID", Usage: 'T'}}}, "TA1 000; GS HC A; ST 837 A"},
		{"GE02 differs", func(s string) string { return strings.Replace(s, "GE*1*1~", "GE*1*2~", 1) }, Config{}, "TA1 000; GS HC R [4]; ST 837 A"},
		{"GE01 wrong count", func(s string) string { return strings.Replace(s, "GE*1*1~", "GE*3*1~", 1) }, Config{}, "TA1 000; GS HC R [5]; ST 837 A"},
		{"GE missing", func(s string) string { return strings.Replace(s, "GE*1*1~", "", 1) }, Config{}, "TA1 000; GS HC R [3]; ST 837 A"},
		{"GS06 not numeric", func(s string) string {
			return strings.Replace(strings.Replace(s, "*0802*1*X*", "*0802*A*X*", 1), "GE*1*1~", "GE*1*A~", 1)
		}, Config{}, "TA1 000; GS HC R [6]; ST 837 A"},
		{"SE02 differs", func(s string) string { return strings.Replace(s, "SE*34*987654", "SE*34*987655", 1) }, Config{}, "TA1 000; GS HC R; ST 837 R [3]"},
		{"SE01 wrong count", func(s string) string { return strings.Replace(s, "SE*34*", "SE*25*", 1) }, Config{}, "TA1 000; GS HC R; ST 837 R [4]"},
		{"SE missing", func(s string) string { return strings.Replace(s, "SE*34*987654~", "", 1) }, Config{}, "TA1 000; GS HC R; ST 837 R [2]"},
		{"ST01 unsupported", func(s string) string {
			return strings.Replace(s, "ST*837*", "ST*123*", 1)
		}, Config{}, "TA1 000; GS HC R; ST 123 R [1]"},
		{"ST01 in the wrong group", func(s string) string { return strings.Replace(s, "GS*HC*", "GS*HP*", 1) }, Config{}, "TA1 000; GS HP R; ST 837 R [6]"},
		{"ST02 too short", func(s string) string {
			return strings.Replace(strings.Replace(s, "ST*837*987654*", "ST*837*98*", 1), "SE*34*987654", "SE*34*98", 1)
		}, Config{}, "TA1 000; GS HC R; ST 837 R [7]"},
		{"bad segment ID", func(s string) string { return strings.Replace(s, "N3*227", "n3*227", 1) }, Config{}, "TA1 000; GS HC R; ST 837 R [5] n3@14(2010AB):1 N3@15(2010AB):3"},
		{"separators missing", func(s string) string { return strings.Replace(s, "N3*227 LASTNER LANE", "N3 227 LASTNER LANE", 1) }, Config{}, "TA1 000; GS HC R; ST 837 R [5] N3?@14(2010AB):1 N3@15(2010AB):3"},
		{"HL parent unknown", func(s string) string { return strings.Replace(s, "HL*3*1*22*0", "HL*3*7*22*0", 1) }, Config{}, "TA1 000; GS HC R; ST 837 R [5] HL@25(2000B):8"},
		{"segment between SE and GE", func(s string) string { return strings.Replace(s, "GE*1*1~", "REF*X*1~GE*1*1~", 1) }, Config{}, "TA1 022; GS HC A; ST 837 A"},
		{"CRLF after terminators", func(s string) string { return strings.ReplaceAll(s, "~\n", "~\r\n") }, Config{}, "TA1 000; GS HC A; ST 837 A"},
		{"no line breaks", func(s string) string { return strings.ReplaceAll(s, "\n", "") }, Config{}, "TA1 000; GS HC A; ST 837 A"},
		{"other separators", func(s string) string {
			return strings.NewReplacer("*", "|", ":", ">", "~", "\n").Replace(strings.ReplaceAll(s, "\n", ""))
		}, Config{}, "TA1 000; GS HC A; ST 837 A"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := checkOne(t, tt.edit(valid), tt.cfg)
			if got := r.Summary(); got != tt.summary {
				t.Errorf("verdict\n got %s\nwant %s", got, tt.summary)
				for _, e := range r.AllErrors() {
					t.Log(e)
				}
			}
			if r.Valid() != (tt.summary == "TA1 000; GS HC A; ST 837 A") {
				t.Errorf("Valid() = %v", r.Valid())
			}
		})
	}
}

func TestCheckDuplicateControlNumber(t *testing.T) {
	valid := fixture(t)
	seen := &MemoryControlNumbers{}
	res, err := Check(strings.NewReader(valid+valid), Config{Control: seen})
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || res[0].Note != "000" || res[1].Note != "025" {
		t.Fatalf("verdicts %v, want 000 then 025", summaries(res))
	}
	// Another partner may use the same number.
	other := strings.Replace(valid, "SUBMITTERS.ID  ", "OTHER.ID       ", 1)
	res, _ = Check(strings.NewReader(other), Config{Control: seen})
	if res[0].Note != "000" {
		t.Fatalf("another partner's number refused: %v", summaries(res))
	}
}

func TestCheckErrorsNamePlaces(t *testing.T) {
	in := strings.Replace(fixture(t), "HL*3*1*22*0", "HL*3*7*22*0", 1)
	r := checkOne(t, in, Config{})
	errs := r.AllErrors()
	if len(errs) != 1 {
		t.Fatalf("errors %v", errs)
	}
	want := "segment 27 HL-02 (loop 2000B) at byte"
	if msg := errs[0].Error(); !strings.HasPrefix(msg, want) || strings.Contains(msg, "DOE") {
		t.Errorf("error %q does not start with %q", msg, want)
	}
}

func TestReaderRefusesNoISA(t *testing.T) {
	for _, in := range []string{"GS*HC*A~", "ISA*00", "ISA*00*  *", "ISAA00A", "\n\n ST*837*1~"} {
		_, err := Check(strings.NewReader(in), Config{})
		if err == nil {
			t.Errorf("%q: no error", in)
		}
	}
}

func TestReaderSegmentLimit(t *testing.T) {
	valid := fixture(t)
	r := NewReader(strings.NewReader(valid))
	r.MaxSegment = 40
	var err error
	for err == nil {
		_, err = r.Next()
	}
	if !strings.Contains(err.Error(), "segment too long") {
		t.Fatalf("err = %v", err)
	}
}

func TestRoundTripEdited(t *testing.T) {
	segs, trailer, err := ReadAll([]byte(fixture(t)))
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range segs {
		if s.ID == "NM1" && s.Value(1) == "IL" {
			s.SetElement(9, "X")
			s.SetElement(12, "Y")
		}
	}
	out := string(Encode(segs, trailer))
	if !strings.Contains(out, "NM1*IL*1*DOE*JOHN*T**JR*MI*X***Y~\n") {
		t.Fatalf("edited segment not written:\n%s", out)
	}
	if n := bytes.Count([]byte(out), []byte("\n")); n != bytes.Count([]byte(fixture(t)), []byte("\n")) {
		t.Errorf("line breaks changed")
	}
}

func summaries(res []*InterchangeResult) []string {
	var out []string
	for _, r := range res {
		out = append(out, r.Summary())
	}
	return out
}

// TestReaderSmallReads reads the fixture through readers that return one
// byte, or half of what is asked, at a time: segments that straddle reads
// come out whole.
func TestReaderSmallReads(t *testing.T) {
	raw := fixture(t)
	for name, wrap := range map[string]func(io.Reader) io.Reader{"one byte": iotest.OneByteReader, "half": iotest.HalfReader, "data and EOF": iotest.DataErrReader} {
		r := NewReader(wrap(strings.NewReader(raw)))
		var segs []*Segment
		for {
			s, err := r.Next()
			if err != nil {
				if err != io.EOF {
					t.Fatalf("%s: %v", name, err)
				}
				break
			}
			segs = append(segs, s)
		}
		if got := string(Encode(segs, r.Trailer())); got != raw {
			t.Errorf("%s: round trip differs", name)
		}
		if res, _ := Check(wrap(strings.NewReader(raw)), Config{}); len(res) != 1 || !res[0].Valid() {
			t.Errorf("%s: %v", name, summaries(res))
		}
	}
}
