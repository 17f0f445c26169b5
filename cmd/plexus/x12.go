package main

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/plexus-health/plexus/engine/transform"
	"github.com/plexus-health/plexus/format/x12"
	"github.com/plexus-health/plexus/mapping/x12fhir"
)

// The x12_to_fhir transform step runs mapping/x12fhir's conversion.
func init() { transform.UseX12Converter(x12fhir.ConvertAll) }

const x12Usage = `Usage: plexus x12 <command> [flags] [arguments]

The commands are:

	parse      print the transaction sets of X12 files, segment by segment with their loops
	validate   check the envelopes of X12 interchanges and report the TA1/999 verdicts
	ack        write the TA1 and 999 acknowledgments of X12 interchanges

Run "plexus x12 <command> -h" for the flags of a command.
`

// runX12 implements "plexus x12 <command>".
func runX12(c *cli, args []string) int {
	if len(args) == 0 {
		io.WriteString(c.stderr, x12Usage)
		return exitUsage
	}
	switch args[0] {
	case "parse":
		return runX12Parse(c, args[1:])
	case "validate":
		return runX12Validate(c, args[1:])
	case "ack":
		return runX12Ack(c, args[1:])
	case "-h", "-help", "--help", "help":
		io.WriteString(c.stdout, x12Usage)
		return exitOK
	}
	fmt.Fprintf(c.stderr, "plexus x12: unknown command %q\n\n%s", args[0], x12Usage)
	return exitUsage
}

// openX12 opens the file named by arg, or stdin for "-".
func openX12(c *cli, arg string) (io.ReadCloser, string, error) {
	if arg == "-" {
		return io.NopCloser(c.stdin), stdinName, nil
	}
	f, err := os.Open(arg)
	return f, arg, err
}

const x12ParseAbout = `
Parse reads the X12 interchanges in each FILE ("-" reads standard input),
taking the separators from each ISA segment, and prints every transaction
set: a header line naming the file, the set's number in the file, its kind
(837P, 835, 271, ...) and control number, then each segment with its
position in the file and its loop (2010BA, 2300, ...).

With --path only the value at that path is printed, one line per set (every
match, tab-separated); a path names a loop and a segment element, as
2010BA/NM1-09, 2300/CLM-01, 2300/REF[G1]-02 or 2400/SV1-01-2.

With --json each set is printed as one JSON object on one line:
{"source":FILE,"set":N,"kind":K,"control":C,"segments":[{"pos":P,"loop":L,
"id":ID,"elements":[...]}]}.

A file that cannot be read as X12 is reported on standard error and the
exit status is 1; envelope errors are reported by "plexus x12 validate".
`

// runX12Parse implements "plexus x12 parse".
func runX12Parse(c *cli, args []string) int {
	cmd := newCommand("x12 parse", "FILE...", x12ParseAbout)
	var (
		asJSON  = cmd.flags.Bool("json", false, "print JSON, one object per transaction set per line")
		pathArg = cmd.flags.String("path", "", "print only the values at this `path` (e.g. 2010BA/NM1-09) for each set")
	)
	files, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(files) == 0 {
		return cmd.usageError(c, "no FILE given (use - for standard input)")
	}
	var path *x12.Path
	if *pathArg != "" {
		p, err := x12.ParsePath(*pathArg)
		if err != nil {
			return cmd.usageError(c, "%v", err)
		}
		path = &p
	}
	out := bufio.NewWriter(c.stdout)
	failed := 0
	for _, arg := range files {
		rc, name, err := openX12(c, arg)
		if err != nil {
			failed++
			fmt.Fprintf(c.stderr, "plexus x12 parse: %v\n", err)
			continue
		}
		sc := x12.NewScanner(rc, x12.Config{})
		for n := 1; ; n++ {
			tx, err := sc.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				failed++
				fmt.Fprintf(c.stderr, "plexus x12 parse: %s: %v\n", name, err)
				break
			}
			printSet(out, name, n, tx, path, *asJSON)
		}
		rc.Close()
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(c.stderr, "plexus x12 parse: writing output: %v\n", err)
		return exitFailure
	}
	if failed > 0 {
		return exitFailure
	}
	return exitOK
}

// x12Segment is a segment as printed by parse --json.
type x12Segment struct {
	Pos      int      `json:"pos"`
	Loop     string   `json:"loop"`
	ID       string   `json:"id"`
	Elements []string `json:"elements"`
}

// printSet prints one transaction set.
func printSet(w *bufio.Writer, name string, n int, tx *x12.Transaction, path *x12.Path, asJSON bool) {
	switch {
	case path != nil && asJSON:
		vals := tx.GetAll(*path)
		if vals == nil {
			vals = []string{}
		}
		b, _ := json.Marshal(vals)
		w.Write(append(b, '\n'))
	case path != nil:
		for i, v := range tx.GetAll(*path) {
			if i > 0 {
				w.WriteByte('\t')
			}
			w.WriteString(v)
		}
		w.WriteByte('\n')
	case asJSON:
		segs := make([]x12Segment, len(tx.Segments))
		for i, s := range tx.Segments {
			el := make([]string, s.Len())
			for k := range el {
				el[k] = s.Value(k + 1)
			}
			segs[i] = x12Segment{Pos: s.Pos, Loop: tx.Loops[i], ID: s.ID, Elements: el}
		}
		b, _ := json.Marshal(struct {
			Source   string       `json:"source"`
			Set      int          `json:"set"`
			Kind     string       `json:"kind"`
			Control  string       `json:"control"`
			Segments []x12Segment `json:"segments"`
		}{name, n, tx.Kind, tx.Control(), segs})
		w.Write(append(b, '\n'))
	default:
		kind := tx.Kind
		if kind == "" {
			kind = tx.ID()
		}
		fmt.Fprintf(w, "== %s set %d: %s, control %s ==\n", name, n, kind, tx.Control())
		for i, s := range tx.Segments {
			fmt.Fprintf(w, "%5d %-6s %s\n", s.Pos, tx.Loops[i], s.Raw)
		}
	}
}

const x12ValidateAbout = `
Validate checks every interchange in each FILE ("-" reads standard input):
the ISA fixed widths and codes, the control numbers of ISA/IEA, GS/GE and
ST/SE, the counts in the trailers, segment IDs and hierarchical levels, and,
with --usage, the test/production flag (ISA15). Interchange control numbers
seen twice from the same sender and receiver across the files are
duplicates.

Each interchange gets one line: the file, its number in the file, its
control number and "valid" or its verdict — the TA1 note code, then each
group's AK9 status and codes, then each set's IK5 status and codes and its
segment errors as ID@position(loop):IK304 code — followed by one line per
error naming the segment position, segment, element and loop. The exit
status is 1 when any interchange is not valid.
`

// runX12Validate implements "plexus x12 validate".
func runX12Validate(c *cli, args []string) int {
	cmd := newCommand("x12 validate", "FILE...", x12ValidateAbout)
	usage := cmd.flags.String("usage", "", "the `usage` every interchange must declare in ISA15: T (test) or P (production)")
	files, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(files) == 0 {
		return cmd.usageError(c, "no FILE given (use - for standard input)")
	}
	cfg := x12.Config{Control: &x12.MemoryControlNumbers{}}
	switch *usage {
	case "":
	case "T", "P":
		cfg.Partners = []x12.Partner{{Usage: (*usage)[0]}}
	default:
		return cmd.usageError(c, "--usage must be T or P")
	}
	out := bufio.NewWriter(c.stdout)
	bad := 0
	for _, arg := range files {
		rc, name, err := openX12(c, arg)
		if err != nil {
			bad++
			fmt.Fprintf(c.stderr, "plexus x12 validate: %v\n", err)
			continue
		}
		res, err := x12.Check(rc, cfg)
		rc.Close()
		for i, r := range res {
			if r.Valid() {
				fmt.Fprintf(out, "%s: interchange %d (control %s): valid\n", name, i+1, r.Control)
				continue
			}
			bad++
			fmt.Fprintf(out, "%s: interchange %d (control %s): %s\n", name, i+1, r.Control, r.Summary())
			for _, e := range r.AllErrors() {
				fmt.Fprintf(out, "  %v\n", e)
			}
		}
		if err != nil {
			bad++
			fmt.Fprintf(out, "%s: refused: %v\n", name, err)
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(c.stderr, "plexus x12 validate: writing output: %v\n", err)
		return exitFailure
	}
	if bad > 0 {
		return exitFailure
	}
	return exitOK
}

const x12AckAbout = `
Ack checks every interchange in each FILE ("-" reads standard input) and
writes its acknowledgments to standard output: a TA1 interchange when the
envelope is in error or ISA14 asks for one, and a 999 interchange with one
999 per functional group when the envelope is accepted. Acknowledgments
(TA1, 999, 997) are never acknowledged. The answers take their control
numbers from --control upward, one per interchange written, and the time
from the clock (or --time).

A file that cannot be read as X12 at all (no ISA) cannot be answered: it is
reported on standard error and the exit status is 1.
`

// runX12Ack implements "plexus x12 ack".
func runX12Ack(c *cli, args []string) int {
	cmd := newCommand("x12 ack", "FILE...", x12AckAbout)
	var (
		control = cmd.flags.Int("control", 1, "the first interchange control `number` of the answers")
		at      = cmd.flags.String("time", "", "the `time` written in the answers, RFC 3339 (default now)")
	)
	files, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(files) == 0 {
		return cmd.usageError(c, "no FILE given (use - for standard input)")
	}
	var now time.Time
	if *at != "" {
		t, err := time.Parse(time.RFC3339, *at)
		if err != nil {
			return cmd.usageError(c, "--time: %v", err)
		}
		now = t
	}
	if *control < 1 || *control > 999999999 {
		return cmd.usageError(c, "--control must be between 1 and 999999999")
	}
	out := bufio.NewWriter(c.stdout)
	ctl, failed := *control, 0
	cfg := x12.Config{Control: &x12.MemoryControlNumbers{}}
	for _, arg := range files {
		rc, name, err := openX12(c, arg)
		if err != nil {
			failed++
			fmt.Fprintf(c.stderr, "plexus x12 ack: %v\n", err)
			continue
		}
		res, err := x12.Check(rc, cfg)
		rc.Close()
		for _, r := range res {
			if r.ISA == nil {
				fmt.Fprintf(c.stderr, "plexus x12 ack: %s: segments outside any interchange cannot be answered\n", name)
				failed++
				continue
			}
			ta1, ack, aerr := x12.Acknowledge(r, x12.AckOptions{Control: ctl, Now: now})
			if aerr != nil {
				failed++
				fmt.Fprintf(c.stderr, "plexus x12 ack: %s: %v\n", name, aerr)
				continue
			}
			for _, a := range [][]byte{ta1, ack} {
				if a != nil {
					out.Write(a)
					out.WriteByte('\n')
					ctl = ctl%999999999 + 1
				}
			}
		}
		if err != nil {
			failed++
			fmt.Fprintf(c.stderr, "plexus x12 ack: %s: %v\n", name, err)
		}
	}
	if err := out.Flush(); err != nil {
		fmt.Fprintf(c.stderr, "plexus x12 ack: writing output: %v\n", err)
		return exitFailure
	}
	if failed > 0 {
		return exitFailure
	}
	return exitOK
}
