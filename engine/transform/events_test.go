package transform

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/mapping/events"
)

// The program installs the mapping layer's event derivation; so does this
// test.
func init() {
	UseEventDerivers(func(mapping string) (DeriveFunc, error) {
		return events.EngineDeriver(mapping)
	})
}

func TestV2ToEvents(t *testing.T) {
	p, err := Compile(specs(t, `- v2_to_events: {}`), nil)
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
	if d.ContentType != engine.ContentJSON || d.HL7 != nil {
		t.Fatalf("content type %q", d.ContentType)
	}
	out, _ := d.Bytes()
	var evs []struct {
		Schema, Type, ID string
		Subject          map[string]string
	}
	if err := json.Unmarshal(out, &evs); err != nil {
		t.Fatalf("%v: %s", err, out)
	}
	var types []string
	for _, e := range evs {
		types = append(types, e.Type)
		if e.Schema != events.Schema || e.Subject["patient"] == "" {
			t.Errorf("event %+v", e)
		}
	}
	if !slices.Equal(types, []string{events.PatientAdmitted, events.EncounterStarted}) {
		t.Errorf("types %v: %s", types, out)
	}

	// The events name the resources the v2_to_fhir step writes.
	fd := convertDoc(t, `- v2_to_fhir: {}`)
	fb, _ := fd.Bytes()
	if !strings.Contains(string(fb), strings.TrimPrefix(evs[1].Subject["encounter"], "Encounter/")) {
		t.Errorf("encounter %s not in the FHIR Bundle", evs[1].Subject["encounter"])
	}
}

func TestV2ToEventsNone(t *testing.T) {
	msg := hl7(`MSH|^~\&|EPIC|NORTH|LAB|SOUTH|20250601120000||ADT^A34|MSG0002|P|2.5`, `PID|1||P123^^^NORTH^MR`)
	out, err := run(t, `- v2_to_events: {}`, msg)
	if err != nil {
		t.Fatal(err)
	}
	if out != "[]" {
		t.Errorf("got %s", out)
	}
	p, _ := Compile(specs(t, `- v2_to_events: {}`), nil)
	d, _ := NewDoc(message(t, msg))
	if err := p.Run(t.Context(), d); err != nil {
		t.Fatal(err)
	}
	if len(d.Unmapped) != 1 || !strings.Contains(d.Unmapped[0], "ADT^A34") {
		t.Errorf("unmapped %q, want the reason", d.Unmapped)
	}
}

func TestV2ToEventsCompile(t *testing.T) {
	if _, err := Compile(specs(t, `- v2_to_events: {mapping: no-such-set}`), nil); err == nil || !strings.Contains(err.Error(), "mapping") {
		t.Errorf("unknown mapping: %v", err)
	}
	_, err := Compile(specs(t, "- v2_to_events: {}\n- set: {path: PID-2, value: A}"), nil)
	if err == nil || !strings.Contains(err.Error(), "no longer HL7 v2") {
		t.Errorf("step after v2_to_events: %v", err)
	}
	defer UseEventDerivers(func(mapping string) (DeriveFunc, error) { return events.EngineDeriver(mapping) })
	UseEventDerivers(nil)
	if _, err := Compile(specs(t, `- v2_to_events: {}`), nil); err == nil || !strings.Contains(err.Error(), "installed") {
		t.Errorf("no derivation installed: %v", err)
	}
}
