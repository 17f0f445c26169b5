package web

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/platform/audit"
)

// rowIDs returns the message IDs a list page shows, in order.
func rowIDs(body string) []string {
	var out []string
	for _, m := range regexp.MustCompile(`<td class="num"><a href="/ui/messages/(\d+)">`).FindAllStringSubmatch(body, -1) {
		out = append(out, m[1])
	}
	return out
}

func TestMessageSearch(t *testing.T) {
	f := newFixture(t, nil)
	for i := 1; i <= 120; i++ {
		channel := "adt"
		if i%3 == 0 {
			channel = "orders"
		}
		rec := record(channel, fmt.Sprintf("CTL%03d", i), fmt.Sprintf("PAT%d", i%7), nil, "lab")
		if i == 50 {
			rec.Msg.Status, rec.Msg.Error, rec.Deliveries = engine.StatusError, "PID-3: required field missing", nil
		}
		f.engine.append(t, rec)
	}
	for _, c := range []struct {
		name, query string
		first       string // the first ID listed
		count       int
	}{
		{"newest first, a page of 50", "", "120", 50},
		{"second page", "before=71", "70", 50},
		{"last page", "before=21", "20", 20},
		{"page size", "limit=10", "120", 10},
		{"channel", "channel=orders", "120", 40},
		{"status", "status=error", "50", 1},
		{"control ID", "control_id=CTL007", "7", 1},
		{"patient ID", "patient_id=PAT3", "115", 17},
		{"type and trigger", "type=ADT&trigger=A01&limit=500", "120", 120},
		{"text in the error", "q=required+field", "50", 1},
		{"text in the control ID", "q=CTL11", "119", 10},
		{"nothing", "trigger=A08", "", 0},
	} {
		r := f.get("viewer", "/ui/messages?"+c.query)
		if r.status != http.StatusOK {
			t.Errorf("%s: %d", c.name, r.status)
			continue
		}
		ids := rowIDs(r.body)
		if len(ids) != c.count || c.count > 0 && ids[0] != c.first {
			t.Errorf("%s: %d rows from %v, want %d from %s", c.name, len(ids), ids[:min(len(ids), 3)], c.count, c.first)
		}
	}
	// Paging links keep the search and move the cursor.
	r := f.get("viewer", "/ui/messages?channel=adt")
	mustContain(t, "first page", r.body, `href="/ui/messages?before=`, `channel=adt`, `data-live="/ui/events?after=119&amp;channel=adt"`)
	r = f.get("viewer", "/ui/messages?channel=adt&before=60")
	mustContain(t, "second page", r.body, `« Newest`)
	mustNotContain(t, "second page", r.body, `data-live=`)
	// A time range.
	r = f.get("viewer", "/ui/messages?from=2000-01-01T00:00&to=2001-01-01T00:00")
	if ids := rowIDs(r.body); len(ids) != 0 {
		t.Errorf("a time range in 2000 lists %d messages", len(ids))
	}
	r = f.get("viewer", "/ui/messages?from=2000-01-01T00:00&limit=5")
	if ids := rowIDs(r.body); len(ids) != 5 {
		t.Errorf("from 2000 lists %d messages", len(ids))
	}
	// Mistakes are explained on the page.
	for query, want := range map[string]string{
		"status=lost":                         "Status must be one of",
		"from=yesterday":                      "From: not a time",
		"from=2024-01-02T00:00&to=2024-01-01": "To must be after From.",
		"before=-3":                           "page cursor",
		"limit=100000":                        "page size",
	} {
		r := f.get("viewer", "/ui/messages?"+query)
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, want) {
			t.Errorf("%s: %d, want 400 with %q", query, r.status, want)
		}
	}
}

// bundle is a FHIR transaction as a v2-to-FHIR transform writes it.
const bundle = `{"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:1","resource":{"resourceType":"Patient","id":"pat-123"},"request":{"method":"PUT","url":"Patient/pat-123"}},
 {"fullUrl":"urn:uuid:2","resource":{"resourceType":"Encounter","id":"enc-9"},"request":{"method":"PUT","url":"Encounter/enc-9"}}]}`

func TestMessagePage(t *testing.T) {
	f := newFixture(t, nil)
	rec := record("adt", "CTL1", "PAT77", []byte(bundle), "fhir", "lab")
	rec.Deliveries[1].Payload = nil // lab gets the message as received
	rec.Msg.Unmapped = []string{"PV1-44 (segment 3): admit date not mapped"}
	rec.Msg.TraceID = "4bf92f3577b34da6a3ce929d0e0e4736"
	f.engine.append(t, rec)
	f.kill(rec.Deliveries[0].ID, rec.Msg.ID, `{"resourceType":"OperationOutcome","issue":[{"diagnostics":"PAT77 unknown"}]}`)
	id := fmt.Sprint(rec.Msg.ID)

	// Without content: metadata, deliveries and attempts, no payloads.
	r := f.get("operator", "/ui/messages/"+id)
	if r.status != http.StatusOK {
		t.Fatalf("message page: %d", r.status)
	}
	mustContain(t, "message page", r.body, "CTL1", "PAT77", "EPIC", "ADT^A01", "v1", "fhir", "lab",
		"connection refused", `badge st-dead`, "12.0 ms", `action="/ui/dlq/replay"`, `action="/ui/messages/`+id+`/resend"`)
	mustNotContain(t, "message page without phi", r.body, "MSH|", "pat-123", "OperationOutcome", "admit date", "Show content")
	mustContain(t, "message page without phi", r.body, "needs the <strong>phi</strong> permission")
	mustNotContain(t, "viewer's message page", f.get("viewer", "/ui/messages/"+id).body, `action="/ui/dlq/replay"`, `/resend"`)

	// With the phi permission, content is a click away and then shown:
	// raw, tree, unmapped, transform outputs (the Bundle's entries) and
	// responses.
	r = f.get("phiop", "/ui/messages/"+id)
	mustContain(t, "phi holder's message page", r.body, `href="/ui/messages/`+id+`?content=1"`)
	mustNotContain(t, "phi holder's message page", r.body, "MSH|")
	r = f.get("phiop", "/ui/messages/"+id+"?content=1")
	mustContain(t, "content view", r.body,
		"MSH|^~\\&amp;|EPIC|HOSP", // the raw message, escaped
		`<span class="seg">PID</span>`, "<th>PID-3(1).1</th><td>PAT77</td>", "<th>PID-5.2</th><td>John</td>",
		"admit date not mapped", "Bundle (transaction): 2 resources", "<td>Patient</td><td class=\"mono\">pat-123</td><td class=\"mono\">PUT Patient/pat-123</td>",
		"Encounter/enc-9", "This destination is sent the message as received.", "PAT77 unknown")

	// The content view is audited as one.
	recs, _, err := f.audit.Query(context.Background(), audit.Filter{Actions: []string{"admin.messages.content"}})
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Subject != "phiop" || recs[0].ResourceID != id {
		t.Errorf("content views audited: %+v", recs)
	}

	// Missing messages.
	for _, path := range []string{"/ui/messages/999", "/ui/messages/abc", "/ui/messages/0"} {
		if r := f.get("viewer", path); r.status != http.StatusNotFound {
			t.Errorf("%s: %d", path, r.status)
		}
	}
}

func TestResendAndReplay(t *testing.T) {
	f := newFixture(t, nil)
	ctx := context.Background()
	var dead []int64
	for i := range 4 {
		rec := record("adt", fmt.Sprintf("C%d", i), "P", nil, "lab", "fhir")
		f.engine.append(t, rec)
		f.kill(rec.Deliveries[0].ID, rec.Msg.ID, "")
		f.kill(rec.Deliveries[1].ID, rec.Msg.ID, "")
		dead = append(dead, rec.Deliveries[0].ID, rec.Deliveries[1].ID)
	}
	r := f.get("operator", "/ui/dlq")
	mustContain(t, "dead letters", r.body, "adt → lab", "adt → fhir", "4 dead", "Replay all 4", `form="replay-selected"`)
	mustContain(t, "dead letters of one destination", f.get("viewer", "/ui/dlq?channel=adt&destination=fhir").body, "adt → fhir")
	mustNotContain(t, "dead letters of one destination", f.get("viewer", "/ui/dlq?channel=adt&destination=fhir").body, "adt → lab")
	mustNotContain(t, "viewer's dead letters", f.get("viewer", "/ui/dlq").body, "Replay all", `type="checkbox"`)

	// A selection.
	r = f.do("operator", "POST", "/ui/dlq/replay", url.Values{"delivery": {fmt.Sprint(dead[0]), fmt.Sprint(dead[2])}})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/ui/dlq?done=replayed&n=2" {
		t.Fatalf("replay a selection: %d %q", r.status, r.header.Get("Location"))
	}
	mustContain(t, "page after a replay", f.get("operator", "/ui/dlq?done=replayed&n=2").body, "Replayed 2 dead letters.")
	// A destination.
	r = f.do("operator", "POST", "/ui/dlq/replay", url.Values{"channel": {"adt"}, "destination": {"fhir"}})
	if r.header.Get("Location") != "/ui/dlq?done=replayed&n=4" {
		t.Errorf("replay a destination: %q", r.header.Get("Location"))
	}
	left, err := f.engine.j.DeadLetters(ctx, "", "", 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(left) != 2 || left[0].Destination != "lab" {
		t.Errorf("dead letters left: %+v", left)
	}
	for _, form := range []url.Values{{"delivery": {"x"}}, {"delivery": {"-1"}}} {
		if r := f.do("operator", "POST", "/ui/dlq/replay", form); r.status != http.StatusBadRequest {
			t.Errorf("replay %v: %d", form, r.status)
		}
	}
	if r := f.do("operator", "POST", "/ui/dlq/replay", url.Values{}); r.header.Get("Location") != "/ui/dlq?done=nothing" {
		t.Errorf("an empty replay: %q", r.header.Get("Location"))
	}

	// Resend queues every destination again.
	r = f.do("operator", "POST", "/ui/messages/1/resend", url.Values{})
	if r.status != http.StatusSeeOther || r.header.Get("Location") != "/ui/messages/1?done=resent&n=2" {
		t.Errorf("resend: %d %q", r.status, r.header.Get("Location"))
	}
	ds, _ := f.engine.j.Deliveries(ctx, 1)
	if len(ds) != 4 {
		t.Errorf("message 1 has %d deliveries after a resend", len(ds))
	}
	filtered := record("adt", "F1", "P", nil)
	filtered.Msg.Status = engine.StatusFiltered
	f.engine.append(t, filtered)
	if r := f.do("operator", "POST", fmt.Sprintf("/ui/messages/%d/resend", filtered.Msg.ID), url.Values{}); r.status != http.StatusConflict {
		t.Errorf("resend of a filtered message: %d", r.status)
	}
}

// TestParseSearchParent checks the parent filter: the parts of a split
// message are listed by its ID, and a bad ID is refused.
func TestParseSearchParent(t *testing.T) {
	f, err := parseSearch(url.Values{"parent_id": {"42"}})
	if err != nil || f.ParentID != 42 {
		t.Fatalf("parent 42: %+v, %v", f, err)
	}
	for _, bad := range []string{"0", "-1", "x"} {
		if _, err := parseSearch(url.Values{"parent_id": {bad}}); err == nil {
			t.Errorf("parent %q accepted", bad)
		}
	}
	if _, err := parseSearch(url.Values{"status": {"split"}}); err != nil {
		t.Errorf("status split refused: %v", err)
	}
}
