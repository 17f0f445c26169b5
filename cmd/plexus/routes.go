package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/plexus-health/plexus/api"
	dicomconn "github.com/plexus-health/plexus/connector/dicom"
	dicomweb "github.com/plexus-health/plexus/dicom/web"
	"github.com/plexus-health/plexus/engine/alert"
	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/node"
	"github.com/plexus-health/plexus/engine/stats"
	"github.com/plexus-health/plexus/engine/transform"
	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/search"
	fhirserver "github.com/plexus-health/plexus/fhir/server"
	"github.com/plexus-health/plexus/fhir/validate"
	"github.com/plexus-health/plexus/mapping/events"
	"github.com/plexus-health/plexus/platform/accounts"
	"github.com/plexus-health/plexus/platform/audit"
	"github.com/plexus-health/plexus/platform/auth"
	"github.com/plexus-health/plexus/platform/limit"
	"github.com/plexus-health/plexus/web"
)

// The DICOM transform steps read the archives the dicom sources share, and
// derive mapping/events' imaging event.
func init() {
	transform.UseImagingStudies(dicomconn.ImagingStudyBundle)
	transform.UseDICOMEvents(events.FromDICOM)
}

// surface is the HTTP side of "plexus serve": every route of the admin
// listener with its authentication, authorization, audit and limits.
//
// The layers of a request, outside in:
//
//	audit.Middleware   records the request once it is answered, refusals included
//	authentication     admin: API key or session cookie; /fhir: bearer JWT or API key
//	audit.Attribute    hands the principal out to the audit record
//	limit              per-principal (else per-address) rate, then body size
//	authorization      admin: the role policy (accounts.Policy); /fhir: SMART scopes
//	handler
//
// Open routes: /healthz, /readyz, login, the OAuth2 token endpoint and
// JWK Set, the SMART configuration and /fhir/metadata, and the dashboard's
// login form and static files. Everything else needs a credential.
type surface struct {
	handler  http.Handler
	audit    *audit.Log // nil when the audit log is disabled
	accounts *accounts.Accounts
	auth     *auth.Server
}

// surfaceDeps is what buildSurface needs from the running node.
type surfaceDeps struct {
	cfg       *config.Config
	dataDir   string
	node      *node.Node
	repo      *repo.Repo
	validator *validate.Validator
	searcher  *search.Searcher
	log       *slog.Logger
	stats     *stats.Recorder  // the channels' recent history
	alerts    *alert.Evaluator // the alert rules' state
}

// buildSurface opens the audit log, the accounts and the authorization
// server in the node's store, makes sure a fresh install has its local
// admin key, and returns the routes.
func buildSurface(ctx context.Context, d surfaceDeps) (*surface, error) {
	db := d.node.Store()
	s := &surface{}
	record := func(audit.Classifier) func(http.Handler) http.Handler {
		return func(h http.Handler) http.Handler { return h }
	}
	if d.cfg.Audit.Enabled {
		s.audit = audit.New(db, audit.Options{Queue: d.cfg.Audit.QueueSize, MaxBatch: d.cfg.Audit.BatchSize, Logger: d.log})
		record = func(c audit.Classifier) func(http.Handler) http.Handler { return audit.Middleware(s.audit, c) }
	}
	s.accounts = accounts.New(db, accounts.Options{Logger: d.log, OnLogin: s.recordLogin})
	made, err := s.accounts.EnsureLocalKey(ctx, d.dataDir)
	if err != nil {
		s.close()
		return nil, err
	}
	if made {
		d.log.Info("admin API key written for local use; plexus CLI commands read it", "file", accounts.LocalKeyPath(d.dataDir))
	}
	var external []auth.Issuer
	for _, e := range d.cfg.Auth.External {
		external = append(external, auth.Issuer{Issuer: e.Issuer, Audience: e.Audience,
			Keys: &auth.RemoteKeySet{URL: e.JWKSURL, Issuer: e.Issuer}})
	}
	s.auth, err = auth.NewServer(ctx, db, auth.ServerOptions{
		Issuer: d.cfg.Auth.Issuer, TokenLifetime: d.cfg.Auth.TokenLifetime, External: external, Logger: d.log,
	})
	if err != nil {
		s.close()
		return nil, err
	}

	limiter := limit.NewLimiter(d.cfg.Admin.RateLimit.PerSecond, d.cfg.Admin.RateLimit.Burst)
	limited := func(h http.Handler) http.Handler {
		return limiter.Wrap(limit.Body(int64(d.cfg.Admin.MaxBody), h))
	}
	mux := http.NewServeMux()

	// The authorization server and the SMART discovery documents are
	// open: a client needs them to get its first token.
	oauth := limited(s.auth.Handler())
	mux.Handle("/auth/", oauth)
	mux.Handle("GET /.well-known/smart-configuration", oauth)
	mux.Handle("GET /fhir/.well-known/smart-configuration", oauth)

	fhirAPI := fhirserver.New(d.repo, d.validator, fhirserver.Options{
		Base: "/fhir", Logger: d.log, Searcher: d.searcher,
		Authorize: true, TokenURL: s.auth.TokenEndpoint(),
	})
	fhir := record(audit.FHIRClassifier("/fhir"))(s.fhirAuthn(audit.Attribute(limited(fhirAPI))))
	// The base itself too: a transaction is POSTed to /fhir, and a
	// redirect to /fhir/ is not followed for a POST.
	mux.Handle("/fhir/", fhir)
	mux.Handle("/fhir", fhir)

	admin := http.NewServeMux()
	if s.audit != nil {
		events := record(audit.FHIRClassifier("/fhir"))(s.fhirAuthn(audit.Attribute(limited(auditorsOnly(s.audit.FHIRHandler("/fhir"))))))
		mux.Handle("/fhir/AuditEvent", events)
		mux.Handle("/fhir/AuditEvent/", events)
		admin.Handle(audit.AdminPath, s.audit.AdminHandler()) // the policy lets auditors and admins through
	}
	apiOpts := api.Options{
		Metrics: d.node.Prometheus(), Logger: d.log,
		AllowContent: true, CanViewContent: accounts.CanViewContent,
	}
	if d.stats != nil {
		apiOpts.History = d.stats
	}
	if d.alerts != nil {
		apiOpts.Alerts = d.alerts
	}
	admin.Handle("/", api.New(d.node, apiOpts))
	if h, err := dicomWeb(d); err != nil {
		s.close()
		return nil, err
	} else if h != nil {
		admin.Handle(dicomweb.Prefix+"/", h)
	}
	mux.Handle("/", record(audit.AdminAction)(s.accounts.Authenticate(audit.Attribute(
		limited(accounts.Authorize(s.accounts.Routes(admin)))))))

	// The dashboard authenticates its session cookie itself (a browser
	// without a session is sent to the login form, not answered 401) and
	// applies the same policy through accounts.Authorize.
	dashOpts := web.Options{
		Engine: d.node, Sessions: s.accounts, Authorize: accounts.Authorize, Control: d.node.Control,
		Metrics: d.node.Prometheus(), Logger: d.log, Stop: ctx.Done(),
	}
	// A nil pointer in an interface would not read as "none".
	if d.stats != nil {
		dashOpts.Stats = d.stats
	}
	if d.alerts != nil {
		dashOpts.Alerts = d.alerts
	}
	if s.audit != nil {
		dashOpts.Audit = s.audit
	}
	dash, err := web.New(dashOpts)
	if err != nil {
		s.close()
		return nil, err
	}
	ui := record(web.Classify)(limited(dash))
	mux.Handle("/ui/", ui)
	mux.Handle("GET /{$}", ui)
	s.handler = mux
	return s, nil
}

// dicomWeb returns the DICOMweb handler over the archive of the first
// enabled channel with a dicom source, in configuration order, or nil when
// there is none. It shares the archive with that source, so what a sender
// stores is found at once. Instances stored with STOW-RS go to the archive
// but not through the channel.
func dicomWeb(d surfaceDeps) (http.Handler, error) {
	for _, ch := range d.cfg.Channels {
		if !ch.Enabled || ch.Source.Type != "dicom" {
			continue
		}
		dir, err := dicomconn.ArchiveDir(d.dataDir, ch.Source.Options)
		if err != nil {
			return nil, fmt.Errorf("channel %s: %w", ch.Name, err)
		}
		arch, err := dicomconn.OpenArchive(dir, d.log)
		if err != nil {
			return nil, fmt.Errorf("channel %s: %w", ch.Name, err)
		}
		d.log.Info("DICOMweb serves the archive of a dicom source", "path", dicomweb.Prefix, "channel", ch.Name)
		return dicomweb.New(arch, dicomweb.Options{Logger: d.log}), nil
	}
	return nil, nil
}

// close flushes the audit log. The store stays open: the node owns it.
func (s *surface) close() {
	if s.audit != nil {
		s.audit.Close()
	}
}

// recordLogin puts a login attempt in the audit log.
func (s *surface) recordLogin(ctx context.Context, user, remote string, ok bool) {
	if s.audit == nil {
		return
	}
	e := audit.Entry{Action: audit.ActionLogin, Principal: auth.KindUser, Subject: user, Remote: remote, Outcome: audit.OutcomeFailure}
	if ok {
		e.Outcome = audit.OutcomeSuccess
	}
	s.audit.Record(context.WithoutCancel(ctx), e)
}

// fhirAuthn authenticates /fhir requests: an admin API key (which the
// local CLI and scripts hold) or an OAuth2 bearer token from the built-in
// authorization server or a configured provider. A request without
// credentials passes with no principal: the FHIR server answers it 401,
// except for what is open (/fhir/metadata).
func (s *surface) fhirAuthn(next http.Handler) http.Handler {
	verifier := s.auth.Verifier()
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var p *auth.Principal
		var err error
		switch key := accounts.RequestKey(r); {
		case key != "":
			if p, err = s.accounts.AuthenticateKey(r.Context(), key); err == nil {
				p = keyScopes(p)
			} else if !errors.Is(err, accounts.ErrBadCredentials) {
				http.Error(w, "internal error; see the server log", http.StatusInternalServerError)
				return
			}
		case r.Header.Get("Authorization") != "":
			p, err = verifier.Authenticate(r)
		}
		if err != nil {
			auth.Unauthorized(w, err)
			return
		}
		if p != nil {
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}

// keyScopes gives an admin API key the SMART scopes it holds on /fhir.
// Clinical data is PHI: a key without the phi permission gets none; with
// it, an admin key may do everything and any other role read and search.
func keyScopes(p *auth.Principal) *auth.Principal {
	q := *p
	q.Scopes = nil
	switch {
	case !p.HasPermission(accounts.PermPHI):
	case p.HasRole(accounts.RoleAdmin):
		q.Scopes = []string{"system/*.*"}
	default:
		q.Scopes = []string{"system/*.rs"}
	}
	return &q
}

// auditorsOnly lets through to the AuditEvent views the admin roles that
// may read the audit log (auditor, admin) and tokens whose user or system
// scopes grant reading and searching AuditEvent.
func auditorsOnly(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, ok := auth.FromContext(r.Context())
		if !ok {
			auth.Unauthorized(w, auth.ErrNoToken)
			return
		}
		if p.HasRole(accounts.RoleAuditor) || p.HasRole(accounts.RoleAdmin) {
			next.ServeHTTP(w, r)
			return
		}
		if g, err := auth.ParseGrant(p.Scopes...); err == nil && auth.Unrestricted(g.Applicable(auth.Read|auth.Search, "AuditEvent")) {
			next.ServeHTTP(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/fhir+json")
		w.WriteHeader(http.StatusForbidden)
		w.Write([]byte(`{"resourceType":"OperationOutcome","issue":[{"severity":"error","code":"forbidden","diagnostics":"reading the audit log needs the auditor role or a user or system scope for AuditEvent"}]}`))
	})
}
