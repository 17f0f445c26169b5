package transform

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/format/hl7v2"
)

// V2ToFHIRSpec converts the HL7 v2 message into a FHIR R4 Bundle with a
// mapping set (package mapping/v2fhir, installed with UseFHIRConverters):
//
//	v2_to_fhir: {mapping: v2-to-fhir-ig/2024.1, bundle: transaction, time_zone: Europe/London}
//
// A site changes the mapping set without forking it with overrides: CSV
// files in the guide's own column layout that replace the rows of the fields
// they name in a segment or data type table, or add codes to a vocabulary
// map (see mapping/v2fhir.Overrides):
//
//	v2_to_fhir:
//	  overrides:
//	    segments: {PID: /etc/plexus/maps/PID.csv}
//	    codesystems: {AdministrativeSex: /etc/plexus/maps/sex.csv}
//
// Every field is optional; v2_to_fhir: {} converts with the default mapping
// set into a transaction Bundle.
type V2ToFHIRSpec struct {
	// Mapping names the mapping set version; the newest the program has
	// when empty. A channel that names its version keeps its output when a newer
	// set ships.
	Mapping string `yaml:"mapping,omitempty"`
	// Bundle is the Bundle type: transaction (default), batch or
	// collection. A collection has no entry.request: it is for archives and
	// messaging, not for a FHIR server's POST [base].
	Bundle string `yaml:"bundle,omitempty"`
	// TimeZone is the sender's IANA time zone ("Europe/London"), given to
	// date/times that carry none. Without it such values are kept as dates
	// and reported as unmapped precision.
	TimeZone string `yaml:"time_zone,omitempty"`
	// Systems maps assigning authority namespaces (CX-4.1, EI-2, HD-1) to
	// identifier system URIs.
	Systems map[string]string `yaml:"systems,omitempty"`
	// Overrides are the site's override files, read when the step is
	// built (on each configuration load).
	Overrides *V2ToFHIROverrides `yaml:"overrides,omitempty"`
}

// V2ToFHIROverrides names override files by the table or map they change:
// segments by table ("PID[Patient]") or segment ("PID"), datatypes by table
// ("CX[Identifier]"), codesystems by vocabulary map ("AdministrativeSex").
// A path is absolute or relative to the working directory of the program
// (the step is not told where its configuration file is).
type V2ToFHIROverrides struct {
	Segments    map[string]string `yaml:"segments,omitempty"`
	DataTypes   map[string]string `yaml:"datatypes,omitempty"`
	CodeSystems map[string]string `yaml:"codesystems,omitempty"`
}

func (o *V2ToFHIROverrides) empty() bool {
	return o == nil || len(o.Segments)+len(o.DataTypes)+len(o.CodeSystems) == 0
}

// Bundle types the v2_to_fhir step produces.
const (
	BundleTransaction = "transaction"
	BundleBatch       = "batch"
	BundleCollection  = "collection"
)

// V2ToFHIR is the step that replaces the HL7 v2 document by its FHIR
// Bundle, with content type application/fhir+json. What the conversion did
// not map (segments, fields, truncated precision) is listed in
// Doc.Unmapped, for the engine to keep with the message: nothing is dropped
// without trace. A message the mapping set cannot convert fails the step,
// and with it the message, which the journal then keeps with status error
// and the reason.
type V2ToFHIR struct {
	convert ConvertFunc
	bundle  string
}

var _ Step = (*V2ToFHIR)(nil)

// ConvertFunc converts a parsed HL7 v2 message into a FHIR transaction
// Bundle (JSON) and describes each thing it did not map.
type ConvertFunc func(m *hl7v2.Message) (bundle []byte, unmapped []string, err error)

// FHIRConverterSpec is what a v2_to_fhir step asks of the installed
// conversions: a mapping set version ("" for the default), a sending time
// zone (nil for none), identifier systems and the site's overrides (nil for
// none).
type FHIRConverterSpec struct {
	Mapping   string
	Zone      *time.Location
	Systems   map[string]string
	Overrides *V2ToFHIROverrides
}

// FHIRConverters returns the ConvertFunc a step's spec asks for, or an
// error when there is no such mapping set or its overrides are wrong.
type FHIRConverters func(FHIRConverterSpec) (ConvertFunc, error)

// fhirConverters is installed by the program: the mappings belong to the
// layer above the engine (package mapping/v2fhir), which this package does
// not import.
var fhirConverters struct {
	sync.RWMutex
	f FHIRConverters
}

// UseFHIRConverters installs the conversions the v2_to_fhir step runs;
// the plexus binary installs mapping/v2fhir's EngineConverter at start-up.
// Until one is installed, a configuration with the step is refused.
func UseFHIRConverters(f FHIRConverters) {
	fhirConverters.Lock()
	defer fhirConverters.Unlock()
	fhirConverters.f = f
}

// newV2ToFHIR checks the spec and builds the step.
func newV2ToFHIR(s *V2ToFHIRSpec) (*V2ToFHIR, error) {
	bundle := s.Bundle
	switch bundle {
	case "":
		bundle = BundleTransaction
	case BundleTransaction, BundleBatch, BundleCollection:
	default:
		return nil, inField("bundle", fmt.Errorf("%q is not transaction, batch or collection", s.Bundle))
	}
	var zone *time.Location
	if s.TimeZone != "" {
		loc, err := time.LoadLocation(s.TimeZone)
		if err != nil {
			return nil, inField("time_zone", fmt.Errorf("%q is not an IANA time zone", s.TimeZone))
		}
		zone = loc
	}
	for ns, uri := range s.Systems {
		if ns == "" || uri == "" {
			return nil, inField("systems", errors.New("an empty namespace or system URI"))
		}
	}
	if o := s.Overrides; o != nil {
		for kind, m := range map[string]map[string]string{"segments": o.Segments, "datatypes": o.DataTypes, "codesystems": o.CodeSystems} {
			for name, file := range m {
				if name == "" || file == "" {
					return nil, inField("overrides", fmt.Errorf("%s: an empty table name or file", kind))
				}
			}
		}
	}
	fhirConverters.RLock()
	converters := fhirConverters.f
	fhirConverters.RUnlock()
	if converters == nil {
		return nil, errors.New("v2_to_fhir: no HL7 v2 to FHIR mapping is installed in this program")
	}
	convert, err := converters(FHIRConverterSpec{Mapping: s.Mapping, Zone: zone, Systems: s.Systems, Overrides: s.Overrides})
	if err != nil {
		// With overrides, the set is built from them: an error is theirs
		// (a mapping set that does not exist is named as such).
		field := "mapping"
		if !s.Overrides.empty() {
			field = "overrides"
		}
		return nil, inField(field, err)
	}
	return &V2ToFHIR{convert: convert, bundle: bundle}, nil
}

// Apply implements Step.
func (s *V2ToFHIR) Apply(_ context.Context, d *Doc) error {
	m, err := d.message()
	if err != nil {
		return err
	}
	bundle, unmapped, err := s.convert(m)
	if err != nil {
		return fmt.Errorf("converting to FHIR: %w", err)
	}
	if s.bundle != BundleTransaction {
		if bundle, err = retypeBundle(bundle, s.bundle); err != nil {
			return fmt.Errorf("converting to FHIR: %w", err)
		}
	}
	d.Unmapped = append(d.Unmapped, unmapped...)
	d.SetContent(engine.ContentFHIR, bundle)
	return nil
}

// bundleKeys is the order of Bundle's elements in its definition, kept
// when a Bundle is rewritten.
var bundleKeys = []string{"resourceType", "id", "meta", "implicitRules", "language", "identifier", "type", "timestamp", "total", "link", "entry", "signature"}

// retypeBundle turns the converter's transaction Bundle into a batch or a
// collection. A collection's entries lose their request, which only a
// transaction or batch may have.
func retypeBundle(b []byte, typ string) ([]byte, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(b, &fields); err != nil {
		return nil, fmt.Errorf("reading the Bundle: %w", err)
	}
	fields["type"], _ = json.Marshal(typ)
	if typ == BundleCollection && fields["entry"] != nil {
		var entries []map[string]json.RawMessage
		if err := json.Unmarshal(fields["entry"], &entries); err != nil {
			return nil, fmt.Errorf("reading the Bundle's entries: %w", err)
		}
		for _, e := range entries {
			delete(e, "request")
		}
		raw, err := json.Marshal(entries)
		if err != nil {
			return nil, err
		}
		fields["entry"] = raw
	}
	// Write the known elements in their defined order, then any other.
	var out bytes.Buffer
	out.Grow(len(b))
	out.WriteByte('{')
	write := func(k string) {
		v, ok := fields[k]
		if !ok {
			return
		}
		if out.Len() > 1 {
			out.WriteByte(',')
		}
		key, _ := json.Marshal(k)
		out.Write(key)
		out.WriteByte(':')
		out.Write(v)
		delete(fields, k)
	}
	for _, k := range bundleKeys {
		write(k)
	}
	rest := make([]string, 0, len(fields))
	for k := range fields {
		rest = append(rest, k)
	}
	sort.Strings(rest)
	for _, k := range rest {
		write(k)
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}
