package server

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/fhir/search"
	"github.com/plexus-health/plexus/fhir/spec"
	"github.com/plexus-health/plexus/platform/auth"
)

// tokens are the principals the tests act as, by the name sent in the
// X-Test-Token header (no header: no principal).
var tokens = map[string]*auth.Principal{
	"pt1":        {Kind: auth.KindClient, Subject: "app", Scopes: []string{"openid launch/patient patient/*.rs"}, Patient: "p1"},
	"pt1-obs":    {Kind: auth.KindClient, Subject: "app", Scopes: []string{"patient/Observation.rs"}, Patient: "p1"},
	"pt1-lab":    {Kind: auth.KindClient, Subject: "app", Scopes: []string{"patient/Observation.rs?category=laboratory"}, Patient: "p1"},
	"pt1-write":  {Kind: auth.KindClient, Subject: "app", Scopes: []string{"patient/*.cruds"}, Patient: "p1"},
	"pt-none":    {Kind: auth.KindClient, Subject: "app", Scopes: []string{"patient/*.rs"}},
	"user-obs":   {Kind: auth.KindClient, Subject: "app", Scopes: []string{"user/Observation.cruds"}},
	"user-obs-u": {Kind: auth.KindClient, Subject: "app", Scopes: []string{"user/Observation.u"}},
	"user-read":  {Kind: auth.KindClient, Subject: "app", Scopes: []string{"user/*.read"}},
	"user-write": {Kind: auth.KindClient, Subject: "app", Scopes: []string{"user/*.write"}},
	"system":     {Kind: auth.KindClient, Subject: "app", Scopes: []string{"system/*.*"}},
	"mixed":      {Kind: auth.KindClient, Subject: "app", Scopes: []string{"user/Practitioner.rs patient/Observation.rs"}, Patient: "p1"},
	"pt1-pat":    {Kind: auth.KindClient, Subject: "app", Scopes: []string{"patient/Patient.rs"}, Patient: "p1"},
	"admin":      {Kind: auth.KindUser, Subject: "root", Roles: []string{"admin"}},
	"bad-scope":  {Kind: auth.KindClient, Subject: "app", Scopes: []string{"patient/observation.rs"}, Patient: "p1"},
}

// authzServer serves a handler enforcing scopes behind a test middleware
// that injects the principal named by X-Test-Token, over two patients'
// data:
//
//	p1: Observation o1-lab (laboratory), o1-vital (vital-signs), Condition c1
//	p2: Observation o2-lab (laboratory), Condition c2
//	Practitioner dr, the performer of o1-lab and o2-lab
func authzServer(t *testing.T) *httptest.Server {
	t.Helper()
	db, r, v := fixture(t)
	sp, err := spec.R4()
	if err != nil {
		t.Fatal(err)
	}
	h := New(r, v, Options{Searcher: search.New(db, sp), Authorize: true, TokenURL: "https://auth.example/token"})
	srv := serve(t, http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		if p := tokens[req.Header.Get("X-Test-Token")]; p != nil {
			req = req.WithContext(auth.WithPrincipal(req.Context(), p))
		}
		h.ServeHTTP(w, req)
	}))
	put := func(typ, id, body string) {
		t.Helper()
		a := call(t, srv, "PUT", "/fhir/"+typ+"/"+id, body, "X-Test-Token", "system")
		if a.status != http.StatusCreated {
			t.Fatalf("seeding %s/%s: %d %s", typ, id, a.status, a.raw)
		}
	}
	put("Patient", "p1", `{"resourceType":"Patient","id":"p1","name":[{"family":"One"}]}`)
	put("Patient", "p2", `{"resourceType":"Patient","id":"p2","name":[{"family":"Two"}]}`)
	put("Practitioner", "dr", `{"resourceType":"Practitioner","id":"dr","name":[{"family":"House"}]}`)
	put("Observation", "o1-lab", labObs("o1-lab", "p1", "laboratory"))
	put("Observation", "o1-vital", labObs("o1-vital", "p1", "vital-signs"))
	put("Observation", "o2-lab", labObs("o2-lab", "p2", "laboratory"))
	put("Condition", "c1", `{"resourceType":"Condition","id":"c1","subject":{"reference":"Patient/p1"}}`)
	put("Condition", "c2", `{"resourceType":"Condition","id":"c2","subject":{"reference":"Patient/p2"}}`)
	return srv
}

// labObs is an Observation about patient in category cat, performed by dr.
func labObs(id, patient, cat string) string {
	return `{"resourceType":"Observation","id":"` + id + `","status":"final",` +
		`"category":[{"coding":[{"system":"http://terminology.hl7.org/CodeSystem/observation-category","code":"` + cat + `"}]}],` +
		`"code":{"coding":[{"system":"http://loinc.org","code":"1234-5"}]},"identifier":[{"system":"urn:t","value":"` + id + `"}],` +
		`"subject":{"reference":"Patient/` + patient + `"},"performer":[{"reference":"Practitioner/dr"}]}`
}

// want is an expected answer: a status, and for a searchset the matches
// and includes as sorted Type/id lists.
type want struct {
	status            int
	matches, included []string
}

func ids(s ...string) []string { return s }

func TestAuthzReads(t *testing.T) {
	srv := authzServer(t)
	allObs := ids("Observation/o1-lab", "Observation/o1-vital", "Observation/o2-lab")
	p1Obs := ids("Observation/o1-lab", "Observation/o1-vital")
	p1All := ids("Condition/c1", "Observation/o1-lab", "Observation/o1-vital", "Patient/p1")
	cases := []struct {
		path  string
		token string
		want  want
	}{
		// No principal, and what is open.
		{"/fhir/Observation", "", want{status: 401}},
		{"/fhir/Observation/o1-lab", "", want{status: 401}},
		{"/fhir/metadata", "", want{status: 200}},
		// Type search.
		{"/fhir/Observation", "pt1", want{200, p1Obs, nil}},
		{"/fhir/Observation", "pt1-obs", want{200, p1Obs, nil}},
		{"/fhir/Observation", "pt1-lab", want{200, ids("Observation/o1-lab"), nil}},
		{"/fhir/Observation", "user-obs", want{200, allObs, nil}},
		{"/fhir/Observation", "user-read", want{200, allObs, nil}},
		{"/fhir/Observation", "system", want{200, allObs, nil}},
		{"/fhir/Observation", "user-write", want{status: 403}},
		{"/fhir/Observation", "pt-none", want{status: 403}},
		{"/fhir/Condition", "pt1-obs", want{status: 403}},
		{"/fhir/Observation?category=laboratory", "pt1", want{200, ids("Observation/o1-lab"), nil}},
		{"/fhir/Observation?subject=Patient/p2", "pt1", want{200, nil, nil}},
		{"/fhir/Observation?_id=o2-lab", "pt1-lab", want{200, nil, nil}},
		// _include and _revinclude bring in only what the token may see.
		{"/fhir/Observation?_include=Observation:subject", "pt1", want{200, p1Obs, ids("Patient/p1")}},
		{"/fhir/Observation?_include=Observation:subject", "pt1-obs", want{200, p1Obs, nil}},
		{"/fhir/Observation?_include=Observation:performer", "pt1", want{200, p1Obs, nil}}, // a Practitioner is in no patient's compartment
		{"/fhir/Observation?_include=Observation:performer", "user-read", want{200, allObs, ids("Practitioner/dr")}},
		{"/fhir/Observation?_include=Observation:subject", "system", want{200, allObs, ids("Patient/p1", "Patient/p2")}},
		{"/fhir/Patient?_revinclude=Observation:subject", "pt1", want{200, ids("Patient/p1"), p1Obs}},
		{"/fhir/Patient?_revinclude=Observation:subject", "pt1-lab", want{status: 403}},
		{"/fhir/Patient?_revinclude=Observation:subject", "system", want{200, ids("Patient/p1", "Patient/p2"), allObs}},
		{"/fhir/Practitioner?_revinclude=Observation:performer", "user-read", want{200, ids("Practitioner/dr"), allObs}},
		{"/fhir/Practitioner?_revinclude=Observation:performer", "mixed", want{200, ids("Practitioner/dr"), p1Obs}},
		{"/fhir/Observation?_include=Observation:performer", "mixed", want{200, p1Obs, ids("Practitioner/dr")}},
		// Chains and _has test only what the token may see.
		{"/fhir/Observation?performer:Practitioner.name=House", "pt1", want{200, nil, nil}},
		{"/fhir/Observation?performer:Practitioner.name=House", "mixed", want{200, p1Obs, nil}},
		{"/fhir/Observation?subject:Patient.name=One", "pt1", want{200, p1Obs, nil}},
		{"/fhir/Observation?subject:Patient.name=One", "pt1-obs", want{200, nil, nil}},
		{"/fhir/Patient?_has:Observation:subject:category=laboratory", "pt1", want{200, ids("Patient/p1"), nil}},
		{"/fhir/Patient?_has:Observation:subject:category=laboratory", "pt1-pat", want{200, nil, nil}},
		{"/fhir/Patient?_has:Observation:subject:category=laboratory", "system", want{200, ids("Patient/p1", "Patient/p2"), nil}},
		{"/fhir/Observation", "admin", want{status: 403}},
		{"/fhir/Observation", "bad-scope", want{status: 403}},
		// System search: permitted types only.
		{"/fhir/?_type=Observation,Condition", "pt1-obs", want{200, p1Obs, nil}},
		{"/fhir/?_type=Observation,Condition", "pt1", want{200, ids("Condition/c1", "Observation/o1-lab", "Observation/o1-vital"), nil}},
		{"/fhir/?_type=Observation,Condition", "user-obs", want{200, allObs, nil}},
		{"/fhir/", "pt1", want{200, p1All, nil}},
		{"/fhir/", "pt1-lab", want{200, ids("Observation/o1-lab"), nil}},
		// $everything.
		{"/fhir/Patient/p1/$everything", "pt1", want{200, p1All, nil}},
		{"/fhir/Patient/p2/$everything", "pt1", want{status: 404}},
		{"/fhir/Patient/p1/$everything", "pt1-obs", want{status: 403}},
		{"/fhir/Patient/p2/$everything", "system", want{200, ids("Condition/c2", "Observation/o2-lab", "Patient/p2"), nil}},
		{"/fhir/Patient/p2/$everything", "user-read", want{200, ids("Condition/c2", "Observation/o2-lab", "Patient/p2"), nil}},
		// Reads: another patient's data is not there.
		{"/fhir/Observation/o1-lab", "pt1", want{status: 200}},
		{"/fhir/Observation/o2-lab", "pt1", want{status: 404}},
		{"/fhir/Observation/o2-lab", "pt1-obs", want{status: 404}},
		{"/fhir/Observation/o1-vital", "pt1-lab", want{status: 404}},
		{"/fhir/Observation/o1-lab", "pt1-lab", want{status: 200}},
		{"/fhir/Observation/o2-lab", "user-obs", want{status: 200}},
		{"/fhir/Observation/o2-lab", "user-write", want{status: 403}},
		{"/fhir/Patient/p2", "pt1", want{status: 404}},
		{"/fhir/Patient/p1", "pt1-obs", want{status: 403}},
		{"/fhir/Observation/o2-lab/_history/1", "pt1", want{status: 404}},
		{"/fhir/Observation/o1-lab/_history/1", "pt1", want{status: 200}},
		{"/fhir/Observation/o2-lab/_history", "pt1", want{status: 404}},
		{"/fhir/Practitioner/dr", "pt1", want{status: 404}},
		{"/fhir/Practitioner/dr", "user-read", want{status: 200}},
	}
	for _, c := range cases {
		t.Run(c.token+" "+c.path, func(t *testing.T) {
			var h []string
			if c.token != "" {
				h = []string{"X-Test-Token", c.token}
			}
			a := call(t, srv, "GET", c.path, "", h...)
			if a.status != c.want.status {
				t.Fatalf("status %d, want %d: %s", a.status, c.want.status, a.raw)
			}
			if a.status == 401 && a.header.Get("WWW-Authenticate") == "" {
				t.Error("401 without WWW-Authenticate")
			}
			if a.status != 200 || a.body["resourceType"] != "Bundle" {
				return
			}
			b := getSearchset(t, srv, c.path, h...)
			got, inc := b.ids("match"), b.ids("include")
			slices.Sort(got)
			slices.Sort(inc)
			if !slices.Equal(got, c.want.matches) || !slices.Equal(inc, c.want.included) {
				t.Errorf("matches %v included %v, want %v and %v", got, inc, c.want.matches, c.want.included)
			}
			if b.Total != nil && *b.Total != len(c.want.matches) {
				t.Errorf("total %d, want %d", *b.Total, len(c.want.matches))
			}
		})
	}
}

func TestAuthzPaging(t *testing.T) {
	srv := authzServer(t)
	// Pages of one: the token's two Observations on two pages, the other
	// patient's on none, and the total counts what the token sees.
	path := "/fhir/Observation?_count=1"
	var seen []string
	for i := 0; i < 5 && path != ""; i++ {
		b := getSearchset(t, srv, path, "X-Test-Token", "pt1")
		if b.Total == nil || *b.Total != 2 {
			t.Fatalf("total %v, want 2", b.Total)
		}
		seen = append(seen, b.ids("match")...)
		path = b.link("next")
	}
	if want := ids("Observation/o1-lab", "Observation/o1-vital"); !slices.Equal(seen, want) {
		t.Errorf("pages hold %v, want %v", seen, want)
	}
}

func TestAuthzHistory(t *testing.T) {
	srv := authzServer(t)
	cases := []struct {
		path, token string
		want        []string
	}{
		{"/fhir/Observation/_history", "pt1", ids("Observation/o1-lab", "Observation/o1-vital")},
		{"/fhir/Observation/_history", "user-obs", ids("Observation/o1-lab", "Observation/o1-vital", "Observation/o2-lab")},
		{"/fhir/_history", "user-obs", ids("Observation/o1-lab", "Observation/o1-vital", "Observation/o2-lab")},
		{"/fhir/_history", "pt1-lab", ids("Observation/o1-lab")},
		{"/fhir/_history", "pt1", ids("Condition/c1", "Observation/o1-lab", "Observation/o1-vital", "Patient/p1")},
	}
	for _, c := range cases {
		t.Run(c.token+" "+c.path, func(t *testing.T) {
			a := call(t, srv, "GET", c.path, "", "X-Test-Token", c.token)
			if a.status != 200 {
				t.Fatalf("%d %s", a.status, a.raw)
			}
			var got []string
			for _, e := range a.entries() {
				res := e["resource"].(map[string]any)
				got = append(got, res["resourceType"].(string)+"/"+res["id"].(string))
			}
			slices.Sort(got)
			if !slices.Equal(got, c.want) {
				t.Errorf("history holds %v, want %v", got, c.want)
			}
		})
	}
	if a := call(t, srv, "GET", "/fhir/Condition/_history", "", "X-Test-Token", "pt1-obs"); a.status != 403 {
		t.Errorf("type history of a type not granted: %d", a.status)
	}
}

func TestAuthzWrites(t *testing.T) {
	obsOf := func(id, patient string) string { return labObs(id, patient, "laboratory") }
	noID := func(patient string) string { return obs("Patient/" + patient) }
	cases := []struct {
		name, token, method, path, body string
		header                          []string
		status                          int
	}{
		{"create in own compartment", "pt1-write", "POST", "/fhir/Observation", noID("p1"), nil, 201},
		{"create about another patient", "pt1-write", "POST", "/fhir/Observation", noID("p2"), nil, 403},
		{"create about nobody", "pt1-write", "POST", "/fhir/Observation", `{"resourceType":"Observation","status":"final","code":{"text":"x"}}`, nil, 403},
		{"create with read scopes", "pt1", "POST", "/fhir/Observation", noID("p1"), nil, 403},
		{"create with user write", "user-write", "POST", "/fhir/Observation", noID("p2"), nil, 201},
		{"create with user read", "user-read", "POST", "/fhir/Observation", noID("p2"), nil, 403},
		{"update own", "pt1-write", "PUT", "/fhir/Observation/o1-lab", obsOf("o1-lab", "p1"), nil, 200},
		{"update moves own out", "pt1-write", "PUT", "/fhir/Observation/o1-vital", obsOf("o1-vital", "p2"), nil, 403},
		{"update takes over another's", "pt1-write", "PUT", "/fhir/Observation/o2-lab", obsOf("o2-lab", "p1"), nil, 403},
		{"update as create in own", "pt1-write", "PUT", "/fhir/Observation/new1", obsOf("new1", "p1"), nil, 201},
		{"update as create without c", "user-obs-u", "PUT", "/fhir/Observation/new2", obsOf("new2", "p2"), nil, 403},
		{"update without c", "user-obs-u", "PUT", "/fhir/Observation/o2-lab", obsOf("o2-lab", "p2"), nil, 200},
		{"update other type", "user-obs", "PUT", "/fhir/Condition/c2", `{"resourceType":"Condition","id":"c2","subject":{"reference":"Patient/p2"}}`, nil, 403},
		{"patch another's", "pt1-write", "PATCH", "/fhir/Observation/o2-lab", `[{"op":"test","path":"/status","value":"final"}]`, []string{"Content-Type", "application/json-patch+json"}, 404},
		{"patch own", "pt1-write", "PATCH", "/fhir/Observation/o1-lab", `[{"op":"replace","path":"/status","value":"amended"}]`, []string{"Content-Type", "application/json-patch+json"}, 200},
		{"patch own out", "pt1-write", "PATCH", "/fhir/Observation/o1-lab", `[{"op":"replace","path":"/subject/reference","value":"Patient/p2"}]`, []string{"Content-Type", "application/json-patch+json"}, 403},
		{"delete another's", "pt1-write", "DELETE", "/fhir/Observation/o2-lab", "", nil, 403},
		{"delete without d", "pt1", "DELETE", "/fhir/Observation/o1-lab", "", nil, 403},
		{"conditional create needs s", "user-write", "POST", "/fhir/Observation", noID("p2"), []string{"If-None-Exist", "identifier=urn:t|o2-lab"}, 403},
		{"conditional create sees own only", "pt1-write", "POST", "/fhir/Observation", noID("p1"), []string{"If-None-Exist", "identifier=urn:t|o2-lab"}, 201},
		{"conditional delete sees own only", "pt1-write", "DELETE", "/fhir/Observation?identifier=urn:t|o2-lab", "", nil, 204},
		{"conditional update sees own only", "pt1-write", "PUT", "/fhir/Observation?identifier=urn:t|o2-lab", noID("p1"), nil, 201},
		{"conditional delete needs s", "user-write", "DELETE", "/fhir/Observation?identifier=urn:t|o2-lab", "", nil, 403},
		{"validate needs a principal only", "pt1-obs", "POST", "/fhir/Observation/$validate", noID("p2"), nil, 200},
		{"validate without principal", "", "POST", "/fhir/Observation/$validate", noID("p2"), nil, 401},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := authzServer(t)
			h := append([]string{}, c.header...)
			if c.token != "" {
				h = append(h, "X-Test-Token", c.token)
			}
			a := call(t, srv, c.method, c.path, c.body, h...)
			if a.status != c.status {
				t.Fatalf("%s %s: %d, want %d: %s", c.method, c.path, a.status, c.status, a.raw)
			}
			// Whatever was tried, the other patient's data is intact.
			o2 := call(t, srv, "GET", "/fhir/Observation/o2-lab", "", "X-Test-Token", "system")
			if o2.status != 200 || !strings.Contains(string(o2.raw), "Patient/p2") {
				t.Errorf("Observation/o2-lab afterwards: %d %s", o2.status, o2.raw)
			}
		})
	}
}

func TestAuthzBundles(t *testing.T) {
	cases := []struct {
		name, token, bundle string
		status              int
		entries             []string // entry statuses, when 200
	}{
		{
			name: "batch answers 403 and 404 per entry", token: "pt1-write",
			bundle: bundleJSON("batch",
				be{method: "GET", url: "Observation/o1-lab"},
				be{method: "GET", url: "Observation/o2-lab"},
				be{method: "POST", url: "Observation", res: obs("Patient/p2")},
				be{method: "POST", url: "Observation", res: obs("Patient/p1")},
				be{method: "DELETE", url: "Observation/o2-lab"},
				be{method: "PUT", url: "Observation/o2-lab", res: labObs("o2-lab", "p1", "laboratory")},
			),
			status:  200,
			entries: []string{"200 OK", "404 Not Found", "403 Forbidden", "201 Created", "403 Forbidden", "403 Forbidden"},
		},
		{
			name: "batch of a type not granted", token: "pt1-obs",
			bundle: bundleJSON("batch",
				be{method: "GET", url: "Observation/o1-lab"},
				be{method: "GET", url: "Condition/c1"},
			),
			status:  200,
			entries: []string{"200 OK", "403 Forbidden"},
		},
		{
			name: "transaction refused whole for one entry", token: "pt1-write",
			bundle: bundleJSON("transaction",
				be{method: "POST", url: "Observation", res: obs("Patient/p1")},
				be{method: "POST", url: "Observation", res: obs("Patient/p2")},
			),
			status: 403,
		},
		{
			name: "transaction refused whole for a type", token: "user-obs",
			bundle: bundleJSON("transaction",
				be{method: "POST", url: "Observation", res: obs("Patient/p1")},
				be{method: "POST", url: "Condition", res: `{"resourceType":"Condition","subject":{"reference":"Patient/p1"}}`},
			),
			status: 403,
		},
		{
			name: "transaction in own compartment", token: "pt1-write",
			bundle: bundleJSON("transaction",
				be{method: "POST", url: "Observation", res: obs("Patient/p1")},
				be{method: "PUT", url: "Observation?identifier=urn:t|o2-lab", res: obs("Patient/p1")},
			),
			status:  200,
			entries: []string{"201 Created", "201 Created"},
		},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			srv := authzServer(t)
			a := call(t, srv, "POST", "/fhir", c.bundle, "X-Test-Token", c.token)
			if a.status != c.status {
				t.Fatalf("%d, want %d: %s", a.status, c.status, a.raw)
			}
			if c.entries != nil {
				var got []string
				for _, e := range a.entries() {
					got = append(got, entryStatus(e))
				}
				if !slices.Equal(got, c.entries) {
					t.Errorf("entries %v, want %v", got, c.entries)
				}
			}
			// A refused transaction wrote nothing; nothing touched p2's data.
			b := getSearchset(t, srv, "/fhir/Observation", "X-Test-Token", "system")
			n := len(b.ids("match"))
			if c.status == 403 && n != 3 {
				t.Errorf("a refused transaction left %d Observations, want 3", n)
			}
			o2 := call(t, srv, "GET", "/fhir/Observation/o2-lab", "", "X-Test-Token", "system")
			if o2.status != 200 || !strings.Contains(string(o2.raw), "Patient/p2") {
				t.Errorf("Observation/o2-lab afterwards: %d %s", o2.status, o2.raw)
			}
		})
	}
}

func TestAuthzBundleSearch(t *testing.T) {
	srv := authzServer(t)
	a := call(t, srv, "POST", "/fhir", bundleJSON("batch",
		be{method: "GET", url: "Observation?category=laboratory"},
	), "X-Test-Token", "pt1")
	if a.status != 200 {
		t.Fatalf("%d %s", a.status, a.raw)
	}
	body := string(a.raw)
	if !strings.Contains(body, `"id":"o1-lab"`) || strings.Contains(body, "o2-lab") {
		t.Errorf("a search entry shows another patient's data or misses its own: %s", body)
	}
}

func TestAuthzCapabilityStatement(t *testing.T) {
	srv := authzServer(t)
	a := call(t, srv, "GET", "/fhir/metadata", "")
	if a.status != 200 {
		t.Fatalf("%d %s", a.status, a.raw)
	}
	body := string(a.raw)
	for _, s := range []string{`"code":"SMART-on-FHIR"`, "oauth-uris", `"valueUri":"https://auth.example/token"`} {
		if !strings.Contains(body, s) {
			t.Errorf("CapabilityStatement lacks %s", s)
		}
	}
	// Without Authorize there is no security section.
	plain := testServer(t, Options{})
	if b := call(t, plain, "GET", "/fhir/metadata", ""); strings.Contains(string(b.raw), "SMART-on-FHIR") {
		t.Error("CapabilityStatement claims SMART without Authorize")
	}
}
