package http

import (
	nethttp "net/http"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/connector/internal/conntest"
	"github.com/plexus-health/plexus/engine"
)

// x12Interchange is a minimal 837 interchange; its content is not checked
// here, only carried.
const x12Interchange = "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *240101*1200*^*00501*000000001*0*T*:~" +
	"GS*HC*S*R*20240101*1200*1*X*005010X222A1~ST*837*0001~SE*2*0001~GE*1*1~IEA*1*000000001~"

func TestSourceX12(t *testing.T) {
	var logs conntest.SyncBuffer
	recv := &conntest.Receiver{Reply: func(in *engine.Inbound) *engine.Reply {
		r := &engine.Reply{Accepted: !strings.Contains(string(in.Raw), "REFUSE"), ContentType: engine.ContentX12}
		if !strings.Contains(string(in.Raw), "NOANSWER") {
			r.Body = []byte("ISA*answer~")
		}
		return r
	}}
	_, url := startSource(t, "", recv, &logs)
	tests := []struct {
		name, header, body string
		status             int
		ct, answer         string
	}{
		{"accepted", "application/edi-x12", x12Interchange, 200, engine.ContentX12, "ISA*answer~"},
		{"sniffed", "", "\xef\xbb\xbf\r\n" + x12Interchange, 200, engine.ContentX12, "ISA*answer~"},
		{"refused", "application/edi-x12", x12Interchange + "REFUSE", 422, engine.ContentX12, "ISA*answer~"},
		{"refused without an answer", "application/edi-x12", "NOANSWER REFUSE", 400, engine.ContentJSON, `"status":"rejected"`},
		{"accepted without an answer", "application/edi-x12", x12Interchange + "NOANSWER", 200, engine.ContentJSON, `"status":"accepted"`},
		{"not X12 when sniffed", "", "ISAAC NEWTON", 415, "", ""},
	}
	for _, tt := range tests {
		before := len(recv.Received())
		status, ct, body := post(t, nethttp.DefaultClient, url, tt.header, tt.body)
		if status != tt.status || (tt.ct != "" && (ct != tt.ct || !strings.Contains(body, tt.answer))) {
			t.Errorf("%s: %d %s %q; want %d %s %q", tt.name, status, ct, body, tt.status, tt.ct, tt.answer)
		}
		got := recv.Received()[before:]
		if tt.ct == "" {
			if len(got) != 0 {
				t.Errorf("%s: the engine got it", tt.name)
			}
			continue
		}
		if len(got) != 1 || got[0].ContentType != engine.ContentX12 {
			t.Errorf("%s: engine got %+v", tt.name, got)
		}
	}
	conntest.NoContentLogged(t, &logs, "RECEIVER")
}
