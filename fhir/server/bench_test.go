package server

import (
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// benchClient keeps connections alive across the benchmark's goroutines.
func benchClient(srv *httptest.Server) *http.Client {
	tr := srv.Client().Transport.(*http.Transport).Clone()
	tr.MaxIdleConnsPerHost = 64
	return &http.Client{Transport: tr}
}

// do sends one request, drains the answer and fails on an unexpected status.
func do(b *testing.B, c *http.Client, method, url, body string, want int) {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, url, rd)
	if err != nil {
		b.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/fhir+json")
	}
	resp, err := c.Do(req)
	if err != nil {
		b.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want {
		b.Fatalf("%s %s: %d", method, url, resp.StatusCode)
	}
}

// BenchmarkCreate posts Patients from concurrent clients over a real
// socket: parsing, validation, the group-committed write and the answer.
func BenchmarkCreate(b *testing.B) {
	srv := testServer(b, Options{})
	c := benchClient(srv)
	b.SetParallelism(4) // a few clients per core, so commits are shared
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			do(b, c, "POST", srv.URL+"/fhir/Patient", patient, http.StatusCreated)
		}
	})
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "creates/s")
}

// BenchmarkRead reads Patients by id from concurrent clients and reports
// requests per second and the latency percentiles a client sees.
func BenchmarkRead(b *testing.B) {
	srv := testServer(b, Options{})
	c := benchClient(srv)
	const n = 1000
	ids := make([]string, n)
	for i := range ids {
		ids[i] = create(b, srv, "Patient", patient)
	}
	var mu sync.Mutex
	var lat []time.Duration
	b.ResetTimer()
	start := time.Now()
	b.RunParallel(func(pb *testing.PB) {
		var mine []time.Duration
		for i := 0; pb.Next(); i++ {
			t0 := time.Now()
			do(b, c, "GET", srv.URL+"/fhir/Patient/"+ids[i%n], "", http.StatusOK)
			mine = append(mine, time.Since(t0))
		}
		mu.Lock()
		lat = append(lat, mine...)
		mu.Unlock()
	})
	elapsed := time.Since(start)
	b.StopTimer()
	slices.Sort(lat)
	pct := func(p float64) float64 { return float64(lat[int(p*float64(len(lat)-1))].Microseconds()) / 1000 }
	b.ReportMetric(float64(b.N)/elapsed.Seconds(), "reads/s")
	b.ReportMetric(pct(0.50), "p50-ms")
	b.ReportMetric(pct(0.99), "p99-ms")
}
