package main

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/plexus-health/plexus/format/hl7v2"
)

const hl7Usage = `Usage: plexus hl7 <command> [flags] [arguments]

The commands are:

	parse    print the structure of the HL7 v2 messages in files

Run "plexus hl7 <command> -h" for the flags of a command.
`

// runHL7 implements "plexus hl7 <command>".
func runHL7(c *cli, args []string) int {
	if len(args) == 0 {
		io.WriteString(c.stderr, hl7Usage)
		return exitUsage
	}
	switch args[0] {
	case "parse":
		return runHL7Parse(c, args[1:])
	case "-h", "-help", "--help", "help":
		io.WriteString(c.stdout, hl7Usage)
		return exitOK
	}
	fmt.Fprintf(c.stderr, "plexus hl7: unknown command %q\n\n%s", args[0], hl7Usage)
	return exitUsage
}

const hl7ParseAbout = `
Parse reads the HL7 v2 messages in each FILE ("-" reads standard input) and
prints them. A file may hold any number of messages, one after the other or
in an FHS/BHS batch.

By default each message is printed as a tree: a header line naming the file
and the message number, then each segment with its index, then each
non-empty field, repetition, component and subcomponent, labelled with the
path that addresses it (PID-5.1, PID-3(2).4, OBX(2)-5). Leaf values show
their text with escape sequences decoded; composite values show their text
as it stands in the message.

With --json each message is printed as one JSON object on one line:
{"source":FILE,"message":N,"segments":[{"name":"PID","fields":[...]},...]}.
fields[n] is field n (fields[0] is the segment name); a field is an array of
repetitions; a repetition is a string, or an array of its components when
it splits further; a component is a string, or an array of its
subcomponents. Empty positions are "" and the HL7 null "" is JSON null.

With --path only the value at that path is printed, one line per message
(a JSON string per line with --json).

A message that cannot be parsed (or, with --validate, is not valid) is
reported on standard error with its file, message number and the problem,
and the other messages are still printed; the exit status is then 1.
`

// runHL7Parse implements "plexus hl7 parse".
func runHL7Parse(c *cli, args []string) int {
	cmd := newCommand("hl7 parse", "FILE...", hl7ParseAbout)
	var (
		asJSON   = cmd.flags.Bool("json", false, "print JSON, one object per message per line")
		pathArg  = cmd.flags.String("path", "", "print only the value at this `path` (e.g. PID-5.1, OBX(2)-5) for each message")
		validate = cmd.flags.Bool("validate", false, "also check each message with the validator (MSH-9, MSH-10, MSH-12, segment names)")
	)
	files, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(files) == 0 {
		return cmd.usageError(c, "no FILE given (use - for standard input)")
	}
	p := &parser{cli: c, out: bufio.NewWriter(c.stdout), json: *asJSON, validate: *validate}
	if *pathArg != "" {
		path, err := hl7v2.ParsePath(*pathArg)
		if err != nil {
			return cmd.usageError(c, "%v", err)
		}
		p.path = &path
	}
	for _, f := range files {
		p.file(f)
	}
	if err := p.out.Flush(); err != nil {
		fmt.Fprintf(c.stderr, "plexus hl7 parse: writing output: %v\n", err)
		return exitFailure
	}
	if p.failed > 0 || p.notMessages > 0 || p.badFiles > 0 {
		fmt.Fprintf(c.stderr, "plexus hl7 parse: %s\n", p.summary())
		return exitFailure
	}
	return exitOK
}

// parser is one run of "plexus hl7 parse".
type parser struct {
	*cli
	out      *bufio.Writer
	json     bool
	validate bool
	path     *hl7v2.Path

	msg         hl7v2.Message // reused from message to message
	trees       int           // messages printed as trees
	total       int           // messages read
	failed      int           // messages that could not be parsed or are not valid
	notMessages int           // stretches of text that are not messages
	badFiles    int           // files that could not be opened or read to the end
}

// file prints every message of one FILE argument.
func (p *parser) file(arg string) {
	ms, err := openMessages(p.cli, arg)
	if err != nil {
		p.badFiles++
		p.report("%v", err)
		return
	}
	defer ms.Close()
	for {
		data, n, err := ms.next()
		if err == io.EOF {
			return
		}
		var bad *badInput
		if errors.As(err, &bad) {
			if n == 0 {
				p.notMessages++
			} else {
				p.total++
				p.failed++
			}
			p.report("%v", err)
			continue
		}
		if err != nil {
			p.badFiles++
			p.report("%v", err)
			return
		}
		p.total++
		p.message(ms, n, data)
	}
}

// message prints message n of ms. Byte offsets in its errors count from the
// start of the file.
func (p *parser) message(ms *messages, n int, data []byte) {
	m := &p.msg
	if err := m.Parse(data); err != nil {
		p.failed++
		p.report("%s: message %d: %v", ms.name, n, inFile(err, ms.offset()))
		return
	}
	var err error
	switch {
	case p.path != nil && p.json:
		v := m.LookupPath(*p.path)
		if v.IsNull() {
			_, err = p.out.WriteString("null\n")
		} else {
			err = encodeJSONLine(p.out, v.String())
		}
	case p.path != nil:
		_, err = fmt.Fprintln(p.out, displayText(m.LookupPath(*p.path).String()))
	case p.json:
		err = writeJSON(p.out, ms.name, n, m)
	default:
		if p.trees > 0 {
			p.out.WriteByte('\n') // a blank line between messages
		}
		p.trees++
		fmt.Fprintf(p.out, "== %s message %d ==\n", ms.name, n)
		err = writeTree(p.out, m)
	}
	if err != nil {
		// Output errors are reported once, at the final flush.
		return
	}
	if p.validate {
		if verr := m.Validate(); verr != nil {
			p.failed++
			for _, e := range splitErrors(verr) {
				p.report("%s: message %d: invalid: %v", ms.name, n, inFile(e, ms.offset()))
			}
		}
	}
}

// summary describes what failed.
func (p *parser) summary() string {
	var parts []string
	if p.failed > 0 {
		parts = append(parts, fmt.Sprintf("%d of %d messages failed", p.failed, p.total))
	}
	if p.notMessages > 0 {
		parts = append(parts, fmt.Sprintf("text that is not a message skipped: %d", p.notMessages))
	}
	if p.badFiles > 0 {
		parts = append(parts, fmt.Sprintf("files that could not be read: %d", p.badFiles))
	}
	return strings.Join(parts, "; ")
}

// report writes a problem to stderr, after flushing what was printed before
// it so that the two streams stay in order on a terminal.
func (p *parser) report(format string, a ...any) {
	p.out.Flush()
	fmt.Fprintf(p.stderr, "plexus hl7 parse: %s\n", fmt.Sprintf(format, a...))
}

// splitErrors returns the errors joined in err, or err alone.
func splitErrors(err error) []error {
	var joined interface{ Unwrap() []error }
	if errors.As(err, &joined) {
		return joined.Unwrap()
	}
	return []error{err}
}
