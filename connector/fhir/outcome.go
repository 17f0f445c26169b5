package fhir

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/engine"
)

// maxResponse is how much of an answer a delivery keeps with its attempt.
const maxResponse = 64 << 10

// issue is one issue of an OperationOutcome, from either destination.
type issue struct {
	Severity    string   `json:"severity"`
	Code        string   `json:"code"`
	Diagnostics string   `json:"diagnostics"`
	Expression  []string `json:"expression"`
}

// OutcomeError is a Bundle the FHIR server refused, as a whole or, for a
// batch, in some entries. Its message carries the status and each issue's
// severity, code and location, which the journal keeps as the delivery's
// error and the engine logs. It leaves out the issues' diagnostics: a
// validator's diagnostics may quote the offending value, which can be
// patient data, and logs never carry any. The whole OperationOutcome stays
// in the delivery's response, shown only to those allowed to see payloads.
type OutcomeError struct {
	// Status is the HTTP status of the answer, or of the first failed
	// entry of a batch.
	Status int
	// Entry is the index of the first failed entry of a batch, -1 when the
	// Bundle failed as a whole (a transaction fails as a whole).
	Entry int
	// Failed is how many entries of a batch failed, 0 for a whole failure.
	Failed int
	issues []issue
}

// maxIssues bounds the issues an error message lists.
const maxIssues = 5

// Error renders the status and the issues:
// "422 Unprocessable Entity: error invalid at Bundle.entry[1].resource.birthDate".
func (e *OutcomeError) Error() string {
	var b strings.Builder
	if e.Entry >= 0 {
		fmt.Fprintf(&b, "%d of the batch's entries failed; entry %d: ", e.Failed, e.Entry)
	}
	b.WriteString(strconv.Itoa(e.Status) + " " + http.StatusText(e.Status))
	for i, is := range e.issues {
		if i == maxIssues {
			fmt.Fprintf(&b, "; and %d more issues", len(e.issues)-maxIssues)
			break
		}
		if i == 0 {
			b.WriteString(": ")
		} else {
			b.WriteString("; ")
		}
		b.WriteString(cmp.Or(is.Severity, "error") + " " + cmp.Or(is.Code, "unknown"))
		if len(is.Expression) > 0 {
			b.WriteString(" at " + strings.Join(is.Expression, ", "))
		}
	}
	return b.String()
}

// retryable reports whether a failure status may go away by itself: a
// timeout, a conflict with concurrent writes, rate limiting, or a problem
// of the server's own.
func retryable(status int) bool {
	return status == http.StatusRequestTimeout || status == http.StatusConflict ||
		status == http.StatusTooManyRequests || status >= 500
}

// classify turns a failed outcome into the delivery's error: permanent for
// a 4xx the Bundle caused, retryable otherwise.
func classify(e *OutcomeError) error {
	if retryable(e.Status) {
		return e
	}
	return engine.Permanent(e)
}

// parseOutcome reads the issues of an OperationOutcome answer; any other
// body gives none.
func parseOutcome(body []byte) []issue {
	var oo struct {
		ResourceType string  `json:"resourceType"`
		Issue        []issue `json:"issue"`
	}
	if json.Unmarshal(body, &oo) != nil || oo.ResourceType != "OperationOutcome" {
		return nil
	}
	return oo.Issue
}

// batchFailure checks the entries of a batch-response Bundle and returns
// the error of the first failed one, or nil when all succeeded (or body is
// not a batch-response). A transaction-response never holds failures: a
// failed transaction is answered as a whole.
func batchFailure(body []byte) *OutcomeError {
	var b struct {
		ResourceType string `json:"resourceType"`
		Type         string `json:"type"`
		Entry        []struct {
			Response struct {
				Status  string `json:"status"`
				Outcome *struct {
					Issue []issue `json:"issue"`
				} `json:"outcome"`
			} `json:"response"`
		} `json:"entry"`
	}
	if json.Unmarshal(body, &b) != nil || b.ResourceType != "Bundle" || b.Type != "batch-response" {
		return nil
	}
	var first *OutcomeError
	failed := 0
	for i, e := range b.Entry {
		code, _ := strconv.Atoi(strings.Fields(e.Response.Status + " 0")[0])
		if code < 400 {
			continue
		}
		failed++
		if first == nil {
			first = &OutcomeError{Status: code, Entry: i}
			if e.Response.Outcome != nil {
				first.issues = e.Response.Outcome.Issue
			}
		}
	}
	if first != nil {
		first.Failed = failed
	}
	return first
}

// truncate keeps at most maxResponse bytes of an answer.
func truncate(b []byte) []byte {
	if len(b) > maxResponse {
		return b[:maxResponse]
	}
	return b
}
