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

	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/platform/auth"
	"github.com/plexus-health/plexus/platform/store"
)

const clientsAbout = `
Clients manages the OAuth2 clients of the built-in authorization server:
systems that call the FHIR API get access tokens by SMART Backend Services
(POST /auth/token, client_credentials with a JWT client assertion signed
by one of their keys).

  plexus clients add ID --scope S [--name N] --jwks-file F | --jwks-url U
  plexus clients list
  plexus clients disable ID
  plexus clients enable ID

--scope is what the client may be granted, as SMART scopes, space- or
comma-separated ("system/Patient.rs system/Observation.cruds"); a token
request is cut down to what these cover. --jwks-file is the client's public
JWK Set (RSA or EC P-256/P-384 keys, no private parts), stored with the
client; --jwks-url is where the client publishes it, fetched when needed.
A disabled client gets no new tokens; tokens already issued live out their
lifetime (auth.token_lifetime, at most an hour).

The data directory is --data, else --config's data_dir, else ./data.
`

// runClients implements "plexus clients".
func runClients(c *cli, args []string) int {
	cmd := newCommand("clients", "add|list|disable|enable [ID]", clientsAbout)
	var (
		dataDir  = cmd.flags.String("data", "", "the data `directory` of the store")
		cfgPath  = cmd.flags.String("config", "", "the configuration `file or folder` whose data_dir is the store")
		scope    = cmd.flags.String("scope", "", "add: the `scopes` the client may be granted")
		name     = cmd.flags.String("name", "", "add: a description of the client")
		jwksFile = cmd.flags.String("jwks-file", "", "add: the client's public JWK Set `file`")
		jwksURL  = cmd.flags.String("jwks-url", "", "add: the `URL` of the client's public JWK Set")
	)
	pos, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(pos) == 0 {
		return cmd.usageError(c, "a sub-command is required: add, list, disable or enable")
	}
	sub, rest := pos[0], pos[1:]
	want := map[string]int{"add": 1, "list": 0, "disable": 1, "enable": 1}
	n, known := want[sub]
	switch {
	case !known:
		return cmd.usageError(c, "unknown sub-command %q", sub)
	case len(rest) != n && n == 1:
		return cmd.usageError(c, "clients %s needs one client ID", sub)
	case len(rest) != n:
		return cmd.usageError(c, "unexpected argument %q", rest[0])
	}
	var client auth.Client
	if sub == "add" {
		if *scope == "" {
			return cmd.usageError(c, "--scope is required")
		}
		if (*jwksFile == "") == (*jwksURL == "") {
			return cmd.usageError(c, "give --jwks-file or --jwks-url (one of them)")
		}
		client = auth.Client{ID: rest[0], Name: *name, Scopes: strings.Fields(strings.ReplaceAll(*scope, ",", " ")), JWKSURL: *jwksURL}
		if *jwksFile != "" {
			data, err := os.ReadFile(*jwksFile)
			if err != nil {
				fmt.Fprintf(c.stderr, "plexus clients add: %v\n", err)
				return exitFailure
			}
			client.JWKS = string(data)
		}
		if err := client.Check(); err != nil {
			fmt.Fprintf(c.stderr, "plexus clients add: %v\n", err)
			return exitFailure
		}
	}
	fail := func(err error) int {
		fmt.Fprintf(c.stderr, "plexus clients %s: %v\n", sub, err)
		return exitFailure
	}
	dir := *dataDir
	if dir == "" && *cfgPath != "" {
		cfg, err := config.Load(*cfgPath, registry())
		if err != nil {
			return fail(err)
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
		return fail(err)
	}
	defer db.Close()
	clients := auth.NewClients(db)
	switch sub {
	case "add":
		if err := clients.Add(ctx, client); err != nil {
			return fail(err)
		}
		fmt.Fprintf(c.stdout, "registered client %s with scopes %s\n", client.ID, strings.Join(client.Scopes, " "))
	case "list":
		list, err := clients.List(ctx)
		if err != nil {
			return fail(err)
		}
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tSTATUS\tKEYS\tCREATED\tSCOPES\tNAME")
		for _, cl := range list {
			st, keys := "enabled", "inline"
			if cl.Disabled {
				st = "disabled"
			}
			if cl.JWKSURL != "" {
				keys = cl.JWKSURL
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", cl.ID, st, keys, cl.Created.UTC().Format(time.RFC3339), strings.Join(cl.Scopes, " "), cl.Name)
		}
		tw.Flush()
	case "disable", "enable":
		if err := clients.SetDisabled(ctx, rest[0], sub == "disable"); err != nil {
			return fail(err)
		}
		fmt.Fprintf(c.stdout, "client %s %sd\n", rest[0], sub)
	}
	return exitOK
}
