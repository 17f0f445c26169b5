package mllp

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"errors"
	"log/slog"
	"math/big"
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// secretMarker appears in every test message, in the patient name. No log
// line may ever contain it.
const secretMarker = "SECRETPATIENT"

// testMessage returns an HL7 ORU message with MSH-10 id.
func testMessage(id string) []byte {
	return []byte("MSH|^~\\&|LAB|HOSP|EHR|HOSP|20240101120000||ORU^R01|" + id + "|P|2.5\r" +
		"PID|1||12345^^^HOSP^MR||" + secretMarker + "^JANE\r" +
		"OBX|1|NM|GLU^Glucose||5.4|mmol/L|||||F\r")
}

// testAck returns an ACK with the given MSA-1, MSA-2 and MSA-3, and any
// further segments.
func testAck(code, id, text string, extra ...string) []byte {
	s := "MSH|^~\\&|EHR|HOSP|LAB|HOSP|20240101120001||ACK^R01^ACK|A" + id + "|P|2.5\r" +
		"MSA|" + code + "|" + id + "|" + text + "\r"
	for _, e := range extra {
		s += e + "\r"
	}
	return []byte(s)
}

// controlIDOf returns MSH-10 of a test message.
func controlIDOf(t testing.TB, payload []byte) string {
	m, err := hl7v2.Parse(payload)
	if err != nil {
		t.Errorf("handler got a message that does not parse: %v", err)
		return ""
	}
	id, err := m.Get("MSH-10")
	if err != nil {
		t.Errorf("MSH-10: %v", err)
	}
	return id
}

// acceptAll answers every message with AA.
func acceptAll(t testing.TB) HandlerFunc {
	return func(_ context.Context, m *Message) ([]byte, error) {
		return testAck("AA", controlIDOf(t, m.Payload), ""), nil
	}
}

// logBuffer collects log output from concurrent goroutines.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// testServer is a Server serving on a loopback port for one test.
type testServer struct {
	*Server
	addr   string
	logs   *logBuffer
	served chan error
}

// startServer serves h on 127.0.0.1 at a free port. configure, if given,
// adjusts the server before it starts. On cleanup the server is closed, and
// its log checked for message content.
func startServer(t *testing.T, h Handler, configure ...func(*Server)) *testServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	logs := &logBuffer{}
	s := &Server{
		Handler: h,
		Logger:  slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
	}
	for _, f := range configure {
		f(s)
	}
	ts := &testServer{Server: s, addr: ln.Addr().String(), logs: logs, served: make(chan error, 1)}
	go func() { ts.served <- s.Serve(ln) }()
	t.Cleanup(func() {
		s.Close()
		select {
		case err := <-ts.served:
			if !errors.Is(err, ErrServerClosed) {
				t.Errorf("Serve returned %v, want ErrServerClosed", err)
			}
		case <-time.After(10 * time.Second):
			t.Error("Serve did not return after Close")
		}
		waitFor(t, "all server connections to close", func() bool { return ts.openConns() == 0 })
		if strings.Contains(logs.String(), secretMarker) {
			t.Errorf("server log contains message content:\n%s", logs)
		} else if t.Failed() {
			t.Logf("server log:\n%s", logs)
		}
	})
	return ts
}

func (ts *testServer) openConns() int {
	ts.mu.Lock()
	defer ts.mu.Unlock()
	return len(ts.conns)
}

// client returns a Client for the server, closed on cleanup.
func (ts *testServer) client(t *testing.T) *Client {
	c := &Client{Addr: ts.addr}
	t.Cleanup(func() { c.Close() })
	return c
}

// dialRaw opens a plain connection to the server, with a generous deadline
// so that a broken test fails instead of hanging.
func (ts *testServer) dialRaw(t *testing.T) net.Conn {
	t.Helper()
	nc, err := net.Dial("tcp", ts.addr)
	if err != nil {
		t.Fatal(err)
	}
	nc.SetDeadline(time.Now().Add(10 * time.Second))
	t.Cleanup(func() { nc.Close() })
	return nc
}

// waitFor polls cond until it holds. The limit only keeps a broken test
// from hanging; no result depends on how long the wait takes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Errorf("gave up waiting for %s", what)
			return
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// testContext returns a context that ends well after any test should have.
func testContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// testPKI is a certificate authority made up for one test run.
type testPKI struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pool *x509.CertPool
}

func newTestPKI(t testing.TB, name string) *testPKI {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name, Organization: []string{"Plexus Test"}},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	pool.AddCert(cert)
	return &testPKI{cert: cert, key: key, pool: pool}
}

var serial = struct {
	sync.Mutex
	n int64
}{n: 100}

// issue returns a certificate for subject signed by the CA, valid for
// 127.0.0.1 and localhost when usage is ExtKeyUsageServerAuth.
func (p *testPKI) issue(t testing.TB, subject pkix.Name, usage x509.ExtKeyUsage) tls.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	serial.Lock()
	serial.n++
	sn := serial.n
	serial.Unlock()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(sn),
		Subject:      subject,
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{usage},
	}
	if usage == x509.ExtKeyUsageServerAuth {
		tmpl.IPAddresses = []net.IP{net.IPv4(127, 0, 0, 1)}
		tmpl.DNSNames = []string{"localhost"}
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, p.cert, &key.PublicKey, p.key)
	if err != nil {
		t.Fatal(err)
	}
	return tls.Certificate{Certificate: [][]byte{der}, PrivateKey: key}
}

func discardLogger() *slog.Logger { return slog.New(slog.DiscardHandler) }
