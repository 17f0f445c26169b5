// Package tlsconfig turns the tls sections of the configuration (a
// listener's Server section, a sender's Client section) into *tls.Config
// values, for every listener and sender of Plexus: the MLLP and HTTP
// connectors and the admin server.
//
// Validate checks a section without touching the file system, so that
// configuration validation can call it; Load reads the certificate files,
// and is called when a listener or sender starts. Both sides speak TLS 1.2
// or later; TLS 1.2 is limited to ECDHE key exchange with AEAD ciphers
// (AES-GCM, ChaCha20-Poly1305), TLS 1.3 uses Go's suites, all of which are
// AEAD. A server's certificate and client CAs are re-read when their files
// change (see Reloader), so certificates rotate without a restart.
//
// Loopback and WarnPlaintext are the one place that decides whether a
// listener without TLS deserves a warning.
package tlsconfig

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
)

// CipherSuites are the TLS 1.2 cipher suites Plexus offers and accepts:
// forward secrecy (ECDHE) and authenticated encryption (GCM, ChaCha20-
// Poly1305) only. CBC, RC4, 3DES and static RSA key exchange are out. TLS
// 1.3 suites are not configurable in Go and are all AEAD.
var CipherSuites = []uint16{
	tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
	tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
	tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256,
	tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256,
}

// MinVersion is the oldest TLS version Plexus speaks.
const MinVersion = tls.VersionTLS12

// Server is the tls section of a listener: an MLLP or HTTP source, or the
// admin server.
//
//	tls:
//	  cert: /etc/plexus/server.crt   # PEM certificate chain, required
//	  key: /etc/plexus/server.key    # PEM private key, required
//	  client_ca: /etc/plexus/ca.crt  # PEM CAs; when set, clients must
//	                                 # present a certificate they signed
//	  allowed_clients: [lab-system]  # with client_ca: only these names
//	                                 # (DNS SAN or subject CN) may connect
type Server struct {
	Cert     string `yaml:"cert"`
	Key      string `yaml:"key"`
	ClientCA string `yaml:"client_ca"`
	// AllowedClients pins the partners of a listener: a client
	// certificate signed by ClientCA is accepted only when one of its DNS
	// names or its subject common name is in the list (compared without
	// regard to case). Empty: any certificate ClientCA signed.
	AllowedClients []string `yaml:"allowed_clients"`
}

// Validate checks the section; field is its name in the options ("tls"),
// used as the prefix of error messages.
func (s *Server) Validate(field string) error {
	var errs []error
	if s.Cert == "" {
		errs = append(errs, fmt.Errorf("%s.cert: required", field))
	}
	if s.Key == "" {
		errs = append(errs, fmt.Errorf("%s.key: required", field))
	}
	if len(s.AllowedClients) > 0 && s.ClientCA == "" {
		errs = append(errs, fmt.Errorf("%s.allowed_clients: needs %s.client_ca, which verifies the names", field, field))
	}
	for i, name := range s.AllowedClients {
		if strings.TrimSpace(name) == "" {
			errs = append(errs, fmt.Errorf("%s.allowed_clients[%d]: empty name", field, i))
		}
	}
	return errors.Join(errs...)
}

// Load reads the certificate files and returns the Reloader that serves
// them; its Config is the listener's configuration. Failures to re-read
// changed files later are logged on log (nil: slog.Default()).
func (s *Server) Load(log *slog.Logger) (*Reloader, error) {
	return newReloader(*s, log)
}

// Client is the tls section of a sending destination.
//
//	tls:
//	  ca: /etc/plexus/ca.crt         # PEM CAs to trust; default: the system's
//	  cert: /etc/plexus/client.crt   # client certificate, for mutual TLS
//	  key: /etc/plexus/client.key    # its private key
//	  server_name: lab.example.org   # name to verify; default: the host dialled
//	  insecure_skip_verify: false    # do not verify the server (tests only)
type Client struct {
	CA                 string `yaml:"ca"`
	Cert               string `yaml:"cert"`
	Key                string `yaml:"key"`
	ServerName         string `yaml:"server_name"`
	InsecureSkipVerify bool   `yaml:"insecure_skip_verify"`
}

// Validate checks the section; field is its name in the options ("tls").
func (c *Client) Validate(field string) error {
	switch {
	case c.Cert != "" && c.Key == "":
		return fmt.Errorf("%s.key: required when %s.cert is set", field, field)
	case c.Key != "" && c.Cert == "":
		return fmt.Errorf("%s.cert: required when %s.key is set", field, field)
	}
	return nil
}

// Load reads the files and returns the client configuration: TLS 1.2 or
// later with CipherSuites.
func (c *Client) Load() (*tls.Config, error) {
	cfg := &tls.Config{
		MinVersion:         MinVersion,
		CipherSuites:       CipherSuites,
		ServerName:         c.ServerName,
		InsecureSkipVerify: c.InsecureSkipVerify,
	}
	if c.CA != "" {
		pool, err := loadPool(c.CA)
		if err != nil {
			return nil, fmt.Errorf("tls: ca: %w", err)
		}
		cfg.RootCAs = pool
	}
	if c.Cert != "" {
		cert, err := tls.LoadX509KeyPair(c.Cert, c.Key)
		if err != nil {
			return nil, fmt.Errorf("tls: loading certificate %q and key %q: %w", c.Cert, c.Key, err)
		}
		cfg.Certificates = []tls.Certificate{cert}
	}
	return cfg, nil
}

// loadPool reads a PEM file of CA certificates.
func loadPool(file string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s: no PEM certificate found", file)
	}
	return pool, nil
}
