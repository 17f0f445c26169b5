// Package option holds the checks connectors share when they validate their
// options: every problem is reported with the name of its field, and all
// problems of a section are reported at once.
package option

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"time"
)

// Problems collects validation errors, each prefixed with its field name.
// The zero value is ready to use.
type Problems struct {
	errs []error
}

// Addf records a problem with field.
func (p *Problems) Addf(field, format string, args ...any) {
	p.errs = append(p.errs, fmt.Errorf("%s: %s", field, fmt.Sprintf(format, args...)))
}

// Add records err, which already names its field; nil is ignored.
func (p *Problems) Add(err error) {
	if err != nil {
		p.errs = append(p.errs, err)
	}
}

// Err returns the problems joined, or nil if there were none.
func (p *Problems) Err() error { return errors.Join(p.errs...) }

// ListenAddr checks a host:port address to listen on. The host may be empty
// (all interfaces); the port may be 0 (any free port).
func (p *Problems) ListenAddr(field, addr string) {
	p.addr(field, addr, true)
}

// DialAddr checks a host:port address to connect to: both parts are
// required and the port may not be 0.
func (p *Problems) DialAddr(field, addr string) {
	p.addr(field, addr, false)
}

func (p *Problems) addr(field, addr string, listen bool) {
	if addr == "" {
		p.Addf(field, "required")
		return
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		p.Addf(field, "%q is not host:port", addr)
		return
	}
	n, err := strconv.ParseUint(port, 10, 16)
	switch {
	case err != nil:
		p.Addf(field, "%q: port %q is not a number from 0 to 65535", addr, port)
	case !listen && host == "":
		p.Addf(field, "%q: host required", addr)
	case !listen && n == 0:
		p.Addf(field, "%q: port 0 cannot be connected to", addr)
	}
}

// NotNegative checks a count or size.
func (p *Problems) NotNegative(field string, n int64) {
	if n < 0 {
		p.Addf(field, "must not be negative, got %d", n)
	}
}

// Duration checks a timeout or interval: it must not be negative.
func (p *Problems) Duration(field string, d time.Duration) {
	if d < 0 {
		p.Addf(field, "must not be negative, got %v", d)
	}
}

// OneOf checks that v is one of the allowed values.
func (p *Problems) OneOf(field, v string, allowed ...string) {
	for _, a := range allowed {
		if v == a {
			return
		}
	}
	p.Addf(field, "%q is not one of %q", v, allowed)
}

// HTTPURL checks that raw is an http:// or https:// URL with a host and
// returns it parsed, or nil after adding a problem. A problem never quotes
// the URL's password: a URL may carry credentials, and problems are
// printed by "plexus config validate" and logged on reload.
func (p *Problems) HTTPURL(field, raw string) *url.URL {
	if raw == "" {
		p.Addf(field, "required")
		return nil
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the whole URL
		}
		p.Addf(field, "not a URL: %v", err)
		return nil
	}
	if u.Scheme != "http" && u.Scheme != "https" || u.Host == "" {
		p.Addf(field, "%q is not an http:// or https:// URL with a host", u.Redacted())
		return nil
	}
	return u
}
