package dimse

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/plexus-health/plexus/dicom"
)

// BenchmarkCStore measures C-STORE over loopback from Plexus's SCU to its
// SCP, which syncs each instance to disk before answering. The echo
// sub-benchmark is the baseline: one DIMSE round trip with no data and no
// disk.
func BenchmarkCStore(b *testing.B) {
	f, data := loadShared(b, "CT_small.dcm")
	body := data[f.DatasetOffset:]
	class, inst := f.Dataset.String(dicom.TagSOPClassUID), f.Dataset.String(dicom.TagSOPInstanceUID)
	addr := startServer(b, &Server{AETitle: "PLEXUS", Archive: newArchive(b)})
	ctx := context.Background()
	a, err := Dial(ctx, addr, Config{CallingAE: "BENCH", CalledAE: "PLEXUS"}, []Proposal{proposalFor(f), {AbstractSyntax: VerificationSOPClass, TransferSyntaxes: []string{dicom.ImplicitVRLittleEndian}}})
	if err != nil {
		b.Fatal(err)
	}
	defer a.Release(ctx)
	b.Run("echo", func(b *testing.B) {
		for b.Loop() {
			if err := a.Echo(ctx); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "echoes/s")
	})
	b.Run("store", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if err := a.Store(ctx, class, inst, f.TransferSyntax.UID, body); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "instances/s")
	})
}

// BenchmarkDCMTKStoreSCU measures dcmtk's storescu sending 200 instances in
// one association to Plexus's SCP; the figure includes starting storescu.
func BenchmarkDCMTKStoreSCU(b *testing.B) {
	if _, err := exec.LookPath("storescu"); err != nil {
		b.Skip("dcmtk's storescu is not on PATH")
	}
	loadShared(b, "CT_small.dcm")
	addr := startServer(b, &Server{AETitle: "PLEXUS", Archive: newArchive(b)})
	h, p, err := net.SplitHostPort(addr)
	if err != nil {
		b.Fatal(err)
	}
	const n = 200
	args := []string{"-aet", "BENCH", "-aec", "PLEXUS", h, p}
	for range n {
		args = append(args, filepath.Join(sharedFiles, "CT_small.dcm"))
	}
	// dcmtk leaves Nagle's algorithm on unless TCP_NODELAY=1 is in its
	// environment; with it on, each C-STORE waits for the SCP's delayed ACK.
	for _, env := range []string{"default", "TCP_NODELAY=1"} {
		b.Run(env, func(b *testing.B) {
			var total time.Duration
			for b.Loop() {
				cmd := exec.Command("storescu", args...)
				if env != "default" {
					cmd.Env = append(os.Environ(), env)
				}
				start := time.Now()
				out, err := cmd.CombinedOutput()
				if err != nil {
					b.Fatalf("storescu: %v\n%s", err, out)
				}
				total += time.Since(start)
			}
			b.ReportMetric(float64(n*b.N)/total.Seconds(), "instances/s")
		})
	}
}
