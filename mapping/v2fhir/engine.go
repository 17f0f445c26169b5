package v2fhir

import (
	"sync"
	"time"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// mappingSets caches loaded mapping sets by version: loading one reads and
// resolves every table, and each configuration load builds its steps again.
var mappingSets struct {
	sync.Mutex
	m map[string]*MappingSet
}

func mappingSet(version string) (*MappingSet, error) {
	if version == "" || version == DefaultVersion {
		return Default()
	}
	mappingSets.Lock()
	defer mappingSets.Unlock()
	if ms, ok := mappingSets.m[version]; ok {
		return ms, nil
	}
	ms, err := Load(version)
	if err != nil {
		return nil, err
	}
	if mappingSets.m == nil {
		mappingSets.m = map[string]*MappingSet{}
	}
	mappingSets.m[version] = ms
	return ms, nil
}

// EngineConverter returns the conversion of the mapping set version
// (DefaultVersion when empty) with the given sending time zone and
// identifier systems, in the form the engine's v2_to_fhir transform step
// takes: a function from a parsed message to its transaction Bundle and
// the descriptions of what it did not map. The plexus binary installs it
// with transform.UseFHIRConverters; the engine does not import this
// package, which belongs to the layer above it.
func EngineConverter(version string, zone *time.Location, systems map[string]string) (func(*hl7v2.Message) ([]byte, []string, error), error) {
	ms, err := mappingSet(version)
	if err != nil {
		return nil, err
	}
	cv := New(ms, Options{Zone: zone, Systems: systems})
	return func(m *hl7v2.Message) ([]byte, []string, error) {
		res, err := cv.Convert(m)
		if err != nil {
			return nil, nil, err
		}
		unmapped := make([]string, len(res.Unmapped))
		for i, u := range res.Unmapped {
			unmapped[i] = u.String()
		}
		return res.Bundle, unmapped, nil
	}, nil
}
