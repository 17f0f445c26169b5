package server

import (
	"bytes"
	"encoding/json"
	"mime"
	"net/http"

	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/validate"
)

// patchMediaType is the only patch format accepted. FHIRPath Patch (a
// Parameters resource) and XML Patch are not supported.
const patchMediaType = "application/json-patch+json"

// patchContentType checks a PATCH body's Content-Type.
func patchContentType(ct string) (string, bool) {
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && mt == patchMediaType {
		return "", true
	}
	return "Content-Type " + quote(ct) + " is not supported for PATCH: send a JSON Patch as " + patchMediaType, false
}

// patch is PATCH [base]/[type]/[id] with a JSON Patch (RFC 6902). The patch
// applies to the current version and its result is validated and stored as
// an update of that very version: with If-Match the client names it (412 if
// it is no longer current), without, the version read is used, so a writer
// in between makes it a 409 rather than a lost update.
//
// A patch document that is wrong is a 400; one that cannot be applied to
// this resource (a failing test, a path that does not exist) or whose result
// is not a valid resource of the same type and id is a 422.
func (s *Server) patch(w http.ResponseWriter, r *http.Request) {
	typ, id := r.PathValue("type"), r.PathValue("id")
	raw, ok := s.readBody(w, r)
	if !ok {
		return
	}
	ops, err := parsePatch(raw)
	if err != nil {
		writeOutcome(w, http.StatusBadRequest, "invalid", err.Error())
		return
	}
	ifMatch := r.Header.Get("If-Match")
	var wantVersion string
	if ifMatch != "" {
		if wantVersion, ok = versionOf(ifMatch); !ok {
			writeOutcome(w, http.StatusBadRequest, "invalid", "If-Match "+quote(ifMatch)+" is not a version")
			return
		}
	}
	cur, err := s.repo.Read(r.Context(), typ, id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	if wantVersion == "" {
		wantVersion = cur.VersionID
	} else if wantVersion != cur.VersionID {
		// Checked before applying, so that a stale client hears 412, not
		// the failure of a test written against its own copy.
		s.fail(w, r, &repo.VersionConflictError{Type: typ, ID: id, Expected: wantVersion, Current: cur.VersionID})
		return
	}
	doc, err := decodeJSON(cur.Resource)
	if err != nil {
		s.fail(w, r, err) // the store holds what it validated; this is its failure
		return
	}
	// A patch may grow the resource by no more than a request may send.
	result, err := applyPatch(doc, ops, int(min(s.opts.MaxBody, 1<<30)))
	if err != nil {
		// A failing test and a path that is not there alike: the patch
		// was written for another state of the resource.
		writeOutcome(w, http.StatusUnprocessableEntity, "processing", err.Error())
		return
	}
	obj, isObj := result.(map[string]any)
	if !isObj {
		writeOutcome(w, http.StatusUnprocessableEntity, "structure", "the patched document is not a JSON object, a FHIR resource")
		return
	}
	if rt, _ := obj["resourceType"].(string); rt != typ {
		writeIssue(w, http.StatusUnprocessableEntity, "resourceType", "the patch changes resourceType from "+quote(typ)+"; a patch cannot change a resource's type")
		return
	}
	if got, _ := obj["id"].(string); got != id {
		writeIssue(w, http.StatusUnprocessableEntity, typ+".id", "the patch changes id from "+quote(id)+"; a patch cannot change a resource's id")
		return
	}
	if out := s.val.ValidateMap(obj, typ); !out.OK() {
		writeOutcomeOf(w, http.StatusUnprocessableEntity, out)
		return
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(obj); err != nil {
		s.fail(w, r, err)
		return
	}
	v, _, err := s.repo.Update(r.Context(), typ, id, bytes.TrimSpace(buf.Bytes()), wantVersion)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeVersion(w, r, http.StatusOK, v)
}

// writeIssue answers with one error issue at a FHIRPath location.
func writeIssue(w http.ResponseWriter, status int, expression, diagnostics string) {
	writeOutcomeOf(w, status, &validate.OperationOutcome{Issues: []validate.Issue{{
		Severity: validate.SeverityError, Code: "invalid", Expression: expression, Diagnostics: diagnostics,
	}}})
}
