// Package tlsconfig turns the tls sections of connector options into
// *tls.Config values. Validate checks a section without touching the file
// system, so that configuration validation can call it; Load reads the
// certificate files, and is called when a connector starts.
package tlsconfig

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"os"
)

// Server is the tls section of a listening source.
//
//	tls:
//	  cert: /etc/plexus/server.crt   # PEM certificate chain, required
//	  key: /etc/plexus/server.key    # PEM private key, required
//	  client_ca: /etc/plexus/ca.crt  # PEM CAs; when set, clients must
//	                                 # present a certificate they signed
type Server struct {
	Cert     string `yaml:"cert"`
	Key      string `yaml:"key"`
	ClientCA string `yaml:"client_ca"`
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
	return errors.Join(errs...)
}

// Load reads the certificate files and returns the server configuration:
// TLS 1.2 or later, and mutual TLS when ClientCA is set.
func (s *Server) Load() (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(s.Cert, s.Key)
	if err != nil {
		return nil, fmt.Errorf("tls: loading certificate %q and key %q: %w", s.Cert, s.Key, err)
	}
	cfg := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{cert},
	}
	if s.ClientCA != "" {
		pool, err := loadPool(s.ClientCA)
		if err != nil {
			return nil, fmt.Errorf("tls: client_ca: %w", err)
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
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

// Load reads the files and returns the client configuration, TLS 1.2 or
// later.
func (c *Client) Load() (*tls.Config, error) {
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
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
