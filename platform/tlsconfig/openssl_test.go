package tlsconfig

import (
	"context"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// TestOpenSSLClient handshakes with the listener a tls section makes using
// an independent TLS implementation, OpenSSL's s_client: modern versions
// and AEAD suites are accepted, a CBC suite Go would otherwise offer is
// refused, and a client without a certificate is refused by mutual TLS.
func TestOpenSSLClient(t *testing.T) {
	openssl, err := exec.LookPath("openssl")
	if err != nil {
		t.Skip("openssl is not installed; install Debian's openssl package to run this test")
	}
	serverCA, clientCA := newCA(t, "server ca"), newCA(t, "client ca")
	dir := t.TempDir()
	now := time.Now()
	client := clientCA.issue(t, "lab-system")
	caFile := writeFile(t, dir, "server-ca.crt", serverCA.pem, now)
	certFile := writeFile(t, dir, "client.crt", client.certPEM, now)
	keyFile := writeFile(t, dir, "client.key", client.keyPEM, now)
	addr, results := mtlsListener(t, serverCA, clientCA, "lab-system")

	tests := []struct {
		name    string
		args    []string
		accept  bool
		summary string // in s_client's output when accepted
	}{
		{"TLS 1.3 with a client certificate", []string{"-cert", certFile, "-key", keyFile}, true, "TLSv1.3"},
		{"TLS 1.2 ECDHE AES-GCM", []string{"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "-cert", certFile, "-key", keyFile}, true, "ECDHE-ECDSA-AES128-GCM-SHA256"},
		{"TLS 1.2 ECDHE ChaCha20", []string{"-tls1_2", "-cipher", "ECDHE-ECDSA-CHACHA20-POLY1305", "-cert", certFile, "-key", keyFile}, true, "ECDHE-ECDSA-CHACHA20-POLY1305"},
		{"TLS 1.2 CBC suite", []string{"-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-SHA", "-cert", certFile, "-key", keyFile}, false, ""},
		{"no client certificate", nil, false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
			defer cancel()
			args := append([]string{"s_client", "-connect", addr, "-CAfile", caFile, "-verify_return_error", "-brief"}, tt.args...)
			cmd := exec.CommandContext(ctx, openssl, args...)
			cmd.Stdin = strings.NewReader("") // end of input: s_client closes once connected
			out, _ := cmd.CombinedOutput()
			var serverErr error
			select {
			case serverErr = <-results:
			case <-ctx.Done():
				t.Fatalf("the server saw no handshake; s_client said:\n%s", out)
			}
			if tt.accept {
				if serverErr != nil || !strings.Contains(string(out), tt.summary) {
					t.Fatalf("refused (server: %v), or %q not in the output:\n%s", serverErr, tt.summary, out)
				}
				return
			}
			if serverErr == nil {
				t.Fatalf("accepted:\n%s", out)
			}
		})
	}
}
