package spec

import (
	"strings"
	"testing"
)

func TestPrimitiveFormats(t *testing.T) {
	s := r4Spec(t)
	tests := []struct {
		typ      string
		ok, fail []string
	}{
		{"date", []string{"2024-02-29", "2024", "2024-02", "0001-01-01"}, []string{"2024-13-01", "2024-02-32", "24-01-01", "2024-1-01", "2024-02-29T10:00:00Z", " 2024", ""}},
		{"dateTime", []string{"2024", "2024-02-29T10:11:12Z", "2024-02-29T10:11:12.123+05:30"}, []string{"2024-02-29T10:11", "2024-02-29T10:11:12", "2024-02-29T25:00:00Z"}},
		{"instant", []string{"2024-02-29T10:11:12Z", "2024-02-29T10:11:12.5-08:00"}, []string{"2024-02-29", "2024-02-29T10:11:12"}},
		{"time", []string{"10:11:12", "23:59:59.999"}, []string{"24:00:00", "10:11"}},
		{"id", []string{"a", "abc-123.X", strings.Repeat("a", 64)}, []string{strings.Repeat("a", 65), "a_b", "a b", ""}},
		{"code", []string{"final", "entered-in-error", "a b"}, []string{" final", "final ", "", "a  b"}},
		{"decimal", []string{"0", "-1.5", "3.14", "1e10", "1.0E-3"}, []string{"01", "1.", ".5", "+1", "1,5", ""}},
		{"integer", []string{"0", "-12", "2147483647"}, []string{"01", "1.0", "+1", ""}},
		{"positiveInt", []string{"1", "42"}, []string{"0", "-1", "01"}},
		{"unsignedInt", []string{"0", "42"}, []string{"-1", "01"}},
		{"boolean", []string{"true", "false"}, []string{"True", "1", ""}},
		{"uri", []string{"http://example.org/x", "urn:uuid:1"}, []string{"a b", "x\ty"}},
		{"oid", []string{"urn:oid:1.2.840.10008"}, []string{"1.2.3", "urn:oid:01.2"}},
		{"uuid", []string{"urn:uuid:c757873d-ec9a-4326-a141-556f43239520"}, []string{"c757873d-ec9a-4326-a141-556f43239520"}},
		{"base64Binary", []string{"aGVsbG8=", "aGVs bG8="}, []string{"!!"}},
		{"string", []string{"x", "two words\n"}, []string{""}},
		{"xhtml", []string{"<div>anything</div>", ""}, nil},
	}
	for _, tt := range tests {
		p := s.Primitive(tt.typ)
		if p == nil {
			t.Errorf("Primitive(%q) = nil", tt.typ)
			continue
		}
		for _, v := range tt.ok {
			if !p.Valid(v) {
				t.Errorf("%s: %q rejected", tt.typ, v)
			}
		}
		for _, v := range tt.fail {
			if p.Valid(v) {
				t.Errorf("%s: %q accepted", tt.typ, v)
			}
		}
	}
}

func TestPrimitiveDefs(t *testing.T) {
	s := r4Spec(t)
	for _, p := range s.Primitives() {
		if (p.Regexp() == nil) != (p.Name == "xhtml") {
			t.Errorf("%s: regexp %v", p.Name, p.Regexp())
		}
		if !strings.HasPrefix(p.FHIRPathType, "System.") {
			t.Errorf("%s: FHIRPath type %q", p.Name, p.FHIRPathType)
		}
		if ty := s.Type(p.Name); ty == nil || ty.Kind != KindPrimitiveType {
			t.Errorf("%s: no primitive type definition", p.Name)
		}
	}
	if got := s.Primitive("date").FHIRPathType; got != "System.Date" {
		t.Errorf("date FHIRPath type = %s", got)
	}
	if s.Primitive("HumanName") != nil || s.Primitive("nope") != nil {
		t.Error("Primitive returns non-primitives")
	}
}
