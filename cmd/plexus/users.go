package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/platform/accounts"
	"github.com/plexus-health/plexus/platform/store"
)

const usersAbout = `
Users manages the people who may log in to the admin API and dashboard. It
works on the local store directly, so run it where "plexus serve" keeps its
data; changes apply to running servers at once.

  plexus users add NAME --role R [--role R2] [--phi]
  plexus users list
  plexus users disable NAME     refuse logins and end the user's sessions
  plexus users enable NAME

The password of "add" is read from $PLEXUS_PASSWORD, else from the first
line of standard input (not hidden: pipe it in); it is never a flag, since
flags show in the process list and the shell history. It needs at least 12
characters.

Roles: admin (everything, including users and API keys), operator (start and
stop channels, resend, replay, and what a viewer may), viewer (metadata
only: channels, queues, message listings, dead letters, configuration),
auditor (the audit log). --phi grants the separate permission to see message
payloads, which hold patient data.

The data directory is --data, else --config's data_dir, else ./data.
`

// passwordEnv is where "plexus users add" looks for the password first.
const passwordEnv = "PLEXUS_PASSWORD"

// rolesFlag collects a repeatable --role flag; "a,b" counts as two.
type rolesFlag []string

func (f *rolesFlag) String() string { return strings.Join(*f, ",") }

func (f *rolesFlag) Set(s string) error {
	for _, r := range strings.Split(s, ",") {
		if r = strings.TrimSpace(r); r != "" {
			*f = append(*f, r)
		}
	}
	return nil
}

// storeFlags are the flags of the verbs that work on the local store.
type storeFlags struct {
	dataDir *string
	cfgPath *string
}

func (s *storeFlags) register(cmd *command) {
	s.dataDir = cmd.flags.String("data", "", "the data `directory` of the local store")
	s.cfgPath = cmd.flags.String("config", "", "the configuration `file or folder` whose store (and data_dir) to use")
}

// openAccounts opens the local store's accounts; close releases them.
func (s *storeFlags) openAccounts(ctx context.Context) (a *accounts.Accounts, close func(), err error) {
	dir, dsn := *s.dataDir, ""
	if *s.cfgPath != "" {
		cfg, err := config.Load(*s.cfgPath, registry())
		if err != nil {
			return nil, nil, err
		}
		if dir == "" {
			dir = cfg.DataDir
		}
		dsn = cfg.Store // the node's store, PostgreSQL included
	}
	if dir == "" {
		dir = config.DefaultDataDir
	}
	db, err := store.Open(ctx, dsn, dir, store.Options{})
	if err != nil {
		return nil, nil, err
	}
	return accounts.New(db, accounts.Options{}), func() { db.Close() }, nil
}

// runUsers implements "plexus users add|list|disable|enable".
func runUsers(c *cli, args []string) int {
	cmd := newCommand("users", "add|list|disable|enable [NAME]", usersAbout)
	var sf storeFlags
	sf.register(cmd)
	var roles rolesFlag
	cmd.flags.Var(&roles, "role", "a `role` for add: admin, operator, viewer or auditor (repeat for more)")
	phi := cmd.flags.Bool("phi", false, "add: grant the permission to see message payloads (patient data)")
	asJSON := cmd.flags.Bool("json", false, "list: print JSON")
	pos, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(pos) == 0 {
		return cmd.usageError(c, "a sub-command is required: add, list, disable or enable")
	}
	sub := pos[0]
	switch {
	case sub == "list" && len(pos) != 1:
		return cmd.usageError(c, "list takes no argument")
	case (sub == "add" || sub == "disable" || sub == "enable") && len(pos) != 2:
		return cmd.usageError(c, "%s takes one user NAME", sub)
	case sub != "list" && sub != "add" && sub != "disable" && sub != "enable":
		return cmd.usageError(c, "unknown sub-command %q", sub)
	case sub == "add" && len(roles) == 0:
		return cmd.usageError(c, "add needs at least one --role (%s)", strings.Join(accounts.Roles, ", "))
	}
	fail := func(err error) int {
		fmt.Fprintf(c.stderr, "plexus users %s: %v\n", sub, err)
		return exitFailure
	}
	var password string
	if sub == "add" {
		var err error
		if password, err = readPassword(c.stdin); err != nil {
			return fail(err)
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	accts, closeStore, err := sf.openAccounts(ctx)
	if err != nil {
		return fail(err)
	}
	defer closeStore()

	switch sub {
	case "add":
		var perms []string
		if *phi {
			perms = []string{accounts.PermPHI}
		}
		u, err := accts.CreateUser(ctx, accounts.NewUser{Name: pos[1], Password: password, Roles: roles, Permissions: perms})
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(c.stdout, "user %s added: %s\n", u.Name, grants(u.Roles, u.Permissions))
	case "disable", "enable":
		off := sub == "disable"
		u, err := accts.UpdateUser(ctx, pos[1], accounts.UserUpdate{Disabled: &off})
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(c.stdout, "user %s %sd\n", u.Name, sub)
	case "list":
		users, err := accts.Users(ctx)
		if err != nil {
			return fail(err)
		}
		if *asJSON {
			printJSON(c.stdout, users)
			return exitOK
		}
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLES\tPERMISSIONS\tSTATE\tCREATED")
		for _, u := range users {
			state := "active"
			if u.Disabled {
				state = "disabled"
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Name, strings.Join(u.Roles, ","), dash(strings.Join(u.Permissions, ",")),
				state, u.Created.Format(time.RFC3339))
		}
		tw.Flush()
	}
	return exitOK
}

// readPassword returns $PLEXUS_PASSWORD, else the first line of in.
func readPassword(in io.Reader) (string, error) {
	if pw := os.Getenv(passwordEnv); pw != "" {
		return pw, nil
	}
	if in == nil {
		return "", fmt.Errorf("no password: set $%s or pipe it on standard input", passwordEnv)
	}
	line, err := bufio.NewReaderSize(io.LimitReader(in, accounts.MaxPasswordLength+2), 4096).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("no password: set $%s or pipe it on standard input", passwordEnv)
	}
	return line, nil
}

// grants describes roles and permissions for a confirmation line.
func grants(roles, perms []string) string {
	s := "roles " + strings.Join(roles, ", ")
	if len(perms) > 0 {
		s += "; permissions " + strings.Join(perms, ", ")
	}
	return s
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
