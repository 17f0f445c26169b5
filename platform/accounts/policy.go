package accounts

import (
	"net/http"
	"slices"
	"sync"

	"github.com/plexus-health/plexus/platform/auth"
)

// Rule says who may call the routes a pattern matches. RoleAdmin may call
// every route that is not Public, so Roles names only the other roles.
// Permission, when set, is needed on top of the role, by admins too.
type Rule struct {
	Pattern       string   // an http.ServeMux pattern: "GET /api/v1/messages/{id}"
	Public        bool     // anyone, authenticated or not
	Authenticated bool     // any authenticated principal, whatever its roles
	Roles         []string // roles allowed besides admin; none means admin only
	Permission    string   // a permission needed as well, such as PermPHI
}

var (
	readers   = []string{RoleViewer, RoleOperator}
	operators = []string{RoleOperator}
	auditors  = []string{RoleAuditor}
)

// Policy is the admin API's access table, the one place that says who may
// call what. A request matching no pattern (an unknown route, or a known
// path with another method) is for admins only: deny by default. A route
// added to the admin API is therefore closed until a row here opens it.
var Policy = []Rule{
	{Pattern: "GET /healthz", Public: true},
	{Pattern: "GET /readyz", Public: true},
	{Pattern: "GET /metrics", Roles: readers},

	{Pattern: "POST /api/v1/login", Public: true},
	// Logging out needs no valid session: it clears whatever cookie is left.
	{Pattern: "POST /api/v1/logout", Public: true},
	{Pattern: "GET /api/v1/me", Authenticated: true},

	{Pattern: "GET /api/v1/channels", Roles: readers},
	{Pattern: "POST /api/v1/channels/{name}/start", Roles: operators},
	{Pattern: "POST /api/v1/channels/{name}/stop", Roles: operators},
	{Pattern: "POST /api/v1/channels/{name}/pause", Roles: operators},
	{Pattern: "POST /api/v1/channels/{name}/resume", Roles: operators},
	{Pattern: "GET /api/v1/stats", Roles: readers},
	{Pattern: "GET /api/v1/alerts", Roles: readers},
	{Pattern: "GET /api/v1/nodes", Roles: readers},
	{Pattern: "GET /api/v1/queues", Roles: readers},
	{Pattern: "GET /api/v1/messages", Roles: readers},
	// Details are metadata; with ?content=1 they add the destinations'
	// responses, which the admin API itself shows only with PermPHI.
	{Pattern: "GET /api/v1/messages/{id}", Roles: readers},
	{Pattern: "GET /api/v1/messages/{id}/content", Roles: readers, Permission: PermPHI},
	{Pattern: "POST /api/v1/messages/{id}/resend", Roles: operators},
	{Pattern: "GET /api/v1/dlq", Roles: readers},
	{Pattern: "POST /api/v1/dlq/replay", Roles: operators},
	{Pattern: "GET /api/v1/config", Roles: readers},

	{Pattern: "GET /api/v1/audit", Roles: auditors},

	// DICOMweb over a dicom source's archive: instances are patient data.
	{Pattern: "GET /dicomweb/", Roles: readers, Permission: PermPHI},
	{Pattern: "POST /dicomweb/studies", Roles: operators, Permission: PermPHI},
	{Pattern: "POST /dicomweb/studies/{study}", Roles: operators, Permission: PermPHI},

	// The operations dashboard (package web). It checks the same roles
	// itself first, to answer a browser with a page; its message page
	// shows content (?content=1) only with PermPHI.
	{Pattern: "GET /ui/login", Public: true},
	{Pattern: "POST /ui/login", Public: true},
	{Pattern: "POST /ui/logout", Public: true},
	{Pattern: "GET /ui/static/", Public: true},
	{Pattern: "GET /ui/{$}", Roles: readers},
	{Pattern: "POST /ui/channels/{name}/{action}", Roles: operators},
	{Pattern: "GET /ui/messages", Roles: readers},
	{Pattern: "GET /ui/messages/{id}", Roles: readers},
	{Pattern: "POST /ui/messages/{id}/resend", Roles: operators},
	{Pattern: "GET /ui/dlq", Roles: readers},
	{Pattern: "POST /ui/dlq/replay", Roles: operators},
	{Pattern: "GET /ui/alerts", Roles: readers},
	{Pattern: "GET /ui/config", Roles: readers},
	{Pattern: "GET /ui/events", Roles: readers},
	{Pattern: "GET /ui/audit", Roles: auditors},

	{Pattern: "/api/v1/users", Roles: nil},
	{Pattern: "/api/v1/users/{name}", Roles: nil},
	{Pattern: "/api/v1/apikeys", Roles: nil},
	{Pattern: "/api/v1/apikeys/{id}", Roles: nil},
}

// adminOnly is the rule of requests no pattern matches.
var adminOnly = &Rule{Pattern: "(unmatched)"}

// policyMux finds a request's rule with the same matcher the API routes
// with, so that the table and the routes cannot disagree about a path.
var policyMux = sync.OnceValue(func() *http.ServeMux {
	mux := http.NewServeMux()
	for i := range Policy {
		mux.Handle(Policy[i].Pattern, ruleHandler{&Policy[i]})
	}
	return mux
})

type ruleHandler struct{ rule *Rule }

func (ruleHandler) ServeHTTP(http.ResponseWriter, *http.Request) {}

// ruleFor returns the rule that applies to r.
func ruleFor(r *http.Request) *Rule {
	h, _ := policyMux().Handler(r)
	if rh, ok := h.(ruleHandler); ok {
		return rh.rule
	}
	return adminOnly
}

// decide returns 0 when p may make request r, else 401 (p is nil and the
// route is not public) or 403.
func decide(r *http.Request, p *auth.Principal) int {
	rule := ruleFor(r)
	if rule.Public {
		return 0
	}
	if p == nil {
		return http.StatusUnauthorized
	}
	allowed := rule.Authenticated || p.HasRole(RoleAdmin) || slices.ContainsFunc(rule.Roles, p.HasRole)
	if !allowed || rule.Permission != "" && !p.HasPermission(rule.Permission) {
		return http.StatusForbidden
	}
	return 0
}

// Authorize refuses requests the context's principal may not make by
// Policy: 401 without a principal, 403 with one that lacks the role or
// permission. It goes after Authenticate.
func Authorize(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		p, _ := auth.FromContext(r.Context())
		switch decide(r, p) {
		case 0:
			next.ServeHTTP(w, r)
		case http.StatusUnauthorized:
			unauthorized(w, "authentication required: log in, or send an API key as \"Authorization: Bearer pxk_...\"")
		default:
			writeError(w, http.StatusForbidden, "not allowed: your roles do not permit this request")
		}
	})
}

// CanViewContent reports whether the request's principal holds PermPHI.
// It is meant for the admin API's Options.CanViewContent.
func CanViewContent(r *http.Request) bool {
	p, _ := auth.FromContext(r.Context())
	return p.HasPermission(PermPHI)
}
