package hl7v2

import (
	"errors"
	"strings"
	"testing"
)

const adt = "MSH|^~\\&|EPIC|HOSP|PLEXUS|HOSP|20240101120000+0100||ADT^A01^ADT_A01|MSG001|P|2.5.1\r" +
	"EVN|A01|20240101120000\r" +
	"PID|1||123^^^HOSP^MR~456^^^SSA^SS||Doe^John^Q^Jr^Dr||19800101|M|||1 Main St^^Town^ST^12345^USA\r" +
	"PV1|1|I|ICU^101^A||||||||||||||||V1\r"

func mustParse(t *testing.T, s string) *Message {
	t.Helper()
	m, err := Parse([]byte(s))
	if err != nil {
		t.Fatalf("parse: %v", err)
	}
	return m
}

func TestParseStructure(t *testing.T) {
	m := mustParse(t, adt)
	if m.Len() != 4 {
		t.Fatalf("segments = %d, want 4", m.Len())
	}
	want := []string{"MSH", "EVN", "PID", "PV1"}
	for i, name := range want {
		if got := m.Seg(i).Name(); got != name {
			t.Errorf("segment %d = %q, want %q", i, got, name)
		}
	}
	if m.Seg(4) != nil || m.Seg(-1) != nil {
		t.Error("Seg out of range should be nil")
	}
	msh := m.Segment("MSH", 1)
	if got := msh.NumFields(); got != 12 {
		t.Errorf("MSH fields = %d, want 12", got)
	}
	pid := m.Segment("PID", 1)
	if got := pid.NumFields(); got != 11 {
		t.Errorf("PID fields = %d, want 11", got)
	}
	if got := pid.Field(3).Reps(); got != 2 {
		t.Errorf("PID-3 reps = %d, want 2", got)
	}
	if got := pid.Field(5).Components(); got != 5 {
		t.Errorf("PID-5 components = %d, want 5", got)
	}
	if got := pid.Field(99); got.Present() || !got.IsEmpty() {
		t.Errorf("PID-99 should be absent and empty")
	}
	code, trigger, structure := m.Type()
	if code != "ADT" || trigger != "A01" || structure != "ADT_A01" {
		t.Errorf("Type() = %s %s %s", code, trigger, structure)
	}
	if m.ControlID() != "MSG001" || m.Version() != "2.5.1" {
		t.Errorf("ControlID/Version = %q/%q", m.ControlID(), m.Version())
	}
}

func TestGet(t *testing.T) {
	m := mustParse(t, adt)
	tests := []struct{ path, want string }{
		{"MSH-1", "|"},
		{"MSH-2", "^~\\&"},
		{"MSH-3", "EPIC"},
		{"MSH-9", "ADT^A01^ADT_A01"},
		{"MSH-9.2", "A01"},
		{"MSH-9-2", "A01"},
		{"MSH.9.2", "A01"},
		{"MSH-12", "2.5.1"},
		{"PID-3", "123^^^HOSP^MR"},
		{"PID-3(1).1", "123"},
		{"PID-3(2).1", "456"},
		{"PID-3(2).4", "SSA"},
		{"PID-3(3).1", ""},
		{"PID-5.1", "Doe"},
		{"PID-5.2", "John"},
		{"PID-5.1.1", "Doe"},
		{"PID-5.1.2", ""},
		{"PID-11.3", "Town"},
		{"PV1-3.2", "101"},
		{"PV1-19", "V1"},
		{"PV1(2)-19", ""},
		{"OBX-5", ""},
		{"ZZZ-1", ""},
	}
	for _, tt := range tests {
		got, err := m.Get(tt.path)
		if err != nil {
			t.Errorf("Get(%q): %v", tt.path, err)
			continue
		}
		if got != tt.want {
			t.Errorf("Get(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

func TestSegmentOccurrences(t *testing.T) {
	m := mustParse(t, "MSH|^~\\&|A||||||ORU^R01|1|P|2.5\rOBX|1|NM|||10\rNTE|1||n\rOBX|2|NM|||20\rOBX|3|NM|||30\r")
	if got := m.Count("OBX"); got != 3 {
		t.Fatalf("Count(OBX) = %d", got)
	}
	for i, want := range []string{"10", "20", "30"} {
		p := "OBX(" + string(rune('1'+i)) + ")-5"
		if got, _ := m.Get(p); got != want {
			t.Errorf("%s = %q, want %q", p, got, want)
		}
	}
}

func TestTerminators(t *testing.T) {
	body := []string{"MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|2.3", "PID|1||42", "PV1|1|O"}
	for name, sep := range map[string]string{"CR": "\r", "LF": "\n", "CRLF": "\r\n", "LFCR": "\n\r", "blank lines": "\r\n\r\n"} {
		for _, final := range []string{"", sep} {
			raw := strings.Join(body, sep) + final
			m, err := Parse([]byte(raw))
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if m.Len() != 3 {
				t.Errorf("%s final=%q: %d segments, want 3", name, final, m.Len())
			}
			if got, _ := m.Get("PID-3"); got != "42" {
				t.Errorf("%s: PID-3 = %q", name, got)
			}
			out, _ := m.Encode()
			if string(out) != raw {
				t.Errorf("%s: round trip changed bytes:\n got %q\nwant %q", name, out, raw)
			}
		}
	}
}

func TestLeadingBOMAndBlankLines(t *testing.T) {
	raw := "\xef\xbb\xbf\r\n" + adt
	m := mustParse(t, raw)
	if got, _ := m.Get("MSH-3"); got != "EPIC" {
		t.Errorf("MSH-3 = %q", got)
	}
	out, _ := m.Encode()
	if string(out) != raw {
		t.Errorf("round trip lost the lead bytes: %q", out[:8])
	}
}

func TestEncodingCharacters(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want Delimiters
		path string
		val  string
	}{
		{"standard", "MSH|^~\\&|A\rPID|1||a^b~c&d", Delimiters{'|', '^', '~', '\\', '&', 0}, "PID-3(2).1.2", "d"},
		{"truncation v2.7", "MSH|^~\\&#|A\rPID|1||a#b", Delimiters{'|', '^', '~', '\\', '&', '#'}, "PID-3", "a#b"},
		{"hapi custom ^~\\}", "MSH|^~\\}|A\rPID|1||x}y^z", Delimiters{'|', '^', '~', '\\', '}', 0}, "PID-3.1.2", "y"},
		{"all different", "MSH*%$!@*A\rPID*1**a%b$c", Delimiters{'*', '%', '$', '!', '@', 0}, "PID-3(2)", "c"},
		{"escape doubled by a string literal", "MSH|^~\\\\&|A\rPID|1||a&b\\T\\c", Delimiters{'|', '^', '~', '\\', '&', 0}, "PID-3.1.2", "b&c"},
		{"only component and repetition", "MSH|^~|A\rPID|1||a^b", Delimiters{'|', '^', '~', 0, 0, 0}, "PID-3.2", "b"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustParse(t, tt.raw)
			if got := m.Delimiters(); got != tt.want {
				t.Errorf("delimiters = %+v, want %+v", got, tt.want)
			}
			if got, _ := m.Get(tt.path); got != tt.val {
				t.Errorf("%s = %q, want %q", tt.path, got, tt.val)
			}
			if got := m.Delimiters().EncodingChars(); got != tt.raw[4:4+len(got)] && !strings.Contains(tt.name, "doubled") {
				t.Errorf("EncodingChars = %q", got)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name   string
		raw    string
		target error
		text   string
	}{
		{"empty", "", ErrEmpty, "empty message"},
		{"blank", "\r\n \r", ErrEmpty, "empty message"},
		{"no MSH", "PID|1||42\r", ErrNoMSH, `PID (byte 0): message does not start with an MSH segment: found "PID"`},
		{"short", "MS", ErrNoMSH, "found \"MS\""},
		{"MSH only", "MSH", ErrEncodingChars, "MSH-1 (byte 0): bad encoding characters: no field separator after MSH"},
		{"letter separator", "MSHA^~\\&A", ErrEncodingChars, "MSH-1"},
		{"empty MSH-2", "MSH||A", ErrEncodingChars, "MSH-2 (byte 0): bad encoding characters: MSH-2 is empty"},
		{"doubled escape elsewhere", "MSH|^\\\\&|A", ErrEncodingChars, `encoding character '\\' is used twice`},
		{"too long", "MSH|^~\\&#$|A", ErrEncodingChars, "at most 5"},
		{"component repeated", "MSH|^~\\^|A", ErrEncodingChars, "'^' is used twice"},
		{"utf-16", "MSH|^~\\&|||||||ADT^A01|1|P|2.5||||||UNICODE UTF-16\r", ErrCharset, "MSH-18"},
		{"unknown charset", "MSH|^~\\&|||||||ADT^A01|1|P|2.5||||||KLINGON\r", ErrCharset, `"KLINGON"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.raw))
			if !errors.Is(err, tt.target) {
				t.Fatalf("err = %v, want %v", err, tt.target)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("err %T is not *Error", err)
			}
			if !strings.Contains(err.Error(), tt.text) {
				t.Errorf("error %q does not contain %q", err, tt.text)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		raw  string
		want []string // substrings of the joined error, in order
	}{
		{"valid", adt, nil},
		{"missing type", "MSH|^~\\&|A|B|C|D|2024|||1|P|2.5\r", []string{"MSH-9.1 (byte 23): required field missing: message type"}},
		{"missing control id", "MSH|^~\\&|A|B|C|D|2024||ADT^A01||P|2.5\r", []string{"MSH-10 (byte 31): required field missing"}},
		{"missing version", "MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P\r", []string{"MSH-12.1", "version ID"}},
		{"null version", "MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|\"\"\r", []string{"MSH-12.1", "required field missing"}},
		{"bad version", "MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|3.0\r", []string{"MSH-12 (byte 35): unsupported version ID: \"3.0\""}},
		{"bad segment", "MSH|^~\\&|A|B|C|D|2024||ADT^A01|1|P|2.5\rpid|1\rPV1|1\r", []string{"pid (byte 39): bad segment name"}},
		{"all three", "MSH|^~\\&|A\r", []string{"MSH-9.1", "MSH-10", "MSH-12.1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := mustParse(t, tt.raw).Validate()
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate() = %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate() = nil, want an error")
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("%T is not *Error", err)
			}
			msg := err.Error()
			pos := 0
			for _, w := range tt.want {
				i := strings.Index(msg[pos:], w)
				if i < 0 {
					t.Fatalf("error %q lacks %q (in order)", msg, w)
				}
				pos += i + len(w)
			}
		})
	}
}

func TestNullVersusEmpty(t *testing.T) {
	m := mustParse(t, "MSH|^~\\&|A\rPID|1|\"\"||x^\"\"^")
	pid := m.Segment("PID", 1)
	if v := pid.Field(2); !v.IsNull() || v.IsEmpty() {
		t.Errorf("PID-2 should be null, not empty")
	}
	if v := pid.Field(3); v.IsNull() || !v.IsEmpty() || !v.Present() {
		t.Errorf("PID-3 should be present and empty")
	}
	if v := pid.Field(4).Component(2); !v.IsNull() {
		t.Errorf("PID-4.2 should be null")
	}
	if v := pid.Field(4).Component(3); !v.IsEmpty() || !v.Present() {
		t.Errorf("PID-4.3 should be present and empty")
	}
	if got := pid.Field(2).String(); got != `""` {
		t.Errorf("null renders as %q", got)
	}
}

func TestZSegmentsAndHeaders(t *testing.T) {
	m := mustParse(t, "MSH|^~\\&|A\rZPI|1|custom^value\rZ01|x\r")
	if got, _ := m.Get("ZPI-2.2"); got != "value" {
		t.Errorf("ZPI-2.2 = %q", got)
	}
	if got, _ := m.Get("Z01-1"); got != "x" {
		t.Errorf("Z01-1 = %q", got)
	}
}

func TestReparseReusesMessage(t *testing.T) {
	var m Message
	if err := m.Parse([]byte(adt)); err != nil {
		t.Fatal(err)
	}
	if err := m.Parse([]byte("MSH|^~\\&|OTHER\rOBX|1\r")); err != nil {
		t.Fatal(err)
	}
	if m.Len() != 2 || m.Count("PID") != 0 {
		t.Errorf("reparse kept old segments: %d", m.Len())
	}
	if got, _ := m.Get("MSH-3"); got != "OTHER" {
		t.Errorf("MSH-3 = %q", got)
	}
	if err := m.Parse(nil); !errors.Is(err, ErrEmpty) {
		t.Errorf("Parse(nil) = %v", err)
	}
}
