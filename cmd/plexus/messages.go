package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/plexus-health/plexus/api"
	"github.com/plexus-health/plexus/engine/config"
)

const messagesAbout = `
Messages browses the journal of a running "plexus serve" through its admin
API (--server, default http://127.0.0.1:8080).

  plexus messages list [--channel C] [--status S] [--type ADT] [--trigger A01]
                       [--control-id ID] [--patient-id ID] [--text T]
                       [--from TIME] [--to TIME] [--before ID] [--limit N]
  plexus messages show ID        metadata, deliveries and every attempt
  plexus messages content ID     the message as received (needs permission)
  plexus messages resend ID      queue every delivery of the message again

TIME is RFC 3339 (2024-01-31T08:00:00Z) or a duration back from now (2h).
Add --json for machine-readable output. The API key sent is --api-key, else
$PLEXUS_API_KEY, else the admin.key that plexus serve wrote in --data.
`

// adminFlags are the flags shared by the verbs that talk to the admin API.
type adminFlags struct {
	server  *string
	jsonOut *bool
	apiKey  *string
	dataDir *string
}

func (a *adminFlags) register(cmd *command) {
	a.server = cmd.flags.String("server", "http://127.0.0.1:8080", "the admin API `URL` of plexus serve")
	a.jsonOut = cmd.flags.Bool("json", false, "print JSON")
	a.apiKey = cmd.flags.String("api-key", "", "the API `key` to send (default $"+api.APIKeyEnv+", else the data directory's admin.key)")
	a.dataDir = cmd.flags.String("data", config.DefaultDataDir, "the data `directory` whose admin.key to send when no key is given")
}

// client returns the admin API client with the key ResolveAPIKey finds.
func (a *adminFlags) client() (*api.Client, error) {
	key, err := api.ResolveAPIKey(*a.apiKey, *a.dataDir)
	if err != nil {
		return nil, err
	}
	return &api.Client{BaseURL: strings.TrimSuffix(*a.server, "/"), APIKey: key}, nil
}

// parseTime reads an RFC 3339 time or a duration back from now.
func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return time.Now().Add(-d), nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is neither an RFC 3339 time nor a duration", s)
	}
	return t, nil
}

func printJSON(w io.Writer, v any) {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.Encode(v)
}

// runMessages implements "plexus messages".
func runMessages(c *cli, args []string) int {
	cmd := newCommand("messages", "list|show|content|resend [ID]", messagesAbout)
	var admin adminFlags
	admin.register(cmd)
	q := api.MessageQuery{}
	var from, to string
	cmd.flags.StringVar(&q.Channel, "channel", "", "only this `channel`")
	cmd.flags.StringVar(&q.Status, "status", "", "only this `status` (received, filtered, delivered, error, dead, duplicate)")
	cmd.flags.StringVar(&q.Type, "type", "", "only this message `type` (MSH-9.1)")
	cmd.flags.StringVar(&q.Trigger, "trigger", "", "only this `trigger` event (MSH-9.2)")
	cmd.flags.StringVar(&q.ControlID, "control-id", "", "only this control `ID` (MSH-10)")
	cmd.flags.StringVar(&q.PatientID, "patient-id", "", "only this patient `ID` (PID-3.1)")
	cmd.flags.StringVar(&q.Text, "text", "", "`text` in the metadata")
	cmd.flags.StringVar(&from, "from", "", "received at or after `TIME`")
	cmd.flags.StringVar(&to, "to", "", "received before `TIME`")
	cmd.flags.Int64Var(&q.Before, "before", 0, "messages older than this `ID` (the next page)")
	cmd.flags.IntVar(&q.Limit, "limit", 50, "at most `N` messages")
	pos, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(pos) == 0 {
		return cmd.usageError(c, "a sub-command is required: list, show, content or resend")
	}
	var err error
	if q.From, err = parseTime(from); err != nil {
		return cmd.usageError(c, "--from: %v", err)
	}
	if q.To, err = parseTime(to); err != nil {
		return cmd.usageError(c, "--to: %v", err)
	}
	ctx := context.Background()
	cl, err := admin.client()
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus messages: %v\n", err)
		return exitFailure
	}
	id := func() (int64, bool) {
		if len(pos) != 2 {
			return 0, false
		}
		n, err := strconv.ParseInt(pos[1], 10, 64)
		return n, err == nil && n > 0
	}
	fail := func(err error) int {
		fmt.Fprintf(c.stderr, "plexus messages %s: %v\n", pos[0], err)
		return exitFailure
	}
	switch pos[0] {
	case "list":
		list, err := cl.ListMessages(ctx, q)
		if err != nil {
			return fail(err)
		}
		if *admin.jsonOut {
			printJSON(c.stdout, list)
			return exitOK
		}
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "ID\tRECEIVED\tCHANNEL\tTYPE\tCONTROL ID\tSTATUS\tERROR")
		for _, m := range list.Messages {
			typ := m.Type
			if m.Trigger != "" {
				typ += "^" + m.Trigger
			}
			fmt.Fprintf(tw, "%d\t%s\t%s\t%s\t%s\t%s\t%s\n", m.ID, m.ReceivedAt.Local().Format("2006-01-02 15:04:05.000"),
				m.Channel, typ, m.ControlID, m.Status, m.Error)
		}
		tw.Flush()
		if list.Next != 0 {
			fmt.Fprintf(c.stdout, "more: --before %d\n", list.Next)
		}
		return exitOK
	case "show":
		n, ok := id()
		if !ok {
			return cmd.usageError(c, "show takes one message ID")
		}
		m, err := cl.Message(ctx, n)
		if err != nil {
			return fail(err)
		}
		if *admin.jsonOut {
			printJSON(c.stdout, m)
			return exitOK
		}
		fmt.Fprintf(c.stdout, "message %d  %s  channel %s  source %s %s\n", m.ID, m.Status, m.Channel, m.Source, m.Remote)
		fmt.Fprintf(c.stdout, "received %s  %s^%s  control ID %s  from %s/%s  config %s  %d bytes\n",
			m.ReceivedAt.Local().Format(time.RFC3339Nano), m.Type, m.Trigger, m.ControlID, m.SendingApp, m.SendingFacility,
			m.ConfigVersion, m.ContentSize)
		if m.Error != "" {
			fmt.Fprintf(c.stdout, "error: %s\n", m.Error)
		}
		for _, u := range m.Unmapped {
			fmt.Fprintf(c.stdout, "unmapped: %s\n", u)
		}
		for _, d := range m.Deliveries {
			fmt.Fprintf(c.stdout, "  delivery %d to %s: %s after %d attempts%s\n", d.ID, d.Destination, d.Status, d.Attempts, errSuffix(d.LastError))
			for _, a := range d.AttemptLog {
				fmt.Fprintf(c.stdout, "    #%d %s %.1fms %s %s%s\n", a.Attempt, a.Started.Local().Format("15:04:05.000"), a.DurationMS,
					a.Outcome, a.ResponseStatus, errSuffix(a.Error))
			}
		}
		return exitOK
	case "content":
		n, ok := id()
		if !ok {
			return cmd.usageError(c, "content takes one message ID")
		}
		data, _, err := cl.Content(ctx, n)
		if err != nil {
			return fail(err)
		}
		c.stdout.Write(data)
		return exitOK
	case "resend", "replay":
		n, ok := id()
		if !ok {
			return cmd.usageError(c, "%s takes one message ID", pos[0])
		}
		queued, err := cl.Resend(ctx, n)
		if err != nil {
			return fail(err)
		}
		fmt.Fprintf(c.stdout, "message %d: %d deliveries queued again\n", n, queued)
		return exitOK
	}
	return cmd.usageError(c, "unknown sub-command %q", pos[0])
}

func errSuffix(e string) string {
	if e == "" {
		return ""
	}
	return ": " + e
}
