package tlsconfig

import (
	"bytes"
	"log/slog"
	"strings"
	"testing"
)

func TestLoopback(t *testing.T) {
	tests := []struct {
		addr string
		want bool
	}{
		{"127.0.0.1:8080", true},
		{"127.3.4.5:2575", true},
		{"[::1]:8080", true},
		{"localhost:8080", true},
		{"LOCALHOST:8080", true},
		{"127.0.0.1", true},
		{":8080", false},
		{"0.0.0.0:8080", false},
		{"[::]:8080", false},
		{"10.0.0.5:2575", false},
		{"plexus.example.org:443", false},
		{"localhost.example.org:443", false},
		{"[fe80::1%eth0]:80", false},
		{"", false},
	}
	for _, tt := range tests {
		if got := Loopback(tt.addr); got != tt.want {
			t.Errorf("Loopback(%q) = %v, want %v", tt.addr, got, tt.want)
		}
	}
}

func TestWarnPlaintext(t *testing.T) {
	var buf bytes.Buffer
	log := slog.New(slog.NewTextHandler(&buf, nil))
	if WarnPlaintext(log, "admin", "127.0.0.1:8080") {
		t.Error("warned for loopback")
	}
	if buf.Len() != 0 {
		t.Errorf("logged for loopback: %s", buf.String())
	}
	if !WarnPlaintext(log, "admin", "0.0.0.0:8080") {
		t.Error("no warning for 0.0.0.0")
	}
	if out := buf.String(); !strings.Contains(out, "level=WARN") || !strings.Contains(out, "listener=admin") {
		t.Errorf("log: %s", out)
	}
}
