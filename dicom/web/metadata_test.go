package web

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/dicom"
)

// storeShared stores the shared test files through STOW-RS.
func storeShared(t *testing.T, url string, names ...string) []*dicom.File {
	t.Helper()
	var parts [][]byte
	var files []*dicom.File
	for _, n := range names {
		b := readShared(t, n)
		f, err := dicom.ParseFile(b, nil)
		if err != nil {
			t.Fatal(err)
		}
		parts = append(parts, b)
		files = append(files, f)
	}
	body, ctype := multipartBody(t, parts...)
	req, _ := http.NewRequest("POST", url+Prefix+"/studies", body)
	req.Header.Set("Content-Type", ctype)
	if rsp, b := do(t, req); rsp.StatusCode != http.StatusOK {
		t.Fatalf("STOW status %d: %s", rsp.StatusCode, b)
	}
	return files
}

type jsonAttr struct {
	VR    string `json:"vr"`
	Value []any  `json:"Value"`
}

func TestMetadata(t *testing.T) {
	srv, _ := newServer(t)
	files := storeShared(t, srv.URL, "CT_small.dcm", "MR_small.dcm", "rtplan.dcm")
	ct := files[0].Dataset
	study, series, inst := ct.String(dicom.TagStudyInstanceUID), ct.String(dicom.TagSeriesInstanceUID), ct.String(dicom.TagSOPInstanceUID)
	base := srv.URL + Prefix + "/studies/" + study

	tests := []struct {
		name   string
		url    string
		accept string
		status int
		count  int
	}{
		{"study", base + "/metadata", "", 200, 1},
		{"series", base + "/series/" + series + "/metadata", "application/dicom+json", 200, 1},
		{"instance", base + "/series/" + series + "/instances/" + inst + "/metadata", "application/json", 200, 1},
		{"any type", base + "/metadata", "*/*", 200, 1},
		{"unknown study", srv.URL + Prefix + "/studies/1.2.3/metadata", "", 404, 0},
		{"unknown series", base + "/series/1.2.3/metadata", "", 404, 0},
		{"unknown instance", base + "/series/" + series + "/instances/1.2.3/metadata", "", 404, 0},
		{"series of another study", srv.URL + Prefix + "/studies/" + files[1].Dataset.String(dicom.TagStudyInstanceUID) + "/series/" + series + "/metadata", "", 404, 0},
		{"not acceptable", base + "/metadata", "application/dicom", 406, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rsp, b := get(t, tc.url, tc.accept)
			if rsp.StatusCode != tc.status {
				t.Fatalf("status %d, want %d: %s", rsp.StatusCode, tc.status, b)
			}
			if tc.status != 200 {
				return
			}
			if ct := rsp.Header.Get("Content-Type"); ct != "application/dicom+json" {
				t.Errorf("content type %q", ct)
			}
			var list []map[string]jsonAttr
			if err := json.Unmarshal(b, &list); err != nil {
				t.Fatalf("%v: %s", err, b)
			}
			if len(list) != tc.count {
				t.Fatalf("%d instances, want %d", len(list), tc.count)
			}
			checkCT(t, list[0], study, inst)
		})
	}

	// rtplan: nested sequences keep their items and values.
	rt := files[2].Dataset
	_, b := get(t, srv.URL+Prefix+"/studies/"+rt.String(dicom.TagStudyInstanceUID)+"/metadata", "")
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(b, &list); err != nil || len(list) != 1 {
		t.Fatalf("rtplan metadata: %v: %s", err, b)
	}
	var beams jsonAttr
	json.Unmarshal(list[0]["300A00B0"], &beams)
	if beams.VR != "SQ" || len(beams.Value) != rtItems(rt, 0x300A00B0) {
		t.Errorf("BeamSequence: %+v", beams)
	}
	var pn jsonAttr
	json.Unmarshal(list[0]["00100010"], &pn)
	if !reflect.DeepEqual(pn.Value, []any{map[string]any{"Alphabetic": "Last^First^mid^pre"}}) {
		t.Errorf("rtplan PatientName: %+v", pn)
	}
}

func rtItems(ds *dicom.Dataset, tag dicom.Tag) int {
	if e := ds.Find(dicom.Tag(tag)); e != nil {
		return len(e.Items)
	}
	return -1
}

func checkCT(t *testing.T, obj map[string]jsonAttr, study, inst string) {
	t.Helper()
	want := map[string]jsonAttr{
		"00100010": {"PN", []any{map[string]any{"Alphabetic": "CompressedSamples^CT1"}}},
		"0020000D": {"UI", []any{study}},
		"00080018": {"UI", []any{inst}},
		"00280010": {"US", []any{128.0}},
		"00280011": {"US", []any{128.0}},
		"00080060": {"CS", []any{"CT"}},
		"00080005": {"CS", []any{"ISO_IR 100"}},
		"7FE00010": {"OW", nil},
	}
	for tag, w := range want {
		got, ok := obj[tag]
		if !ok {
			t.Errorf("%s missing", tag)
			continue
		}
		if got.VR != w.VR || !reflect.DeepEqual(got.Value, w.Value) {
			t.Errorf("%s = %+v, want %+v", tag, got, w)
		}
	}
	seq := obj["00101002"] // OtherPatientIDsSequence
	if seq.VR != "SQ" || len(seq.Value) != 2 {
		t.Fatalf("OtherPatientIDsSequence: %+v", seq)
	}
	for i, it := range seq.Value {
		item, _ := it.(map[string]any)
		id, _ := item["00100020"].(map[string]any)
		if id["vr"] != "LO" || len(id["Value"].([]any)) != 1 {
			t.Errorf("item %d PatientID: %v", i, item["00100020"])
		}
	}
	for tag := range obj {
		if strings.HasPrefix(tag, "0002") || strings.HasSuffix(tag, "0000") {
			t.Errorf("%s (meta information or group length) in the metadata", tag)
		}
	}
}

func le16(v ...uint16) []byte {
	var b []byte
	for _, x := range v {
		b = binary.LittleEndian.AppendUint16(b, x)
	}
	return b
}

func TestMetadataJSONValues(t *testing.T) {
	f64 := func(v float64) []byte { return binary.LittleEndian.AppendUint64(nil, math.Float64bits(v)) }
	tests := []struct {
		name string
		elem *dicom.Element
		want string // the attribute as JSON; "" when it must be absent
	}{
		{"PN groups", &dicom.Element{Tag: 0x00100010, VR: "PN", Value: []byte("Yamada^Tarou=山田^太郎=やまだ^たろう ")}, `{"Value":[{"Alphabetic":"Yamada^Tarou","Ideographic":"山田^太郎","Phonetic":"やまだ^たろう"}],"vr":"PN"}`},
		{"PN multiple with empty", &dicom.Element{Tag: 0x00081060, VR: "PN", Value: []byte(`A^B\\C^D `)}, `{"Value":[{"Alphabetic":"A^B"},null,{"Alphabetic":"C^D"}],"vr":"PN"}`},
		{"empty text", &dicom.Element{Tag: 0x00080050, VR: "SH", Value: []byte("  ")}, `{"vr":"SH"}`},
		{"UI padded", &dicom.Element{Tag: 0x0020000D, VR: "UI", Value: []byte("1.2.3\x00")}, `{"Value":["1.2.3"],"vr":"UI"}`},
		{"CS multi", &dicom.Element{Tag: 0x00080008, VR: "CS", Value: []byte(`ORIGINAL\PRIMARY\AXIAL `)}, `{"Value":["ORIGINAL","PRIMARY","AXIAL"],"vr":"CS"}`},
		{"IS", &dicom.Element{Tag: 0x00200013, VR: "IS", Value: []byte(` +12\-3\x `)}, `{"Value":[12,-3,null],"vr":"IS"}`},
		{"DS", &dicom.Element{Tag: 0x00280030, VR: "DS", Value: []byte(`0.5\1e2\NaN\Inf\0x1p3`)}, `{"Value":[0.5,100,null,null,null],"vr":"DS"}`},
		{"LT keeps backslash", &dicom.Element{Tag: 0x00204000, VR: "LT", Value: []byte(`  a\b `)}, `{"Value":["  a\\b"],"vr":"LT"}`},
		{"US", &dicom.Element{Tag: 0x00280010, VR: "US", Value: le16(512, 7)}, `{"Value":[512,7],"vr":"US"}`},
		{"SS negative", &dicom.Element{Tag: 0x00280106, VR: "SS", Value: le16(0xFFFF)}, `{"Value":[-1],"vr":"SS"}`},
		{"SL", &dicom.Element{Tag: 0x00189219, VR: "SL", Value: binary.LittleEndian.AppendUint32(nil, 0xFFFFFFFE)}, `{"Value":[-2],"vr":"SL"}`},
		{"UL odd length", &dicom.Element{Tag: 0x00081160, VR: "UL", Value: []byte{1, 2, 3}}, `{"vr":"UL"}`},
		{"FD non-finite", &dicom.Element{Tag: 0x00189087, VR: "FD", Value: append(f64(2.5), f64(math.NaN())...)}, `{"Value":[2.5,null],"vr":"FD"}`},
		{"FL", &dicom.Element{Tag: 0x00189089, VR: "FL", Value: binary.LittleEndian.AppendUint32(nil, math.Float32bits(0.25))}, `{"Value":[0.25],"vr":"FL"}`},
		{"UV large", &dicom.Element{Tag: 0x00080123, VR: "UV", Value: append(binary.LittleEndian.AppendUint64(nil, 5), binary.LittleEndian.AppendUint64(nil, 1<<60)...)}, `{"Value":[5,"1152921504606846976"],"vr":"UV"}`},
		{"AT", &dicom.Element{Tag: 0x00209165, VR: "AT", Value: le16(0x0010, 0x0020)}, `{"Value":["00100020"],"vr":"AT"}`},
		{"OB without value", &dicom.Element{Tag: 0x00291010, VR: "OB", Value: []byte{1, 2}}, `{"vr":"OB"}`},
		{"pixel data", &dicom.Element{Tag: dicom.TagPixelData, VR: "OW", Value: le16(1, 2, 3)}, `{"vr":"OW"}`},
		{"encapsulated", &dicom.Element{Tag: dicom.TagPixelData, VR: "OB", Fragments: [][]byte{nil, {1, 2}}}, `{"vr":"OB"}`},
		{"unknown VR", &dicom.Element{Tag: 0x00291011, VR: "zz", Value: []byte("ab")}, `{"vr":"UN"}`},
		{"empty sequence", &dicom.Element{Tag: 0x00081115, VR: "SQ"}, `{"vr":"SQ"}`},
		{"sequence", &dicom.Element{Tag: 0x00081115, VR: "SQ", Items: []*dicom.Dataset{{Elements: []*dicom.Element{{Tag: 0x0020000E, VR: "UI", Value: []byte("1.2")}}}, {}}}, `{"Value":[{"0020000E":{"Value":["1.2"],"vr":"UI"}},{}],"vr":"SQ"}`},
		{"UN holding items", &dicom.Element{Tag: 0x00291020, VR: "UN", UndefinedLength: true, Items: []*dicom.Dataset{{}}}, `{"Value":[{}],"vr":"SQ"}`},
		{"group length", &dicom.Element{Tag: 0x00080000, VR: "UL", Value: []byte{4, 0, 0, 0}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ds := &dicom.Dataset{Elements: []*dicom.Element{tc.elem}}
			out, err := json.Marshal(metadataJSON(ds))
			if err != nil {
				t.Fatal(err)
			}
			var obj map[string]json.RawMessage
			json.Unmarshal(out, &obj)
			got := string(obj[hexTag(tc.elem.Tag)])
			if got != tc.want {
				t.Errorf("got %s, want %s", got, tc.want)
			}
		})
	}
}

func TestMetadataJSONCharsetAndByteOrder(t *testing.T) {
	item := &dicom.Dataset{Elements: []*dicom.Element{{Tag: 0x00100010, VR: "PN", Value: []byte("M\xfcller^J")}}}
	ds := &dicom.Dataset{BigEndian: true, Elements: []*dicom.Element{
		{Tag: dicom.TagSpecificCharacterSet, VR: "CS", Value: []byte("ISO_IR 100")},
		{Tag: 0x00081030, VR: "LO", Value: []byte("Th\xe9 ")},
		{Tag: 0x00081115, VR: "SQ", Items: []*dicom.Dataset{item}},
		{Tag: 0x00280010, VR: "US", Value: []byte{0x02, 0x00}},
	}}
	out, err := json.Marshal(metadataJSON(ds))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"00081030":{"Value":["Thé"],"vr":"LO"}`, `"Alphabetic":"Müller^J"`, `"00280010":{"Value":[512],"vr":"US"}`} {
		if !strings.Contains(string(out), want) {
			t.Errorf("%s missing from %s", want, out)
		}
	}
	// Without a declared character set, invalid UTF-8 is replaced, never passed on.
	ds = &dicom.Dataset{Elements: []*dicom.Element{{Tag: 0x00081030, VR: "LO", Value: []byte("a\xff")}}}
	out, _ = json.Marshal(metadataJSON(ds))
	if !strings.Contains(string(out), `"a\ufffd"`) && !strings.Contains(string(out), "a\uFFFD") {
		t.Errorf("invalid UTF-8: %s", out)
	}
}

// FuzzMetadataJSON checks that any data set the parser accepts encodes to
// valid JSON without panicking.
func FuzzMetadataJSON(f *testing.F) {
	for _, name := range []string{"priv_SQ.dcm", "nested_priv_SQ.dcm", "UN_sequence.dcm", "ExplVR_BigEndNoMeta.dcm", "empty_charset_LEI.dcm", "SC_rgb_rle.dcm"} {
		if data, err := os.ReadFile(filepath.Join(sharedFiles, name)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte{0x08, 0x00, 0x15, 0x11, 'S', 'Q', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0, 0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0})
	f.Add([]byte{0x18, 0x00, 0x87, 0x90, 'F', 'D', 8, 0, 0, 0, 0, 0, 0, 0, 0xF8, 0x7F})
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := dicom.ParseFile(data, &dicom.Options{MaxInflated: 1 << 20})
		if err != nil {
			return
		}
		out, err := json.Marshal(metadataJSON(file.Dataset))
		if err != nil {
			t.Fatalf("encoding: %v", err)
		}
		if !json.Valid(out) {
			t.Fatal("invalid JSON")
		}
	})
}

func TestMetadataUnreadableFile(t *testing.T) {
	srv, a := newServer(t)
	files := storeShared(t, srv.URL, "CT_small.dcm")
	study := files[0].Dataset.String(dicom.TagStudyInstanceUID)
	list := a.Study(study)
	if len(list) != 1 {
		t.Fatalf("%d instances stored", len(list))
	}
	if err := os.WriteFile(list[0].Path, []byte("no longer DICOM"), 0o644); err != nil {
		t.Fatal(err)
	}
	rsp, b := get(t, srv.URL+Prefix+"/studies/"+study+"/metadata", "")
	if rsp.StatusCode != http.StatusInternalServerError {
		t.Fatalf("status %d: %s", rsp.StatusCode, b)
	}
	if strings.Contains(string(b), "CompressedSamples") {
		t.Errorf("error body carries patient data: %s", b)
	}
}

func BenchmarkMetadataJSON(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(sharedFiles, "rtplan.dcm"))
	if err != nil {
		b.Skip(err)
	}
	f, err := dicom.ParseFile(data, nil)
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := json.Marshal(metadataJSON(f.Dataset)); err != nil {
			b.Fatal(err)
		}
	}
}
