package main

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"testing"
)

// TestServeAdminTLS runs plexus serve with the admin server on mutual
// TLS pinned to one client name and a small rate limit, and checks that
// the pinned client gets through until its burst is spent, that other
// clients are refused, and that plain HTTP gets nothing.
func TestServeAdminTLS(t *testing.T) {
	pki := newPKI(t)
	dir := t.TempDir()
	cfg := filepath.Join(dir, "plexus.yaml")
	writeFile(t, cfg, fmt.Sprintf(`version: 1
admin:
  listen: "127.0.0.1:0"
  tls: {cert: %q, key: %q, client_ca: %q, allowed_clients: [sending system]}
  rate_limit: {per_second: 0.001, burst: 3}
  max_body: 1KiB
channels: []
`, pki.serverCert, pki.serverKey, pki.ca))
	p := startServe(t, cfg, filepath.Join(dir, "data"))
	defer p.stop(t)

	caPEM, err := os.ReadFile(pki.ca)
	if err != nil {
		t.Fatal(err)
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	pair, err := tls.LoadX509KeyPair(pki.clientCert, pki.clientKey)
	if err != nil {
		t.Fatal(err)
	}
	client := func(certs ...tls.Certificate) *http.Client {
		return &http.Client{
			Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: roots, Certificates: certs}},
			CheckRedirect: func(*http.Request, []*http.Request) error {
				return http.ErrUseLastResponse
			},
		}
	}
	url := "https://" + p.admin + "/healthz"

	pinned := client(pair)
	for i := range 3 {
		resp, err := pinned.Get(url)
		if err != nil {
			t.Fatalf("request %d: %v", i+1, err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("request %d: %d", i+1, resp.StatusCode)
		}
	}
	resp, err := pinned.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusTooManyRequests || resp.Header.Get("Retry-After") == "" {
		t.Errorf("after the burst: %d, Retry-After %q; want 429 with Retry-After", resp.StatusCode, resp.Header.Get("Retry-After"))
	}

	if resp, err := client().Get(url); err == nil {
		resp.Body.Close()
		t.Errorf("client without a certificate: %d, want a refused handshake", resp.StatusCode)
	}
	plain := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	if resp, err := plain.Get("http://" + p.admin + "/healthz"); err == nil {
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Errorf("plain HTTP: 200")
		}
	}
}
