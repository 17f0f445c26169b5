package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/plexus-health/plexus/connector/all"
	fhirconn "github.com/plexus-health/plexus/connector/fhir"
	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/alert"
	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/engine/node"
	"github.com/plexus-health/plexus/engine/stats"
	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/search"
	fhirserver "github.com/plexus-health/plexus/fhir/server"
	"github.com/plexus-health/plexus/fhir/spec"
	"github.com/plexus-health/plexus/fhir/validate"
	"github.com/plexus-health/plexus/platform/telemetry"
	"github.com/plexus-health/plexus/platform/tlsconfig"
)

const serveAbout = `
Serve runs the integration engine: the channels declared in the YAML
configuration --config (a file, or a folder of *.yaml files), with the
journal in an embedded SQLite database under --data (default: the
configuration's data_dir, else ./data).

Every message is stored before it is acknowledged. The admin API (/api/v1),
Prometheus metrics (/metrics), health checks (/healthz, /readyz) and the
FHIR R4 API (/fhir: create, read, vread, update, delete, history,
search, $everything, $validate) listen on the configuration's
admin.listen (default 127.0.0.1:8080), over HTTPS when admin.tls names
a certificate (re-read when its files change, and on SIGHUP). Each
client is rate limited (admin.rate_limit) and request bodies are capped
(admin.max_body). A listener off loopback without TLS, the admin one or
a channel's source, is warned about at start.

Every route but /healthz, /readyz, login, the OAuth2 token endpoint and
the SMART discovery documents needs a credential. The admin API takes an
API key ("Authorization: Bearer pxk_...") or a session cookie from
POST /api/v1/login, checked against the roles admin, operator, viewer
and auditor; message content also needs the phi permission. /fhir takes
an OAuth2 bearer token (from the built-in server at /auth/token, or an
auth.external provider), enforced by its SMART scopes, or an API key with
the phi permission. On its first start serve writes an admin API key to
<data>/admin.key (mode 0600); the plexus CLI reads it from there. Every
request is recorded in the hash-chained audit log ("plexus audit").

The configuration is reloaded when its files change and on SIGHUP. A
configuration that does not validate, or whose channels cannot start, is
refused and the running one stays. SIGINT or SIGTERM stop the node
gracefully: sources stop accepting, in-flight messages finish, then the
journal closes.

With an encryption section, message payloads are stored encrypted
(AES-256-GCM); the key file is read again when it changes and on SIGHUP,
so "plexus keys rotate" needs no restart.

Logs are JSON lines on standard error; they carry message IDs, control IDs,
channel names and outcomes, never message content.
`

// registry returns the connector types this binary knows.
func registry() *engine.Registry {
	reg := engine.NewRegistry()
	all.Register(reg)
	return reg
}

// runServe implements "plexus serve".
func runServe(c *cli, args []string) int {
	cmd := newCommand("serve", "", serveAbout)
	var (
		cfgPath  = cmd.flags.String("config", "", "the configuration `file or folder`")
		dataDir  = cmd.flags.String("data", "", "the data `directory` (overrides data_dir)")
		logLevel = cmd.flags.String("log-level", "info", "log `level`: debug, info, warn or error")
		sync     = cmd.flags.String("sync", "FULL", "SQLite synchronous `mode`: FULL (an acknowledged message survives power loss) or NORMAL (survives a crash of the process)")
	)
	pos, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(pos) > 0 {
		return cmd.usageError(c, "unexpected argument %q", pos[0])
	}
	if *cfgPath == "" {
		return cmd.usageError(c, "--config is required (try examples/quickstart.yaml)")
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		return cmd.usageError(c, "--log-level: %v", err)
	}
	log := slog.New(slog.NewJSONHandler(c.stderr, &slog.HandlerOptions{Level: level}))

	reg := registry()
	cfg, err := config.Load(*cfgPath, reg)
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus serve: %v\n", err)
		return exitFailure
	}
	dir := cfg.DataDir
	if *dataDir != "" {
		dir = *dataDir
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// closers undo, last first, what has been opened when start-up fails.
	var closers []func()
	fail := func(format string, args ...any) int {
		fmt.Fprintf(c.stderr, "plexus serve: "+format+"\n", args...)
		for i := len(closers) - 1; i >= 0; i-- {
			closers[i]()
		}
		return exitFailure
	}
	// The data directory holds the local admin key whatever the store,
	// and the embedded database when it is SQLite.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fail("data directory: %v", err)
	}
	keys, err := openKeys(cfg.Encryption, log)
	if err != nil {
		return fail("%v", err)
	}
	go keys.Run(ctx, 2*time.Second)
	tp, err := telemetry.New(cfg.Tracing, log)
	if err != nil {
		return fail("%v", err)
	}
	closers = append(closers, func() { shutdownTracing(tp, log) })

	n, err := node.Open(ctx, node.Options{
		DataDir: dir, Store: cfg.Store, Synchronous: *sync, Registry: reg, Logger: log,
		Journal: journal.Options{BatchSize: cfg.Journal.BatchSize, BatchWait: cfg.Journal.BatchWait, Keys: keys.Ring()},
		Tracing: tp.TracerProvider(), Cluster: cfg.Cluster, Address: cfg.Admin.Listen,
	})
	if err != nil {
		return fail("%v", err)
	}
	closers = append(closers, func() { n.Close(context.Background()) })
	fhirRepo, err := repo.New(n.Store())
	if err != nil {
		return fail("%v", err)
	}
	defer fhirRepo.Close()
	validator, err := validate.New()
	if err != nil {
		return fail("%v", err)
	}
	defs, err := spec.R4()
	if err != nil {
		return fail("%v", err)
	}
	searcher := search.New(n.Store(), defs)
	// fhir-store destinations write to this process's FHIR store, through
	// the same Bundle processing as POST /fhir.
	fhirconn.Register(reg, fhirserver.NewBundleProcessor(fhirRepo, validator, searcher))
	if err := n.Apply(ctx, cfg); err != nil {
		return fail("%v", err)
	}
	// The channels' recent history, for the dashboard's charts and the
	// alert rules, which are evaluated from here on.
	history := stats.New(n.Prometheus(), stats.Options{Logger: log})
	go history.Run(ctx)
	alerts := alert.New(cfg.Alerts, alert.Sources{History: history, Queues: n.Journal(), Channels: func() []string {
		var names []string
		for _, ch := range n.Channels() {
			names = append(names, ch.Name)
		}
		return names
	}},
		alert.Options{Logger: log, Registerer: n.Prometheus()})
	// Nodes sharing a store evaluate the rules on the leader only, so
	// that each alert is raised (and notified) once.
	go n.WhileLeader(ctx, alerts.Run)
	closers = append(closers, alerts.Close)
	surf, err := buildSurface(ctx, surfaceDeps{cfg: cfg, dataDir: dir, node: n, repo: fhirRepo,
		validator: validator, searcher: searcher, log: log, stats: history, alerts: alerts})
	if err != nil {
		return fail("%v", err)
	}
	closers = append(closers, surf.close)
	admin := &http.Server{
		Handler:           surf.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	ln, err := net.Listen("tcp", cfg.Admin.Listen)
	if err != nil {
		return fail("admin listener: %v", err)
	}
	var adminCerts *tlsconfig.Reloader // reloaded on SIGHUP too
	scheme := "http"
	if cfg.Admin.TLS != nil {
		if adminCerts, err = cfg.Admin.TLS.Load(log); err != nil {
			ln.Close()
			return fail("admin.tls: %v", err)
		}
		admin.TLSConfig, scheme = adminCerts.Config(), "https"
	} else if tlsconfig.WarnPlaintext(log, "admin", ln.Addr().String()) {
		fmt.Fprintf(c.stderr, "WARNING: the admin API, /metrics and /fhir listen on %s without TLS: patient data crosses the network unencrypted; set admin.tls\n", ln.Addr())
	}
	// Each source logged its own WARN when it started; say it plainly too.
	for _, l := range cfg.Listeners() {
		if !l.TLS && !tlsconfig.Loopback(l.Addr) {
			fmt.Fprintf(c.stderr, "WARNING: channel %q (%s source) listens on %s without TLS: patient data crosses the network unencrypted; set its tls section\n", l.Channel, l.Type, l.Addr)
		}
	}
	go func() {
		var err error
		if adminCerts != nil {
			err = admin.ServeTLS(ln, "", "")
		} else {
			err = admin.Serve(ln)
		}
		if err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("admin server", "err", err)
		}
	}()
	log.Info("plexus serving", "config", *cfgPath, "version", cfg.Version.Hash, "data", dir, "admin", ln.Addr().String(),
		"tls", adminCerts != nil, "channels", len(n.Channels()))
	fmt.Fprintf(c.stdout, "plexus serving %d channels; admin API on %s://%s\n", len(n.Channels()), scheme, ln.Addr())

	watcher := config.NewWatcher(*cfgPath, reg, cfg, config.WatcherOptions{
		OnChange: func(_, next *config.Config) error {
			keys.Reload(next.Encryption, log)
			if err := n.Apply(context.Background(), next); err != nil {
				return err
			}
			alerts.Apply(next.Alerts)
			return nil
		},
		OnError: func(err error) { log.Error("configuration refused; the running one stays", "err", err) },
	})
	go watcher.Run(ctx)
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
wait:
	for {
		select {
		case <-hup:
			log.Info("SIGHUP: reloading configuration")
			keys.Reload(watcher.Current().Encryption, log)
			watcher.Reload()
			if adminCerts != nil {
				adminCerts.Reload() // a failure is logged; the old certificate stays
			}
		case <-ctx.Done():
			break wait
		}
	}
	log.Info("shutting down")
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	admin.Shutdown(shutdown)
	surf.close()
	alerts.Close()
	fhirRepo.Close()
	err = n.Close(shutdown)
	shutdownTracing(tp, log) // after the node: its last spans are flushed
	if err != nil {
		log.Error("shutdown", "err", err)
		return exitFailure
	}
	log.Info("stopped")
	return exitOK
}

// shutdownTracing flushes the spans not yet exported, for at most 10 s.
func shutdownTracing(tp *telemetry.Provider, log *slog.Logger) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := tp.Shutdown(ctx); err != nil {
		log.Warn("flushing traces", "err", err)
	}
}
