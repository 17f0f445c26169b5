package config

import (
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Token lifetime bounds of the built-in authorization server (kept equal
// to platform/auth's, which this package does not import).
const (
	DefaultTokenLifetime = 15 * time.Minute
	minTokenLifetime     = 5 * time.Minute
	maxTokenLifetime     = 60 * time.Minute
)

// Auth is the top-level "auth" section: who may call the FHIR API with
// OAuth2 bearer tokens. The built-in authorization server (SMART Backend
// Services, clients registered with plexus clients add) issues tokens
// under Issuer; tokens of the External providers are accepted too.
//
//	auth:
//	  issuer: https://plexus.example.org     # default http(s)://admin.listen
//	  token_lifetime: 15m                    # 5m to 60m
//	  external:
//	    - issuer: https://login.example.org/realms/health
//	      jwks_url: https://login.example.org/realms/health/certs  # default: discovered
//	      audience: https://plexus.example.org/fhir               # default issuer + /fhir
type Auth struct {
	// Issuer is this server's public base URL: the iss of its tokens and
	// the base of its token endpoint (Issuer/auth/token).
	Issuer string `yaml:"issuer"`
	// TokenLifetime is how long the tokens it issues live.
	TokenLifetime time.Duration `yaml:"token_lifetime"`
	// External are other OAuth2 / OpenID Connect providers whose tokens
	// the FHIR API accepts.
	External []ExternalIssuer `yaml:"external"`
}

// ExternalIssuer is an identity provider whose access tokens are trusted.
type ExternalIssuer struct {
	// Issuer is the exact iss of its tokens.
	Issuer string `yaml:"issuer"`
	// JWKSURL is where its signing keys are; "" discovers it from
	// Issuer/.well-known/openid-configuration.
	JWKSURL string `yaml:"jwks_url"`
	// Audience must appear in its tokens' aud; default this server's
	// FHIR base (auth.issuer + /fhir).
	Audience string `yaml:"audience"`
}

// checkAuth checks the "auth" section and fills in its defaults. It runs
// after checkSettings, so the admin address is known.
func checkAuth(cfg *Config) {
	a := &cfg.Auth
	at, ok := cfg.sections["auth"]
	given := func(path string) bool { return ok && at.dec.given(path) }
	problem := func(path, format string, args ...any) {
		if ok {
			at.dec.at(path, format, args...)
		}
	}
	if given("auth.issuer") {
		if msg := badURL(a.Issuer, false); msg != "" {
			problem("auth.issuer", "%s", msg)
		}
		a.Issuer = strings.TrimSuffix(a.Issuer, "/")
	} else {
		a.Issuer = defaultIssuer(cfg.Admin)
	}
	switch {
	case !given("auth.token_lifetime"):
		a.TokenLifetime = DefaultTokenLifetime
	case a.TokenLifetime < minTokenLifetime || a.TokenLifetime > maxTokenLifetime:
		problem("auth.token_lifetime", "must be from %v to %v", minTokenLifetime, maxTokenLifetime)
	}
	seen := map[string]int{}
	for i := range a.External {
		e := &a.External[i]
		path := fmt.Sprintf("auth.external[%d]", i)
		switch {
		case e.Issuer == "":
			if !at.dec.failed[path+".issuer"] {
				problem(path+".issuer", "required: the iss of the provider's tokens")
			}
		case badURL(e.Issuer, true) != "":
			problem(path+".issuer", "%s", badURL(e.Issuer, true))
		case e.Issuer == a.Issuer:
			problem(path+".issuer", "%q is this server's own issuer (auth.issuer)", e.Issuer)
		default:
			if first, dup := seen[e.Issuer]; dup {
				problem(path+".issuer", "%q is already listed at auth.external[%d]", e.Issuer, first)
			}
			seen[e.Issuer] = i
		}
		if e.JWKSURL != "" {
			if msg := badURL(e.JWKSURL, true); msg != "" {
				problem(path+".jwks_url", "%s", msg)
			}
		}
		if e.Audience == "" {
			e.Audience = a.Issuer + "/fhir"
		}
	}
}

// defaultIssuer derives the issuer from the admin address: the scheme by
// whether it serves TLS, and a loopback host when it listens on all
// interfaces (an operator who exposes it sets auth.issuer to the public
// name).
func defaultIssuer(admin Admin) string {
	scheme := "http"
	if admin.TLS != nil {
		scheme = "https"
	}
	host, port, err := net.SplitHostPort(admin.Listen)
	if err != nil {
		return scheme + "://127.0.0.1"
	}
	if host == "" || host == "0.0.0.0" || host == "::" {
		host = "127.0.0.1"
	}
	return scheme + "://" + net.JoinHostPort(host, port)
}

// badURL returns what is wrong with an issuer or key URL, or "". Keys and
// identities of external providers must come over HTTPS, except from
// loopback (a provider on the same machine, or a test).
func badURL(s string, external bool) string {
	u, err := url.Parse(s)
	if err != nil || u.Host == "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Sprintf("%q is not an absolute http(s) URL", s)
	}
	if u.RawQuery != "" || u.Fragment != "" {
		return fmt.Sprintf("%q: an issuer URL has no query or fragment", s)
	}
	if external && u.Scheme == "http" {
		if ip := net.ParseIP(u.Hostname()); u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return fmt.Sprintf("%q: use https (http is allowed on loopback only)", s)
		}
	}
	return ""
}
