// Package telemetry builds the OpenTelemetry tracer provider of a node from
// the configuration's "tracing" section.
//
// Every message gets a trace whether or not spans are exported: its trace
// ID is journaled with it, shown on the message page and logged with every
// record about it, so that an operator can follow one message through the
// logs of every node. With an endpoint, spans are also batched and posted
// to an OpenTelemetry collector over OTLP/HTTP (protobuf, gzip).
//
// Spans carry channel and destination names, message IDs, HL7 types and
// outcomes, never message content, patient identifiers or control IDs: a
// collector is outside the store's protection of patient data.
package telemetry

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"strings"

	"go.opentelemetry.io/otel"
	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
	"go.opentelemetry.io/otel/trace"

	"github.com/plexus-health/plexus/engine/config"
)

// TracesPath is appended to the configured endpoint's path, as the OTLP
// specification has it for a base URL.
const TracesPath = "/v1/traces"

// Provider is a node's tracer provider. It is safe for concurrent use.
type Provider struct {
	tp       *sdktrace.TracerProvider
	endpoint string // where spans go, "" when they are not exported
}

// New builds the provider cfg describes; cfg must have been checked by
// config.Load, which fills in the defaults. Without an endpoint the
// provider makes trace and span IDs but exports nothing. Export failures
// are logged to log (slog.Default() when nil) without their spans.
// Shutdown must be called to flush the spans still batched.
func New(cfg config.Tracing, log *slog.Logger) (*Provider, error) {
	if log == nil {
		log = slog.Default()
	}
	ratio := cfg.SampleRatio
	if ratio < 0 || ratio > 1 {
		return nil, fmt.Errorf("telemetry: sample ratio %v is not from 0 to 1", ratio)
	}
	service := cfg.ServiceName
	if service == "" {
		service = config.DefaultTracingService
	}
	opts := []sdktrace.TracerProviderOption{
		sdktrace.WithResource(resource.NewSchemaless(attribute.String("service.name", service))),
		// Without an exporter no span is recorded: the IDs are all that
		// is kept, at the cost of generating them.
		sdktrace.WithSampler(sdktrace.NeverSample()),
	}
	p := &Provider{}
	if cfg.Endpoint != "" {
		// A sender's traceparent carries its sampling decision; messages
		// that begin their trace here are sampled by their trace ID, so
		// that every node of a cluster decides alike.
		opts = append(opts, sdktrace.WithSampler(sdktrace.ParentBased(sdktrace.TraceIDRatioBased(ratio))))
		target, err := tracesURL(cfg.Endpoint)
		if err != nil {
			return nil, err
		}
		headers, err := exportHeaders(cfg)
		if err != nil {
			return nil, err
		}
		eopts := []otlptracehttp.Option{
			otlptracehttp.WithEndpointURL(target), // http:// in the clear, https:// over TLS
			otlptracehttp.WithCompression(otlptracehttp.GzipCompression),
		}
		if len(headers) > 0 {
			eopts = append(eopts, otlptracehttp.WithHeaders(headers))
		}
		if cfg.Timeout > 0 {
			eopts = append(eopts, otlptracehttp.WithTimeout(cfg.Timeout))
		}
		// New does not connect: a collector that is down loses spans, it
		// never stops the node.
		exp, err := otlptracehttp.New(context.Background(), eopts...)
		if err != nil {
			return nil, fmt.Errorf("telemetry: OTLP exporter: %w", err)
		}
		opts = append(opts, sdktrace.WithBatcher(exp))
		p.endpoint = redacted(target)
		otel.SetErrorHandler(otel.ErrorHandlerFunc(func(err error) {
			log.Warn("trace export failed", "endpoint", p.endpoint, "err", err)
		}))
	}
	p.tp = sdktrace.NewTracerProvider(opts...)
	return p, nil
}

// TracerProvider returns the provider to hand to the node
// (node.Options.Tracing).
func (p *Provider) TracerProvider() trace.TracerProvider { return p.tp }

// Exporting reports whether spans are sent to a collector.
func (p *Provider) Exporting() bool { return p.endpoint != "" }

// Endpoint returns the URL spans are posted to, without credentials; "" when
// spans are not exported.
func (p *Provider) Endpoint() string { return p.endpoint }

// Shutdown exports the spans still batched, within ctx, and stops the
// provider. Spans ended after it are dropped.
func (p *Provider) Shutdown(ctx context.Context) error {
	if err := p.tp.Shutdown(ctx); err != nil {
		return fmt.Errorf("telemetry: flushing spans: %w", err)
	}
	return nil
}

// tracesURL returns the URL spans are posted to: the endpoint's path
// followed by /v1/traces, unless it already ends so.
func tracesURL(endpoint string) (string, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the whole URL
		}
		return "", fmt.Errorf("telemetry: endpoint: %w", err)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("telemetry: endpoint %q is not an http:// or https:// URL with a host", u.Redacted())
	}
	if !strings.HasSuffix(u.Path, TracesPath) {
		u.Path = strings.TrimSuffix(u.Path, "/") + TracesPath
	}
	return u.String(), nil
}

// exportHeaders merges the configured headers with those read from the
// environment.
func exportHeaders(cfg config.Tracing) (map[string]string, error) {
	h := make(map[string]string, len(cfg.Headers)+len(cfg.HeadersEnv))
	for k, v := range cfg.Headers {
		h[k] = v
	}
	for k, env := range cfg.HeadersEnv {
		v, ok := os.LookupEnv(env)
		if !ok || v == "" {
			return nil, fmt.Errorf("telemetry: header %s: environment variable %s is not set", k, env)
		}
		if strings.ContainsAny(v, "\r\n\x00") {
			return nil, fmt.Errorf("telemetry: header %s: environment variable %s holds a line break or NUL", k, env)
		}
		h[k] = v
	}
	return h, nil
}

func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Redacted()
}
