package api

import (
	"context"
	"net/http/httptest"
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
