package tlsconfig

import (
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock the test moves.
type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *fakeClock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// reloadFixture is a listener serving a Reloader's configuration, and the
// files it reads.
type reloadFixture struct {
	dir     string
	ca      *testCA
	r       *Reloader
	addr    string
	results <-chan error
	mod     time.Time // the last modification time written
}

func newReloadFixture(t *testing.T, first issued, ca *testCA) *reloadFixture {
	t.Helper()
	f := &reloadFixture{dir: t.TempDir(), ca: ca, mod: time.Now().Add(-time.Hour)}
	sec := Server{
		Cert: writeFile(t, f.dir, "server.crt", first.certPEM, f.mod),
		Key:  writeFile(t, f.dir, "server.key", first.keyPEM, f.mod),
	}
	r, err := sec.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	f.r = r
	f.addr, f.results = serveTLS(t, r.Config())
	return f
}

// replace writes new certificate and key files, later stamped than the
// previous ones.
func (f *reloadFixture) replace(t *testing.T, certPEM, keyPEM []byte) {
	t.Helper()
	f.mod = f.mod.Add(time.Minute)
	writeFile(t, f.dir, "server.crt", certPEM, f.mod)
	writeFile(t, f.dir, "server.key", keyPEM, f.mod)
}

// serial handshakes with the listener and returns the serial number of
// the certificate it presented.
func (f *reloadFixture) serial(t *testing.T) int64 {
	t.Helper()
	cert, err := dial(f.addr, clientConfig(f.ca))
	if err != nil {
		t.Fatalf("handshake: %v", err)
	}
	if err := <-f.results; err != nil {
		t.Fatalf("server handshake: %v", err)
	}
	return cert.SerialNumber.Int64()
}

func TestReloadNewCertificateSameListener(t *testing.T) {
	ca := newCA(t, "test ca")
	a, b := ca.issue(t, "plexus-a"), ca.issue(t, "plexus-b")
	f := newReloadFixture(t, a, ca)
	if got := f.serial(t); got != a.serial {
		t.Fatalf("first handshake: serial %d, want %d", got, a.serial)
	}
	f.replace(t, b.certPEM, b.keyPEM)
	if err := f.r.Reload(); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	if got := f.serial(t); got != b.serial {
		t.Fatalf("after Reload: serial %d, want the new certificate's %d", got, b.serial)
	}
	if f.r.Certificate().SerialNumber.Int64() != b.serial {
		t.Errorf("Certificate() is not the new one")
	}
}

func TestReloadWhenFilesChange(t *testing.T) {
	ca := newCA(t, "test ca")
	a, b := ca.issue(t, "plexus-a"), ca.issue(t, "plexus-b")
	f := newReloadFixture(t, a, ca)
	clock := &fakeClock{t: time.Now()}
	f.r.mu.Lock()
	f.r.now, f.r.checked = clock.now, clock.now()
	f.r.mu.Unlock()

	f.replace(t, b.certPEM, b.keyPEM)
	if got := f.serial(t); got != a.serial {
		t.Fatalf("within CheckInterval of the last look: serial %d, want the old %d", got, a.serial)
	}
	clock.add(CheckInterval)
	if got := f.serial(t); got != b.serial {
		t.Fatalf("after CheckInterval: serial %d, want the new %d", got, b.serial)
	}
}

func TestReloadBadFilesKeepOldCertificate(t *testing.T) {
	ca := newCA(t, "test ca")
	a, b, c := ca.issue(t, "plexus-a"), ca.issue(t, "plexus-b"), ca.issue(t, "plexus-c")
	f := newReloadFixture(t, a, ca)
	clock := &fakeClock{t: time.Now()}
	f.r.mu.Lock()
	f.r.now, f.r.checked = clock.now, clock.now()
	f.r.mu.Unlock()

	tests := []struct {
		name            string
		certPEM, keyPEM []byte
	}{
		{"not PEM", []byte("half written"), b.keyPEM},
		{"key of another certificate", b.certPEM, c.keyPEM},
		{"empty files", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f.replace(t, tt.certPEM, tt.keyPEM)
			if err := f.r.Reload(); err == nil {
				t.Fatal("Reload: no error")
			}
			if f.r.Err() == nil {
				t.Error("Err: nil after a failed reload")
			}
			if got := f.serial(t); got != a.serial {
				t.Fatalf("after a failed Reload: serial %d, want the old %d", got, a.serial)
			}
			// The same through the handshake-driven check.
			f.replace(t, tt.keyPEM, tt.certPEM)
			clock.add(CheckInterval)
			if got := f.serial(t); got != a.serial {
				t.Fatalf("after a failed automatic reload: serial %d, want the old %d", got, a.serial)
			}
		})
	}
	// Good files again: served, and the error is cleared.
	f.replace(t, c.certPEM, c.keyPEM)
	clock.add(CheckInterval)
	if got := f.serial(t); got != c.serial {
		t.Fatalf("after good files: serial %d, want %d", got, c.serial)
	}
	if err := f.r.Err(); err != nil {
		t.Errorf("Err after a good reload: %v", err)
	}
}

func TestLoadFailsOnBadFiles(t *testing.T) {
	dir := t.TempDir()
	ca := newCA(t, "test ca")
	a := ca.issue(t, "plexus-a")
	now := time.Now()
	cert := writeFile(t, dir, "a.crt", a.certPEM, now)
	key := writeFile(t, dir, "a.key", a.keyPEM, now)
	junk := writeFile(t, dir, "junk", []byte("junk"), now)
	tests := []struct {
		name string
		sec  Server
	}{
		{"missing cert", Server{Cert: dir + "/none.crt", Key: key}},
		{"junk key", Server{Cert: cert, Key: junk}},
		{"junk client_ca", Server{Cert: cert, Key: key, ClientCA: junk}},
		{"missing client_ca", Server{Cert: cert, Key: key, ClientCA: dir + "/none.crt"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := tt.sec.Load(nil); err == nil {
				t.Fatal("Load: no error")
			}
		})
	}
}
