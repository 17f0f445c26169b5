package dicom

import (
	"encoding/json"
	"errors"
	"fmt"
	"time"

	dcm "github.com/plexus-health/plexus/dicom"
	"github.com/plexus-health/plexus/dicom/archive"
	"github.com/plexus-health/plexus/engine"
)

// ContentDescriptor is the media type of an instance descriptor, the
// content a DICOM source gives its channel. It ends in "+json", so channel
// filters read it with json("modality").
const ContentDescriptor = engine.ContentDICOM

// Descriptor describes one instance stored in an archive. Its JSON form is
// the content of the messages a DICOM source produces; the pixel data stays
// in the archive file at Path.
type Descriptor struct {
	StudyInstanceUID  string    `json:"study_instance_uid"`
	SeriesInstanceUID string    `json:"series_instance_uid"`
	SOPInstanceUID    string    `json:"sop_instance_uid"`
	SOPClassUID       string    `json:"sop_class_uid"`
	TransferSyntaxUID string    `json:"transfer_syntax_uid"`
	Modality          string    `json:"modality,omitempty"`
	PatientID         string    `json:"patient_id,omitempty"`
	AccessionNumber   string    `json:"accession_number,omitempty"`
	StudyDate         string    `json:"study_date,omitempty"` // DICOM DA, YYYYMMDD
	StudyDescription  string    `json:"study_description,omitempty"`
	CallingAE         string    `json:"calling_ae,omitempty"` // the sender
	CalledAE          string    `json:"called_ae,omitempty"`  // the source's AE title
	Archive           string    `json:"archive"`              // the archive's directory
	Path              string    `json:"path"`                 // the instance's file
	Size              int64     `json:"size"`                 // bytes
	ReceivedAt        time.Time `json:"received_at"`
}

// NewDescriptor describes inst, stored in the archive in dir and received
// by the AE title calledAE.
func NewDescriptor(dir, calledAE string, inst archive.Instance) *Descriptor {
	a := inst.Attributes
	return &Descriptor{
		StudyInstanceUID:  inst.StudyInstanceUID,
		SeriesInstanceUID: inst.SeriesInstanceUID,
		SOPInstanceUID:    inst.SOPInstanceUID,
		SOPClassUID:       inst.SOPClassUID,
		TransferSyntaxUID: inst.TransferSyntaxUID,
		Modality:          a[dcm.TagModality],
		PatientID:         a[dcm.TagPatientID],
		AccessionNumber:   a[dcm.TagAccessionNumber],
		StudyDate:         a[dcm.TagStudyDate],
		StudyDescription:  a[dcm.TagStudyDescription],
		CallingAE:         inst.SourceAE,
		CalledAE:          calledAE,
		Archive:           dir,
		Path:              inst.Path,
		Size:              inst.Size,
		ReceivedAt:        inst.Received,
	}
}

// ParseDescriptor reads a descriptor and checks that it names an instance:
// valid SOP class, SOP instance and study UIDs and a file path.
func ParseDescriptor(data []byte) (*Descriptor, error) {
	var d Descriptor
	if err := json.Unmarshal(data, &d); err != nil {
		return nil, fmt.Errorf("dicom descriptor: %w", err)
	}
	switch {
	case !dcm.ValidUID(d.SOPClassUID):
		return nil, errors.New("dicom descriptor: sop_class_uid is missing or not a UID")
	case !dcm.ValidUID(d.SOPInstanceUID):
		return nil, errors.New("dicom descriptor: sop_instance_uid is missing or not a UID")
	case !dcm.ValidUID(d.StudyInstanceUID):
		return nil, errors.New("dicom descriptor: study_instance_uid is missing or not a UID")
	case d.Path == "":
		return nil, errors.New("dicom descriptor: path is missing")
	}
	return &d, nil
}
