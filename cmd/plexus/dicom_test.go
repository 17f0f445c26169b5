package main

import (
	"bufio"
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/plexus-health/plexus/dicom"
)

// writeDicomFixture writes a small explicit VR little endian instance.
func writeDicomFixture(t *testing.T, dir, sop string) string {
	t.Helper()
	ds := &dicom.Dataset{}
	ds.SetString(dicom.TagSOPClassUID, "1.2.840.10008.5.1.4.1.1.7")
	ds.SetString(dicom.TagSOPInstanceUID, sop)
	ds.SetString(dicom.TagModality, "OT")
	ds.SetString(dicom.TagPatientName, "Test^Fixture")
	ds.SetString(dicom.TagPatientID, "FIX-1")
	ds.SetString(dicom.TagStudyInstanceUID, "1.2.826.0.1.3680043.10.1")
	ds.SetString(dicom.TagSeriesInstanceUID, "1.2.826.0.1.3680043.10.1.1")
	item := &dicom.Dataset{}
	item.SetString(dicom.TagStudyDescription, "nested")
	ds.Set(&dicom.Element{Tag: dicom.NewTag(0x0008, 0x1115), VR: "SQ", Items: []*dicom.Dataset{item}})
	ts, _ := dicom.LookupTransferSyntax(dicom.ExplicitVRLittleEndian)
	p := filepath.Join(dir, sop+".dcm")
	var buf bytes.Buffer
	if err := dicom.WriteFile(&buf, &dicom.File{Meta: dicom.NewMeta("1.2.840.10008.5.1.4.1.1.7", sop, ts.UID, ""), TransferSyntax: ts, Dataset: ds}); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(p, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestDicomDump(t *testing.T) {
	dir := t.TempDir()
	good := writeDicomFixture(t, dir, "1.2.3.4")
	bad := filepath.Join(dir, "bad.dcm")
	os.WriteFile(bad, []byte("this is not DICOM"), 0o600)

	status, stdout, stderr := runCLI(t, "", "dicom", "dump", good)
	if status != exitOK {
		t.Fatalf("exit %d, stderr %s", status, stderr)
	}
	for _, want := range []string{
		"transfer syntax 1.2.840.10008.1.2.1",
		"(0002,0010) UI [1.2.840.10008.1.2.1] # TransferSyntaxUID",
		"(0010,0010) PN [Test^Fixture] # PatientName",
		"(0008,1115) SQ 1 items # ReferencedSeriesSequence",
		"  item 1\n    (0008,1030) LO [nested] # StudyDescription",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("dump lacks %q:\n%s", want, stdout)
		}
	}
	status, stdout, stderr = runCLI(t, "", "dicom", "dump", bad, good)
	if status != exitFailure || !strings.Contains(stderr, "bad.dcm: dicom: not a DICOM file") || !strings.Contains(stdout, "PatientName") {
		t.Errorf("dump of a bad and a good file: exit %d, stderr %q", status, stderr)
	}
}

func TestDicomUsageErrors(t *testing.T) {
	tests := [][]string{
		{"dicom"},
		{"dicom", "frob"},
		{"dicom", "dump"},
		{"dicom", "echo", "--to", "nohost"},
		{"dicom", "echo", "--to", "WAY_TOO_LONG_AE_TITLE@127.0.0.1:104"},
		{"dicom", "store", "--to", "PACS@127.0.0.1:104"},
		{"dicom", "scp", "--listen", "127.0.0.1:0"},
	}
	for _, args := range tests {
		if status, _, _ := runCLI(t, "", args...); status != exitUsage {
			t.Errorf("plexus %s: exit %d, want %d", strings.Join(args, " "), status, exitUsage)
		}
	}
}

// dicomSCPProc is a running "plexus dicom scp".
type dicomSCPProc struct {
	cmd       *exec.Cmd
	addr      string
	instances string // the count on the first line
	stderr    *logBuffer
	lines     chan string
	done      chan error
}

var dicomListeningRE = regexp.MustCompile(`^listening on (\S+) as (\S+), (\d+) instances in `)

func startDicomSCP(t *testing.T, args ...string) *dicomSCPProc {
	t.Helper()
	p := &dicomSCPProc{stderr: &logBuffer{}, lines: make(chan string, 10), done: make(chan error, 1)}
	p.cmd = exec.Command(plexusBin, append([]string{"dicom", "scp", "--listen", "127.0.0.1:0"}, args...)...)
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stderr = p.stderr
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			p.lines <- sc.Text()
		}
		close(p.lines)
		p.done <- p.cmd.Wait()
	}()
	t.Cleanup(func() { p.cmd.Process.Kill() })
	select {
	case line := <-p.lines:
		m := dicomListeningRE.FindStringSubmatch(line)
		if m == nil {
			t.Fatalf("first line %q; stderr:\n%s", line, p.stderr.String())
		}
		p.addr, p.instances = m[1], m[3]
	case <-time.After(30 * time.Second):
		t.Fatalf("plexus dicom scp did not start; stderr:\n%s", p.stderr.String())
	}
	return p
}

// TestDicomSCPEchoStore runs "plexus dicom scp" as a process, echoes it and
// stores files into it with "plexus dicom store", kills it, and checks that
// a restart finds every stored instance.
func TestDicomSCPEchoStore(t *testing.T) {
	dir := t.TempDir()
	store := filepath.Join(dir, "store")
	scp := startDicomSCP(t, "--ae", "TESTSCP", "--dir", store, "--allow", "PLEXUS,OTHER")
	to := "TESTSCP@" + scp.addr

	if status, out, errOut := runCLI(t, "", "dicom", "echo", "--to", to); status != exitOK || !strings.Contains(out, "answered C-ECHO") {
		t.Fatalf("echo: exit %d, %q %q", status, out, errOut)
	}
	if status, _, errOut := runCLI(t, "", "dicom", "echo", "--to", to, "--aet", "STRANGER"); status != exitFailure || !strings.Contains(errOut, "calling AE title not recognized") {
		t.Errorf("echo from a stranger: exit %d, %q", status, errOut)
	}
	files := []string{writeDicomFixture(t, dir, "1.2.3.4.1"), writeDicomFixture(t, dir, "1.2.3.4.2")}
	if ct := filepath.Join(sharedDicomFiles, "CT_small.dcm"); fileExists(ct) {
		files = append(files, ct, filepath.Join(sharedDicomFiles, "JPEG2000.dcm"), filepath.Join(sharedDicomFiles, "MR_small_bigendian.dcm"))
	}
	status, out, errOut := runCLI(t, "", append([]string{"dicom", "store", "--to", to}, files...)...)
	if status != exitOK || strings.Count(out, ": stored\n") != len(files) {
		t.Fatalf("store: exit %d\n%s\n%s", status, out, errOut)
	}
	// Each instance is a file under the store directory.
	var stored int
	filepath.WalkDir(store, func(p string, d os.DirEntry, err error) error {
		if err == nil && strings.HasSuffix(p, ".dcm") {
			stored++
		}
		return nil
	})
	if stored != len(files) {
		t.Errorf("%d files stored, want %d", stored, len(files))
	}
	// The log names AE titles and outcomes, never patient data.
	if log := scp.stderr.String(); strings.Contains(log, "Test^Fixture") || strings.Contains(log, "CompressedSamples") || !strings.Contains(log, "dicom association released") {
		t.Errorf("scp log:\n%s", log)
	}

	// Killed without warning, the SCP finds every acknowledged instance
	// when it starts again.
	scp.cmd.Process.Kill()
	<-scp.done
	scp = startDicomSCP(t, "--ae", "TESTSCP", "--dir", store)
	if scp.instances != strconv.Itoa(len(files)) {
		t.Errorf("after a kill the SCP found %s instances, want %d", scp.instances, len(files))
	}
	if status, _, errOut := runCLI(t, "", "dicom", "echo", "--to", "TESTSCP@"+scp.addr); status != exitOK {
		t.Fatalf("echo after restart: %s", errOut)
	}
	if err := scp.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-scp.done:
		if err != nil {
			t.Fatalf("scp exit: %v; stderr:\n%s", err, scp.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("scp did not stop within 30s of SIGINT")
	}
	var rest []string
	for l := range scp.lines {
		rest = append(rest, l)
	}
	if len(rest) == 0 || !strings.HasPrefix(rest[len(rest)-1], "stopped, ") {
		t.Errorf("last lines %q", rest)
	}
}

const sharedDicomFiles = "../../../shared/testdata/dicom/pydicom/test_files"

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}
