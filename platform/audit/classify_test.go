package audit

import (
	"net/http/httptest"
	"strings"
	"testing"
)

func TestFHIRInteraction(t *testing.T) {
	cases := []struct {
		method, target  string
		action, typ, id string
	}{
		{"GET", "/fhir/Patient/123", "fhir.read", "Patient", "123"},
		{"HEAD", "/fhir/Patient/123", "fhir.read", "Patient", "123"},
		{"GET", "/fhir/Patient/123/_history/2", "fhir.vread", "Patient", "123"},
		{"PUT", "/fhir/Patient/123", "fhir.update", "Patient", "123"},
		{"PATCH", "/fhir/Patient/123", "fhir.patch", "Patient", "123"},
		{"DELETE", "/fhir/Patient/123", "fhir.delete", "Patient", "123"},
		{"GET", "/fhir/Patient/123/_history", "fhir.history-instance", "Patient", "123"},
		{"GET", "/fhir/Patient/_history", "fhir.history-type", "Patient", ""},
		{"GET", "/fhir/_history", "fhir.history-system", "", ""},
		{"POST", "/fhir/Patient", "fhir.create", "Patient", ""},
		{"PUT", "/fhir/Patient?identifier=x", "fhir.update", "Patient", ""},
		{"DELETE", "/fhir/Patient?identifier=x", "fhir.delete", "Patient", ""},
		{"GET", "/fhir/Observation?code=1234-5", "fhir.search-type", "Observation", ""},
		{"POST", "/fhir/Observation/_search", "fhir.search-type", "Observation", ""},
		{"GET", "/fhir?_type=Patient", "fhir.search-system", "", ""},
		{"GET", "/fhir/", "fhir.search-system", "", ""},
		{"POST", "/fhir", "fhir.bundle", "", ""},
		{"POST", "/fhir/", "fhir.bundle", "", ""},
		{"GET", "/fhir/metadata", "fhir.capabilities", "", ""},
		{"POST", "/fhir/$validate", "fhir.operation.$validate", "", ""},
		{"POST", "/fhir/Patient/$validate", "fhir.operation.$validate", "Patient", ""},
		{"GET", "/fhir/Patient/9/$everything", "fhir.operation.$everything", "Patient", "9"},
		{"GET", "/fhir/Patient/9/foo", "fhir.request", "Patient", "9"},
		{"GET", "/fhir/_foo", "fhir.request", "", ""},
		{"GET", "/fhirx/Patient", "", "", ""},
		{"GET", "/api/v1/messages", "", "", ""},
	}
	for _, tc := range cases {
		r := httptest.NewRequest(tc.method, tc.target, nil)
		e := FHIRInteraction(r, "/fhir/")
		if e.Action != tc.action || e.ResourceType != tc.typ || e.ResourceID != tc.id {
			t.Errorf("%s %s: %q %q %q, want %q %q %q", tc.method, tc.target, e.Action, e.ResourceType, e.ResourceID, tc.action, tc.typ, tc.id)
		}
		if e.Action != "" && (e.Method != tc.method || e.Path != r.URL.Path || e.Query != r.URL.RawQuery) {
			t.Errorf("%s %s: method %q path %q query %q", tc.method, tc.target, e.Method, e.Path, e.Query)
		}
	}
}

func TestAdminAction(t *testing.T) {
	cases := []struct {
		method, target string
		action, id     string
	}{
		{"GET", "/api/v1/messages?channel=adt", "admin.messages.list", ""},
		{"GET", "/api/v1/messages/42", "admin.messages.read", "42"},
		{"GET", "/api/v1/messages/42?content=1", "admin.messages.content", "42"},
		{"GET", "/api/v1/messages/42/content", "admin.messages.content", "42"},
		{"POST", "/api/v1/messages/42/resend", "admin.messages.resend", "42"},
		{"GET", "/api/v1/dlq", "admin.dlq.list", ""},
		{"POST", "/api/v1/dlq/replay", "admin.dlq.replay", ""},
		{"GET", "/api/v1/config", "admin.config.list", ""},
		{"GET", "/api/v1/audit?who=x", "admin.audit.list", ""},
		{"POST", "/api/v1/users", "admin.users.create", ""},
		{"PUT", "/api/v1/users/ann", "admin.users.update", "ann"},
		{"DELETE", "/api/v1/users/ann", "admin.users.delete", "ann"},
		{"GET", "/healthz", "", ""},
		{"GET", "/metrics", "", ""},
		{"GET", "/api/v1/", "", ""},
		{"GET", "/", "", ""},
	}
	for _, tc := range cases {
		e := AdminAction(httptest.NewRequest(tc.method, tc.target, nil))
		if e.Action != tc.action || e.ResourceID != tc.id {
			t.Errorf("%s %s: %q %q, want %q %q", tc.method, tc.target, e.Action, e.ResourceID, tc.action, tc.id)
		}
	}
}

func TestBundleType(t *testing.T) {
	cases := []struct{ body, want string }{
		{`{"resourceType":"Bundle","type":"transaction","entry":[]}`, "transaction"},
		{`{"resourceType":"Bundle","entry":[{"resource":{"type":"x"}}],"type":"batch"}`, "batch"},
		{`{"resourceType":"Bundle","entry":[{"resource":{"resourceType":"Patient"`, ""},
		{`[1,2]`, ""},
		{``, ""},
		{`{"type":7}`, ""},
	}
	for _, tc := range cases {
		if got := bundleType([]byte(tc.body)); got != tc.want {
			t.Errorf("bundleType(%q) = %q, want %q", tc.body, got, tc.want)
		}
	}
}

func FuzzBundleType(f *testing.F) {
	f.Add([]byte(`{"resourceType":"Bundle","type":"transaction"}`))
	f.Add([]byte(`{"a":{"type":"batch"},"type":"batch"}`))
	f.Fuzz(func(t *testing.T, body []byte) {
		got := bundleType(body)
		if got != "" && !strings.Contains(string(body), "type") {
			t.Errorf("type %q from a body without a type key", got)
		}
	})
}

func FuzzClassifiers(f *testing.F) {
	f.Add("GET", "/fhir/Patient/1/_history/2")
	f.Add("POST", "/api/v1/dlq/replay")
	f.Fuzz(func(t *testing.T, method, path string) {
		r := httptest.NewRequest("GET", "/", nil)
		r.Method, r.URL.Path = method, path
		for _, e := range []Entry{FHIRInteraction(r, "/fhir"), AdminAction(r)} {
			if e.Action != "" && e.Path != path {
				t.Errorf("path %q recorded as %q", path, e.Path)
			}
		}
	})
}
