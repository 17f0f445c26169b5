// Package server serves the FHIR R4 REST API over a [repo.Repo]: read (with
// If-None-Match and If-Modified-Since), vread, create, update (and
// update-as-create), JSON Patch, delete, history at instance, type and
// system level, $validate, and a CapabilityStatement at /metadata that lists
// exactly these.
//
// Every write is validated before it reaches the repository: a body that is
// not JSON is a 400, a resource that breaks the definitions a 422 carrying the
// validator's OperationOutcome. Every error answer is an OperationOutcome with
// the matching HTTP status, including unknown routes and methods.
//
// Batch and transaction Bundles are processed at POST [base] (bundle.go);
// conditional create (If-None-Exist), conditional update and conditional
// delete (conditional.go) run their match and their write in one
// transaction. Conditional operations need a [Matcher] (Options.Matcher);
// without one they answer 501.
//
// Search (search.go, over package fhir/search) is served at GET [base]/{type},
// POST [base]/{type}/_search, GET [base]?_type=... and
// GET [base]/Patient/{id}/$everything when Options.Searcher is set (else
// those routes answer 501): every R4 search parameter of the types string,
// token, reference, date, number, quantity, uri and composite, with
// modifiers, prefixes, chains, _has, _sort, _include and _revinclude, keyset
// paging and _summary/_elements. The CapabilityStatement lists the
// parameters per type. PATCH takes JSON Patch only: a
// FHIRPath Patch (a Parameters body) is refused with 415.
//
// With Options.Authorize, SMART on FHIR scopes from the request's
// auth.Principal decide every interaction (authz.go): a patient-scoped token
// sees its patient's compartment only, in searches (in the SQL),
// includes, $everything, history and Bundles alike.
//
// The handler never logs resource content: only the method, the route and,
// for a failure of the store, the error.
package server

import (
	"log/slog"
	"net/http"
	"strings"

	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/search"
	"github.com/plexus-health/plexus/fhir/spec"
	"github.com/plexus-health/plexus/fhir/validate"
	"github.com/plexus-health/plexus/platform/auth"
)

// DefaultMaxBody is the default request body limit: 16 MiB, room for a large
// resource with attachments inlined.
const DefaultMaxBody = 16 << 20

// Options configure the handler. The zero value serves under /fhir.
type Options struct {
	// Base is the path the API is served under, "/fhir" if empty.
	Base string
	// BaseURL is the absolute service base ("https://example.org/fhir") used
	// in Location headers and Bundle links. If empty it is built from each
	// request's Host and scheme, which is right unless a proxy rewrites them.
	BaseURL string
	// MaxBody is the request body limit in bytes, DefaultMaxBody if zero.
	MaxBody int64
	// Logger receives failures of the store, never resource content;
	// slog.Default() if nil.
	Logger *slog.Logger
	// Matcher runs the queries of conditional operations and of Bundle
	// conditional references. Without one, those answer 501.
	Matcher Matcher
	// Searcher answers searches, and is the Matcher when Matcher is nil.
	// Without one, search answers 501.
	Searcher *search.Searcher
	// Authorize enforces SMART on FHIR scopes (authz.go): every request
	// but /metadata needs a Principal in its context (auth.WithPrincipal,
	// set by the authentication middleware) and may do and see only what
	// its scopes grant. Patient and granular scopes need Searcher.
	Authorize bool
	// TokenURL and AuthorizeURL are the OAuth2 endpoints the
	// CapabilityStatement names (rest.security, SMART oauth-uris) when
	// Authorize is set.
	TokenURL, AuthorizeURL string
}

// Server is the FHIR REST handler built by [New].
type Server struct {
	repo    *repo.Repo
	val     *validate.Validator
	spec    *spec.Spec
	opts    Options
	mux     *http.ServeMux
	log     *slog.Logger
	caps    []byte           // the CapabilityStatement, rendered once
	broken  error            // set when the definitions could not be loaded
	match   Matcher          // nil: conditional operations answer 501
	bundles *BundleProcessor // batch and transaction Bundles
	search  *search.Searcher // nil: search answers 501
}

var _ http.Handler = (*Server)(nil)

// New returns the FHIR REST API over r, validating writes with v.
func New(r *repo.Repo, v *validate.Validator, opts Options) http.Handler {
	opts.Base = "/" + strings.Trim(opts.Base, "/")
	if opts.Base == "/" {
		opts.Base = "/fhir"
	}
	opts.BaseURL = strings.TrimSuffix(opts.BaseURL, "/")
	if opts.MaxBody <= 0 {
		opts.MaxBody = DefaultMaxBody
	}
	if opts.Matcher == nil && opts.Searcher != nil {
		opts.Matcher = opts.Searcher
	}
	s := &Server{repo: r, val: v, opts: opts, mux: http.NewServeMux(), log: opts.Logger, match: opts.Matcher, search: opts.Searcher}
	s.bundles = NewBundleProcessor(r, v, opts.Matcher)
	if s.log == nil {
		s.log = slog.Default()
	}
	sp, err := spec.R4()
	if err != nil {
		// validate.New loads the same definitions, so this cannot happen
		// with a working Validator; answer 500 rather than panic.
		s.broken = err
		return s
	}
	s.spec = sp
	if s.caps, err = s.capabilityStatement(); err != nil {
		s.broken = err
		return s
	}
	s.routes()
	return s
}

// routes registers every interaction. ServeMux prefers the more specific
// pattern, so the literal segments (metadata, _history, $validate) win over
// {type} and {id}.
func (s *Server) routes() {
	b := s.opts.Base
	handle := func(pattern string, h http.HandlerFunc) {
		method, path, _ := strings.Cut(pattern, " ")
		s.mux.HandleFunc(method+" "+b+path, h)
	}
	handle("GET /metadata", s.metadata)
	handle("GET /_history", s.historySystem)
	handle("POST /$validate", s.validateOp)
	handle("POST /{type}", s.typed(s.permit(needCreate, s.create)))
	handle("GET /{type}/_history", s.typed(s.permit(needs(auth.Read|auth.Search), s.historyType)))
	handle("POST /{type}/$validate", s.typed(s.validateOp))
	handle("GET /{type}/{id}", s.typed(s.permit(needs(auth.Read), s.read)))
	handle("PUT /{type}/{id}", s.typed(s.permit(needs(auth.Update), s.update)))
	handle("DELETE /{type}/{id}", s.typed(s.permit(needs(auth.Delete), s.delete)))
	handle("PATCH /{type}/{id}", s.typed(s.permit(needs(auth.Update), s.patch)))
	handle("GET /{type}/{id}/_history", s.typed(s.permit(needs(auth.Read), s.historyInstance)))
	handle("GET /{type}/{id}/_history/{vid}", s.typed(s.permit(needs(auth.Read), s.vread)))

	// Batch and transaction at the base itself ("POST /fhir") as well as
	// "/fhir/": ServeMux would answer the former with a redirect, which
	// most FHIR clients do not follow for a POST.
	handle("POST /{$}", s.bundle)
	s.mux.HandleFunc("POST "+b, s.bundle)
	handle("PUT /{type}", s.typed(s.permit(needs(auth.Update|auth.Search), s.conditionalUpdate)))
	handle("DELETE /{type}", s.typed(s.permit(needs(auth.Delete|auth.Search), s.conditionalDelete)))
	if s.search != nil {
		handle("GET /{type}", s.typed(s.permit(needs(auth.Search), s.searchType)))
		handle("POST /{type}/_search", s.typed(s.permit(needs(auth.Search), s.searchTypePost)))
		handle("GET /{$}", s.searchSystem)
		s.mux.HandleFunc("GET "+b, s.searchSystem)
		handle("GET /Patient/{id}/$everything", s.everything)
		handle("GET /{comp}/{id}/{type}", s.typed(s.permit(needs(auth.Search), s.searchCompartment)))
	} else {
		handle("GET /{type}", s.typed(s.notImplemented("search is not configured on this server")))
		handle("POST /{type}/_search", s.typed(s.notImplemented("search is not configured on this server")))
	}
	s.mux.HandleFunc("/", s.noRoute)
}

// ServeHTTP checks what every request must satisfy (a JSON answer is
// acceptable, the body is JSON and within the limit) and routes it.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.broken != nil {
		s.fail(w, r, s.broken)
		return
	}
	if msg, ok := acceptsJSON(r); !ok {
		writeOutcome(w, http.StatusNotAcceptable, "not-supported", msg)
		return
	}
	if r.Body != nil && r.Body != http.NoBody {
		check := jsonContentType
		if r.Method == http.MethodPatch {
			check = patchContentType
		}
		if r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/_search") {
			check = formContentType
		}
		if msg, ok := check(r.Header.Get("Content-Type")); !ok {
			writeOutcome(w, http.StatusUnsupportedMediaType, "not-supported", msg)
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, s.opts.MaxBody)
	}
	if s.opts.Authorize && !s.openPath(r) {
		var ok bool
		if r, ok = s.authenticate(w, r); !ok {
			return
		}
	}
	s.mux.ServeHTTP(w, r)
}

// typed wraps a handler of /{type}/... routes: an unknown resource type is a
// 404 before the handler runs.
func (s *Server) typed(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if t := r.PathValue("type"); !s.spec.IsResource(t) {
			writeOutcome(w, http.StatusNotFound, "not-supported", "resource type "+quote(t)+" is not a FHIR R4 resource type")
			return
		}
		h(w, r)
	}
}

func (s *Server) notImplemented(msg string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		writeOutcome(w, http.StatusNotImplemented, "not-supported", msg)
	}
}

// noRoute answers requests no interaction matches.
func (s *Server) noRoute(w http.ResponseWriter, r *http.Request) {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodPatch:
		writeOutcome(w, http.StatusNotFound, "not-found", "no FHIR interaction at "+r.Method+" "+quote(r.URL.Path))
	default:
		w.Header().Set("Allow", "GET, HEAD, POST, PUT, DELETE, PATCH")
		writeOutcome(w, http.StatusMethodNotAllowed, "not-supported", "method "+r.Method+" is not supported")
	}
}

// baseURL is the absolute service base for links in answers to r.
func (s *Server) baseURL(r *http.Request) string {
	if s.opts.BaseURL != "" {
		return s.opts.BaseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host + s.opts.Base
}
