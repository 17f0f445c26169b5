package channel

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/format/x12"
)

// FuzzX12Receive feeds arbitrary bytes to the X12 side of Receive (the
// check, the metadata and the answers, without the journal): nothing
// panics, only an interchange whose every verdict is valid goes on to be
// routed whole, one whose sets partly pass is routed with only those sets,
// which pass a second check, the answers read back as X12, and a refusal
// quotes no more of the input than the control numbers and IDs the verdict
// names.
func FuzzX12Receive(f *testing.F) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "format", "x12", "testdata", "837p.x12"))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(raw)
	f.Add(bytes.Replace(raw, []byte("SE*34*"), []byte("SE*3*"), 1))
	f.Add(bytes.Replace(raw, []byte("IEA*1*000000905"), []byte("IEA*2*000000905"), 1))
	f.Add(bytes.Replace(raw, []byte("*T*:~"), []byte("*P*:\n"), 1))
	f.Add(append(append([]byte(nil), raw...), raw...))
	good, bad := set837("0001", subscriber{"M1", []string{"C1"}}), miscount(set837("0002", subscriber{"M2", []string{"C2"}}))
	f.Add(interchange("000000001", group("1", good, bad)))
	f.Add(interchange("000000001", group("1", bad), group("2", good)))
	f.Add([]byte("ISA*00*"))
	f.Add([]byte("not x12 at all"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, ack := range []X12Ack{X12AckAuto, X12AckBoth, X12AckTA1, X12Ack999} {
			c := New(Spec{Name: "fuzz", X12: &X12{Ack: ack, DuplicateWindow: time.Hour,
				Partners: []x12.Partner{{Sender: "SUBMITTERS.ID", Usage: 'T'}}}}, nil, nil, slog.New(slog.DiscardHandler))
			msg := &engine.Message{ContentType: engine.ContentX12, Raw: raw, ReceivedAt: time.Unix(1e9, 0), Status: engine.StatusReceived}
			xr, err := c.x12Receive(context.Background(), msg)
			if err != nil {
				t.Fatalf("memory control numbers failed: %v", err)
			}
			if xr.refusal == nil && msg.Status == engine.StatusReceived {
				if len(xr.verdicts) == 0 {
					t.Fatal("accepted with no verdict")
				}
				valid := true
				for _, v := range xr.verdicts {
					valid = valid && v.Valid()
				}
				// What is routed is clean: the message itself, or the sets
				// the 999 accepts, which checked again pass whole.
				switch {
				case valid && xr.content != nil:
					t.Fatal("a clean interchange is cut down")
				case !valid && xr.content == nil:
					t.Fatalf("routed an interchange with verdict %s", xr.verdicts[0].Summary())
				case !valid:
					again, err := x12.Check(bytes.NewReader(xr.content), x12.Config{})
					if err != nil || len(again) == 0 {
						t.Fatalf("the accepted sets do not read: %v", err)
					}
					for _, v := range again {
						if !v.Valid() {
							t.Fatalf("the accepted sets check as %s", v.Summary())
						}
					}
				}
			}
			if xr.refusal != nil && strings.Contains(xr.refusal.Error(), "SECRET") {
				t.Fatalf("refusal quotes the input: %v", xr.refusal)
			}
			if strings.Contains(msg.Error, "SECRET") {
				t.Fatalf("the sets left out are named with input: %q", msg.Error)
			}
			r := c.x12Reply(context.Background(), msg, xr, xr.refusal)
			if len(r.Body) == 0 {
				continue
			}
			if _, _, err := x12.ReadAll(r.Body); err != nil {
				t.Fatalf("answer %q does not read back: %v", r.Body, err)
			}
		}
	})
}
