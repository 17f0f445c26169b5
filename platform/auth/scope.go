package auth

import (
	"fmt"
	"net/url"
	"strings"
)

// Interaction is a set of the five SMART v2 permissions, as bits.
type Interaction uint8

// The SMART v2 permissions, in the order a scope writes them ("cruds").
const (
	Create Interaction = 1 << iota
	Read
	Update
	Delete
	Search

	// All is every permission ("cruds", v1 "*").
	All = Create | Read | Update | Delete | Search
)

// String writes the set in SMART v2 form ("rs", "cruds").
func (i Interaction) String() string {
	var b strings.Builder
	for n, c := range "cruds" {
		if i&(1<<n) != 0 {
			b.WriteRune(c)
		}
	}
	return b.String()
}

// Scope is one SMART on FHIR resource scope: a context (patient, user or
// system), a resource type or "*", the permitted interactions, and for v2
// granular scopes the search parameters a resource must match
// ("patient/Observation.rs?category=laboratory").
type Scope struct {
	Context string      // "patient", "user" or "system"
	Type    string      // a resource type, or "*" for all
	Allow   Interaction // what the scope permits
	// Params restricts the scope to resources that match these search
	// parameters; nil when the scope is not granular.
	Params url.Values
	raw    string
}

// String returns the scope as it was written.
func (s Scope) String() string { return s.raw }

// ParseScope parses one resource scope in SMART v2 form
// (context/Type.cruds[?query]) or v1 form (context/Type.read, .write, .*).
// v1 read is v2 "rs"; v1 write is "cud" (SMART v2 section 3.2 maps it so).
func ParseScope(s string) (Scope, error) {
	sc := Scope{raw: s}
	rest := s
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		params, err := url.ParseQuery(rest[q+1:])
		if err != nil || len(params) == 0 {
			return Scope{}, fmt.Errorf("scope %q: bad query after '?'", s)
		}
		sc.Params = params
		rest = rest[:q]
	}
	ctx, res, ok := strings.Cut(rest, "/")
	if !ok {
		return Scope{}, fmt.Errorf("scope %q: want context/Type.permissions", s)
	}
	switch ctx {
	case "patient", "user", "system":
		sc.Context = ctx
	default:
		return Scope{}, fmt.Errorf("scope %q: context must be patient, user or system", s)
	}
	typ, perms, ok := strings.Cut(res, ".")
	if !ok || typ == "" || perms == "" {
		return Scope{}, fmt.Errorf("scope %q: want context/Type.permissions", s)
	}
	if typ != "*" && !validType(typ) {
		return Scope{}, fmt.Errorf("scope %q: %q is not a resource type name", s, typ)
	}
	sc.Type = typ
	switch perms {
	case "read":
		sc.Allow = Read | Search
	case "write":
		sc.Allow = Create | Update | Delete
	case "*":
		sc.Allow = All
	default:
		// v2 permissions are a non-empty subsequence of "cruds", in order.
		next := 0
		for _, c := range perms {
			n := strings.IndexRune("cruds"[next:], c)
			if n < 0 {
				return Scope{}, fmt.Errorf("scope %q: permissions must be read, write, * or letters of cruds in that order", s)
			}
			sc.Allow |= 1 << (next + n)
			next += n + 1
		}
	}
	if sc.Params != nil && sc.Allow&^(Read|Search) != 0 {
		// Granular scopes narrow what a client can see; SMART defines
		// them for reads and searches only.
		return Scope{}, fmt.Errorf("scope %q: a query restriction is allowed only with r and s", s)
	}
	return sc, nil
}

// validType reports whether t looks like a FHIR resource type name. The
// FHIR server checks that the type exists; this only refuses what could
// never be one.
func validType(t string) bool {
	if t[0] < 'A' || t[0] > 'Z' {
		return false
	}
	for _, c := range t {
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// nonResource are the scopes that grant no resource access by themselves
// (identity, launch context, refresh tokens).
var nonResource = map[string]bool{
	"openid": true, "fhirUser": true, "profile": true, "launch": true,
	"launch/patient": true, "launch/encounter": true,
	"offline_access": true, "online_access": true,
}

// Grant is the set of resource scopes a token carries.
type Grant []Scope

// ParseGrant parses a token's scopes (a space-separated list, or several).
// Scopes that grant no resource access (openid, launch/patient, ...) are
// skipped; an unparseable resource scope is an error naming it.
func ParseGrant(scopes ...string) (Grant, error) {
	var g Grant
	for _, list := range scopes {
		for _, s := range strings.Fields(list) {
			if nonResource[s] || strings.HasPrefix(s, "launch/") {
				continue
			}
			sc, err := ParseScope(s)
			if err != nil {
				return nil, err
			}
			g = append(g, sc)
		}
	}
	return g, nil
}

// Applicable returns the scopes that permit interaction on resourceType.
// None means the interaction is refused. A caller applies the union of
// what they return: a resource is visible when any one of them admits it
// (a patient scope admits the principal's patient compartment; a scope
// with Params admits what matches them). Unrestricted tells at once
// whether one of them admits everything.
func (g Grant) Applicable(interaction Interaction, resourceType string) []Scope {
	var out []Scope
	for _, s := range g {
		if s.Allow&interaction == interaction && (s.Type == "*" || s.Type == resourceType) {
			out = append(out, s)
		}
	}
	return out
}

// Unrestricted reports whether one of scopes admits every resource: a user
// or system scope with no query restriction.
func Unrestricted(scopes []Scope) bool {
	for _, s := range scopes {
		if s.Context != "patient" && s.Params == nil {
			return true
		}
	}
	return false
}

// Covers reports whether g grants at least what s asks: a scope of the same
// context, for the same type or "*", with every permission of s, and
// either no query restriction or the same one. The authorization server
// uses it to cut a client's request down to what it was registered for.
func (g Grant) Covers(s Scope) bool {
	for _, have := range g {
		if have.Context != s.Context || (have.Type != "*" && have.Type != s.Type) {
			continue
		}
		if have.Allow&s.Allow != s.Allow {
			continue
		}
		if have.Params == nil || (s.Params != nil && have.Params.Encode() == s.Params.Encode()) {
			return true
		}
	}
	return false
}
