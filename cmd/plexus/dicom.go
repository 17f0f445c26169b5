package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/plexus-health/plexus/dicom"
	"github.com/plexus-health/plexus/dicom/archive"
	"github.com/plexus-health/plexus/dicom/dimse"
)

const dicomUsage = `Usage: plexus dicom <command> [flags] [arguments]

The commands are:

	dump     print the elements of DICOM files
	echo     check that a DICOM peer answers (C-ECHO)
	store    send DICOM files to a peer (C-STORE)
	scp      receive, store and answer queries for DICOM instances

Run "plexus dicom <command> -h" for the flags of a command.
`

// runDicom implements "plexus dicom <command>".
func runDicom(c *cli, args []string) int {
	if len(args) == 0 {
		io.WriteString(c.stderr, dicomUsage)
		return exitUsage
	}
	switch args[0] {
	case "dump":
		return runDicomDump(c, args[1:])
	case "echo":
		return runDicomEcho(c, args[1:])
	case "store":
		return runDicomStore(c, args[1:])
	case "scp":
		return runDicomSCP(c, args[1:])
	case "-h", "-help", "--help", "help":
		io.WriteString(c.stdout, dicomUsage)
		return exitOK
	}
	fmt.Fprintf(c.stderr, "plexus dicom: unknown command %q\n\n%s", args[0], dicomUsage)
	return exitUsage
}

const dicomDumpAbout = `
Dump prints each FILE's transfer syntax, its file meta information and its
data set, one element per line: the tag, the VR, the value (text in
brackets, numbers, or a byte count for binary values) and the keyword.
Sequence items are indented under their sequence. The output shows patient
data; treat it like the file.

A file that cannot be parsed is reported on standard error with the offset
and element where parsing stopped, and the other files are still printed;
the exit status is then 1.
`

// runDicomDump implements "plexus dicom dump".
func runDicomDump(c *cli, args []string) int {
	cmd := newCommand("dicom dump", "FILE...", dicomDumpAbout)
	files, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(files) == 0 {
		return cmd.usageError(c, "no FILE given")
	}
	status = exitOK
	for _, name := range files {
		f, err := dicom.ReadFile(name)
		if err != nil {
			fmt.Fprintf(c.stderr, "plexus dicom dump: %s: %v\n", name, err)
			status = exitFailure
			continue
		}
		fmt.Fprintf(c.stdout, "# %s: transfer syntax %s\n", name, f.TransferSyntax.UID)
		if len(f.Meta.Elements) > 0 {
			dumpDataset(c.stdout, f.Meta, 0)
			fmt.Fprintln(c.stdout, "#")
		}
		dumpDataset(c.stdout, f.Dataset, 0)
	}
	return status
}

func dumpDataset(w io.Writer, ds *dicom.Dataset, depth int) {
	indent := strings.Repeat("  ", depth)
	for _, e := range ds.Elements {
		name := dicom.Keyword(e.Tag)
		if name == "" && e.Tag.Private() {
			name = "private"
		}
		fmt.Fprintf(w, "%s%s %s %s # %s\n", indent, e.Tag, e.VR, e.Format(ds.BigEndian), name)
		for i, item := range e.Items {
			fmt.Fprintf(w, "%s  item %d\n", indent, i+1)
			dumpDataset(w, item, depth+2)
		}
	}
}

// parsePeer reads AE@HOST:PORT.
func parsePeer(s string) (ae, addr string, err error) {
	ae, addr, ok := strings.Cut(s, "@")
	if !ok || ae == "" || len(ae) > 16 {
		return "", "", fmt.Errorf("--to %q: want AE@HOST:PORT with an AE title of 1 to 16 characters", s)
	}
	if _, _, err := net.SplitHostPort(addr); err != nil {
		return "", "", fmt.Errorf("--to %q: %v", s, err)
	}
	return ae, addr, nil
}

const dicomEchoAbout = `
Echo opens an association with the peer named by --to, sends a C-ECHO and
releases the association. The exit status is 0 when the peer answered
success.
`

// runDicomEcho implements "plexus dicom echo".
func runDicomEcho(c *cli, args []string) int {
	cmd := newCommand("dicom echo", "", dicomEchoAbout)
	to := cmd.flags.String("to", "", "the peer, as `AE@HOST:PORT`")
	aet := cmd.flags.String("aet", "PLEXUS", "our (calling) AE `title`")
	timeout := cmd.flags.Duration("timeout", 30*time.Second, "how long to wait for the peer")
	rest, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(rest) > 0 {
		return cmd.usageError(c, "unexpected argument %q", rest[0])
	}
	ae, addr, err := parsePeer(*to)
	if err != nil {
		return cmd.usageError(c, "%v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), *timeout)
	defer cancel()
	start := time.Now()
	a, err := dimse.Dial(ctx, addr, dimse.Config{CallingAE: *aet, CalledAE: ae, Timeout: *timeout},
		[]dimse.Proposal{{AbstractSyntax: dimse.VerificationSOPClass, TransferSyntaxes: []string{dicom.ExplicitVRLittleEndian, dicom.ImplicitVRLittleEndian}}})
	if err == nil {
		err = a.Echo(ctx)
		if rerr := a.Release(ctx); err == nil {
			err = rerr
		}
	}
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus dicom echo: %s: %v\n", *to, err)
		return exitFailure
	}
	fmt.Fprintf(c.stdout, "%s answered C-ECHO in %s\n", *to, time.Since(start).Round(time.Millisecond))
	return exitOK
}

const dicomStoreAbout = `
Store sends each FILE to the peer named by --to with C-STORE, in one
association. Each file travels in its own transfer syntax, byte for byte as
it is on disk (Plexus does not transcode); a file whose SOP class and
transfer syntax the peer does not accept is reported and skipped.

One line per file says whether the peer stored it. The exit status is 1
when any file was not stored.
`

// runDicomStore implements "plexus dicom store".
func runDicomStore(c *cli, args []string) int {
	cmd := newCommand("dicom store", "FILE...", dicomStoreAbout)
	to := cmd.flags.String("to", "", "the peer, as `AE@HOST:PORT`")
	aet := cmd.flags.String("aet", "PLEXUS", "our (calling) AE `title`")
	timeout := cmd.flags.Duration("timeout", 30*time.Second, "how long to wait for each answer")
	files, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	ae, addr, err := parsePeer(*to)
	if err != nil {
		return cmd.usageError(c, "%v", err)
	}
	if len(files) == 0 {
		return cmd.usageError(c, "no FILE given")
	}
	type item struct {
		name, class, instance, ts string
		data                      []byte
	}
	var items []item
	status = exitOK
	pairs := map[string]map[string]bool{}
	for _, name := range files {
		data, err := os.ReadFile(name)
		if err != nil {
			fmt.Fprintf(c.stderr, "plexus dicom store: %v\n", err)
			status = exitFailure
			continue
		}
		f, err := dicom.ParseFile(data, &dicom.Options{StopAtPixelData: true})
		if err != nil {
			fmt.Fprintf(c.stderr, "plexus dicom store: %s: %v\n", name, err)
			status = exitFailure
			continue
		}
		it := item{name: name, class: f.Dataset.String(dicom.TagSOPClassUID), instance: f.Dataset.String(dicom.TagSOPInstanceUID), ts: f.TransferSyntax.UID, data: data[f.DatasetOffset:]}
		if it.class == "" || it.instance == "" {
			fmt.Fprintf(c.stderr, "plexus dicom store: %s: no SOP class or instance UID\n", name)
			status = exitFailure
			continue
		}
		if f.TransferSyntax.Implicit && f.Meta.String(dicom.TagTransferSyntaxUID) != dicom.ImplicitVRLittleEndian && f.Meta.String(dicom.TagTransferSyntaxUID) != "" {
			fmt.Fprintf(c.stderr, "plexus dicom store: %s: the data set is not in the transfer syntax its meta information names\n", name)
			status = exitFailure
			continue
		}
		if pairs[it.class] == nil {
			pairs[it.class] = map[string]bool{}
		}
		pairs[it.class][it.ts] = true
		items = append(items, it)
	}
	if len(items) == 0 {
		return exitFailure
	}
	var props []dimse.Proposal
	classes := make([]string, 0, len(pairs))
	for class := range pairs {
		classes = append(classes, class)
	}
	sort.Strings(classes)
	for _, class := range classes {
		for ts := range pairs[class] {
			props = append(props, dimse.Proposal{AbstractSyntax: class, TransferSyntaxes: []string{ts}})
		}
	}
	if len(props) > 128 {
		fmt.Fprintf(c.stderr, "plexus dicom store: the files need %d presentation contexts, more than one association allows (128); send them in smaller groups\n", len(props))
		return exitFailure
	}
	ctx := context.Background()
	a, err := dimse.Dial(ctx, addr, dimse.Config{CallingAE: *aet, CalledAE: ae, Timeout: *timeout}, props)
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus dicom store: %s: %v\n", *to, err)
		return exitFailure
	}
	stored := 0
	start := time.Now()
	for _, it := range items {
		err := a.Store(ctx, it.class, it.instance, it.ts, it.data)
		if err != nil {
			var se *dimse.StatusError
			if !errors.As(err, &se) && !strings.Contains(err.Error(), "no accepted presentation context") {
				fmt.Fprintf(c.stderr, "plexus dicom store: %s: %v\n", it.name, err)
				return exitFailure // the association is gone
			}
			fmt.Fprintf(c.stdout, "%s: not stored: %v\n", it.name, err)
			status = exitFailure
			continue
		}
		stored++
		fmt.Fprintf(c.stdout, "%s: stored\n", it.name)
	}
	if err := a.Release(ctx); err != nil {
		fmt.Fprintf(c.stderr, "plexus dicom store: release: %v\n", err)
	}
	fmt.Fprintf(c.stdout, "%d of %d files stored in %s\n", stored, len(files), time.Since(start).Round(time.Millisecond))
	return status
}

const dicomSCPAbout = `
Scp runs a DICOM service class provider for testing and small deployments.
It answers C-ECHO; stores every instance it receives with C-STORE under
--dir (DIR/<study UID>/<series UID>/<SOP instance UID>.dcm, synced to disk
before success is answered); and answers C-FIND (patient root and study
root, PATIENT, STUDY, SERIES and IMAGE levels) from an index of the stored
instances, rebuilt from --dir at start.

The first line on standard output is "listening on ADDR as AE". The server
stops on SIGINT or SIGTERM. Associations and failures are logged on
standard error, without patient data.
`

// runDicomSCP implements "plexus dicom scp".
func runDicomSCP(c *cli, args []string) int {
	cmd := newCommand("dicom scp", "", dicomSCPAbout)
	ae := cmd.flags.String("ae", "PLEXUS", "the AE `title` to answer to")
	listen := cmd.flags.String("listen", "127.0.0.1:11112", "the `address` to listen on")
	dir := cmd.flags.String("dir", "", "the `directory` to store instances in (required)")
	allow := cmd.flags.String("allow", "", "comma-separated calling AE `titles` allowed to associate (default: any)")
	rest, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(rest) > 0 {
		return cmd.usageError(c, "unexpected argument %q", rest[0])
	}
	if *dir == "" {
		return cmd.usageError(c, "--dir is required")
	}
	if *ae == "" || len(*ae) > 16 {
		return cmd.usageError(c, "--ae must be 1 to 16 characters")
	}
	log := slog.New(slog.NewTextHandler(c.stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	arch, bad, err := archive.Open(*dir)
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus dicom scp: %v\n", err)
		return exitFailure
	}
	for _, err := range bad {
		log.Warn("file in the DICOM directory not indexed", "error", err)
	}
	srv := &dimse.Server{AETitle: *ae, Archive: arch, Logger: log}
	if *allow != "" {
		for _, a := range strings.Split(*allow, ",") {
			srv.CallingAEs = append(srv.CallingAEs, strings.TrimSpace(a))
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus dicom scp: %v\n", err)
		return exitFailure
	}
	fmt.Fprintf(c.stdout, "listening on %s as %s, %d instances in %s\n", ln.Addr(), *ae, arch.Len(), *dir)
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	select {
	case err := <-served:
		fmt.Fprintf(c.stderr, "plexus dicom scp: %v\n", err)
		return exitFailure
	case <-ctx.Done():
	}
	stop()
	srv.Close()
	<-served
	fmt.Fprintf(c.stdout, "stopped, %d instances in %s\n", arch.Len(), *dir)
	return exitOK
}
