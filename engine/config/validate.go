package config

import (
	"errors"
	"fmt"
	"net"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/filter"
	"github.com/plexus-health/plexus/engine/transform"
	"github.com/plexus-health/plexus/format/hl7v2"
)

// Limits of the checked settings.
const (
	maxNameLen   = 64
	maxBatchSize = 65536
	maxBatchWait = time.Second
	maxLanes     = 1024
)

var nameRE = regexp.MustCompile(`^[a-z0-9][a-z0-9_-]*$`)

// check applies defaults to the merged configuration and records every
// problem with the file it came from.
func check(cfg *Config, reg *engine.Registry) {
	checkSettings(cfg)
	checkAuth(cfg)
	checkAudit(cfg)
	checkEncryption(cfg)
	checkTracing(cfg)
	checkCluster(cfg)
	checkAlerts(cfg)
	names := map[string]*Channel{}
	for _, ch := range cfg.Channels {
		c := checker{cfg: cfg, reg: reg, ch: ch, at: ch.at}
		if c.failed("") {
			continue // not a mapping: reported
		}
		c.channel()
		if ch.Name == "" {
			continue
		}
		if first, dup := names[ch.Name]; dup {
			c.problem(".name", "channel %q is already defined at %s", ch.Name, first.at.sub(".name"))
			continue
		}
		names[ch.Name] = ch
	}
	checkListeners(cfg)
}

// checkSettings checks the node settings and fills in their defaults.
func checkSettings(cfg *Config) {
	if cfg.DataDir == "" {
		cfg.DataDir = DefaultDataDir
	}
	checkStore(cfg)
	checkAdmin(cfg)
	at, ok := cfg.sections["journal"]
	switch {
	case !ok || !at.dec.given("journal.batch_size"):
		cfg.Journal.BatchSize = DefaultBatchSize
	case cfg.Journal.BatchSize < 1 || cfg.Journal.BatchSize > maxBatchSize:
		at.dec.at("journal.batch_size", "must be from 1 to %d", maxBatchSize)
	}
	switch {
	case !ok || !at.dec.given("journal.batch_wait"):
		cfg.Journal.BatchWait = DefaultBatchWait
	case cfg.Journal.BatchWait > maxBatchWait:
		at.dec.at("journal.batch_wait", "must be at most %v", maxBatchWait)
	}
}

// checkStore checks the "store" setting. A PostgreSQL URL is checked for
// its form only; whether the server answers is known when serve connects.
// No problem quotes the URL, which may hold a password.
func checkStore(cfg *Config) {
	at, ok := cfg.sections["store"]
	if !ok {
		return
	}
	s := cfg.Store
	switch {
	case s == "" || s == "sqlite":
	case strings.HasPrefix(s, "sqlite:"):
		if strings.TrimPrefix(s, "sqlite:") == "" {
			at.dec.at("store", "sqlite: needs a file path after the colon")
		}
	case strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://"):
		u, err := url.Parse(s)
		switch {
		case err != nil:
			at.dec.at("store", "is not a valid PostgreSQL URL")
		case u.Host == "":
			at.dec.at("store", "a PostgreSQL URL needs a host: postgres://user@host:5432/database")
		case strings.Trim(u.Path, "/") == "":
			at.dec.at("store", "a PostgreSQL URL needs a database name: postgres://user@host:5432/database")
		}
	default:
		at.dec.at("store", `must be "sqlite", "sqlite:PATH" or a postgres:// URL`)
	}
}

// checkAdmin checks the admin section and fills in its defaults.
func checkAdmin(cfg *Config) {
	at, ok := cfg.sections["admin"]
	given := func(key string) bool { return ok && at.dec.given("admin."+key) }
	a := &cfg.Admin
	if !given("listen") {
		a.Listen = DefaultAdminListen
	} else if msg := badListen(a.Listen); msg != "" {
		at.dec.at("admin.listen", "%s", msg)
	}
	if a.TLS != nil {
		if err := a.TLS.Validate("admin.tls"); err != nil {
			for _, line := range strings.Split(err.Error(), "\n") {
				path, msg, _ := strings.Cut(line, ": ")
				at.dec.at(path, "%s", msg)
			}
		}
	}
	switch {
	case !given("rate_limit.per_second"):
		a.RateLimit.PerSecond = DefaultAdminRate
	case a.RateLimit.PerSecond < 0:
		at.dec.at("admin.rate_limit.per_second", "must not be negative (0 turns rate limiting off)")
	}
	switch {
	case !given("rate_limit.burst"):
		a.RateLimit.Burst = DefaultAdminBurst
	case a.RateLimit.Burst < 1:
		at.dec.at("admin.rate_limit.burst", "must be at least 1")
	}
	if !given("max_body") {
		a.MaxBody = DefaultAdminMaxBody
	}
}

// badListen returns what is wrong with a host:port address to listen on,
// or "".
func badListen(addr string) string {
	if addr == "" {
		return "required (host:port)"
	}
	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Sprintf("%q is not host:port", addr)
	}
	if n, err := strconv.ParseUint(port, 10, 16); err != nil || n > 65535 {
		return fmt.Sprintf("%q: port %q is not a number from 0 to 65535", addr, port)
	}
	return ""
}

// badName returns what is wrong with a channel or destination name, or "".
func badName(name string) string {
	switch {
	case name == "":
		return "required"
	case len(name) > maxNameLen:
		return fmt.Sprintf("%q is longer than %d characters", name, maxNameLen)
	case !nameRE.MatchString(name):
		return fmt.Sprintf("%q is not a valid name: use lower-case letters, digits, '-' and '_', starting with a letter or digit", name)
	}
	return ""
}

// checker checks one channel.
type checker struct {
	cfg *Config
	reg *engine.Registry
	ch  *Channel
	at  place
}

// sub returns the place of a field path under p.
func (p place) sub(path string) place { return place{p.dec, p.path + path} }

// problem records a problem at a field path under the channel.
func (c *checker) problem(sub, format string, args ...any) {
	c.at.dec.at(c.at.path+sub, format, args...)
}

func (c *checker) given(sub string) bool { return c.at.dec.given(c.at.path + sub) }

// failed reports whether the value at a field path under the channel could
// not be decoded; the problem is already recorded.
func (c *checker) failed(sub string) bool { return c.at.dec.failed[c.at.path+sub] }

func (c *checker) channel() {
	ch := c.ch
	if msg := badName(ch.Name); msg != "" && !c.failed(".name") {
		c.problem(".name", "%s", msg)
	}
	env := engine.Env{Channel: ch.Name, DataDir: c.cfg.DataDir, Logger: discard}
	c.source(env)

	switch ch.Response {
	case AfterCommit:
		if ch.ResponseDestination != "" {
			c.problem(".response_destination", "only used with response: %s", AfterDelivery)
		}
	case AfterDelivery:
		switch {
		case ch.ResponseDestination == "" && len(ch.Destinations) == 1 && ch.Destinations[0] != nil:
			ch.ResponseDestination = ch.Destinations[0].Name
		case ch.ResponseDestination == "":
			c.problem(".response_destination", "required with response: %s (the destination whose response is relayed)", AfterDelivery)
		case ch.Destination(ch.ResponseDestination) == nil:
			c.problem(".response_destination", "no destination named %q in this channel", ch.ResponseDestination)
		}
	default:
		c.problem(".response", "%q is not one of %s, %s", ch.Response, AfterCommit, AfterDelivery)
	}

	if ch.Priority < MinPriority || ch.Priority > MaxPriority {
		c.problem(".priority", "must be from %d to %d", MinPriority, MaxPriority)
	}
	ch.Urgent = c.expression(".priority_rule", ch.PriorityRule)
	ch.Match = c.expression(".filter", ch.Filter)
	ch.Pipeline = c.transform(".transform", ch.Transform)

	c.x12()
	if r := ch.Retention; r.Content > 0 && r.Metadata > 0 && r.Content > r.Metadata {
		c.problem(".retention.content", "must not be longer than metadata (%s): content is pruned first", days(r.Metadata))
	}

	if len(ch.Destinations) == 0 && !c.failed(".destinations") {
		c.problem(".destinations", "a channel needs at least one destination")
	}
	names := map[string]int{}
	for i, d := range ch.Destinations {
		sub := fmt.Sprintf(".destinations[%d]", i)
		if d == nil {
			c.problem(sub, "must be a mapping, not empty")
			continue
		}
		if c.failed(sub) {
			continue // not a mapping: reported
		}
		if msg := badName(d.Name); msg != "" {
			if !c.failed(sub + ".name") {
				c.problem(sub+".name", "%s", msg)
			}
		} else if first, dup := names[d.Name]; dup {
			c.problem(sub+".name", "destination %q is already defined at %s", d.Name, c.at.sub(fmt.Sprintf(".destinations[%d].name", first)))
		} else {
			names[d.Name] = i
		}
		denv := env
		denv.Name = d.Name
		c.destination(sub, d, denv)
	}
}

// source checks the source's type and options.
func (c *checker) source(env engine.Env) {
	s := &c.ch.Source
	if c.failed(".source") {
		return // not a mapping: reported
	}
	if !c.given(".source") {
		c.problem(".source", "required")
		return
	}
	if s.Type == "" {
		c.problem(".source.type", "required")
		return
	}
	factory, err := c.reg.Source(s.Type)
	if err != nil {
		c.problem(".source.type", "%v", err)
		return
	}
	if _, err := factory(env, s.Options); err != nil {
		c.connector(err, s.Options, ".source")
	}
}

// destination checks a destination's type, options and policies.
func (c *checker) destination(sub string, d *Destination, env engine.Env) {
	switch factory, err := c.reg.Destination(d.Type); {
	case d.Type == "":
		c.problem(sub+".type", "required")
	case err != nil:
		c.problem(sub+".type", "%v", err)
	default:
		dst, err := factory(env, d.Options)
		if err != nil {
			c.connector(err, d.Options, sub)
		} else if cl, ok := dst.(engine.Closer); ok {
			cl.Close()
		}
	}
	d.Pipeline = c.transform(sub+".transform", d.Transform)

	r := &d.Retry
	if c.given(sub+".retry.max_attempts") && r.MaxAttempts < 1 {
		c.problem(sub+".retry.max_attempts", "must be ≥ 1 (leave it out for no limit)")
	}
	if r.InitialBackoff <= 0 {
		c.problem(sub+".retry.initial_backoff", "must be more than 0")
	}
	if r.MaxBackoff < r.InitialBackoff {
		c.problem(sub+".retry.max_backoff", "must not be shorter than initial_backoff (%v)", r.InitialBackoff)
	}
	if r.Jitter < 0 || r.Jitter > 1 {
		c.problem(sub+".retry.jitter", "must be from 0 to 1")
	}

	o := &d.Order
	switch o.Mode {
	case FIFO:
		if o.Key != "" {
			c.problem(sub+".order.key", "only used with mode: %s", ByKey)
		}
		if c.given(sub + ".order.lanes") {
			c.problem(sub+".order.lanes", "only used with mode: %s", ByKey)
		}
	case ByKey:
		if o.Key == "" {
			c.problem(sub+".order.key", "required with mode: %s (an HL7 path such as PID-3.1)", ByKey)
		} else if p, err := hl7v2.ParsePath(o.Key); err != nil {
			c.problem(sub+".order.key", "%s", strings.TrimPrefix(err.Error(), hl7v2.ErrPath.Error()+" "))
		} else {
			o.KeyPath = p
		}
		if !c.given(sub + ".order.lanes") {
			o.Lanes = DefaultLanes
		} else if o.Lanes < 1 || o.Lanes > maxLanes {
			c.problem(sub+".order.lanes", "must be from 1 to %d", maxLanes)
		}
	default:
		c.problem(sub+".order.mode", "%q is not one of %s, %s", o.Mode, FIFO, ByKey)
	}
}

// connector records the problems a connector factory reported.
func (c *checker) connector(err error, opts engine.Options, sub string) {
	o, ok := opts.(*options)
	if !ok {
		c.problem(sub, "%v", err)
		return
	}
	c.at.dec.problems = append(c.at.dec.problems, connectorProblems(err, o, c.at.node(sub))...)
}

// expression compiles a filter expression, reporting its errors at their
// place in the file.
func (c *checker) expression(sub, src string) *filter.Filter {
	if strings.TrimSpace(src) == "" {
		return nil
	}
	f, err := filter.Compile(src)
	if err != nil {
		c.exprProblem(sub, err)
		return nil
	}
	return f
}

// exprProblem records a filter compile error at its place in the file.
func (c *checker) exprProblem(sub string, err error) {
	n := c.at.node(sub)
	p := Problem{File: c.at.dec.file, Field: c.at.path + sub, Message: err.Error()}
	if n != nil {
		p.Line, p.Column = n.Line, n.Column
	}
	var fe *filter.Error
	if errors.As(err, &fe) && n != nil {
		var note string
		p.Line, p.Column, note = exprPosition(c.at.dec, n, fe.Line, fe.Column)
		p.Message = fe.Msg + note
	}
	c.at.dec.problems = append(c.at.dec.problems, p)
}

// exprPosition maps a line and column inside an expression to the file.
// The scalar's text in the file is checked: where it is the expression
// itself (a one-line plain scalar, or a quoted one without escapes) or a
// literal block, the position is exact; otherwise it is the scalar's, and
// note gives the position within the expression.
func exprPosition(d *decoder, n *yaml.Node, line, col int) (fileLine, fileCol int, note string) {
	if n.Style&yaml.LiteralStyle != 0 {
		// The block's lines start after its indentation, which its
		// first line sets.
		if first := d.line(n.Line + 1); first != nil {
			indent := len(first) - len(strings.TrimLeft(string(first), " "))
			return n.Line + line, indent + col, ""
		}
	}
	if text := d.line(n.Line); line <= 1 && n.Column >= 1 && n.Column <= len(text) {
		rest := string(text[n.Column-1:])
		switch n.Style & (yaml.DoubleQuotedStyle | yaml.SingleQuotedStyle | yaml.LiteralStyle | yaml.FoldedStyle) {
		case 0:
			if strings.HasPrefix(rest, n.Value) {
				return n.Line, n.Column + col - 1, ""
			}
		case yaml.DoubleQuotedStyle:
			if strings.HasPrefix(rest, `"`+n.Value+`"`) {
				return n.Line, n.Column + col, ""
			}
		case yaml.SingleQuotedStyle:
			if strings.HasPrefix(rest, "'"+n.Value+"'") {
				return n.Line, n.Column + col, ""
			}
		}
	}
	if line > 1 {
		return n.Line, n.Column, fmt.Sprintf(" (line %d, column %d of the expression)", line, col)
	}
	return n.Line, n.Column, fmt.Sprintf(" (column %d of the expression)", col)
}

// failedUnder reports whether a field at or under a field path of the
// channel could not be decoded.
func (c *checker) failedUnder(sub string) bool {
	prefix := c.at.path + sub
	for path := range c.at.dec.failed {
		if path == prefix || strings.HasPrefix(path, prefix+".") || strings.HasPrefix(path, prefix+"[") {
			return true
		}
	}
	return false
}

// transform compiles transform steps with the configuration's tables,
// placing each step's problem on the field at fault.
func (c *checker) transform(sub string, specs []transform.Spec) *transform.Pipeline {
	if len(specs) == 0 {
		return nil
	}
	p, err := transform.Compile(specs, c.cfg.Tables)
	if err == nil {
		return p
	}
	errs := []error{err}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		errs = j.Unwrap()
	}
	for _, err := range errs {
		var se *transform.StepError
		if !errors.As(err, &se) {
			c.problem(sub, "%v", err)
			continue
		}
		step := fmt.Sprintf("%s[%d]", sub, se.Index)
		if c.failedUnder(step) {
			continue // a field of the step was already reported
		}
		switch {
		case se.Field == "when":
			c.exprProblem(step+".when", se.Err)
		case se.Kind != "" && se.Field != "":
			c.problem(step+"."+se.Kind+"."+se.Field, "%v", se.Err)
		case se.Kind != "":
			c.problem(step+"."+se.Kind, "%v", se.Err)
		default:
			c.problem(step, "%v", se.Err)
		}
	}
	return nil
}

// listener is a listen address in use.
type listener struct {
	host, port string
	owner      string // who uses it, for the message
	at         place
}

// checkListeners reports two enabled channels, or a channel and the admin
// server, listening on the same address. An address on all interfaces
// (":2575", "0.0.0.0:2575") clashes with every address on its port; port 0
// (any free port) clashes with nothing.
func checkListeners(cfg *Config) {
	var seen []listener
	if host, port, err := net.SplitHostPort(cfg.Admin.Listen); err == nil && port != "0" {
		var at place
		if admin, ok := cfg.sections["admin"]; ok {
			at = admin.sub(".listen")
		}
		seen = append(seen, listener{host, port, "admin.listen", at})
	}
	for _, ch := range cfg.Channels {
		if !ch.Enabled || ch.Source.node == nil {
			continue
		}
		var addr *yaml.Node
		for i := 0; i+1 < len(ch.Source.node.Content); i += 2 {
			if resolve(ch.Source.node.Content[i]).Value == "listen" {
				addr = resolve(ch.Source.node.Content[i+1])
			}
		}
		if addr == nil || addr.Kind != yaml.ScalarNode {
			continue
		}
		host, port, err := net.SplitHostPort(addr.Value)
		if err != nil || port == "0" {
			continue
		}
		l := listener{host, port, fmt.Sprintf("channel %q", ch.Name), ch.at.sub(".source.listen")}
		for _, other := range seen {
			if other.port == port && (other.host == host || wildcard(host) || wildcard(other.host)) {
				where := ""
				if other.at.dec != nil {
					where = " (" + other.at.String() + ")"
				}
				l.at.dec.at(l.at.path, "%s is also used by %s%s", addr.Value, other.owner, where)
				break
			}
		}
		seen = append(seen, l)
	}
}

func wildcard(host string) bool {
	return host == "" || host == "0.0.0.0" || host == "::"
}

// days formats a duration in days when it is a whole number of them.
func days(d time.Duration) string {
	if d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	return d.String()
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
