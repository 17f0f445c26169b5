package transform

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/plexus-health/plexus/engine"
)

// TestNewDocIsolation checks that a pipeline edits a message of its own:
// the inbound message's parsed form and raw bytes, which the filter and
// other destinations read, stay as received.
func TestNewDocIsolation(t *testing.T) {
	text := hl7(adt...)
	msg := message(t, text)
	p, err := Compile(specs(t, "- set: {path: PID-5.1, value: Smith}\n- delete: {segment: NTE}"), nil)
	if err != nil {
		t.Fatal(err)
	}
	d, err := NewDoc(msg)
	if err != nil {
		t.Fatal(err)
	}
	if err := p.Run(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	if got := msg.HL7.String(); got != text {
		t.Errorf("msg.HL7 changed:\n%s", readable(got))
	}
	if string(msg.Raw) != text {
		t.Errorf("msg.Raw changed:\n%s", readable(string(msg.Raw)))
	}
	if d.HL7 == msg.HL7 || d.Raw != nil || d.Meta != msg {
		t.Errorf("doc shares the inbound message's parse")
	}
}

func TestNewDoc(t *testing.T) {
	// Content that is not HL7 v2 is carried as it is.
	msg := &engine.Message{ContentType: engine.ContentJSON, Raw: []byte(`{"a":1}`)}
	d, err := NewDoc(msg)
	if err != nil || d.HL7 != nil || string(d.Raw) != `{"a":1}` || d.ContentType != engine.ContentJSON {
		t.Errorf("NewDoc(json) = %+v, %v", d, err)
	}
	b, err := d.Bytes()
	if err != nil || string(b) != `{"a":1}` {
		t.Errorf("Bytes() = %q, %v", b, err)
	}
	// HL7 steps fail on it.
	p, _ := Compile(specs(t, "- set: {path: PID-2, value: A}"), nil)
	if err := p.Run(t.Context(), d); err == nil || err.Error() != "transform[0] (set): the step needs HL7 v2 content, the document is application/json" {
		t.Errorf("Run on JSON: %v", err)
	}
	// Malformed HL7 v2 is refused.
	if _, err := NewDoc(&engine.Message{ContentType: engine.ContentHL7v2, Raw: []byte("PID|1")}); err == nil ||
		!strings.HasPrefix(err.Error(), "parsing the message for transformation: ") {
		t.Errorf("NewDoc(malformed) error = %v", err)
	}
	// A document without content type says so.
	if _, err := (&Doc{}).message(); err == nil || !strings.Contains(err.Error(), "no content type") {
		t.Errorf("message() = %v", err)
	}
}

func TestRunContext(t *testing.T) {
	p, _ := Compile(specs(t, "- set: {path: PID-2, value: A}"), nil)
	d, _ := NewDoc(message(t, hl7(adt...)))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := p.Run(ctx, d); !errors.Is(err, context.Canceled) {
		t.Errorf("Run with a cancelled context = %v", err)
	}
	var nilPipeline *Pipeline
	if err := nilPipeline.Run(t.Context(), d); err != nil || nilPipeline.Len() != 0 {
		t.Errorf("nil pipeline: %v", err)
	}
}

// TestSpecYAML checks the YAML shape of each step as the configuration
// decodes it.
func TestSpecYAML(t *testing.T) {
	got := specs(t, `
- set: {path: PID-5, value: "Doe^John", raw: true}
- copy: {from: PID-3(1).1, to: PID-2}
- delete: {segment: NTE(2)}
- when: has("PV1")
  map: {path: PV1-2, table: patient-class, default: "", keep_unmapped: true}
- to_json: {}
`)
	want := []string{
		`set {PID-5 Doe^John true}`,
		`copy {PID-3(1).1 PID-2}`,
		`delete { NTE(2)}`,
		`map {PV1-2 patient-class "" true} when has("PV1")`,
		`to_json {}`,
	}
	for i, s := range got {
		var line string
		switch {
		case s.Set != nil:
			line = fmt.Sprintf("set %v", *s.Set)
		case s.Copy != nil:
			line = fmt.Sprintf("copy %v", *s.Copy)
		case s.Delete != nil:
			line = fmt.Sprintf("delete %v", *s.Delete)
		case s.Map != nil:
			line = fmt.Sprintf("map {%s %s %q %v}", s.Map.Path, s.Map.Table, *s.Map.Default, s.Map.KeepUnmapped)
		case s.ToJSON != nil:
			line = fmt.Sprintf("to_json %v", *s.ToJSON)
		}
		if s.When != "" {
			line += " when " + s.When
		}
		if line != want[i] {
			t.Errorf("step %d = %s, want %s", i, line, want[i])
		}
	}
}

// TestConcurrentRun runs one pipeline, with a template and conditions, over
// many documents at once; run it with -race.
func TestConcurrentRun(t *testing.T) {
	p, err := Compile(specs(t, `
- set: {path: PID-2, value: '{{field "PID-3(1).1"}}-{{field "MSH-10"}}'}
- when: field("PV1-2") == "I"
  map: {path: PV1-2, table: patient-class}
- delete: {path: NK1-5}
`), testTables)
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				id := fmt.Sprintf("M%d-%d", g, i)
				d, err := NewDoc(message(t, strings.Replace(hl7(adt...), "MSG0001", id, 1)))
				if err != nil {
					t.Error(err)
					return
				}
				if err := p.Run(t.Context(), d); err != nil {
					t.Error(err)
					return
				}
				out, _ := d.Bytes()
				if !strings.Contains(string(out), "PID|1|P123-"+id+"|") || !strings.Contains(string(out), "PV1|1|IN|") {
					t.Errorf("goroutine %d: got\n%s", g, readable(string(out)))
					return
				}
			}
		})
	}
	wg.Wait()
}
