package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"mime"
	"net/http"

	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/validate"
	"github.com/plexus-health/plexus/platform/auth"
)

// patchMediaType is the media type of a JSON Patch. A FHIRPath Patch (a
// Parameters resource) comes as FHIR JSON; XML Patch is not supported.
const patchMediaType = "application/json-patch+json"

// patchContentType checks a PATCH body's Content-Type.
func patchContentType(ct string) (string, bool) {
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == patchMediaType || fhirJSONTypes[mt]) {
		return "", true
	}
	return "Content-Type " + quote(ct) + " is not supported for PATCH: send a JSON Patch as " + patchMediaType +
		" or a FHIRPath Patch (a Parameters resource) as application/fhir+json", false
}

// fhirJSONTypes are the media types of a FHIRPath Patch: FHIR JSON proper.
// Plain application/json says neither which patch format nor FHIR.
var fhirJSONTypes = map[string]bool{"application/fhir+json": true, "application/json+fhir": true}

// isFHIRPathPatch says whether a PATCH body is a FHIRPath Patch.
func isFHIRPathPatch(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && fhirJSONTypes[mt]
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
	// What the caller may not see is absent: a patch's test operations
	// must not probe it.
	if s.hidden(w, r, auth.Update, typ, id) {
		return
	}
	raw, ok := s.readBody(w, r)
	if !ok {
		return
	}
	var ops []patchOp
	var fops []fhirPathOp
	var err error
	if isFHIRPathPatch(r.Header.Get("Content-Type")) {
		var doc any
		if doc, err = decodeJSON(raw); err == nil {
			fops, err = parseFHIRPathPatch(doc)
		}
	} else {
		ops, err = parsePatch(raw)
	}
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
	// A patch may grow the resource by no more than a request may send.
	var obj map[string]any
	var problem *patchProblem
	if fops != nil {
		obj, problem, err = s.fhirPathPatched(cur.Resource, typ, id, fops, int(min(s.opts.MaxBody, 1<<30)))
	} else {
		obj, problem, err = patched(cur.Resource, typ, id, ops, int(min(s.opts.MaxBody, 1<<30)))
	}
	switch {
	case err != nil:
		s.fail(w, r, err) // the store holds what it validated; this is its failure
		return
	case problem != nil && problem.path == "":
		writeOutcome(w, http.StatusUnprocessableEntity, problem.code, problem.msg)
		return
	case problem != nil:
		writeIssue(w, http.StatusUnprocessableEntity, problem.path, problem.msg)
		return
	}
	if out := s.val.ValidateMap(obj, typ); !out.OK() {
		writeOutcomeOf(w, http.StatusUnprocessableEntity, out)
		return
	}
	// The update is pinned to the version read, so the checks hold for
	// the write.
	if !s.checkWrite(w, r, auth.Update, typ, id, obj) {
		return
	}
	body, err := encodeResource(obj)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	v, _, err := s.repo.Update(r.Context(), typ, id, body, wantVersion)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeVersion(w, r, http.StatusOK, v)
}

// patchProblem is why a patch cannot make the next version of a resource,
// answered 422: an issue code, the element it concerns ("" when the patch
// as a whole), and the reason.
type patchProblem struct{ code, path, msg string }

// fhirPathPatched is patched for a FHIRPath Patch.
func (s *Server) fhirPathPatched(stored []byte, typ, id string, ops []fhirPathOp, maxGrowth int) (map[string]any, *patchProblem, error) {
	doc, err := decodeJSON(stored)
	if err != nil {
		return nil, nil, err
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return nil, nil, fmt.Errorf("stored %s/%s is not a JSON object", typ, id)
	}
	obj, problem := applyFHIRPathPatch(s.spec, m, typ, ops, maxGrowth)
	if problem != nil {
		return nil, problem, nil
	}
	if problem := sameIdentity(obj, typ, id); problem != nil {
		return nil, problem, nil
	}
	return obj, nil, nil
}

// sameIdentity checks that a patch left a resource's type and id alone.
func sameIdentity(obj map[string]any, typ, id string) *patchProblem {
	if rt, _ := obj["resourceType"].(string); rt != typ {
		return &patchProblem{"invalid", "resourceType", "the patch changes resourceType from " + quote(typ) + "; a patch cannot change a resource's type"}
	}
	if got, _ := obj["id"].(string); got != id {
		return &patchProblem{"invalid", typ + ".id", "the patch changes id from " + quote(id) + "; a patch cannot change a resource's id"}
	}
	return nil
}

// patched applies ops to stored, the current JSON of typ/id, and checks that
// the result is still a resource of that type and id, ready to validate. A
// patch may grow the resource by no more than maxGrowth bytes. err is a
// failure of the stored data itself.
func patched(stored []byte, typ, id string, ops []patchOp, maxGrowth int) (map[string]any, *patchProblem, error) {
	doc, err := decodeJSON(stored)
	if err != nil {
		return nil, nil, err
	}
	result, err := applyPatch(doc, ops, maxGrowth)
	if err != nil {
		// A failing test and a path that is not there alike: the patch
		// was written for another state of the resource.
		return nil, &patchProblem{"processing", "", err.Error()}, nil
	}
	obj, isObj := result.(map[string]any)
	if !isObj {
		return nil, &patchProblem{"structure", "", "the patched document is not a JSON object, a FHIR resource"}, nil
	}
	if problem := sameIdentity(obj, typ, id); problem != nil {
		return nil, problem, nil
	}
	return obj, nil, nil
}

// encodeResource renders a decoded resource as compact JSON, leaving <, >
// and & as they are.
func encodeResource(obj map[string]any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(obj); err != nil {
		return nil, err
	}
	return bytes.TrimSpace(buf.Bytes()), nil
}

// writeIssue answers with one error issue at a FHIRPath location.
func writeIssue(w http.ResponseWriter, status int, expression, diagnostics string) {
	writeOutcomeOf(w, status, &validate.OperationOutcome{Issues: []validate.Issue{{
		Severity: validate.SeverityError, Code: "invalid", Expression: expression, Diagnostics: diagnostics,
	}}})
}
