package v2fhir

import (
	"errors"
	"fmt"
	"os"
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

// OverrideFiles names the files of a site's overrides (see Overrides), by
// table or map name, as a channel's configuration gives them.
type OverrideFiles struct {
	Segments, DataTypes, CodeSystems map[string]string
}

// ReadOverrides reads the override files. A file that cannot be read is an
// *OverrideError naming it.
func ReadOverrides(files OverrideFiles) (*Overrides, error) {
	ov := &Overrides{}
	var errs []error
	read := func(names map[string]string) map[string]OverrideSource {
		if len(names) == 0 {
			return nil
		}
		m := make(map[string]OverrideSource, len(names))
		for k, file := range names {
			b, err := os.ReadFile(file)
			if err != nil {
				errs = append(errs, &OverrideError{File: file, Table: k, Err: fmt.Errorf("%w: %v", ErrBadOverride, err)})
				continue
			}
			m[k] = OverrideSource{File: file, CSV: b}
		}
		return m
	}
	ov.Segments, ov.DataTypes, ov.CodeSystems = read(files.Segments), read(files.DataTypes), read(files.CodeSystems)
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return ov, nil
}

// EngineConverter returns the conversion of the mapping set version
// (DefaultVersion when empty) with a site's overrides applied (read from
// their files now: a change to a file takes effect when the configuration
// is loaded again), the given sending time zone and identifier systems, in
// the form the engine's v2_to_fhir transform step takes: a function from a
// parsed message to its transaction Bundle and the descriptions of what it
// did not map. The plexus binary installs it with
// transform.UseFHIRConverters; the engine does not import this package,
// which belongs to the layer above it.
func EngineConverter(version string, zone *time.Location, systems map[string]string, files OverrideFiles) (func(*hl7v2.Message) ([]byte, []string, error), error) {
	ms, err := mappingSet(version)
	if err != nil {
		return nil, err
	}
	if len(files.Segments)+len(files.DataTypes)+len(files.CodeSystems) > 0 {
		ov, err := ReadOverrides(files)
		if err != nil {
			return nil, err
		}
		if ms, err = ms.WithOverrides(ov); err != nil {
			return nil, err
		}
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
