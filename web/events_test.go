package web

import (
	"bufio"
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine/alert"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/accounts"
)

// sseEvent is one event of a stream.
type sseEvent struct {
	id, event, data string
}

// openStream opens the live stream as user and returns its events.
func (f *fixture) openStream(t *testing.T, user, query string, hdr ...string) (<-chan sseEvent, *http.Response) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", f.srv.URL+"/ui/events"+query, nil)
	req.AddCookie(&http.Cookie{Name: accounts.SessionCookie, Value: f.tokens[user]})
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	events := make(chan sseEvent, 1000)
	go func() {
		defer close(events)
		sc := bufio.NewScanner(resp.Body)
		var e sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if e.event != "" {
					events <- e
				}
				e = sseEvent{}
			case strings.HasPrefix(line, "id: "):
				e.id = line[4:]
			case strings.HasPrefix(line, "event: "):
				e.event = line[7:]
			case strings.HasPrefix(line, "data: "):
				e.data = line[6:]
			}
		}
	}()
	return events, resp
}

// next returns the next event of kind, failing after a deadline.
func next(t *testing.T, events <-chan sseEvent, kind string) sseEvent {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		select {
		case e, ok := <-events:
			if !ok {
				t.Fatalf("the stream ended before a %q event", kind)
			}
			if e.event == kind {
				return e
			}
		case <-deadline:
			t.Fatalf("no %q event within 10s", kind)
		}
	}
}

func TestEventsStream(t *testing.T) {
	f := newFixture(t, func(o *Options) {
		o.Alerts = fakeAlerts{[]alert.Alert{{Rule: "r1", Severity: "warning", Channel: "adt", Message: "errors above 5%"}}}
	})
	f.engine.append(t, record("adt", "OLD", "P0", nil, "lab"))
	events, resp := f.openStream(t, "viewer", "?channel=adt")
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/event-stream" {
		t.Fatalf("stream: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	// Channels and alerts come first and then every Refresh.
	var chans []channelView
	if err := json.Unmarshal([]byte(next(t, events, "channels").data), &chans); err != nil || len(chans) != 2 || chans[0].Name != "adt" {
		t.Errorf("channels event: %v %+v", err, chans)
	}
	if e := next(t, events, "alerts"); !strings.Contains(e.data, "errors above 5%") {
		t.Errorf("alerts event: %s", e.data)
	}

	// A message journaled after the stream opened arrives; one of
	// another channel does not; the one before it was already shown.
	f.engine.append(t, record("orders", "OTHER", "P1", nil, "billing"))
	rec := record("adt", "NEW1", "P2", nil, "lab")
	f.engine.append(t, rec)
	e := next(t, events, "message")
	var row messageRow
	if err := json.Unmarshal([]byte(e.data), &row); err != nil {
		t.Fatal(err)
	}
	if row.ControlID != "NEW1" || row.ID != rec.Msg.ID || e.id != "3" || row.Channel != "adt" || row.Status != "received" {
		t.Errorf("message event %s: %+v", e.id, row)
	}
	// Several at once come oldest first.
	for _, c := range []string{"NEW2", "NEW3", "NEW4"} {
		f.engine.append(t, record("adt", c, "P", nil, "lab"))
	}
	for _, want := range []string{"NEW2", "NEW3", "NEW4"} {
		if e := next(t, events, "message"); !strings.Contains(e.data, `"control_id":"`+want+`"`) {
			t.Errorf("want %s, got %s", want, e.data)
		}
	}

	// A browser reconnecting with Last-Event-ID gets what it missed.
	again, _ := f.openStream(t, "viewer", "?channel=adt", "Last-Event-ID", "3")
	if e := next(t, again, "message"); !strings.Contains(e.data, `"control_id":"NEW2"`) {
		t.Errorf("after reconnecting: %s", e.data)
	}

	// The stream is for readers only, and not for nobody.
	if r := f.get("auditor", "/ui/events"); r.status != http.StatusForbidden {
		t.Errorf("auditor's stream: %d", r.status)
	}
	if r := f.get("", "/ui/events"); r.status != http.StatusUnauthorized {
		t.Errorf("anonymous stream: %d", r.status)
	}
	if r := f.get("viewer", "/ui/events?after=x"); r.status != http.StatusBadRequest {
		t.Errorf("bad cursor: %d", r.status)
	}
}

// TestNewMessages checks the poll of the live stream: new messages oldest
// first, and when more came than a poll reads, the newest of them and a
// flag.
func TestNewMessages(t *testing.T) {
	f := newFixture(t, nil)
	var batch []*journalRecord
	for range pollPage*pollPages + 10 {
		batch = append(batch, record("adt", "F", "P", nil))
	}
	f.appendAll(t, batch)
	s := &server{opts: Options{Engine: f.engine}}
	filter := journal.MessageFilter{Limit: pollPage}
	for _, c := range []struct {
		last          int64
		n             int
		first, lastID int64
		more          bool
	}{
		{last: 0, n: pollPage * pollPages, first: 11, lastID: 510, more: true},
		{last: 9, n: pollPage * pollPages, first: 11, lastID: 510, more: true},
		{last: 10, n: pollPage * pollPages, first: 11, lastID: 510},
		{last: 500, n: 10, first: 501, lastID: 510},
		{last: 510, n: 0},
	} {
		rows, more, err := s.newMessages(context.Background(), filter, c.last)
		if err != nil {
			t.Fatal(err)
		}
		if len(rows) != c.n || more != c.more || c.n > 0 && (rows[0].ID != c.first || rows[len(rows)-1].ID != c.lastID) {
			t.Errorf("after %d: %d rows, more %v", c.last, len(rows), more)
		}
	}
}

func TestEventsStop(t *testing.T) {
	stop := make(chan struct{})
	f := newFixture(t, func(o *Options) { o.Stop = stop })
	events, _ := f.openStream(t, "viewer", "")
	next(t, events, "channels")
	close(stop)
	deadline := time.After(10 * time.Second)
	for {
		select {
		case _, ok := <-events:
			if !ok {
				return
			}
		case <-deadline:
			t.Fatal("the stream outlived Stop")
		}
	}
}
