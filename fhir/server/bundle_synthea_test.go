package server

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/fhir/search"
	"github.com/plexus-health/plexus/fhir/spec"
	"github.com/plexus-health/plexus/fhir/validate"
	"github.com/plexus-health/plexus/platform/store"
)

const syntheaDir = "../../../shared/testdata/synthea"

// syntheaBundles returns the Synthea bundles, the hospital and practitioner
// batches first (the patients' conditional references point into them),
// or skips the test when the folder is absent.
func syntheaBundles(t testing.TB) (names []string, bodies [][]byte) {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(syntheaDir, "*.json"))
	if len(files) == 0 {
		t.Skipf("no Synthea bundles in %s: the Synthea load test needs the shared test data", syntheaDir)
	}
	first := func(f string) bool {
		b := filepath.Base(f)
		return strings.HasPrefix(b, "hospitalInformation") || strings.HasPrefix(b, "practitionerInformation")
	}
	slices.SortStableFunc(files, func(a, b string) int {
		switch {
		case first(a) && !first(b):
			return -1
		case !first(a) && first(b):
			return 1
		}
		return strings.Compare(a, b)
	})
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, filepath.Base(f))
		bodies = append(bodies, raw)
	}
	return names, bodies
}

// expectedCounts counts, from the bundles themselves, the resources of each
// type a load must leave: one per create, except that creates with the same
// ifNoneExist make one resource.
func expectedCounts(t testing.TB, bodies [][]byte) (map[string]int, int) {
	counts := map[string]int{}
	seen := map[string]bool{}
	total := 0
	for _, raw := range bodies {
		var b struct {
			Entry []struct {
				Request struct{ Method, URL, IfNoneExist string }
			}
		}
		if err := json.Unmarshal(raw, &b); err != nil {
			t.Fatal(err)
		}
		for _, e := range b.Entry {
			total++
			if e.Request.Method != "POST" {
				t.Fatalf("unexpected %s entry in the Synthea data", e.Request.Method)
			}
			if e.Request.IfNoneExist != "" {
				key := e.Request.URL + "?" + e.Request.IfNoneExist
				if seen[key] {
					continue
				}
				seen[key] = true
			}
			counts[e.Request.URL]++
		}
	}
	return counts, total
}

// syntheaServer serves a handler with the real Searcher over a fresh store.
func syntheaServer(t testing.TB) (*httptest.Server, *store.DB) {
	t.Helper()
	db, r, v := fixture(t)
	sp, err := spec.R4()
	if err != nil {
		t.Fatal(err)
	}
	return serve(t, New(r, v, Options{Matcher: search.New(db, sp)})), db
}

// postBundle posts a Bundle and returns the answer's status and body.
func postBundle(t testing.TB, c *http.Client, url string, body []byte) (int, []byte) {
	req, err := http.NewRequest("POST", url, strings.NewReader(string(body)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/fhir+json")
	req.Header.Set("Prefer", "return=minimal")
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

// TestSyntheaBundles loads every Synthea bundle through POST /fhir and
// checks the store: every resource readable, counts by type exact, every
// reference resolved to a resource that exists.
func TestSyntheaBundles(t *testing.T) {
	names, bodies := syntheaBundles(t)
	want, total := expectedCounts(t, bodies)
	srv, db := syntheaServer(t)
	var locations []string
	for i, body := range bodies {
		status, out := postBundle(t, srv.Client(), srv.URL+"/fhir", body)
		if status != http.StatusOK {
			t.Fatalf("%s: %d %s", names[i], status, out)
		}
		var res struct {
			Entry []struct {
				Response struct{ Status, Location string }
			}
		}
		if err := json.Unmarshal(out, &res); err != nil {
			t.Fatal(err)
		}
		for j, e := range res.Entry {
			if !strings.HasPrefix(e.Response.Status, "201") && !strings.HasPrefix(e.Response.Status, "200") {
				t.Fatalf("%s entry %d: %s", names[i], j, e.Response.Status)
			}
			locations = append(locations, strings.Split(e.Response.Location, "/_history")[0])
		}
	}
	if len(locations) != total {
		t.Fatalf("%d entries answered, want %d", len(locations), total)
	}

	got := map[string]int{}
	rows, err := db.R.Query(`SELECT res_type, COUNT(*) FROM fhir_resources WHERE deleted = 0 GROUP BY res_type`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var typ string
		var n int
		if err := rows.Scan(&typ, &n); err != nil {
			t.Fatal(err)
		}
		got[typ] = n
	}
	rows.Close()
	for typ, n := range want {
		if got[typ] != n {
			t.Errorf("%s: %d stored, want %d", typ, got[typ], n)
		}
	}
	for typ, n := range got {
		if want[typ] == 0 {
			t.Errorf("%s: %d stored, want none", typ, n)
		}
	}

	// Read every resource back over HTTP and check its references.
	stored := map[string]bool{}
	for _, loc := range locations {
		stored[loc] = true
	}
	checked := 0
	for loc := range stored {
		a := call(t, srv, "GET", "/fhir/"+loc, "")
		if a.status != http.StatusOK {
			t.Fatalf("GET %s: %d", loc, a.status)
		}
		sc, err := scanRefs(a.raw)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range sc.refs {
			checked++
			switch {
			case strings.HasPrefix(r.value, "urn:"):
				t.Errorf("%s: %s left unresolved", loc, r.value)
			case strings.Contains(r.value, "?"):
				t.Errorf("%s: conditional reference %s left unresolved", loc, r.value)
			case strings.HasPrefix(r.value, "#"), strings.Contains(r.value, "://"):
			case !stored[r.value]:
				t.Errorf("%s: reference %s points at no stored resource", loc, r.value)
			}
		}
	}
	t.Logf("%d resources in %d bundles, %d references checked", len(stored), len(bodies), checked)
}

// BenchmarkSyntheaIngest posts all Synthea bundles to a fresh server per
// iteration over a real socket and reports resources per second: the
// hospital and practitioner batches first, then the patient transactions
// from 1 or 2 clients (with 2, one Bundle's validation overlaps another's
// writes). As a baseline measured in the same run it reports the rate of
// decoding and validating the same resources with no storage, and the
// ratio of the two.
func BenchmarkSyntheaIngest(b *testing.B) {
	names, bodies := syntheaBundles(b)
	_, total := expectedCounts(b, bodies)
	shared := 0
	for shared < len(names) && (strings.HasPrefix(names[shared], "hospital") || strings.HasPrefix(names[shared], "practitioner")) {
		shared++
	}
	for _, clients := range []int{1, 2} {
		b.Run("clients="+strconv.Itoa(clients), func(b *testing.B) {
			var elapsed time.Duration
			for range b.N {
				b.StopTimer()
				srv, _ := syntheaServer(b)
				b.StartTimer()
				start := time.Now()
				post := func(body []byte) {
					if status, out := postBundle(b, srv.Client(), srv.URL+"/fhir", body); status != http.StatusOK {
						b.Errorf("%d %.300s", status, out)
					}
				}
				for _, body := range bodies[:shared] {
					post(body)
				}
				next := make(chan []byte)
				var wg sync.WaitGroup
				for range clients {
					wg.Go(func() {
						for body := range next {
							post(body)
						}
					})
				}
				for _, body := range bodies[shared:] {
					next <- body
				}
				close(next)
				wg.Wait()
				elapsed += time.Since(start)
			}
			rate := float64(total*b.N) / elapsed.Seconds()
			b.ReportMetric(rate, "resources/s")
			base := validateRate(b, bodies)
			b.ReportMetric(base, "validate-only-resources/s")
			b.ReportMetric(rate/base, "ingest/validate")
		})
	}
}

// validateRate decodes and validates every resource of the bundles, in
// parallel as the processor does, and returns resources per second.
func validateRate(b *testing.B, bodies [][]byte) float64 {
	b.StopTimer()
	defer b.StartTimer()
	v, err := validate.New()
	if err != nil {
		b.Fatal(err)
	}
	p := &BundleProcessor{val: v, workers: NewBundleProcessor(nil, v, nil).workers}
	var entries []*entry
	for _, body := range bodies {
		var bd struct {
			Entry []struct{ Resource json.RawMessage }
		}
		json.Unmarshal(body, &bd)
		for _, e := range bd.Entry {
			entries = append(entries, &entry{body: e.Resource})
		}
	}
	start := time.Now()
	p.parallel(entries, func(e *entry) {
		doc, _ := decodeJSON(e.body)
		v.ValidateMap(doc.(map[string]any), "")
	})
	return float64(len(entries)) / time.Since(start).Seconds()
}
