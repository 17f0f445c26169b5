// Package auth is who a request acts for and what it may do: the
// Principal every HTTP handler finds in its request's context, OAuth2
// bearer tokens (JWT, RS256 and ES256) verified against local keys or a
// JWKS URL, SMART on FHIR scopes, and the built-in authorization server.
//
// Authentication middleware puts a Principal in the context; handlers and
// the audit log read it with FromContext. A request with no Principal was
// not authenticated: handlers treat it as anonymous and refuse what
// anonymous callers may not do.
package auth

import "context"

// Kind says how a principal proved who it is.
type Kind string

// Principal kinds.
const (
	KindUser   Kind = "user"   // an operator logged in with a password (session cookie)
	KindAPIKey Kind = "apikey" // a system calling the admin API with an API key
	KindClient Kind = "client" // an OAuth2 client or user holding a bearer token
	KindLocal  Kind = "local"  // the process itself or a loopback install with security off
)

// Principal is who a request acts for. It is immutable once in a context.
type Principal struct {
	Kind    Kind
	Subject string // user name, API key name, or the token's sub (client ID)
	// Roles are admin API roles: admin, operator, viewer, auditor.
	Roles []string
	// Permissions are grants beyond the roles, such as "phi" (may view
	// message payloads).
	Permissions []string
	// Scopes are the SMART on FHIR scopes the bearer token granted, as
	// written ("patient/*.rs"); empty for admin principals.
	Scopes []string
	// Patient is the patient ID a patient-scoped token is bound to
	// (the token's "patient" claim); "" when there is none.
	Patient string
	// TokenID identifies the token or session (jti, session ID, key ID),
	// for the audit log; never the secret itself.
	TokenID string
}

// HasRole reports whether p holds role.
func (p *Principal) HasRole(role string) bool {
	if p == nil {
		return false
	}
	for _, r := range p.Roles {
		if r == role {
			return true
		}
	}
	return false
}

// HasPermission reports whether p holds permission.
func (p *Principal) HasPermission(perm string) bool {
	if p == nil {
		return false
	}
	for _, q := range p.Permissions {
		if q == perm {
			return true
		}
	}
	return false
}

type principalKey struct{}

// WithPrincipal returns a context carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the context's principal, or nil and false when the
// request was not authenticated.
func FromContext(ctx context.Context) (*Principal, bool) {
	p, ok := ctx.Value(principalKey{}).(*Principal)
	return p, ok && p != nil
}
