package config

import (
	"net/url"
	"regexp"
	"strings"
	"time"
)

// Tracing defaults and limits.
const (
	DefaultTracingService = "plexus"
	DefaultTracingTimeout = 10 * time.Second
	maxTracingTimeout     = 5 * time.Minute
)

// Tracing is the top-level "tracing" section: OpenTelemetry traces of each
// message from receipt to every destination. Without an endpoint the node
// still makes a trace ID per message (on the message page and in logs) but
// exports nothing.
//
//	tracing:
//	  endpoint: https://otel.example.org:4318   # spans go to <endpoint>/v1/traces
//	  sample_ratio: 0.1
//	  headers_env: {Authorization: OTLP_AUTH}   # the value comes from $OTLP_AUTH
type Tracing struct {
	// Endpoint is the OTLP/HTTP collector base URL, for example
	// "http://127.0.0.1:4318"; empty exports nothing. Spans are posted to
	// its path followed by /v1/traces (unless the path already ends so).
	// An http:// URL sends in the clear, an https:// one over TLS checked
	// against the system's roots.
	Endpoint string `yaml:"endpoint"`
	// ServiceName is the service.name resource attribute; default "plexus".
	ServiceName string `yaml:"service_name"`
	// SampleRatio is the fraction of message traces exported, from 0 to 1;
	// default 1. Every message keeps a trace ID either way. A trace begun
	// by the sender (a traceparent header) follows the sender's decision.
	SampleRatio float64 `yaml:"sample_ratio"`
	// Headers are sent with every export, for example a collector's API
	// key. Prefer HeadersEnv for secrets: configuration files live in Git.
	Headers map[string]string `yaml:"headers"`
	// HeadersEnv maps a header name to the environment variable holding
	// its value, read when the node starts.
	HeadersEnv map[string]string `yaml:"headers_env"`
	// Timeout bounds one export request; default 10s, at most 5m.
	Timeout time.Duration `yaml:"timeout"`
}

// checkTracing checks the "tracing" section and fills in its defaults.
func checkTracing(cfg *Config) {
	at, ok := cfg.sections["tracing"]
	given := func(key string) bool { return ok && at.dec.given("tracing."+key) }
	t := &cfg.Tracing
	if given("endpoint") {
		checkTracingEndpoint(at, t.Endpoint)
	}
	switch {
	case !given("service_name"):
		t.ServiceName = DefaultTracingService
	case strings.TrimSpace(t.ServiceName) == "":
		at.dec.at("tracing.service_name", "must not be empty")
	}
	switch {
	case !given("sample_ratio"):
		t.SampleRatio = 1
	case !(t.SampleRatio >= 0 && t.SampleRatio <= 1):
		at.dec.at("tracing.sample_ratio", "must be from 0 to 1")
	}
	switch {
	case !given("timeout"):
		t.Timeout = DefaultTracingTimeout
	case t.Timeout <= 0 || t.Timeout > maxTracingTimeout:
		at.dec.at("tracing.timeout", "must be more than 0 and at most %s", maxTracingTimeout)
	}
	// Header values may be secrets: problems name the header, never its
	// value.
	for _, name := range sortedKeys(t.Headers) {
		path := "tracing.headers." + name
		if !headerNameRE.MatchString(name) {
			at.dec.at(path, "%q is not a header name", name)
		} else if strings.ContainsAny(t.Headers[name], "\r\n\x00") {
			at.dec.at(path, "the value must not hold line breaks or NUL")
		}
	}
	for _, name := range sortedKeys(t.HeadersEnv) {
		path := "tracing.headers_env." + name
		switch env := t.HeadersEnv[name]; {
		case !headerNameRE.MatchString(name):
			at.dec.at(path, "%q is not a header name", name)
		case !envNameRE.MatchString(env):
			at.dec.at(path, "%q is not an environment variable name (letters, digits and '_', not starting with a digit)", env)
		case hasHeader(t.Headers, name):
			at.dec.at(path, "header %q is also set in tracing.headers", name)
		}
	}
}

// checkTracingEndpoint checks the collector URL. A problem never quotes the
// URL's password.
func checkTracingEndpoint(at place, raw string) {
	const path = "tracing.endpoint"
	u, err := url.Parse(raw)
	if err != nil {
		if ue, ok := err.(*url.Error); ok {
			err = ue.Err // url.Error quotes the whole URL
		}
		at.dec.at(path, "not a URL: %v", err)
		return
	}
	switch {
	case (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		at.dec.at(path, "%q is not an http:// or https:// URL with a host", u.Redacted())
	case u.User != nil:
		at.dec.at(path, "credentials in the URL are not sent; give them in tracing.headers_env")
	case u.RawQuery != "" || u.Fragment != "":
		at.dec.at(path, "must not have a query or fragment")
	}
}

// headerNameRE matches an HTTP header name (an RFC 9110 token).
var headerNameRE = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

// hasHeader reports whether headers sets name, in any letter case.
func hasHeader(headers map[string]string, name string) bool {
	for k := range headers {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}
