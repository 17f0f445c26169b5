package audit

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strings"
)

// A Classifier says what a request is, before its handler runs: the
// action, the resource it is about, its method, path and query. It leaves
// the who, the outcome and the time to Middleware. An Entry with no Action
// means the request is not audited (health probes, metrics, static files).
type Classifier func(r *http.Request) Entry

// FHIR interactions whose Bundle type is known only from the body; see
// Middleware.
const (
	actionBundle      = "fhir.bundle" // a POST at the base whose type could not be read
	actionTransaction = "fhir.transaction"
	actionBatch       = "fhir.batch"
)

// FHIRClassifier returns the Classifier of the FHIR API served under base
// ("/fhir").
func FHIRClassifier(base string) Classifier {
	return func(r *http.Request) Entry { return FHIRInteraction(r, base) }
}

// FHIRInteraction classifies a request to the FHIR REST API served under
// base. The action is "fhir." followed by the interaction's code from
// http://hl7.org/fhir/restful-interaction: read, vread, update, patch,
// delete, history-instance, history-type, history-system, create,
// search-type, search-system, capabilities, transaction, batch, or
// "operation.$name" for an operation; "fhir.request" for a path that is no
// interaction. The resource type and id come from the path. A request
// outside base is not classified.
//
// A POST at the base is a transaction or a batch, which only the Bundle
// says: Middleware reads its "type" as the handler reads the body.
func FHIRInteraction(r *http.Request, base string) Entry {
	base = "/" + strings.Trim(base, "/")
	rest, ok := strings.CutPrefix(r.URL.Path, base)
	if !ok || rest != "" && rest[0] != '/' {
		return Entry{}
	}
	e := Entry{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery}
	var segs []string
	if rest = strings.Trim(rest, "/"); rest != "" {
		segs = strings.Split(rest, "/")
	}
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	e.Action = "fhir." + interaction(method, segs, &e)
	return e
}

// interaction names the FHIR interaction of method on the path segments
// after the base, setting e's resource type and id.
func interaction(method string, segs []string, e *Entry) string {
	op := func(s string) (string, bool) {
		if strings.HasPrefix(s, "$") && len(s) > 1 {
			return "operation." + s, true
		}
		return "", false
	}
	switch len(segs) {
	case 0:
		switch method {
		case http.MethodGet:
			return "search-system"
		case http.MethodPost:
			return "bundle"
		}
	case 1:
		s := segs[0]
		if name, ok := op(s); ok {
			return name
		}
		switch {
		case s == "metadata" && method == http.MethodGet:
			return "capabilities"
		case s == "_history" && method == http.MethodGet:
			return "history-system"
		case strings.HasPrefix(s, "_") || s == "metadata":
			return "request"
		}
		e.ResourceType = s
		switch method {
		case http.MethodGet:
			return "search-type"
		case http.MethodPost:
			return "create"
		case http.MethodPut:
			return "update" // conditional
		case http.MethodDelete:
			return "delete" // conditional
		case http.MethodPatch:
			return "patch" // conditional
		}
	case 2:
		e.ResourceType = segs[0]
		s := segs[1]
		if name, ok := op(s); ok {
			return name
		}
		switch {
		case s == "_search" && method == http.MethodPost:
			return "search-type"
		case s == "_history" && method == http.MethodGet:
			return "history-type"
		case strings.HasPrefix(s, "_"):
			return "request"
		}
		e.ResourceID = s
		switch method {
		case http.MethodGet:
			return "read"
		case http.MethodPut:
			return "update"
		case http.MethodPatch:
			return "patch"
		case http.MethodDelete:
			return "delete"
		}
	case 3, 4:
		e.ResourceType, e.ResourceID = segs[0], segs[1]
		if name, ok := op(segs[2]); ok && len(segs) == 3 {
			return name
		}
		if segs[2] == "_history" && method == http.MethodGet {
			if len(segs) == 3 {
				return "history-instance"
			}
			return "vread"
		}
	}
	return "request"
}

// AdminAction classifies a request to the admin API under /api/v1. The
// action is "admin.", the collection, a dot and what was done to it:
//
//	GET    /api/v1/messages               admin.messages.list
//	GET    /api/v1/messages/{id}          admin.messages.read (admin.messages.content with ?content=1)
//	GET    /api/v1/messages/{id}/content  admin.messages.content (a view of a payload)
//	POST   /api/v1/messages/{id}/resend   admin.messages.resend
//	POST   /api/v1/dlq/replay             admin.dlq.replay
//	POST   /api/v1/users                  admin.users.create
//	PUT    /api/v1/users/{id}             admin.users.update
//	DELETE /api/v1/users/{id}             admin.users.delete
//
// The {id} is recorded as the resource id. Requests outside /api/v1
// (health, metrics, the dashboard's files) are not classified.
func AdminAction(r *http.Request) Entry {
	rest, ok := strings.CutPrefix(r.URL.Path, "/api/v1/")
	rest = strings.Trim(rest, "/")
	if !ok || rest == "" {
		return Entry{}
	}
	e := Entry{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery}
	segs := strings.Split(rest, "/")
	method := r.Method
	if method == http.MethodHead {
		method = http.MethodGet
	}
	verb := strings.ToLower(method)
	switch len(segs) {
	case 1:
		switch method {
		case http.MethodGet:
			verb = "list"
		case http.MethodPost:
			verb = "create"
		}
	case 2:
		switch method {
		case http.MethodGet:
			verb = "read"
			if c := r.URL.Query().Get("content"); c == "1" || c == "true" {
				verb = "content"
			}
		case http.MethodPut, http.MethodPatch:
			verb = "update"
		case http.MethodDelete:
			verb = "delete"
		case http.MethodPost:
			verb = segs[1] // an action on the collection: dlq/replay
		}
		if method != http.MethodPost {
			e.ResourceID = segs[1]
		}
	default:
		e.ResourceID = segs[1]
		verb = strings.Join(segs[2:], ".")
	}
	e.Action = "admin." + segs[0] + "." + verb
	return e
}

// bundleSniffLimit is how much of a Bundle's body Middleware keeps to read
// its type: "type" comes near the start in what clients write.
const bundleSniffLimit = 64 << 10

// bundleType returns the top-level "type" of the JSON object that starts
// body, or "" when it is not within body.
func bundleType(body []byte) string {
	dec := json.NewDecoder(bytes.NewReader(body))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return ""
	}
	for dec.More() {
		t, err := dec.Token()
		if err != nil {
			return ""
		}
		key, _ := t.(string)
		if key == "type" {
			var v string
			if dec.Decode(&v) != nil {
				return ""
			}
			return v
		}
		var skip json.RawMessage
		if dec.Decode(&skip) != nil {
			return ""
		}
	}
	return ""
}
