package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/platform/store"
)

const fhirReindexAbout = `
Reindex rebuilds the search index of the FHIR resources in the local store:
every current resource's search parameter values are extracted again and
written in place of the old ones. Run it after an upgrade that changes how
search parameters are extracted; it is safe while "plexus serve" runs on the
same store (a resource written meanwhile is indexed by that write).

The data directory is --data, else --config's data_dir, else ./data.
--type limits the work to resource types (comma-separated).
`

// runFHIRReindex implements "plexus fhir reindex".
func runFHIRReindex(c *cli, args []string) int {
	cmd := newCommand("fhir reindex", "[flags]", fhirReindexAbout)
	var (
		dataDir = cmd.flags.String("data", "", "the data `directory` of the local store")
		cfgPath = cmd.flags.String("config", "", "the configuration `file or folder` whose data_dir is the local store")
		types   = cmd.flags.String("type", "", "reindex only these resource `types` (Patient,Observation)")
	)
	pos, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(pos) > 0 {
		return cmd.usageError(c, "unexpected argument %q", pos[0])
	}
	dir := *dataDir
	if dir == "" && *cfgPath != "" {
		cfg, err := config.Load(*cfgPath, registry())
		if err != nil {
			fmt.Fprintf(c.stderr, "plexus fhir reindex: %v\n", err)
			return exitFailure
		}
		dir = cfg.DataDir
	}
	if dir == "" {
		dir = config.DefaultDataDir
	}
	var only []string
	for _, t := range strings.Split(*types, ",") {
		if t = strings.TrimSpace(t); t != "" {
			only = append(only, t)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	db, err := store.Open(ctx, "", dir, store.Options{})
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus fhir reindex: %v\n", err)
		return exitFailure
	}
	defer db.Close()
	r, err := repo.New(db)
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus fhir reindex: %v\n", err)
		return exitFailure
	}
	defer r.Close()
	start := time.Now()
	n, err := r.Reindex(ctx, only, func(done int) {
		fmt.Fprintf(c.stderr, "\rreindexed %d resources (%.0f/s)", done, float64(done)/time.Since(start).Seconds())
	})
	if n > 0 {
		fmt.Fprintln(c.stderr)
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus fhir reindex: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(c.stdout, "reindexed %d resources in %s\n", n, time.Since(start).Round(time.Millisecond))
	return exitOK
}
