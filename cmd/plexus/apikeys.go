package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/plexus-health/plexus/platform/accounts"
)

const apikeysAbout = `
Apikeys manages the API keys systems use to call the admin API
("Authorization: Bearer pxk_..."). It works on the local store directly, so
run it where "plexus serve" keeps its data; changes apply at once.

  plexus apikeys create NAME --role R [--role R2] [--phi]
  plexus apikeys list
  plexus apikeys revoke ID

create prints the key on standard output, once: it is stored only as a hash
and cannot be shown again. NAME is a label for the system that uses it.
Roles are those of "plexus users"; --phi grants the permission to see
message payloads (patient data).

On its first start "plexus serve" makes an admin key (with --phi) and writes
it to <data>/admin.key, readable by its owner only; the "messages" and "dlq"
verbs use that file when neither --api-key nor $PLEXUS_API_KEY gives a key.

The data directory is --data, else --config's data_dir, else ./data.
`

// runAPIKeys implements "plexus apikeys create|list|revoke".
func runAPIKeys(c *cli, args []string) int {
	cmd := newCommand("apikeys", "create|list|revoke [NAME|ID]", apikeysAbout)
	var sf storeFlags
	sf.register(cmd)
	var roles rolesFlag
	cmd.flags.Var(&roles, "role", "a `role` for create: admin, operator, viewer or auditor (repeat for more)")
	phi := cmd.flags.Bool("phi", false, "create: grant the permission to see message payloads (patient data)")
	asJSON := cmd.flags.Bool("json", false, "list: print JSON")
	pos, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(pos) == 0 {
		return cmd.usageError(c, "a sub-command is required: create, list or revoke")
	}
	sub := pos[0]
	switch {
	case sub == "list" && len(pos) != 1:
		return cmd.usageError(c, "list takes no argument")
	case sub == "create" && len(pos) != 2:
		return cmd.usageError(c, "create takes one key NAME")
	case sub == "revoke" && len(pos) != 2:
		return cmd.usageError(c, "revoke takes one key ID (see plexus apikeys list)")
	case sub != "list" && sub != "create" && sub != "revoke":
		return cmd.usageError(c, "unknown sub-command %q", sub)
	case sub == "create" && len(roles) == 0:
		return cmd.usageError(c, "create needs at least one --role (%s)", strings.Join(accounts.Roles, ", "))
	}
	fail := func(err error) int {
		fmt.Fprintf(c.stderr, "plexus apikeys %s: %v\n", sub, err)
		return exitFailure
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	accts, closeStore, err := sf.openAccounts(ctx)
	if err != nil {
		return fail(err)
	}
	defer closeStore()

	switch sub {
	case "create":
		var perms []string
		if *phi {
			perms = []string{accounts.PermPHI}
		}
		k, err := accts.CreateAPIKey(ctx, accounts.NewAPIKey{Name: pos[1], Roles: roles, Permissions: perms})
		if err != nil {
			return fail(err)
		}
		// The key alone on stdout, so that KEY=$(plexus apikeys create ...) works.
		fmt.Fprintln(c.stdout, k.Key)
		fmt.Fprintf(c.stderr, "API key %s (%s) created: %s. It is shown this once; keep it now.\n", k.ID, k.Name, grants(k.Roles, k.Permissions))
	case "revoke":
		if err := accts.RevokeAPIKey(ctx, pos[1]); err != nil {
			return fail(err)
		}
		fmt.Fprintf(c.stdout, "API key %s revoked\n", pos[1])
	case "list":
		keys, err := accts.APIKeys(ctx)
		if err != nil {
			return fail(err)
		}
		if *asJSON {
			printJSON(c.stdout, keys)
			return exitOK
		}
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tNAME\tROLES\tPERMISSIONS\tCREATED\tLAST USED\tREVOKED")
		for _, k := range keys {
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", k.ID, k.Name, strings.Join(k.Roles, ","), dash(strings.Join(k.Permissions, ",")),
				k.Created.Format(time.RFC3339), timeOrDash(k.LastUsed), timeOrDash(k.Revoked))
		}
		tw.Flush()
	}
	return exitOK
}

func timeOrDash(t *time.Time) string {
	if t == nil {
		return "-"
	}
	return t.Format(time.RFC3339)
}
