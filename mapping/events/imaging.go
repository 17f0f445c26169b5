package events

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ImagingData is the payload of imaging.study.received: the instance a
// DICOM sender stored and the study it belongs to. The UIDs are DICOM
// UIDs; the patient is named by the instance's Patient ID only.
type ImagingData struct {
	StudyInstanceUID  string      `json:"study_instance_uid"`
	SeriesInstanceUID string      `json:"series_instance_uid"`
	SOPInstanceUID    string      `json:"sop_instance_uid"`
	SOPClassUID       string      `json:"sop_class_uid"`
	Modality          string      `json:"modality,omitempty"`
	AccessionNumber   string      `json:"accession_number,omitempty"`
	StudyDate         string      `json:"study_date,omitempty"` // ISO 8601 date
	PatientIdentifier *Identifier `json:"patient_identifier,omitempty"`
}

// dicomInstance is the part of a DICOM source's instance descriptor
// (connector/dicom.Descriptor) the event reads.
type dicomInstance struct {
	StudyInstanceUID  string    `json:"study_instance_uid"`
	SeriesInstanceUID string    `json:"series_instance_uid"`
	SOPInstanceUID    string    `json:"sop_instance_uid"`
	SOPClassUID       string    `json:"sop_class_uid"`
	Modality          string    `json:"modality"`
	PatientID         string    `json:"patient_id"`
	AccessionNumber   string    `json:"accession_number"`
	StudyDate         string    `json:"study_date"`
	CallingAE         string    `json:"calling_ae"`
	CalledAE          string    `json:"called_ae"`
	ReceivedAt        time.Time `json:"received_at"`
}

// MessageTypeDICOM is message.type of events derived from DICOM instances;
// their message.control_id is the SOP instance UID.
const MessageTypeDICOM = "DICOM^C-STORE"

// FromDICOM derives the events of a DICOM instance descriptor, the content
// a DICOM source gives its channel: one imaging.study.received, as a JSON
// array. Its subject is ImagingStudy/<study UID>, the resource the
// dicom_to_imagingstudy step writes; its id depends on the sender, the
// receiving AE title and the SOP instance UID, so an instance sent again
// gives the same id. It is what the engine's dicom_to_events step runs.
func FromDICOM(descriptor []byte) ([]byte, error) {
	var d dicomInstance
	if err := json.Unmarshal(descriptor, &d); err != nil {
		return nil, fmt.Errorf("dicom descriptor: %w", err)
	}
	if d.StudyInstanceUID == "" || d.SOPInstanceUID == "" {
		return nil, errors.New("dicom descriptor: study_instance_uid and sop_instance_uid are required")
	}
	data := &ImagingData{
		StudyInstanceUID:  d.StudyInstanceUID,
		SeriesInstanceUID: d.SeriesInstanceUID,
		SOPInstanceUID:    d.SOPInstanceUID,
		SOPClassUID:       d.SOPClassUID,
		Modality:          d.Modality,
		AccessionNumber:   d.AccessionNumber,
	}
	if len(d.StudyDate) == 8 && digits(d.StudyDate) {
		data.StudyDate = d.StudyDate[:4] + "-" + d.StudyDate[4:6] + "-" + d.StudyDate[6:]
	}
	if d.PatientID != "" {
		data.PatientIdentifier = &Identifier{Value: d.PatientID}
	}
	ev := Event{
		Schema:  Schema,
		Type:    ImagingStudyReceived,
		ID:      eventID(d.CallingAE, d.CalledAE, d.SOPInstanceUID, ImagingStudyReceived, 0),
		Source:  Source{Application: d.CallingAE, Facility: d.CalledAE},
		Message: Message{ControlID: d.SOPInstanceUID, Type: MessageTypeDICOM},
		Subject: Subject{ImagingStudy: "ImagingStudy/" + d.StudyInstanceUID},
		Data:    data,
	}
	if !d.ReceivedAt.IsZero() {
		ev.OccurredAt = d.ReceivedAt.UTC().Format(time.RFC3339)
	}
	return Marshal([]Event{ev})
}
