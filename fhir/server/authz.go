package server

import (
	"context"
	"database/sql"
	"errors"
	"net/http"
	"net/url"
	"slices"

	"github.com/plexus-health/plexus/fhir/index"
	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/search"
	"github.com/plexus-health/plexus/fhir/spec"
	"github.com/plexus-health/plexus/platform/auth"
)

// SMART on FHIR scope enforcement (Options.Authorize).
//
// Every request but GET /metadata and the SMART configuration needs a
// Principal in its context (put there by the authentication middleware);
// without one the answer is 401. The Principal's scopes decide the rest,
// in two steps:
//
//  1. The interaction and type: read and vread need r; search (type,
//     system, _include targets) needs s; type and system history r and s,
//     instance history r; create c; update and patch u, and c as well when
//     the update creates; delete d; a conditional create, update or delete
//     s as well, since it searches; $everything r and s. A type no scope
//     grants is a 403. $validate needs only a Principal.
//  2. Which resources: a user or system scope without a query admits every
//     resource of its type; a patient scope admits the compartment of
//     Principal.Patient (and nothing when the token names no patient); a
//     granular scope (?category=laboratory) admits what matches its query.
//     A resource is visible when one applicable scope admits it.
//
// Searches carry step 2 into their SQL (search.Access), so paging and
// _total count only what the caller may see, and _include and _revinclude
// bring in only visible resources. A read of a resource the caller may not
// see answers 404, as if it did not exist: a patient-scoped client learns
// nothing about other patients. A write that would touch a resource
// outside what the caller may see, or leave one there (a patient-scoped
// client creating an Observation about another patient), answers 403: a
// write cannot pretend to have succeeded.

// guard is one request's authorization: the Principal's grant and what it
// needs to decide.
type guard struct {
	grant   auth.Grant
	patient string // the Principal's patient; "" grants no patient scope
	search  *search.Searcher
	spec    *spec.Spec
}

type guardKey struct{}

// guardOf returns the request's guard, nil when authorization is off.
func guardOf(r *http.Request) *guard {
	g, _ := r.Context().Value(guardKey{}).(*guard)
	return g
}

// openPath reports whether a request needs no Principal: the
// CapabilityStatement and the SMART configuration, which a client reads to
// learn how to get a token.
func (s *Server) openPath(r *http.Request) bool {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return false
	}
	switch r.URL.Path {
	case s.opts.Base + "/metadata", s.opts.Base + "/.well-known/smart-configuration":
		return true
	}
	return false
}

// authenticate puts the request's guard in its context. It answers 401
// itself when there is no Principal, 403 when its scopes do not parse, and
// returns ok false then.
func (s *Server) authenticate(w http.ResponseWriter, r *http.Request) (*http.Request, bool) {
	p, ok := auth.FromContext(r.Context())
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fhir"`)
		writeOutcome(w, http.StatusUnauthorized, "login", "authentication is required: send a bearer token")
		return nil, false
	}
	grant, err := auth.ParseGrant(p.Scopes...)
	if err != nil {
		writeOutcome(w, http.StatusForbidden, "forbidden", "the token's scopes do not parse: "+err.Error())
		return nil, false
	}
	g := &guard{grant: grant, patient: p.Patient, search: s.search, spec: s.spec}
	return r.WithContext(context.WithValue(r.Context(), guardKey{}, g)), true
}

// forbiddenError is an interaction the caller's scopes do not permit (403).
type forbiddenError struct{ msg string }

func (e *forbiddenError) Error() string { return e.msg }

func forbidden(need auth.Interaction, typ string) *forbiddenError {
	return &forbiddenError{"the token's scopes do not permit " + need.String() + " on " + typ}
}

// scopes are the grant's scopes that permit need on typ; patient scopes
// count only when the Principal has a patient.
func (g *guard) scopes(need auth.Interaction, typ string) []auth.Scope {
	sc := g.grant.Applicable(need, typ)
	if g.patient == "" {
		sc = slices.DeleteFunc(sc, func(s auth.Scope) bool { return s.Context == "patient" })
	}
	return sc
}

// permits reports whether some scope permits need on typ, for some
// resources of it at least.
func (g *guard) permits(need auth.Interaction, typ string) bool {
	return len(g.scopes(need, typ)) > 0
}

// restricted reports whether need on typ is permitted for some resources
// only (patient or granular scopes).
func (g *guard) restricted(need auth.Interaction, typ string) bool {
	return !auth.Unrestricted(g.scopes(need, typ))
}

// access is what the caller may see of types for need, for a search's SQL;
// nil when it may see every resource of all of them.
func (g *guard) access(need auth.Interaction, types []string) *search.Access {
	a := &search.Access{Patient: g.patient}
	restricted := false
	for _, t := range types {
		sc := g.scopes(need, t)
		switch {
		case len(sc) == 0:
			restricted = true
		case auth.Unrestricted(sc):
			a.Allow(t, search.Admit{})
		default:
			restricted = true
			for _, s := range sc {
				a.Allow(t, search.Admit{Compartment: s.Context == "patient", Params: s.Params})
			}
		}
	}
	if !restricted {
		return nil
	}
	return a
}

// searchAccess is the access of a search: over every type, since a query
// reaches beyond its own types through _include, _revinclude, chains and
// _has.
func (g *guard) searchAccess(need auth.Interaction) *search.Access {
	return g.access(need, g.spec.Resources())
}

// visible reports whether the caller may see the live resource typ/id for
// need, inside tx when it is not nil.
func (g *guard) visible(ctx context.Context, tx *sql.Tx, need auth.Interaction, typ, id string) (bool, error) {
	sc := g.scopes(need, typ)
	switch {
	case len(sc) == 0:
		return false, nil
	case auth.Unrestricted(sc):
		return true, nil
	case g.search == nil:
		return false, nil // nothing to evaluate a compartment with: fail closed
	}
	return g.search.Admits(ctx, tx, typ, id, g.access(need, []string{typ}))
}

// mayWrite decides a write of need (Create, Update or Delete) on typ/id,
// inside tx when it is not nil: some scope must permit it; a resource that
// exists under id must be visible to those scopes; an update that would
// create needs Create as well; and doc, the resource as it will be stored
// (nil for a delete), must be visible after the write. The refusal is a
// *forbiddenError.
func (g *guard) mayWrite(ctx context.Context, tx *sql.Tx, need auth.Interaction, typ, id string, doc map[string]any) error {
	if !g.permits(need, typ) {
		return forbidden(need, typ)
	}
	restricted := g.restricted(need, typ)
	if g.search == nil && (restricted || need == auth.Update && !g.permits(auth.Create, typ)) {
		// Nothing to tell whose the resource is, or whether it exists:
		// fail closed.
		return forbidden(need, typ)
	}
	if id != "" && (restricted || need == auth.Update) && g.search != nil {
		exists, err := g.search.Admits(ctx, tx, typ, id, nil)
		if err != nil {
			return err
		}
		if exists && restricted {
			ok, err := g.visible(ctx, tx, need, typ, id)
			if err != nil {
				return err
			}
			if !ok {
				return &forbiddenError{"the token's scopes do not permit writing " + typ + "/" + id}
			}
		}
		if !exists && need == auth.Update && !g.permits(auth.Create, typ) {
			return forbidden(auth.Create, typ)
		}
	}
	if doc != nil && restricted && !g.inCompartment(typ, id, doc) {
		return &forbiddenError{"the token's scopes permit writing " + typ + " only in the compartment of its patient"}
	}
	return nil
}

// inCompartment reports whether doc, a resource of typ to be stored under
// id, is in the Principal's patient compartment: it is that Patient, or one
// of the reference parameters the R4 CompartmentDefinition lists for typ
// points at it. A resource about nobody is not in it.
func (g *guard) inCompartment(typ, id string, doc map[string]any) bool {
	if g.patient == "" {
		return false
	}
	if typ == "Patient" && id == g.patient {
		return true
	}
	params := g.spec.Compartment("Patient", typ)
	if len(params) == 0 {
		return false
	}
	e, err := index.ExtractMap(typ, doc)
	if err != nil {
		return false
	}
	for _, ref := range e.References {
		if ref.TargetType == "Patient" && ref.TargetID == g.patient && slices.Contains(params, ref.Param) {
			return true
		}
	}
	return false
}

// matcher limits m to what the caller may search, for conditional
// operations and references.
func (g *guard) matcher(m Matcher) Matcher {
	if m == nil {
		return nil
	}
	return &guardedMatcher{g: g, m: m}
}

// guardedMatcher is a Matcher that selects only what the guard's scopes
// let the caller search.
type guardedMatcher struct {
	g *guard
	m Matcher
}

var _ Matcher = (*guardedMatcher)(nil)

func (gm *guardedMatcher) Match(ctx context.Context, tx *sql.Tx, typ string, params url.Values) ([]string, error) {
	// What the caller may not search matches nothing (a conditional
	// reference to it then fails as unmatched); the REST routes refuse a
	// conditional operation on such a type before it gets here.
	if !gm.g.permits(auth.Search, typ) {
		return nil, nil
	}
	a := gm.g.searchAccess(auth.Search)
	if a == nil {
		return gm.m.Match(ctx, tx, typ, params)
	}
	if gm.g.search == nil {
		return nil, nil
	}
	return gm.g.search.MatchWithin(ctx, tx, typ, params, a)
}

// matcherFor is the Matcher of r's conditional operations.
func (s *Server) matcherFor(r *http.Request) Matcher {
	if g := guardOf(r); g != nil {
		return g.matcher(s.match)
	}
	return s.match
}

// permit wraps a handler of /{type}/... routes: need, as need(r) computes
// it, must be permitted on the route's type, else 403. Without
// authorization it is h itself.
func (s *Server) permit(need func(r *http.Request) auth.Interaction, h http.HandlerFunc) http.HandlerFunc {
	if !s.opts.Authorize {
		return h
	}
	return func(w http.ResponseWriter, r *http.Request) {
		g := guardOf(r)
		if g == nil {
			// Only the open paths come without a guard, and none of them
			// is a typed route; refuse rather than assume.
			writeOutcome(w, http.StatusUnauthorized, "login", "authentication is required: send a bearer token")
			return
		}
		typ := r.PathValue("type")
		if n := need(r); !g.permits(n, typ) {
			writeOutcome(w, http.StatusForbidden, "forbidden", forbidden(n, typ).Error())
			return
		}
		h(w, r)
	}
}

// needs returns a need function for a fixed interaction.
func needs(i auth.Interaction) func(*http.Request) auth.Interaction {
	return func(*http.Request) auth.Interaction { return i }
}

// needCreate is what a create needs: c, and s with If-None-Exist.
func needCreate(r *http.Request) auth.Interaction {
	if r.Header.Get("If-None-Exist") != "" {
		return auth.Create | auth.Search
	}
	return auth.Create
}

// hidden answers a read of what the caller may not see as absent, and
// reports whether it did (or failed).
func (s *Server) hidden(w http.ResponseWriter, r *http.Request, need auth.Interaction, typ, id string) bool {
	g := guardOf(r)
	if g == nil {
		return false
	}
	ok, err := g.visible(r.Context(), nil, need, typ, id)
	if err != nil {
		s.fail(w, r, err)
		return true
	}
	if !ok {
		s.fail(w, r, repo.ErrNotFound)
		return true
	}
	return false
}

// checkWrite applies mayWrite outside a transaction for r; it answers the
// request itself and returns false when the write is refused.
func (s *Server) checkWrite(w http.ResponseWriter, r *http.Request, need auth.Interaction, typ, id string, doc map[string]any) bool {
	g := guardOf(r)
	if g == nil {
		return true
	}
	if err := g.mayWrite(r.Context(), nil, need, typ, id, doc); err != nil {
		s.fail(w, r, err)
		return false
	}
	return true
}

// visibleVersions keeps the history entries the caller may see: of types
// it may read and search, and, where its scopes are restricted, of
// resources it may see now (their compartment is judged on the current
// version). A page may come out shorter than _count; its next link still
// leads on.
func (g *guard) visibleVersions(ctx context.Context, vs []*repo.Version) ([]*repo.Version, error) {
	const need = auth.Read | auth.Search
	// Which ids of each restricted type are visible, one query per type.
	restricted := make(map[string][]string)
	for _, v := range vs {
		if g.permits(need, v.Type) && g.restricted(need, v.Type) {
			restricted[v.Type] = append(restricted[v.Type], v.ID)
		}
	}
	seen := make(map[string]map[string]bool, len(restricted))
	for typ, ids := range restricted {
		if g.search == nil {
			seen[typ] = nil // fail closed
			continue
		}
		ok, err := g.search.Admitted(ctx, nil, typ, ids, g.access(need, []string{typ}))
		if err != nil {
			return nil, err
		}
		seen[typ] = ok
	}
	out := vs[:0]
	for _, v := range vs {
		if !g.permits(need, v.Type) {
			continue
		}
		if ok, checked := seen[v.Type]; checked && !ok[v.ID] {
			continue
		}
		out = append(out, v)
	}
	return out, nil
}

// isForbidden reports whether err is a refusal by the scopes.
func isForbidden(err error) (*forbiddenError, bool) {
	var f *forbiddenError
	ok := errors.As(err, &f)
	return f, ok
}

// entryNeed is what a Bundle entry's interaction needs, as the REST routes
// need it.
func entryNeed(e *entry) auth.Interaction {
	var need auth.Interaction
	switch e.method {
	case "GET", "HEAD":
		need = auth.Read
		if e.id == "" {
			need = auth.Search
		}
	case "POST":
		need = auth.Create
		if e.ifNone != nil {
			need |= auth.Search
		}
	case "PUT", "PATCH":
		need = auth.Update
	case "DELETE":
		need = auth.Delete
	}
	if e.query != nil && (e.method == "PUT" || e.method == "DELETE") {
		need |= auth.Search
	}
	return need
}

// permitEntry refuses (403) a parsed entry whose interaction the caller's
// scopes do not permit on its type. In a transaction the first failed
// entry fails the whole Bundle.
func (p *BundleProcessor) permitEntry(e *entry) {
	if p.guard == nil || e.failed() {
		return
	}
	if need := entryNeed(e); !p.guard.permits(need, e.typ) {
		e.fail(http.StatusForbidden, "forbidden", "request", "%s", forbidden(need, e.typ).Error())
	}
}

// mayWrite applies guard.mayWrite to an entry in the transaction: a
// refusal fails the entry with 403 (and with it a transaction) before
// anything is written; the error is a failure of the store.
func (p *BundleProcessor) mayWrite(ctx context.Context, w *repo.Writer, e *entry, need auth.Interaction, id string) error {
	if p.guard == nil {
		return nil
	}
	err := p.guard.mayWrite(ctx, w.Tx(), need, e.typ, id, e.doc)
	if f, ok := isForbidden(err); ok {
		e.fail(http.StatusForbidden, "forbidden", "request", "%s", f.msg)
		return nil
	}
	return err
}

// hidden fails an entry that reads or patches what the caller may not see
// with 404, as the REST routes answer, and reports whether it did.
func (p *BundleProcessor) hidden(ctx context.Context, w *repo.Writer, e *entry, need auth.Interaction, id string) (bool, error) {
	if p.guard == nil {
		return false, nil
	}
	ok, err := p.guard.visible(ctx, w.Tx(), need, e.typ, id)
	if err != nil || ok {
		return false, err
	}
	e.fail(http.StatusNotFound, "not-found", "request.url", "%s/%s is not known", e.typ, id)
	return true, nil
}
