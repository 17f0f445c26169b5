package transform

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/format/hl7v2"
)

// V2ToEventsSpec replaces the HL7 v2 message by its canonical events
// (package mapping/events, installed with UseEventDerivers):
//
//	v2_to_events: {mapping: v2-to-fhir-ig/2024.1}
//
// Mapping names the mapping set whose FHIR conversion gives the events'
// references, so that they name the resources a v2_to_fhir step with the
// same mapping writes; the newest when empty: v2_to_events: {}.
type V2ToEventsSpec struct {
	Mapping string `yaml:"mapping,omitempty"`
}

// V2ToEvents is the step that replaces the HL7 v2 document by its events,
// a JSON array (content type application/json; "[]" when the message makes
// none). Why a message, or a part of it, made no event is listed in
// Doc.Unmapped, for the engine to keep with the message. A message that
// cannot be converted fails the step.
type V2ToEvents struct {
	derive DeriveFunc
}

var _ Step = (*V2ToEvents)(nil)

// DeriveFunc derives the events of a parsed HL7 v2 message, as a JSON
// array, and notes what made no event.
type DeriveFunc func(m *hl7v2.Message) (events []byte, notes []string, err error)

// EventDerivers returns the DeriveFunc of a mapping set version ("" for
// the default), or an error when there is no such mapping set.
type EventDerivers func(mapping string) (DeriveFunc, error)

// eventDerivers is installed by the program, as fhirConverters is: the
// events belong to the mapping layer, which this package does not import.
var eventDerivers struct {
	sync.RWMutex
	f EventDerivers
}

// UseEventDerivers installs the derivations the v2_to_events step runs;
// the plexus binary installs mapping/events' EngineDeriver at start-up.
// Until one is installed, a configuration with the step is refused.
func UseEventDerivers(f EventDerivers) {
	eventDerivers.Lock()
	defer eventDerivers.Unlock()
	eventDerivers.f = f
}

func newV2ToEvents(s *V2ToEventsSpec) (*V2ToEvents, error) {
	eventDerivers.RLock()
	derivers := eventDerivers.f
	eventDerivers.RUnlock()
	if derivers == nil {
		return nil, errors.New("v2_to_events: no HL7 v2 event derivation is installed in this program")
	}
	derive, err := derivers(s.Mapping)
	if err != nil {
		return nil, inField("mapping", err)
	}
	return &V2ToEvents{derive: derive}, nil
}

// Apply implements Step.
func (s *V2ToEvents) Apply(_ context.Context, d *Doc) error {
	m, err := d.message()
	if err != nil {
		return err
	}
	evs, notes, err := s.derive(m)
	if err != nil {
		return fmt.Errorf("deriving events: %w", err)
	}
	d.Unmapped = append(d.Unmapped, notes...)
	d.SetContent(engine.ContentJSON, evs)
	return nil
}
