package dicom_test

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/connector"
	dicomconn "github.com/plexus-health/plexus/connector/dicom"
	"github.com/plexus-health/plexus/connector/internal/conntest"
	"github.com/plexus-health/plexus/dicom"
	"github.com/plexus-health/plexus/dicom/archive"
	"github.com/plexus-health/plexus/dicom/dimse"
	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/engine/node"
)

const sharedFiles = "../../../shared/testdata/dicom/pydicom/test_files"

// shared reads a shared test file, skipping when the folder is absent.
func shared(t testing.TB, name string) (*dicom.File, []byte) {
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

// scp runs a Plexus storage SCP on a port of 127.0.0.1 chosen by the
// system, storing into a fresh archive.
func scp(t testing.TB, srv *dimse.Server) (string, *archive.Archive) {
	t.Helper()
	if srv.Archive == nil {
		a, _, err := archive.Open(t.TempDir())
		if err != nil {
			t.Fatal(err)
		}
		srv.Archive = a
	}
	srv.Logger = slog.New(slog.DiscardHandler)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), srv.Archive
}

func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// store sends files with the Plexus SCU over one association and returns
// each store's error.
func store(t testing.TB, addr, calling, called string, files ...string) []error {
	t.Helper()
	var props []dimse.Proposal
	var parsed []*dicom.File
	var raw [][]byte
	for _, name := range files {
		f, data := shared(t, name)
		parsed, raw = append(parsed, f), append(raw, data)
		props = append(props, dimse.Proposal{AbstractSyntax: f.Dataset.String(dicom.TagSOPClassUID), TransferSyntaxes: []string{f.TransferSyntax.UID}})
	}
	ctx := context.Background()
	a, err := dimse.Dial(ctx, addr, dimse.Config{CallingAE: calling, CalledAE: called}, props)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Release(ctx)
	errs := make([]error, len(files))
	for i, f := range parsed {
		errs[i] = a.Store(ctx, f.Dataset.String(dicom.TagSOPClassUID), f.Dataset.String(dicom.TagSOPInstanceUID), f.TransferSyntax.UID, raw[i][f.DatasetOffset:])
	}
	return errs
}

// channelNode runs a node with a journal on SQLite in a temporary
// directory and the channels of cfg (a YAML text).
func channelNode(t testing.TB, cfg string) (*node.Node, string) {
	t.Helper()
	ctx := context.Background()
	dir := t.TempDir()
	reg := engine.NewRegistry()
	connector.RegisterAll(reg)
	n, err := node.Open(ctx, node.Options{DataDir: dir, Synchronous: "NORMAL", Registry: reg, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close(ctx) })
	path := filepath.Join(dir, "plexus.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(path, reg)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Apply(ctx, c); err != nil {
		t.Fatal(err)
	}
	return n, dir
}

// waitQueue waits until the destination's queue holds nothing pending and
// returns how many deliveries were dead-lettered.
func waitQueue(t testing.TB, n *node.Node, channel, dest string) int64 {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		qs, err := n.Journal().Queues(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, q := range qs {
			if q.Channel == channel && q.Destination == dest {
				found = true
				if q.Pending == 0 {
					return q.Dead
				}
			}
		}
		if !found {
			return 0
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s/%s: deliveries still pending after a minute", channel, dest)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestChannel stores instances with the Plexus SCU into a dicom source
// channel journaling on SQLite, whose filter lets MR through to a dicom
// destination that forwards them to another Plexus SCP.
func TestChannel(t *testing.T) {
	_, mr := shared(t, "MR_small.dcm")
	_, _ = shared(t, "CT_small.dcm")
	peerAddr, peer := scp(t, &dimse.Server{AETitle: "PACS"})
	srcAddr := freeAddr(t)
	n, dir := channelNode(t, fmt.Sprintf(`channels:
  - name: imaging
    source: {type: dicom, listen: "%s", ae_title: PLEXUS, calling_aes: [MODALITY]}
    filter: json("modality") == "MR"
    destinations:
      - name: pacs
        type: dicom
        address: "%s"
        called_ae: PACS
        calling_ae: PLEXUS-OUT
        retry: {max_attempts: 3, initial_backoff: 10ms, max_backoff: 50ms}
`, srcAddr, peerAddr))

	for i, err := range store(t, srcAddr, "MODALITY", "PLEXUS", "MR_small.dcm", "CT_small.dcm") {
		if err != nil {
			t.Fatalf("store %d: %v", i, err)
		}
	}
	// The C-STORE success came after the journal: both are there now.
	msgs, err := n.Journal().Messages(context.Background(), journal.MessageFilter{Channel: "imaging"})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 {
		t.Fatalf("%d messages journaled, want 2", len(msgs))
	}
	status := map[string]engine.Status{}
	for _, m := range msgs {
		full, err := n.Journal().Message(context.Background(), m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if full.ContentType != dicomconn.ContentDescriptor || full.Source != "dicom" || full.Remote != "MODALITY" {
			t.Errorf("message %d: content type %q, source %q, remote %q", m.ID, full.ContentType, full.Source, full.Remote)
		}
		d, err := dicomconn.ParseDescriptor(full.Raw)
		if err != nil {
			t.Fatalf("message %d: %v", m.ID, err)
		}
		if d.CallingAE != "MODALITY" || d.CalledAE != "PLEXUS" || d.Archive != filepath.Join(dir, "dicom") || d.Size <= 0 {
			t.Errorf("descriptor %+v", d)
		}
		if bytes.Contains(full.Raw, []byte(`"7FE00010"`)) || len(full.Raw) > 2048 {
			t.Errorf("descriptor of %d bytes: pixel data in the journal?", len(full.Raw))
		}
		if _, err := os.Stat(d.Path); err != nil {
			t.Errorf("archived instance: %v", err)
		}
		status[d.Modality] = full.Status
	}
	if status["CT"] != engine.StatusFiltered {
		t.Errorf("CT instance: status %q, want filtered", status["CT"])
	}
	if dead := waitQueue(t, n, "imaging", "pacs"); dead != 0 {
		t.Fatalf("%d deliveries dead-lettered", dead)
	}
	got := peer.Instances()
	if len(got) != 1 || got[0].Attributes[dicom.TagModality] != "MR" || got[0].SourceAE != "PLEXUS-OUT" {
		t.Fatalf("the peer holds %+v, want the MR instance from PLEXUS-OUT", got)
	}
	fwd, err := os.ReadFile(got[0].Path)
	if err != nil {
		t.Fatal(err)
	}
	ff, err := dicom.ParseFile(fwd, nil)
	if err != nil {
		t.Fatal(err)
	}
	mf, _ := shared(t, "MR_small.dcm")
	if !bytes.Equal(fwd[ff.DatasetOffset:], mr[mf.DatasetOffset:]) {
		t.Error("the forwarded data set differs from the one sent")
	}
}

// TestSourceRefusals: a calling AE title not allowed is rejected; a
// journal that cannot store makes the C-STORE fail with 0xA700.
func TestSourceRefusals(t *testing.T) {
	shared(t, "MR_small.dcm")
	srcAddr := freeAddr(t)
	_, _ = channelNode(t, fmt.Sprintf(`channels:
  - name: imaging
    source: {type: dicom, listen: "%s", ae_title: PLEXUS, calling_aes: [MODALITY]}
    destinations: [{name: out, type: file, dir: "%s"}]
`, srcAddr, t.TempDir()))
	f, _ := shared(t, "MR_small.dcm")
	_, err := dimse.Dial(context.Background(), srcAddr, dimse.Config{CallingAE: "STRANGER", CalledAE: "PLEXUS"},
		[]dimse.Proposal{{AbstractSyntax: f.Dataset.String(dicom.TagSOPClassUID), TransferSyntaxes: []string{f.TransferSyntax.UID}}})
	var rj *dimse.AssociateRJ
	if !errors.As(err, &rj) || rj.Reason != dimse.RejectCallingAE {
		t.Errorf("unknown calling AE: %v, want a rejection for the calling AE", err)
	}

	// A receiver that cannot store: the sender is told to retry.
	src, err := dicomconn.NewSource(conntest.Env(t, nil), conntest.Options(`{listen: "127.0.0.1:0", ae_title: PLEXUS}`))
	if err != nil {
		t.Fatal(err)
	}
	recv := &conntest.Receiver{Fail: func(*engine.Inbound) error { return errors.New("disk full") }}
	if err := src.Start(context.Background(), recv); err != nil {
		t.Fatal(err)
	}
	defer src.Stop(context.Background())
	errs := store(t, src.(*dicomconn.Source).Addr().String(), "ANY", "PLEXUS", "MR_small.dcm")
	var st *dimse.StatusError
	if !errors.As(errs[0], &st) || st.Status != dimse.StatusOutOfResources {
		t.Errorf("store with a failing journal: %v, want status 0xA700", errs[0])
	}
}

// descriptorOf stores name in a fresh archive and returns its descriptor.
func descriptorOf(t *testing.T, name string) (*dicomconn.Descriptor, []byte) {
	t.Helper()
	f, data := shared(t, name)
	dir := t.TempDir()
	a, err := dicomconn.OpenArchive(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	ts, _ := dicom.LookupTransferSyntax(f.TransferSyntax.UID)
	inst, err := a.Store("MODALITY", f.Dataset.String(dicom.TagSOPClassUID), f.Dataset.String(dicom.TagSOPInstanceUID), ts, data[f.DatasetOffset:])
	if err != nil {
		t.Fatal(err)
	}
	d := dicomconn.NewDescriptor(dir, "PLEXUS", inst)
	raw, err := json.Marshal(d)
	if err != nil {
		t.Fatal(err)
	}
	return d, raw
}

// TestDestinationOutcomes: which failures are permanent and which are
// retried.
func TestDestinationOutcomes(t *testing.T) {
	d, raw := descriptorOf(t, "MR_small.dcm")
	okAddr, _ := scp(t, &dimse.Server{AETitle: "PACS"})
	busyAddr, _ := scp(t, &dimse.Server{AETitle: "PACS", OnStored: func(context.Context, archive.Instance) error { return errors.New("busy") }})
	strictAddr, _ := scp(t, &dimse.Server{AETitle: "PACS", CallingAEs: []string{"SOMEONE"}})

	// The descriptor names the MR file under another instance UID: the
	// peer finds the data set's UID differs and refuses it (0xC000).
	mismatch := *d
	mismatch.SOPInstanceUID = "1.2.3.4.5"
	mismatchRaw, _ := json.Marshal(mismatch)
	gone := *d
	gone.Path = filepath.Join(d.Archive, d.StudyInstanceUID, d.SeriesInstanceUID, "1.2.3.dcm")
	goneRaw, _ := json.Marshal(gone)
	outside := *d
	outside.Path = filepath.Join(t.TempDir(), "x.dcm")
	if err := os.WriteFile(outside.Path, mustRead(t, d.Path), 0o600); err != nil {
		t.Fatal(err)
	}
	outsideRaw, _ := json.Marshal(outside)

	tests := []struct {
		name      string
		addr      string
		payload   []byte
		wantErr   bool
		permanent bool
		status    string
	}{
		{name: "stored", addr: okAddr, payload: raw, status: "stored"},
		{name: "refused instance", addr: okAddr, payload: mismatchRaw, wantErr: true, permanent: true, status: "0xC000"},
		{name: "peer out of resources", addr: busyAddr, payload: raw, wantErr: true, status: "0xA700"},
		{name: "association rejected", addr: strictAddr, payload: raw, wantErr: true},
		{name: "nobody listening", addr: freeAddr(t), payload: raw, wantErr: true},
		{name: "not a descriptor", addr: okAddr, payload: []byte("MSH|^~\\&|"), wantErr: true, permanent: true},
		{name: "instance gone from the archive", addr: okAddr, payload: goneRaw, wantErr: true, permanent: true},
		{name: "file outside every archive", addr: okAddr, payload: outsideRaw, wantErr: true, permanent: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dst, err := dicomconn.NewDestination(conntest.Env(t, nil), conntest.Options(fmt.Sprintf(`{address: "%s", called_ae: PACS, timeout: 10s}`, tt.addr)))
			if err != nil {
				t.Fatal(err)
			}
			defer dst.(engine.Closer).Close()
			resp, err := dst.Deliver(context.Background(), &engine.Outbound{MessageID: 1, Payload: tt.payload})
			if (err != nil) != tt.wantErr {
				t.Fatalf("Deliver: %v, want error %v", err, tt.wantErr)
			}
			if err != nil && engine.IsPermanent(err) != tt.permanent {
				t.Errorf("Deliver: %v: permanent %v, want %v", err, engine.IsPermanent(err), tt.permanent)
			}
			if tt.status != "" && (resp == nil || resp.Status != tt.status) {
				t.Errorf("response %+v, want status %s", resp, tt.status)
			}
		})
	}
}

// TestDestinationReusesAssociation: consecutive deliveries share one
// association, and one whose peer closed it is replaced without a failed
// delivery.
func TestDestinationReusesAssociation(t *testing.T) {
	_, mrRaw := descriptorOf(t, "MR_small.dcm")
	_, ctRaw := descriptorOf(t, "CT_small.dcm")
	addr, peer := scp(t, &dimse.Server{AETitle: "PACS"})
	proxy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan net.Conn, 8)
	go func() {
		for {
			c, err := proxy.Accept()
			if err != nil {
				return
			}
			accepted <- c
			up, err := net.Dial("tcp", addr)
			if err != nil {
				c.Close()
				continue
			}
			go func() { io.Copy(up, c); up.Close() }()
			go func() { io.Copy(c, up); c.Close() }()
		}
	}()
	defer proxy.Close()
	dst, err := dicomconn.NewDestination(conntest.Env(t, nil), conntest.Options(fmt.Sprintf(`{address: "%s", called_ae: PACS}`, proxy.Addr())))
	if err != nil {
		t.Fatal(err)
	}
	defer dst.(engine.Closer).Close()
	var open []net.Conn
	deliver := func(i int, p []byte) {
		t.Helper()
		if _, err := dst.Deliver(context.Background(), &engine.Outbound{MessageID: int64(i), Payload: p}); err != nil {
			t.Fatalf("delivery %d: %v", i, err)
		}
		for len(accepted) > 0 {
			open = append(open, <-accepted)
		}
	}
	for i, p := range [][]byte{mrRaw, ctRaw, mrRaw} {
		deliver(i+1, p)
	}
	// MR, then CT (a new context: one renegotiation), then MR on the same.
	if len(open) != 2 {
		t.Errorf("%d associations for three deliveries, want 2", len(open))
	}
	// The connection breaks while idle; the next delivery still succeeds,
	// over a new association.
	open[len(open)-1].Close()
	deliver(4, ctRaw)
	if len(open) != 3 {
		t.Errorf("%d associations after the break, want 3", len(open))
	}
	if peer.Len() != 2 {
		t.Errorf("the peer holds %d instances, want 2", peer.Len())
	}
}

// TestStorescu sends files with dcmtk's storescu into a dicom source
// channel; skipped when dcmtk is not installed.
func TestStorescu(t *testing.T) {
	bin, err := exec.LookPath("storescu")
	if err != nil {
		t.Skip("storescu (dcmtk) is not installed")
	}
	shared(t, "CT_small.dcm")
	srcAddr := freeAddr(t)
	n, _ := channelNode(t, fmt.Sprintf(`channels:
  - name: imaging
    source: {type: dicom, listen: "%s", ae_title: PLEXUS}
    destinations: [{name: out, type: file, dir: "%s"}]
`, srcAddr, t.TempDir()))
	host, port, _ := net.SplitHostPort(srcAddr)
	files := []string{"CT_small.dcm", "MR_small.dcm", "MR_small_implicit.dcm"}
	// -R proposes only the contexts the files need, each in its own syntax.
	args := []string{"-R", "-aet", "DCMTK", "-aec", "PLEXUS", host, port}
	for _, f := range files {
		args = append(args, filepath.Join(sharedFiles, f))
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), "TCP_NODELAY=1")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("storescu: %v\n%s", err, out)
	}
	msgs, err := n.Journal().Messages(context.Background(), journal.MessageFilter{Channel: "imaging"})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != len(files) {
		t.Fatalf("%d messages journaled, want %d", len(msgs), len(files))
	}
	for _, m := range msgs {
		if m.Remote != "DCMTK" || !strings.HasPrefix(m.ContentType, "application/dicom") {
			t.Errorf("message %d: remote %q, content type %q", m.ID, m.Remote, m.ContentType)
		}
	}
}

// TestImagingStudyBundle: the Bundle of a stored study validates, puts
// ImagingStudy/<study UID>, and counts every archived instance of it.
func TestImagingStudyBundle(t *testing.T) {
	d, raw := descriptorOf(t, "CT_small.dcm")
	b, err := dicomconn.ImagingStudyBundle(raw, "urn:oid:1.2.3")
	if err != nil {
		t.Fatal(err)
	}
	var bundle struct {
		Type  string `json:"type"`
		Entry []struct {
			Resource struct {
				ResourceType      string `json:"resourceType"`
				ID                string `json:"id"`
				NumberOfInstances int    `json:"numberOfInstances"`
				Subject           struct {
					Identifier struct{ System, Value string } `json:"identifier"`
				} `json:"subject"`
			} `json:"resource"`
			Request struct{ Method, URL string } `json:"request"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(b, &bundle); err != nil {
		t.Fatal(err)
	}
	if bundle.Type != "transaction" || len(bundle.Entry) != 1 {
		t.Fatalf("bundle %s", b)
	}
	e := bundle.Entry[0]
	if e.Request.Method != "PUT" || e.Request.URL != "ImagingStudy/"+d.StudyInstanceUID || e.Resource.ID != d.StudyInstanceUID || e.Resource.NumberOfInstances != 1 {
		t.Errorf("entry %+v", e)
	}
	if e.Resource.Subject.Identifier.System != "urn:oid:1.2.3" || e.Resource.Subject.Identifier.Value != d.PatientID {
		t.Errorf("subject %+v, want the patient ID %q in urn:oid:1.2.3", e.Resource.Subject, d.PatientID)
	}

	missing := *d
	missing.StudyInstanceUID = "1.2.3.999"
	mraw, _ := json.Marshal(missing)
	unopened := *d
	unopened.Archive = t.TempDir()
	uraw, _ := json.Marshal(unopened)
	for name, in := range map[string][]byte{"not JSON": []byte("{"), "study not archived": mraw, "archive no source opened": uraw, "empty": nil} {
		if _, err := dicomconn.ImagingStudyBundle(in, ""); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
}

// FuzzParseDescriptor: no input panics the parser, and what it accepts
// names an instance.
func FuzzParseDescriptor(f *testing.F) {
	f.Add([]byte(`{"study_instance_uid":"1.2.3","sop_instance_uid":"1.2.3.4","sop_class_uid":"1.2.840.10008.5.1.4.1.1.2","path":"/x.dcm"}`))
	f.Add([]byte(`{}`))
	f.Add([]byte(`[1,2]`))
	f.Add([]byte(`{"sop_class_uid":"1..2"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := dicomconn.ParseDescriptor(data)
		if err != nil {
			return
		}
		if !dicom.ValidUID(d.SOPClassUID) || !dicom.ValidUID(d.SOPInstanceUID) || !dicom.ValidUID(d.StudyInstanceUID) || d.Path == "" {
			t.Fatalf("accepted %+v", d)
		}
	})
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSourceTLS: with a tls section the source negotiates associations
// over TLS only, and with client_ca only with a client certificate.
func TestSourceTLS(t *testing.T) {
	pki := conntest.NewPKI(t)
	src, err := dicomconn.NewSource(conntest.Env(t, nil), conntest.Options(fmt.Sprintf(
		`{listen: "127.0.0.1:0", ae_title: PLEXUS, tls: {cert: %q, key: %q, client_ca: %q}}`, pki.ServerCert, pki.ServerKey, pki.CA)))
	if err != nil {
		t.Fatal(err)
	}
	if err := src.Start(context.Background(), &conntest.Receiver{}); err != nil {
		t.Fatal(err)
	}
	defer src.Stop(context.Background())
	addr := src.(*dicomconn.Source).Addr().String()

	rq, err := dimse.AppendPDU(nil, &dimse.Associate{
		ProtocolVersion: 1, CalledAE: "PLEXUS", CallingAE: "MODALITY", ApplicationContext: dimse.ApplicationContext,
		MaxPDULength: 16384, ImplementationClassUID: dicom.ImplementationClassUID,
		Contexts: []dimse.PresentationContext{{ID: 1, AbstractSyntax: dimse.VerificationSOPClass, TransferSyntaxes: []string{dicom.ImplicitVRLittleEndian}}},
	})
	if err != nil {
		t.Fatal(err)
	}
	// associate sends the request over conn and reports whether it was
	// accepted.
	associate := func(conn net.Conn) error {
		defer conn.Close()
		conn.SetDeadline(time.Now().Add(30 * time.Second))
		if _, err := conn.Write(rq); err != nil {
			return err
		}
		pdu, err := dimse.ReadPDU(conn, 1<<20)
		if err != nil {
			return err
		}
		if ac, ok := pdu.(*dimse.Associate); !ok || !ac.Accept {
			return fmt.Errorf("answer %T %+v", pdu, pdu)
		}
		return nil
	}
	roots := x509.NewCertPool()
	caPEM, err := os.ReadFile(pki.CA)
	if err != nil {
		t.Fatal(err)
	}
	roots.AppendCertsFromPEM(caPEM)
	cert, err := tls.LoadX509KeyPair(pki.ClientCert, pki.ClientKey)
	if err != nil {
		t.Fatal(err)
	}

	conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: roots, Certificates: []tls.Certificate{cert}})
	if err != nil {
		t.Fatal(err)
	}
	if err := associate(conn); err != nil {
		t.Errorf("over TLS with a client certificate: %v", err)
	}
	if conn, err := tls.Dial("tcp", addr, &tls.Config{RootCAs: roots}); err == nil {
		if err := associate(conn); err == nil {
			t.Error("over TLS without a client certificate: accepted")
		}
	}
	plain, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	if err := associate(plain); err == nil {
		t.Error("over plain TCP: accepted")
	}
}
