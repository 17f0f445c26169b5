package fhir_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/connector/all"
	fhirconn "github.com/plexus-health/plexus/connector/fhir"
	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/engine/node"
	"github.com/plexus-health/plexus/engine/transform"
	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/search"
	fhirserver "github.com/plexus-health/plexus/fhir/server"
	"github.com/plexus-health/plexus/fhir/spec"
	"github.com/plexus-health/plexus/fhir/validate"
	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/mapping/v2fhir"
	"github.com/plexus-health/plexus/transport/mllp"
)

// The program installs the mapping layer's conversions; so does this test.
func init() {
	transform.UseFHIRConverters(func(s transform.FHIRConverterSpec) (transform.ConvertFunc, error) {
		return v2fhir.EngineConverter(s.Mapping, s.Zone, s.Systems, v2fhir.OverrideFiles{})
	})
}

const simhospital = "../../../shared/testdata/hl7v2/simhospital/simhospital_2000.hl7"

// e2eMessages is how many messages of the SIM hospital file the test sends:
// all of them, the round trip the conversion is judged by.
const e2eMessages = 2000

// readMessages returns the first n messages of the file.
func readMessages(t *testing.T, path string, n int) [][]byte {
	t.Helper()
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		t.Skipf("%s is absent: the shared test data is not checked out next to the repository", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r := hl7v2.NewReader(f)
	var out [][]byte
	for len(out) < n {
		m, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

// TestMLLPToFHIRStore runs a channel over real sockets: an MLLP source, the
// v2_to_fhir step and the fhir-store destination, fed SIM hospital
// messages; then it counts the resources through the FHIR REST API.
func TestMLLPToFHIRStore(t *testing.T) {
	msgs := readMessages(t, filepath.FromSlash(simhospital), e2eMessages)
	if testing.Short() {
		msgs = msgs[:50]
	}

	// What the converter makes of the messages: the ids each type should
	// hold, and which messages it cannot convert (those are refused).
	ms, err := v2fhir.Default()
	if err != nil {
		t.Fatal(err)
	}
	cv := v2fhir.New(ms, v2fhir.Options{})
	want := map[string]map[string]bool{}
	patients := map[string]bool{} // PID-3(1) value and authority
	convertible := 0
	converts := make([]bool, len(msgs)) // which messages the converter converts
	for i, raw := range msgs {
		m, err := hl7v2.Parse(raw)
		if err != nil {
			t.Fatalf("message %d: %v", i+1, err)
		}
		if id, _ := m.Get("PID-3(1).1"); id != "" {
			auth, _ := m.Get("PID-3(1).4")
			patients[id+"|"+auth] = true
		}
		res, err := cv.Convert(m)
		if err != nil {
			continue
		}
		convertible++
		converts[i] = true
		var b struct {
			Entry []struct {
				Request struct{ Method, URL string } `json:"request"`
			} `json:"entry"`
		}
		if err := json.Unmarshal(res.Bundle, &b); err != nil {
			t.Fatal(err)
		}
		for _, e := range b.Entry {
			typ, id, ok := strings.Cut(e.Request.URL, "/")
			if e.Request.Method != http.MethodPut || !ok || strings.Contains(id, "/") {
				t.Fatalf("message %d: entry %s %s: only PUT Type/id gives deterministic counts", i+1, e.Request.Method, e.Request.URL)
			}
			if want[typ] == nil {
				want[typ] = map[string]bool{}
			}
			want[typ][id] = true
		}
	}
	if convertible == 0 {
		t.Fatal("the converter converts none of the messages")
	}

	// The node, built as plexus serve builds it.
	ctx := context.Background()
	dir := t.TempDir()
	reg := engine.NewRegistry()
	all.Register(reg)
	n, err := node.Open(ctx, node.Options{DataDir: dir, Synchronous: "NORMAL", Registry: reg, Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close(ctx)
	fhirRepo, err := repo.New(n.Store())
	if err != nil {
		t.Fatal(err)
	}
	defer fhirRepo.Close()
	validator, err := validate.New()
	if err != nil {
		t.Fatal(err)
	}
	defs, err := spec.R4()
	if err != nil {
		t.Fatal(err)
	}
	searcher := search.New(n.Store(), defs)
	fhirconn.Register(reg, fhirserver.NewBundleProcessor(fhirRepo, validator, searcher))
	api := httptest.NewServer(fhirserver.New(fhirRepo, validator, fhirserver.Options{Base: "/fhir", Searcher: searcher}))
	defer api.Close()

	addr := freeAddr(t)
	cfgPath := filepath.Join(dir, "plexus.yaml")
	cfg := fmt.Sprintf(`channels:
  - name: v2-fhir
    source: {type: mllp, listen: "%s"}
    dedup: {window: 0}          # the second pass must reach the store
    transform:
      - v2_to_fhir: {}
    destinations:
      - name: store
        type: fhir-store
        # Per patient in order, patients in parallel: one Bundle's
        # conversion and validation overlap another's write.
        order: {mode: key, key: PID-3.1, lanes: 4}
        retry: {max_attempts: 3, initial_backoff: 10ms, max_backoff: 50ms}
`, addr)
	if err := os.WriteFile(cfgPath, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := config.Load(cfgPath, reg)
	if err != nil {
		t.Fatal(err)
	}
	if err := n.Apply(ctx, c); err != nil {
		t.Fatal(err)
	}

	client := &mllp.Client{Addr: addr}
	defer client.Close()
	// send sends every stride-th message and checks that exactly the
	// convertible ones are accepted.
	send := func(pass, stride int) {
		t.Helper()
		accepted, want := 0, 0
		for i := 0; i < len(msgs); i += stride {
			raw := msgs[i]
			if converts[i] {
				want++
			}
			_, err := client.Send(ctx, raw)
			var ae *mllp.AckError
			switch {
			case err == nil:
				accepted++
			case errors.As(err, &ae):
				// Refused: the conversion failed, and the message is in the
				// journal with status error.
			default:
				t.Fatalf("pass %d, message %d: %v", pass, i+1, err)
			}
		}
		if accepted != want {
			t.Errorf("pass %d: %d messages accepted, the converter converts %d", pass, accepted, want)
		}
		waitDelivered(t, n, "v2-fhir", "store")
	}

	send(1, 1)
	got := counts(t, api.URL, want)
	for typ, ids := range want {
		if got[typ] != len(ids) {
			t.Errorf("%s: %d in the store, the converter produced %d distinct ids", typ, got[typ], len(ids))
		}
	}
	if got["Patient"] != len(patients) {
		t.Errorf("%d Patients for %d distinct patient identifiers: duplicates or losses", got["Patient"], len(patients))
	}
	refused, err := n.Journal().Messages(ctx, journalFilter("error"))
	if err != nil {
		t.Fatal(err)
	}
	if len(refused) != len(msgs)-convertible {
		t.Errorf("%d messages in the journal with status error, want %d (those the converter refuses)", len(refused), len(msgs)-convertible)
	}
	for _, m := range refused {
		if !strings.Contains(m.Error, "v2_to_fhir") {
			t.Errorf("message %d: error %q does not name the step", m.ID, m.Error)
		}
	}

	// What the conversion left out is kept with each converted message:
	// the SIM hospital messages carry fields the mapping does not use.
	all, err := n.Journal().Messages(ctx, journalFilter(""))
	if err != nil {
		t.Fatal(err)
	}
	withList := 0
	for _, m := range all {
		full, err := n.Journal().Message(ctx, m.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(full.Unmapped) > 0 {
			withList++
		}
	}
	if withList == 0 {
		t.Errorf("none of %d journaled messages kept an unmapped list", len(all))
	}

	// A quarter of the messages again, spread over the file: ids are
	// deterministic, so every write is an update and no count changes.
	// (A quarter keeps the test's time in bounds under the race detector;
	// the conversion's golden tests pin the ids of every message type.)
	send(2, 4)
	again := counts(t, api.URL, want)
	for typ, nn := range got {
		if again[typ] != nn {
			t.Errorf("%s: %d after sending the messages again, %d before", typ, again[typ], nn)
		}
	}
	t.Logf("%d messages (%d converted): %v", len(msgs), convertible, summary(got))
}

func journalFilter(status string) journal.MessageFilter {
	return journal.MessageFilter{Channel: "v2-fhir", Status: status, Limit: 1000}
}

// freeAddr returns a loopback address with a port nobody listens on now.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// waitDelivered waits until the destination's queue is empty and fails the
// test if any delivery was dead-lettered.
func waitDelivered(t *testing.T, n *node.Node, channel, dest string) {
	t.Helper()
	// Fail on a stall, not on a total time: under the race detector on a
	// loaded machine the queue drains slowly but steadily.
	const stall = time.Minute
	last, progress := int64(-1), time.Now()
	for {
		qs, err := n.Journal().Queues(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var pending, dead int64
		for _, q := range qs {
			if q.Channel == channel && q.Destination == dest {
				pending, dead = q.Pending, q.Dead
			}
		}
		if pending == 0 {
			if dead > 0 {
				ds, _ := n.Journal().DeadLetters(context.Background(), channel, dest, 10)
				for _, d := range ds {
					t.Errorf("dead-lettered: message %d: %s", d.MessageID, d.LastError)
				}
				t.Fatalf("%d deliveries dead-lettered", dead)
			}
			return
		}
		if pending != last {
			last, progress = pending, time.Now()
		} else if time.Since(progress) > stall {
			t.Fatalf("%d deliveries pending, none delivered for %v", pending, stall)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// counts asks the FHIR API how many resources each type holds.
func counts(t *testing.T, base string, types map[string]map[string]bool) map[string]int {
	t.Helper()
	out := map[string]int{}
	for typ := range types {
		resp, err := http.Get(base + "/fhir/" + typ + "?_summary=count")
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var b struct {
			Total *int `json:"total"`
		}
		if resp.StatusCode != http.StatusOK || json.Unmarshal(body, &b) != nil || b.Total == nil {
			t.Fatalf("GET /fhir/%s?_summary=count: %d %s", typ, resp.StatusCode, bytes.TrimSpace(body))
		}
		out[typ] = *b.Total
	}
	return out
}

func summary(c map[string]int) string {
	var parts []string
	for typ, n := range c {
		parts = append(parts, fmt.Sprintf("%s %d", typ, n))
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}
