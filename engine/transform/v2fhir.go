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
	"github.com/plexus-health/plexus/mapping/v2fhir"
)

// V2ToFHIRSpec converts the HL7 v2 message into a FHIR R4 Bundle with a
// mapping set of package mapping/v2fhir:
//
//	v2_to_fhir: {mapping: v2-to-fhir-ig/2024.1, bundle: transaction, time_zone: Europe/London}
//
// Every field is optional; v2_to_fhir: {} converts with the default mapping
// set into a transaction Bundle.
type V2ToFHIRSpec struct {
	// Mapping names the mapping set version; v2fhir.DefaultVersion when
	// empty. A channel that names its version keeps its output when a newer
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
	conv   *v2fhir.Converter
	bundle string
}

var _ Step = (*V2ToFHIR)(nil)

// mappingSets caches compiled mapping sets by version: compiling one reads
// and resolves every table, and each configuration load compiles its steps.
var mappingSets struct {
	sync.Mutex
	m map[string]*v2fhir.MappingSet
}

func mappingSet(version string) (*v2fhir.MappingSet, error) {
	if version == v2fhir.DefaultVersion {
		return v2fhir.Default()
	}
	mappingSets.Lock()
	defer mappingSets.Unlock()
	if ms, ok := mappingSets.m[version]; ok {
		return ms, nil
	}
	ms, err := v2fhir.Load(version)
	if err != nil {
		return nil, err
	}
	if mappingSets.m == nil {
		mappingSets.m = map[string]*v2fhir.MappingSet{}
	}
	mappingSets.m[version] = ms
	return ms, nil
}

// newV2ToFHIR checks the spec and builds the step.
func newV2ToFHIR(s *V2ToFHIRSpec) (*V2ToFHIR, error) {
	version := s.Mapping
	if version == "" {
		version = v2fhir.DefaultVersion
	}
	bundle := s.Bundle
	switch bundle {
	case "":
		bundle = BundleTransaction
	case BundleTransaction, BundleBatch, BundleCollection:
	default:
		return nil, inField("bundle", fmt.Errorf("%q is not transaction, batch or collection", s.Bundle))
	}
	var opts v2fhir.Options
	if s.TimeZone != "" {
		loc, err := time.LoadLocation(s.TimeZone)
		if err != nil {
			return nil, inField("time_zone", fmt.Errorf("%q is not an IANA time zone", s.TimeZone))
		}
		opts.Zone = loc
	}
	for ns, uri := range s.Systems {
		if ns == "" || uri == "" {
			return nil, inField("systems", errors.New("an empty namespace or system URI"))
		}
	}
	opts.Systems = s.Systems
	ms, err := mappingSet(version)
	if err != nil {
		return nil, inField("mapping", err)
	}
	return &V2ToFHIR{conv: v2fhir.New(ms, opts), bundle: bundle}, nil
}

// Apply implements Step.
func (s *V2ToFHIR) Apply(_ context.Context, d *Doc) error {
	m, err := d.message()
	if err != nil {
		return err
	}
	res, err := s.conv.Convert(m)
	if err != nil {
		return fmt.Errorf("converting to FHIR: %w", err)
	}
	bundle := res.Bundle
	if s.bundle != BundleTransaction {
		if bundle, err = retypeBundle(bundle, s.bundle); err != nil {
			return fmt.Errorf("converting to FHIR: %w", err)
		}
	}
	for _, u := range res.Unmapped {
		d.Unmapped = append(d.Unmapped, u.String())
	}
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
