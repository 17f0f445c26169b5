package channel

import (
	"encoding/json"

	"github.com/plexus-health/plexus/engine"
)

// dicomDescriptor is the part of a DICOM instance descriptor (the JSON the
// dicom source journals, connector/dicom.Descriptor) that becomes message
// metadata.
type dicomDescriptor struct {
	SOPInstanceUID string `json:"sop_instance_uid"`
	Modality       string `json:"modality"`
	PatientID      string `json:"patient_id"`
	CallingAE      string `json:"calling_ae"`
	CalledAE       string `json:"called_ae"`
}

// dicomMetadata fills the metadata of a DICOM descriptor message, so that
// the message browser, filters (type, trigger...) and duplicate suppression
// see it like an HL7 v2 message: type "DICOM", the modality as trigger,
// the SOP instance UID as control ID, the calling AE title as sending
// application and the called one as facility. A descriptor that does not
// decode leaves them empty; the source that made it has checked it.
func dicomMetadata(msg *engine.Message) {
	var d dicomDescriptor
	if json.Unmarshal(msg.Raw, &d) != nil {
		return
	}
	msg.Type, msg.Trigger, msg.ControlID = "DICOM", d.Modality, d.SOPInstanceUID
	msg.SendingApp, msg.SendingFacility, msg.PatientID = d.CallingAE, d.CalledAE, d.PatientID
}
