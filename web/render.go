package web

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/plexus-health/plexus/platform/accounts"
	"github.com/plexus-health/plexus/platform/auth"
)

// view is what every page template gets: the frame (title, navigation,
// who is logged in and what they may do, a notice after an action) and the
// page's own Data.
type view struct {
	Title   string
	Nav     string // the page's entry in the navigation
	User    *auth.Principal
	Read    bool // may see the operational pages
	Operate bool // may act: channel control, resend, replay
	Audit   bool // may read the audit log
	PHI     bool // may see message content
	Notice  string
	Data    any
}

// parseTemplates parses every page with the shared layout.
func parseTemplates() (map[string]*template.Template, error) {
	names, err := fs.Glob(files, "templates/*.html")
	if err != nil {
		return nil, err
	}
	pages := map[string]*template.Template{}
	for _, name := range names {
		base := strings.TrimPrefix(name, "templates/")
		if base == "layout.html" {
			continue
		}
		t, err := template.New(base).Funcs(funcs).ParseFS(files, "templates/layout.html", name)
		if err != nil {
			return nil, fmt.Errorf("web: template %s: %w", base, err)
		}
		pages[base] = t
	}
	return pages, nil
}

// navOf names the navigation entry of each page.
var navOf = map[string]string{
	"channels.html": "channels", "messages.html": "messages", "message.html": "messages",
	"dlq.html": "dlq", "alerts.html": "alerts", "config.html": "config", "audit.html": "audit",
}

// render executes a page into a buffer and writes it with status, so that
// a failing template gives a clean 500 rather than half a page.
func (s *server) render(w http.ResponseWriter, r *http.Request, status int, page, title string, p *auth.Principal, data any) {
	t, ok := s.pages[page]
	if !ok {
		s.log.Error("dashboard template missing", "page", page)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	v := view{Title: title, Nav: navOf[page], User: p, Data: data, Notice: notice(r.URL.Query())}
	if p != nil {
		v.Read, v.Operate, v.Audit = allowed(readers, p), allowed(operate, p), allowed(auditors, p)
		v.PHI = p.HasPermission(accounts.PermPHI)
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", v); err != nil {
		s.log.Error("dashboard template failed", "page", page, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b.Bytes())
}

// notices are the messages an action's redirect may ask a page to show,
// by code: the redirect carries the code (and a count), never free text,
// so a link cannot make the dashboard say something it did not.
var notices = map[string]string{
	"resent":    "Message resent: %d new deliveries queued.",
	"replayed":  "Replayed %d dead letters.",
	"started":   "Channel started.",
	"stopped":   "Channel stopped.",
	"paused":    "Channel paused.",
	"resumed":   "Channel resumed.",
	"nothing":   "Nothing was selected.",
	"loggedout": "You have logged out.",
}

// notice returns the message of a redirect's ?done=code&n=count.
func notice(q url.Values) string {
	f, ok := notices[q.Get("done")]
	if !ok {
		return ""
	}
	if strings.Contains(f, "%d") {
		n, _ := strconv.ParseInt(q.Get("n"), 10, 64)
		return fmt.Sprintf(f, n)
	}
	return f
}

var funcs = template.FuncMap{
	"ts":  formatTime,
	"ago": ago,
	"dur": formatDuration,
	"ms": func(d time.Duration) string {
		return strconv.FormatFloat(float64(d.Microseconds())/1000, 'f', 1, 64) + " ms"
	},
	"text":     func(b []byte) string { return string(b) },
	"join":     strings.Join,
	"pageURL":  pageURL,
	"hasRole":  func(p *auth.Principal, role string) bool { return p.HasRole(role) },
	"add":      func(a, b int) int { return a + b },
	"seconds":  func(f float64) string { return formatDuration(time.Duration(f * float64(time.Second))) },
	"nonempty": func(s ...string) bool { return strings.Join(s, "") != "" },
}

// formatTime writes a time in UTC to the second; "" for the zero time.
func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02 15:04:05Z")
}

// ago says how long before now t was, "" for the zero time.
func ago(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return formatDuration(time.Since(t)) + " ago"
}

// formatDuration rounds a duration for people: 850ms, 42s, 7m12s, 3h05m.
func formatDuration(d time.Duration) string {
	switch {
	case d < 0:
		return "0s"
	case d < time.Second:
		return strconv.FormatInt(d.Milliseconds(), 10) + "ms"
	case d < time.Minute:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	case d < time.Hour:
		return fmt.Sprintf("%dm%02ds", int64(d/time.Minute), int64(d%time.Minute/time.Second))
	case d < 48*time.Hour:
		return fmt.Sprintf("%dh%02dm", int64(d/time.Hour), int64(d%time.Hour/time.Minute))
	}
	return strconv.FormatInt(int64(d/(24*time.Hour)), 10) + "d"
}

// pageURL returns path with the query q and one parameter replaced.
func pageURL(path string, q url.Values, name, value string) string {
	out := url.Values{}
	for k, v := range q {
		out[k] = v
	}
	if value == "" {
		out.Del(name)
	} else {
		out.Set(name, value)
	}
	if enc := out.Encode(); enc != "" {
		return path + "?" + enc
	}
	return path
}
