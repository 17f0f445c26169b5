package transform

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/format/hl7v2"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

// TestToJSONGolden converts the hl7v2 package's sample messages and compares
// the result, indented for review, with testdata/<name>.json.
func TestToJSONGolden(t *testing.T) {
	for _, name := range []string{"adt_a01", "oru_r01_30obx"} {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join("..", "..", "format", "hl7v2", "testdata", name+".hl7"))
			if err != nil {
				t.Fatal(err)
			}
			out, err := run(t, "- to_json: {}", string(raw))
			if err != nil {
				t.Fatal(err)
			}
			var pretty bytes.Buffer
			if err := json.Indent(&pretty, []byte(out), "", "  "); err != nil {
				t.Fatalf("output is not valid JSON: %v\n%s", err, out)
			}
			pretty.WriteByte('\n')
			golden := filepath.Join("testdata", name+".json")
			if *update {
				if err := os.WriteFile(golden, pretty.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(pretty.Bytes(), want) {
				t.Errorf("to_json output differs from %s (run with -update and review the diff):\n%s", golden, pretty.String())
			}
			checkAgainstMessage(t, raw, []byte(out))
		})
	}
}

// checkAgainstMessage reads every field back from the JSON by the
// documented rules and compares it with the message's own decoded value.
func checkAgainstMessage(t *testing.T, raw, out []byte) {
	t.Helper()
	m, err := hl7v2.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Segments []struct {
			ID     string           `json:"id"`
			Fields map[string][]any `json:"fields"`
		} `json:"segments"`
	}
	if err := json.Unmarshal(out, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Segments) != m.Len() {
		t.Fatalf("%d segments, want %d", len(doc.Segments), m.Len())
	}
	for i, s := range doc.Segments {
		seg := m.Seg(i)
		if s.ID != seg.Name() {
			t.Errorf("segment %d is %q, want %q", i, s.ID, seg.Name())
		}
		for f := 1; f <= seg.NumFields(); f++ {
			reps := s.Fields[itoa(f)]
			field := seg.Field(f)
			if field.IsEmpty() != (reps == nil) {
				t.Errorf("%s-%d: present in JSON %v, in message %v", s.ID, f, reps != nil, !field.IsEmpty())
				continue
			}
			for r, rep := range field.Split() {
				for c := 1; c <= max(1, rep.Components()); c++ {
					comp := rep.Component(c)
					for sc := 1; sc <= max(1, comp.Subcomponents()); sc++ {
						want := comp.Sub(sc).String()
						if got := jsonPart(reps[r-1], c, sc); got != want {
							t.Errorf("%s-%d(%d).%d.%d = %q in JSON, %q in message", s.ID, f, r, c, sc, got, want)
						}
					}
				}
			}
		}
	}
}

// jsonPart reads component c, subcomponent s of a repetition by the rules
// ToJSON documents: a string is its own first part; absent parts are empty.
func jsonPart(rep any, c, s int) string {
	v := rep
	for _, n := range []int{c, s} {
		switch x := v.(type) {
		case string:
			if n != 1 {
				return ""
			}
		case map[string]any:
			v = x[itoa(n)]
		case nil:
			return ""
		}
	}
	str, _ := v.(string)
	return str
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestToJSONShape pins the shape on the cases the golden messages lack:
// escapes, subcomponents, empty and null values, repetitions of one.
func TestToJSONShape(t *testing.T) {
	msg := hl7(
		`MSH|^~\&|APP||||20250601||ORU^R01|1|P|2.5`,
		`PID|1||123^^^HOSP&1.2.3&ISO^MR~~456||O\T\Brien^\F\Sean\S\||""|F^""`,
		`OBX|1|FT|||line 1\.br\line 2\X09\tab "quoted" \E\ back`,
		`ZZZ|a&b|^^|`,
	)
	out, err := run(t, "- to_json: {}", msg)
	if err != nil {
		t.Fatal(err)
	}
	want := `{"segments":[` +
		`{"id":"MSH","fields":{"1":["|"],"2":["^~\\&"],"3":["APP"],"7":["20250601"],"9":[{"1":"ORU","2":"R01"}],"10":["1"],"11":["P"],"12":["2.5"]}},` +
		`{"id":"PID","fields":{"1":["1"],"3":[{"1":"123","4":{"1":"HOSP","2":"1.2.3","3":"ISO"},"5":"MR"},"","456"],"5":[{"1":"O&Brien","2":"|Sean^"}],"7":[null],"8":[{"1":"F","2":null}]}},` +
		`{"id":"OBX","fields":{"1":["1"],"2":["FT"],"5":["line 1\nline 2\ttab \"quoted\" \\ back"]}},` +
		`{"id":"ZZZ","fields":{"1":[{"1":{"1":"a","2":"b"}}],"2":[{}]}}` +
		`]}`
	if out != want {
		t.Errorf("got:\n%s\nwant:\n%s", out, want)
	}
	if !json.Valid([]byte(out)) {
		t.Error("not valid JSON")
	}
}

func TestToJSONDoc(t *testing.T) {
	p, err := Compile(specs(t, "- to_json: {}"), nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDoc(message(t, hl7(adt...)))
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	if d.ContentType != engine.ContentJSON || d.HL7 != nil || !json.Valid(d.Raw) {
		t.Errorf("after to_json: content type %q, HL7 %v, valid JSON %v", d.ContentType, d.HL7 != nil, json.Valid(d.Raw))
	}
	b, err := d.Bytes()
	if err != nil || !bytes.Equal(b, d.Raw) {
		t.Errorf("Bytes() = %q, %v", b, err)
	}
}

func TestAppendString(t *testing.T) {
	for in, want := range map[string]string{
		"":                    `""`,
		"plain":               `"plain"`,
		"a\"b\\c":             `"a\"b\\c"`,
		"\x00\x1f\x7f":        `"\u0000\u001f` + "\x7f" + `"`,
		"é – 漢字":              `"é – 漢字"`,
		"bad \xff\xfe utf-8":  `"bad \ufffd\ufffd utf-8"`,
		"line\u2028sep\u2029": `"line\u2028sep\u2029"`,
		"<b>&":                `"<b>&"`,
	} {
		got := string(appendString(nil, []byte(in)))
		if got != want {
			t.Errorf("appendString(%q) = %s, want %s", in, got, want)
		}
		var back string
		if err := json.Unmarshal([]byte(got), &back); err != nil || !strings.Contains(in, "\xff") && back != in {
			t.Errorf("appendString(%q) = %s does not decode back: %q, %v", in, got, back, err)
		}
	}
}
