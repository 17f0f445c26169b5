package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"

	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/mapping/events"
	"github.com/plexus-health/plexus/mapping/v2fhir"
)

const convertAbout = `Convert HL7 v2 messages to FHIR R4 transaction Bundles with the
V2-to-FHIR mapping set, one Bundle per line. What a message holds that the
mapping does not use is listed on standard error. A message that cannot be
parsed or converted is reported with its segment and field, and the exit
status is non-zero.

With --to events, print each message's canonical events (plexus.event/v1,
docs/events.md) instead, as one JSON array per message; why a message made
no event is said on standard error.`

// runConvert is "plexus convert [--to fhir|events] FILE...".
func runConvert(c *cli, args []string) int {
	cmd := newCommand("convert", "FILE...", convertAbout)
	to := cmd.flags.String("to", "fhir", "output `format`: fhir or events")
	quiet := cmd.flags.Bool("quiet", false, "do not list unmapped segments and fields, or why no event")
	files, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if *to != "fhir" && *to != "events" {
		return cmd.usageError(c, "--to %q: fhir or events", *to)
	}
	if len(files) == 0 {
		return cmd.usageError(c, "no FILE given")
	}
	ms, err := v2fhir.Default()
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus convert: %v\n", err)
		return exitFailure
	}
	cv := v2fhir.New(ms, v2fhir.Options{})
	deriver := events.New(cv)
	out := bufio.NewWriter(c.stdout)
	failed := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			fmt.Fprintf(c.stderr, "plexus convert: %v\n", err)
			failed++
			continue
		}
		for i, m := range splitER7(data) {
			if *to == "events" {
				if !convertEvents(c, out, deriver, f, i, m, *quiet) {
					failed++
				}
				continue
			}
			res, err := cv.ConvertBytes(m)
			if err != nil {
				var he *hl7v2.Error
				if errors.As(err, &he) {
					fmt.Fprintf(c.stderr, "plexus convert: %s: message %d: %v\n", f, i+1, he)
				} else {
					fmt.Fprintf(c.stderr, "plexus convert: %s: message %d: %v\n", f, i+1, err)
				}
				failed++
				continue
			}
			out.Write(res.Bundle)
			out.WriteByte('\n')
			if !*quiet {
				for _, u := range res.Unmapped {
					fmt.Fprintf(c.stderr, "%s: message %d: unmapped %s\n", f, i+1, u)
				}
			}
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(c.stderr, "plexus convert: writing output: %v\n", err)
		return exitFailure
	}
	if failed > 0 {
		return exitFailure
	}
	return exitOK
}

// convertEvents prints the events of message i of file f as one JSON
// array line, and on stderr why it made none; false when it failed.
func convertEvents(c *cli, out *bufio.Writer, d *events.Deriver, f string, i int, m []byte, quiet bool) bool {
	res, err := d.DeriveBytes(m)
	if err == nil {
		var b []byte
		if b, err = events.Marshal(res.Events); err == nil {
			out.Write(b)
			out.WriteByte('\n')
		}
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus convert: %s: message %d: %v\n", f, i+1, err)
		return false
	}
	for _, n := range res.Notes {
		if quiet {
			break
		}
		fmt.Fprintf(c.stderr, "%s: message %d: %s\n", f, i+1, n)
	}
	return true
}

// splitER7 splits a file of messages, with any segment terminator, at MSH.
func splitER7(data []byte) [][]byte {
	data = bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\r")), []byte("\n"), []byte("\r"))
	var out [][]byte
	for _, p := range bytes.Split(data, []byte("\rMSH")) {
		p = bytes.Trim(p, "\r \x0b\x1c")
		if len(p) == 0 {
			continue
		}
		if !bytes.HasPrefix(p, []byte("MSH")) {
			p = append([]byte("MSH"), p...)
		}
		out = append(out, p)
	}
	return out
}
