package server

import (
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/validate"
)

// contentType is the media type of every answer.
const contentType = "application/fhir+json; charset=utf-8"

// writeJSON writes body, already JSON, with status.
func writeJSON(w http.ResponseWriter, status int, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// writeOutcomeOf writes o as the answer.
func writeOutcomeOf(w http.ResponseWriter, status int, o *validate.OperationOutcome) {
	body, err := json.Marshal(o)
	if err != nil { // an outcome is plain strings; this cannot fail
		http.Error(w, "encoding OperationOutcome: "+err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, status, body)
}

// writeOutcome answers with an OperationOutcome of one issue; severity is
// error for 4xx and 5xx, information otherwise.
func writeOutcome(w http.ResponseWriter, status int, code, diagnostics string) {
	sev := validate.SeverityError
	if status < 400 {
		sev = "information"
	}
	writeOutcomeOf(w, status, &validate.OperationOutcome{Issues: []validate.Issue{{
		Severity: sev, Code: code, Diagnostics: diagnostics,
	}}})
}

// fail maps an error of the repository, or of reading the request, to its
// status and OperationOutcome. Only failures of the store are logged, and
// then only the route and error, never content.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	var (
		deleted  *repo.DeletedError
		conflict *repo.VersionConflictError
		tooBig   *http.MaxBytesError
	)
	if f, ok := isForbidden(err); ok {
		writeOutcome(w, http.StatusForbidden, "forbidden", f.msg)
		return
	}
	switch {
	case errors.As(err, &deleted):
		setVersionHeaders(w, deleted.VersionID, deleted.LastUpdated)
		writeOutcome(w, http.StatusGone, "deleted", deleted.Type+"/"+deleted.ID+" is deleted (version "+deleted.VersionID+")")
	case errors.Is(err, repo.ErrNotFound):
		writeOutcome(w, http.StatusNotFound, "not-found", r.URL.Path+" is not known")
	case errors.As(err, &conflict):
		// An If-Match that does not match is a failed precondition; without
		// one, another writer got in between: a conflict.
		status := http.StatusConflict
		if r.Header.Get("If-Match") != "" {
			status = http.StatusPreconditionFailed
		}
		writeOutcome(w, status, "conflict", userMessage(err))
	case errors.Is(err, repo.ErrInvalid):
		writeOutcome(w, http.StatusBadRequest, "invalid", userMessage(err))
	case errors.As(err, &tooBig):
		writeOutcome(w, http.StatusRequestEntityTooLarge, "too-costly", "the request body exceeds "+strconv.FormatInt(tooBig.Limit, 10)+" bytes")
	default:
		s.log.Error("fhir: request failed", "method", r.Method, "pattern", r.Pattern, "err", err)
		writeOutcome(w, http.StatusInternalServerError, "exception", "internal error")
	}
}

// userMessage drops the package prefix from a repository error.
func userMessage(err error) string {
	msg := err.Error()
	msg = strings.TrimPrefix(msg, "fhir/repo: ")
	return strings.TrimPrefix(msg, "invalid input: ")
}

// quote quotes a value from the request for a diagnostic, shortened so an
// outcome never echoes a large input.
func quote(s string) string {
	if len(s) > 64 {
		s = s[:64] + "…"
	}
	return strconv.Quote(s)
}
