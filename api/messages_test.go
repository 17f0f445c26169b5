package api

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/auth"
)

func TestListMessagesFilters(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	tests := []struct {
		name  string
		q     MessageQuery
		want  int
		match func(Message) bool
	}{
		{"everything", MessageQuery{}, 31, nil},
		{"channel", MessageQuery{Channel: "orders"}, 10, func(m Message) bool { return m.Channel == "orders" }},
		{"status dead", MessageQuery{Status: "dead"}, 2, func(m Message) bool { return m.Status == "dead" }},
		{"status delivered", MessageQuery{Status: "delivered"}, 1, func(m Message) bool { return m.ControlID == "A00" }},
		{"status filtered", MessageQuery{Status: "filtered"}, 1, func(m Message) bool { return m.ControlID == "F00" }},
		{"status received", MessageQuery{Status: "received"}, 27, func(m Message) bool { return m.Status == "received" }},
		{"type", MessageQuery{Type: "ORM"}, 10, func(m Message) bool { return m.Type == "ORM" }},
		{"trigger", MessageQuery{Trigger: "A08"}, 10, func(m Message) bool { return m.Trigger == "A08" }},
		{"control ID", MessageQuery{ControlID: "A05"}, 1, func(m Message) bool { return m.ControlID == "A05" }},
		{"patient ID", MessageQuery{PatientID: "MRN3"}, 6, func(m Message) bool { return m.PatientID == "MRN3" }},
		{"text", MessageQuery{Text: "O0"}, 10, func(m Message) bool { return strings.HasPrefix(m.ControlID, "O0") }},
		{"window", MessageQuery{From: t0.Add(10 * time.Minute), To: t0.Add(20 * time.Minute)}, 10, func(m Message) bool {
			return !m.ReceivedAt.Before(t0.Add(10*time.Minute)) && m.ReceivedAt.Before(t0.Add(20*time.Minute))
		}},
		{"from only", MessageQuery{From: t0.Add(25 * time.Minute)}, 6, func(m Message) bool { return !m.ReceivedAt.Before(t0.Add(25 * time.Minute)) }},
		{"combined", MessageQuery{Channel: "adt", Status: "dead", Trigger: "A08"}, 1, func(m Message) bool { return m.ControlID == "A01" }},
		{"no match", MessageQuery{Channel: "nope"}, 0, nil},
		{"limit above the cap", MessageQuery{Limit: 5000}, 31, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			list, err := f.c.ListMessages(ctx, tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if len(list.Messages) != tt.want {
				t.Fatalf("got %d messages, want %d", len(list.Messages), tt.want)
			}
			if list.Next != 0 {
				t.Errorf("a short page has next %d", list.Next)
			}
			for i, m := range list.Messages {
				if tt.match != nil && !tt.match(m) {
					t.Errorf("%+v does not match", m)
				}
				if i > 0 && m.ID >= list.Messages[i-1].ID {
					t.Errorf("not newest first at %d", i)
				}
			}
		})
	}
}

func TestListMessagesMetadataOnly(t *testing.T) {
	f := newFixture(t, Options{AllowContent: true})
	code, h, body := f.get("/api/v1/messages?control_id=A00")
	if code != 200 || h.Get("Content-Type") != "application/json" || h.Get("Cache-Control") != "no-store" {
		t.Fatalf("list: %d %v", code, h)
	}
	if strings.Contains(body, "DOE^JANE") || strings.Contains(body, "MSH|") {
		t.Errorf("list holds content: %s", body)
	}
	for _, want := range []string{`"received_at":"2025-03-01T08:00:00Z"`, `"patient_id":"MRN0"`, `"remote":"10.0.0.5:41000"`,
		`"sending_app":"SND"`, `"config_version":"abc123def456"`, `"status":"delivered"`} {
		if !strings.Contains(body, want) {
			t.Errorf("list lacks %s: %s", want, body)
		}
	}
	if code, _, body := f.get("/api/v1/messages?channel=nope"); code != 200 || !strings.Contains(body, `"messages":[]`) {
		t.Errorf("an empty list is not []: %s", body)
	}
}

func TestListMessagesPaging(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	pages := func(q MessageQuery) (sizes []int, ids []int64) {
		t.Helper()
		for range 100 {
			list, err := f.c.ListMessages(ctx, q)
			if err != nil {
				t.Fatal(err)
			}
			sizes = append(sizes, len(list.Messages))
			for _, m := range list.Messages {
				ids = append(ids, m.ID)
			}
			if list.Next == 0 {
				return sizes, ids
			}
			if len(list.Messages) == 0 || list.Next != list.Messages[len(list.Messages)-1].ID {
				t.Fatalf("next %d is not the last ID of the page", list.Next)
			}
			q.Before = list.Next
		}
		t.Fatal("paging does not end")
		return nil, nil
	}
	sizes, ids := pages(MessageQuery{Limit: 7})
	if !slices.Equal(sizes, []int{7, 7, 7, 7, 3}) {
		t.Errorf("page sizes %v", sizes)
	}
	if len(ids) != 31 || !slices.IsSortedFunc(ids, func(a, b int64) int { return int(b - a) }) || len(slices.Compact(slices.Clone(ids))) != 31 {
		t.Errorf("pages do not cover every message once, newest first: %v", ids)
	}
	// When the last page is full, one more (empty) page ends the walk.
	sizes, ids = pages(MessageQuery{Channel: "orders", Limit: 5})
	if !slices.Equal(sizes, []int{5, 5, 0}) || len(ids) != 10 {
		t.Errorf("orders pages %v", sizes)
	}
}

func TestMessageQueryRoundTrip(t *testing.T) {
	q := MessageQuery{Channel: "adt", Status: "dead", Type: "ADT", Trigger: "A01", ControlID: "C 1&x=y", PatientID: "MRN#1",
		TraceID: "4bf92f3577b34da6a3ce929d0e0e4736", ParentID: 9, Text: "100%", From: t0, To: t0.Add(90 * time.Second), Before: 42, Limit: 7}
	got, err := parseMessageQuery(q.Values())
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, q) {
		t.Errorf("round trip:\n got %+v\nwant %+v", got, q)
	}
	if got, err := parseMessageQuery(MessageQuery{}.Values()); err != nil || !reflect.DeepEqual(got, MessageQuery{}) {
		t.Errorf("empty query: %+v %v", got, err)
	}
}

func TestBadRequests(t *testing.T) {
	f := newFixture(t, Options{})
	tests := []struct {
		method, path, contentType, body string
		code                            int
		want                            string
	}{
		{"GET", "/api/v1/messages?limit=abc", "", "", 400, "parameter limit"},
		{"GET", "/api/v1/messages?limit=0", "", "", 400, "parameter limit"},
		{"GET", "/api/v1/messages?limit=-3", "", "", 400, "parameter limit"},
		{"GET", "/api/v1/messages?from=notatime", "", "", 400, "parameter from"},
		{"GET", "/api/v1/messages?to=2025-03-01", "", "", 400, "parameter to"},
		{"GET", "/api/v1/messages?from=2025-03-02T00:00:00Z&to=2025-03-01T00:00:00Z", "", "", 400, "parameter to"},
		{"GET", "/api/v1/messages?before=x", "", "", 400, "parameter before"},
		{"GET", "/api/v1/messages?status=bogus", "", "", 400, "parameter status"},
		{"GET", "/api/v1/messages?trace_id=4bf92f35", "", "", 400, "parameter trace_id: must be 32 hexadecimal digits"},
		{"GET", "/api/v1/messages?trace_id=4bf92f3577b34da6a3ce929d0e0e473g", "", "", 400, "parameter trace_id"},
		{"GET", "/api/v1/messages?chanel=adt", "", "", 400, "parameter chanel: unknown parameter"},
		{"GET", "/api/v1/messages?channel=adt&channel=lab", "", "", 400, "parameter channel"},
		{"GET", "/api/v1/messages/abc", "", "", 400, "parameter id"},
		{"GET", "/api/v1/messages/0", "", "", 400, "parameter id"},
		{"GET", "/api/v1/messages/1?content=maybe", "", "", 400, "parameter content"},
		{"GET", "/api/v1/messages/1/content?x=1", "", "", 400, "parameter x"},
		{"POST", "/api/v1/messages/abc/resend", "", "", 400, "parameter id"},
		{"GET", "/api/v1/dlq?limit=abc", "", "", 400, "parameter limit"},
		{"GET", "/api/v1/dlq?status=dead", "", "", 400, "parameter status"},
		{"GET", "/api/v1/channels?verbose=1", "", "", 400, "parameter verbose"},
		{"GET", "/api/v1/messages/999999", "", "", 404, "message 999999 not found"},
		{"POST", "/api/v1/dlq/replay", "application/json", `{}`, 400, "at least one of"},
		{"POST", "/api/v1/dlq/replay", "application/json", ``, 400, "invalid JSON body"},
		{"POST", "/api/v1/dlq/replay", "application/json", `{"chanel":"adt"}`, 400, `unknown field \"chanel\"`},
		{"POST", "/api/v1/dlq/replay", "application/json", `{"channel":"adt"} {"channel":"x"}`, 400, "more than one value"},
		{"POST", "/api/v1/dlq/replay", "application/json", `{"from":"notatime"}`, 400, "invalid JSON body"},
		{"POST", "/api/v1/dlq/replay", "application/json", `{"delivery_id":"7"}`, 400, "invalid JSON body"},
		{"POST", "/api/v1/dlq/replay", "application/json", `{"delivery_id":-7}`, 400, "must be positive"},
		{"POST", "/api/v1/dlq/replay", "application/json", `{"from":"2025-03-02T00:00:00Z","to":"2025-03-01T00:00:00Z"}`, 400, "to must be after from"},
		{"POST", "/api/v1/dlq/replay", "text/plain", `{"channel":"adt"}`, 415, "application/json"},
		{"POST", "/api/v1/dlq/replay", "application/json", `{"channel":"` + strings.Repeat("x", maxBody) + `"}`, 413, "larger than"},
	}
	for _, tt := range tests {
		t.Run(tt.method+" "+tt.path, func(t *testing.T) {
			code, h, body := f.do(tt.method, tt.path, tt.contentType, tt.body, nil)
			if code != tt.code || !strings.Contains(body, tt.want) || h.Get("Content-Type") != "application/json" {
				t.Errorf("got %d %s %q, want %d with %q", code, h.Get("Content-Type"), body, tt.code, tt.want)
			}
		})
	}
}

func TestMessageDetail(t *testing.T) {
	f := newFixture(t, Options{AllowContent: true})
	ctx := context.Background()
	rec := f.data.adt[1]
	m, err := f.c.Message(ctx, rec.Msg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if m.ID != rec.Msg.ID || m.Status != "dead" || m.ControlID != "A01" || m.ContentSize != len(rec.Msg.Raw) || m.ContentPruned {
		t.Errorf("message: %+v", m)
	}
	if len(m.Deliveries) != 2 {
		t.Fatalf("deliveries: %+v", m.Deliveries)
	}
	lab, archive := m.Deliveries[0], m.Deliveries[1]
	if lab.Destination != "lab" || lab.Status != journal.Dead || lab.Attempts != 2 || lab.LastError != "AR: unknown patient" ||
		lab.ResponseStatus != "AR" || !lab.NextAttemptAt.IsZero() {
		t.Errorf("lab delivery: %+v", lab.Delivery)
	}
	if len(lab.AttemptLog) != 2 || lab.AttemptLog[0].Error != "connection refused" || lab.AttemptLog[1].Outcome != journal.Dead {
		t.Errorf("lab attempts: %+v", lab.AttemptLog)
	}
	for _, a := range lab.AttemptLog {
		if a.Response != nil {
			t.Errorf("response sent without ?content=1: %q", a.Response)
		}
	}
	if archive.Destination != "archive" || archive.Status != journal.Delivered || len(archive.AttemptLog) != 1 {
		t.Errorf("archive delivery: %+v", archive)
	}

	m, err = f.c.MessageWithResponses(ctx, rec.Msg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got := string(m.Deliveries[0].AttemptLog[1].Response); got != "MSA|AR|A01\r" {
		t.Errorf("response with ?content=1: %q", got)
	}

	m, err = f.c.Message(ctx, f.data.adt[0].Msg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if a := m.Deliveries[0].AttemptLog[0]; a.DurationMS != 1.5 || a.ResponseStatus != "AA" || !a.Started.Equal(t0.Add(time.Hour)) {
		t.Errorf("attempt: %+v", a)
	}

	m, err = f.c.Message(ctx, f.data.orders[0].Msg.ID)
	if err != nil {
		t.Fatal(err)
	}
	if d := m.Deliveries[0]; d.Status != journal.Pending || !d.NextAttemptAt.Equal(t0.Add(2*time.Hour)) || d.LastError != "HTTP 503" {
		t.Errorf("retrying delivery: %+v", d.Delivery)
	}

	m, err = f.c.Message(ctx, f.data.filtered.Msg.ID)
	if err != nil || m.Status != "filtered" || m.Deliveries == nil || len(m.Deliveries) != 0 {
		t.Errorf("filtered message: %+v %v", m, err)
	}

	_, err = f.c.Message(ctx, 999999)
	if e := apiError(t, err); e.StatusCode != 404 || e.Message != "message 999999 not found" {
		t.Errorf("missing message: %+v", e)
	}
}

func TestContent(t *testing.T) {
	ctx := context.Background()
	t.Run("allowed from loopback", func(t *testing.T) {
		f := newFixture(t, Options{AllowContent: true})
		rec := f.data.adt[3]
		data, ct, err := f.c.Content(ctx, rec.Msg.ID)
		if err != nil {
			t.Fatal(err)
		}
		if string(data) != string(rec.Msg.Raw) || ct != "application/hl7-v2" {
			t.Errorf("content %q %q", data, ct)
		}
		_, h, _ := f.get(fmt.Sprintf("/api/v1/messages/%d/content", rec.Msg.ID))
		if h.Get("Cache-Control") != "no-store" || h.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("content headers: %v", h)
		}
		_, _, err = f.c.Content(ctx, 999999)
		if e := apiError(t, err); e.StatusCode != 404 {
			t.Errorf("missing message: %+v", e)
		}

		// Once retention deletes the content, it is gone (410) and the
		// metadata says so.
		if _, _, err := f.j.Prune(ctx, "adt", time.Now().Add(time.Hour), time.Time{}, 100); err != nil {
			t.Fatal(err)
		}
		done := f.data.adt[0].Msg.ID
		_, _, err = f.c.Content(ctx, done)
		if e := apiError(t, err); e.StatusCode != 410 {
			t.Errorf("pruned content: %+v", e)
		}
		m, err := f.c.Message(ctx, done)
		if err != nil || !m.ContentPruned || m.ContentSize != 0 {
			t.Errorf("pruned message: %+v %v", m, err)
		}
	})
	t.Run("not allowed", func(t *testing.T) {
		f := newFixture(t, Options{})
		id := f.data.adt[0].Msg.ID
		_, _, err := f.c.Content(ctx, id)
		if e := apiError(t, err); e.StatusCode != 403 {
			t.Errorf("content: %+v", e)
		}
		// Refused before the lookup: no probing which messages exist.
		_, _, err = f.c.Content(ctx, 999999)
		if e := apiError(t, err); e.StatusCode != 403 {
			t.Errorf("content of a missing message: %+v", e)
		}
		_, err = f.c.MessageWithResponses(ctx, id)
		if e := apiError(t, err); e.StatusCode != 403 {
			t.Errorf("responses: %+v", e)
		}
		if _, err := f.c.Message(ctx, id); err != nil {
			t.Errorf("metadata is still served: %v", err)
		}
	})
	t.Run("default refuses what is not loopback", func(t *testing.T) {
		f := newFixture(t, Options{})
		h := New(f.eng, Options{AllowContent: true, Logger: slog.New(slog.DiscardHandler)})
		path := fmt.Sprintf("/api/v1/messages/%d/content", f.data.adt[0].Msg.ID)
		for _, tt := range []struct {
			remote, host string
			code         int
		}{
			{"127.0.0.1:5000", "localhost:8080", 200},
			{"192.0.2.1:5000", "localhost:8080", 403},
			{"127.0.0.1:5000", "evil.example:8080", 403},
		} {
			r := httptest.NewRequest("GET", path, nil)
			r.RemoteAddr, r.Host = tt.remote, tt.host
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.code {
				t.Errorf("remote %s host %s: %d, want %d", tt.remote, tt.host, w.Code, tt.code)
			}
		}
	})
	t.Run("default asks the principal when there is one", func(t *testing.T) {
		f := newFixture(t, Options{})
		h := New(f.eng, Options{AllowContent: true, Logger: slog.New(slog.DiscardHandler)})
		path := fmt.Sprintf("/api/v1/messages/%d/content", f.data.adt[0].Msg.ID)
		for _, tt := range []struct {
			remote string
			perms  []string
			code   int
		}{
			{"127.0.0.1:5000", nil, 403}, // loopback, but the principal lacks phi
			{"192.0.2.1:5000", []string{"phi"}, 200},
		} {
			r := httptest.NewRequest("GET", path, nil)
			r.RemoteAddr, r.Host = tt.remote, "localhost:8080"
			r = r.WithContext(auth.WithPrincipal(r.Context(), &auth.Principal{Kind: auth.KindAPIKey, Subject: "k", Roles: []string{"viewer"}, Permissions: tt.perms}))
			w := httptest.NewRecorder()
			h.ServeHTTP(w, r)
			if w.Code != tt.code {
				t.Errorf("remote %s permissions %q: %d, want %d", tt.remote, tt.perms, w.Code, tt.code)
			}
		}
	})
	t.Run("permission check", func(t *testing.T) {
		f := newFixture(t, Options{AllowContent: true, CanViewContent: func(r *http.Request) bool {
			return r.Header.Get("X-Test-Permission") == "phi"
		}})
		path := fmt.Sprintf("/api/v1/messages/%d/content", f.data.adt[0].Msg.ID)
		if code, _, _ := f.get(path); code != 403 {
			t.Errorf("without permission: %d", code)
		}
		if code, _, body := f.do("GET", path, "", "", http.Header{"X-Test-Permission": {"phi"}}); code != 200 || !strings.HasPrefix(body, "MSH|") {
			t.Errorf("with permission: %d %q", code, body)
		}
	})
}

func TestLoopbackOnly(t *testing.T) {
	tests := []struct {
		remote, host string
		want         bool
	}{
		{"127.0.0.1:5000", "127.0.0.1:8080", true},
		{"127.0.0.1:5000", "localhost:8080", true},
		{"127.0.0.1:5000", "localhost", true},
		{"[::1]:5000", "[::1]:8080", true},
		{"[::ffff:127.0.0.1]:5000", "127.0.0.1", true},
		{"10.1.2.3:5000", "127.0.0.1:8080", false},
		{"[2001:db8::1]:5000", "localhost:8080", false},
		// A page whose name was rebound to 127.0.0.1 keeps its own Host.
		{"127.0.0.1:5000", "evil.example:8080", false},
		{"127.0.0.1:5000", "plexus.internal", false},
		{"garbage", "localhost", false},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/api/v1/messages/1/content", nil)
		r.RemoteAddr, r.Host = tt.remote, tt.host
		if got := LoopbackOnly(r); got != tt.want {
			t.Errorf("LoopbackOnly(remote %s, host %s) = %v, want %v", tt.remote, tt.host, got, tt.want)
		}
	}
}

func TestResend(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	id := f.data.adt[0].Msg.ID
	n, err := f.c.Resend(ctx, id)
	if err != nil || n != 2 {
		t.Fatalf("resend: %d %v", n, err)
	}
	m, err := f.c.Message(ctx, id)
	if err != nil {
		t.Fatal(err)
	}
	if m.Status != "received" || len(m.Deliveries) != 4 {
		t.Fatalf("after resend: status %s, %d deliveries", m.Status, len(m.Deliveries))
	}
	for i, d := range m.Deliveries {
		if i < 2 && (d.Status != journal.Delivered || len(d.AttemptLog) != 1) {
			t.Errorf("earlier delivery %d changed: %+v", i, d)
		}
		if i >= 2 && (d.Status != journal.Pending || d.Attempts != 0 || len(d.AttemptLog) != 0 || d.ID <= m.Deliveries[1].ID) {
			t.Errorf("new delivery %d: %+v", i, d)
		}
	}
	if m.Deliveries[2].Destination != "lab" && m.Deliveries[3].Destination != "lab" {
		t.Errorf("lab not resent: %+v", m.Deliveries)
	}

	_, err = f.c.Resend(ctx, 999999)
	if e := apiError(t, err); e.StatusCode != 404 {
		t.Errorf("resend a missing message: %+v", e)
	}
	_, err = f.c.Resend(ctx, f.data.filtered.Msg.ID)
	if e := apiError(t, err); e.StatusCode != 409 || !strings.Contains(e.Message, "no deliveries") {
		t.Errorf("resend a filtered message: %+v", e)
	}
}
