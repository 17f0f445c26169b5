package telemetry

import (
	"compress/gzip"
	"context"
	"encoding/hex"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	coltracepb "go.opentelemetry.io/proto/otlp/collector/trace/v1"
	tracepb "go.opentelemetry.io/proto/otlp/trace/v1"
	"google.golang.org/protobuf/proto"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/channel"
	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/store"
)

// collector is an OTLP/HTTP trace receiver that decodes what it is sent.
type collector struct {
	mu       sync.Mutex
	spans    []*tracepb.Span
	services []string
	auth     []string
	paths    []string
	problems []string
}

func (c *collector) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.paths = append(c.paths, r.URL.Path)
	c.auth = append(c.auth, r.Header.Get("Authorization"))
	var body io.Reader = r.Body
	if r.Header.Get("Content-Encoding") == "gzip" {
		zr, err := gzip.NewReader(r.Body)
		if err != nil {
			c.problems = append(c.problems, "gzip: "+err.Error())
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		body = zr
	}
	b, err := io.ReadAll(body)
	if err != nil {
		c.problems = append(c.problems, err.Error())
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/x-protobuf" {
		c.problems = append(c.problems, "content type "+ct)
	}
	var req coltracepb.ExportTraceServiceRequest
	if err := proto.Unmarshal(b, &req); err != nil {
		c.problems = append(c.problems, "decoding: "+err.Error())
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	for _, rs := range req.GetResourceSpans() {
		for _, kv := range rs.GetResource().GetAttributes() {
			if kv.GetKey() == "service.name" {
				c.services = append(c.services, kv.GetValue().GetStringValue())
			}
		}
		for _, ss := range rs.GetScopeSpans() {
			c.spans = append(c.spans, ss.GetSpans()...)
		}
	}
	w.Header().Set("Content-Type", "application/x-protobuf")
	out, _ := proto.Marshal(&coltracepb.ExportTraceServiceResponse{})
	w.Write(out)
}

type okDest struct{ delivered chan struct{} }

func (d okDest) Deliver(ctx context.Context, out *engine.Outbound) (*engine.Response, error) {
	d.delivered <- struct{}{}
	return &engine.Response{Status: "AA"}, nil
}

// TestExportOverOTLP runs a message through a channel traced by a provider
// exporting to a collector on 127.0.0.1, flushes it with Shutdown, and
// checks what the collector decoded: the spans of the journaled trace, the
// delivery under the journaled receive span, the service name, the
// authorization header from the environment, the /v1/traces path.
func TestExportOverOTLP(t *testing.T) {
	col := &collector{}
	srv := httptest.NewServer(col)
	defer srv.Close()
	t.Setenv("PLEXUS_TEST_OTLP_AUTH", "Bearer t0ken")
	p, err := New(config.Tracing{
		Endpoint: srv.URL + "/otlp/", ServiceName: "plexus-test", SampleRatio: 1, Timeout: 10 * time.Second,
		HeadersEnv: map[string]string{"Authorization": "PLEXUS_TEST_OTLP_AUTH"},
	}, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	if !p.Exporting() || p.Endpoint() != srv.URL+"/otlp/v1/traces" {
		t.Errorf("exporting %v to %q", p.Exporting(), p.Endpoint())
	}

	db, err := store.Open(context.Background(), "", t.TempDir(), store.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	j := journal.Open(db, journal.Options{})
	defer func() { j.Close(); db.Close() }()
	dest := okDest{make(chan struct{}, 1)}
	ch := channel.New(channel.Spec{Name: "adt", Tracer: p.TracerProvider().Tracer(channel.TracerName),
		Destinations: []channel.Destination{{Name: "lab", Dest: dest}}}, j, nil, slog.New(slog.DiscardHandler))
	if err := ch.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	reply, err := ch.Receive(context.Background(), &engine.Inbound{Source: "mllp", ContentType: engine.ContentHL7v2,
		Raw: []byte("MSH|^~\\&|A|B|C|D|20240101||ADT^A01^ADT_A01|CTL1|P|2.5\rPID|1||MRN1^^^H^MR\r")})
	if err != nil || !reply.Accepted {
		t.Fatalf("receive: %+v %v", reply, err)
	}
	select {
	case <-dest.delivered:
	case <-time.After(30 * time.Second):
		t.Fatal("not delivered")
	}
	ch.Stop(context.Background()) // the delivery span has ended
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
	m, err := j.Message(context.Background(), reply.MessageID)
	if err != nil {
		t.Fatal(err)
	}

	col.mu.Lock()
	defer col.mu.Unlock()
	if len(col.problems) > 0 {
		t.Fatalf("collector: %v", col.problems)
	}
	if len(col.paths) == 0 || col.paths[0] != "/otlp/v1/traces" || col.auth[0] != "Bearer t0ken" {
		t.Errorf("requests to %v with authorization %q", col.paths, col.auth)
	}
	if len(col.services) == 0 || col.services[0] != "plexus-test" {
		t.Errorf("service names %v", col.services)
	}
	byName := map[string]*tracepb.Span{}
	for _, s := range col.spans {
		if got := hex.EncodeToString(s.GetTraceId()); got != m.TraceID {
			t.Errorf("span %q in trace %s, journaled %s", s.GetName(), got, m.TraceID)
		}
		byName[s.GetName()] = s
	}
	recv, deliver := byName["message receive"], byName["deliver lab"]
	if recv == nil || deliver == nil || byName["journal append"] == nil || byName["parse"] == nil {
		t.Fatalf("spans exported: %v", keys(byName))
	}
	if hex.EncodeToString(recv.GetSpanId()) != m.SpanID || hex.EncodeToString(deliver.GetParentSpanId()) != m.SpanID {
		t.Errorf("receive span %x, delivery parent %x, journaled %s", recv.GetSpanId(), deliver.GetParentSpanId(), m.SpanID)
	}
	if recv.GetKind() != tracepb.Span_SPAN_KIND_SERVER || deliver.GetKind() != tracepb.Span_SPAN_KIND_CLIENT {
		t.Errorf("kinds %v %v", recv.GetKind(), deliver.GetKind())
	}
}

func keys(m map[string]*tracepb.Span) []string {
	var out []string
	for k := range m {
		out = append(out, k)
	}
	return out
}

// TestWithoutEndpoint checks that a provider without an endpoint makes
// valid, distinct trace IDs, exports nothing and shuts down.
func TestWithoutEndpoint(t *testing.T) {
	p, err := New(config.Tracing{SampleRatio: 1}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p.Exporting() || p.Endpoint() != "" {
		t.Errorf("exporting %v to %q", p.Exporting(), p.Endpoint())
	}
	tr := p.TracerProvider().Tracer("test")
	_, a := tr.Start(context.Background(), "a")
	_, b := tr.Start(context.Background(), "b")
	a.End()
	b.End()
	if !a.SpanContext().IsValid() || a.SpanContext().TraceID() == b.SpanContext().TraceID() {
		t.Errorf("trace IDs %v %v", a.SpanContext().TraceID(), b.SpanContext().TraceID())
	}
	if err := p.Shutdown(context.Background()); err != nil {
		t.Fatal(err)
	}
}

func TestNewRefuses(t *testing.T) {
	cases := []struct {
		name string
		cfg  config.Tracing
		want string
	}{
		{"scheme", config.Tracing{Endpoint: "grpc://127.0.0.1:4317", SampleRatio: 1}, "not an http:// or https:// URL"},
		{"password", config.Tracing{Endpoint: "ftp://u:S3cretPw@h", SampleRatio: 1}, "xxxxx"},
		{"ratio", config.Tracing{SampleRatio: 2}, "sample ratio"},
		{"env unset", config.Tracing{Endpoint: "http://127.0.0.1:4318", SampleRatio: 1,
			HeadersEnv: map[string]string{"Authorization": "PLEXUS_TEST_UNSET_VARIABLE"}}, "PLEXUS_TEST_UNSET_VARIABLE is not set"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := New(tc.cfg, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error %v, want one with %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "S3cretPw") {
				t.Errorf("the error prints the password: %v", err)
			}
		})
	}
}

func TestTracesURL(t *testing.T) {
	cases := []struct{ in, want string }{
		{"http://127.0.0.1:4318", "http://127.0.0.1:4318/v1/traces"},
		{"http://127.0.0.1:4318/", "http://127.0.0.1:4318/v1/traces"},
		{"https://otel.example.org/otlp", "https://otel.example.org/otlp/v1/traces"},
		{"https://otel.example.org/otlp/v1/traces", "https://otel.example.org/otlp/v1/traces"},
	}
	for _, tc := range cases {
		got, err := tracesURL(tc.in)
		if err != nil || got != tc.want {
			t.Errorf("%s: %q %v, want %q", tc.in, got, err, tc.want)
		}
	}
}
