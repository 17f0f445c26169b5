package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// command describes the flags and help text of one verb (or sub-verb).
type command struct {
	name  string // "hl7 parse"
	args  string // synopsis after the flags, "FILE..."
	about string // paragraphs shown by -h
	flags *flag.FlagSet
}

// newCommand returns a command with an empty flag set. The flag package
// accepts both -name and --name; the help shows --name.
func newCommand(name, args, about string) *command {
	fs := flag.NewFlagSet("plexus "+name, flag.ContinueOnError)
	fs.Usage = func() {} // help is printed by parse, to the right stream
	return &command{name: name, args: args, about: about, flags: fs}
}

// parse parses args, which may mix flags and positional arguments (a
// lone "-" is positional; "--" ends the flags). On -h it prints the help to
// stdout; on a bad flag it prints the problem to stderr. When ok is false the
// caller returns status.
func (cmd *command) parse(c *cli, args []string) (pos []string, status int, ok bool) {
	cmd.flags.SetOutput(io.Discard) // errors are printed below, help by help
	for {
		err := cmd.flags.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			cmd.help(c.stdout)
			return nil, exitOK, false
		}
		if err != nil {
			return nil, cmd.usageError(c, "%v", err), false
		}
		rest := cmd.flags.Args()
		if len(rest) == 0 {
			return pos, exitOK, true
		}
		if n := len(args) - len(rest); n > 0 && args[n-1] == "--" {
			return append(pos, rest...), exitOK, true
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}

// usageError reports a command-line mistake found after parsing.
func (cmd *command) usageError(c *cli, format string, a ...any) int {
	fmt.Fprintf(c.stderr, "plexus %s: %s\nrun \"plexus %s -h\" for help\n", cmd.name, fmt.Sprintf(format, a...), cmd.name)
	return exitUsage
}

// help writes the synopsis, the description and the flags.
func (cmd *command) help(w io.Writer) {
	var b strings.Builder
	fmt.Fprintf(&b, "Usage: plexus %s [flags] %s\n\n%s\n", cmd.name, cmd.args, strings.TrimSpace(cmd.about))
	first := true
	cmd.flags.VisitAll(func(f *flag.Flag) {
		if first {
			b.WriteString("\nFlags:\n")
			first = false
		}
		name, text := flag.UnquoteUsage(f)
		arg := "--" + f.Name
		if name != "" {
			arg += " " + name
		}
		fmt.Fprintf(&b, "  %s\n    \t%s", arg, strings.ReplaceAll(text, "\n", "\n    \t"))
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" && f.DefValue != "0s" {
			fmt.Fprintf(&b, " (default %s)", f.DefValue)
		}
		b.WriteString("\n")
	})
	io.WriteString(w, b.String())
}
