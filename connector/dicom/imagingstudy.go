package dicom

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/plexus-health/plexus/dicom/imagingstudy"
	"github.com/plexus-health/plexus/fhir/validate"
)

// ImagingStudyBundle returns a FHIR R4 transaction Bundle that puts the
// ImagingStudy of the study a descriptor names, built from every instance
// the archive holds of it (imagingstudy.Build): ImagingStudy/<study UID>,
// so each instance of a study updates the same resource. The subject is
// a logical reference by the instances' Patient ID, with patientIDSystem
// as its identifier system when set. The Bundle is checked with the FHIR
// validator; an invalid one is an error listing the issues. It is what the
// engine's dicom_to_imagingstudy step runs (transform.UseImagingStudies).
func ImagingStudyBundle(descriptor []byte, patientIDSystem string) ([]byte, error) {
	d, err := ParseDescriptor(descriptor)
	if err != nil {
		return nil, err
	}
	if d.Archive == "" {
		return nil, errors.New("dicom descriptor: archive is missing")
	}
	inst, err := Study(d.Archive, d.StudyInstanceUID)
	if err != nil {
		return nil, err
	}
	study, err := imagingstudy.Build(inst, imagingstudy.Options{PatientIDSystem: patientIDSystem})
	if err != nil {
		return nil, err
	}
	sum := sha256.Sum256([]byte("ImagingStudy/" + d.StudyInstanceUID))
	id := hex.EncodeToString(sum[:16])
	bundle, err := json.Marshal(map[string]any{
		"resourceType": "Bundle",
		"type":         "transaction",
		"entry": []any{map[string]any{
			"fullUrl":  "urn:uuid:" + id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:],
			"resource": json.RawMessage(study),
			"request":  map[string]any{"method": "PUT", "url": "ImagingStudy/" + d.StudyInstanceUID},
		}},
	})
	if err != nil {
		return nil, err
	}
	out, err := validate.Validate(bundle)
	if err != nil {
		return nil, fmt.Errorf("loading the FHIR definitions: %w", err)
	}
	if errs := out.Errors(); len(errs) > 0 {
		msgs := make([]string, 0, len(errs))
		for _, is := range errs {
			msgs = append(msgs, is.Expression+": "+is.Diagnostics)
		}
		return nil, fmt.Errorf("the ImagingStudy Bundle is not valid FHIR: %s", strings.Join(msgs, "; "))
	}
	return bundle, nil
}
