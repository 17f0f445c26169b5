package transform

import (
	"errors"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/engine/filter"
)

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		name  string
		steps string
		want  string
	}{
		{"no kind", `- when: has("NTE")`, `transform[0]: a step needs exactly one of set, copy, delete, map, to_json, v2_to_fhir, v2_to_events, x12_set, x12_split_claims, x12_to_fhir, dicom_to_imagingstudy, dicom_to_events (found no kind)`},
		{"two kinds", `- {set: {path: PID-2, value: A}, copy: {from: PID-3, to: PID-2}}`, `transform[0]: a step needs exactly one of set, copy, delete, map, to_json, v2_to_fhir, v2_to_events, x12_set, x12_split_claims, x12_to_fhir, dicom_to_imagingstudy, dicom_to_events (found set, copy)`},
		{"null to_json", `- to_json:`, `transform[0]: a step needs exactly one of set, copy, delete, map, to_json, v2_to_fhir, v2_to_events, x12_set, x12_split_claims, x12_to_fhir, dicom_to_imagingstudy, dicom_to_events (found no kind)`},
		{"set without path", `- set: {value: A}`, `transform[0].set.path: a path is required`},
		{"set bad path", `- set: {path: PID5, value: A}`, `transform[0].set.path: bad path "PID5": expected '-' and a field number after the segment name`},
		{"set segment only", `- set: {path: PID, value: A}`, `transform[0].set.path: path "PID" must name a field`},
		{"set encoding characters", `- set: {path: MSH-2, value: "^~"}`, `transform[0].set.path: path "MSH-2": the encoding characters cannot be changed`},
		{"set unclosed template", `- set: {path: PID-2, value: '{{field "PID-3.1"'}`, `transform[0].set.value: bad template: value:1: unclosed action`},
		{"set unknown template function", `- set: {path: PID-2, value: '{{fild "PID-3.1"}}'}`, `transform[0].set.value: bad template: value:1: function "fild" not defined`},
		{"set bad template path", `- set: {path: PID-2, value: 'x{{field "PID3.1"}}'}`, `transform[0].set.value: bad template: bad path "PID3.1": expected '-' and a field number after the segment name`},
		{"set bad template path in a branch", `- set: {path: PID-2, value: '{{if true}}{{else}}{{field "PID"}}{{end}}'}`, `transform[0].set.value: bad template: path "PID" must name a field`},
		{"set template field arity", `- set: {path: PID-2, value: '{{field}}'}`, `transform[0].set.value: bad template: field takes one path, as in {{field "PID-3.1"}}`},
		{"set raw line break", `- set: {path: PID-2, value: "A\rB", raw: true}`, `transform[0].set.value: an encoded value cannot contain a line break`},
		{"copy without from", `- copy: {to: PID-2}`, `transform[0].copy.from: a path is required`},
		{"copy bad to", `- copy: {from: PID-3, to: MSH-1}`, `transform[0].copy.to: path "MSH-1": the encoding characters cannot be changed`},
		{"delete neither", `- delete: {}`, `transform[0] (delete): set path or segment`},
		{"delete both", `- delete: {path: PID-19, segment: NTE}`, `transform[0] (delete): set either path or segment, not both`},
		{"delete segment with a field", `- delete: {segment: NTE-3}`, `transform[0].delete.segment: "NTE-3" names a field: use path to clear a field`},
		{"delete MSH", `- delete: {segment: MSH}`, `transform[0].delete.segment: the MSH segment cannot be removed`},
		{"delete bad segment", `- delete: {segment: nte}`, `transform[0].delete.segment: bad path "nte": a segment name is three upper-case letters or digits`},
		{"delete bad path", `- delete: {path: PID-0}`, `transform[0].delete.path: bad path "PID-0": field number must be a positive number`},
		{"map unknown table", `- map: {path: PV1-2, table: patient-clas}`, `transform[0].map.table: unknown lookup table "patient-clas" (declared: [patient-class relationship])`},
		{"map without table", `- map: {path: PV1-2}`, `transform[0].map.table: a lookup table name is required`},
		{"map bad path", `- map: {path: PV1-2.x, table: patient-class}`, `transform[0].map.path: bad path "PV1-2.x": component number must be a positive number`},
		{"when syntax", "- when: type == \n  delete: {segment: NTE}", `transform[0].when: column 7: unexpected token EOF`},
		{"when unknown name", "- when: typ == \"ADT\"\n  delete: {segment: NTE}", `transform[0].when: column 1: unknown name typ`},
		{"HL7 step after to_json", "- to_json: {}\n- delete: {segment: NTE}", `transform[1] (delete): the document is no longer HL7 v2 here: an earlier step changed its format`},
		{"to_json twice", "- to_json: {}\n- to_json: {}", `transform[1] (to_json): the document is no longer HL7 v2 here: an earlier step changed its format`},
		{"to_json with a bad condition", "- when: nope\n  to_json: {}", `transform[0].when: column 1: unknown name nope`},
		{"every error is reported", "- set: {path: PID-2, value: A}\n- map: {path: PV1-2, table: nope}\n- delete: {}",
			"transform[1].map.table: unknown lookup table \"nope\" (declared: [patient-class relationship])\ntransform[2] (delete): set path or segment"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Compile(specs(t, tt.steps), testTables)
			if err == nil {
				t.Fatalf("no error (%d steps), want %s", p.Len(), tt.want)
			}
			if err.Error() != tt.want {
				t.Fatalf("error:\n%s\nwant:\n%s", err, tt.want)
			}
			var se *StepError
			if !errors.As(err, &se) {
				t.Fatalf("%T is not a *StepError", err)
			}
		})
	}
}

// TestCompileErrorFields checks what the configuration package reads from
// a compile error to point at the YAML: the step index, the field, and for
// a condition the column in the expression.
func TestCompileErrorFields(t *testing.T) {
	_, err := Compile(specs(t, "- set: {path: PID-2, value: A}\n- when: has(\"NTE\") && nope\n  delete: {segment: NTE}"), nil)
	var se *StepError
	if !errors.As(err, &se) || se.Index != 1 || se.Kind != "delete" || se.Field != "when" {
		t.Fatalf("got %#v", err)
	}
	var fe *filter.Error
	if !errors.As(err, &fe) || fe.Column != 15 {
		t.Fatalf("got %#v, want a *filter.Error at column 15", err)
	}
}

func TestCompileValid(t *testing.T) {
	p, err := Compile(specs(t, `
- set: {path: MSH-5, value: ARCHIVE}
- set: {path: PID-2, value: '{{field "PID-3(1).1"}}-X'}
- set: {path: PID-5, value: "Doe^John", raw: true}
- copy: {from: PID-3(1).1, to: PID-2}
- delete: {path: PID-19}
- delete: {segment: NTE}
- delete: {segment: NTE(2)}
- map: {path: PV1-2, table: patient-class, default: U, keep_unmapped: true}
- when: has("OBX")
  map: {path: OBX-3.1, table: relationship}
- to_json: {}
`), testTables)
	if err != nil {
		t.Fatal(err)
	}
	if p.Len() != 10 {
		t.Errorf("Len() = %d, want 10", p.Len())
	}
	empty, err := Compile(nil, nil)
	if err != nil || empty.Len() != 0 {
		t.Errorf("Compile(nil) = %v, %v", empty, err)
	}
}

func TestStepErrorString(t *testing.T) {
	err := &StepError{Index: 3, Kind: "map", Err: errors.New("x")}
	if got := err.Error(); got != "transform[3] (map): x" {
		t.Errorf("got %q", got)
	}
	if !strings.HasPrefix((&StepError{Index: 0, Kind: "set", Field: "path", Err: errors.New("y")}).Error(), "transform[0].set.path: y") {
		t.Error("field form")
	}
}
