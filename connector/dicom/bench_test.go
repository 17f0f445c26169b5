package dicom_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/plexus-health/plexus/dicom"
	"github.com/plexus-health/plexus/dicom/dimse"
)

// BenchmarkChannelStore measures C-STOREs of MR_small.dcm (9.8 KB) over
// one association into a dicom source channel journaling on SQLite (the
// filter lets nothing through, so no delivery competes), and reports the
// ratio to the same stores into a bare SCP with no journal, measured in
// the same run: the cost of journaling before the answer.
func BenchmarkChannelStore(b *testing.B) {
	f, data := shared(b, "MR_small.dcm")
	sop, inst := f.Dataset.String(dicom.TagSOPClassUID), f.Dataset.String(dicom.TagSOPInstanceUID)
	run := func(addr string, n int) time.Duration {
		ctx := context.Background()
		a, err := dimse.Dial(ctx, addr, dimse.Config{CallingAE: "BENCH", CalledAE: "PLEXUS"},
			[]dimse.Proposal{{AbstractSyntax: sop, TransferSyntaxes: []string{f.TransferSyntax.UID}}})
		if err != nil {
			b.Fatal(err)
		}
		defer a.Release(ctx)
		start := time.Now()
		for range n {
			if err := a.Store(ctx, sop, inst, f.TransferSyntax.UID, data[f.DatasetOffset:]); err != nil {
				b.Fatal(err)
			}
		}
		return time.Since(start)
	}
	bare, _ := scp(b, &dimse.Server{AETitle: "PLEXUS"})
	src := freeAddr(b)
	channelNode(b, fmt.Sprintf(`channels:
  - name: imaging
    source: {type: dicom, listen: "%s", ae_title: PLEXUS}
    filter: "false"
    destinations: [{name: out, type: file, dir: "%s"}]
`, src, b.TempDir()))
	b.ResetTimer()
	channel := run(src, b.N)
	b.StopTimer()
	baseline := run(bare, b.N)
	b.ReportMetric(float64(b.N)/channel.Seconds(), "stores/s")
	b.ReportMetric(channel.Seconds()/baseline.Seconds(), "x_bare_scp")
}
