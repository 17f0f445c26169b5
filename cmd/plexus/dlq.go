package main

import (
	"context"
	"fmt"
	"text/tabwriter"

	"github.com/plexus-health/plexus/api"
)

const dlqAbout = `
DLQ lists and replays dead-lettered deliveries through the admin API of a
running "plexus serve" (--server, default http://127.0.0.1:8080).

  plexus dlq list [--channel C] [--destination D] [--limit N]
  plexus dlq replay [--channel C] [--destination D] [--message ID]
                    [--delivery ID] [--from TIME] [--to TIME]

Replay puts the matching dead letters back at their place in their queues
with a fresh attempt count. Without any selector it replays every dead
letter of every channel, so it asks for --all in that case.
TIME is RFC 3339 or a duration back from now (2h).
`

// runDLQ implements "plexus dlq".
func runDLQ(c *cli, args []string) int {
	cmd := newCommand("dlq", "list|replay", dlqAbout)
	var admin adminFlags
	admin.register(cmd)
	var (
		channel  = cmd.flags.String("channel", "", "only this `channel`")
		dest     = cmd.flags.String("destination", "", "only this `destination`")
		limit    = cmd.flags.Int("limit", 100, "list at most `N`")
		message  = cmd.flags.Int64("message", 0, "replay the dead letters of this message `ID`")
		delivery = cmd.flags.Int64("delivery", 0, "replay this delivery `ID`")
		from     = cmd.flags.String("from", "", "replay messages received at or after `TIME`")
		to       = cmd.flags.String("to", "", "replay messages received before `TIME`")
		all      = cmd.flags.Bool("all", false, "replay every dead letter")
	)
	pos, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(pos) != 1 {
		return cmd.usageError(c, "a sub-command is required: list or replay")
	}
	ctx := context.Background()
	cl, err := admin.client()
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus dlq: %v\n", err)
		return exitFailure
	}
	switch pos[0] {
	case "list":
		ds, err := cl.DeadLetters(ctx, api.DeadLetterQuery{Channel: *channel, Destination: *dest, Limit: *limit})
		if err != nil {
			fmt.Fprintf(c.stderr, "plexus dlq list: %v\n", err)
			return exitFailure
		}
		if *admin.jsonOut {
			printJSON(c.stdout, ds)
			return exitOK
		}
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "DELIVERY\tMESSAGE\tCHANNEL\tDESTINATION\tATTEMPTS\tDEAD SINCE\tLAST ERROR")
		for _, d := range ds {
			fmt.Fprintf(tw, "%d\t%d\t%s\t%s\t%d\t%s\t%s\n", d.ID, d.MessageID, d.Channel, d.Destination, d.Attempts,
				d.UpdatedAt.Local().Format("2006-01-02 15:04:05"), d.LastError)
		}
		tw.Flush()
		return exitOK
	case "replay":
		req := api.ReplayRequest{Channel: *channel, Destination: *dest, MessageID: *message, DeliveryID: *delivery}
		var err error
		if req.From, err = parseTime(*from); err != nil {
			return cmd.usageError(c, "--from: %v", err)
		}
		if req.To, err = parseTime(*to); err != nil {
			return cmd.usageError(c, "--to: %v", err)
		}
		if req == (api.ReplayRequest{}) && !*all {
			return cmd.usageError(c, "name what to replay (--channel, --destination, --message, --delivery, --from, --to) or give --all")
		}
		n, err := cl.Replay(ctx, req)
		if err != nil {
			fmt.Fprintf(c.stderr, "plexus dlq replay: %v\n", err)
			return exitFailure
		}
		fmt.Fprintf(c.stdout, "%d deliveries queued again\n", n)
		return exitOK
	}
	return cmd.usageError(c, "unknown sub-command %q", pos[0])
}
