package hl7v2

import (
	"errors"
	"strings"
	"testing"
)

func TestSet(t *testing.T) {
	tests := []struct {
		name, path, value string
		seg               string // expected segment after the edit
	}{
		{"replace field", "PID-8", "F", "PID|1||123^^^HOSP^MR~456^^^SSA^SS||Doe^John^Q^Jr^Dr||19800101|F|||1 Main St^^Town^ST^12345^USA"},
		{"replace component", "PID-5.2", "Jane", "PID|1||123^^^HOSP^MR~456^^^SSA^SS||Doe^Jane^Q^Jr^Dr||19800101|M|||1 Main St^^Town^ST^12345^USA"},
		{"second repetition", "PID-3(2).1", "789", "PID|1||123^^^HOSP^MR~789^^^SSA^SS||Doe^John^Q^Jr^Dr||19800101|M|||1 Main St^^Town^ST^12345^USA"},
		{"new repetition", "PID-3(4).4", "X", "PID|1||123^^^HOSP^MR~456^^^SSA^SS~~^^^X||Doe^John^Q^Jr^Dr||19800101|M|||1 Main St^^Town^ST^12345^USA"},
		{"new field", "PID-13", "555", "PID|1||123^^^HOSP^MR~456^^^SSA^SS||Doe^John^Q^Jr^Dr||19800101|M|||1 Main St^^Town^ST^12345^USA||555"},
		{"new subcomponent", "PID-5.1.3", "x", "PID|1||123^^^HOSP^MR~456^^^SSA^SS||Doe&&x^John^Q^Jr^Dr||19800101|M|||1 Main St^^Town^ST^12345^USA"},
		{"escaping", "PID-5.1", "O'Brien & Sons|Ltd^~\\", "PID|1||123^^^HOSP^MR~456^^^SSA^SS||O'Brien \\T\\ Sons\\F\\Ltd\\S\\\\R\\\\E\\^John^Q^Jr^Dr||19800101|M|||1 Main St^^Town^ST^12345^USA"},
		{"whole field replaces repetitions", "PID-3", "1", "PID|1||1~456^^^SSA^SS||Doe^John^Q^Jr^Dr||19800101|M|||1 Main St^^Town^ST^12345^USA"},
		{"empty", "PID-5", "", "PID|1||123^^^HOSP^MR~456^^^SSA^SS||||19800101|M|||1 Main St^^Town^ST^12345^USA"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := mustParse(t, adt)
			if err := m.Set(tt.path, tt.value); err != nil {
				t.Fatal(err)
			}
			if got := string(m.Segment("PID", 1).Bytes()); got != tt.seg {
				t.Errorf("PID =\n %q\nwant\n %q", got, tt.seg)
			}
			if got, _ := m.Get(tt.path); got != tt.value {
				t.Errorf("Get after Set = %q, want %q", got, tt.value)
			}
			// Other segments are untouched, terminators kept.
			out, _ := m.Encode()
			if !strings.HasPrefix(string(out), strings.SplitAfter(adt, "\r")[0]+"EVN|A01|20240101120000\r") || !strings.HasSuffix(string(out), "|V1\r") {
				t.Errorf("other segments changed: %q", out)
			}
			// The result parses back to the same value.
			again := mustParse(t, string(out))
			if got, _ := again.Get(tt.path); got != tt.value {
				t.Errorf("reparsed %s = %q, want %q", tt.path, got, tt.value)
			}
			if !m.Edited() {
				t.Error("Edited() = false")
			}
		})
	}
}

func TestSetCreatesSegments(t *testing.T) {
	m := mustParse(t, "MSH|^~\\&|A\rOBX|1") // no final terminator
	if err := m.Set("OBX(2)-5", "x"); err != nil {
		t.Fatal(err)
	}
	if err := m.Set("ZPI-2.2", "z"); err != nil {
		t.Fatal(err)
	}
	if err := m.Set("NTE(3)-1", "1"); !errors.Is(err, ErrNotFound) {
		t.Errorf("skipping occurrences: %v", err)
	}
	out, _ := m.Encode()
	if want := "MSH|^~\\&|A\rOBX|1\rOBX|||||x\rZPI||^z\r"; string(out) != want {
		t.Errorf("got %q, want %q", out, want)
	}
}

func TestSetHeader(t *testing.T) {
	m := mustParse(t, adt)
	if err := m.Set("MSH-5", "ROUTER"); err != nil {
		t.Fatal(err)
	}
	if got, _ := m.Get("MSH-5"); got != "ROUTER" {
		t.Errorf("MSH-5 = %q", got)
	}
	if got, _ := m.Get("MSH-9.2"); got != "A01" {
		t.Errorf("MSH-9.2 moved: %q", got)
	}
	for _, p := range []string{"MSH-1", "MSH-2"} {
		if err := m.Set(p, "x"); !errors.Is(err, ErrPath) {
			t.Errorf("Set(%s) = %v, want ErrPath", p, err)
		}
	}
	if err := m.Set("PID", "x"); !errors.Is(err, ErrPath) {
		t.Errorf("Set(PID) = %v", err)
	}
}

func TestSetRaw(t *testing.T) {
	m := mustParse(t, adt)
	if err := m.SetRaw("PID-5", "Roe^Richard"); err != nil {
		t.Fatal(err)
	}
	if got, _ := m.Get("PID-5.2"); got != "Richard" {
		t.Errorf("PID-5.2 = %q", got)
	}
	for _, tc := range []struct{ path, raw string }{{"PID-5", "a|b"}, {"PID-5.1", "a^b"}, {"PID-5.1.1", "a&b"}, {"PID-3(2)", "a~b"}, {"PID-5", "a\rb"}} {
		if err := m.SetRaw(tc.path, tc.raw); !errors.Is(err, ErrPath) {
			t.Errorf("SetRaw(%s, %q) = %v, want ErrPath", tc.path, tc.raw, err)
		}
	}
}

func TestSetWithoutSubcomponentDelimiter(t *testing.T) {
	m := mustParse(t, "MSH|^~|A\rPID|1||x")
	if err := m.Set("PID-3.1.2", "y"); !errors.Is(err, ErrPath) {
		t.Errorf("got %v, want ErrPath", err)
	}
	if err := m.Set("ZZZ-1.1.2", "y"); !errors.Is(err, ErrPath) {
		t.Errorf("got %v, want ErrPath", err)
	}
	out, _ := m.Encode()
	if string(out) != "MSH|^~|A\rPID|1||x" {
		t.Errorf("failed Set changed the message: %q", out)
	}
}

func TestAppendAndDeleteSegment(t *testing.T) {
	m := mustParse(t, adt)
	if err := m.AppendSegment("NTE|1||note"); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"nt", "NTE^1", "NTE|1\rPID"} {
		if err := m.AppendSegment(bad); err == nil {
			t.Errorf("AppendSegment(%q) accepted", bad)
		}
	}
	if !m.DeleteSegment("EVN", 1) || m.DeleteSegment("EVN", 1) || m.DeleteSegment("MSH", 1) {
		t.Error("DeleteSegment results wrong")
	}
	out, _ := m.Encode()
	want := strings.Replace(adt, "EVN|A01|20240101120000\r", "", 1) + "NTE|1||note\r"
	if string(out) != want {
		t.Errorf("got %q\nwant %q", out, want)
	}
}

func TestClearField(t *testing.T) {
	m := mustParse(t, adt+"PID|2||9~8~7||X\r")
	if ok, err := m.ClearField("PID", 1, 3); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if got := string(m.Segment("PID", 1).Bytes()); got != "PID|1||||Doe^John^Q^Jr^Dr||19800101|M|||1 Main St^^Town^ST^12345^USA" {
		t.Errorf("PID(1) = %q", got)
	}
	if got, _ := m.Get("PID(2)-3(2)"); got != "8" {
		t.Errorf("the second PID changed: %q", got)
	}
	if ok, _ := m.ClearField("PID", 3, 3); ok {
		t.Error("a missing occurrence reported as present")
	}
	if _, err := m.ClearField("MSH", 1, 2); !errors.Is(err, ErrPath) {
		t.Errorf("clearing MSH-2: %v", err)
	}
	if ok, err := m.ClearField("PID", 2, 40); !ok || err != nil || string(m.Segment("PID", 2).Bytes()) != "PID|2||9~8~7||X" {
		t.Errorf("clearing an absent field created it: %q %v", m.Segment("PID", 2).Bytes(), err)
	}
	if ok, err := m.ClearField("MSH", 1, 4); !ok || err != nil {
		t.Fatal(err)
	}
	if got, _ := m.Get("MSH-9.2"); got != "A01" {
		t.Errorf("MSH fields moved: MSH-9.2 = %q", got)
	}
}
