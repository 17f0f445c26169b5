package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestClientErrors(t *testing.T) {
	ctx := context.Background()
	if _, err := (&Client{}).Channels(ctx); err == nil {
		t.Error("a client without an address worked")
	}

	// A transport error names the path, never the query with its patient
	// identifier.
	srv := httptest.NewServer(nil)
	url := srv.URL
	srv.Close()
	c := &Client{BaseURL: url}
	_, err := c.ListMessages(ctx, MessageQuery{PatientID: "MRN12345"})
	if err == nil || strings.Contains(err.Error(), "MRN12345") || !strings.Contains(err.Error(), "GET /api/v1/messages") {
		t.Errorf("transport error: %v", err)
	}
	if _, ok := err.(*Error); ok {
		t.Errorf("a transport error is an *Error: %v", err)
	}
}

func TestClientBaseURLWithSlash(t *testing.T) {
	f := newFixture(t, Options{})
	c := &Client{BaseURL: f.srv.URL + "/", HTTP: f.srv.Client()}
	chs, err := c.Channels(context.Background())
	if err != nil || len(chs) != 2 {
		t.Errorf("channels: %v %v", chs, err)
	}
}

func TestClientSendsAPIKey(t *testing.T) {
	var got []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = append(got, r.Header.Get("Authorization"))
		w.Write([]byte(`{"channels":[]}`))
	}))
	defer srv.Close()
	ctx := context.Background()
	for _, key := range []string{"pxk_0123456789abcdef_secret", ""} {
		c := &Client{BaseURL: srv.URL, HTTP: srv.Client(), APIKey: key}
		if _, err := c.Channels(ctx); err != nil {
			t.Fatal(err)
		}
	}
	if len(got) != 2 || got[0] != "Bearer pxk_0123456789abcdef_secret" || got[1] != "" {
		t.Errorf("Authorization headers sent: %q", got)
	}
}

func TestResolveAPIKey(t *testing.T) {
	dir := t.TempDir()
	empty := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "admin.key"), []byte("pxk_fromfile\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		flag, env, dir, want string
	}{
		{"pxk_flag", "pxk_env", dir, "pxk_flag"},
		{"", "pxk_env", dir, "pxk_env"},
		{"", "", dir, "pxk_fromfile"},
		{"", "", empty, ""},
		{"", "", "", ""},
	} {
		t.Setenv(APIKeyEnv, tt.env)
		got, err := ResolveAPIKey(tt.flag, tt.dir)
		if err != nil || got != tt.want {
			t.Errorf("ResolveAPIKey(%q, %q) with $%s=%q = %q, %v; want %q", tt.flag, tt.dir, APIKeyEnv, tt.env, got, err, tt.want)
		}
	}
	// A key file that cannot be read is an error, not silence.
	bad := t.TempDir()
	if err := os.Mkdir(filepath.Join(bad, "admin.key"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv(APIKeyEnv, "")
	if _, err := ResolveAPIKey("", bad); err == nil {
		t.Error("an unreadable key file gave no error")
	}
}
