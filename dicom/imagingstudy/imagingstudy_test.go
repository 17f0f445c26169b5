package imagingstudy

import (
	"encoding/json"
	"os"
	"path/filepath"
	"testing"

	"github.com/plexus-health/plexus/dicom"
	"github.com/plexus-health/plexus/dicom/archive"
	"github.com/plexus-health/plexus/fhir/validate"
)

func storeInstance(t *testing.T, a *archive.Archive, sop, series, seriesNo, instNo, modality string) {
	t.Helper()
	ds := &dicom.Dataset{}
	ds.SetString(dicom.TagSOPClassUID, "1.2.840.10008.5.1.4.1.1.2")
	ds.SetString(dicom.TagSOPInstanceUID, sop)
	ds.SetString(dicom.TagStudyDate, "20240131")
	ds.SetString(dicom.TagAccessionNumber, "ACC1")
	ds.SetString(dicom.TagModality, modality)
	ds.SetString(dicom.TagStudyDescription, "CT chest")
	ds.SetString(dicom.TagPatientID, "MRN-7")
	ds.SetString(dicom.TagStudyInstanceUID, "1.2.826.0.1.3680043.10.9")
	ds.SetString(dicom.TagSeriesInstanceUID, series)
	ds.SetString(dicom.TagSeriesNumber, seriesNo)
	ds.SetString(dicom.TagInstanceNumber, instNo)
	ts := dicom.TransferSyntax{UID: dicom.ExplicitVRLittleEndian}
	b, err := dicom.AppendDataset(nil, ds, ts)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := a.Store("CT01", "1.2.840.10008.5.1.4.1.1.2", sop, ts, b); err != nil {
		t.Fatal(err)
	}
}

func TestBuildValidates(t *testing.T) {
	a, _, err := archive.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	storeInstance(t, a, "1.2.9.3", "1.2.9.20", "2", "1", "SR")
	storeInstance(t, a, "1.2.9.2", "1.2.9.10", "1", "2", "CT")
	storeInstance(t, a, "1.2.9.1", "1.2.9.10", "1", "1", "CT")
	for _, opts := range []Options{{}, {Subject: "Patient/p1"}, {PatientIDSystem: "urn:oid:1.2.3"}} {
		b, err := Build(a.Study("1.2.826.0.1.3680043.10.9"), opts)
		if err != nil {
			t.Fatal(err)
		}
		out, err := validate.Validate(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, is := range out.Issues {
			if is.Severity == "error" {
				t.Errorf("%s: %s (%s)", is.Expression, is.Diagnostics, b)
			}
		}
		var res struct {
			ID                string `json:"id"`
			Started           string `json:"started"`
			NumberOfSeries    int    `json:"numberOfSeries"`
			NumberOfInstances int    `json:"numberOfInstances"`
			Modality          []struct{ Code string }
			Series            []struct {
				UID      string `json:"uid"`
				Instance []struct {
					UID    string `json:"uid"`
					Number int    `json:"number"`
				} `json:"instance"`
			} `json:"series"`
		}
		if err := json.Unmarshal(b, &res); err != nil {
			t.Fatal(err)
		}
		if res.ID != "1.2.826.0.1.3680043.10.9" || res.Started != "2024-01-31" || res.NumberOfSeries != 2 || res.NumberOfInstances != 3 {
			t.Errorf("resource %s", b)
		}
		if len(res.Modality) != 2 || res.Modality[0].Code != "CT" || res.Modality[1].Code != "SR" {
			t.Errorf("modalities %+v", res.Modality)
		}
		if res.Series[0].UID != "1.2.9.10" || res.Series[0].Instance[0].UID != "1.2.9.1" || res.Series[0].Instance[1].Number != 2 {
			t.Errorf("order of series and instances: %s", b)
		}
	}
	// The validator does catch a broken study: one without its subject.
	b, _ := Build(a.Study("1.2.826.0.1.3680043.10.9"), Options{})
	var m map[string]any
	json.Unmarshal(b, &m)
	delete(m, "subject")
	b, _ = json.Marshal(m)
	if out, _ := validate.Validate(b); len(out.Issues) == 0 {
		t.Error("an ImagingStudy without subject validated")
	}
	if _, err := Build(nil, Options{}); err == nil {
		t.Error("Build of no instances succeeded")
	}
}

// TestBuildSharedFiles builds and validates the study of each shared file
// the archive accepts.
func TestBuildSharedFiles(t *testing.T) {
	dir := "../../../shared/testdata/dicom/pydicom/test_files"
	names := []string{"CT_small.dcm", "MR_small.dcm", "rtplan.dcm", "JPEG2000.dcm", "test-SR.dcm", "waveform_ecg.dcm"}
	a, _, err := archive.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Skipf("shared DICOM test data not found: %v", err)
		}
		f, err := dicom.ParseFile(data, nil)
		if err != nil {
			t.Fatal(err)
		}
		ds := f.Dataset
		inst, err := a.Store("X", ds.String(dicom.TagSOPClassUID), ds.String(dicom.TagSOPInstanceUID), f.TransferSyntax, data[f.DatasetOffset:])
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		b, err := Build(a.Study(inst.StudyInstanceUID), Options{})
		if err != nil {
			t.Fatal(err)
		}
		out, _ := validate.Validate(b)
		for _, is := range out.Issues {
			if is.Severity == "error" {
				t.Errorf("%s: %s: %s", n, is.Expression, is.Diagnostics)
			}
		}
	}
}
