package api

import (
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"
)

// paramError is a bad query or path parameter; the server answers it with
// 400 and a message naming the parameter.
type paramError struct {
	name string
	msg  string
}

func (e *paramError) Error() string { return "parameter " + e.name + ": " + e.msg }

// params reads query parameters, keeping the first error.
type params struct {
	v   url.Values
	err error
}

func (p *params) fail(name, format string, args ...any) {
	if p.err == nil {
		p.err = &paramError{name: name, msg: fmt.Sprintf(format, args...)}
	}
}

// only fails on the first parameter, in name order, that is not in names.
func (p *params) only(names ...string) {
	keys := make([]string, 0, len(p.v))
	for k := range p.v {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if !slices.Contains(names, k) {
			p.fail(k, "unknown parameter")
			return
		}
	}
}

func (p *params) str(name string) string {
	vs := p.v[name]
	if len(vs) > 1 {
		p.fail(name, "given %d times, at most once allowed", len(vs))
	}
	if len(vs) == 0 {
		return ""
	}
	return vs[0]
}

// time reads an RFC 3339 time.
func (p *params) time(name string) time.Time {
	s := p.str(name)
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		p.fail(name, "must be an RFC 3339 time such as 2025-01-31T08:00:00Z, not %q", s)
	}
	return t
}

// id reads a positive integer.
func (p *params) id(name string) int64 {
	s := p.str(name)
	if s == "" {
		return 0
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n <= 0 {
		p.fail(name, "must be a positive integer, not %q", s)
		return 0
	}
	return n
}

// limit reads the limit parameter, capped at maxLimit; zero when absent.
func (p *params) limit() int {
	s := p.str(paramLimit)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	if err != nil || n <= 0 {
		p.fail(paramLimit, "must be a positive integer, not %q", s)
		return 0
	}
	return min(n, maxLimit)
}

// flag reads a boolean such as 1, true, 0 or false.
func (p *params) flag(name string) bool {
	s := p.str(name)
	if s == "" {
		return false
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		p.fail(name, "must be 1, true, 0 or false, not %q", s)
	}
	return b
}

// pathID reads the {id} path parameter.
func pathID(v string) (int64, error) {
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n <= 0 {
		return 0, &paramError{name: "id", msg: fmt.Sprintf("must be a positive integer, not %q", v)}
	}
	return n, nil
}
