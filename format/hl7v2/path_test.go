package hl7v2

import (
	"errors"
	"testing"
)

func TestParsePath(t *testing.T) {
	tests := []struct {
		in   string
		want Path
		str  string
	}{
		{"PID", Path{Segment: "PID", SegRep: 1}, "PID"},
		{"PID-5", Path{"PID", 1, 5, 1, 0, 0}, "PID-5"},
		{"PID-3(2).1", Path{"PID", 1, 3, 2, 1, 0}, "PID-3(2).1"},
		{"PID-5.1.1", Path{"PID", 1, 5, 1, 1, 1}, "PID-5.1.1"},
		{"OBX(3)-5", Path{"OBX", 3, 5, 1, 0, 0}, "OBX(3)-5"},
		{"PID.5.1", Path{"PID", 1, 5, 1, 1, 0}, "PID-5.1"},
		{"MSH-9-2", Path{"MSH", 1, 9, 1, 2, 0}, "MSH-9.2"},
		{"ZX1(12)-100(7).3.4", Path{"ZX1", 12, 100, 7, 3, 4}, "ZX1(12)-100(7).3.4"},
	}
	for _, tt := range tests {
		got, err := ParsePath(tt.in)
		if err != nil {
			t.Errorf("ParsePath(%q): %v", tt.in, err)
			continue
		}
		if got != tt.want {
			t.Errorf("ParsePath(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
		if s := got.String(); s != tt.str {
			t.Errorf("String() = %q, want %q", s, tt.str)
		}
	}
}

func TestParsePathErrors(t *testing.T) {
	for _, in := range []string{"", "PI", "pid-3", "PID-", "PID-0", "PID-x", "PID-3(", "PID-3(0)", "PID-3(2", "PID(0)-1",
		"PID-3.", "PID-3.0", "PID-3.1.", "PID-3.1.1.1", "PID-3x", "PID-99999999", "PID 3"} {
		if _, err := ParsePath(in); !errors.Is(err, ErrPath) {
			t.Errorf("ParsePath(%q) = %v, want ErrPath", in, err)
		}
	}
	m := mustParse(t, adt)
	if _, err := m.Get("bad"); !errors.Is(err, ErrPath) {
		t.Errorf("Get(bad) = %v", err)
	}
}
