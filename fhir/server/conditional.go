package server

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/search"
	"github.com/plexus-health/plexus/platform/auth"
)

// notModified evaluates a conditional read against the current version v,
// as RFC 9110 orders it: If-None-Match decides when present (a listed
// version, or "*", means not modified), and only without it does
// If-Modified-Since count. A date that does not parse is ignored, as the RFC
// asks. Last-Modified has whole seconds, so v's time is compared truncated:
// a client sending back the Last-Modified it got must get a 304.
func notModified(r *http.Request, v *repo.Version) bool {
	if inm := r.Header.Values("If-None-Match"); len(inm) > 0 {
		for _, line := range inm {
			for tag := range strings.SplitSeq(line, ",") {
				tag = strings.TrimSpace(tag)
				if tag == "*" {
					return true
				}
				if vid, ok := versionOf(tag); ok && vid == v.VersionID {
					return true
				}
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		since, err := http.ParseTime(ims)
		if err != nil {
			return false
		}
		return !v.LastUpdated.Truncate(time.Second).After(since)
	}
	return false
}

// versionOf reads a version as a client may send it in If-Match or
// If-None-Match: W/"3", "3" or 3. ETags compare weakly, so W/ is optional.
// The version comes back in its canonical form, "3".
func versionOf(tag string) (string, bool) {
	if len(tag) > 2 && (tag[:2] == "W/" || tag[:2] == "w/") {
		tag = tag[2:]
	}
	if len(tag) >= 2 && tag[0] == '"' && tag[len(tag)-1] == '"' {
		tag = tag[1 : len(tag)-1]
	}
	n, err := strconv.ParseInt(tag, 10, 64)
	if err != nil || n < 1 {
		return "", false
	}
	return strconv.FormatInt(n, 10), true
}

// Matcher finds the resources a conditional query selects: the
// If-None-Exist of a create, the query of a conditional update or delete,
// and the conditional references and requests of a Bundle. fhir/search's
// Searcher is one.
type Matcher interface {
	// Match returns the ids of the live resources of type typ that params
	// select, inside tx when tx is not nil (so that the answer holds for
	// the writes of that transaction). A query that cannot be run as
	// written is a *search.ParamError (400).
	Match(ctx context.Context, tx *sql.Tx, typ string, params url.Values) ([]string, error)
}

// conditionalQuery reads the query of a conditional update or delete: the
// request's query without the parameters that shape the answer rather
// than select resources (_format). An empty query is refused: it would
// match every resource of the type.
func conditionalQuery(r *http.Request) (url.Values, bool) {
	q := r.URL.Query()
	q.Del("_format")
	return q, len(q) > 0
}

// createIfNoneExist is POST [base]/[type] with If-None-Exist: the resource
// is created only if the query matches nothing; one match answers 200 with
// that resource, several 412. The match and the write run in one
// transaction, so two such creates racing create one resource.
func (s *Server) createIfNoneExist(w http.ResponseWriter, r *http.Request, typ string, raw []byte, doc map[string]any) {
	q, err := url.ParseQuery(strings.TrimPrefix(strings.TrimPrefix(r.Header.Get("If-None-Exist"), typ), "?"))
	if err != nil || len(q) == 0 {
		writeOutcome(w, http.StatusBadRequest, "invalid", "If-None-Exist "+quote(r.Header.Get("If-None-Exist"))+" is not a search query")
		return
	}
	id := repo.NewID() // CreateAs replaces an id the body may have
	p, err := s.repo.PrepareDecoded(typ, raw, doc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var v *repo.Version
	status := http.StatusCreated
	err = s.repo.Tx(r.Context(), func(tw *repo.Writer) error {
		ids, err := s.matcherFor(r).Match(r.Context(), tw.Tx(), typ, q)
		if err != nil {
			return err
		}
		switch len(ids) {
		case 0:
			v, err = tw.CreateAs(r.Context(), p, id)
			return err
		case 1:
			status = http.StatusOK
			v, err = tw.Read(r.Context(), typ, ids[0])
			return err
		}
		return &preconditionError{fmt.Sprintf("If-None-Exist matches %d %s resources; it must match at most one", len(ids), typ)}
	})
	if err != nil {
		s.failConditional(w, r, err)
		return
	}
	s.writeVersion(w, r, status, v)
}

// conditionalUpdate is PUT [base]/[type]?query. One match is updated (an
// id in the body must be its id); no match creates the resource, under the
// body's id if it has one and no other resource has that id; several
// matches are a 412.
func (s *Server) conditionalUpdate(w http.ResponseWriter, r *http.Request) {
	typ := r.PathValue("type")
	if s.match == nil {
		writeOutcome(w, http.StatusNotImplemented, "not-supported", "conditional update needs search, which this server does not have")
		return
	}
	q, ok := conditionalQuery(r)
	if !ok {
		writeOutcome(w, http.StatusBadRequest, "invalid", "a conditional update needs a search query")
		return
	}
	raw, doc, ok := s.resource(w, r, typ)
	if !ok {
		return
	}
	bodyID, _ := doc["id"].(string)
	// The id is decided in the transaction: the match's, else the body's,
	// else a fresh one. A resource without an id can be written under any.
	id := bodyID
	if id == "" {
		id = repo.NewID()
	}
	p, err := s.repo.PrepareDecoded(typ, raw, doc)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var v *repo.Version
	var created bool
	err = s.repo.Tx(r.Context(), func(tw *repo.Writer) error {
		ids, err := s.matcherFor(r).Match(r.Context(), tw.Tx(), typ, q)
		if err != nil {
			return err
		}
		switch len(ids) {
		case 0:
			if bodyID != "" {
				// The body names a resource the query does not match: do
				// not overwrite it.
				if _, err := tw.Read(r.Context(), typ, bodyID); err == nil {
					return &conflictError{typ + "/" + bodyID + " exists but does not match the query; a conditional update must not replace it"}
				}
			}
		case 1:
			if bodyID != "" && bodyID != ids[0] {
				return fmt.Errorf("%w: the body's id %s is not %s, the id of the resource the query matches", repo.ErrInvalid, quote(bodyID), quote(ids[0]))
			}
			id = ids[0]
		default:
			return &preconditionError{fmt.Sprintf("the conditional update matches %d %s resources; it must match at most one", len(ids), typ)}
		}
		if g := guardOf(r); g != nil {
			if err := g.mayWrite(r.Context(), tw.Tx(), auth.Update, typ, id, doc); err != nil {
				return err
			}
		}
		v, created, err = tw.Put(r.Context(), p, id, r.Header.Get("If-Match"))
		return err
	})
	if err != nil {
		s.failConditional(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	s.writeVersion(w, r, status, v)
}

// conditionalDelete is DELETE [base]/[type]?query: the one resource the
// query matches is deleted; no match succeeds with nothing to delete, as
// an ordinary delete of an absent resource does; several matches are a
// 412 (this server does not delete several at once).
func (s *Server) conditionalDelete(w http.ResponseWriter, r *http.Request) {
	typ := r.PathValue("type")
	if s.match == nil {
		writeOutcome(w, http.StatusNotImplemented, "not-supported", "conditional delete needs search, which this server does not have")
		return
	}
	q, ok := conditionalQuery(r)
	if !ok {
		writeOutcome(w, http.StatusBadRequest, "invalid", "a conditional delete needs a search query")
		return
	}
	var v *repo.Version
	var id string
	err := s.repo.Tx(r.Context(), func(tw *repo.Writer) error {
		ids, err := s.matcherFor(r).Match(r.Context(), tw.Tx(), typ, q)
		if err != nil {
			return err
		}
		switch len(ids) {
		case 0:
			return nil
		case 1:
			id = ids[0]
			if im := r.Header.Get("If-Match"); im != "" {
				cur, err := tw.Read(r.Context(), typ, id)
				if err != nil {
					return err
				}
				if want, ok := versionOf(im); !ok || want != cur.VersionID {
					return &repo.VersionConflictError{Type: typ, ID: id, Expected: im, Current: cur.VersionID}
				}
			}
			if g := guardOf(r); g != nil {
				if err := g.mayWrite(r.Context(), tw.Tx(), auth.Delete, typ, id, nil); err != nil {
					return err
				}
			}
			v, err = tw.Delete(r.Context(), typ, id)
			return err
		}
		return &preconditionError{fmt.Sprintf("the conditional delete matches %d %s resources; this server deletes one at most", len(ids), typ)}
	})
	if err != nil {
		s.failConditional(w, r, err)
		return
	}
	msg := "no " + typ + " matches the query; nothing to delete"
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

// preconditionError is a condition that matched several resources (412).
type preconditionError struct{ msg string }

func (e *preconditionError) Error() string { return e.msg }

// conflictError is a conditional write that would overwrite a resource the
// condition did not select (409).
type conflictError struct{ msg string }

func (e *conflictError) Error() string { return e.msg }

// failConditional answers the failure of a conditional write.
func (s *Server) failConditional(w http.ResponseWriter, r *http.Request, err error) {
	var (
		pre      *preconditionError
		conflict *conflictError
	)
	switch {
	case errors.As(err, &pre):
		writeOutcome(w, http.StatusPreconditionFailed, "multiple-matches", pre.msg)
	case errors.As(err, &conflict):
		writeOutcome(w, http.StatusConflict, "conflict", conflict.msg)
	case isQueryError(err):
		writeOutcome(w, http.StatusBadRequest, "invalid", err.Error())
	default:
		s.fail(w, r, err)
	}
}

// isQueryError tells a query the Matcher cannot run as written (400) from a
// failure of the store.
func isQueryError(err error) bool {
	var pe *search.ParamError
	return errors.As(err, &pe)
}
