package web

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/plexus-health/plexus/platform/accounts"
	"github.com/plexus-health/plexus/platform/auth"
)

// maxForm caps the body of a form POST; the largest, a replay selection,
// holds a few thousand IDs.
const maxForm = 256 << 10

// loginData is the login form's state.
type loginData struct {
	User  string
	Next  string
	Error string
}

func (s *server) loginForm(w http.ResponseWriter, r *http.Request) error {
	p, _ := auth.FromContext(r.Context())
	if p != nil && r.URL.Query().Get("done") == "" {
		http.Redirect(w, r, landing(p, r.URL.Query().Get("next")), http.StatusSeeOther)
		return nil
	}
	s.render(w, r, http.StatusOK, "login.html", "Log in", nil, loginData{Next: safeNext(r.URL.Query().Get("next"))})
	return nil
}

// login checks the form's credentials with Sessions, sets the session
// cookie and sends the browser on; a failure shows the form again.
func (s *server) login(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, maxForm)
	if err := r.ParseForm(); err != nil {
		return errorf(http.StatusBadRequest, "The form could not be read.")
	}
	user, password := strings.TrimSpace(r.PostForm.Get("user")), r.PostForm.Get("password")
	data := loginData{User: user, Next: safeNext(r.PostForm.Get("next"))}
	sess, err := s.opts.Sessions.Login(r.Context(), user, password, r.RemoteAddr)
	switch {
	case errors.Is(err, accounts.ErrLocked):
		data.Error = "Too many failed logins. Wait a while and try again."
		var ra interface{ RetryAfter() time.Duration }
		if errors.As(err, &ra) {
			data.Error = "Too many failed logins. Try again in " + formatDuration(ra.RetryAfter().Round(time.Second)) + "."
		}
		s.render(w, r, http.StatusTooManyRequests, "login.html", "Log in", nil, data)
		return nil
	case errors.Is(err, accounts.ErrBadCredentials):
		data.Error = "Invalid user name or password."
		s.render(w, r, http.StatusUnauthorized, "login.html", "Log in", nil, data)
		return nil
	case err != nil:
		return err
	}
	setSessionCookie(w, r, sess.Token, 0)
	p := &auth.Principal{Kind: auth.KindUser, Subject: sess.User.Name, Roles: sess.User.Roles}
	http.Redirect(w, r, landing(p, data.Next), http.StatusSeeOther)
	return nil
}

// logout ends the session of the cookie, if any, and clears the cookie.
func (s *server) logout(w http.ResponseWriter, r *http.Request) error {
	if c, err := r.Cookie(accounts.SessionCookie); err == nil && c.Value != "" {
		if err := s.opts.Sessions.Logout(r.Context(), c.Value); err != nil {
			return err
		}
	}
	setSessionCookie(w, r, "", -1)
	http.Redirect(w, r, "/ui/login?done=loggedout", http.StatusSeeOther)
	return nil
}

// landing is where a login goes: next when the principal may see it,
// else the first page its roles open.
func landing(p *auth.Principal, next string) string {
	if next = safeNext(next); next != "" && (allowed(readers, p) || strings.HasPrefix(next, "/ui/audit")) {
		return next
	}
	if !allowed(readers, p) && allowed(auditors, p) {
		return "/ui/audit"
	}
	return "/ui/"
}

// safeNext returns next if it is a dashboard path of this origin, else "":
// a login link must not send the browser elsewhere.
func safeNext(next string) string {
	if !strings.HasPrefix(next, "/ui/") || strings.HasPrefix(next, "/ui/login") || strings.ContainsAny(next, "\\\r\n") {
		return ""
	}
	return next
}
