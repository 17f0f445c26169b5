package server

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/validate"
	"github.com/plexus-health/plexus/platform/auth"
)

// body reads and decodes a request body that must be one JSON object. It
// answers the request itself and returns ok false when the body is too
// large or not a JSON object (400). The raw bytes go to the repository,
// which keeps the client's member order; the decoded map goes to the
// validator.
func (s *Server) body(w http.ResponseWriter, r *http.Request) (raw []byte, doc map[string]any, ok bool) {
	raw, ok = s.readBody(w, r)
	if !ok {
		return nil, nil, false
	}
	v, err := decodeJSON(raw)
	if err != nil {
		writeOutcome(w, http.StatusBadRequest, "invalid", "the body is not valid JSON: "+err.Error())
		return nil, nil, false
	}
	doc, isObj := v.(map[string]any)
	if !isObj {
		writeOutcome(w, http.StatusBadRequest, "structure", "the body must be a JSON object, a FHIR resource")
		return nil, nil, false
	}
	return raw, doc, true
}

// readBody reads the request body whole. It answers the request itself and
// returns ok false when the body is too large (413) or cannot be read (400).
func (s *Server) readBody(w http.ResponseWriter, r *http.Request) ([]byte, bool) {
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			s.fail(w, r, err)
		} else {
			writeOutcome(w, http.StatusBadRequest, "invalid", "reading the request body: "+err.Error())
		}
		return nil, false
	}
	return raw, true
}

// decodeJSON decodes one JSON value, numbers as json.Number so that they
// keep their digits, and refuses data after it.
func decodeJSON(raw []byte) (any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return nil, errors.New("data after the JSON value")
	}
	return v, nil
}

// resource reads the body of a create or update of type typ and validates
// it: 400 if it is not a resource of that type, 422 with the validator's
// outcome if it breaks the definitions.
func (s *Server) resource(w http.ResponseWriter, r *http.Request, typ string) (raw []byte, doc map[string]any, ok bool) {
	raw, doc, ok = s.body(w, r)
	if !ok {
		return nil, nil, false
	}
	if rt, _ := doc["resourceType"].(string); rt != typ {
		writeOutcomeOf(w, http.StatusBadRequest, &validate.OperationOutcome{Issues: []validate.Issue{{
			Severity: validate.SeverityError, Code: "invalid", Expression: "resourceType",
			Diagnostics: "the body's resourceType " + quote(rt) + " is not " + quote(typ) + ", the type in the URL",
		}}})
		return nil, nil, false
	}
	if out := s.val.ValidateMap(doc, typ); !out.OK() {
		writeOutcomeOf(w, http.StatusUnprocessableEntity, out)
		return nil, nil, false
	}
	return raw, doc, true
}

// create is POST [base]/[type].
func (s *Server) create(w http.ResponseWriter, r *http.Request) {
	conditional := r.Header.Get("If-None-Exist") != ""
	if conditional && s.match == nil {
		writeOutcome(w, http.StatusNotImplemented, "not-supported", "conditional create (If-None-Exist) needs search, which this server does not have")
		return
	}
	typ := r.PathValue("type")
	raw, doc, ok := s.resource(w, r, typ)
	if !ok || !s.checkWrite(w, r, auth.Create, typ, "", doc) {
		return
	}
	if conditional {
		s.createIfNoneExist(w, r, typ, raw, doc)
		return
	}
	v, err := s.repo.Create(r.Context(), typ, raw)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	s.writeVersion(w, r, http.StatusCreated, v)
}

// read is GET [base]/[type]/[id], conditional on If-None-Match and
// If-Modified-Since: 304 without a body when the client's copy is current.
func (s *Server) read(w http.ResponseWriter, r *http.Request) {
	if s.hidden(w, r, auth.Read, r.PathValue("type"), r.PathValue("id")) {
		return
	}
	v, err := s.repo.Read(r.Context(), r.PathValue("type"), r.PathValue("id"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	setVersionHeaders(w, v.VersionID, v.LastUpdated)
	if notModified(r, v) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	writeJSON(w, http.StatusOK, v.Resource)
}

// vread is GET [base]/[type]/[id]/_history/[vid].
func (s *Server) vread(w http.ResponseWriter, r *http.Request) {
	// A restricted caller's right to a version is judged on the current
	// version: the compartment is indexed for that one only.
	if s.hidden(w, r, auth.Read, r.PathValue("type"), r.PathValue("id")) {
		return
	}
	v, err := s.repo.VRead(r.Context(), r.PathValue("type"), r.PathValue("id"), r.PathValue("vid"))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	setVersionHeaders(w, v.VersionID, v.LastUpdated)
	writeJSON(w, http.StatusOK, v.Resource)
}

// update is PUT [base]/[type]/[id]: 200 for a new version of a live
// resource, 201 when it creates the resource (update-as-create, also after a
// delete). If-Match makes it a version-aware update (412 on mismatch).
func (s *Server) update(w http.ResponseWriter, r *http.Request) {
	typ, id := r.PathValue("type"), r.PathValue("id")
	raw, doc, ok := s.resource(w, r, typ)
	if !ok {
		return
	}
	if bodyID, _ := doc["id"].(string); bodyID != id {
		msg := "the body has no id; an update must carry the id " + quote(id) + " of the URL"
		if bodyID != "" {
			msg = "the body's id " + quote(bodyID) + " is not the URL's id " + quote(id)
		}
		writeOutcomeOf(w, http.StatusBadRequest, &validate.OperationOutcome{Issues: []validate.Issue{{
			Severity: validate.SeverityError, Code: "invalid", Expression: typ + ".id", Diagnostics: msg,
		}}})
		return
	}
	var v *repo.Version
	var created bool
	var err error
	if g := guardOf(r); g != nil {
		// The checks and the write in one transaction: whether typ/id
		// exists, and whose it is, cannot change in between.
		err = s.repo.Tx(r.Context(), func(tw *repo.Writer) error {
			if err := g.mayWrite(r.Context(), tw.Tx(), auth.Update, typ, id, doc); err != nil {
				return err
			}
			v, created, err = tw.Update(r.Context(), typ, id, raw, r.Header.Get("If-Match"))
			return err
		})
	} else {
		v, created, err = s.repo.Update(r.Context(), typ, id, raw, r.Header.Get("If-Match"))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	s.writeVersion(w, r, status, v)
}

// delete is DELETE [base]/[type]/[id]. It is idempotent: deleting a deleted
// or absent resource succeeds too. The answer is 204, or 200 with an
// OperationOutcome if the client prefers one.
func (s *Server) delete(w http.ResponseWriter, r *http.Request) {
	typ, id := r.PathValue("type"), r.PathValue("id")
	// If-Match guards the deletion: the version check and the write are one
	// transaction.
	var v *repo.Version
	var err error
	if g := guardOf(r); g != nil {
		err = s.repo.Tx(r.Context(), func(tw *repo.Writer) error {
			if err := g.mayWrite(r.Context(), tw.Tx(), auth.Delete, typ, id, nil); err != nil {
				return err
			}
			v, err = tw.DeleteIf(r.Context(), typ, id, r.Header.Get("If-Match"))
			return err
		})
	} else {
		v, err = s.repo.DeleteIf(r.Context(), typ, id, r.Header.Get("If-Match"))
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	msg := typ + "/" + id + " does not exist; nothing to delete"
	if v != nil {
		setVersionHeaders(w, v.VersionID, v.LastUpdated)
		msg = typ + "/" + id + " is deleted (version " + v.VersionID + ")"
	}
	if preferReturn(r) == returnOperationOutcome {
		writeOutcome(w, http.StatusOK, "informational", msg)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// writeVersion answers a create or update with the version's headers and
// the body the client prefers: the resource, nothing, or an outcome.
func (s *Server) writeVersion(w http.ResponseWriter, r *http.Request, status int, v *repo.Version) {
	setVersionHeaders(w, v.VersionID, v.LastUpdated)
	if status == http.StatusCreated {
		w.Header().Set("Location", s.baseURL(r)+"/"+v.Type+"/"+v.ID+"/_history/"+v.VersionID)
	}
	switch preferReturn(r) {
	case returnMinimal:
		w.WriteHeader(status)
	case returnOperationOutcome:
		verb := "updated"
		if status == http.StatusCreated {
			verb = "created"
		}
		writeOutcome(w, status, "informational", v.Type+"/"+v.ID+" "+verb+" as version "+v.VersionID)
	default:
		writeJSON(w, status, v.Resource)
	}
}
