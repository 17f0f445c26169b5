package transform

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"sync"

	"github.com/plexus-health/plexus/engine"
)

// ContentDICOMDescriptor is the media type of the instance descriptors a
// DICOM source gives its channel (see package connector/dicom).
const ContentDICOMDescriptor = "application/dicom+json"

// DICOMToImagingStudySpec replaces a DICOM instance descriptor by a FHIR
// transaction Bundle putting the ImagingStudy of the instance's study, as
// the archive holds it, checked with the FHIR validator:
//
//	dicom_to_imagingstudy: {patient_id_system: "urn:oid:1.2.36.146.595.217.0.1"}
//
// The subject is a logical reference by the instances' Patient ID, with
// PatientIDSystem as its identifier system when set.
type DICOMToImagingStudySpec struct {
	PatientIDSystem string `yaml:"patient_id_system,omitempty"`
}

// DICOMToEventsSpec replaces a DICOM instance descriptor by its canonical
// events (an imaging.study.received, package mapping/events), a JSON
// array: dicom_to_events: {}.
type DICOMToEventsSpec struct{}

// ImagingStudyFunc builds the validated transaction Bundle of the study a
// descriptor names; the plexus binary installs connector/dicom's
// ImagingStudyBundle with UseImagingStudies.
type ImagingStudyFunc func(descriptor []byte, patientIDSystem string) ([]byte, error)

// DICOMEventFunc derives the events of a descriptor as a JSON array; the
// plexus binary installs mapping/events' FromDICOM with UseDICOMEvents.
type DICOMEventFunc func(descriptor []byte) ([]byte, error)

// dicomFuncs are installed by the program: the archive, the FHIR validator
// and the events belong to layers this package does not import.
var dicomFuncs struct {
	sync.RWMutex
	study  ImagingStudyFunc
	events DICOMEventFunc
}

// UseImagingStudies installs what the dicom_to_imagingstudy step runs.
// Until one is installed, a configuration with the step is refused.
func UseImagingStudies(f ImagingStudyFunc) {
	dicomFuncs.Lock()
	defer dicomFuncs.Unlock()
	dicomFuncs.study = f
}

// UseDICOMEvents installs what the dicom_to_events step runs. Until one is
// installed, a configuration with the step is refused.
func UseDICOMEvents(f DICOMEventFunc) {
	dicomFuncs.Lock()
	defer dicomFuncs.Unlock()
	dicomFuncs.events = f
}

// dicomDescriptor returns the document's descriptor, or an error when the
// document holds something else.
func dicomDescriptor(d *Doc) ([]byte, error) {
	mt, _, err := mime.ParseMediaType(d.ContentType)
	if d.HL7 != nil || err != nil || mt != ContentDICOMDescriptor {
		ct := d.ContentType
		if d.HL7 != nil {
			ct = engine.ContentHL7v2
		}
		if ct == "" {
			ct = "no content type"
		}
		return nil, fmt.Errorf("the step needs a DICOM instance descriptor (%s), the document is %s", ContentDICOMDescriptor, ct)
	}
	return d.Raw, nil
}

// dicomToImagingStudyStep is a compiled dicom_to_imagingstudy.
type dicomToImagingStudyStep struct {
	build  ImagingStudyFunc
	system string
}

func newDICOMToImagingStudy(s *DICOMToImagingStudySpec) (*dicomToImagingStudyStep, error) {
	dicomFuncs.RLock()
	f := dicomFuncs.study
	dicomFuncs.RUnlock()
	if f == nil {
		return nil, errors.New("dicom_to_imagingstudy: no DICOM archive is installed in this program")
	}
	return &dicomToImagingStudyStep{build: f, system: s.PatientIDSystem}, nil
}

// Apply implements Step.
func (s *dicomToImagingStudyStep) Apply(_ context.Context, d *Doc) error {
	raw, err := dicomDescriptor(d)
	if err != nil {
		return err
	}
	b, err := s.build(raw, s.system)
	if err != nil {
		return fmt.Errorf("building the ImagingStudy: %w", err)
	}
	d.SetContent(engine.ContentFHIR, b)
	return nil
}

// dicomToEventsStep is a compiled dicom_to_events.
type dicomToEventsStep struct {
	derive DICOMEventFunc
}

func newDICOMToEvents(*DICOMToEventsSpec) (*dicomToEventsStep, error) {
	dicomFuncs.RLock()
	f := dicomFuncs.events
	dicomFuncs.RUnlock()
	if f == nil {
		return nil, errors.New("dicom_to_events: no DICOM event derivation is installed in this program")
	}
	return &dicomToEventsStep{derive: f}, nil
}

// Apply implements Step.
func (s *dicomToEventsStep) Apply(_ context.Context, d *Doc) error {
	raw, err := dicomDescriptor(d)
	if err != nil {
		return err
	}
	evs, err := s.derive(raw)
	if err != nil {
		return fmt.Errorf("deriving events: %w", err)
	}
	d.SetContent(engine.ContentJSON, evs)
	return nil
}

var (
	_ Step = (*dicomToImagingStudyStep)(nil)
	_ Step = (*dicomToEventsStep)(nil)
)
