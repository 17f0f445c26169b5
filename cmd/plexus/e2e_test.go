package main

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"math/big"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// plexusBin is the plexus binary built by TestMain for the end-to-end tests,
// which run "plexus listen" and "plexus send" as real processes.
var plexusBin string

func TestMain(m *testing.M) {
	code := func() int {
		dir, err := os.MkdirTemp("", "plexus-e2e-")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		defer os.RemoveAll(dir)
		plexusBin = filepath.Join(dir, "plexus")
		build := exec.Command("go", "build", "-o", plexusBin, ".")
		build.Stderr = os.Stderr
		if err := build.Run(); err != nil {
			fmt.Fprintf(os.Stderr, "building plexus: %v\n", err)
			return 1
		}
		return m.Run()
	}
	os.Exit(code())
}

// pki is a throwaway certificate authority with a server and a client
// certificate, as PEM files in a test's temporary directory.
type pki struct {
	ca, serverCert, serverKey, clientCert, clientKey string
	// otherCA is a second CA that signed nothing the server uses.
	otherCA string
}

func newPKI(t *testing.T) *pki {
	t.Helper()
	dir := t.TempDir()
	p := &pki{
		ca:         filepath.Join(dir, "ca.pem"),
		serverCert: filepath.Join(dir, "server.pem"),
		serverKey:  filepath.Join(dir, "server-key.pem"),
		clientCert: filepath.Join(dir, "client.pem"),
		clientKey:  filepath.Join(dir, "client-key.pem"),
		otherCA:    filepath.Join(dir, "other-ca.pem"),
	}
	caKey, caCert := newCA(t, "Plexus Test CA")
	writePEM(t, p.ca, "CERTIFICATE", caCert.Raw)
	_, other := newCA(t, "Some Other CA")
	writePEM(t, p.otherCA, "CERTIFICATE", other.Raw)

	issue := func(certFile, keyFile string, tmpl *x509.Certificate) {
		key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			t.Fatal(err)
		}
		der, err := x509.CreateCertificate(rand.Reader, tmpl, caCert, &key.PublicKey, caKey)
		if err != nil {
			t.Fatal(err)
		}
		writePEM(t, certFile, "CERTIFICATE", der)
		keyDER, err := x509.MarshalPKCS8PrivateKey(key)
		if err != nil {
			t.Fatal(err)
		}
		writePEM(t, keyFile, "PRIVATE KEY", keyDER)
	}
	issue(p.serverCert, p.serverKey, &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: "plexus test server"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	})
	issue(p.clientCert, p.clientKey, &x509.Certificate{
		SerialNumber: big.NewInt(3),
		Subject:      pkix.Name{CommonName: "sending system"},
		NotBefore:    time.Now().Add(-time.Hour),
		NotAfter:     time.Now().Add(time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	})
	return p
}

func newCA(t *testing.T, name string) (*ecdsa.PrivateKey, *x509.Certificate) {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: name},
		NotBefore:             time.Now().Add(-time.Hour),
		NotAfter:              time.Now().Add(time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return key, cert
}

func writePEM(t *testing.T, file, kind string, der []byte) {
	t.Helper()
	if err := os.WriteFile(file, pem.EncodeToMemory(&pem.Block{Type: kind, Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
}

// listenProc is a running "plexus listen".
type listenProc struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{} // closed when the process has exited

	mu     sync.Mutex
	stdout bytes.Buffer // all lines after the first
	stderr bytes.Buffer
	err    error // from Wait
}

var listeningRE = regexp.MustCompile(`^listening on (\S+) `)

// startListen starts "plexus listen" with args and waits for it to print
// the address it is bound to.
func startListen(t *testing.T, args ...string) *listenProc {
	t.Helper()
	p := &listenProc{done: make(chan struct{})}
	p.cmd = exec.Command(plexusBin, append([]string{"listen", "--port", "0"}, args...)...)
	stdout, err := p.cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	p.cmd.Stderr = &lockedWriter{mu: &p.mu, w: &p.stderr}
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			p.cmd.Process.Kill()
			<-p.done
		}
	})
	first := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			first <- sc.Text()
		}
		close(first)
		for sc.Scan() {
			p.mu.Lock()
			p.stdout.WriteString(sc.Text() + "\n")
			p.mu.Unlock()
		}
		io.Copy(io.Discard, stdout)
		err := p.cmd.Wait()
		p.mu.Lock()
		p.err = err
		p.mu.Unlock()
		close(p.done)
	}()
	select {
	case line, ok := <-first:
		m := listeningRE.FindStringSubmatch(line)
		if !ok || m == nil {
			<-p.done
			t.Fatalf("plexus listen printed %q, want its address; stderr:\n%s", line, p.output(&p.stderr))
		}
		p.addr = m[1]
	case <-time.After(10 * time.Second):
		t.Fatal("plexus listen did not print its address within 10s")
	}
	return p
}

func (p *listenProc) output(b *bytes.Buffer) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return b.String()
}

// stop sends SIGINT and waits for a graceful exit.
func (p *listenProc) stop(t *testing.T) {
	t.Helper()
	if err := p.cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	select {
	case <-p.done:
	case <-time.After(15 * time.Second):
		t.Fatal("plexus listen did not stop within 15s of SIGINT")
	}
	if p.err != nil {
		t.Errorf("plexus listen: %v; stderr:\n%s", p.err, p.output(&p.stderr))
	}
}

type lockedWriter struct {
	mu *sync.Mutex
	w  io.Writer
}

func (w *lockedWriter) Write(b []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.w.Write(b)
}

// send runs "plexus send" and returns its exit status and output.
func send(t *testing.T, args ...string) (status int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(plexusBin, append([]string{"send"}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if exit, ok := err.(*exec.ExitError); ok {
		return exit.ExitCode(), out.String(), errb.String()
	}
	if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errb.String()
}

// genMessages writes n distinct messages to a file, one after the other, and
// returns the file and each message's bytes by control ID.
func genMessages(t *testing.T, n int) (string, map[string][]byte) {
	t.Helper()
	msgs := make(map[string][]byte, n)
	var file bytes.Buffer
	for i := range n {
		id := fmt.Sprintf("E2E%05d", i+1)
		segs := []string{
			fmt.Sprintf("MSH|^~\\&|SENDER|FAC|PLEXUS|TEST|20250102%06d||ADT^A0%d^ADT_A01|%s|P|2.5.1", i, 1+i%8, id),
			"EVN|A01|20250102030405",
			fmt.Sprintf("PID|1||%07d^^^FAC^MR||Test%d^Patient^Q||19800101|%s", 1000000+i, i, []string{"F", "M", "U"}[i%3]),
			fmt.Sprintf("PV1|1|I|W%d^%d^A", i%5, i%40),
		}
		if i%10 == 0 {
			segs = append(segs, fmt.Sprintf("NTE|1||note \\T\\ %s", strings.Repeat("x", i)))
		}
		term := "\r"
		if i%7 == 0 {
			term = "\r\n" // the bytes go through as they are
		}
		msg := []byte(strings.Join(segs, term) + term)
		msgs[id] = msg
		file.Write(msg)
		if i%3 == 0 {
			file.WriteString("\r\n") // blank lines between messages are not part of them
		}
	}
	path := filepath.Join(t.TempDir(), "messages.hl7")
	if err := os.WriteFile(path, file.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	return path, msgs
}

var sendLineRE = regexp.MustCompile(`^\S+:(\d+) (\S+) (AA|AE|AR|CA|CE|CR)\b`)

// TestSendListenTLS sends messages from "plexus send" to "plexus listen"
// over TLS and checks that each was acknowledged with AA and stored byte for
// byte: 1,000 messages with mutual TLS, then, with only the server
// authenticated, 100 more (the path of a message through the two is the
// same). It also checks that a sender without a client certificate is
// refused when mutual TLS is required, and that a sender that does not trust
// the server's CA refuses to send.
func TestSendListenTLS(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	p := newPKI(t)
	for _, tc := range []struct {
		name   string
		mutual bool
		n      int
	}{
		{"mutual-tls", true, 1000},
		{"tls", false, 100},
	} {
		mutual, n := tc.mutual, tc.n
		t.Run(tc.name, func(t *testing.T) {
			file, msgs := genMessages(t, n)
			out := t.TempDir()
			listenArgs := []string{"--out", out, "--tls-cert", p.serverCert, "--tls-key", p.serverKey}
			sendArgs := []string{"--ca", p.ca}
			if mutual {
				listenArgs = append(listenArgs, "--client-ca", p.ca)
				sendArgs = append(sendArgs, "--cert", p.clientCert, "--key", p.clientKey)
			}
			l := startListen(t, listenArgs...)
			start := time.Now()
			status, stdout, stderr := send(t, append(append(sendArgs, "--to", l.addr), file)...)
			t.Logf("sent %d messages in %v", n, time.Since(start))
			if status != 0 {
				t.Fatalf("plexus send: exit %d\nstderr:\n%s\nlast output:\n%s", status, stderr, tail(stdout, 5))
			}
			lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
			if len(lines) != n+1 {
				t.Fatalf("plexus send printed %d lines, want %d and a summary", len(lines), n)
			}
			for i, line := range lines[:n] {
				m := sendLineRE.FindStringSubmatch(line)
				if m == nil || m[1] != fmt.Sprint(i+1) || m[2] != fmt.Sprintf("E2E%05d", i+1) || m[3] != "AA" {
					t.Fatalf("line %d: %q, want message %d, control ID E2E%05d, AA", i+1, line, i+1, i+1)
				}
			}
			if want := fmt.Sprintf("%d messages: %d accepted, 0 rejected, 0 failed", n, n); lines[n] != want {
				t.Errorf("summary %q, want %q", lines[n], want)
			}
			checkStored(t, out, msgs, nil)

			if mutual {
				// Without a client certificate the handshake fails and
				// nothing is stored.
				status, stdout, _ := send(t, "--ca", p.ca, "--to", l.addr, file)
				t.Logf("send without a client certificate:\n%s", stdout)
				if status != exitFailure || !strings.Contains(stdout, "E2E00001 failed:") ||
					!strings.Contains(stdout, "0 accepted") || !strings.Contains(stdout, "stopped") {
					t.Errorf("send without a client certificate: exit %d, output:\n%s", status, tail(stdout, 3))
				}
			} else {
				// A server certificate from another CA is refused.
				status, stdout, _ := send(t, "--ca", p.otherCA, "--to", l.addr, file)
				t.Logf("send trusting another CA:\n%s", stdout)
				if status != exitFailure || !strings.Contains(stdout, "certificate") {
					t.Errorf("send trusting another CA: exit %d, output:\n%s", status, tail(stdout, 3))
				}
			}
			checkStored(t, out, msgs, nil)

			l.stop(t)
			if got := l.output(&l.stdout); !strings.Contains(got, fmt.Sprintf("stopped: %d messages received, %d accepted, 0 rejected, 0 not stored or not answered", n, n)) {
				t.Errorf("plexus listen output ends:\n%s", tail(got, 3))
			}
			// The listener's lines carry control IDs, types and sizes,
			// never message content.
			if got := l.output(&l.stdout); strings.Contains(got, "Patient") || strings.Contains(got, "1000000") {
				t.Errorf("plexus listen printed message content:\n%s", tail(got, 3))
			}
		})
	}
}

// checkStored checks that dir holds exactly the messages in want (by control
// ID), byte for byte, in .hl7 files, and the ones in refused in .hl7.error
// files.
func checkStored(t *testing.T, dir string, want, refused map[string][]byte) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != len(want)+len(refused) {
		t.Fatalf("%s holds %d files, want %d", dir, len(entries), len(want)+len(refused))
	}
	nameRE := regexp.MustCompile(`^\d{6}-(.+?)\.hl7(\.error)?$`)
	for _, e := range entries {
		m := nameRE.FindStringSubmatch(e.Name())
		if m == nil {
			t.Errorf("unexpected file %s", e.Name())
			continue
		}
		set := want
		if m[2] != "" {
			set = refused
		}
		msg, ok := set[m[1]]
		if !ok {
			t.Errorf("file %s: no such message expected", e.Name())
			continue
		}
		got, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, msg) {
			t.Errorf("file %s holds %q, want %q", e.Name(), got, msg)
		}
	}
}

// TestListenRefusesMalformed checks that a message that fails validation
// gets a negative ACK naming the problem and is still written to disk, and
// that the sender reports it and goes on.
func TestListenRefusesMalformed(t *testing.T) {
	if testing.Short() {
		t.Skip("end-to-end test")
	}
	good1 := []byte("MSH|^~\\&|S|F|R|F|20250101||ADT^A01|GOOD1|P|2.5.1\rPID|1||1\r")
	bad := []byte("MSH|^~\\&|S|F|R|F|20250101||ADT^A01|BAD1|P|\rPID|1||2\r") // no version ID (MSH-12)
	good2 := []byte("MSH|^~\\&|S|F|R|F|20250101||ORU^R01|GOOD2|P|2.5.1\rOBX|1|ST|x||y\r")
	file := filepath.Join(t.TempDir(), "in.hl7")
	if err := os.WriteFile(file, bytes.Join([][]byte{good1, bad, good2}, nil), 0o600); err != nil {
		t.Fatal(err)
	}
	out := t.TempDir()
	l := startListen(t, "--out", out)
	status, stdout, stderr := send(t, "--to", l.addr, file)
	if status != exitFailure {
		t.Errorf("plexus send: exit %d, want %d; stderr:\n%s", status, exitFailure, stderr)
	}
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	if len(lines) != 4 {
		t.Fatalf("plexus send printed:\n%s", stdout)
	}
	for i, want := range []string{"GOOD1 AA", "BAD1 A[ER] .*MSH-12", "GOOD2 AA", "3 messages: 2 accepted, 1 rejected, 0 failed"} {
		if !regexp.MustCompile(want).MatchString(lines[i]) {
			t.Errorf("line %d: %q, want it to match %q", i+1, lines[i], want)
		}
	}
	checkStored(t, out, map[string][]byte{"GOOD1": good1, "GOOD2": good2}, map[string][]byte{"BAD1": bad})
	l.stop(t)
	if got := l.output(&l.stdout); !regexp.MustCompile(`000002 BAD1 ADT\^A01 \d+ bytes A[ER] 000002-BAD1.hl7.error: MSH-12`).MatchString(got) {
		t.Errorf("plexus listen output:\n%s", got)
	}
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimSuffix(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}
