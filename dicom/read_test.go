package dicom

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// testFiles is the public DICOM test material shared beside the checkout.
const testFiles = "../../shared/testdata/dicom/pydicom/test_files"

func sharedFiles(t testing.TB) []string {
	t.Helper()
	if _, err := os.Stat(testFiles); err != nil {
		t.Skipf("shared DICOM test data not found at %s", testFiles)
	}
	var files []string
	err := filepath.WalkDir(testFiles, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return files
}

// refused lists the shared files that are not DICOM, or are broken on
// purpose, with the reason the parser must give.
var refused = map[string]string{
	"README.txt":           "not a DICOM file",
	"README":               "not a DICOM file",
	"crayons.icc":          "not a DICOM file",
	"rtplan.dump":          "not a DICOM file",
	"rtstruct.dump":        "not a DICOM file",
	"test1.json":           "not a DICOM file",
	"test_PN.json":         "not a DICOM file",
	"zipMR.gz":             "not a DICOM file",
	"no_meta.dcm":          "not a DICOM file", // a stray byte before the first element
	"MR_truncated.dcm":     "element (7FE0,0010) at offset 1488: truncated",
	"rtplan_truncated.dcm": "element (300A,00B0) at offset 1410: truncated",
	"DICOMDIR-nooffset":    "element (0004,1220) at offset 10868: truncated: an item needs 248 bytes",
}

// TestSharedFiles parses every shared file: each is refused with the
// expected error, or parsed and written back byte for byte.
func TestSharedFiles(t *testing.T) {
	parsed := 0
	for _, p := range sharedFiles(t) {
		name := filepath.Base(p)
		t.Run(name, func(t *testing.T) {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			f, err := ParseFile(data, nil)
			if want, ok := refused[name]; ok {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Fatalf("ParseFile error = %v, want one containing %q", err, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseFile: %v", err)
			}
			parsed++
			out, err := AppendDataset(nil, f.Dataset, f.TransferSyntax)
			if err != nil {
				t.Fatalf("AppendDataset: %v", err)
			}
			if f.TransferSyntax.Deflated {
				// The compressed form may differ; the inflated data set
				// must survive a write and a read.
				var buf bytes.Buffer
				if err := WriteFile(&buf, f); err != nil {
					t.Fatal(err)
				}
				g, err := ParseFile(buf.Bytes(), nil)
				if err != nil {
					t.Fatalf("reparse: %v", err)
				}
				again, _ := AppendDataset(nil, g.Dataset, g.TransferSyntax)
				if !bytes.Equal(again, out) {
					t.Fatal("deflated data set changed through WriteFile and ParseFile")
				}
				return
			}
			if !bytes.Equal(out, data[f.DatasetOffset:]) {
				t.Fatalf("written data set differs from the input (%d bytes vs %d)", len(out), len(data)-f.DatasetOffset)
			}
			if f.Preamble != nil && f.Meta.Find(TagFileMetaInformationGroupLength) != nil {
				var buf bytes.Buffer
				if err := WriteFile(&buf, f); err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(buf.Bytes(), data) {
					t.Fatal("WriteFile output differs from the file")
				}
			}
		})
	}
	if parsed < 60 {
		t.Errorf("only %d shared files parsed", parsed)
	}
}

func TestParseFileFields(t *testing.T) {
	p := filepath.Join(testFiles, "CT_small.dcm")
	if _, err := os.Stat(p); err != nil {
		t.Skipf("shared DICOM test data not found: %v", err)
	}
	f, err := ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		tag  Tag
		want string
	}{
		{TagSOPClassUID, "1.2.840.10008.5.1.4.1.1.2"},
		{TagModality, "CT"},
		{TagPatientName, "CompressedSamples^CT1"},
		{TagTransferSyntaxUID, ""}, // meta, not data set
	}
	for _, tc := range tests {
		if got := f.Dataset.String(tc.tag); got != tc.want {
			t.Errorf("String(%s) = %q, want %q", tc.tag, got, tc.want)
		}
	}
	if got := f.Meta.String(TagTransferSyntaxUID); got != ExplicitVRLittleEndian {
		t.Errorf("meta transfer syntax = %q", got)
	}
	if rows, ok := f.Dataset.Uint(NewTag(0x0028, 0x0010)); !ok || rows != 128 {
		t.Errorf("Rows = %d, %v; want 128", rows, ok)
	}
}

// TestEncodings builds a data set with a nested sequence, a private
// element and encapsulated pixel data, and reads it back in each syntax.
func TestEncodings(t *testing.T) {
	for _, uid := range []string{ImplicitVRLittleEndian, ExplicitVRLittleEndian, ExplicitVRBigEndian, DeflatedExplicitVRLittleEndian, "1.2.840.10008.1.2.4.50"} {
		t.Run(uid, func(t *testing.T) {
			ts, ok := LookupTransferSyntax(uid)
			if !ok {
				t.Fatal("unknown syntax")
			}
			ds := &Dataset{BigEndian: ts.BigEndian}
			ds.SetString(TagPatientName, "Doe^Jane")
			ds.SetString(TagSOPInstanceUID, "1.2.3.4.5")
			ds.SetUint16(NewTag(0x0028, 0x0010), 512)
			item := &Dataset{BigEndian: ts.BigEndian, UndefinedLength: true}
			item.SetString(TagStudyDescription, "odd")
			inner := &Dataset{BigEndian: ts.BigEndian}
			inner.SetString(TagModality, "MR")
			item.Set(&Element{Tag: NewTag(0x0040, 0xA730), VR: "SQ", Items: []*Dataset{inner}})
			ds.Set(&Element{Tag: NewTag(0x0008, 0x1115), VR: "SQ", Items: []*Dataset{item}, UndefinedLength: true})
			ds.Set(&Element{Tag: NewTag(0x0009, 0x0010), VR: "LO", Value: []byte("ACME 1.0")})
			ds.Set(&Element{Tag: NewTag(0x0009, 0x1001), VR: "UN", Value: []byte{1, 2, 3, 4}})
			if ts.Encapsulated {
				ds.Set(&Element{Tag: TagPixelData, VR: "OB", UndefinedLength: true, Fragments: [][]byte{{}, {0xFF, 0xD8, 0xFF, 0xD9}}})
			}
			f := &File{Meta: NewMeta("1.2.840.10008.5.1.4.1.1.7", "1.2.3.4.5", uid, "TEST"), TransferSyntax: ts, Dataset: ds}
			var buf bytes.Buffer
			if err := WriteFile(&buf, f); err != nil {
				t.Fatal(err)
			}
			g, err := ParseFile(buf.Bytes(), nil)
			if err != nil {
				t.Fatal(err)
			}
			if got := g.Dataset.String(TagPatientName); got != "Doe^Jane" {
				t.Errorf("PatientName = %q", got)
			}
			if v, _ := g.Dataset.Uint(NewTag(0x0028, 0x0010)); v != 512 {
				t.Errorf("Rows = %d", v)
			}
			sq := g.Dataset.Find(NewTag(0x0008, 0x1115))
			if sq == nil || len(sq.Items) != 1 || sq.Items[0].String(TagStudyDescription) != "odd" {
				t.Fatalf("sequence not read back: %+v", sq)
			}
			if in := sq.Items[0].Find(NewTag(0x0040, 0xA730)); in == nil || len(in.Items) != 1 || in.Items[0].String(TagModality) != "MR" {
				t.Fatalf("nested sequence not read back")
			}
			if e := g.Dataset.Find(NewTag(0x0009, 0x1001)); e == nil || !bytes.Equal(e.Value, []byte{1, 2, 3, 4}) {
				t.Errorf("private element not read back: %+v", e)
			}
			if ts.Encapsulated {
				px := g.Dataset.Find(TagPixelData)
				if px == nil || len(px.Fragments) != 2 || !bytes.Equal(px.Fragments[1], []byte{0xFF, 0xD8, 0xFF, 0xD9}) {
					t.Errorf("fragments not read back: %+v", px)
				}
			}
			want, _ := AppendDataset(nil, ds, ts)
			got, _ := AppendDataset(nil, g.Dataset, g.TransferSyntax)
			if !bytes.Equal(want, got) {
				t.Error("data set changed through a write and a read")
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	explicitHeader := func(vr string, n uint16) []byte {
		return []byte{0x10, 0x00, 0x10, 0x00, vr[0], vr[1], byte(n), byte(n >> 8)}
	}
	tests := []struct {
		name string
		data []byte
		want string
	}{
		{"empty", nil, "not a DICOM file"},
		{"preamble without meta", append(make([]byte, 128), "DICM\x08\x00\x10\x00"...), "no file meta information"},
		{"short value", append(explicitHeader("PN", 10), "Doe"...), "truncated: the value needs 10 bytes, 3 are left"},
		{"bad VR", append(append(explicitHeader("PN", 4), "Doe "...), 0x10, 0x00, 0x20, 0x00, 'z', 'z', 0, 0), "invalid VR"},
		{"undefined text", []byte{0x08, 0x00, 0x20, 0x00, 'D', 'A', 0, 0, 0x10, 0x00, 0x10, 0x00, 'U', 'T', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF}, "undefined length on a UT element"},
		{"unterminated sequence", []byte{0x08, 0x00, 0x15, 0x11, 'S', 'Q', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF}, "truncated"},
		{"stray item", []byte{0xFE, 0xFF, 0x00, 0xE0, 0, 0, 0, 0, 0, 0}, "not a DICOM file"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseFile(tc.data, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want %q", err, tc.want)
			}
		})
	}
}

func TestDeepNestingRefused(t *testing.T) {
	// Sequences of undefined length nested 100 deep, in implicit VR.
	var b []byte
	b = append(b, 0x08, 0x00, 0x05, 0x00, 2, 0, 0, 0, 'X', ' ')
	for range 100 {
		b = append(b, 0x08, 0x00, 0x15, 0x11, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF)
	}
	_, err := ParseDataset(b, TransferSyntax{UID: ImplicitVRLittleEndian, Implicit: true}, nil)
	var se *SyntaxError
	if !errors.As(err, &se) || !strings.Contains(err.Error(), "nested deeper") {
		t.Fatalf("error = %v, want nesting refused", err)
	}
}

func TestStopAtPixelData(t *testing.T) {
	ds := &Dataset{}
	ds.SetString(TagPatientID, "42")
	ds.Set(&Element{Tag: TagPixelData, VR: "OW", Value: make([]byte, 64)})
	ds.Set(&Element{Tag: NewTag(0xFFFA, 0xFFFA), VR: "SQ", Items: []*Dataset{}})
	ts, _ := LookupTransferSyntax(ExplicitVRLittleEndian)
	b, err := AppendDataset(nil, ds, ts)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ParseDataset(b, ts, &Options{StopAtPixelData: true})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Elements) != 1 || got.String(TagPatientID) != "42" {
		t.Fatalf("elements = %d", len(got.Elements))
	}
}

func TestDeflateBomb(t *testing.T) {
	ds := &Dataset{}
	ds.Set(&Element{Tag: NewTag(0x0009, 0x1001), VR: "OB", Value: make([]byte, 1<<20)})
	ts, _ := LookupTransferSyntax(DeflatedExplicitVRLittleEndian)
	var buf bytes.Buffer
	if err := WriteFile(&buf, &File{Meta: NewMeta("1.2.3", "1.2.3.4", ts.UID, ""), TransferSyntax: ts, Dataset: ds}); err != nil {
		t.Fatal(err)
	}
	if _, err := ParseFile(buf.Bytes(), &Options{MaxInflated: 1 << 16}); err == nil || !strings.Contains(err.Error(), "inflates to more than") {
		t.Fatalf("error = %v", err)
	}
	if _, err := ParseFile(buf.Bytes(), nil); err != nil {
		t.Fatal(err)
	}
}

func TestValidUID(t *testing.T) {
	for s, want := range map[string]bool{
		"1.2.840.10008.1.2": true, "1": true, "": false, "1..2": false, "1.02": false, "1.2.": false,
		"../etc": false, "1.2a": false, strings.Repeat("1", 65): false, "0.1": true,
	} {
		if got := ValidUID(s); got != want {
			t.Errorf("ValidUID(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestDictionary(t *testing.T) {
	tests := []struct {
		tag     Tag
		vr, kw  string
		private bool
	}{
		{TagPatientName, "PN", "PatientName", false},
		{TagPixelData, "OB", "PixelData", false},
		{NewTag(0x6002, 0x3000), "OB", "OverlayData", false},
		{NewTag(0x0009, 0x0010), "LO", "", true},
		{NewTag(0x0018, 0x0000), "UL", "", false},
	}
	for _, tc := range tests {
		vr, _ := DictVR(tc.tag)
		if vr != tc.vr {
			t.Errorf("DictVR(%s) = %q, want %q", tc.tag, vr, tc.vr)
		}
		if kw := Keyword(tc.tag); kw != tc.kw && tc.kw != "" {
			t.Errorf("Keyword(%s) = %q, want %q", tc.tag, kw, tc.kw)
		}
	}
	if tg, ok := TagByKeyword("StudyInstanceUID"); !ok || tg != TagStudyInstanceUID {
		t.Errorf("TagByKeyword = %s, %v", tg, ok)
	}
}

func TestParseHeaderPrefixes(t *testing.T) {
	data, err := os.ReadFile(filepath.Join(testFiles, "CT_small.dcm"))
	if err != nil {
		t.Skipf("shared DICOM test data not found: %v", err)
	}
	f, _ := ParseFile(data, nil)
	body := data[f.DatasetOffset:]
	px := bytes.Index(body, []byte{0xE0, 0x7F, 0x10, 0x00})
	tests := []struct {
		n        int
		complete bool
		err      bool
	}{
		{px + 4, true, false},    // up to the pixel data tag
		{len(body), true, false}, // the whole data set
		{px, false, false},       // ends at an element boundary before the pixel data
		{px - 3, false, true},    // cuts an element
	}
	for _, tc := range tests {
		ds, complete, err := ParseHeader(body[:tc.n], f.TransferSyntax)
		if (err != nil) != tc.err || complete != tc.complete {
			t.Errorf("prefix %d: complete %v, err %v", tc.n, complete, err)
		}
		if complete && ds.String(TagStudyInstanceUID) == "" {
			t.Errorf("prefix %d: no study UID", tc.n)
		}
	}
}
