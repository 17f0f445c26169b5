package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/platform/audit"
	"github.com/plexus-health/plexus/platform/store"
)

const auditAbout = `
Audit works with the tamper-evident audit log in the local store: every FHIR
interaction, admin action, login and view of a message payload, hash-chained
so that a changed, deleted, reordered or inserted record is detected.

  plexus audit verify   check the whole chain; name the first broken record
  plexus audit list     print records, newest first

verify exits 1 when the chain is broken. It prints the record count and the
head: keep "SEQ:HASH" elsewhere, since records cut off at the end leave a
chain that is still valid, and only a head kept outside shows the loss.
"verify --anchor SEQ:HASH" also checks that the chain still passes through
it, and exits 1 when it does not.

list takes --since and --until as RFC 3339 times (2026-03-01T08:00:00Z) or
dates (2026-03-01), or --since as a duration back from now (24h); --action
as a comma-separated list where "fhir.*" is a prefix; and --before, the
value printed after a full page, for the next page.

The data directory is --data, else --config's data_dir, else ./data. The
records name patients in paths and queries: treat the output as patient data.
`

// runAudit implements "plexus audit verify|list".
func runAudit(c *cli, args []string) int {
	cmd := newCommand("audit", "verify|list", auditAbout)
	var (
		dataDir = cmd.flags.String("data", "", "the data `directory` of the local store")
		cfgPath = cmd.flags.String("config", "", "the configuration `file or folder` whose data_dir is the local store")
		since   = cmd.flags.String("since", "", "list records at or after `TIME` (or a duration ago: 24h)")
		until   = cmd.flags.String("until", "", "list records before `TIME`")
		who     = cmd.flags.String("who", "", "list records of this `subject` (user, API key or client)")
		action  = cmd.flags.String("action", "", "list records of these `actions` (fhir.read,admin.*)")
		limit   = cmd.flags.Int("limit", 100, "list at most `N` records")
		before  = cmd.flags.Int64("before", 0, "list records before this `seq` (the next page)")
		asJSON  = cmd.flags.Bool("json", false, "print JSON: one record per line, or the verify report")
		anchor  = cmd.flags.String("anchor", "", "verify: check that the chain passes through this head, `SEQ:HASH` from an earlier verify")
	)
	pos, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(pos) != 1 || pos[0] != "verify" && pos[0] != "list" {
		if len(pos) == 0 {
			return cmd.usageError(c, "a sub-command is required: verify or list")
		}
		return cmd.usageError(c, "unknown sub-command %q", pos[0])
	}
	var f audit.Filter
	var a auditAnchor
	if *anchor != "" {
		var err error
		if a, err = parseAnchor(*anchor); err != nil {
			return cmd.usageError(c, "--anchor: %v", err)
		}
	}
	if pos[0] == "list" {
		var err error
		now := time.Now()
		if f.Since, err = auditTime(*since, now); err != nil {
			return cmd.usageError(c, "--since: %v", err)
		}
		if f.Until, err = auditTime(*until, now); err != nil {
			return cmd.usageError(c, "--until: %v", err)
		}
		if *limit < 1 || *limit > audit.MaxLimit {
			return cmd.usageError(c, "--limit must be from 1 to %d", audit.MaxLimit)
		}
		if *before < 0 {
			return cmd.usageError(c, "--before must be a positive seq")
		}
		f.Who, f.Limit, f.Before = *who, *limit, *before
		for _, a := range strings.Split(*action, ",") {
			if a = strings.TrimSpace(a); a != "" {
				f.Actions = append(f.Actions, a)
			}
		}
	}

	dir := *dataDir
	if dir == "" && *cfgPath != "" {
		cfg, err := config.Load(*cfgPath, registry())
		if err != nil {
			fmt.Fprintf(c.stderr, "plexus audit: %v\n", err)
			return exitFailure
		}
		dir = cfg.DataDir
	}
	if dir == "" {
		dir = config.DefaultDataDir
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	db, err := store.Open(ctx, "", dir, store.Options{})
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus audit: %v\n", err)
		return exitFailure
	}
	defer db.Close()
	log := audit.New(db, audit.Options{})
	defer log.Close()

	if pos[0] == "verify" {
		return auditVerify(ctx, c, log, a, *asJSON)
	}
	return auditList(ctx, c, log, f, *asJSON)
}

func auditVerify(ctx context.Context, c *cli, log *audit.Log, a auditAnchor, asJSON bool) int {
	rep, err := log.Verify(ctx)
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus audit verify: %v\n", err)
		return exitFailure
	}
	if asJSON {
		json.NewEncoder(c.stdout).Encode(rep)
	} else if rep.OK() {
		fmt.Fprintf(c.stdout, "audit chain intact: %d records\nhead: %d:%s\n", rep.Count, rep.HeadSeq, rep.Head)
	} else {
		fmt.Fprintf(c.stdout, "audit chain BROKEN at record %d: %s (%s)\n%d records intact before it; last intact head: %d:%s\n",
			rep.Broken.Seq, rep.Broken.Reason, rep.Broken.Detail, rep.Count, rep.HeadSeq, rep.Head)
	}
	if !rep.OK() {
		return exitFailure
	}
	if a.hash != nil {
		if err := log.CheckAnchor(ctx, &rep, a.seq, a.hash); err != nil {
			fmt.Fprintf(c.stderr, "plexus audit verify: %v\n", err)
			return exitFailure
		}
		if !asJSON {
			fmt.Fprintf(c.stdout, "anchor %d:%s is on the chain\n", a.seq, a.hash)
		}
	}
	return exitOK
}

// auditAnchor is a head kept outside the store, from --anchor.
type auditAnchor struct {
	seq  int64
	hash audit.Hash
}

// parseAnchor reads SEQ:HASH as verify prints it.
func parseAnchor(s string) (auditAnchor, error) {
	seqText, hashText, ok := strings.Cut(s, ":")
	seq, err := strconv.ParseInt(seqText, 10, 64)
	if !ok || err != nil || seq < 1 {
		return auditAnchor{}, fmt.Errorf("%q is not SEQ:HASH as verify prints the head", s)
	}
	h, err := audit.ParseHash(hashText)
	if err != nil {
		return auditAnchor{}, err
	}
	return auditAnchor{seq, h}, nil
}

func auditList(ctx context.Context, c *cli, log *audit.Log, f audit.Filter, asJSON bool) int {
	recs, next, err := log.Query(ctx, f)
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus audit list: %v\n", err)
		return exitFailure
	}
	if asJSON {
		enc := json.NewEncoder(c.stdout)
		for _, r := range recs {
			enc.Encode(r)
		}
	} else {
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SEQ\tTIME\tWHO\tFROM\tACTION\tRESOURCE\tSTATUS\tOUTCOME")
		for _, r := range recs {
			who := r.Subject
			if who == "" {
				who = "anonymous"
			} else if r.Principal != "" {
				who = string(r.Principal) + ":" + who
			}
			res := strings.Trim(r.ResourceType+"/"+r.ResourceID, "/")
			if res == "" {
				res = r.Path
			}
			status := "-"
			if r.Status != 0 {
				status = fmt.Sprint(r.Status)
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n", r.Seq, r.Time.Format(time.RFC3339), who, r.Remote, r.Action, res, status, r.Outcome)
		}
		tw.Flush()
	}
	if next != 0 {
		fmt.Fprintf(c.stderr, "more records: --before %d\n", next)
	}
	return exitOK
}

// auditTime reads a --since or --until value: an RFC 3339 time, a date
// (midnight UTC), or a duration before now.
func auditTime(s string, now time.Time) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil && d > 0 {
		return now.Add(-d), nil
	}
	return time.Time{}, fmt.Errorf("%q is not an RFC 3339 time, a date (2026-03-01) or a duration (24h)", s)
}
