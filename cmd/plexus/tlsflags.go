package main

import (
	"cmp"
	"crypto/tls"
	"errors"
	"flag"

	"github.com/plexus-health/plexus/platform/tlsconfig"
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
// when TLS is off: the same versions and suites as every Plexus sender.
func (t *clientTLS) config(host string) (*tls.Config, error) {
	if !t.on() {
		return nil, nil
	}
	if (t.cert == "") != (t.key == "") {
		return nil, errors.New("--cert and --key must be given together")
	}
	sec := tlsconfig.Client{
		CA: t.ca, Cert: t.cert, Key: t.key,
		ServerName:         cmp.Or(t.serverName, host),
		InsecureSkipVerify: t.insecure,
	}
	return sec.Load()
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
// The certificate is re-read when its files change, as in plexus serve.
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
	sec := tlsconfig.Server{Cert: t.cert, Key: t.key, ClientCA: t.clientCA}
	certs, err := sec.Load(nil)
	if err != nil {
		return nil, err
	}
	return certs.Config(), nil
}
