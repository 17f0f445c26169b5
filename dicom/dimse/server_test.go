package dimse

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/dicom"
	"github.com/plexus-health/plexus/dicom/archive"
)

const sharedFiles = "../../../shared/testdata/dicom/pydicom/test_files"

// startServer runs srv on a port of 127.0.0.1 chosen by the system.
func startServer(t testing.TB, srv *Server) string {
	t.Helper()
	if srv.Logger == nil {
		srv.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	t.Cleanup(func() {
		srv.Close()
		if err := <-done; !errors.Is(err, ErrServerClosed) {
			t.Errorf("Serve: %v", err)
		}
	})
	return ln.Addr().String()
}

func newArchive(t testing.TB) *archive.Archive {
	t.Helper()
	a, bad, err := archive.Open(t.TempDir())
	if err != nil || len(bad) > 0 {
		t.Fatal(err, bad)
	}
	return a
}

// loadShared reads a shared test file, skipping when the folder is absent.
func loadShared(t testing.TB, name string) (*dicom.File, []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(sharedFiles, name))
	if err != nil {
		t.Skipf("shared DICOM test data not found: %v", err)
	}
	f, err := dicom.ParseFile(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	return f, data
}

func proposalFor(f *dicom.File) Proposal {
	return Proposal{AbstractSyntax: f.Dataset.String(dicom.TagSOPClassUID), TransferSyntaxes: []string{f.TransferSyntax.UID}}
}

func TestEchoAndAETitles(t *testing.T) {
	srv := &Server{AETitle: "PLEXUS", CallingAEs: []string{"MODALITY"}}
	addr := startServer(t, srv)
	ctx := context.Background()
	verification := []Proposal{{AbstractSyntax: VerificationSOPClass, TransferSyntaxes: []string{dicom.ImplicitVRLittleEndian}}}

	a, err := Dial(ctx, addr, Config{CallingAE: "MODALITY", CalledAE: "PLEXUS"}, verification)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if err := a.Echo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if err := a.Release(ctx); err != nil {
		t.Fatal(err)
	}

	tests := []struct {
		calling, called string
		reason          byte
	}{
		{"MODALITY", "OTHER", RejectCalledAE},
		{"STRANGER", "PLEXUS", RejectCallingAE},
	}
	for _, tc := range tests {
		_, err := Dial(ctx, addr, Config{CallingAE: tc.calling, CalledAE: tc.called}, verification)
		var rj *AssociateRJ
		if !errors.As(err, &rj) || rj.Reason != tc.reason {
			t.Errorf("%s -> %s: error = %v, want rejection reason %d", tc.calling, tc.called, err, tc.reason)
		}
	}

	// No archive: storage is not offered.
	_, err = Dial(ctx, addr, Config{CallingAE: "MODALITY", CalledAE: "PLEXUS"}, []Proposal{{AbstractSyntax: "1.2.840.10008.5.1.4.1.1.2", TransferSyntaxes: []string{dicom.ImplicitVRLittleEndian}}})
	if err == nil || !strings.Contains(err.Error(), "accepted none") {
		t.Errorf("storage without an archive: error = %v", err)
	}
}

func TestStoreAndFind(t *testing.T) {
	arch := newArchive(t)
	var mu sync.Mutex
	var journaled []archive.Instance
	srv := &Server{AETitle: "PLEXUS", Archive: arch, MaxPDULength: 4096, OnStored: func(ctx context.Context, inst archive.Instance) error {
		// The instance must be on disk before the hook runs.
		if _, err := os.Stat(inst.Path); err != nil {
			return err
		}
		mu.Lock()
		journaled = append(journaled, inst)
		mu.Unlock()
		return nil
	}}
	addr := startServer(t, srv)
	ctx := context.Background()

	names := []string{"CT_small.dcm", "MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm", "image_dfl.dcm", "JPEG2000.dcm", "MR_small_RLE.dcm"}
	files := map[string]*dicom.File{}
	raw := map[string][]byte{}
	var props []Proposal
	for _, n := range names {
		f, data := loadShared(t, n)
		files[n], raw[n] = f, data
		props = append(props, proposalFor(f))
	}
	props = append(props, Proposal{AbstractSyntax: StudyRootFind, TransferSyntaxes: []string{dicom.ExplicitVRLittleEndian}})
	a, err := Dial(ctx, addr, Config{CallingAE: "SENDER", CalledAE: "PLEXUS", MaxPDULength: 8192}, props)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	for _, n := range names {
		f := files[n]
		body := raw[n][f.DatasetOffset:]
		if err := a.Store(ctx, f.Dataset.String(dicom.TagSOPClassUID), f.Dataset.String(dicom.TagSOPInstanceUID), f.TransferSyntax.UID, body); err != nil {
			t.Fatalf("store %s: %v", n, err)
		}
	}
	// A data set whose SOP instance UID differs from the command's is refused.
	f := files["CT_small.dcm"]
	err = a.Store(ctx, f.Dataset.String(dicom.TagSOPClassUID), "1.2.3.4", f.TransferSyntax.UID, raw["CT_small.dcm"][f.DatasetOffset:])
	var se *StatusError
	if !errors.As(err, &se) || se.Status != StatusCannotUnderstand {
		t.Errorf("mismatched store: error = %v, want status 0xC000", err)
	}

	mu.Lock()
	if len(journaled) != len(names) {
		t.Errorf("OnStored called %d times, want %d", len(journaled), len(names))
	}
	mu.Unlock()
	// Each stored file holds the data set exactly as sent.
	for _, inst := range arch.Instances() {
		stored, err := dicom.ReadFile(inst.Path)
		if err != nil {
			t.Fatal(err)
		}
		if inst.SourceAE != "SENDER" || stored.Meta.String(dicom.TagSourceApplicationEntityTitle) != "SENDER" {
			t.Errorf("source AE = %q", inst.SourceAE)
		}
		data, _ := os.ReadFile(inst.Path)
		for n, f := range files {
			if f.Dataset.String(dicom.TagSOPInstanceUID) == inst.SOPInstanceUID && f.TransferSyntax.UID == inst.TransferSyntaxUID {
				if !bytes.Equal(data[stored.DatasetOffset:], raw[n][f.DatasetOffset:]) {
					t.Errorf("%s stored with different data set bytes", n)
				}
			}
		}
	}

	// C-FIND at study level, by modality and by patient name wildcard.
	query := func(level string, set map[dicom.Tag]string) []*dicom.Dataset {
		t.Helper()
		id := &dicom.Dataset{}
		id.SetString(dicom.TagQueryRetrieveLevel, level)
		for tag, v := range set {
			id.SetString(tag, v)
		}
		var got []*dicom.Dataset
		if err := a.Find(ctx, StudyRootFind, id, func(ds *dicom.Dataset) error { got = append(got, ds); return nil }); err != nil {
			t.Fatal(err)
		}
		return got
	}
	ctStudy := files["CT_small.dcm"].Dataset.String(dicom.TagStudyInstanceUID)
	got := query("STUDY", map[dicom.Tag]string{dicom.TagStudyInstanceUID: ctStudy, dicom.TagPatientName: "", dicom.TagModalitiesInStudy: "", dicom.TagNumberOfStudyRelatedInstances: ""})
	if len(got) != 1 || got[0].String(dicom.TagPatientName) != "CompressedSamples^CT1" || got[0].String(dicom.TagModalitiesInStudy) != "CT" || got[0].String(dicom.TagNumberOfStudyRelatedInstances) != "1" {
		t.Errorf("study query by UID: %d results %+v", len(got), got)
	}
	mrStudies := query("STUDY", map[dicom.Tag]string{dicom.TagModalitiesInStudy: "MR", dicom.TagStudyInstanceUID: ""})
	ctStudies := query("STUDY", map[dicom.Tag]string{dicom.TagModalitiesInStudy: "CT", dicom.TagStudyInstanceUID: ""})
	if len(mrStudies) == 0 || len(ctStudies) != 1 {
		t.Errorf("studies by modality: MR %d, CT %d", len(mrStudies), len(ctStudies))
	}
	if got := query("STUDY", map[dicom.Tag]string{dicom.TagPatientName: "compressed*^ct?"}); len(got) != 1 {
		t.Errorf("patient name wildcard: %d studies, want 1", len(got))
	}
	if got := query("SERIES", map[dicom.Tag]string{dicom.TagStudyInstanceUID: ctStudy, dicom.TagSeriesInstanceUID: "", dicom.TagModality: ""}); len(got) != 1 || got[0].String(dicom.TagModality) != "CT" {
		t.Errorf("series query: %+v", got)
	}
	if got := query("STUDY", map[dicom.Tag]string{dicom.TagPatientID: "nobody"}); len(got) != 0 {
		t.Errorf("no match expected, got %d", len(got))
	}
	if err := a.Release(ctx); err != nil {
		t.Fatal(err)
	}

	// A restarted archive finds the same instances.
	again, bad, err := archive.Open(arch.Dir())
	if err != nil || len(bad) != 0 || again.Len() != arch.Len() {
		t.Fatalf("reopen: %d instances (want %d), bad %v, err %v", again.Len(), arch.Len(), bad, err)
	}
}

func TestOnStoredFailureFailsStore(t *testing.T) {
	srv := &Server{AETitle: "PLEXUS", Archive: newArchive(t), OnStored: func(context.Context, archive.Instance) error { return errors.New("journal down") }}
	addr := startServer(t, srv)
	f, data := loadShared(t, "CT_small.dcm")
	ctx := context.Background()
	a, err := Dial(ctx, addr, Config{CallingAE: "A", CalledAE: "PLEXUS"}, []Proposal{proposalFor(f)})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	err = a.Store(ctx, f.Dataset.String(dicom.TagSOPClassUID), f.Dataset.String(dicom.TagSOPInstanceUID), f.TransferSyntax.UID, data[f.DatasetOffset:])
	var se *StatusError
	if !errors.As(err, &se) || se.Status != StatusOutOfResources {
		t.Fatalf("error = %v, want status 0xA700", err)
	}
}

// TestARTIM checks that a connection that never sends an association
// request is closed by the server.
func TestARTIM(t *testing.T) {
	srv := &Server{AETitle: "PLEXUS", ARTIM: 200 * time.Millisecond}
	addr := startServer(t, srv)
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	b, err := io.ReadAll(conn)
	if err != nil {
		t.Fatalf("connection not closed by the server: %v", err)
	}
	if len(b) != 0 && b[0] != typeAbort {
		t.Fatalf("got PDU type %d", b[0])
	}
}

// TestGarbageAborts checks that a malformed PDU gets an A-ABORT.
func TestGarbageAborts(t *testing.T) {
	addr := startServer(t, &Server{AETitle: "PLEXUS"})
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	conn.Write([]byte("GET / HTTP/1.1\r\n\r\n"))
	conn.SetReadDeadline(time.Now().Add(30 * time.Second))
	b, _ := io.ReadAll(conn)
	if len(b) == 0 || b[0] != typeAbort {
		t.Fatalf("answer %q, want an A-ABORT", b)
	}
}

// TestTwoMessagesInOnePDU sends two C-ECHO requests in one P-DATA-TF; the
// server must answer both.
func TestTwoMessagesInOnePDU(t *testing.T) {
	addr := startServer(t, &Server{AETitle: "PLEXUS"})
	ctx := context.Background()
	a, err := Dial(ctx, addr, Config{CallingAE: "A", CalledAE: "PLEXUS"}, []Proposal{{AbstractSyntax: VerificationSOPClass, TransferSyntaxes: []string{dicom.ImplicitVRLittleEndian}}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	pc, _ := a.context(VerificationSOPClass, "")
	one := (&Command{Field: CEchoRQ, MessageID: 1, SOPClassUID: VerificationSOPClass}).encode()
	two := (&Command{Field: CEchoRQ, MessageID: 2, SOPClassUID: VerificationSOPClass}).encode()
	if err := a.writePDU(&PData{Items: []PDV{{ContextID: pc.ID, Command: true, Last: true, Data: one}, {ContextID: pc.ID, Command: true, Last: true, Data: two}}}); err != nil {
		t.Fatal(err)
	}
	a.conn.SetDeadline(time.Now().Add(30 * time.Second))
	for want := uint16(1); want <= 2; want++ {
		m, err := a.readMessage()
		if err != nil {
			t.Fatal(err)
		}
		if m.Command.Field != CEchoRSP || m.Command.RespondingTo != want || m.Command.Status != StatusSuccess {
			t.Fatalf("response %+v, want success for message %d", m.Command, want)
		}
	}
	if err := a.Release(ctx); err != nil {
		t.Fatal(err)
	}
}

// TestOperationsOnTheWrongContext sends C-STORE and C-FIND on the
// Verification context, with and without an archive: each is refused with a
// status, and the association stays usable.
func TestOperationsOnTheWrongContext(t *testing.T) {
	for _, arch := range []*archive.Archive{nil, newArchive(t)} {
		addr := startServer(t, &Server{AETitle: "PLEXUS", Archive: arch})
		ctx := context.Background()
		a, err := Dial(ctx, addr, Config{CallingAE: "A", CalledAE: "PLEXUS"}, []Proposal{{AbstractSyntax: VerificationSOPClass, TransferSyntaxes: []string{dicom.ImplicitVRLittleEndian}}})
		if err != nil {
			t.Fatal(err)
		}
		pc, _ := a.context(VerificationSOPClass, "")
		for _, field := range []uint16{CStoreRQ, CFindRQ} {
			rsp, err := a.request(ctx, pc, &Command{Field: field, SOPClassUID: VerificationSOPClass, SOPInstanceUID: "1.2.3"}, []byte{}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if rsp.Status != StatusSOPClassNotSupported {
				t.Errorf("archive %v, command 0x%04X: status 0x%04X", arch != nil, field, rsp.Status)
			}
		}
		// A C-STORE without a data set on a storage context is refused too.
		if err := a.Echo(ctx); err != nil {
			t.Fatal(err)
		}
		a.Release(ctx)
	}
	arch := newArchive(t)
	addr := startServer(t, &Server{AETitle: "PLEXUS", Archive: arch})
	ctx := context.Background()
	ct := "1.2.840.10008.5.1.4.1.1.2"
	a, err := Dial(ctx, addr, Config{CallingAE: "A", CalledAE: "PLEXUS"}, []Proposal{{AbstractSyntax: ct, TransferSyntaxes: []string{dicom.ImplicitVRLittleEndian}}})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	pc, _ := a.context(ct, "")
	rsp, err := a.request(ctx, pc, &Command{Field: CStoreRQ, SOPClassUID: ct, SOPInstanceUID: "1.2.3"}, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if rsp.Status != StatusCannotUnderstand || arch.Len() != 0 {
		t.Errorf("C-STORE without data: status 0x%04X, %d stored", rsp.Status, arch.Len())
	}
}
