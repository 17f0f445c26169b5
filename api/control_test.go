package api

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestChannelControl drives a channel through its states with the
// client's methods and checks the answers and the channel list, then the
// refusals: a stopped channel cannot be paused or resumed (409), an
// unknown channel is 404, a GET or a query string is refused.
func TestChannelControl(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	steps := []struct {
		call   func(context.Context, string) (*Channel, error)
		action string
		want   string // the state after, or "" for a refusal
		status int
	}{
		{f.c.PauseChannel, "pause", "paused", 0},
		{f.c.PauseChannel, "pause", "paused", 0},
		{f.c.ResumeChannel, "resume", "running", 0},
		{f.c.StopChannel, "stop", "stopped", 0},
		{f.c.PauseChannel, "pause", "", http.StatusConflict},
		{f.c.ResumeChannel, "resume", "", http.StatusConflict},
		{f.c.StartChannel, "start", "running", 0},
		{f.c.StopChannel, "stop", "stopped", 0},
		{f.c.StartChannel, "start", "running", 0},
	}
	for i, s := range steps {
		ch, err := s.call(ctx, "adt")
		if s.status != 0 {
			var ae *Error
			if !errors.As(err, &ae) || ae.StatusCode != s.status {
				t.Errorf("step %d %s: %v, want HTTP %d", i, s.action, err, s.status)
			}
			continue
		}
		if err != nil {
			t.Fatalf("step %d %s: %v", i, s.action, err)
		}
		if ch.Name != "adt" || ch.State != s.want || len(ch.Destinations) != 2 || ch.Pending != 34 {
			t.Errorf("step %d %s: %+v", i, s.action, ch)
		}
		chs, err := f.c.Channels(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if chs[0].State != s.want || chs[1].State != "running" {
			t.Errorf("step %d %s: listed states %s, %s", i, s.action, chs[0].State, chs[1].State)
		}
	}

	var ae *Error
	if _, err := f.c.StopChannel(ctx, "nope"); !errors.As(err, &ae) || ae.StatusCode != http.StatusNotFound {
		t.Errorf("unknown channel: %v", err)
	}
	if _, err := f.c.StopChannel(ctx, "a/b"); !errors.As(err, &ae) || ae.StatusCode != http.StatusNotFound {
		t.Errorf("a name with a slash: %v", err)
	}
	for _, r := range []struct {
		method, path string
		status       int
	}{
		{http.MethodGet, "/api/v1/channels/adt/stop", http.StatusMethodNotAllowed},
		{http.MethodPost, "/api/v1/channels/adt/stop?now=1", http.StatusBadRequest},
		{http.MethodPost, "/api/v1/channels/adt/restart", http.StatusNotFound},
	} {
		req, _ := http.NewRequest(r.method, f.srv.URL+r.path, strings.NewReader(""))
		resp, err := f.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != r.status {
			t.Errorf("%s %s: %d, want %d", r.method, r.path, resp.StatusCode, r.status)
		}
	}
	chs, _ := f.c.Channels(ctx)
	if chs[0].State != "running" {
		t.Errorf("refused requests changed the state: %s", chs[0].State)
	}
}
