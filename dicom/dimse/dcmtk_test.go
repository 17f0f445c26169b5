package dimse

import (
	"bytes"
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/dicom"
)

// needDCMTK skips the test when the dcmtk tools are not installed.
func needDCMTK(t *testing.T, tools ...string) {
	t.Helper()
	for _, tool := range tools {
		if _, err := exec.LookPath(tool); err != nil {
			t.Skipf("dcmtk's %s is not on PATH; install dcmtk to run the interoperability tests", tool)
		}
	}
}

func hostPort(t *testing.T, addr string) (string, string) {
	t.Helper()
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatal(err)
	}
	return h, p
}

func runTool(t *testing.T, name string, args ...string) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := exec.CommandContext(ctx, name, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
	}
	return string(out)
}

func TestDCMTKEchoSCU(t *testing.T) {
	needDCMTK(t, "echoscu")
	addr := startServer(t, &Server{AETitle: "PLEXUS", CallingAEs: []string{"ECHOSCU"}})
	h, p := hostPort(t, addr)
	runTool(t, "echoscu", "-aet", "ECHOSCU", "-aec", "PLEXUS", "--repeat", "3", h, p)

	// A calling AE title not in the list is rejected.
	cmd := exec.Command("echoscu", "-aet", "INTRUDER", "-aec", "PLEXUS", h, p)
	if out, err := cmd.CombinedOutput(); err == nil || !strings.Contains(string(out), "Calling AE Title Not Recognized") {
		t.Errorf("echoscu from an unknown AE: err %v, output:\n%s", err, out)
	}
}

func TestDCMTKStoreSCU(t *testing.T) {
	needDCMTK(t, "storescu")
	arch := newArchive(t)
	addr := startServer(t, &Server{AETitle: "PLEXUS", Archive: arch})
	h, p := hostPort(t, addr)
	names := []string{"CT_small.dcm", "MR_small.dcm", "MR_small_implicit.dcm", "MR_small_bigendian.dcm", "rtplan.dcm", "JPEG2000.dcm", "SC_rgb_rle.dcm"}
	var paths []string
	for _, n := range names[:5] {
		loadShared(t, n)
		paths = append(paths, filepath.Join(sharedFiles, n))
	}
	runTool(t, "storescu", append([]string{"-aet", "MODALITY", "-aec", "PLEXUS", h, p}, paths...)...)
	// Compressed files go in their own syntax, as a modality sends them:
	// -xw proposes JPEG 2000 (lossy), -xr RLE.
	loadShared(t, "JPEG2000.dcm")
	runTool(t, "storescu", "-aet", "MODALITY", "-aec", "PLEXUS", "-xw", h, p, filepath.Join(sharedFiles, "JPEG2000.dcm"))
	runTool(t, "storescu", "-aet", "MODALITY", "-aec", "PLEXUS", "-xr", h, p, filepath.Join(sharedFiles, "SC_rgb_rle.dcm"))
	// The three MR_small files are one instance in three syntaxes.
	uids := map[string]bool{}
	for _, n := range names {
		f, _ := loadShared(t, n)
		uids[f.Dataset.String(dicom.TagSOPInstanceUID)] = true
	}
	if arch.Len() != len(uids) {
		t.Fatalf("archive holds %d instances, want %d", arch.Len(), len(uids))
	}
	for _, inst := range arch.Instances() {
		stored, err := dicom.ReadFile(inst.Path)
		if err != nil {
			t.Fatalf("stored file unreadable: %v", err)
		}
		found := false
		for _, n := range names {
			f, _ := loadShared(t, n)
			if f.Dataset.String(dicom.TagSOPInstanceUID) != inst.SOPInstanceUID {
				continue
			}
			found = true
			// storescu re-encodes what it sends (it drops group lengths),
			// so compare attributes and the pixel data, which it passes on.
			if stored.Dataset.String(dicom.TagPatientName) != f.Dataset.String(dicom.TagPatientName) {
				t.Errorf("%s: patient name changed", n)
			}
			px, want := stored.Dataset.Find(dicom.TagPixelData), f.Dataset.Find(dicom.TagPixelData)
			if want != nil && inst.TransferSyntaxUID == f.TransferSyntax.UID && (px == nil || !bytes.Equal(px.Value, want.Value) || len(px.Fragments) != len(want.Fragments)) {
				t.Errorf("%s: pixel data changed", n)
			}
		}
		if !found {
			t.Errorf("unexpected instance stored")
		}
	}
}

func TestDCMTKFindSCU(t *testing.T) {
	needDCMTK(t, "storescu", "findscu")
	arch := newArchive(t)
	addr := startServer(t, &Server{AETitle: "PLEXUS", Archive: arch})
	h, p := hostPort(t, addr)
	names := []string{"CT_small.dcm", "MR_small.dcm", "rtplan.dcm"}
	var paths []string
	for _, n := range names {
		loadShared(t, n)
		paths = append(paths, filepath.Join(sharedFiles, n))
	}
	runTool(t, "storescu", append([]string{"-aet", "MODALITY", "-aec", "PLEXUS", h, p}, paths...)...)
	ct, _ := loadShared(t, "CT_small.dcm")

	tests := []struct {
		name  string
		model string
		keys  []string
		want  int
		check map[dicom.Tag]string
	}{
		{"study root all studies", "-S", []string{"QueryRetrieveLevel=STUDY", "StudyInstanceUID", "PatientName", "ModalitiesInStudy"}, 3, nil},
		{"study root by modality", "-S", []string{"QueryRetrieveLevel=STUDY", "ModalitiesInStudy=CT", "StudyInstanceUID", "PatientName"},
			1, map[dicom.Tag]string{dicom.TagPatientName: ct.Dataset.String(dicom.TagPatientName), dicom.TagStudyInstanceUID: ct.Dataset.String(dicom.TagStudyInstanceUID)}},
		{"patient root by id", "-P", []string{"QueryRetrieveLevel=PATIENT", "PatientID=" + ct.Dataset.String(dicom.TagPatientID), "PatientName"}, 1,
			map[dicom.Tag]string{dicom.TagPatientName: ct.Dataset.String(dicom.TagPatientName)}},
		{"series of a study", "-S", []string{"QueryRetrieveLevel=SERIES", "StudyInstanceUID=" + ct.Dataset.String(dicom.TagStudyInstanceUID), "SeriesInstanceUID", "Modality"}, 1,
			map[dicom.Tag]string{dicom.TagModality: "CT"}},
		{"no match", "-S", []string{"QueryRetrieveLevel=STUDY", "PatientName=NOBODY*"}, 0, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			out := t.TempDir()
			args := []string{tc.model, "-aet", "QUERY", "-aec", "PLEXUS", "-X", "-od", out}
			for _, k := range tc.keys {
				args = append(args, "-k", k)
			}
			runTool(t, "findscu", append(args, h, p)...)
			rsp, _ := filepath.Glob(filepath.Join(out, "rsp*.dcm"))
			if len(rsp) != tc.want {
				t.Fatalf("%d responses, want %d", len(rsp), tc.want)
			}
			for _, r := range rsp {
				f, err := dicom.ReadFile(r)
				if err != nil {
					t.Fatal(err)
				}
				for tag, want := range tc.check {
					if got := f.Dataset.String(tag); got != want {
						t.Errorf("%s = %q, want %q", tag, got, want)
					}
				}
			}
		})
	}
}

// freePort returns a port on 127.0.0.1 that was free a moment ago.
func freePort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	_, p := hostPort(t, ln.Addr().String())
	return p
}

// startStoreSCP runs dcmtk's storescp writing into a temporary directory and
// waits until it accepts connections.
func startStoreSCP(t *testing.T) (addr, dir string) {
	t.Helper()
	dir = t.TempDir()
	port := freePort(t)
	cmd := exec.Command("storescp", "-aet", "STORESCP", "-od", dir, "--fork", port)
	cmd.Args = []string{"storescp", "-aet", "STORESCP", "-od", dir, port}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	addr = net.JoinHostPort("127.0.0.1", port)
	deadline := time.Now().Add(30 * time.Second)
	for {
		c, err := net.Dial("tcp", addr)
		if err == nil {
			c.Close()
			return addr, dir
		}
		if time.Now().After(deadline) {
			t.Fatalf("storescp did not start listening on %s: %v", addr, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestStoreToDCMTKStoreSCP(t *testing.T) {
	needDCMTK(t, "storescp")
	addr, dir := startStoreSCP(t)
	names := []string{"CT_small.dcm", "MR_small_bigendian.dcm", "rtplan.dcm", "JPEG2000.dcm", "image_dfl.dcm"} // distinct SOP instance UIDs
	var props []Proposal
	files := map[string]*dicom.File{}
	raw := map[string][]byte{}
	for _, n := range names {
		f, data := loadShared(t, n)
		files[n], raw[n] = f, data
		props = append(props, proposalFor(f))
	}
	ctx := context.Background()
	// storescp accepts uncompressed syntaxes by default; propose only those
	// here and check that the others are reported as not accepted.
	a, err := Dial(ctx, addr, Config{CallingAE: "PLEXUS", CalledAE: "STORESCP"}, props)
	if err != nil {
		t.Fatal(err)
	}
	sent := 0
	for _, n := range names {
		f := files[n]
		err := a.Store(ctx, f.Dataset.String(dicom.TagSOPClassUID), f.Dataset.String(dicom.TagSOPInstanceUID), f.TransferSyntax.UID, raw[n][f.DatasetOffset:])
		if f.TransferSyntax.Encapsulated || f.TransferSyntax.Deflated {
			if err == nil {
				sent++
			} else if !strings.Contains(err.Error(), "no accepted presentation context") {
				t.Errorf("%s: %v", n, err)
			}
			continue
		}
		if err != nil {
			t.Fatalf("%s: %v", n, err)
		}
		sent++
	}
	if err := a.Release(ctx); err != nil {
		t.Fatal(err)
	}
	// storescp writes each instance as <modality>.<SOP instance UID>.
	deadline := time.Now().Add(30 * time.Second)
	for {
		got, _ := os.ReadDir(dir)
		if len(got) >= sent {
			break
		}
		if time.Now().After(deadline) {
			var list []string
			for _, e := range got {
				list = append(list, e.Name())
			}
			t.Fatalf("storescp wrote %d files, want %d: %v", len(got), sent, list)
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, n := range names {
		f := files[n]
		matches, _ := filepath.Glob(filepath.Join(dir, "*"+f.Dataset.String(dicom.TagSOPInstanceUID)+"*"))
		if len(matches) == 0 {
			if !f.TransferSyntax.Encapsulated && !f.TransferSyntax.Deflated {
				t.Errorf("%s not received by storescp", n)
			}
			continue
		}
		got, err := os.ReadFile(matches[0])
		if err != nil {
			t.Fatal(err)
		}
		g, err := dicom.ParseFile(got, nil)
		if err != nil {
			t.Fatalf("%s as written by storescp: %v", n, err)
		}
		if g.Dataset.String(dicom.TagPatientName) != f.Dataset.String(dicom.TagPatientName) {
			t.Errorf("%s: patient name changed", n)
		}
		// storescp re-encodes what it writes (group lengths, padding), so
		// compare the pixel data, which it keeps as received.
		if px, want := g.Dataset.Find(dicom.TagPixelData), f.Dataset.Find(dicom.TagPixelData); want != nil && g.TransferSyntax.UID == f.TransferSyntax.UID && (px == nil || !bytes.Equal(px.Value, want.Value)) {
			t.Errorf("%s: storescp received different pixel data", n)
		}
	}
}
