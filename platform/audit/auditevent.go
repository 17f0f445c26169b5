package audit

import (
	"encoding/base64"
	"net/netip"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// Code systems of the rendered AuditEvents.
const (
	systemEventType   = "http://terminology.hl7.org/CodeSystem/audit-event-type"
	systemDICOM       = "http://dicom.nema.org/resources/ontology/DCM"
	systemInteraction = "http://hl7.org/fhir/restful-interaction"
	systemSourceType  = "http://terminology.hl7.org/CodeSystem/security-source-type"
	systemResource    = "http://hl7.org/fhir/resource-types"
	// SystemAction is the code system of Plexus's own action names
	// ("admin.dlq.replay"), used in AuditEvent.subtype beside the FHIR
	// interaction.
	SystemAction = "urn:plexus:audit-action"
	// systemPrincipal, followed by the principal's kind, identifies
	// AuditEvent.agent.who.
	systemPrincipal = "urn:plexus:principal:"
)

// interactions are the codes of http://hl7.org/fhir/restful-interaction
// that FHIRInteraction produces, with their display and their
// AuditEvent.action.
var interactions = map[string]struct{ display, action string }{
	"read":             {"read", "R"},
	"vread":            {"vread", "R"},
	"update":           {"update", "U"},
	"patch":            {"patch", "U"},
	"delete":           {"delete", "D"},
	"history-instance": {"history-instance", "R"},
	"history-type":     {"history-type", "R"},
	"history-system":   {"history-system", "R"},
	"create":           {"create", "C"},
	"search-type":      {"search-type", "R"},
	"search-system":    {"search-system", "R"},
	"capabilities":     {"capabilities", "R"},
	"transaction":      {"transaction", "E"},
	"batch":            {"batch", "E"},
	"operation":        {"operation", "E"},
}

// fhirCode returns the restful-interaction code of a "fhir." action, or "".
func fhirCode(action string) string {
	code, ok := strings.CutPrefix(action, "fhir.")
	if !ok {
		return ""
	}
	if strings.HasPrefix(code, "operation.") {
		code = "operation"
	}
	if _, ok := interactions[code]; !ok {
		return ""
	}
	return code
}

// crud is the AuditEvent.action of a record: what the interaction did, or
// for other actions what its method does.
func crud(r *Record) string {
	if code := fhirCode(r.Action); code != "" {
		return interactions[code].action
	}
	switch {
	case r.Action == ActionLogin:
		return "E"
	case strings.HasSuffix(r.Action, ".create"):
		return "C"
	}
	switch r.Method {
	case "GET", "HEAD":
		return "R"
	case "PUT", "PATCH":
		return "U"
	case "DELETE":
		return "D"
	}
	return "E"
}

// outcomeCode is the AuditEvent.outcome of a record: 0 success, 4 minor
// failure (refused), 8 serious failure (the server failed).
func outcomeCode(outcome string) string {
	switch outcome {
	case OutcomeFailure:
		return "4"
	case OutcomeError:
		return "8"
	}
	return "0"
}

var (
	fhirIDRE   = regexp.MustCompile(`^[A-Za-z0-9\-.]{1,64}$`)
	fhirTypeRE = regexp.MustCompile(`^[A-Z][A-Za-z]{0,63}$`)
)

// auditEvent renders a record as a FHIR R4 AuditEvent.
func auditEvent(r *Record) map[string]any {
	ev := map[string]any{
		"resourceType": "AuditEvent",
		"id":           strconv.FormatInt(r.Seq, 10),
		"recorded":     r.Time.UTC().Format(time.RFC3339Nano),
		"action":       crud(r),
		"outcome":      outcomeCode(r.Outcome),
	}
	if r.Status != 0 {
		ev["outcomeDesc"] = "HTTP " + strconv.Itoa(r.Status)
	}
	subtype := []any{coding(SystemAction, r.Action, "")}
	switch code := fhirCode(r.Action); {
	case code != "":
		ev["type"] = coding(systemEventType, "rest", "RESTful Operation")
		subtype = append([]any{coding(systemInteraction, code, interactions[code].display)}, subtype...)
	case r.Action == ActionLogin:
		ev["type"] = coding(systemDICOM, "110114", "User Authentication")
		subtype = append([]any{coding(systemDICOM, "110122", "Login")}, subtype...)
	default:
		ev["type"] = coding(systemDICOM, "110100", "Application Activity")
	}
	ev["subtype"] = subtype

	agent := map[string]any{"requestor": true}
	who := map[string]any{"display": "anonymous"}
	if r.Subject != "" {
		who["display"] = r.Subject
		kind := string(r.Principal)
		if kind == "" {
			kind = "unknown"
		}
		who["identifier"] = map[string]any{"system": systemPrincipal + kind, "value": r.Subject}
	}
	agent["who"] = who
	if r.TokenID != "" {
		agent["altId"] = r.TokenID
	}
	if r.Remote != "" {
		typ := "1" // machine name
		if _, err := netip.ParseAddr(r.Remote); err == nil {
			typ = "2" // IP address
		}
		agent["network"] = map[string]any{"address": r.Remote, "type": typ}
	}
	ev["agent"] = []any{agent}
	ev["source"] = map[string]any{
		"observer": map[string]any{"display": "Plexus"},
		"type":     []any{coding(systemSourceType, "3", "Web Server")},
	}
	if ent := entity(r); len(ent) > 0 {
		ev["entity"] = []any{ent}
	}
	return ev
}

// entity describes what the record is about: the resource as a reference
// when it has a type and id, else the resource type, and the request's
// path and query.
func entity(r *Record) map[string]any {
	ent := map[string]any{}
	switch {
	case fhirTypeRE.MatchString(r.ResourceType) && fhirIDRE.MatchString(r.ResourceID):
		ent["what"] = map[string]any{"reference": r.ResourceType + "/" + r.ResourceID}
	case r.ResourceID != "":
		what := map[string]any{"identifier": map[string]any{"value": r.ResourceID}}
		if r.ResourceType != "" {
			what["type"] = r.ResourceType
		}
		ent["what"] = what
	}
	if _, ok := ent["what"]; !ok && fhirTypeRE.MatchString(r.ResourceType) {
		ent["type"] = coding(systemResource, r.ResourceType, "")
	}
	if r.Path != "" {
		ent["description"] = strings.TrimSpace(r.Method + " " + r.Path)
	}
	if r.Query != "" {
		ent["query"] = base64.StdEncoding.EncodeToString([]byte(r.Query))
	}
	return ent
}

func coding(system, code, display string) map[string]any {
	c := map[string]any{"system": system, "code": code}
	if display != "" {
		c["display"] = display
	}
	return c
}
