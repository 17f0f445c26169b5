package tlsconfig

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
)

// CheckInterval is how often, at most, a Reloader looks at its files'
// modification times. Handshakes trigger the look, so an idle listener
// costs nothing, and a busy one makes one stat per file per interval.
const CheckInterval = 5 * time.Second

// Reloader holds a listener's certificate and client CAs and re-reads
// them without a restart: on the first handshake after CheckInterval in
// which a file's modification time or size changed, and whenever Reload
// is called (plexus serve calls it on SIGHUP). A file that does not load
// (half written, key not matching the certificate, no PEM) leaves the
// previous certificate in service; the error is logged and returned by
// Reload and Err. Safe for concurrent use.
type Reloader struct {
	sec Server
	log *slog.Logger
	now func() time.Time // the clock, replaced in tests

	mu      sync.Mutex
	cur     *tls.Config // what handshakes get: the last files that loaded
	seen    []stamp     // the files as last tried, loaded or not
	checked time.Time   // when the files were last looked at
	err     error       // the last reload's failure, nil after a success
}

// stamp identifies a version of a file well enough to notice that it was
// replaced: certificates are rewritten, never edited in place with the
// same size within the same nanosecond.
type stamp struct {
	mod  time.Time
	size int64
	err  bool // the file could not be looked at
}

func newReloader(s Server, log *slog.Logger) (*Reloader, error) {
	if log == nil {
		log = slog.Default()
	}
	r := &Reloader{sec: s, log: log, now: time.Now}
	r.seen = r.stamps()
	cfg, err := r.load()
	if err != nil {
		return nil, err
	}
	r.cur, r.checked = cfg, r.now()
	return r, nil
}

// Config returns the configuration to serve with. It carries no
// certificate itself: every handshake asks the Reloader for the current
// one, so keep giving listeners this same value.
func (r *Reloader) Config() *tls.Config {
	return &tls.Config{
		MinVersion:         MinVersion,
		CipherSuites:       CipherSuites,
		GetConfigForClient: r.configForClient,
	}
}

// Reload re-reads the files now. On failure the previous certificate and
// client CAs stay in service and the error is returned.
func (r *Reloader) Reload() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seen = r.stamps()
	r.checked = r.now()
	return r.reloadLocked()
}

// Err returns why the last reload failed, or nil when it succeeded (or
// none was needed).
func (r *Reloader) Err() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.err
}

// Certificate returns the leaf certificate in service.
func (r *Reloader) Certificate() *x509.Certificate {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.cur.Certificates[0].Leaf
}

func (r *Reloader) configForClient(*tls.ClientHelloInfo) (*tls.Config, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if now := r.now(); now.Sub(r.checked) >= CheckInterval {
		r.checked = now
		if st := r.stamps(); !sameStamps(st, r.seen) {
			r.seen = st
			r.reloadLocked()
		}
	}
	return r.cur, nil
}

// reloadLocked loads the files and puts them in service if they load.
func (r *Reloader) reloadLocked() error {
	cfg, err := r.load()
	if err != nil {
		r.err = err
		r.log.Error("tls: reloading the certificate failed; the previous one stays in service",
			"cert", r.sec.Cert, "err", err)
		return err
	}
	r.cur, r.err = cfg, nil
	leaf := cfg.Certificates[0].Leaf
	r.log.Info("tls: certificate loaded", "cert", r.sec.Cert, "subject", leaf.Subject.String(),
		"not_after", leaf.NotAfter)
	return nil
}

// files returns the files the section names.
func (r *Reloader) files() []string {
	files := []string{r.sec.Cert, r.sec.Key}
	if r.sec.ClientCA != "" {
		files = append(files, r.sec.ClientCA)
	}
	return files
}

func (r *Reloader) stamps() []stamp {
	files := r.files()
	out := make([]stamp, len(files))
	for i, f := range files {
		// Stat follows symbolic links: a Kubernetes secret volume swaps a
		// link to a new folder, and the target is what changed.
		fi, err := os.Stat(f)
		if err != nil {
			out[i] = stamp{err: true}
			continue
		}
		out[i] = stamp{mod: fi.ModTime(), size: fi.Size()}
	}
	return out
}

func sameStamps(a, b []stamp) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].mod.Equal(b[i].mod) || a[i].size != b[i].size || a[i].err != b[i].err {
			return false
		}
	}
	return true
}

// load reads the files into the configuration one handshake gets.
func (r *Reloader) load() (*tls.Config, error) {
	s := r.sec
	cert, err := tls.LoadX509KeyPair(s.Cert, s.Key)
	if err != nil {
		return nil, fmt.Errorf("tls: loading certificate %q and key %q: %w", s.Cert, s.Key, err)
	}
	if cert.Leaf == nil { // filled by LoadX509KeyPair since Go 1.23; be sure
		if cert.Leaf, err = x509.ParseCertificate(cert.Certificate[0]); err != nil {
			return nil, fmt.Errorf("tls: certificate %q: %w", s.Cert, err)
		}
	}
	cfg := &tls.Config{
		MinVersion:   MinVersion,
		CipherSuites: CipherSuites,
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
	if len(s.AllowedClients) > 0 {
		allowed := s.AllowedClients
		// VerifyConnection runs on resumed sessions too, so a pinned
		// partner cannot be bypassed with a ticket from another one.
		cfg.VerifyConnection = func(cs tls.ConnectionState) error {
			return allowedPeer(cs.PeerCertificates, allowed)
		}
	}
	return cfg, nil
}

// ErrClientNotAllowed is the handshake error of a client whose verified
// certificate names none of a listener's allowed_clients.
var ErrClientNotAllowed = errors.New("tls: client certificate not in allowed_clients")

// allowedPeer accepts a verified client certificate whose DNS names or
// subject common name are in allowed.
func allowedPeer(chain []*x509.Certificate, allowed []string) error {
	if len(chain) == 0 {
		return fmt.Errorf("%w: no certificate", ErrClientNotAllowed)
	}
	leaf := chain[0]
	names := append([]string{leaf.Subject.CommonName}, leaf.DNSNames...)
	for _, name := range names {
		for _, a := range allowed {
			if name != "" && strings.EqualFold(name, strings.TrimSpace(a)) {
				return nil
			}
		}
	}
	return fmt.Errorf("%w: %q", ErrClientNotAllowed, leaf.Subject.CommonName)
}
