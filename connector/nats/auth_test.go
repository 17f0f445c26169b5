package nats

import (
	"context"
	"fmt"
	"log/slog"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/nats-io/nkeys"

	"github.com/plexus-health/plexus/connector/internal/conntest"
	"github.com/plexus-health/plexus/connector/internal/option"
)

// authServer runs a nats-server of the test's own that requires the
// given authorization block, and returns its URL.
func authServer(t *testing.T, authorization string) string {
	t.Helper()
	return runServer(t, "authorization {\n"+authorization+"\n}\n")
}

// runServer runs a nats-server of the test's own with the configuration
// conf on a port the test picks, and returns its URL. It skips the test
// when no nats-server binary is on the PATH.
func runServer(t *testing.T, conf string) string {
	t.Helper()
	bin, err := exec.LookPath("nats-server")
	if err != nil {
		t.Skip("no nats-server on the PATH: the authentication tests run their own server")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, port, _ := net.SplitHostPort(addr)
	file := filepath.Join(t.TempDir(), "server.conf")
	text := fmt.Sprintf("listen: 127.0.0.1:%s\n%s", port, conf)
	if err := os.WriteFile(file, []byte(text), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "-c", file)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	eventually(t, "nats-server to listen", func() (bool, string) {
		c, err := net.Dial("tcp", addr)
		if err != nil {
			return false, err.Error()
		}
		c.Close()
		return true, ""
	})
	return "nats://" + addr
}

// connectWith connects with the options' connection section.
func connectWith(t *testing.T, opts string) error {
	t.Helper()
	var cfg ConnConfig
	if err := conntest.Options(opts).Decode(&cfg); err != nil {
		t.Fatal(err)
	}
	var p option.Problems
	cfg.validate(&p)
	if err := p.Err(); err != nil {
		t.Fatal(err)
	}
	nc, err := cfg.connect("plexus test", slog.New(slog.DiscardHandler))
	if err == nil {
		nc.Close()
	}
	return err
}

func TestAuthUsers(t *testing.T) {
	user, err := nkeys.CreateUser()
	if err != nil {
		t.Fatal(err)
	}
	pub, _ := user.PublicKey()
	seed, _ := user.Seed()
	url := authServer(t, fmt.Sprintf("users = [\n{user: plexus, password: \"right-pw\"}\n{nkey: %s}\n]", pub))

	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	right := write("right", "right-pw\n")
	wrong := write("wrong", "wrong-pw\n")
	seedFile := write("seed", string(seed))
	other, _ := nkeys.CreateUser()
	otherSeed, _ := other.Seed()
	otherFile := write("other", string(otherSeed))
	t.Setenv("PLEXUS_TEST_NATS_PW", "right-pw")
	t.Setenv("PLEXUS_TEST_NATS_BAD_PW", "wrong-pw")

	for _, tc := range []struct {
		name, auth, want string
	}{
		{"password file", "{user: plexus, password_file: " + right + "}", ""},
		{"password env", "{user: plexus, password_env: PLEXUS_TEST_NATS_PW}", ""},
		{"nkey seed", "{nkey_seed_file: " + seedFile + "}", ""},
		{"wrong password", "{user: plexus, password_file: " + wrong + "}", "the server refused the credentials"},
		{"wrong password env", "{user: plexus, password_env: PLEXUS_TEST_NATS_BAD_PW}", "the server refused the credentials"},
		{"unknown nkey", "{nkey_seed_file: " + otherFile + "}", "the server refused the credentials"},
		{"no credentials", "{}", "the server refused the credentials"},
		{"unset env", "{user: plexus, password_env: PLEXUS_TEST_NATS_UNSET}", "the environment variable PLEXUS_TEST_NATS_UNSET holding the password is not set"},
		{"missing file", "{user: plexus, password_file: " + filepath.Join(dir, "none") + "}", "reading the password"},
		{"missing seed", "{nkey_seed_file: " + filepath.Join(dir, "none") + "}", "reading the nkey seed file"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := connectWith(t, "url: "+url+"\nconnect_timeout: 5s\nauth: "+tc.auth)
			conntest.CheckErr(t, tc.auth, err, tc.want)
			if err != nil && (strings.Contains(err.Error(), "wrong-pw") || strings.Contains(err.Error(), string(otherSeed))) {
				t.Errorf("the error repeats the secret: %v", err)
			}
		})
	}

	// A source says why it cannot start.
	s, err := NewSource(conntest.Env(t, nil), conntest.Options(fmt.Sprintf("url: %s\nstream: IN\nconsumer: c\nauth: {user: plexus, password_file: %s}", url, wrong)))
	if err != nil {
		t.Fatal(err)
	}
	err = s.Start(context.Background(), &conntest.Receiver{})
	if err == nil || !strings.Contains(err.Error(), "nats source: connecting to "+url+": the server refused the credentials") {
		t.Errorf("Start: %v", err)
	}
}

func TestAuthToken(t *testing.T) {
	url := authServer(t, "token: \"s3cret-token\"")
	file := filepath.Join(t.TempDir(), "token")
	if err := os.WriteFile(file, []byte("s3cret-token"), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("PLEXUS_TEST_NATS_TOKEN", "not-the-token")
	if err := connectWith(t, "url: "+url+"\nauth: {token_file: "+file+"}"); err != nil {
		t.Error(err)
	}
	err := connectWith(t, "url: "+url+"\nauth: {token_env: PLEXUS_TEST_NATS_TOKEN}")
	if err == nil || !strings.Contains(err.Error(), "the server refused the credentials") || strings.Contains(err.Error(), "not-the-token") {
		t.Errorf("wrong token: %v", err)
	}
	// A destination's failure to connect is retried, not dead-lettered.
	d := newTestDestination(t, "url: "+url+"\nsubject: x\nauth: {token_env: PLEXUS_TEST_NATS_TOKEN}")
	if _, err := d.Deliver(context.Background(), outbound(1, "x")); err == nil || !strings.Contains(err.Error(), "the server refused the credentials") {
		t.Errorf("Deliver: %v", err)
	}
}

// TestTLS connects to a server that requires mutual TLS.
func TestTLS(t *testing.T) {
	pki := conntest.NewPKI(t)
	url := runServer(t, fmt.Sprintf("tls {\ncert_file: %q\nkey_file: %q\nca_file: %q\nverify: true\n}\n", pki.ServerCert, pki.ServerKey, pki.CA))
	for _, tc := range []struct{ name, opts, want string }{
		{"mutual TLS", fmt.Sprintf("tls: {ca: %s, cert: %s, key: %s}", pki.CA, pki.ClientCert, pki.ClientKey), ""},
		{"tls URL", fmt.Sprintf("tls: {ca: %s, cert: %s, key: %s}", pki.CA, pki.ClientCert, pki.ClientKey), ""},
		{"unknown CA", fmt.Sprintf("tls: {ca: %s, cert: %s, key: %s}", pki.OtherCA, pki.ClientCert, pki.ClientKey), "certificate"},
		{"no client certificate", fmt.Sprintf("tls: {ca: %s}", pki.CA), "connecting to"},
		{"no TLS", "", "connecting to"},
		{"missing file", "tls: {ca: " + filepath.Join(t.TempDir(), "none.crt") + "}", "none.crt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			u := url
			if tc.name == "tls URL" {
				u = "tls" + strings.TrimPrefix(url, "nats")
			}
			err := connectWith(t, "url: "+u+"\nconnect_timeout: 5s\n"+tc.opts)
			conntest.CheckErr(t, tc.opts, err, tc.want)
			if err != nil {
				t.Log(err)
			}
		})
	}
}
