package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/dicom"
	"github.com/plexus-health/plexus/dicom/archive"
	"github.com/plexus-health/plexus/dicom/dimse"
)

// TestDicomServe runs a DICOM channel in plexus serve over real sockets:
// an instance stored into the dicom source reaches the FHIR store as an
// ImagingStudy (dicom_to_imagingstudy) and a second SCP (the dicom
// destination), and /dicomweb answers a QIDO-RS query over the source's
// archive for the admin key only.
func TestDicomServe(t *testing.T) {
	file := filepath.Join(sharedDicomFiles, "CT_small.dcm")
	data, err := os.ReadFile(file)
	if err != nil {
		t.Skipf("shared DICOM test data not found: %v", err)
	}
	f, err := dicom.ParseFile(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	study := f.Dataset.String(dicom.TagStudyInstanceUID)
	patient := f.Dataset.String(dicom.TagPatientID)

	// The second SCP, a Plexus one in this process.
	peerArchive, _, err := archive.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	peer := &dimse.Server{AETitle: "PACS", Archive: peerArchive, Logger: slog.New(slog.DiscardHandler)}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go peer.Serve(ln)
	defer peer.Close()

	dir := t.TempDir()
	src := freePort(t)
	cfg := filepath.Join(dir, "plexus.yaml")
	writeFile(t, cfg, fmt.Sprintf(`version: 1
admin: {listen: "127.0.0.1:0"}
channels:
  - name: imaging
    source: {type: dicom, listen: "%s", ae_title: PLEXUS}
    destinations:
      - name: fhir
        type: fhir-store
        transform:
          - dicom_to_imagingstudy: {}
        retry: {max_attempts: 1}
      - name: pacs
        type: dicom
        address: "%s"
        called_ae: PACS
        retry: {max_attempts: 3, initial_backoff: 10ms, max_backoff: 100ms}
`, src, ln.Addr()))
	p := startServe(t, cfg, filepath.Join(dir, "data"))

	// storescu when dcmtk is installed, else the Plexus SCU.
	if bin, err := exec.LookPath("storescu"); err == nil {
		host, port, _ := net.SplitHostPort(src)
		cmd := exec.Command(bin, "-R", "-aet", "CT01", "-aec", "PLEXUS", host, port, file)
		cmd.Env = append(os.Environ(), "TCP_NODELAY=1")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("storescu: %v\n%s\n%s", err, out, tail(p.out.String(), 3000))
		}
	} else {
		ctx := context.Background()
		sop := f.Dataset.String(dicom.TagSOPClassUID)
		a, err := dimse.Dial(ctx, src, dimse.Config{CallingAE: "CT01", CalledAE: "PLEXUS"},
			[]dimse.Proposal{{AbstractSyntax: sop, TransferSyntaxes: []string{f.TransferSyntax.UID}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Store(ctx, sop, f.Dataset.String(dicom.TagSOPInstanceUID), f.TransferSyntax.UID, data[f.DatasetOffset:]); err != nil {
			t.Fatal(err)
		}
		a.Release(ctx)
	}

	get := func(client *http.Client, path string) (int, []byte) {
		t.Helper()
		resp, err := client.Get("http://" + p.admin + path)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, b
	}
	deadline := time.Now().Add(60 * time.Second)
	var status int
	var body []byte
	for {
		status, body = get(p.client, "/fhir/ImagingStudy/"+study)
		if status == 200 && peerArchive.Len() == 1 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if status != 200 {
		t.Fatalf("GET /fhir/ImagingStudy/%s: %d %s\n%s", study, status, body, tail(p.out.String(), 3000))
	}
	var is struct {
		ID                string `json:"id"`
		NumberOfInstances int    `json:"numberOfInstances"`
		Subject           struct {
			Identifier struct{ Value string } `json:"identifier"`
		} `json:"subject"`
	}
	if err := json.Unmarshal(body, &is); err != nil {
		t.Fatal(err)
	}
	if is.ID != study || is.NumberOfInstances != 1 || is.Subject.Identifier.Value != patient {
		t.Errorf("ImagingStudy %s", body)
	}
	if peerArchive.Len() != 1 {
		t.Fatalf("the second SCP holds %d instances, want 1\n%s", peerArchive.Len(), tail(p.out.String(), 3000))
	}
	fwd, err := os.ReadFile(peerArchive.Instances()[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	ff, err := dicom.ParseFile(fwd, nil)
	if err != nil {
		t.Fatal(err)
	}
	// What was forwarded is what the source archived, byte for byte
	// (storescu may have re-encoded the file it read).
	in := peerArchive.Instances()[0]
	kept, err := os.ReadFile(filepath.Join(dir, "data", "dicom", in.StudyInstanceUID, in.SeriesInstanceUID, in.SOPInstanceUID+".dcm"))
	if err != nil {
		t.Fatal(err)
	}
	kf, err := dicom.ParseFile(kept, nil)
	if err != nil {
		t.Fatal(err)
	}
	if string(fwd[ff.DatasetOffset:]) != string(kept[kf.DatasetOffset:]) {
		t.Error("the forwarded data set differs from the one archived")
	}

	// QIDO-RS over the source's archive: with the admin key, and refused
	// without credentials.
	status, body = get(p.client, "/dicomweb/studies?PatientID="+patient)
	if status != 200 || !strings.Contains(string(body), study) {
		t.Errorf("QIDO-RS with the admin key: %d %s", status, body)
	}
	if status, _ = get(http.DefaultClient, "/dicomweb/studies"); status != http.StatusUnauthorized {
		t.Errorf("QIDO-RS without credentials: %d, want 401", status)
	}
	// The policy: reads need a reader role and phi, STOW-RS an operator
	// and phi.
	key := func(name string, args ...string) *http.Client {
		t.Helper()
		code, out, errOut := runPlexus(t, append([]string{"apikeys", "create", name, "--data", filepath.Join(dir, "data")}, args...)...)
		if code != 0 {
			t.Fatalf("apikeys create %s: %d %s", name, code, errOut)
		}
		return &http.Client{Transport: keyTransport{strings.TrimSpace(out)}}
	}
	viewer := key("viewer", "--role", "viewer")
	reader := key("reader", "--role", "viewer", "--phi")
	operator := key("operator", "--role", "operator", "--phi")
	stow := func(c *http.Client) int {
		t.Helper()
		req, _ := http.NewRequest("POST", "http://"+p.admin+"/dicomweb/studies", strings.NewReader("--b--\r\n"))
		req.Header.Set("Content-Type", `multipart/related; type="application/dicom"; boundary=b`)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if status, _ = get(viewer, "/dicomweb/studies"); status != http.StatusForbidden {
		t.Errorf("QIDO-RS as a viewer without phi: %d, want 403", status)
	}
	if status, _ = get(reader, "/dicomweb/studies"); status != 200 {
		t.Errorf("QIDO-RS as a viewer with phi: %d, want 200", status)
	}
	if status = stow(reader); status != http.StatusForbidden {
		t.Errorf("STOW-RS as a viewer with phi: %d, want 403", status)
	}
	if status = stow(operator); status == http.StatusForbidden || status == http.StatusUnauthorized {
		t.Errorf("STOW-RS as an operator with phi: %d, want it let through", status)
	}
	p.stop(t)
}
