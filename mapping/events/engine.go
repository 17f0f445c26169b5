package events

import (
	"encoding/json"
	"time"

	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/mapping/v2fhir"
)

// EngineDeriver returns the derivation of events with the references of
// mapping set version (v2fhir.DefaultVersion when empty), in the form the
// engine's v2_to_events transform step takes: a function from a parsed
// message to its events as a JSON array and the notes of what gave no
// event. The plexus binary installs it with transform.UseEventDerivers;
// the engine does not import this package, which belongs to the layer
// above it.
func EngineDeriver(version string) (func(*hl7v2.Message) ([]byte, []string, error), error) {
	var ms *v2fhir.MappingSet
	var err error
	if version == "" || version == v2fhir.DefaultVersion {
		ms, err = v2fhir.Default()
	} else {
		ms, err = v2fhir.Load(version)
	}
	if err != nil {
		return nil, err
	}
	// The ids of resources do not depend on the time zone or identifier
	// systems; Now only fills Provenance.recorded, which events do not read.
	d := New(v2fhir.New(ms, v2fhir.Options{Now: func() time.Time { return time.Time{} }}))
	return func(m *hl7v2.Message) ([]byte, []string, error) {
		res, err := d.Derive(m)
		if err != nil {
			return nil, nil, err
		}
		out, err := Marshal(res.Events)
		return out, res.Notes, err
	}, nil
}

// Marshal writes events as a JSON array ("[]" for none).
func Marshal(evs []Event) ([]byte, error) {
	if evs == nil {
		evs = []Event{}
	}
	return json.Marshal(evs)
}
