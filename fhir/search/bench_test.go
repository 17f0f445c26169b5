package search

import (
	"context"
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/spec"
	"github.com/plexus-health/plexus/platform/store"
)

// loadSynthea writes every entry resource of the Synthea bundles through
// repo.Repo (so that fhir/index fills the index tables as in production),
// keeping the bundles' uuids as ids and turning urn:uuid references into
// Type/id. It returns the number of resources written.
func loadSynthea(b *testing.B, r *repo.Repo) int {
	files, _ := filepath.Glob("../../../shared/testdata/synthea/*.json")
	if len(files) == 0 {
		b.Skip("no Synthea bundles in ../../../shared/testdata/synthea: search benchmarks need a realistic data set")
	}
	n := 0
	for _, file := range files {
		raw, err := os.ReadFile(file)
		if err != nil {
			b.Fatal(err)
		}
		var bundle struct {
			Entry []struct {
				FullURL  string
				Resource json.RawMessage
			}
		}
		if err := json.Unmarshal(raw, &bundle); err != nil {
			b.Fatal(err)
		}
		types := map[string]string{}
		for _, e := range bundle.Entry {
			var head struct{ ResourceType string }
			json.Unmarshal(e.Resource, &head)
			types[strings.TrimPrefix(e.FullURL, "urn:uuid:")] = head.ResourceType
		}
		var pairs []string
		for id, t := range types {
			pairs = append(pairs, `"urn:uuid:`+id+`"`, `"`+t+"/"+id+`"`)
		}
		rewrite := strings.NewReplacer(pairs...)
		err = r.Tx(context.Background(), func(w *repo.Writer) error {
			for _, e := range bundle.Entry {
				id := strings.TrimPrefix(e.FullURL, "urn:uuid:")
				if _, _, err := w.Update(context.Background(), types[id], id, []byte(rewrite.Replace(string(e.Resource))), ""); err != nil {
					return err
				}
				n++
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	return n
}

// BenchmarkSearch runs typical searches over the Synthea data set and
// reports their p50 and p99 latency, and the p50 as a multiple of a read by
// id measured in the same run.
func BenchmarkSearch(b *testing.B) {
	ctx := context.Background()
	db, err := store.Open(ctx, "", b.TempDir(), store.Options{Synchronous: "NORMAL"})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	r, err := repo.New(db)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	start := time.Now()
	n := loadSynthea(b, r)
	b.Logf("loaded %d resources in %v", n, time.Since(start).Round(time.Millisecond))
	sp, err := spec.R4()
	if err != nil {
		b.Fatal(err)
	}
	s := New(db, sp)

	// Pick real values: a patient, its family name and birth date, a
	// frequent observation code and a date range around its observations.
	var pid, family, birth, code string
	if err := db.R.QueryRow(`SELECT r.res_id, s.value, substr(r.resource, 1, 0) FROM fhir_resources r JOIN fhir_idx_string s ON s.res_type = r.res_type AND s.res_id = r.res_id AND s.param = 'family' WHERE r.res_type = 'Patient' ORDER BY r.res_id LIMIT 1`).Scan(&pid, &family, new(string)); err != nil {
		b.Fatal(err)
	}
	var lo int64
	if err := db.R.QueryRow(`SELECT lo FROM fhir_idx_date WHERE res_type = 'Patient' AND res_id = ? AND param = 'birthdate'`, pid).Scan(&lo); err != nil {
		b.Fatal(err)
	}
	birth = time.UnixMicro(lo).UTC().Format(time.DateOnly)
	if err := db.R.QueryRow(`SELECT code FROM fhir_idx_token WHERE res_type = 'Observation' AND param = 'code' AND code <> '' GROUP BY code ORDER BY COUNT(*) DESC LIMIT 1`).Scan(&code); err != nil {
		b.Fatal(err)
	}
	var obsCount int
	db.R.QueryRow(`SELECT COUNT(*) FROM fhir_resources WHERE res_type = 'Observation'`).Scan(&obsCount)
	b.Logf("patient %s (%s, born %s); code %s; %d observations", pid, family, birth, code, obsCount)

	measure := func(b *testing.B, op func() error) {
		var ds []time.Duration
		b.ResetTimer()
		for b.Loop() {
			t := time.Now()
			if err := op(); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(t))
		}
		slices.Sort(ds)
		b.ReportMetric(float64(ds[len(ds)/2].Microseconds()), "p50-µs")
		b.ReportMetric(float64(ds[len(ds)*99/100].Microseconds()), "p99-µs")
	}
	var readP50 time.Duration
	b.Run("read-by-id-baseline", func(b *testing.B) {
		var ds []time.Duration
		for b.Loop() {
			t := time.Now()
			if _, err := r.Read(ctx, "Patient", pid); err != nil {
				b.Fatal(err)
			}
			ds = append(ds, time.Since(t))
		}
		slices.Sort(ds)
		readP50 = ds[len(ds)/2]
		b.ReportMetric(float64(readP50.Microseconds()), "p50-µs")
	})
	for _, c := range []struct{ name, typ, query string }{
		{"patient-name-birthdate", "Patient", "name=" + url.QueryEscape(family) + "&birthdate=" + birth},
		{"observations-patient-code-date", "Observation", "patient=Patient/" + pid + "&code=http://loinc.org|" + code + "&date=ge2000-01-01&date=lt2030-01-01"},
		{"chain-subject-name", "Observation", "subject:Patient.name=" + url.QueryEscape(family) + "&code=" + code},
		{"include-subject", "Observation", "code=" + code + "&_include=Observation:subject&_count=50"},
		{"sort-date-desc", "Observation", "patient=" + pid + "&_sort=-date&_count=50"},
	} {
		params, _ := url.ParseQuery(c.query)
		b.Run(c.name, func(b *testing.B) {
			var matches int
			measure(b, func() error {
				q, err := s.Parse(c.typ, params, ParseOptions{Strict: true})
				if err != nil {
					return err
				}
				p, err := s.Search(ctx, q)
				if err != nil {
					return err
				}
				matches = len(p.Matches) + len(p.Included)
				return nil
			})
			if matches == 0 {
				b.Fatalf("%s?%s matched nothing", c.typ, c.query)
			}
			b.ReportMetric(float64(matches), "entries")
		})
	}
}
