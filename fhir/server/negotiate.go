package server

import (
	"mime"
	"net/http"
	"strings"
	"time"
)

// JSON is the only format served. These are the names a client may use for
// it in Content-Type, Accept and _format; application/json+fhir is the DSTU2
// name some clients still send.
var jsonTypes = map[string]bool{
	"application/fhir+json": true,
	"application/json":      true,
	"application/json+fhir": true,
}

// formatNames are the _format values meaning JSON besides the media types.
var formatNames = map[string]bool{"json": true}

// acceptsJSON reports whether the client accepts a JSON answer: _format, if
// given, overrides Accept, as FHIR allows for clients that cannot set headers.
func acceptsJSON(r *http.Request) (string, bool) {
	if f := r.URL.Query().Get("_format"); f != "" {
		// An unescaped "+" in "application/fhir+json" arrives as a space.
		mt, _, err := mime.ParseMediaType(strings.ReplaceAll(f, " ", "+"))
		if err == nil && (formatNames[mt] || jsonTypes[mt]) {
			return "", true
		}
		return "_format " + quote(f) + " is not supported: only JSON is served", false
	}
	accept := r.Header.Values("Accept")
	if len(accept) == 0 {
		return "", true
	}
	for _, line := range accept {
		for item := range strings.SplitSeq(line, ",") {
			mt, params, err := mime.ParseMediaType(strings.TrimSpace(item))
			if err != nil || params["q"] == "0" {
				continue
			}
			if jsonTypes[mt] || mt == "*/*" || mt == "application/*" {
				return "", true
			}
		}
	}
	return "Accept " + quote(strings.Join(accept, ", ")) + " names no format served: only JSON (application/fhir+json) is", false
}

// jsonContentType checks a request body's Content-Type. An absent one is
// taken as JSON: the body is parsed and rejected if it is not.
func jsonContentType(ct string) (string, bool) {
	if ct == "" {
		return "", true
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && jsonTypes[mt] {
		return "", true
	}
	return "Content-Type " + quote(ct) + " is not supported: send application/fhir+json", false
}

// Values of the Prefer header's return preference.
const (
	returnMinimal          = "minimal"
	returnRepresentation   = "representation"
	returnOperationOutcome = "OperationOutcome"
)

// preferReturn reads Prefer: return=…; representation is the default.
func preferReturn(r *http.Request) string {
	for _, line := range r.Header.Values("Prefer") {
		for tok := range strings.FieldsFuncSeq(line, func(c rune) bool { return c == ',' || c == ';' }) {
			k, v, _ := strings.Cut(strings.TrimSpace(tok), "=")
			if strings.EqualFold(strings.TrimSpace(k), "return") {
				switch v = strings.Trim(strings.TrimSpace(v), `"`); v {
				case returnMinimal, returnOperationOutcome:
					return v
				}
				return returnRepresentation
			}
		}
	}
	return returnRepresentation
}

// setVersionHeaders sets the ETag and Last-Modified of a version.
func setVersionHeaders(w http.ResponseWriter, versionID string, lastUpdated time.Time) {
	w.Header().Set("ETag", etag(versionID))
	w.Header().Set("Last-Modified", lastUpdated.UTC().Format(http.TimeFormat))
}

// etag is the weak ETag FHIR uses for a version: W/"3".
func etag(versionID string) string { return `W/"` + versionID + `"` }
