package web

import (
	"net/http"
	"strings"

	"github.com/plexus-health/plexus/platform/audit"
)

// Classify is the audit Classifier of the dashboard: mount
// audit.Middleware(log, web.Classify) around New's handler. Its actions are
// those of the admin API for the same data, so that one filter finds a
// thing done either way:
//
//	GET  /ui/                           admin.channels.list
//	POST /ui/channels/{name}/{action}   admin.channels.{action}, the channel as resource id
//	GET  /ui/messages                   admin.messages.list
//	GET  /ui/events                     admin.messages.stream (once per stream, when it ends)
//	GET  /ui/messages/{id}              admin.messages.read
//	GET  /ui/messages/{id}?content=1    admin.messages.content: a view of patient data
//	POST /ui/messages/{id}/resend       admin.messages.resend
//	GET  /ui/dlq                        admin.dlq.list
//	POST /ui/dlq/replay                 admin.dlq.replay
//	GET  /ui/alerts                     admin.alerts.list
//	GET  /ui/config                     admin.config.read
//	GET  /ui/audit                      admin.audit.list
//
// The login form, logout, the static files and the redirect from / are
// not classified: logins are recorded by the accounts' OnLogin hook.
func Classify(r *http.Request) audit.Entry {
	rest, ok := strings.CutPrefix(r.URL.Path, "/ui/")
	if !ok {
		return audit.Entry{}
	}
	e := audit.Entry{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery}
	var segs []string
	if rest = strings.Trim(rest, "/"); rest != "" {
		segs = strings.Split(rest, "/")
	}
	get := r.Method == http.MethodGet || r.Method == http.MethodHead
	post := r.Method == http.MethodPost
	switch {
	case len(segs) == 0 && get:
		e.Action = "admin.channels.list"
	case len(segs) == 3 && segs[0] == "channels" && post:
		e.Action, e.ResourceID = "admin.channels."+segs[2], segs[1]
	case len(segs) == 1 && segs[0] == "messages" && get:
		e.Action = "admin.messages.list"
	case len(segs) == 1 && segs[0] == "events" && get:
		e.Action = "admin.messages.stream"
	case len(segs) == 2 && segs[0] == "messages" && get:
		e.Action, e.ResourceID = "admin.messages.read", segs[1]
		if r.URL.Query().Get("content") == "1" {
			e.Action = "admin.messages.content"
		}
	case len(segs) == 3 && segs[0] == "messages" && segs[2] == "resend" && post:
		e.Action, e.ResourceID = "admin.messages.resend", segs[1]
	case len(segs) == 1 && segs[0] == "dlq" && get:
		e.Action = "admin.dlq.list"
	case len(segs) == 2 && segs[0] == "dlq" && segs[1] == "replay" && post:
		e.Action = "admin.dlq.replay"
	case len(segs) == 1 && segs[0] == "alerts" && get:
		e.Action = "admin.alerts.list"
	case len(segs) == 1 && segs[0] == "config" && get:
		e.Action = "admin.config.read"
	case len(segs) == 1 && segs[0] == "audit" && get:
		e.Action = "admin.audit.list"
	}
	if e.Action == "" {
		return audit.Entry{}
	}
	return e
}
