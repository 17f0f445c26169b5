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
	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/engine/node"
	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/search"
	fhirserver "github.com/plexus-health/plexus/fhir/server"
	"github.com/plexus-health/plexus/fhir/spec"
	"github.com/plexus-health/plexus/fhir/validate"
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
	keys, err := openKeys(cfg.Encryption, log)
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus serve: %v\n", err)
		return exitFailure
	}
	go keys.Run(ctx, 2*time.Second)

	n, err := node.Open(ctx, node.Options{
		DataDir: dir, Synchronous: *sync, Registry: reg, Logger: log,
		Journal: journal.Options{BatchSize: cfg.Journal.BatchSize, BatchWait: cfg.Journal.BatchWait, Keys: keys.Ring()},
	})
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus serve: %v\n", err)
		return exitFailure
	}
	fhirRepo, err := repo.New(n.Store())
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus serve: %v\n", err)
		n.Close(context.Background())
		return exitFailure
	}
	defer fhirRepo.Close()
	validator, err := validate.New()
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus serve: %v\n", err)
		n.Close(context.Background())
		return exitFailure
	}
	defs, err := spec.R4()
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus serve: %v\n", err)
		n.Close(context.Background())
		return exitFailure
	}
	searcher := search.New(n.Store(), defs)
	// fhir-store destinations write to this process's FHIR store, through
	// the same Bundle processing as POST /fhir.
	fhirconn.Register(reg, fhirserver.NewBundleProcessor(fhirRepo, validator, searcher))
	if err := n.Apply(ctx, cfg); err != nil {
		fmt.Fprintf(c.stderr, "plexus serve: %v\n", err)
		n.Close(context.Background())
		return exitFailure
	}
	surf, err := buildSurface(ctx, surfaceDeps{cfg: cfg, dataDir: dir, node: n, repo: fhirRepo,
		validator: validator, searcher: searcher, log: log})
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus serve: %v\n", err)
		n.Close(context.Background())
		return exitFailure
	}
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
		fmt.Fprintf(c.stderr, "plexus serve: admin listener: %v\n", err)
		surf.close()
		n.Close(context.Background())
		return exitFailure
	}
	var adminCerts *tlsconfig.Reloader // reloaded on SIGHUP too
	scheme := "http"
	if cfg.Admin.TLS != nil {
		if adminCerts, err = cfg.Admin.TLS.Load(log); err != nil {
			fmt.Fprintf(c.stderr, "plexus serve: admin.tls: %v\n", err)
			ln.Close()
			surf.close()
			n.Close(context.Background())
			return exitFailure
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
			return n.Apply(context.Background(), next)
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
	fhirRepo.Close()
	if err := n.Close(shutdown); err != nil {
		log.Error("shutdown", "err", err)
		return exitFailure
	}
	log.Info("stopped")
	return exitOK
}
