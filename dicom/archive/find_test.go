package archive

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/dicom"
)

func TestMatch(t *testing.T) {
	tests := []struct {
		vr, query, value string
		want             bool
	}{
		{"UI", "1.2.3", "1.2.3", true},
		{"UI", `1.2.4\1.2.3`, "1.2.3", true},
		{"UI", "1.2.*", "1.2.3", false}, // no wildcards in UIDs
		{"DA", "20040101-20041231", "20040826", true},
		{"DA", "20050101-", "20040826", false},
		{"DA", "-20040826", "20040826", true},
		{"DA", "20040826", "20040826", true},
		{"DA", "20040101-", "", false},
		{"TM", "1200-1300", "124501.123", true},
		{"TM", "1300-", "124501", false},
		{"PN", "doe^j*", "DOE^JANE", true},
		{"PN", "DOE^J?NE", "Doe^Jane", true},
		{"PN", "SMITH*", "DOE^JANE", false},
		{"LO", "A*C", "ABBBC", true},
		{"LO", "A*C", "ABBBD", false},
		{"LO", "a/b*", "a/bc", true},
		{"LO", "[x]", "[x]", true},
		{"CS", "CT", "MR", false},
		{"SH", "*", "", true},
	}
	for _, tc := range tests {
		if got := match(tc.vr, tc.query, tc.value); got != tc.want {
			t.Errorf("match(%s, %q, %q) = %v, want %v", tc.vr, tc.query, tc.value, got, tc.want)
		}
	}
}

func instance(study, series, sop, patient, modality, date string) (*dicom.Dataset, []byte) {
	ds := &dicom.Dataset{}
	ds.SetString(dicom.TagSOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
	ds.SetString(dicom.TagSOPInstanceUID, sop)
	ds.SetString(dicom.TagStudyDate, date)
	ds.SetString(dicom.TagModality, modality)
	ds.SetString(dicom.TagPatientName, patient)
	ds.SetString(dicom.TagPatientID, "ID-"+patient)
	ds.SetString(dicom.TagStudyInstanceUID, study)
	ds.SetString(dicom.TagSeriesInstanceUID, series)
	b, _ := dicom.AppendDataset(nil, ds, dicom.TransferSyntax{UID: dicom.ExplicitVRLittleEndian})
	return ds, b
}

func TestStoreAndFindLevels(t *testing.T) {
	a, _, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ts := dicom.TransferSyntax{UID: dicom.ExplicitVRLittleEndian}
	for _, in := range [][6]string{
		{"1.1", "1.1.1", "1.1.1.1", "DOE^JANE", "CT", "20240101"},
		{"1.1", "1.1.1", "1.1.1.2", "DOE^JANE", "CT", "20240101"},
		{"1.1", "1.1.2", "1.1.2.1", "DOE^JANE", "SR", "20240101"},
		{"1.2", "1.2.1", "1.2.1.1", "ROE^RICHARD", "MR", "20250505"},
	} {
		_, b := instance(in[0], in[1], in[2], in[3], in[4], in[5])
		if _, err := a.Store("AE", "1.2.840.10008.5.1.4.1.1.7", in[2], ts, b); err != nil {
			t.Fatal(err)
		}
	}
	find := func(level string, keys map[dicom.Tag]string) []*dicom.Dataset {
		id := &dicom.Dataset{}
		id.SetString(dicom.TagQueryRetrieveLevel, level)
		for k, v := range keys {
			id.SetString(k, v)
		}
		got, err := a.Find(id)
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	tests := []struct {
		level string
		keys  map[dicom.Tag]string
		want  int
		tag   dicom.Tag
		value string
	}{
		{"PATIENT", map[dicom.Tag]string{dicom.TagPatientName: ""}, 2, 0, ""},
		{"STUDY", map[dicom.Tag]string{dicom.TagStudyDate: "20240101-20241231", dicom.TagModalitiesInStudy: ""}, 1, dicom.TagModalitiesInStudy, `CT\SR`},
		{"STUDY", map[dicom.Tag]string{dicom.TagStudyInstanceUID: "1.1", dicom.TagNumberOfStudyRelatedInstances: "", dicom.TagNumberOfStudyRelatedSeries: ""}, 1, dicom.TagNumberOfStudyRelatedInstances, "3"},
		{"SERIES", map[dicom.Tag]string{dicom.TagStudyInstanceUID: "1.1", dicom.TagModality: "CT", dicom.TagNumberOfSeriesRelatedInstances: ""}, 1, dicom.TagNumberOfSeriesRelatedInstances, "2"},
		{"IMAGE", map[dicom.Tag]string{dicom.TagSeriesInstanceUID: "1.1.1", dicom.TagSOPInstanceUID: ""}, 2, 0, ""},
		{"STUDY", map[dicom.Tag]string{dicom.TagModalitiesInStudy: `US\MR`}, 1, 0, ""},
		// A key the index does not hold is returned empty and does not restrict.
		{"STUDY", map[dicom.Tag]string{dicom.NewTag(0x0010, 0x1010): "042Y"}, 2, dicom.NewTag(0x0010, 0x1010), ""},
	}
	for _, tc := range tests {
		got := find(tc.level, tc.keys)
		if len(got) != tc.want {
			t.Errorf("%s %v: %d results, want %d", tc.level, tc.keys, len(got), tc.want)
			continue
		}
		if tc.tag != 0 && got[0].String(tc.tag) != tc.value {
			t.Errorf("%s %v: %s = %q, want %q", tc.level, tc.keys, tc.tag, got[0].String(tc.tag), tc.value)
		}
	}
	id := &dicom.Dataset{}
	id.SetString(dicom.TagQueryRetrieveLevel, "FRAME")
	if _, err := a.Find(id); err == nil || !strings.Contains(err.Error(), "level") {
		t.Errorf("bad level: %v", err)
	}
}

func TestStoreRefusesBadInstances(t *testing.T) {
	dir := t.TempDir()
	a, _, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ts := dicom.TransferSyntax{UID: dicom.ExplicitVRLittleEndian}
	_, good := instance("1.1", "1.1.1", "1.1.1.1", "X", "CT", "")
	_, badStudy := instance("../../etc", "1.1.1", "1.1.1.1", "X", "CT", "")
	tests := []struct {
		name, sop string
		data      []byte
	}{
		{"garbage", "1.1.1.1", []byte("not dicom at all")},
		{"instance mismatch", "1.1.1.9", good},
		{"path in study UID", "1.1.1.1", badStudy},
		{"path in SOP UID", "../x", good},
	}
	for _, tc := range tests {
		if _, err := a.Store("AE", "1.2.840.10008.5.1.4.1.1.7", tc.sop, ts, tc.data); !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error = %v, want ErrInvalid", tc.name, err)
		}
	}
	// Nothing was written outside the archive, nor left half-written inside.
	err = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			t.Errorf("unexpected file %s", p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestOpenIndexesAndCleansUp(t *testing.T) {
	dir := t.TempDir()
	a, _, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	_, b := instance("1.1", "1.1.1", "1.1.1.1", "X", "CT", "20240101")
	inst, err := a.Store("AE", "1.2.840.10008.5.1.4.1.1.7", "1.1.1.1", dicom.TransferSyntax{UID: dicom.ExplicitVRLittleEndian}, b)
	if err != nil {
		t.Fatal(err)
	}
	seriesDir := filepath.Dir(inst.Path)
	leftover := filepath.Join(seriesDir, ".incoming-123")
	broken := filepath.Join(seriesDir, "9.9.dcm")
	os.WriteFile(leftover, []byte("half"), 0o600)
	os.WriteFile(broken, []byte("not dicom"), 0o600)
	again, bad, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	if again.Len() != 1 || len(bad) != 1 || !strings.Contains(bad[0].Error(), "9.9.dcm") {
		t.Errorf("reopen: %d instances, bad files %v", again.Len(), bad)
	}
	if _, err := os.Stat(leftover); !os.IsNotExist(err) {
		t.Errorf("leftover temporary file not removed: %v", err)
	}
	got, ok := again.Instance("1.1.1.1")
	if !ok || got.SourceAE != "AE" || got.Attributes[dicom.TagStudyDate] != "20240101" || got.TransferSyntaxUID != dicom.ExplicitVRLittleEndian {
		t.Errorf("reindexed instance %+v", got)
	}
}
