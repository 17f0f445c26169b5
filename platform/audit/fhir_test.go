package audit

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/fhir/validate"
	"github.com/plexus-health/plexus/platform/auth"
)

// variety records one entry of each kind the log holds.
func variety(t *testing.T, l *Log) {
	t.Helper()
	entries := []Entry{
		{Principal: auth.KindClient, Subject: "app", TokenID: "jti-9", Remote: "192.0.2.7", Action: "fhir.read", Method: "GET", ResourceType: "Patient", ResourceID: "p1", Path: "/fhir/Patient/p1", Status: 200},
		{Principal: auth.KindClient, Subject: "app", Remote: "2001:db8::1", Action: "fhir.search-type", Method: "GET", ResourceType: "Observation", Path: "/fhir/Observation", Query: "patient=p1&code=1234-5", Status: 200},
		{Principal: auth.KindUser, Subject: "ann", Remote: "192.0.2.8", Action: "fhir.create", Method: "POST", ResourceType: "Patient", Path: "/fhir/Patient", Status: 201},
		{Principal: auth.KindUser, Subject: "ann", Remote: "192.0.2.8", Action: "fhir.update", Method: "PUT", ResourceType: "Patient", ResourceID: "p1", Path: "/fhir/Patient/p1", Status: 422},
		{Action: "fhir.delete", Method: "DELETE", ResourceType: "Patient", ResourceID: "p1", Path: "/fhir/Patient/p1", Remote: "192.0.2.9", Status: 401},
		{Subject: "app", Action: "fhir.transaction", Method: "POST", Path: "/fhir", Status: 500},
		{Subject: "app", Action: "fhir.operation.$everything", Method: "GET", ResourceType: "Patient", ResourceID: "p1", Path: "/fhir/Patient/p1/$everything", Status: 200},
		{Subject: "app", Action: "fhir.vread", Method: "GET", ResourceType: "Patient", ResourceID: "p1", Path: "/fhir/Patient/p1/_history/1", Status: 200},
		{Subject: "app", Action: "fhir.capabilities", Method: "GET", Path: "/fhir/metadata", Status: 200},
		{Principal: auth.KindUser, Subject: "ops", Remote: "127.0.0.1", Action: "admin.messages.content", Method: "GET", ResourceID: "42", Path: "/api/v1/messages/42/content", Status: 200},
		{Principal: auth.KindAPIKey, Subject: "ci", TokenID: "key-3", Remote: "localhost", Action: "admin.dlq.replay", Method: "POST", Path: "/api/v1/dlq/replay", Status: 200},
		{Principal: auth.KindUser, Subject: "ops", Remote: "127.0.0.1", Action: ActionLogin, Outcome: OutcomeFailure},
		{Subject: "weird id", Action: "fhir.read", Method: "GET", ResourceType: "Patient", ResourceID: "a b", Path: "/fhir/Patient/a b", Status: 404},
	}
	for _, e := range entries {
		if err := l.Record(context.Background(), e); err != nil {
			t.Fatal(err)
		}
	}
}

func TestAuditEventsAreValidFHIR(t *testing.T) {
	_, l := openTest(t, Options{Now: fixedClock()})
	variety(t, l)
	v, err := validate.New()
	if err != nil {
		t.Fatal(err)
	}
	recs, _, err := l.Query(context.Background(), Filter{})
	if err != nil || len(recs) != 13 {
		t.Fatalf("%d records, %v", len(recs), err)
	}
	for _, r := range recs {
		b, err := json.Marshal(auditEvent(&r))
		if err != nil {
			t.Fatal(err)
		}
		oo, err := v.Validate(b)
		if err != nil {
			t.Fatal(err)
		}
		if !oo.OK() {
			t.Errorf("AuditEvent of %s is not valid: %v\n%s", r.Action, oo.Errors(), b)
		}
	}
	// Spot checks of the mapping.
	ev := auditEvent(&recs[len(recs)-2]) // the search
	if ev["action"] != "R" || ev["outcome"] != "0" {
		t.Errorf("search: action %v outcome %v", ev["action"], ev["outcome"])
	}
	read := auditEvent(&recs[len(recs)-1])
	b, _ := json.Marshal(read)
	for _, want := range []string{`"reference":"Patient/p1"`, `"code":"rest"`, `"code":"read"`, `"address":"192.0.2.7"`, `"type":"2"`, `"display":"Plexus"`, `"recorded":"2026-03-01T08:00:01Z"`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("read AuditEvent lacks %s: %s", want, b)
		}
	}
}

func TestFHIRHandler(t *testing.T) {
	_, l := openTest(t, Options{Now: fixedClock()}) // record n is at 08:00:n
	variety(t, l)
	srv := httptest.NewServer(l.FHIRHandler("/fhir"))
	defer srv.Close()

	search := func(query string) (int, []string, string) {
		t.Helper()
		status, body := do(t, "GET", srv.URL+"/fhir/AuditEvent"+query, "")
		var b struct {
			ResourceType string
			Type         string
			Link         []struct{ Relation, URL string }
			Entry        []struct {
				FullURL  string
				Resource struct{ ID string }
			}
		}
		if err := json.Unmarshal([]byte(body), &b); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		var ids []string
		for _, e := range b.Entry {
			ids = append(ids, e.Resource.ID)
			if e.FullURL != srv.URL+"/fhir/AuditEvent/"+e.Resource.ID {
				t.Errorf("fullUrl %s", e.FullURL)
			}
		}
		var next string
		for _, ln := range b.Link {
			if ln.Relation == "next" {
				next = ln.URL
			}
		}
		if status == 200 && (b.ResourceType != "Bundle" || b.Type != "searchset") {
			t.Errorf("%s: %s %s", query, b.ResourceType, b.Type)
		}
		return status, ids, next
	}
	cases := []struct {
		query string
		want  string
	}{
		{"", "13 12 11 10 9 8 7 6 5 4 3 2 1"},
		{"?agent=ann", "4 3"},
		{"?subtype=read", "13 1"},
		{"?subtype=read,vread", "13 8 1"},
		{"?subtype=" + url.QueryEscape("http://hl7.org/fhir/restful-interaction|operation"), "7"},
		{"?subtype=admin.dlq.replay", "11"},
		{"?subtype=login", "12"},
		{"?entity=Patient/p1", "8 7 5 4 1"},
		{"?entity-type=Observation", "2"},
		{"?outcome=8", "6"},
		{"?outcome=4&agent=ops", "12"},
		{"?date=ge2026-03-01T08:00:03Z&date=lt2026-03-01T08:00:06Z", "5 4 3"},
		{"?date=gt2026-03-01T08:00:11Z", "13 12"},
		{"?date=le2026-03-01T08:00:02Z", "2 1"},
		{"?date=2026-03-01T08:00:05Z", "5"},
		{"?date=2026-03", "13 12 11 10 9 8 7 6 5 4 3 2 1"},
		{"?date=2026-02", ""},
	}
	for _, tc := range cases {
		status, ids, _ := search(tc.query)
		if status != 200 || strings.Join(ids, " ") != tc.want {
			t.Errorf("%s: %d %v, want %s", tc.query, status, ids, tc.want)
		}
	}
	// Paging with _count follows next links to the end.
	var all []string
	link, pages := "?_count=5&agent=app", 0
	for ; link != "" && pages < 10; pages++ {
		_, ids, next := search(strings.TrimPrefix(link, srv.URL+"/fhir/AuditEvent"))
		all = append(all, ids...)
		link = next
	}
	if strings.Join(all, " ") != "9 8 7 6 2 1" || pages != 2 {
		t.Errorf("paged %v in %d pages, want 9 8 7 6 2 1 in 2", all, pages)
	}
	for _, bad := range []string{"?foo=1", "?date=yesterday", "?date=ne2026", "?outcome=2", "?entity=p1", "?_count=0", "?_cursor=x"} {
		if status, _ := do(t, "GET", srv.URL+"/fhir/AuditEvent"+bad, ""); status != 400 {
			t.Errorf("%s: status %d, want 400", bad, status)
		}
	}
	// Read.
	status, body := do(t, "GET", srv.URL+"/fhir/AuditEvent/10", "")
	if status != 200 || !strings.Contains(body, `"admin.messages.content"`) {
		t.Errorf("read: %d %s", status, body)
	}
	for _, missing := range []string{"/fhir/AuditEvent/99", "/fhir/AuditEvent/x", "/fhir/AuditEvent/1/_history"} {
		if status, body := do(t, "GET", srv.URL+missing, ""); status != 404 || !strings.Contains(body, "OperationOutcome") {
			t.Errorf("%s: %d %s", missing, status, body)
		}
	}
	// Writes are refused.
	for _, w := range []struct{ method, path string }{
		{"POST", "/fhir/AuditEvent"}, {"PUT", "/fhir/AuditEvent/1"}, {"DELETE", "/fhir/AuditEvent/1"}, {"PATCH", "/fhir/AuditEvent/1"}, {"DELETE", "/fhir/AuditEvent"},
	} {
		if status, body := do(t, w.method, srv.URL+w.path, `{"resourceType":"AuditEvent"}`, "Content-Type", "application/fhir+json"); status != 405 || !strings.Contains(body, "OperationOutcome") {
			t.Errorf("%s %s: %d %s", w.method, w.path, status, body)
		}
	}
	// POST _search takes the parameters as a form.
	status, body = do(t, "POST", srv.URL+"/fhir/AuditEvent/_search", "agent=ann", "Content-Type", "application/x-www-form-urlencoded")
	if status != 200 || strings.Count(body, `"resourceType":"AuditEvent"`) != 2 {
		t.Errorf("_search: %d %s", status, body)
	}
}

func TestParseDate(t *testing.T) {
	utc := func(s string) time.Time { t, _ := time.Parse(time.RFC3339Nano, s); return t }
	cases := []struct{ in, start, end string }{
		{"2026", "2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"},
		{"2026-02", "2026-02-01T00:00:00Z", "2026-03-01T00:00:00Z"},
		{"2026-02-28", "2026-02-28T00:00:00Z", "2026-03-01T00:00:00Z"},
		{"2026-02-28T10:00+02:00", "2026-02-28T08:00:00Z", "2026-02-28T08:01:00Z"},
		{"2026-02-28T10:00:05Z", "2026-02-28T10:00:05Z", "2026-02-28T10:00:06Z"},
		{"2026-02-28T10:00:05.5Z", "2026-02-28T10:00:05.5Z", "2026-02-28T10:00:05.500000001Z"},
	}
	for _, tc := range cases {
		s, e, err := parseDate(tc.in)
		if err != nil || !s.Equal(utc(tc.start)) || !e.Equal(utc(tc.end)) {
			t.Errorf("parseDate(%q) = %v, %v, %v", tc.in, s, e, err)
		}
	}
	for _, bad := range []string{"", "26", "2026-13", "yesterday", "2026-02-30"} {
		if _, _, err := parseDate(bad); err == nil {
			t.Errorf("parseDate(%q) accepted", bad)
		}
	}
}

func FuzzFHIRFilter(f *testing.F) {
	f.Add("date=ge2026-01&subtype=read,admin.*&entity=Patient/1&_count=3")
	f.Fuzz(func(t *testing.T, query string) {
		q, err := url.ParseQuery(query)
		if err != nil {
			return
		}
		fl, err := fhirFilter(q)
		if err == nil && (fl.Limit < 0 || fl.Limit > MaxLimit || fl.Before < 0) {
			t.Errorf("filter %+v from %q", fl, query)
		}
	})
}
