package tlsconfig

import (
	"crypto/tls"
	"errors"
	"strings"
	"testing"
	"time"
)

// mtlsListener serves a certificate from ca that requires client
// certificates from clientCA, with allowed pinning names when given.
func mtlsListener(t *testing.T, ca, clientCA *testCA, allowed ...string) (string, <-chan error) {
	t.Helper()
	dir := t.TempDir()
	now := time.Now()
	srv := ca.issue(t, "plexus")
	sec := Server{
		Cert:           writeFile(t, dir, "server.crt", srv.certPEM, now),
		Key:            writeFile(t, dir, "server.key", srv.keyPEM, now),
		ClientCA:       writeFile(t, dir, "clients.crt", clientCA.pem, now),
		AllowedClients: allowed,
	}
	if err := sec.Validate("tls"); err != nil {
		t.Fatal(err)
	}
	r, err := sec.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	return serveTLS(t, r.Config())
}

func TestMutualTLS(t *testing.T) {
	serverCA, clientCA, otherCA := newCA(t, "server ca"), newCA(t, "client ca"), newCA(t, "other ca")
	good := clientCA.issue(t, "lab-system").pair(t)
	foreign := otherCA.issue(t, "lab-system").pair(t)
	tests := []struct {
		name   string
		certs  []tls.Certificate
		accept bool
	}{
		{"certificate from the client CA", []tls.Certificate{good}, true},
		{"no certificate", nil, false},
		{"certificate from another CA", []tls.Certificate{foreign}, false},
	}
	addr, results := mtlsListener(t, serverCA, clientCA)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dial(addr, clientConfig(serverCA, tt.certs...))
			serverErr := <-results
			if tt.accept && (err != nil || serverErr != nil) {
				t.Fatalf("refused: client %v, server %v", err, serverErr)
			}
			if !tt.accept && (err == nil || serverErr == nil) {
				t.Fatalf("accepted: client %v, server %v", err, serverErr)
			}
		})
	}
}

func TestAllowedClients(t *testing.T) {
	serverCA, clientCA := newCA(t, "server ca"), newCA(t, "client ca")
	addr, results := mtlsListener(t, serverCA, clientCA, "lab-system", "RIS.example.org")
	tests := []struct {
		name   string
		cert   issued
		accept bool
	}{
		{"common name listed", clientCA.issue(t, "lab-system"), true},
		{"DNS name listed, other case", clientCA.issue(t, "radiology", "pacs.example.org", "ris.example.org"), true},
		{"same CA, name not listed", clientCA.issue(t, "billing", "billing.example.org"), false},
		{"listed name only as a prefix", clientCA.issue(t, "lab-system-2"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := dial(addr, clientConfig(serverCA, tt.cert.pair(t)))
			serverErr := <-results
			if tt.accept {
				if err != nil || serverErr != nil {
					t.Fatalf("refused: client %v, server %v", err, serverErr)
				}
				return
			}
			if err == nil {
				t.Fatal("client: accepted")
			}
			if !errors.Is(serverErr, ErrClientNotAllowed) {
				t.Fatalf("server: %v, want ErrClientNotAllowed", serverErr)
			}
		})
	}
}

func TestModernTLSOnly(t *testing.T) {
	ca := newCA(t, "test ca")
	cert := ca.issue(t, "plexus")
	dir := t.TempDir()
	now := time.Now()
	sec := Server{
		Cert: writeFile(t, dir, "s.crt", cert.certPEM, now),
		Key:  writeFile(t, dir, "s.key", cert.keyPEM, now),
	}
	r, err := sec.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	addr, results := serveTLS(t, r.Config())
	tests := []struct {
		name   string
		max    uint16
		suites []uint16
		accept bool
	}{
		{"TLS 1.3", tls.VersionTLS13, nil, true},
		{"TLS 1.2 AES-GCM", tls.VersionTLS12, []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384}, true},
		{"TLS 1.2 ChaCha20-Poly1305", tls.VersionTLS12, []uint16{tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256}, true},
		{"TLS 1.2 CBC", tls.VersionTLS12, []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA}, false},
		{"TLS 1.2 CBC-SHA256", tls.VersionTLS12, []uint16{tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256}, false},
		{"TLS 1.1", tls.VersionTLS11, nil, false},
		{"TLS 1.0", tls.VersionTLS10, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := clientConfig(ca)
			cfg.MaxVersion, cfg.CipherSuites = tt.max, tt.suites
			cfg.MinVersion = tls.VersionTLS10
			_, err := dial(addr, cfg)
			serverErr := <-results
			if tt.accept != (err == nil) || tt.accept != (serverErr == nil) {
				t.Fatalf("accept %v: client %v, server %v", tt.accept, err, serverErr)
			}
		})
	}
}

func TestValidate(t *testing.T) {
	tests := []struct {
		name string
		sec  Server
		want []string // substrings of the error; none: valid
	}{
		{"cert and key", Server{Cert: "c", Key: "k"}, nil},
		{"mutual", Server{Cert: "c", Key: "k", ClientCA: "ca", AllowedClients: []string{"lab"}}, nil},
		{"nothing", Server{}, []string{"tls.cert: required", "tls.key: required"}},
		{"allowed without client_ca", Server{Cert: "c", Key: "k", AllowedClients: []string{"lab"}}, []string{"tls.allowed_clients: needs tls.client_ca"}},
		{"empty allowed name", Server{Cert: "c", Key: "k", ClientCA: "ca", AllowedClients: []string{" "}}, []string{"tls.allowed_clients[0]: empty name"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tt.sec.Validate("tls")
			if len(tt.want) == 0 {
				if err != nil {
					t.Fatalf("Validate: %v", err)
				}
				return
			}
			if err == nil {
				t.Fatal("Validate: no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Validate: %v, want %q", err, w)
				}
			}
		})
	}
}
