package server

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/search"
	"github.com/plexus-health/plexus/fhir/spec"
)

// searchServer serves a handler with a Searcher over a fresh store, and
// returns the repository too for writes behind the API's back.
func searchServer(t testing.TB) (*httptest.Server, *repo.Repo) {
	t.Helper()
	db, r, v := fixture(t)
	sp, err := spec.R4()
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, New(r, v, Options{Searcher: search.New(db, sp)})), r
}

// searchset is a searchset Bundle as a test reads it.
type searchset struct {
	ResourceType string
	Type         string
	Total        *int
	Link         []struct{ Relation, URL string }
	Entry        []struct {
		FullURL  string
		Resource map[string]any
		Search   struct{ Mode string }
	}
}

func (b *searchset) link(rel string) string {
	for _, l := range b.Link {
		if l.Relation == rel {
			return l.URL
		}
	}
	return ""
}

// ids lists "Type/id" of the entries in mode, in order.
func (b *searchset) ids(mode string) []string {
	var out []string
	for _, e := range b.Entry {
		if e.Search.Mode == mode {
			out = append(out, fmt.Sprint(e.Resource["resourceType"], "/", e.Resource["id"]))
		}
	}
	return out
}

func getSearchset(t testing.TB, srv *httptest.Server, path string, header ...string) *searchset {
	t.Helper()
	a := call(t, srv, "GET", strings.TrimPrefix(path, srv.URL), "", header...)
	if a.status != http.StatusOK {
		t.Fatalf("GET %s: %d %s", path, a.status, a.raw)
	}
	var b searchset
	if err := json.Unmarshal(a.raw, &b); err != nil {
		t.Fatal(err)
	}
	if b.ResourceType != "Bundle" || b.Type != "searchset" {
		t.Fatalf("GET %s: not a searchset: %s", path, a.raw)
	}
	return &b
}

// seedClinic creates two patients, a practitioner and observations; it
// returns the ids by name.
func seedClinic(t testing.TB, srv *httptest.Server) map[string]string {
	ids := map[string]string{}
	ids["peter"] = create(t, srv, "Patient", `{"resourceType":"Patient","name":[{"family":"Chalmers","given":["Peter"]}],"gender":"male","birthDate":"1974-12-25"}`)
	ids["petra"] = create(t, srv, "Patient", `{"resourceType":"Patient","name":[{"family":"Müller","given":["Pétra"]}],"gender":"female","birthDate":"1980-03"}`)
	ids["dr"] = create(t, srv, "Practitioner", `{"resourceType":"Practitioner","name":[{"family":"House"}]}`)
	obs := func(patient, code string, value float64, when string) string {
		return create(t, srv, "Observation", fmt.Sprintf(`{"resourceType":"Observation","status":"final",
			"code":{"coding":[{"system":"http://loinc.org","code":%q}]},
			"subject":{"reference":"Patient/%s"},"performer":[{"reference":"Practitioner/%s"}],
			"effectiveDateTime":%q,
			"valueQuantity":{"value":%v,"unit":"kg","system":"http://unitsofmeasure.org","code":"kg"}}`, code, ids[patient], ids["dr"], when, value))
	}
	ids["w1"] = obs("peter", "29463-7", 80, "2024-01-10T08:00:00Z")
	ids["w2"] = obs("peter", "29463-7", 82.5, "2024-02-10T08:00:00+01:00")
	ids["h1"] = obs("peter", "8302-2", 180, "2024-01-10")
	ids["w3"] = obs("petra", "29463-7", 60, "2023-12-31T23:30:00-05:00")
	return ids
}

func TestSearchEndToEnd(t *testing.T) {
	srv, _ := searchServer(t)
	ids := seedClinic(t, srv)
	pt := func(n string) string { return "Patient/" + ids[n] }
	ob := func(n ...string) []string {
		var out []string
		for _, x := range n {
			out = append(out, "Observation/"+ids[x])
		}
		slices.Sort(out)
		return out
	}
	sorted := func(s []string) []string { slices.Sort(s); return s }
	for _, c := range []struct {
		path string
		want []string
	}{
		{"/fhir/Patient?name=pet", sorted([]string{pt("peter"), pt("petra")})},
		{"/fhir/Patient?name=petra", []string{pt("petra")}},
		{"/fhir/Patient?family:exact=Müller", []string{pt("petra")}},
		{"/fhir/Patient?birthdate=1980", []string{pt("petra")}},
		{"/fhir/Patient?birthdate=lt1975&gender=male", []string{pt("peter")}},
		{"/fhir/Patient?gender:not=male", []string{pt("petra")}},
		{"/fhir/Observation?code=http://loinc.org|29463-7&subject=" + pt("peter"), ob("w1", "w2")},
		{"/fhir/Observation?code=29463-7&date=2024-01", ob("w1", "w3")}, // w3 is 2024-01-01T04:30Z
		{"/fhir/Observation?code=29463-7&date=2024-01-10", ob("w1")},
		{"/fhir/Observation?code=29463-7&date=2024", ob("w1", "w2", "w3")}, // w3 is 2024-01-01T04:30Z
		{"/fhir/Observation?value-quantity=gt81|http://unitsofmeasure.org|kg", ob("w2", "h1")},
		{"/fhir/Observation?value-quantity=80000|http://unitsofmeasure.org|g", ob("w1")},
		{"/fhir/Observation?subject:Patient.name=petra", ob("w3")},
		{"/fhir/Observation?performer:Practitioner.name=house&code=8302-2", ob("h1")},
		{"/fhir/Patient?_has:Observation:subject:code=8302-2", []string{pt("peter")}},
		{"/fhir/Observation?code-value-quantity=29463-7$60", ob("w3")},
		{"/fhir/Observation?code-value-quantity=29463-7$180", nil},
	} {
		b := getSearchset(t, srv, c.path)
		got := sorted(b.ids("match"))
		if !slices.Equal(got, c.want) {
			t.Errorf("%s = %v, want %v", c.path, got, c.want)
		}
		if b.Total == nil || *b.Total != len(c.want) {
			t.Errorf("%s: total %v, want %d", c.path, b.Total, len(c.want))
		}
		for _, e := range b.Entry {
			if !strings.HasSuffix(e.FullURL, fmt.Sprint("/fhir/", e.Resource["resourceType"], "/", e.Resource["id"])) {
				t.Errorf("%s: fullUrl %s", c.path, e.FullURL)
			}
		}
	}

	// _include and _revinclude, with the include mode.
	b := getSearchset(t, srv, "/fhir/Observation?code=8302-2&_include=Observation:subject&_include=Observation:performer")
	if got := sorted(b.ids("include")); !slices.Equal(got, sorted([]string{pt("peter"), "Practitioner/" + ids["dr"]})) {
		t.Errorf("includes %v", got)
	}
	b = getSearchset(t, srv, "/fhir/Patient?_id="+ids["petra"]+"&_revinclude=Observation:subject")
	if got := b.ids("include"); !slices.Equal(got, ob("w3")) {
		t.Errorf("revincludes %v", got)
	}

	// POST _search with a form body gives the same answer as GET.
	req, _ := http.NewRequest("POST", srv.URL+"/fhir/Patient/_search", strings.NewReader("name=petra"))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	var pb searchset
	json.Unmarshal(raw, &pb)
	if resp.StatusCode != 200 || !slices.Equal(pb.ids("match"), []string{pt("petra")}) {
		t.Errorf("POST _search: %d %s", resp.StatusCode, raw)
	}

	// System search.
	// Writes in the same millisecond share a lastUpdated, and ties are
	// broken by type and id, not by the order of creation: check the set,
	// and that lastUpdated never goes down.
	b = getSearchset(t, srv, "/fhir?_type=Patient,Practitioner&_sort=_lastUpdated")
	if got := b.ids("match"); !slices.Equal(sorted(got), sorted([]string{pt("peter"), pt("petra"), "Practitioner/" + ids["dr"]})) {
		t.Errorf("system search %v", got)
	}
	var last time.Time
	for _, e := range b.Entry {
		meta, _ := e.Resource["meta"].(map[string]any)
		s, _ := meta["lastUpdated"].(string)
		at, err := time.Parse(time.RFC3339Nano, s)
		if err != nil || at.Before(last) {
			t.Errorf("system search sorted by _lastUpdated: %q after %v (%v)", s, last, err)
		}
		last = at
	}

	// $everything: the patient and its compartment.
	b = getSearchset(t, srv, "/fhir/Patient/"+ids["petra"]+"/$everything")
	if got := sorted(b.ids("match")); !slices.Equal(got, sorted(append(ob("w3"), pt("petra")))) {
		t.Errorf("$everything %v", got)
	}
	if a := call(t, srv, "GET", "/fhir/Patient/nobody/$everything", ""); a.status != http.StatusNotFound {
		t.Errorf("$everything of nobody: %d", a.status)
	}

	// Compartment search: a type's search within a patient's or a
	// practitioner's compartment, with its own parameters, paged.
	for _, c := range []struct {
		path string
		want []string
	}{
		{"/fhir/" + pt("peter") + "/Observation", ob("w1", "w2", "h1")},
		{"/fhir/" + pt("peter") + "/Observation?code=8302-2", ob("h1")},
		{"/fhir/" + pt("petra") + "/Observation", ob("w3")},
		{"/fhir/Patient/nobody/Observation", nil},
		{"/fhir/Practitioner/" + ids["dr"] + "/Observation", ob("w1", "w2", "w3", "h1")}, // the performer of all
		{"/fhir/Practitioner/" + ids["dr"] + "/Observation?code=8302-2", ob("h1")},
		{"/fhir/" + pt("petra") + "/Patient", []string{pt("petra")}},
	} {
		b := getSearchset(t, srv, c.path)
		if got := sorted(b.ids("match")); !slices.Equal(got, c.want) {
			t.Errorf("%s = %v, want %v", c.path, got, c.want)
		}
		if b.Total == nil || *b.Total != len(c.want) {
			t.Errorf("%s: total %v, want %d", c.path, b.Total, len(c.want))
		}
	}
	b = getSearchset(t, srv, "/fhir/"+pt("peter")+"/Observation?_count=2")
	if len(b.ids("match")) != 2 || !strings.Contains(b.link("next"), "/fhir/"+pt("peter")+"/Observation?") {
		t.Errorf("compartment paging: %v, next %q", b.ids("match"), b.link("next"))
	}
	for _, c := range []struct {
		path   string
		status int
	}{
		{"/fhir/Organization/x/Observation", http.StatusBadRequest}, // no Organization compartment
		{"/fhir/Patient/" + ids["peter"] + "/Organization", http.StatusBadRequest},
		{"/fhir/Patient/" + ids["peter"] + "/Nonsense", http.StatusNotFound},
	} {
		if a := call(t, srv, "GET", c.path, ""); a.status != c.status {
			t.Errorf("%s: %d, want %d: %s", c.path, a.status, c.status, a.body)
		}
	}
}

func TestSearchSummaryAndElements(t *testing.T) {
	srv, _ := searchServer(t)
	seedClinic(t, srv)
	b := getSearchset(t, srv, "/fhir/Patient?_summary=count")
	if b.Total == nil || *b.Total != 2 || len(b.Entry) != 0 {
		t.Errorf("_summary=count: total %v, %d entries", b.Total, len(b.Entry))
	}
	b = getSearchset(t, srv, "/fhir/Patient?_elements=gender&name=peter")
	r := b.Entry[0].Resource
	if r["gender"] != "male" || r["name"] != nil || r["birthDate"] != nil || r["id"] == nil {
		t.Errorf("_elements=gender: %v", r)
	}
	if !strings.Contains(fmt.Sprint(r["meta"]), "SUBSETTED") {
		t.Errorf("_elements: no SUBSETTED tag: %v", r["meta"])
	}
	b = getSearchset(t, srv, "/fhir/Observation?_summary=true&code=8302-2")
	r = b.Entry[0].Resource
	if r["code"] == nil || r["status"] == nil || r["valueQuantity"] == nil {
		t.Errorf("_summary=true lost summary elements: %v", r)
	}
	if r["performer"] == nil {
		t.Errorf("_summary=true: performer is a summary element: %v", r)
	}
}

func TestSearchErrorsAndUnknown(t *testing.T) {
	srv, _ := searchServer(t)
	seedClinic(t, srv)
	b := getSearchset(t, srv, "/fhir/Patient?foo=bar&name=peter")
	if len(b.ids("match")) != 1 || len(b.Entry) != 2 || b.Entry[1].Search.Mode != "outcome" {
		t.Errorf("lenient unknown: %+v", b.Entry)
	}
	if strings.Contains(b.link("self"), "foo") || !strings.Contains(b.link("self"), "name=peter") {
		t.Errorf("self link %s", b.link("self"))
	}
	for _, c := range []struct {
		path   string
		header []string
	}{
		{"/fhir/Patient?foo=bar", []string{"Prefer", "handling=strict"}},
		{"/fhir/Patient?birthdate=last-week", nil},
		{"/fhir/Patient?_sort=link", nil},
		{"/fhir/Patient?_count=many", nil},
		{"/fhir/Patient?_cursor=xyz", nil},
		{"/fhir/Patient?name:below=x", nil},
	} {
		a := call(t, srv, "GET", c.path, "", c.header...)
		if a.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", c.path, a.status, a.raw)
		}
	}
	if a := call(t, srv, "GET", "/fhir/Nope?name=x", ""); a.status != http.StatusNotFound {
		t.Errorf("unknown type: %d", a.status)
	}
}

// TestSearchPagingUnderWrites pages through a search by its next links
// while other clients create and delete patients: every patient that
// existed throughout is seen exactly once, whatever sorts before or after
// the pages served.
func TestSearchPagingUnderWrites(t *testing.T) {
	srv, r := searchServer(t)
	ctx := context.Background()
	var want []string
	for i := range 45 {
		v, err := r.Create(ctx, "Patient", fmt.Appendf(nil, `{"resourceType":"Patient","name":[{"family":"Stable%02d"}]}`, i))
		if err != nil {
			t.Fatal(err)
		}
		want = append(want, "Patient/"+v.ID)
	}
	for _, order := range []string{"", "&_sort=-family", "&_sort=_lastUpdated"} {
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Bounded: an unbounded writer beside a stalled reader grows the
			// WAL without limit.
			for i := range 300 {
				select {
				case <-stop:
					return
				default:
				}
				v, err := r.Create(ctx, "Patient", fmt.Appendf(nil, `{"resourceType":"Patient","name":[{"family":"Stable%02d-new%d"}]}`, i%50, i))
				if err != nil {
					t.Error(err)
					return
				}
				if i%3 == 0 {
					r.Delete(ctx, "Patient", v.ID)
				}
			}
		}()
		seen := map[string]int{}
		next := "/fhir/Patient?name=stable&_count=7" + order
		pages := 0
		for next != "" {
			b := getSearchset(t, srv, next)
			for _, id := range b.ids("match") {
				seen[id]++
			}
			next = b.link("next")
			if pages++; pages > 100 {
				t.Fatal("paging does not end")
			}
		}
		close(stop)
		wg.Wait()
		for _, id := range want {
			if seen[id] != 1 {
				t.Errorf("%s: %s seen %d times", order, id, seen[id])
			}
		}
		for id, n := range seen {
			if n > 1 {
				t.Errorf("%s: %s seen %d times", order, id, n)
			}
		}
	}
}

func TestSearchLinks(t *testing.T) {
	srv, _ := searchServer(t)
	for i := range 5 {
		create(t, srv, "Patient", fmt.Sprintf(`{"resourceType":"Patient","name":[{"family":"Link%d"}]}`, i))
	}
	first := getSearchset(t, srv, "/fhir/Patient?_count=2&_sort=family")
	if first.link("previous") != "" || first.link("next") == "" || first.link("first") == "" {
		t.Fatalf("first page links %+v", first.Link)
	}
	second := getSearchset(t, srv, first.link("next"))
	back := getSearchset(t, srv, second.link("previous"))
	if !slices.Equal(back.ids("match"), first.ids("match")) {
		t.Errorf("previous of the second page: %v, want %v", back.ids("match"), first.ids("match"))
	}
	again := getSearchset(t, srv, second.link("self"))
	if !slices.Equal(again.ids("match"), second.ids("match")) {
		t.Errorf("self of the second page: %v, want %v", again.ids("match"), second.ids("match"))
	}
	u, _ := url.Parse(second.link("next"))
	if u.Query().Get("_sort") != "family" || u.Query().Get("_count") != "2" {
		t.Errorf("next link lost the parameters: %s", u)
	}
	last := getSearchset(t, srv, getSearchset(t, srv, second.link("next")).link("self"))
	if len(last.ids("match")) != 1 || last.link("next") != "" {
		t.Errorf("last page: %v next %q", last.ids("match"), last.link("next"))
	}
}

func TestCapabilitySearch(t *testing.T) {
	srv, _ := searchServer(t)
	a := call(t, srv, "GET", "/fhir/metadata", "")
	var cs struct {
		Rest []struct {
			Interaction []struct{ Code string }
			Resource    []struct {
				Type        string
				Interaction []struct{ Code string }
				SearchParam []struct{ Name, Type string }
				Operation   []struct{ Name string }
			}
		}
	}
	if err := json.Unmarshal(a.raw, &cs); err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, r := range cs.Rest[0].Resource {
		if r.Type != "Patient" {
			continue
		}
		for _, p := range r.SearchParam {
			names = append(names, p.Name)
		}
		if !slices.ContainsFunc(r.Interaction, func(c struct{ Code string }) bool { return c.Code == "search-type" }) {
			t.Error("Patient has no search-type interaction")
		}
		if !slices.ContainsFunc(r.Operation, func(o struct{ Name string }) bool { return o.Name == "everything" }) {
			t.Error("Patient has no $everything")
		}
	}
	for _, want := range []string{"_id", "_lastUpdated", "birthdate", "name", "identifier", "general-practitioner"} {
		if !slices.Contains(names, want) {
			t.Errorf("Patient search parameters lack %s: %v", want, names)
		}
	}
	if slices.Contains(names, "_text") || slices.Contains(names, "_content") {
		t.Errorf("special parameters claimed: %v", names)
	}
}

// TestSearchPhonetic finds names that sound alike: the phonetic parameter
// compares Soundex codes of single words, so Smith, Smyth and Schmidt match
// one another (S530) and Jones does not; a value of several words or of no
// letters is a 400.
func TestSearchPhonetic(t *testing.T) {
	srv, _ := searchServer(t)
	ids := map[string]string{}
	for _, name := range []string{"Smith", "Smyth", "Schmidt", "Jones"} {
		ids[name] = "Patient/" + create(t, srv, "Patient", `{"resourceType":"Patient","name":[{"family":"`+name+`","given":["Ann"]}]}`)
	}
	sorted := func(s []string) []string { slices.Sort(s); return s }
	got := sorted(getSearchset(t, srv, "/fhir/Patient?phonetic=smyth").ids("match"))
	if want := sorted([]string{ids["Smith"], ids["Smyth"], ids["Schmidt"]}); !slices.Equal(got, want) {
		t.Errorf("phonetic=smyth: %v, want %v", got, want)
	}
	// The given name is a word of the name too.
	if got := getSearchset(t, srv, "/fhir/Patient?phonetic=Anne").ids("match"); len(got) != 4 {
		t.Errorf("phonetic=Anne: %v", got)
	}
	for _, bad := range []string{"/fhir/Patient?phonetic=John+Smith", "/fhir/Patient?phonetic=123"} {
		if a := call(t, srv, "GET", bad, ""); a.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", bad, a.status, a.raw)
		}
	}
}
