package events

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestFromDICOM(t *testing.T) {
	full := `{"study_instance_uid":"1.2.3","series_instance_uid":"1.2.3.4","sop_instance_uid":"1.2.3.4.5",
		"sop_class_uid":"1.2.840.10008.5.1.4.1.1.2","modality":"CT","patient_id":"P123","accession_number":"A9",
		"study_date":"20240312","calling_ae":"CT01","called_ae":"PLEXUS","archive":"/a","path":"/a/x.dcm","size":10,
		"received_at":"2024-03-12T10:15:30.5+01:00"}`
	tests := []struct {
		name    string
		in      string
		check   func(t *testing.T, e Event, data ImagingData)
		wantErr string
	}{
		{name: "full", in: full, check: func(t *testing.T, e Event, data ImagingData) {
			if e.Schema != Schema || e.Type != ImagingStudyReceived || len(e.ID) != 32 {
				t.Errorf("event %+v", e)
			}
			if e.Source != (Source{Application: "CT01", Facility: "PLEXUS"}) || e.Message != (Message{ControlID: "1.2.3.4.5", Type: MessageTypeDICOM}) {
				t.Errorf("source %+v, message %+v", e.Source, e.Message)
			}
			if e.Subject != (Subject{ImagingStudy: "ImagingStudy/1.2.3"}) || e.OccurredAt != "2024-03-12T09:15:30Z" {
				t.Errorf("subject %+v, occurred_at %q", e.Subject, e.OccurredAt)
			}
			if data.StudyDate != "2024-03-12" || data.Modality != "CT" || data.AccessionNumber != "A9" ||
				data.PatientIdentifier == nil || data.PatientIdentifier.Value != "P123" || data.SOPClassUID != "1.2.840.10008.5.1.4.1.1.2" {
				t.Errorf("data %+v", data)
			}
		}},
		{name: "minimal", in: `{"study_instance_uid":"1.2.3","sop_instance_uid":"1.2.3.4.5","study_date":"2024"}`, check: func(t *testing.T, e Event, data ImagingData) {
			if e.OccurredAt != "" || data.StudyDate != "" || data.PatientIdentifier != nil {
				t.Errorf("event %+v, data %+v: a value invented", e, data)
			}
		}},
		{name: "no SOP instance", in: `{"study_instance_uid":"1.2.3"}`, wantErr: "required"},
		{name: "not JSON", in: `MSH|`, wantErr: "dicom descriptor"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out, err := FromDICOM([]byte(tt.in))
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			var evs []struct {
				Event
				Data ImagingData `json:"data"`
			}
			if err := json.Unmarshal(out, &evs); err != nil || len(evs) != 1 {
				t.Fatalf("%s: %v", out, err)
			}
			tt.check(t, evs[0].Event, evs[0].Data)
		})
	}
	// The same instance from the same sender gives the same id; another
	// sender another.
	a, _ := FromDICOM([]byte(full))
	b, _ := FromDICOM([]byte(full))
	c, _ := FromDICOM([]byte(strings.Replace(full, "CT01", "CT02", 1)))
	id := func(b []byte) string {
		var evs []Event
		json.Unmarshal(b, &evs)
		return evs[0].ID
	}
	if id(a) != id(b) || id(a) == id(c) {
		t.Errorf("ids %s, %s, %s", id(a), id(b), id(c))
	}
}
