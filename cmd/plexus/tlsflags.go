package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"os"
)

// clientTLS holds the TLS flags of a sending verb.
type clientTLS struct {
	enabled    bool
	ca         string
	cert, key  string
	serverName string
	insecure   bool
}

func (t *clientTLS) register(fs *flag.FlagSet) {
	fs.BoolVar(&t.enabled, "tls", false, "connect with TLS (implied by any other TLS flag)")
	fs.StringVar(&t.ca, "ca", "", "verify the server against the CA certificates in PEM `file` instead of the system roots")
	fs.StringVar(&t.cert, "cert", "", "present the client certificate in PEM `file` (mutual TLS; needs --key)")
	fs.StringVar(&t.key, "key", "", "private key in PEM `file` for --cert")
	fs.StringVar(&t.serverName, "server-name", "", "expect this `name` in the server certificate (default: the host of --to)")
	fs.BoolVar(&t.insecure, "insecure-skip-verify", false, "do not verify the server certificate (testing only)")
}

// on reports whether TLS was asked for. Any TLS flag turns it on, so that a
// user who names a CA is never silently sent in clear text.
func (t *clientTLS) on() bool {
	return t.enabled || t.ca != "" || t.cert != "" || t.key != "" || t.serverName != "" || t.insecure
}

// config returns the client TLS configuration for connecting to host, or nil
// when TLS is off.
func (t *clientTLS) config(host string) (*tls.Config, error) {
	if !t.on() {
		return nil, nil
	}
	if (t.cert == "") != (t.key == "") {
		return nil, errors.New("--cert and --key must be given together")
	}
	cfg := &tls.Config{
		MinVersion:         tls.VersionTLS12,
		ServerName:         host,
		InsecureSkipVerify: t.insecure,
	}
	if t.serverName != "" {
		cfg.ServerName = t.serverName
	}
	if t.ca != "" {
		pool, err := loadCertPool(t.ca)
		if err != nil {
			return nil, err
		}
		cfg.RootCAs = pool
	}
	if t.cert != "" {
		pair, err := tls.LoadX509KeyPair(t.cert, t.key)
		if err != nil {
			return nil, fmt.Errorf("loading client certificate: %w", err)
		}
		cfg.Certificates = []tls.Certificate{pair}
	}
	return cfg, nil
}

// serverTLS holds the TLS flags of a receiving verb.
type serverTLS struct {
	cert, key string
	clientCA  string
}

func (t *serverTLS) register(fs *flag.FlagSet) {
	fs.StringVar(&t.cert, "tls-cert", "", "serve TLS with the certificate (chain) in PEM `file` (needs --tls-key)")
	fs.StringVar(&t.key, "tls-key", "", "private key in PEM `file` for --tls-cert")
	fs.StringVar(&t.clientCA, "client-ca", "", "require mutual TLS: accept only client certificates issued by the CAs in PEM `file`")
}

// config returns the server TLS configuration, or nil when TLS is off.
func (t *serverTLS) config() (*tls.Config, error) {
	if t.cert == "" && t.key == "" {
		if t.clientCA != "" {
			return nil, errors.New("--client-ca needs --tls-cert and --tls-key")
		}
		return nil, nil
	}
	if t.cert == "" || t.key == "" {
		return nil, errors.New("--tls-cert and --tls-key must be given together")
	}
	pair, err := tls.LoadX509KeyPair(t.cert, t.key)
	if err != nil {
		return nil, fmt.Errorf("loading server certificate: %w", err)
	}
	cfg := &tls.Config{
		MinVersion:   tls.VersionTLS12,
		Certificates: []tls.Certificate{pair},
	}
	if t.clientCA != "" {
		pool, err := loadCertPool(t.clientCA)
		if err != nil {
			return nil, err
		}
		cfg.ClientCAs = pool
		cfg.ClientAuth = tls.RequireAndVerifyClientCert
	}
	return cfg, nil
}

// loadCertPool reads the PEM certificates in file into a new pool.
func loadCertPool(file string) (*x509.CertPool, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("reading CA certificates: %w", err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(data) {
		return nil, fmt.Errorf("reading CA certificates: no PEM certificate in %s", file)
	}
	return pool, nil
}
