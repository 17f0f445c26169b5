package transform

import (
	"errors"
	"strings"

	"github.com/plexus-health/plexus/engine/filter"
)

// Spec declares one step as written in a channel's YAML: exactly one of the
// kind fields is set, and When optionally holds a filter expression (see
// package filter) that decides, per message, whether the step applies.
type Spec struct {
	When   string      `yaml:"when,omitempty"`
	Set    *SetSpec    `yaml:"set,omitempty"`
	Copy   *CopySpec   `yaml:"copy,omitempty"`
	Delete *DeleteSpec `yaml:"delete,omitempty"`
	Map    *MapSpec    `yaml:"map,omitempty"`
	ToJSON *ToJSONSpec `yaml:"to_json,omitempty"`

	V2ToFHIR   *V2ToFHIRSpec   `yaml:"v2_to_fhir,omitempty"`
	V2ToEvents *V2ToEventsSpec `yaml:"v2_to_events,omitempty"`

	X12Set         *X12SetSpec         `yaml:"x12_set,omitempty"`
	X12SplitClaims *X12SplitClaimsSpec `yaml:"x12_split_claims,omitempty"`
	X12ToFHIR      *X12ToFHIRSpec      `yaml:"x12_to_fhir,omitempty"`

	DICOMToImagingStudy *DICOMToImagingStudySpec `yaml:"dicom_to_imagingstudy,omitempty"`
	DICOMToEvents       *DICOMToEventsSpec       `yaml:"dicom_to_events,omitempty"`
}

// SetSpec stores a value at a path: set: {path: PID-5.1, value: Doe}.
//
// Value is text, escaped for the message's delimiters; with Raw it is
// already-encoded HL7, whose delimiters below the path's level are kept as
// structure (raw: true, path: PID-5, value: "Doe^John"). A value containing
// "{{" is a text/template executed on each message, with one function,
// field, returning the decoded text at a path of the message as it stands:
// value: '{{field "PID-3(1).1"}}-X'.
type SetSpec struct {
	Path  string `yaml:"path"`
	Value string `yaml:"value"`
	Raw   bool   `yaml:"raw,omitempty"`
}

// CopySpec copies the encoded value at one path to another, keeping its
// components: copy: {from: PID-3(1).1, to: PID-2}. An empty or absent
// source clears the target.
type CopySpec struct {
	From string `yaml:"from"`
	To   string `yaml:"to"`
}

// DeleteSpec clears a value, delete: {path: PID-19}, or removes segments,
// delete: {segment: NTE} (all of them) or delete: {segment: NTE(2)} (the
// second). Set exactly one of Path and Segment.
type DeleteSpec struct {
	Path    string `yaml:"path,omitempty"`
	Segment string `yaml:"segment,omitempty"`
}

// MapSpec recodes the value at a path through a lookup table declared in
// the configuration: map: {path: PV1-2, table: patient-class, default: U}.
//
// A code found in the table is replaced by its mapping. A code not found is
// kept when KeepUnmapped is set, otherwise replaced by Default when there is
// one, otherwise the step fails. An empty value is set to Default when
// there is one and left empty otherwise.
type MapSpec struct {
	Path         string  `yaml:"path"`
	Table        string  `yaml:"table"`
	Default      *string `yaml:"default,omitempty"`
	KeepUnmapped bool    `yaml:"keep_unmapped,omitempty"`
}

// ToJSONSpec converts the HL7 v2 message into JSON (see ToJSON); it has no
// options: to_json: {}.
type ToJSONSpec struct{}

// kind returns the name of the spec's kind and how many kinds are set.
func (s *Spec) kind() (string, int) {
	var kinds []string
	if s.Set != nil {
		kinds = append(kinds, "set")
	}
	if s.Copy != nil {
		kinds = append(kinds, "copy")
	}
	if s.Delete != nil {
		kinds = append(kinds, "delete")
	}
	if s.Map != nil {
		kinds = append(kinds, "map")
	}
	if s.ToJSON != nil {
		kinds = append(kinds, "to_json")
	}
	if s.V2ToFHIR != nil {
		kinds = append(kinds, "v2_to_fhir")
	}
	if s.V2ToEvents != nil {
		kinds = append(kinds, "v2_to_events")
	}
	if s.X12Set != nil {
		kinds = append(kinds, "x12_set")
	}
	if s.X12SplitClaims != nil {
		kinds = append(kinds, "x12_split_claims")
	}
	if s.X12ToFHIR != nil {
		kinds = append(kinds, "x12_to_fhir")
	}
	if s.DICOMToImagingStudy != nil {
		kinds = append(kinds, "dicom_to_imagingstudy")
	}
	if s.DICOMToEvents != nil {
		kinds = append(kinds, "dicom_to_events")
	}
	return strings.Join(kinds, ", "), len(kinds)
}

// Compile checks the specs and builds their pipeline. tables holds the
// lookup tables the configuration declares, by name; the pipeline keeps a
// reference to them, so they must not be changed afterwards. Every
// misconfigured step is reported, each as a *StepError naming the step and
// the field at fault; the errors are joined.
func Compile(specs []Spec, tables map[string]map[string]string) (*Pipeline, error) {
	p := &Pipeline{stages: make([]stage, 0, len(specs))}
	var errs []error
	hl7 := true // whether the document is certainly still HL7 v2 at this step
	for i := range specs {
		s := &specs[i]
		kind, n := s.kind()
		if n != 1 {
			what := "no kind"
			if n > 1 {
				what = kind
			}
			errs = append(errs, &StepError{Index: i, Err: errors.New("a step needs exactly one of set, copy, delete, map, to_json, v2_to_fhir, v2_to_events, x12_set, x12_split_claims, x12_to_fhir, dicom_to_imagingstudy, dicom_to_events (found " + what + ")")})
			continue
		}
		st := stage{kind: kind}
		if s.When != "" {
			var err error
			if st.when, err = filter.Compile(s.When); err != nil {
				errs = append(errs, &StepError{Index: i, Kind: kind, Field: "when", Err: err})
			}
		}
		// Every kind so far reads HL7 v2; a kind that reads another format
		// (JSON to FHIR, say) will need its own check here.
		if !hl7 {
			errs = append(errs, &StepError{Index: i, Kind: kind, Err: errors.New("the document is no longer HL7 v2 here: an earlier step changed its format")})
			continue
		}
		var err error
		switch kind {
		case "set":
			st.step, err = newSet(s.Set)
		case "copy":
			st.step, err = newCopy(s.Copy)
		case "delete":
			st.step, err = newDelete(s.Delete)
		case "map":
			st.step, err = newMap(s.Map, tables)
		case "to_json":
			st.step = ToJSON{}
			if s.When == "" {
				hl7 = false
			}
		case "v2_to_fhir":
			st.step, err = newV2ToFHIR(s.V2ToFHIR)
			if s.When == "" {
				hl7 = false
			}
		case "v2_to_events":
			st.step, err = newV2ToEvents(s.V2ToEvents)
			if s.When == "" {
				hl7 = false
			}
		case "x12_set":
			st.step, err = newX12Set(s.X12Set)
		case "x12_split_claims":
			st.step = x12SplitStep{}
		case "x12_to_fhir":
			st.step, err = newX12ToFHIR(s.X12ToFHIR)
			if s.When == "" {
				hl7 = false
			}
		case "dicom_to_imagingstudy":
			st.step, err = newDICOMToImagingStudy(s.DICOMToImagingStudy)
			hl7 = false
		case "dicom_to_events":
			st.step, err = newDICOMToEvents(s.DICOMToEvents)
			hl7 = false
		}
		if err != nil {
			se := &StepError{Index: i, Kind: kind, Err: err}
			var fieldErr *fieldError
			if errors.As(err, &fieldErr) {
				se.Field, se.Err = fieldErr.field, fieldErr.err
			}
			errs = append(errs, se)
			continue
		}
		p.stages = append(p.stages, st)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return p, nil
}

// fieldError is a compile error in one field of a step's spec.
type fieldError struct {
	field string
	err   error
}

// Error implements error.
func (e *fieldError) Error() string { return e.field + ": " + e.err.Error() }
func (e *fieldError) Unwrap() error { return e.err }

func inField(field string, err error) error {
	if err == nil {
		return nil
	}
	return &fieldError{field, err}
}
