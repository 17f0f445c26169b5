package accounts

import (
	"encoding/json"
	"errors"
	"net/http"
	"strings"

	"github.com/plexus-health/plexus/platform/auth"
)

// KeyHeader is the header that may carry an API key instead of
// "Authorization: Bearer".
const KeyHeader = "X-API-Key"

// Authenticate puts in the request's context the principal of its
// credentials: an API key ("Authorization: Bearer pxk_..." or X-API-Key),
// else a session cookie. Invalid credentials are answered 401 (and a dead
// session cookie is cleared), except on public routes such as login, where
// a stale cookie must not stand in the way. A request without credentials
// passes with no principal, for Authorize to judge. A principal already in
// the context, put there by an earlier authenticator, is kept.
func (a *Accounts) Authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, ok := auth.FromContext(r.Context()); ok {
			next.ServeHTTP(w, r)
			return
		}
		p, cookie, err := a.credentials(r)
		if err != nil {
			if ruleFor(r).Public {
				next.ServeHTTP(w, r)
				return
			}
			if !errors.Is(err, ErrBadCredentials) {
				a.log.Error("accounts: authenticating a request", "err", err)
				writeError(w, http.StatusInternalServerError, "internal error; see the server log")
				return
			}
			if cookie {
				clearSessionCookie(w, r)
			}
			unauthorized(w, "invalid credentials")
			return
		}
		if p != nil {
			r = r.WithContext(auth.WithPrincipal(r.Context(), p))
		}
		next.ServeHTTP(w, r)
	})
}

// credentials returns the principal of r's credentials, nil when there
// are none; cookie says whether they came from the session cookie.
func (a *Accounts) credentials(r *http.Request) (p *auth.Principal, cookie bool, err error) {
	if key := RequestKey(r); key != "" {
		p, err := a.AuthenticateKey(r.Context(), key)
		return p, false, err
	}
	if r.Header.Get("Authorization") != "" {
		// Some other scheme (Basic, or a bearer token that is not a key):
		// nothing here can check it.
		return nil, false, ErrBadCredentials
	}
	c, err := r.Cookie(SessionCookie)
	if err != nil || c.Value == "" {
		return nil, false, nil
	}
	p, err = a.AuthenticateSession(r.Context(), c.Value)
	return p, true, err
}

// RequestKey returns the API key r carries ("Authorization: Bearer pxk_..."
// or X-API-Key), or "".
func RequestKey(r *http.Request) string {
	if k := r.Header.Get(KeyHeader); k != "" {
		return k
	}
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if ok && strings.EqualFold(scheme, "Bearer") && strings.HasPrefix(strings.TrimSpace(token), KeyPrefix) {
		return strings.TrimSpace(token)
	}
	return ""
}

// Protect wraps the admin API in authentication and authorization, and
// serves this package's routes (login, logout, me, users, API keys) in
// front of it. Mount the result where the admin API was:
//
//	mux.Handle("/", accts.Protect(api.New(node, api.Options{..., CanViewContent: accounts.CanViewContent})))
//
// It is Authenticate(Authorize(accts.Routes(adminAPI))); compose those
// by hand to put something between them, such as the audit log's
// Attribute, which must see the principal Authenticate found:
//
//	audit.Middleware(log, classify)(accts.Authenticate(audit.Attribute(accounts.Authorize(accts.Routes(adminAPI)))))
func (a *Accounts) Protect(adminAPI http.Handler) http.Handler {
	return a.Authenticate(Authorize(a.Routes(adminAPI)))
}

// Routes sends this package's routes to Handler and every other request
// to adminAPI. Requests for adminAPI pass unchecked: put Routes behind
// Authenticate and Authorize, as Protect does.
func (a *Accounts) Routes(adminAPI http.Handler) http.Handler {
	own := a.Handler()
	mux := http.NewServeMux()
	for _, p := range routes {
		mux.Handle(p, own)
	}
	mux.Handle("/", adminAPI)
	return mux
}

// errorBody is the admin API's error shape, {"error": "..."}.
type errorBody struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v) // a failed write means the client went away
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, &errorBody{Error: msg})
}

// unauthorized answers 401. The Bearer challenge names the scheme without
// making browsers show a password dialog, as Basic would.
func unauthorized(w http.ResponseWriter, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="plexus"`)
	writeError(w, http.StatusUnauthorized, msg)
}
