package channel

import (
	"testing"

	"github.com/plexus-health/plexus/engine"
)

func TestDICOMMetadata(t *testing.T) {
	msg := &engine.Message{ContentType: engine.ContentDICOM, Raw: []byte(`{"study_instance_uid":"1.2","sop_instance_uid":"1.2.3",
		"modality":"MR","patient_id":"P1","calling_ae":"MODALITY","called_ae":"PLEXUS","archive":"/a","path":"/a/x.dcm","size":9}`)}
	dicomMetadata(msg)
	if msg.Type != "DICOM" || msg.Trigger != "MR" || msg.ControlID != "1.2.3" || msg.PatientID != "P1" ||
		msg.SendingApp != "MODALITY" || msg.SendingFacility != "PLEXUS" {
		t.Errorf("metadata %+v", msg)
	}
	bad := &engine.Message{ContentType: engine.ContentDICOM, Raw: []byte(`not json`)}
	dicomMetadata(bad)
	if bad.Type != "" || bad.ControlID != "" {
		t.Errorf("a descriptor that does not decode gave %+v", bad)
	}
}
