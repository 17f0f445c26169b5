package fhir

import (
	"context"
	"errors"
	"strconv"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/connector/internal/conntest"
	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/search"
	"github.com/plexus-health/plexus/fhir/server"
	"github.com/plexus-health/plexus/fhir/spec"
	"github.com/plexus-health/plexus/fhir/validate"
	"github.com/plexus-health/plexus/platform/store"
)

// openStore returns the Bundle processor of a FHIR store in a temporary
// directory, and its repository.
func openStore(t *testing.T) (*server.BundleProcessor, *repo.Repo) {
	t.Helper()
	db, err := store.Open(t.Context(), "", t.TempDir(), store.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	r, err := repo.New(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	v, err := validate.New()
	if err != nil {
		t.Fatal(err)
	}
	defs, err := spec.R4()
	if err != nil {
		t.Fatal(err)
	}
	return server.NewBundleProcessor(r, v, search.New(db, defs)), r
}

func newStore(t *testing.T, p Processor) engine.Destination {
	t.Helper()
	d, err := StoreFactory(p)(conntest.Env(t, nil), conntest.Options(""))
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func outbound(bundle string) *engine.Outbound {
	return &engine.Outbound{MessageID: 7, Channel: "c", Destination: "d", Attempt: 1, ContentType: engine.ContentFHIR, Payload: []byte(bundle)}
}

const goodTx = `{"resourceType":"Bundle","type":"transaction","entry":[
 {"fullUrl":"urn:uuid:0b6f8e1a-0000-4000-8000-000000000001","resource":{"resourceType":"Patient","id":"p1","name":[{"family":"Doe"}]},"request":{"method":"PUT","url":"Patient/p1"}},
 {"resource":{"resourceType":"Encounter","id":"e1","status":"finished","class":{"code":"IMP"},"subject":{"reference":"Patient/p1"}},"request":{"method":"PUT","url":"Encounter/e1"}}]}`

func TestStoreWritesTransaction(t *testing.T) {
	p, r := openStore(t)
	d := newStore(t, p)
	for range 2 { // the same Bundle twice: PUTs update, nothing duplicates
		resp, err := d.Deliver(t.Context(), outbound(goodTx))
		if err != nil {
			t.Fatalf("Deliver: %v", err)
		}
		if resp.Status != "200" || !strings.Contains(string(resp.Body), `"transaction-response"`) {
			t.Errorf("response %s %s, want 200 and a transaction-response", resp.Status, resp.Body)
		}
	}
	v, err := r.Read(t.Context(), "Patient", "p1")
	if err != nil {
		t.Fatalf("the Patient is not in the store: %v", err)
	}
	if v.VersionID != "2" {
		t.Errorf("Patient version %s after two deliveries, want 2", v.VersionID)
	}
	if _, err := r.Read(t.Context(), "Encounter", "e1"); err != nil {
		t.Errorf("the Encounter is not in the store: %v", err)
	}
}

func TestStoreRefusesInvalidBundlePermanently(t *testing.T) {
	p, r := openStore(t)
	d := newStore(t, p)
	// birthDate is not a date: the transaction fails as a whole with 4xx,
	// and nothing of it is written.
	bad := strings.Replace(goodTx, `"name":[{"family":"Doe"}]`, `"birthDate":"yesterday"`, 1)
	resp, err := d.Deliver(t.Context(), outbound(bad))
	if err == nil {
		t.Fatal("Deliver accepted an invalid Bundle")
	}
	if !engine.IsPermanent(err) {
		t.Errorf("error %v is not permanent", err)
	}
	var oe *OutcomeError
	if !errors.As(err, &oe) || oe.Status < 400 || oe.Status > 499 || oe.Entry != -1 {
		t.Fatalf("error %v, want a whole-Bundle OutcomeError with a 4xx", err)
	}
	if !strings.Contains(err.Error(), "birthDate") {
		t.Errorf("error %q does not carry the OperationOutcome's issue", err)
	}
	if resp == nil || !strings.Contains(string(resp.Body), `"OperationOutcome"`) {
		t.Errorf("response %v does not keep the OperationOutcome", resp)
	}
	if _, err := r.Read(t.Context(), "Encounter", "e1"); err == nil {
		t.Error("a failed transaction wrote its Encounter")
	}

	// A collection is not something the store can process: permanent too.
	_, err = d.Deliver(t.Context(), outbound(`{"resourceType":"Bundle","type":"collection","entry":[]}`))
	if !engine.IsPermanent(err) || !strings.Contains(err.Error(), "Bundle.type") {
		t.Errorf("collection: %v, want a permanent error naming Bundle.type", err)
	}
}

// fakeProcessor answers with a fixed result.
type fakeProcessor struct{ res *server.BundleResult }

func (f fakeProcessor) Process(context.Context, []byte, server.BundleOptions) *server.BundleResult {
	return f.res
}

func TestStoreClassifiesFailures(t *testing.T) {
	oo := func(code, diag string) *validate.OperationOutcome {
		return &validate.OperationOutcome{Issues: []validate.Issue{{Severity: "error", Code: code, Diagnostics: diag}}}
	}
	for _, tc := range []struct {
		name      string
		res       *server.BundleResult
		permanent bool
		want      string
	}{
		{"store failure", &server.BundleResult{Status: 500, Outcome: oo("exception", "internal error")}, false, "500 Internal Server Error: error exception"},
		{"concurrent writes", &server.BundleResult{Status: 409, Outcome: oo("conflict", "retry")}, false, "409"},
		{"not found", &server.BundleResult{Status: 404, Outcome: oo("not-found", "Patient/x")}, true, "404 Not Found: error not-found"},
		{"batch entry invalid", &server.BundleResult{Status: 200, Type: "batch-response", Entries: []server.EntryResult{
			{Status: 201}, {Status: 422, Outcome: oo("invalid", "bad")}, {Status: 400},
		}}, true, "2 of the batch's entries failed; entry 1: 422 Unprocessable Entity: error invalid"},
		{"batch entry not written", &server.BundleResult{Status: 200, Type: "batch-response", Entries: []server.EntryResult{
			{Status: 500, Outcome: oo("exception", "internal error; the entry was not written")},
		}}, false, "entry 0: 500"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			resp, err := newStore(t, fakeProcessor{tc.res}).Deliver(t.Context(), outbound(goodTx))
			if err == nil {
				t.Fatal("no error")
			}
			if engine.IsPermanent(err) != tc.permanent {
				t.Errorf("permanent = %v, want %v (%v)", engine.IsPermanent(err), tc.permanent, err)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			// Diagnostics may quote patient data: the error, which is
			// logged, leaves them out.
			for _, d := range []string{"internal error", "Patient/x", ": bad"} {
				if strings.Contains(err.Error(), d) {
					t.Errorf("error %q carries the diagnostics %q", err, d)
				}
			}
			if resp == nil || resp.Status != strconv.Itoa(tc.res.Status) {
				t.Errorf("response %+v, want status %d", resp, tc.res.Status)
			}
		})
	}
}

func TestStoreWithoutProcessor(t *testing.T) {
	_, err := newStore(t, nil).Deliver(t.Context(), outbound(goodTx))
	if !errors.Is(err, ErrNoStore) || engine.IsPermanent(err) {
		t.Errorf("Deliver = %v, want the retryable ErrNoStore", err)
	}
	if _, err := StoreFactory(nil)(conntest.Env(t, nil), conntest.Options("url: x")); err == nil {
		t.Error("fhir-store accepted an option it does not have")
	}
}
