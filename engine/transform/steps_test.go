package transform

import (
	"strings"
	"testing"
)

// adt is the message most step tests start from.
var adt = []string{
	`MSH|^~\&|EPIC|NORTH|LAB|SOUTH|20250601120000||ADT^A01^ADT_A01|MSG0001|P|2.5`,
	`EVN|A01|20250601120000`,
	`PID|1||P123^^^NORTH^MR~X9^^^SSN^SS||Doe^Jane^Q||19850223|F|||1 Main St^^Leeds^^LS1 1AA||0113 496 0000~07700 900000||||||123-45-6789`,
	`NK1|1|Doe^John|SPO||0113 496 0001`,
	`NK1|2|Doe^Anna|DAU||0113 496 0002~07700 900002`,
	`PV1|1|I|WARD1^ROOM2^BED3||||C003^Cuddy^Kevin`,
	`NTE|1||first note`,
	`NTE|2||second note`,
}

// with returns the adt message with segment i (0-based) replaced; a
// negative i appends the segment.
func with(changes map[int]string) string {
	out := append([]string(nil), adt...)
	for i, s := range changes {
		out[i] = s
	}
	return hl7(out...)
}

// without returns the adt message without the given segments (0-based).
func without(drop ...int) string {
	var out []string
	for i, s := range adt {
		keep := true
		for _, d := range drop {
			keep = keep && d != i
		}
		if keep {
			out = append(out, s)
		}
	}
	return hl7(out...)
}

// TestSteps runs single steps and short pipelines over real-looking
// messages and compares the encoded result exactly.
func TestSteps(t *testing.T) {
	tests := []struct {
		name  string
		steps string
		in    string // the adt message when empty
		want  string // the expected message, or the expected error
		err   bool
	}{
		// set
		{name: "set component", steps: `- set: {path: PID-5.1, value: Smith}`,
			want: with(map[int]string{2: `PID|1||P123^^^NORTH^MR~X9^^^SSN^SS||Smith^Jane^Q||19850223|F|||1 Main St^^Leeds^^LS1 1AA||0113 496 0000~07700 900000||||||123-45-6789`})},
		{name: "set escapes delimiters", steps: `- set: {path: PID-5.1, value: "O|Brien & Sons^~\\"}`,
			want: with(map[int]string{2: `PID|1||P123^^^NORTH^MR~X9^^^SSN^SS||O\F\Brien \T\ Sons\S\\R\\E\^Jane^Q||19850223|F|||1 Main St^^Leeds^^LS1 1AA||0113 496 0000~07700 900000||||||123-45-6789`})},
		{name: "set header field", steps: `- set: {path: MSH-5, value: ARCHIVE}`,
			want: with(map[int]string{0: `MSH|^~\&|EPIC|NORTH|ARCHIVE|SOUTH|20250601120000||ADT^A01^ADT_A01|MSG0001|P|2.5`})},
		{name: "set raw keeps structure", steps: `- set: {path: PID-5, value: "Smith^John", raw: true}`,
			want: with(map[int]string{2: `PID|1||P123^^^NORTH^MR~X9^^^SSN^SS||Smith^John||19850223|F|||1 Main St^^Leeds^^LS1 1AA||0113 496 0000~07700 900000||||||123-45-6789`})},
		{name: "set raw refuses a delimiter of its level", steps: `- set: {path: PID-5.1, value: "Smith^John", raw: true}`,
			err: true, want: `transform[0] (set): bad path PID-5.1: encoded value contains delimiter '^' of this level or above`},
		{name: "set pads a missing field", steps: `- set: {path: PV1-10, value: MED}`,
			want: with(map[int]string{5: `PV1|1|I|WARD1^ROOM2^BED3||||C003^Cuddy^Kevin|||MED`})},
		{name: "set creates the next segment", steps: `- set: {path: ZPI-2, value: "yes"}`,
			want: hl7(append(append([]string(nil), adt...), `ZPI||yes`)...)},
		{name: "set cannot skip a segment occurrence", steps: `- set: {path: OBX(2)-5, value: "1"}`,
			err: true, want: `transform[0] (set): segment not found: OBX(2) (the message has 0)`},
		{name: "set template", steps: `- set: {path: PID-2, value: '{{field "PID-3(1).1"}}-{{field "PID-3(1).4"}}'}`,
			want: with(map[int]string{2: `PID|1|P123-NORTH|P123^^^NORTH^MR~X9^^^SSN^SS||Doe^Jane^Q||19850223|F|||1 Main St^^Leeds^^LS1 1AA||0113 496 0000~07700 900000||||||123-45-6789`})},
		{name: "set template output is escaped", in: with(map[int]string{5: `PV1|1|I|WARD\F\1`}),
			steps: `- set: {path: PV1-6, value: 'from {{field "PV1-3"}}'}`,
			want:  with(map[int]string{5: `PV1|1|I|WARD\F\1|||from WARD\F\1`})},
		{name: "set template sees earlier steps", steps: "- set: {path: PV1-2, value: O}\n- set: {path: PV1-6, value: 'was {{field \"PV1-2\"}}'}",
			want: with(map[int]string{5: `PV1|1|O|WARD1^ROOM2^BED3|||was O|C003^Cuddy^Kevin`})},
		{name: "set template with a bad computed path", steps: `- set: {path: PID-2, value: '{{field (printf "PID%d" 3)}}'}`,
			err: true, want: `transform[0] (set): executing the value template: value:1:2: executing "value" at <field (printf "PID%d" 3)>: error calling field: bad path "PID3": expected '-' and a field number after the segment name`},

		// copy
		{name: "copy a component to a field", steps: `- copy: {from: PID-3(1).1, to: PID-2}`,
			want: with(map[int]string{2: `PID|1|P123|P123^^^NORTH^MR~X9^^^SSN^SS||Doe^Jane^Q||19850223|F|||1 Main St^^Leeds^^LS1 1AA||0113 496 0000~07700 900000||||||123-45-6789`})},
		{name: "copy keeps components", steps: `- copy: {from: PID-3(2), to: PID-4}`,
			want: with(map[int]string{2: `PID|1||P123^^^NORTH^MR~X9^^^SSN^SS|X9^^^SSN^SS|Doe^Jane^Q||19850223|F|||1 Main St^^Leeds^^LS1 1AA||0113 496 0000~07700 900000||||||123-45-6789`})},
		{name: "copy between segments", steps: `- copy: {from: PID-5, to: NK1(2)-2}`,
			want: with(map[int]string{4: `NK1|2|Doe^Jane^Q|DAU||0113 496 0002~07700 900002`})},
		{name: "copy keeps escapes", in: with(map[int]string{5: `PV1|1|I|WARD\F\1`}), steps: `- copy: {from: PV1-3, to: PV1-5}`,
			want: with(map[int]string{5: `PV1|1|I|WARD\F\1||WARD\F\1`})},
		{name: "copy a field with components into a component", steps: `- copy: {from: PID-5, to: NK1-2.1}`,
			err: true, want: `transform[0] (copy): bad path NK1-2.1: encoded value contains delimiter '^' of this level or above`},
		{name: "copy an absent value clears the target", steps: `- copy: {from: PID-30, to: PID-8}`,
			want: with(map[int]string{2: `PID|1||P123^^^NORTH^MR~X9^^^SSN^SS||Doe^Jane^Q||19850223||||1 Main St^^Leeds^^LS1 1AA||0113 496 0000~07700 900000||||||123-45-6789`})},
		{name: "copy an absent value to an absent target", steps: `- copy: {from: PID-30, to: PID-40}`, want: hl7(adt...)},

		// delete
		{name: "delete a field", steps: `- delete: {path: PID-19}`,
			want: with(map[int]string{2: `PID|1||P123^^^NORTH^MR~X9^^^SSN^SS||Doe^Jane^Q||19850223|F|||1 Main St^^Leeds^^LS1 1AA||0113 496 0000~07700 900000||||||`})},
		{name: "delete clears every repetition", steps: `- delete: {path: PID-13}`,
			want: with(map[int]string{2: `PID|1||P123^^^NORTH^MR~X9^^^SSN^SS||Doe^Jane^Q||19850223|F|||1 Main St^^Leeds^^LS1 1AA||||||||123-45-6789`})},
		{name: "delete clears every segment occurrence", steps: `- delete: {path: NK1-5}`,
			want: with(map[int]string{3: `NK1|1|Doe^John|SPO||`, 4: `NK1|2|Doe^Anna|DAU||`})},
		{name: "delete a component in every repetition", steps: `- delete: {path: PID-3.1}`,
			want: with(map[int]string{2: `PID|1||^^^NORTH^MR~^^^SSN^SS||Doe^Jane^Q||19850223|F|||1 Main St^^Leeds^^LS1 1AA||0113 496 0000~07700 900000||||||123-45-6789`})},
		{name: "delete one named repetition", steps: `- delete: {path: PID-3(2).1}`,
			want: with(map[int]string{2: `PID|1||P123^^^NORTH^MR~^^^SSN^SS||Doe^Jane^Q||19850223|F|||1 Main St^^Leeds^^LS1 1AA||0113 496 0000~07700 900000||||||123-45-6789`})},
		{name: "delete in one named segment", steps: `- delete: {path: NK1(2)-5(2)}`,
			want: with(map[int]string{4: `NK1|2|Doe^Anna|DAU||0113 496 0002~`})},
		{name: "delete an absent field adds nothing", steps: "- delete: {path: PID-30}\n- delete: {path: OBX-5}\n- delete: {path: NK1(3)-2}", want: hl7(adt...)},
		{name: "delete all segments of a name", steps: `- delete: {segment: NTE}`, want: without(6, 7)},
		{name: "delete one segment", steps: `- delete: {segment: NK1(2)}`, want: without(4)},
		{name: "delete the last segment", steps: `- delete: {segment: NTE(2)}`, want: without(7)},
		{name: "delete an absent segment", steps: "- delete: {segment: NTE(3)}\n- delete: {segment: OBX}", want: hl7(adt...)},

		// map
		{name: "map a code", steps: `- map: {path: PV1-2, table: patient-class}`,
			want: with(map[int]string{5: `PV1|1|IN|WARD1^ROOM2^BED3||||C003^Cuddy^Kevin`})},
		{name: "map escapes the mapped code", in: with(map[int]string{5: `PV1|1|P`}), steps: `- map: {path: PV1-2, table: patient-class}`,
			want: with(map[int]string{5: `PV1|1|Pre\F\admit`})},
		{name: "map every occurrence", steps: `- map: {path: NK1-3, table: relationship}`,
			want: with(map[int]string{3: `NK1|1|Doe^John|spouse||0113 496 0001`, 4: `NK1|2|Doe^Anna|child||0113 496 0002~07700 900002`})},
		{name: "map an unmapped code to the default", in: with(map[int]string{5: `PV1|1|ZQ9`}), steps: `- map: {path: PV1-2, table: patient-class, default: U}`,
			want: with(map[int]string{5: `PV1|1|U`})},
		{name: "map keeps an unmapped code", in: with(map[int]string{5: `PV1|1|ZQ9`}), steps: `- map: {path: PV1-2, table: patient-class, default: U, keep_unmapped: true}`,
			want: with(map[int]string{5: `PV1|1|ZQ9`})},
		{name: "map an empty value to the default", in: with(map[int]string{5: `PV1|1`}), steps: `- map: {path: PV1-2, table: patient-class, default: U, keep_unmapped: true}`,
			want: with(map[int]string{5: `PV1|1|U`})},
		{name: "map leaves an empty value without default", in: with(map[int]string{5: `PV1|1||WARD1`}), steps: `- map: {path: PV1-2, table: patient-class}`,
			want: with(map[int]string{5: `PV1|1||WARD1`})},
		{name: "map an empty default clears", in: with(map[int]string{5: `PV1|1|ZQ9|WARD1`}), steps: `- map: {path: PV1-2, table: patient-class, default: ""}`,
			want: with(map[int]string{5: `PV1|1||WARD1`})},
		{name: "map leaves the HL7 null", in: with(map[int]string{5: `PV1|1|""`}), steps: `- map: {path: PV1-2, table: patient-class}`,
			want: with(map[int]string{5: `PV1|1|""`})},
		{name: "map fails on an unmapped code, naming the path", in: with(map[int]string{4: `NK1|2|Doe^Anna|ZQ9`}), steps: `- map: {path: NK1-3, table: relationship}`,
			err: true, want: `transform[0] (map): NK1(2)-3: code not in lookup table "relationship", and the step has no default`},

		// conditions and pipelines
		{name: "when true", steps: "- when: has(\"NTE\") && type == \"ADT\"\n  delete: {segment: NTE}", want: without(6, 7)},
		{name: "when false", steps: "- when: has(\"OBX\")\n  delete: {segment: NTE}", want: hl7(adt...)},
		{name: "when sees earlier steps", steps: "- delete: {segment: NTE(1)}\n- when: count(\"NTE\") == 1\n  delete: {segment: NK1}", want: without(3, 4, 6)},
		{name: "when fails", steps: "- when: int(field(\"PID-5.1\")) > 1\n  delete: {segment: NTE}",
			err: true, want: `transform[0] (delete): when: filter evaluation failed at column 1: an operation failed on this message's values`},
		{name: "a failing step stops the pipeline", in: with(map[int]string{5: `PV1|1|ZQ9`}),
			steps: "- set: {path: PID-2, value: A}\n- map: {path: PV1-2, table: patient-class}\n- set: {path: PID-4, value: B}",
			err:   true, want: `transform[1] (map): PV1-2: code not in lookup table "patient-class", and the step has no default`},
		{name: "a conditional to_json ends HL7 steps", steps: "- when: type == \"ADT\"\n  to_json: {}\n- set: {path: PID-2, value: A}",
			err: true, want: `transform[1] (set): the step needs HL7 v2 content, the document is application/json`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := tt.in
			if in == "" {
				in = hl7(adt...)
			}
			got, err := run(t, tt.steps, in)
			switch {
			case tt.err && err == nil:
				t.Fatalf("no error, want %s\ngot:\n%s", tt.want, readable(got))
			case tt.err && err.Error() != tt.want:
				t.Fatalf("error:\n%s\nwant:\n%s", err, tt.want)
			case !tt.err && err != nil:
				t.Fatal(err)
			case !tt.err && got != tt.want:
				t.Fatalf("got:\n%s\nwant:\n%s", readable(got), readable(tt.want))
			}
			// No failure may quote the patient's data.
			if err != nil && (strings.Contains(err.Error(), "Doe") || strings.Contains(err.Error(), "ZQ9")) {
				t.Errorf("error %q contains message data", err)
			}
		})
	}
}
