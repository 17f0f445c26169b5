package accounts

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/plexus-health/plexus/platform/auth"
)

// routes are the paths Handler serves, for Protect to mount.
var routes = []string{
	"/api/v1/login", "/api/v1/logout", "/api/v1/me",
	"/api/v1/users", "/api/v1/users/{name}",
	"/api/v1/apikeys", "/api/v1/apikeys/{id}",
}

// maxAccountBody caps the JSON bodies of these endpoints.
const maxAccountBody = 64 << 10

// Me is who the caller is, as GET /api/v1/me and a login answer it.
type Me struct {
	Kind        string     `json:"kind"` // "user" or "apikey"
	Name        string     `json:"name"`
	Roles       []string   `json:"roles"`
	Permissions []string   `json:"permissions"`
	Expires     *time.Time `json:"expires,omitempty"` // a session's absolute limit
}

// Credentials is the body of POST /api/v1/login.
type Credentials struct {
	User     string `json:"user"`
	Password string `json:"password"`
}

// UserList is the answer of GET /api/v1/users.
type UserList struct {
	Users []User `json:"users"`
}

// APIKeyList is the answer of GET /api/v1/apikeys.
type APIKeyList struct {
	APIKeys []APIKey `json:"apikeys"`
}

// Handler serves the account endpoints:
//
//	POST   /api/v1/login           Credentials in; Me out and the session cookie; 401, or 429 with Retry-After when locked out
//	POST   /api/v1/logout          ends the session, clears the cookie; 204
//	GET    /api/v1/me              Me
//	GET    /api/v1/users           UserList                      (admin)
//	POST   /api/v1/users           NewUser in, User out; 201     (admin)
//	GET    /api/v1/users/{name}    User                          (admin)
//	PATCH  /api/v1/users/{name}    UserUpdate in, User out       (admin)
//	DELETE /api/v1/users/{name}    204                           (admin)
//	GET    /api/v1/apikeys         APIKeyList                    (admin)
//	POST   /api/v1/apikeys         NewAPIKey in, CreatedKey out (the only time the key is shown); 201 (admin)
//	DELETE /api/v1/apikeys/{id}    revokes the key; 204          (admin)
//
// It authenticates and authorizes by itself (by Policy), so it is safe
// wherever it is mounted; Protect mounts it in front of the admin API.
// Bodies are JSON (415 otherwise) and a POST, PATCH or DELETE from another
// origin in a browser is refused with 403.
func (a *Accounts) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/login", a.handleLogin)
	mux.HandleFunc("POST /api/v1/logout", a.handleLogout)
	mux.HandleFunc("GET /api/v1/me", a.handleMe)
	mux.HandleFunc("GET /api/v1/users", a.handleUsers)
	mux.HandleFunc("POST /api/v1/users", a.handleCreateUser)
	mux.HandleFunc("GET /api/v1/users/{name}", a.handleUser)
	mux.HandleFunc("PATCH /api/v1/users/{name}", a.handleUpdateUser)
	mux.HandleFunc("DELETE /api/v1/users/{name}", a.handleDeleteUser)
	mux.HandleFunc("GET /api/v1/apikeys", a.handleAPIKeys)
	mux.HandleFunc("POST /api/v1/apikeys", a.handleCreateAPIKey)
	mux.HandleFunc("DELETE /api/v1/apikeys/{id}", a.handleRevokeAPIKey)

	csrf := http.NewCrossOriginProtection()
	csrf.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusForbidden, "cross-origin request refused")
	}))
	return a.Authenticate(Authorize(csrf.Handler(mux)))
}

func (a *Accounts) handleLogin(w http.ResponseWriter, r *http.Request) {
	var c Credentials
	if !readJSON(w, r, &c) {
		return
	}
	s, err := a.Login(r.Context(), c.User, c.Password, r.RemoteAddr)
	if le, ok := errors.AsType[*lockedError](err); ok {
		secs := int(le.RetryAfter().Round(time.Second) / time.Second)
		w.Header().Set("Retry-After", strconv.Itoa(max(secs, 1)))
		writeError(w, http.StatusTooManyRequests, "too many failed logins; try again later")
		return
	}
	if errors.Is(err, ErrBadCredentials) {
		writeError(w, http.StatusUnauthorized, "invalid user name or password")
		return
	}
	if err != nil {
		a.fail(w, r, err)
		return
	}
	setSessionCookie(w, r, s.Token)
	exp := s.Expires
	writeJSON(w, http.StatusOK, &Me{Kind: string(auth.KindUser), Name: s.User.Name, Roles: s.User.Roles, Permissions: s.User.Permissions, Expires: &exp})
}

func (a *Accounts) handleLogout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(SessionCookie); err == nil {
		if err := a.Logout(r.Context(), c.Value); err != nil {
			a.fail(w, r, err)
			return
		}
	}
	clearSessionCookie(w, r)
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusNoContent)
}

func (a *Accounts) handleMe(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.FromContext(r.Context())
	writeJSON(w, http.StatusOK, &Me{Kind: string(p.Kind), Name: p.Subject, Roles: nonNil(p.Roles), Permissions: nonNil(p.Permissions)})
}

func (a *Accounts) handleUsers(w http.ResponseWriter, r *http.Request) {
	users, err := a.Users(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, &UserList{Users: users})
}

func (a *Accounts) handleCreateUser(w http.ResponseWriter, r *http.Request) {
	var nu NewUser
	if !readJSON(w, r, &nu) {
		return
	}
	u, err := a.CreateUser(r.Context(), nu)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/users/"+u.Name)
	writeJSON(w, http.StatusCreated, u)
}

func (a *Accounts) handleUser(w http.ResponseWriter, r *http.Request) {
	u, err := a.User(r.Context(), r.PathValue("name"))
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (a *Accounts) handleUpdateUser(w http.ResponseWriter, r *http.Request) {
	var up UserUpdate
	if !readJSON(w, r, &up) {
		return
	}
	name := r.PathValue("name")
	if up.Disabled != nil && *up.Disabled && isSelf(r, name) {
		writeError(w, http.StatusConflict, "you cannot disable your own account")
		return
	}
	u, err := a.UpdateUser(r.Context(), name, up)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (a *Accounts) handleDeleteUser(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("name")
	if isSelf(r, name) {
		writeError(w, http.StatusConflict, "you cannot delete your own account")
		return
	}
	if err := a.DeleteUser(r.Context(), name); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (a *Accounts) handleAPIKeys(w http.ResponseWriter, r *http.Request) {
	keys, err := a.APIKeys(r.Context())
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, &APIKeyList{APIKeys: keys})
}

func (a *Accounts) handleCreateAPIKey(w http.ResponseWriter, r *http.Request) {
	var nk NewAPIKey
	if !readJSON(w, r, &nk) {
		return
	}
	k, err := a.CreateAPIKey(r.Context(), nk)
	if err != nil {
		a.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, k)
}

func (a *Accounts) handleRevokeAPIKey(w http.ResponseWriter, r *http.Request) {
	if err := a.RevokeAPIKey(r.Context(), r.PathValue("id")); err != nil {
		a.fail(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// isSelf reports whether the caller is the user name: a guard against
// an admin locking themselves out.
func isSelf(r *http.Request, name string) bool {
	p, _ := auth.FromContext(r.Context())
	return p != nil && p.Kind == auth.KindUser && p.Subject == name
}

// readJSON decodes a JSON body into v, answering the error itself when it
// cannot.
func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	if mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); mt != "application/json" {
		writeError(w, http.StatusUnsupportedMediaType, "the body must be application/json")
		return false
	}
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, maxAccountBody))
	dec.DisallowUnknownFields()
	err := dec.Decode(v)
	if err == nil && dec.Decode(new(json.RawMessage)) != io.EOF {
		err = errors.New("more than one JSON value")
	}
	if tooBig, ok := errors.AsType[*http.MaxBytesError](err); ok {
		writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", tooBig.Limit))
		return false
	}
	if err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body: "+err.Error())
		return false
	}
	return true
}

// fail answers an error of this package's API.
func (a *Accounts) fail(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, ErrInvalid):
		writeError(w, http.StatusBadRequest, err.Error())
	case errors.Is(err, ErrNotFound):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, ErrExists):
		writeError(w, http.StatusConflict, err.Error())
	case r.Context().Err() != nil:
		writeError(w, http.StatusServiceUnavailable, "request canceled")
	default:
		a.log.Error("accounts request failed", "method", r.Method, "pattern", r.Pattern, "err", err)
		writeError(w, http.StatusInternalServerError, "internal error; see the server log")
	}
}

func nonNil(l []string) []string {
	if l == nil {
		return []string{}
	}
	return l
}
