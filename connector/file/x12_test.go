package file

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/connector/internal/conntest"
	"github.com/plexus-health/plexus/engine"
)

const x12Interchange = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~\n" +
	"GS*HC*S*R*20240101*1200*1*X*005010X222A1~\nST*837*0001~\nSE*2*0001~\nGE*1*1~\nIEA*1*000000001~\n"

// A file of one interchange is one X12 message; a refused interchange
// sends its file to error_dir.
func TestSourceX12Files(t *testing.T) {
	recv := &conntest.Receiver{Reply: func(in *engine.Inbound) *engine.Reply {
		return &engine.Reply{Accepted: !strings.Contains(string(in.Raw), "000000002"), ContentType: engine.ContentX12}
	}}
	src, in := newSource(t, "", recv, nil)
	drop(t, in, "1.x12", x12Interchange, 3*time.Minute)
	drop(t, in, "2.edi", "\xef\xbb\xbf"+strings.ReplaceAll(x12Interchange, "000000001", "000000002"), 2*time.Minute)
	drop(t, in, "3.txt", "ISAAC NEWTON", time.Minute)
	src.poll()
	got := recv.Received()
	want := []string{engine.ContentX12, engine.ContentX12, engine.ContentText}
	if len(got) != len(want) {
		t.Fatalf("received %d messages, want %d", len(got), len(want))
	}
	for i, w := range want {
		if got[i].ContentType != w {
			t.Errorf("message %d: %s, want %s", i, got[i].ContentType, w)
		}
	}
	if string(got[0].Raw) != x12Interchange {
		t.Errorf("interchange not kept byte for byte: %q", got[0].Raw)
	}
	checkDir(t, filepath.Join(in, "done"), "1.x12", "3.txt")
	checkDir(t, filepath.Join(in, "error"), "2.edi")

	// content_type names X12 whatever the file starts with.
	recv = &conntest.Receiver{Reply: func(in *engine.Inbound) *engine.Reply { return &engine.Reply{Accepted: true} }}
	src, in = newSource(t, "content_type: application/edi-x12", recv, nil)
	drop(t, in, "4.dat", "\r\n\r\n"+x12Interchange, time.Minute)
	src.poll()
	if got := recv.Received(); len(got) != 1 || got[0].ContentType != engine.ContentX12 {
		t.Errorf("content_type option: %+v", got)
	}
}
