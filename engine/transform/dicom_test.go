package transform

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	dicomconn "github.com/plexus-health/plexus/connector/dicom"
	"github.com/plexus-health/plexus/dicom"
	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/mapping/events"
)

// archivedDescriptor stores a shared test file in an archive and returns
// its descriptor, skipping when the shared data is absent.
func archivedDescriptor(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile("../../../shared/testdata/dicom/pydicom/test_files/" + name)
	if err != nil {
		t.Skipf("shared DICOM test data not found: %v", err)
	}
	f, err := dicom.ParseFile(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	a, err := dicomconn.OpenArchive(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := dicom.LookupTransferSyntax(f.TransferSyntax.UID)
	inst, err := a.Store("CT01", f.Dataset.String(dicom.TagSOPClassUID), f.Dataset.String(dicom.TagSOPInstanceUID), ts, data[f.DatasetOffset:])
	if err != nil {
		t.Fatal(err)
	}
	raw, err := json.Marshal(dicomconn.NewDescriptor(dir, "PLEXUS", inst))
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

func TestDICOMSteps(t *testing.T) {
	UseImagingStudies(nil)
	UseDICOMEvents(nil)
	for _, s := range []Spec{{DICOMToImagingStudy: &DICOMToImagingStudySpec{}}, {DICOMToEvents: &DICOMToEventsSpec{}}} {
		if _, err := Compile([]Spec{s}, nil); err == nil {
			t.Errorf("%+v compiled with nothing installed", s)
		}
	}
	UseImagingStudies(dicomconn.ImagingStudyBundle)
	UseDICOMEvents(events.FromDICOM)
	defer UseImagingStudies(nil)
	defer UseDICOMEvents(nil)

	raw := archivedDescriptor(t, "CT_small.dcm")
	hl7 := []byte("MSH|^~\\&|A|B|C|D|20240101||ADT^A01|1|P|2.5\rPID|1||123\r")
	tests := []struct {
		name    string
		spec    Spec
		ct      string
		in      []byte
		wantCT  string
		want    string // a substring of the output
		wantErr string
	}{
		{name: "imaging study", spec: Spec{DICOMToImagingStudy: &DICOMToImagingStudySpec{PatientIDSystem: "urn:oid:1.2.3"}},
			ct: ContentDICOMDescriptor, in: raw, wantCT: engine.ContentFHIR, want: `"resourceType":"ImagingStudy"`},
		{name: "events", spec: Spec{DICOMToEvents: &DICOMToEventsSpec{}},
			ct: ContentDICOMDescriptor, in: raw, wantCT: engine.ContentJSON, want: `"type":"imaging.study.received"`},
		{name: "content type with parameters", spec: Spec{DICOMToEvents: &DICOMToEventsSpec{}},
			ct: ContentDICOMDescriptor + "; charset=utf-8", in: raw, wantCT: engine.ContentJSON, want: `"imaging_study":"ImagingStudy/`},
		{name: "HL7 v2 content", spec: Spec{DICOMToImagingStudy: &DICOMToImagingStudySpec{}},
			ct: engine.ContentHL7v2, in: hl7, wantErr: "the document is application/hl7-v2"},
		{name: "other JSON", spec: Spec{DICOMToEvents: &DICOMToEventsSpec{}},
			ct: engine.ContentJSON, in: []byte(`{}`), wantErr: "needs a DICOM instance descriptor"},
		{name: "descriptor of no archived study", spec: Spec{DICOMToImagingStudy: &DICOMToImagingStudySpec{}},
			ct: ContentDICOMDescriptor, in: []byte(strings.Replace(string(raw), `"study_instance_uid":"`, `"study_instance_uid":"9.`, 1)), wantErr: "no instance of study"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p, err := Compile([]Spec{tt.spec}, nil)
			if err != nil {
				t.Fatal(err)
			}
			d, err := NewDoc(&engine.Message{ContentType: tt.ct, Raw: tt.in})
			if err != nil {
				t.Fatal(err)
			}
			err = p.Run(context.Background(), d)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if d.ContentType != tt.wantCT || !strings.Contains(string(d.Raw), tt.want) {
				t.Errorf("content %s %s, want %s with %s", d.ContentType, d.Raw, tt.wantCT, tt.want)
			}
		})
	}

	// A step after a format-changing DICOM step would not read a
	// descriptor: refused when compiled.
	if _, err := Compile([]Spec{{DICOMToImagingStudy: &DICOMToImagingStudySpec{}}, {DICOMToEvents: &DICOMToEventsSpec{}}}, nil); err == nil {
		t.Error("a DICOM step after dicom_to_imagingstudy compiled")
	}
}
