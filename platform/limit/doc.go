// Package limit bounds what one HTTP client may ask of a server: Limiter
// gives each client a token bucket of requests and answers 429 once it
// is empty, and Body caps the size of a request body with 413. Both are
// http.Handler middleware; plexus serve puts them around the admin
// server (admin API, /metrics and the FHIR API).
//
// A client is the authenticated principal when authentication ran before
// the limiter (platform/auth.FromContext), and otherwise the remote IP
// address (an IPv6 client by its /64, which one host usually holds
// whole). Wrap authentication outside the limiter so that each principal
// gets its own bucket, however many addresses it calls from.
package limit

import (
	"encoding/json"
	"net/http"
)

// writeError answers with status and {"error": msg, ...extra}, the shape
// of the admin API's errors.
func writeError(w http.ResponseWriter, status int, msg string, retryAfter int) {
	body := struct {
		Error      string `json:"error"`
		RetryAfter int    `json:"retry_after,omitempty"`
	}{msg, retryAfter}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(body) // a failed write means the client went away
}
