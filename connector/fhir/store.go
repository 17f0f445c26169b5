package fhir

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/fhir/server"
	"github.com/plexus-health/plexus/fhir/validate"
)

// Processor runs a batch or transaction Bundle in-process.
// *server.BundleProcessor is one.
type Processor interface {
	Process(ctx context.Context, body []byte, opts server.BundleOptions) *server.BundleResult
}

var _ Processor = (*server.BundleProcessor)(nil)

// ErrNoStore is the error of a fhir-store delivery in a process that has
// no FHIR store; it is retried, since a process that has one may take
// over the queue.
var ErrNoStore = errors.New("fhir-store: this process has no FHIR store")

// Store is the fhir-store destination: it writes each Bundle to the
// built-in FHIR server's repository.
type Store struct {
	p   Processor
	log *slog.Logger
}

// StoreFactory returns the engine.DestinationFactory of fhir-store
// destinations writing through p (see Register for a nil p).
func StoreFactory(p Processor) engine.DestinationFactory {
	return func(env engine.Env, opts engine.Options) (engine.Destination, error) {
		var cfg struct{} // no options: any key is an error
		if err := opts.Decode(&cfg); err != nil {
			return nil, err
		}
		log := env.Logger
		if log == nil {
			log = slog.Default()
		}
		return &Store{p: p, log: log.With("channel", env.Channel, "destination", env.Name)}, nil
	}
}

// Deliver processes out.Payload, a batch or transaction Bundle. The
// response holds the status and the answer: the response Bundle with
// minimal entries, or the OperationOutcome of a Bundle refused as a whole.
func (s *Store) Deliver(ctx context.Context, out *engine.Outbound) (*engine.Response, error) {
	if s.p == nil {
		return nil, ErrNoStore
	}
	res := s.p.Process(ctx, out.Payload, server.BundleOptions{Return: "minimal"})
	body, err := res.MarshalJSON()
	if err != nil {
		body = nil // the status still says what happened
	}
	resp := &engine.Response{Status: strconv.Itoa(res.Status), Body: truncate(body)}
	if res.Outcome != nil || res.Status >= 400 {
		oe := &OutcomeError{Status: res.Status, Entry: -1, issues: storeIssues(res.Outcome)}
		s.log.Info("fhir-store: Bundle refused", "message_id", out.MessageID, "status", res.Status)
		return resp, fmt.Errorf("fhir-store: %w", classify(oe))
	}
	var first *OutcomeError
	failed := 0
	for i := range res.Entries {
		e := &res.Entries[i]
		if !e.Failed() {
			continue
		}
		failed++
		if first == nil {
			first = &OutcomeError{Status: e.Status, Entry: i, issues: storeIssues(e.Outcome)}
		}
	}
	if first != nil {
		first.Failed = failed
		s.log.Info("fhir-store: batch entries refused", "message_id", out.MessageID, "failed", failed, "status", first.Status)
		return resp, fmt.Errorf("fhir-store: %w", classify(first))
	}
	return resp, nil
}

// storeIssues converts the issues of the server's outcome.
func storeIssues(o *validate.OperationOutcome) []issue {
	if o == nil {
		return nil
	}
	out := make([]issue, 0, len(o.Issues))
	for _, is := range o.Issues {
		i := issue{Severity: is.Severity, Code: is.Code, Diagnostics: is.Diagnostics}
		if is.Expression != "" {
			i.Expression = []string{is.Expression}
		}
		out = append(out, i)
	}
	return out
}

var _ engine.Destination = (*Store)(nil)
