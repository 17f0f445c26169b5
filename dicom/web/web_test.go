package web

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/dicom"
	"github.com/plexus-health/plexus/dicom/archive"
)

const sharedFiles = "../../../shared/testdata/dicom/pydicom/test_files"

func readShared(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(sharedFiles, name))
	if err != nil {
		t.Skipf("shared DICOM test data not found: %v", err)
	}
	return b
}

func multipartBody(t *testing.T, parts ...[]byte) (io.Reader, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		w, err := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {"application/dicom"}})
		if err != nil {
			t.Fatal(err)
		}
		w.Write(p)
	}
	mw.Close()
	return &buf, fmt.Sprintf("multipart/related; type=\"application/dicom\"; boundary=%s", mw.Boundary())
}

func newServer(t *testing.T) (*httptest.Server, *archive.Archive) {
	t.Helper()
	a, _, err := archive.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	h := New(a, Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv, a
}

func do(t *testing.T, req *http.Request) (*http.Response, []byte) {
	t.Helper()
	rsp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer rsp.Body.Close()
	b, _ := io.ReadAll(rsp.Body)
	return rsp, b
}

func get(t *testing.T, url string, accept string) (*http.Response, []byte) {
	t.Helper()
	req, _ := http.NewRequest("GET", url, nil)
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	return do(t, req)
}

func TestSTOWQIDOWADO(t *testing.T) {
	srv, a := newServer(t)
	ct, mr := readShared(t, "CT_small.dcm"), readShared(t, "MR_small.dcm")
	j2k := readShared(t, "JPEG2000.dcm")
	body, ctype := multipartBody(t, ct, mr, j2k, []byte("not a DICOM file"))
	req, _ := http.NewRequest("POST", srv.URL+Prefix+"/studies", body)
	req.Header.Set("Content-Type", ctype)
	rsp, b := do(t, req)
	if rsp.StatusCode != http.StatusAccepted {
		t.Fatalf("STOW status %d: %s", rsp.StatusCode, b)
	}
	var stow map[string]struct {
		Value []map[string]struct {
			Value []any
		}
	}
	if err := json.Unmarshal(b, &stow); err != nil {
		t.Fatal(err)
	}
	if n := len(stow["00081199"].Value); n != 3 || len(stow["00081198"].Value) != 1 {
		t.Fatalf("STOW response: %s", b)
	}
	retrieve := stow["00081199"].Value[0]["00081190"].Value[0].(string)
	if a.Len() != 3 {
		t.Fatalf("archive holds %d", a.Len())
	}

	ctFile, _ := dicom.ParseFile(ct, nil)
	ctStudy := ctFile.Dataset.String(dicom.TagStudyInstanceUID)
	ctSeries := ctFile.Dataset.String(dicom.TagSeriesInstanceUID)
	tests := []struct {
		path   string
		status int
		count  int
		has    string
	}{
		{"/studies", 200, 3, `"00100010":{"Value":[{"Alphabetic":"CompressedSamples^CT1"}],"vr":"PN"}`},
		{"/studies?PatientName=compressedsamples%5Ect*", 200, 1, ctStudy},
		{"/studies?00080061=CT", 200, 1, `"00201208":{"Value":[1],"vr":"IS"}`},
		{"/studies?limit=1&offset=1", 200, 1, ""},
		{"/studies?PatientID=nobody", 204, 0, ""},
		{"/studies/" + ctStudy + "/series", 200, 1, `"00080060":{"Value":["CT"],"vr":"CS"}`},
		{"/studies/" + ctStudy + "/series/" + ctSeries + "/instances", 200, 1, ctFile.Dataset.String(dicom.TagSOPInstanceUID)},
		{"/instances?Modality=MR", 200, 1, `"00080060":{"Value":["MR"]`},
		{"/series?Modality=MR", 200, 1, `"MR"`},
		{"/studies?includefield=StudyDescription", 200, 3, `"00081030"`},
		{"/studies?Frobnicate=1", 400, 0, ""},
		{"/studies?limit=-1", 400, 0, ""},
	}
	for _, tc := range tests {
		rsp, b := get(t, srv.URL+Prefix+tc.path, "")
		if rsp.StatusCode != tc.status && !(tc.count == 0 && tc.status == 200 && rsp.StatusCode == 204) {
			t.Errorf("%s: status %d, want %d: %s", tc.path, rsp.StatusCode, tc.status, b)
			continue
		}
		if rsp.StatusCode != 200 {
			continue
		}
		var list []map[string]any
		if err := json.Unmarshal(b, &list); err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		if len(list) != tc.count || !strings.Contains(string(b), tc.has) {
			t.Errorf("%s: %d results, want %d, containing %s:\n%s", tc.path, len(list), tc.count, tc.has, b)
		}
	}

	// WADO-RS: the instance comes back byte for byte.
	rsp, b = get(t, retrieve, "multipart/related; type=\"application/dicom\"")
	if rsp.StatusCode != 200 {
		t.Fatalf("WADO status %d: %s", rsp.StatusCode, b)
	}
	mt, params, _ := mime.ParseMediaType(rsp.Header.Get("Content-Type"))
	if mt != "multipart/related" {
		t.Fatalf("WADO content type %q", mt)
	}
	mrd := multipart.NewReader(bytes.NewReader(b), params["boundary"])
	part, err := mrd.NextPart()
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(part)
	f, err := dicom.ParseFile(got, nil)
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	for _, src := range [][]byte{ct, mr, j2k} {
		sf, _ := dicom.ParseFile(src, nil)
		if sf.Dataset.String(dicom.TagSOPInstanceUID) == f.Dataset.String(dicom.TagSOPInstanceUID) {
			want = src[sf.DatasetOffset:]
		}
	}
	if !bytes.Equal(got[f.DatasetOffset:], want) {
		t.Error("WADO-RS returned different data set bytes")
	}
	if _, err := mrd.NextPart(); err != io.EOF {
		t.Errorf("more than one part: %v", err)
	}
	if rsp, _ := get(t, srv.URL+Prefix+"/studies/"+ctStudy, ""); rsp.StatusCode != 200 {
		t.Errorf("study retrieve: %d", rsp.StatusCode)
	}
	if rsp, _ := get(t, srv.URL+Prefix+"/studies/1.2.3", ""); rsp.StatusCode != 404 {
		t.Errorf("unknown study: %d", rsp.StatusCode)
	}
	if rsp, _ := get(t, srv.URL+Prefix+"/studies/"+ctStudy, "application/json"); rsp.StatusCode != 406 {
		t.Errorf("Accept application/json: %d", rsp.StatusCode)
	}
}

func TestSTOWRefusals(t *testing.T) {
	srv, a := newServer(t)
	ct := readShared(t, "CT_small.dcm")
	post := func(path, ctype string, body io.Reader) (int, []byte) {
		req, _ := http.NewRequest("POST", srv.URL+Prefix+path, body)
		req.Header.Set("Content-Type", ctype)
		rsp, b := do(t, req)
		return rsp.StatusCode, b
	}
	if st, _ := post("/studies", "application/json", strings.NewReader("{}")); st != http.StatusUnsupportedMediaType {
		t.Errorf("JSON body: %d", st)
	}
	body, ctype := multipartBody(t, ct)
	if st, b := post("/studies/1.2.3.4", ctype, body); st != http.StatusConflict || !strings.Contains(string(b), `"00081197":{"Value":[43264]`) {
		t.Errorf("instance of another study: %d %s", st, b)
	}
	body, ctype = multipartBody(t)
	if st, _ := post("/studies", ctype, body); st != http.StatusBadRequest {
		t.Errorf("empty request: %d", st)
	}
	if a.Len() != 0 {
		t.Errorf("archive holds %d after refusals", a.Len())
	}
}
