package accounts

import (
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/platform/auth"
)

// principals are the callers the policy test tries: nobody, and each role
// with and without the phi permission.
var principals = func() map[string]*auth.Principal {
	m := map[string]*auth.Principal{"anon": nil}
	for _, r := range Roles {
		m[r] = &auth.Principal{Kind: auth.KindUser, Subject: r, Roles: []string{r}}
		m[r+"+phi"] = &auth.Principal{Kind: auth.KindUser, Subject: r, Roles: []string{r}, Permissions: []string{PermPHI}}
	}
	return m
}()

// Shorthands for who is allowed, written out in the table below.
const (
	everyone  = "anon viewer viewer+phi operator operator+phi auditor auditor+phi admin admin+phi"
	signedIn  = "viewer viewer+phi operator operator+phi auditor auditor+phi admin admin+phi"
	readersOK = "viewer viewer+phi operator operator+phi admin admin+phi"
	operateOK = "operator operator+phi admin admin+phi"
	phiOK     = "viewer+phi operator+phi admin+phi"
	auditOK   = "auditor auditor+phi admin admin+phi"
	adminOK   = "admin admin+phi"
)

func TestPolicy(t *testing.T) {
	routes := []struct {
		method, path string
		allowed      string
	}{
		{"GET", "/healthz", everyone},
		{"GET", "/readyz", everyone},
		{"GET", "/metrics", readersOK},
		{"POST", "/api/v1/login", everyone},
		{"POST", "/api/v1/logout", everyone},
		{"GET", "/api/v1/me", signedIn},
		{"GET", "/api/v1/channels", readersOK},
		{"HEAD", "/api/v1/channels", readersOK},
		{"POST", "/api/v1/channels/adt/start", operateOK},
		{"POST", "/api/v1/channels/adt/stop", operateOK},
		{"GET", "/api/v1/queues", readersOK},
		{"GET", "/api/v1/messages", readersOK},
		{"GET", "/api/v1/messages?patient-id=123", readersOK},
		{"GET", "/api/v1/messages/7", readersOK},
		{"GET", "/api/v1/messages/7/content", phiOK},
		{"POST", "/api/v1/messages/7/resend", operateOK},
		{"GET", "/api/v1/dlq", readersOK},
		{"POST", "/api/v1/dlq/replay", operateOK},
		{"GET", "/api/v1/config", readersOK},
		{"GET", "/api/v1/audit", auditOK},
		{"GET", "/api/v1/users", adminOK},
		{"POST", "/api/v1/users", adminOK},
		{"GET", "/api/v1/users/bob", adminOK},
		{"PATCH", "/api/v1/users/bob", adminOK},
		{"DELETE", "/api/v1/users/bob", adminOK},
		{"GET", "/api/v1/apikeys", adminOK},
		{"POST", "/api/v1/apikeys", adminOK},
		{"DELETE", "/api/v1/apikeys/0123456789abcdef", adminOK},
		// Deny by default: unknown routes, known paths with other methods.
		{"GET", "/api/v1/secrets", adminOK},
		{"GET", "/api/v1/messages/7/content/more", adminOK},
		{"DELETE", "/api/v1/channels", adminOK},
		{"POST", "/api/v1/messages/7/content", adminOK},
		{"POST", "/healthz", adminOK},
		{"GET", "/", adminOK},
		{"GET", "/api/v1//messages", adminOK},
	}
	for _, rt := range routes {
		allowed := strings.Fields(rt.allowed)
		for name, p := range principals {
			r := httptest.NewRequest(rt.method, rt.path, nil)
			want := 0
			if !slices.Contains(allowed, name) {
				want = http.StatusForbidden
				if p == nil {
					want = http.StatusUnauthorized
				}
			}
			if got := decide(r, p); got != want {
				t.Errorf("%s %s as %s: %d, want %d", rt.method, rt.path, name, got, want)
			}
		}
	}
}

// TestPolicyCoversHandler checks that every route of Handler has a row of
// its own, so none of them falls to the admin-only default by mistake.
func TestPolicyCoversHandler(t *testing.T) {
	for _, rt := range []struct{ method, path string }{
		{"POST", "/api/v1/login"}, {"POST", "/api/v1/logout"}, {"GET", "/api/v1/me"},
		{"GET", "/api/v1/users"}, {"PATCH", "/api/v1/users/x"}, {"DELETE", "/api/v1/apikeys/x"},
	} {
		if rule := ruleFor(httptest.NewRequest(rt.method, rt.path, nil)); rule == adminOnly {
			t.Errorf("%s %s has no rule", rt.method, rt.path)
		}
	}
}

func TestCanViewContent(t *testing.T) {
	for name, p := range principals {
		r := httptest.NewRequest("GET", "/api/v1/messages/1/content", nil)
		if p != nil {
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		}
		if got, want := CanViewContent(r), strings.HasSuffix(name, "+phi"); got != want {
			t.Errorf("CanViewContent as %s = %v, want %v", name, got, want)
		}
	}
}
