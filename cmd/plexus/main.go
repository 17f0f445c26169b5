// Command plexus is the command-line tool of the Plexus integration engine.
//
// Usage:
//
//	plexus <verb> [flags] [arguments]
//
// The verbs are:
//
//	serve    run the integration engine
//	config   validate a configuration, or diff two
//	messages list, show and resend journaled messages (via the admin API)
//	dlq      list and replay dead-lettered deliveries (via the admin API)
//	audit    check the audit log's hash chain and list its records
//	keys     generate, rotate and list the keys that encrypt stored payloads
//	users    add, list and disable the users of the admin API and their roles
//	apikeys  create, list and revoke the admin API keys of systems
//	hl7      work with HL7 v2 files: "plexus hl7 parse" prints their structure
//	fhir     work with FHIR R4 data: "plexus fhir import" loads Bundles and NDJSON,
//	         "plexus fhir reindex" rebuilds the search index
//	clients  register, list and disable the OAuth2 clients of the authorization server
//	convert  convert HL7 v2 messages to FHIR R4 transaction Bundles or canonical events
//	send     send HL7 v2 messages over MLLP and report each acknowledgement
//	listen   receive HL7 v2 messages over MLLP, store them and acknowledge them
//	bench    drive an MLLP listener and report rate and ACK latency
//	version  print the version
//	help     print this help, or the help of a verb
//
// Each verb takes its own flags; "plexus <verb> -h" lists them. Flags may
// come before or after the file arguments; "--" ends the flags.
//
// Exit status is 0 on success, 1 when the work failed (bad input, a message
// not acknowledged with AA/CA) and 2 for a usage error.
package main

import (
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/plexus-health/plexus/engine/transform"
	"github.com/plexus-health/plexus/mapping/events"
	"github.com/plexus-health/plexus/mapping/v2fhir"
)

// Exit statuses.
const (
	exitOK      = 0
	exitFailure = 1 // the work was done and something in it failed
	exitUsage   = 2 // the command line was wrong; nothing was done
)

// cli is what a verb reads from and writes to. Tests run verbs in-process
// by giving it buffers.
type cli struct {
	stdin  io.Reader
	stdout io.Writer
	stderr io.Writer
}

// verb is one "plexus <verb>" command.
type verb struct {
	name    string
	summary string
	run     func(c *cli, args []string) int
}

// verbs lists the commands in the order "plexus help" shows them. It is
// filled in init to break the cycle through the help verb.
var verbs []verb

func init() {
	// The engine's v2_to_fhir step runs the mapping layer's conversions; the
	// binary, which sits above both, connects them.
	transform.UseFHIRConverters(fhirConverter)
	transform.UseEventDerivers(func(mapping string) (transform.DeriveFunc, error) { return events.EngineDeriver(mapping) })
	verbs = []verb{
		{"serve", "run the integration engine (channels, journal, admin API)", runServe},
		{"config", "validate a configuration, or diff two (config validate|diff)", runConfig},
		{"messages", "list, show and resend journaled messages (messages list|show|resend)", runMessages},
		{"dlq", "list and replay dead-lettered deliveries (dlq list|replay)", runDLQ},
		{"audit", "check and list the tamper-evident audit log (audit verify|list)", runAudit},
		{"keys", "manage the keys that encrypt stored payloads (keys generate|rotate|list)", runKeys},
		{"users", "manage who may log in to the admin API (users add|list|disable|enable)", runUsers},
		{"apikeys", "manage the admin API keys of systems (apikeys create|list|revoke)", runAPIKeys},
		{"hl7", "work with HL7 v2 files (hl7 parse)", runHL7},
		{"x12", "work with X12 EDI files (x12 parse|validate|ack)", runX12},
		{"dicom", "work with DICOM: dump files, echo and store to peers, run a storage and query SCP (dicom dump|echo|store|scp)", runDicom},
		{"fhir", "work with FHIR R4 data (fhir import: load Bundles and NDJSON; fhir reindex)", runFHIR},
		{"clients", "register, list and disable OAuth2 clients (clients add|list|disable|enable)", runClients},
		{"convert", "convert HL7 v2 messages to FHIR R4 Bundles or canonical events (convert [--to fhir|events] FILE...)", runConvert},
		{"send", "send HL7 v2 messages over MLLP", runSend},
		{"listen", "receive, store and acknowledge HL7 v2 messages over MLLP", runListen},
		{"bench", "drive an MLLP listener and report rate and ACK latency (bench mllp)", runBench},
		{"version", "print the version", runVersion},
		{"help", "print help for plexus or one of its verbs", runHelp},
	}
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes the command line args (without the program name) and
// returns the exit status.
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	c := &cli{stdin: stdin, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	case "-version", "--version":
		return runVersion(c, nil)
	}
	if v := lookupVerb(args[0]); v != nil {
		return v.run(c, args[1:])
	}
	fmt.Fprintf(stderr, "plexus: unknown verb %q\n\n", args[0])
	usage(stderr)
	return exitUsage
}

func lookupVerb(name string) *verb {
	for i := range verbs {
		if verbs[i].name == name {
			return &verbs[i]
		}
	}
	return nil
}

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("Plexus is a healthcare integration engine.\n\nUsage:\n\n\tplexus <verb> [flags] [arguments]\n\nThe verbs are:\n\n")
	for _, v := range verbs {
		fmt.Fprintf(&b, "\t%-8s %s\n", v.name, v.summary)
	}
	b.WriteString("\nRun \"plexus help <verb>\" or \"plexus <verb> -h\" for the flags of a verb.\n")
	io.WriteString(w, b.String())
}

// runHelp implements "plexus help [verb [subverb]]".
func runHelp(c *cli, args []string) int {
	if len(args) == 0 {
		usage(c.stdout)
		return exitOK
	}
	v := lookupVerb(args[0])
	if v == nil || v.name == "help" {
		fmt.Fprintf(c.stderr, "plexus help: unknown verb %q\n\n", args[0])
		usage(c.stderr)
		return exitUsage
	}
	// Every verb prints its help on stdout and exits 0 when given -h.
	return v.run(c, append(args[1:len(args):len(args)], "-h"))
}

// fhirConverter gives the engine's v2_to_fhir step mapping/v2fhir's
// conversion, with the step's overrides.
func fhirConverter(s transform.FHIRConverterSpec) (transform.ConvertFunc, error) {
	var files v2fhir.OverrideFiles
	if o := s.Overrides; o != nil {
		files = v2fhir.OverrideFiles{Segments: o.Segments, DataTypes: o.DataTypes, CodeSystems: o.CodeSystems}
	}
	return v2fhir.EngineConverter(s.Mapping, s.Zone, s.Systems, files)
}
