package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/search"
	fhirserver "github.com/plexus-health/plexus/fhir/server"
	"github.com/plexus-health/plexus/fhir/spec"
	"github.com/plexus-health/plexus/fhir/validate"
	"github.com/plexus-health/plexus/platform/store"
)

const fhirAbout = `
Fhir works with FHIR R4 data.

  plexus fhir import [flags] DIR|FILE...   load Bundles and NDJSON files
  plexus fhir reindex [flags]              rebuild the search index

Run "plexus fhir import -h" or "plexus fhir reindex -h" for their flags.
`

const fhirImportAbout = `
Import loads FHIR R4 resources: Bundles (*.json) of type transaction, batch
or collection, single resources (*.json), and NDJSON files (*.ndjson, one
resource per line). A folder is searched for such files recursively.

Transactions and batches are processed as the server's POST /fhir does:
urn:uuid references resolved, conditional references and ifNoneExist
looked up, every resource validated; a transaction loads whole or not at
all. A collection's entries, a single resource and each --batch lines of an
NDJSON file become one transaction of updates (PUT Type/id, keeping the
resource's id) or creates (POST, for a resource without an id).

Batch Bundles load first (they hold shared data such as organizations and
practitioners that the others' conditional references point at), then the
other files, --jobs at a time.

With --url the Bundles are POSTed to a running server's FHIR base
(http://host:8080/fhir). Without it they load into the local store
directly, with no HTTP: the data directory is --data, else --config's
data_dir, else ./data. Prefer --url while "plexus serve" runs on that
store: both would write to the same database.

A progress line on standard error counts files, resources and resources
per second. Every failure names the file and the entry (or NDJSON line);
the exit status is 1 if anything failed.
`

// runFHIR implements "plexus fhir".
func runFHIR(c *cli, args []string) int {
	if len(args) > 0 && args[0] == "import" {
		return runFHIRImport(c, args[1:])
	}
	if len(args) > 0 && args[0] == "reindex" {
		return runFHIRReindex(c, args[1:])
	}
	cmd := newCommand("fhir", "import [flags] DIR|FILE...", fhirAbout)
	pos, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(pos) == 0 {
		return cmd.usageError(c, "a sub-command is required: import or reindex")
	}
	return cmd.usageError(c, "unknown sub-command %q", pos[0])
}

// importer sends Bundles somewhere and reports what happened to each entry.
type importer interface {
	// send processes one batch or transaction Bundle. It returns the number
	// of entries that succeeded and a description of each that failed; err
	// is set when the Bundle could not be processed at all.
	send(ctx context.Context, bundle []byte) (ok int, failed []entryFailure, err error)
	Close() error
}

// entryFailure is one failed entry, or the failure of a whole transaction
// (entry -1 when no entry is named).
type entryFailure struct {
	entry int
	msg   string
}

func runFHIRImport(c *cli, args []string) int {
	cmd := newCommand("fhir import", "DIR|FILE...", fhirImportAbout)
	var (
		url      = cmd.flags.String("url", "", "the FHIR base `URL` of a running server; without it, load into the local store")
		dataDir  = cmd.flags.String("data", "", "the data `directory` of the local store")
		cfgPath  = cmd.flags.String("config", "", "the configuration `file or folder` whose data_dir is the local store")
		batch    = cmd.flags.Int("batch", 1000, "NDJSON `lines` per transaction")
		jobs     = cmd.flags.Int("jobs", 2, "`files` processed at once after the batch Bundles")
		syncMode = cmd.flags.String("sync", "FULL", "SQLite synchronous `mode` of the local store: FULL or NORMAL")
	)
	pos, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(pos) == 0 {
		return cmd.usageError(c, "no DIR or FILE to import")
	}
	if *batch < 1 || *jobs < 1 {
		return cmd.usageError(c, "--batch and --jobs must be at least 1")
	}
	if *url != "" && (*dataDir != "" || *cfgPath != "") {
		return cmd.usageError(c, "--url sends to a server; --data and --config name a local store: give one or the other")
	}
	files, err := importFiles(pos)
	if err != nil {
		fmt.Fprintf(c.stderr, "plexus fhir import: %v\n", err)
		return exitFailure
	}
	if len(files) == 0 {
		fmt.Fprintf(c.stderr, "plexus fhir import: no *.json or *.ndjson files in %s\n", strings.Join(pos, ", "))
		return exitFailure
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	var imp importer
	if *url != "" {
		imp = &remoteImporter{base: strings.TrimSuffix(*url, "/"), client: &http.Client{Timeout: 10 * time.Minute}}
	} else {
		dir := *dataDir
		if dir == "" && *cfgPath != "" {
			cfg, err := config.Load(*cfgPath, registry())
			if err != nil {
				fmt.Fprintf(c.stderr, "plexus fhir import: %v\n", err)
				return exitFailure
			}
			dir = cfg.DataDir
		}
		if dir == "" {
			dir = config.DefaultDataDir
		}
		local, err := openLocalImporter(ctx, dir, *syncMode)
		if err != nil {
			fmt.Fprintf(c.stderr, "plexus fhir import: %v\n", err)
			return exitFailure
		}
		imp = local
	}
	defer imp.Close()

	run := &importRun{c: c, imp: imp, batch: *batch, total: len(files), start: time.Now()}
	// Batch Bundles first, one at a time; then the rest, --jobs at once.
	var first, rest []importFile
	for _, f := range files {
		if f.batchFirst {
			first = append(first, f)
		} else {
			rest = append(rest, f)
		}
	}
	for _, f := range first {
		run.file(ctx, f)
	}
	queue := make(chan importFile)
	var wg sync.WaitGroup
	for range *jobs {
		wg.Go(func() {
			for f := range queue {
				run.file(ctx, f)
			}
		})
	}
	for _, f := range rest {
		if ctx.Err() != nil {
			break
		}
		queue <- f
	}
	close(queue)
	wg.Wait()

	run.progress(true)
	if run.failed > 0 || ctx.Err() != nil {
		return exitFailure
	}
	return exitOK
}

// importFile is one file to import.
type importFile struct {
	path       string
	ndjson     bool
	batchFirst bool // a batch Bundle, loaded before the others
}

// importFiles lists the files named by args, folders searched recursively
// for *.json and *.ndjson in name order.
func importFiles(args []string) ([]importFile, error) {
	var out []importFile
	add := func(path string) error {
		f := importFile{path: path, ndjson: strings.HasSuffix(path, ".ndjson")}
		if !f.ndjson {
			t, err := bundleType(path)
			if err != nil {
				return err
			}
			f.batchFirst = t == "batch"
		}
		out = append(out, f)
		return nil
	}
	for _, arg := range args {
		st, err := os.Stat(arg)
		if err != nil {
			return nil, err
		}
		if !st.IsDir() {
			if err := add(arg); err != nil {
				return nil, err
			}
			continue
		}
		var found []string
		err = filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.IsDir() && (strings.HasSuffix(p, ".json") || strings.HasSuffix(p, ".ndjson")) {
				found = append(found, p)
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
		slices.Sort(found)
		for _, p := range found {
			if err := add(p); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// bundleType reads the type of a Bundle file, "" for another resource or
// a file that is not JSON (reported when it is imported).
func bundleType(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var head struct{ ResourceType, Type string }
	json.NewDecoder(bufio.NewReader(f)).Decode(&head)
	if head.ResourceType != "Bundle" {
		return "", nil
	}
	return head.Type, nil
}

// importRun holds the counters of one import.
type importRun struct {
	c     *cli
	imp   importer
	batch int
	start time.Time

	mu        sync.Mutex
	total     int // files
	done      int // files finished
	resources int // entries that succeeded
	failed    int // entries or files that failed
	lastLine  time.Time
}

// file imports one file and reports its failures.
func (run *importRun) file(ctx context.Context, f importFile) {
	bundles, err := run.bundles(f)
	if err != nil {
		run.report(f.path, err.Error())
		run.finish()
		return
	}
	for _, b := range bundles {
		if ctx.Err() != nil {
			break
		}
		ok, failed, err := run.imp.send(ctx, b.body)
		if err != nil {
			run.report(f.path, err.Error())
			continue
		}
		for _, fl := range failed {
			where := f.path
			switch {
			case fl.entry >= 0 && fl.entry < len(b.lines):
				where += ":" + strconv.Itoa(b.lines[fl.entry])
			case fl.entry >= 0:
				where += ": entry " + strconv.Itoa(fl.entry)
			}
			run.report(where, fl.msg)
		}
		run.mu.Lock()
		run.resources += ok
		run.mu.Unlock()
		run.progress(false)
	}
	run.finish()
}

func (run *importRun) report(where, msg string) {
	run.mu.Lock()
	defer run.mu.Unlock()
	run.failed++
	fmt.Fprintf(run.c.stderr, "plexus fhir import: %s: %s\n", where, msg)
}

func (run *importRun) finish() {
	run.mu.Lock()
	run.done++
	run.mu.Unlock()
	run.progress(false)
}

// progress prints the progress line, at most a few times a second unless
// final.
func (run *importRun) progress(final bool) {
	run.mu.Lock()
	defer run.mu.Unlock()
	now := time.Now()
	if !final && now.Sub(run.lastLine) < 500*time.Millisecond {
		return
	}
	run.lastLine = now
	secs := now.Sub(run.start).Seconds()
	rate := 0.0
	if secs > 0 {
		rate = float64(run.resources) / secs
	}
	line := fmt.Sprintf("fhir import: %d/%d files, %d resources, %.0f resources/s", run.done, run.total, run.resources, rate)
	if run.failed > 0 {
		line += fmt.Sprintf(", %d failed", run.failed)
	}
	if final {
		line += fmt.Sprintf(" (%.1fs)", secs)
	}
	fmt.Fprintln(run.c.stderr, line)
}

// outBundle is a Bundle to send, with the line each entry came from for
// NDJSON.
type outBundle struct {
	body  []byte
	lines []int
}

// bundles reads a file into the Bundles to send.
func (run *importRun) bundles(f importFile) ([]outBundle, error) {
	if f.ndjson {
		return ndjsonBundles(f.path, run.batch)
	}
	raw, err := os.ReadFile(f.path)
	if err != nil {
		return nil, err
	}
	var head struct {
		ResourceType string `json:"resourceType"`
		Type         string `json:"type"`
		Entry        []struct {
			FullURL  string          `json:"fullUrl"`
			Resource json.RawMessage `json:"resource"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(raw, &head); err != nil {
		return nil, fmt.Errorf("not a FHIR JSON resource: %v", err)
	}
	switch {
	case head.ResourceType == "Bundle" && (head.Type == "transaction" || head.Type == "batch"):
		return []outBundle{{body: raw}}, nil
	case head.ResourceType == "Bundle" && head.Type == "collection":
		var entries []txEntry
		for i, e := range head.Entry {
			te, err := writeEntry(e.Resource)
			if err != nil {
				return nil, fmt.Errorf("entry %d: %v", i, err)
			}
			te.FullURL = e.FullURL
			entries = append(entries, te)
		}
		return []outBundle{{body: transaction(entries)}}, nil
	case head.ResourceType == "":
		return nil, errors.New("not a FHIR resource: no resourceType")
	case head.ResourceType == "Bundle":
		return nil, fmt.Errorf("a Bundle of type %q cannot be imported: only transaction, batch and collection", head.Type)
	}
	te, err := writeEntry(raw)
	if err != nil {
		return nil, err
	}
	return []outBundle{{body: transaction([]txEntry{te})}}, nil
}

// txEntry is an entry of a transaction built from bare resources.
type txEntry struct {
	FullURL  string          `json:"fullUrl,omitempty"`
	Resource json.RawMessage `json:"resource"`
	Request  struct {
		Method string `json:"method"`
		URL    string `json:"url"`
	} `json:"request"`
}

// writeEntry makes a resource an update of its id, or a create when it has
// none.
func writeEntry(res json.RawMessage) (txEntry, error) {
	var head struct{ ResourceType, ID string }
	if err := json.Unmarshal(res, &head); err != nil {
		return txEntry{}, fmt.Errorf("not a JSON resource: %v", err)
	}
	if head.ResourceType == "" {
		return txEntry{}, errors.New("no resourceType")
	}
	e := txEntry{Resource: res}
	e.Request.Method, e.Request.URL = "POST", head.ResourceType
	if head.ID != "" {
		e.Request.Method, e.Request.URL = "PUT", head.ResourceType+"/"+head.ID
	}
	return e, nil
}

func transaction(entries []txEntry) []byte {
	b, _ := json.Marshal(struct {
		ResourceType string    `json:"resourceType"`
		Type         string    `json:"type"`
		Entry        []txEntry `json:"entry"`
	}{"Bundle", "transaction", entries}) // raw JSON that parsed always marshals
	return b
}

// maxLine bounds one NDJSON line.
const maxLine = 64 << 20

// ndjsonBundles reads an NDJSON file into transactions of n lines.
func ndjsonBundles(path string, n int) ([]outBundle, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 1<<20), maxLine)
	var out []outBundle
	var entries []txEntry
	var lines []int
	line := 0
	flush := func() {
		if len(entries) > 0 {
			out = append(out, outBundle{body: transaction(entries), lines: lines})
			entries, lines = nil, nil
		}
	}
	for sc.Scan() {
		line++
		text := bytes.TrimSpace(sc.Bytes())
		if len(text) == 0 {
			continue
		}
		e, err := writeEntry(json.RawMessage(bytes.Clone(text)))
		if err != nil {
			return nil, fmt.Errorf("line %d: %v", line, err)
		}
		entries = append(entries, e)
		lines = append(lines, line)
		if len(entries) == n {
			flush()
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %v", line+1, err)
	}
	flush()
	return out, nil
}

// localImporter loads into the local store with the server's Bundle
// processor, no HTTP.
type localImporter struct {
	db   *store.DB
	repo *repo.Repo
	proc *fhirserver.BundleProcessor
}

func openLocalImporter(ctx context.Context, dir, syncMode string) (*localImporter, error) {
	db, err := store.Open(ctx, "", dir, store.Options{Synchronous: syncMode})
	if err != nil {
		return nil, err
	}
	r, err := repo.New(db)
	if err != nil {
		db.Close()
		return nil, err
	}
	v, err := validate.New()
	if err != nil {
		r.Close()
		db.Close()
		return nil, err
	}
	sp, err := spec.R4()
	if err != nil {
		r.Close()
		db.Close()
		return nil, err
	}
	return &localImporter{db: db, repo: r, proc: fhirserver.NewBundleProcessor(r, v, search.New(db, sp))}, nil
}

func (l *localImporter) send(ctx context.Context, bundle []byte) (int, []entryFailure, error) {
	res := l.proc.Process(ctx, bundle, fhirserver.BundleOptions{Return: "minimal"})
	if res.Outcome != nil {
		return 0, outcomeFailures(res.Status, res.Outcome.Issues), nil
	}
	ok := 0
	var failed []entryFailure
	for i, e := range res.Entries {
		if !e.Failed() {
			ok++
			continue
		}
		msg := strconv.Itoa(e.Status) + " " + http.StatusText(e.Status)
		if e.Outcome != nil {
			for _, f := range outcomeFailures(e.Status, e.Outcome.Issues) {
				msg = f.msg
				break
			}
		}
		failed = append(failed, entryFailure{entry: i, msg: msg})
	}
	return ok, failed, nil
}

func (l *localImporter) Close() error {
	l.repo.Close()
	return l.db.Close()
}

// outcomeFailures turns the issues of a failure into messages, each with
// the entry its expression names (Bundle.entry[3]...).
func outcomeFailures(status int, issues []validate.Issue) []entryFailure {
	var out []entryFailure
	for _, is := range issues {
		if is.Severity != validate.SeverityError {
			continue
		}
		out = append(out, issueFailure(status, is.Expression, is.Diagnostics))
	}
	if len(out) == 0 {
		out = append(out, entryFailure{entry: -1, msg: strconv.Itoa(status) + " " + http.StatusText(status)})
	}
	return out
}

func issueFailure(status int, expr, diag string) entryFailure {
	f := entryFailure{entry: -1}
	if rest, ok := strings.CutPrefix(expr, "Bundle.entry["); ok {
		if i := strings.IndexByte(rest, ']'); i > 0 {
			if n, err := strconv.Atoi(rest[:i]); err == nil {
				f.entry = n
			}
		}
	}
	// The processor's diagnostics start with "entry N: "; the entry is
	// named by the caller.
	if f.entry >= 0 {
		diag = strings.TrimPrefix(diag, "entry "+strconv.Itoa(f.entry)+": ")
	}
	f.msg = strconv.Itoa(status) + " " + diag
	if expr != "" {
		f.msg += " (at " + expr + ")"
	}
	return f
}

// remoteImporter POSTs Bundles to a server's FHIR base.
type remoteImporter struct {
	base   string
	client *http.Client
}

func (r *remoteImporter) send(ctx context.Context, bundle []byte) (int, []entryFailure, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", r.base, bytes.NewReader(bundle))
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Content-Type", "application/fhir+json")
	req.Header.Set("Accept", "application/fhir+json")
	req.Header.Set("Prefer", "return=minimal")
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, nil, fmt.Errorf("reading the answer: %v", err)
	}
	type outcome struct {
		Issue []struct {
			Severity, Code, Diagnostics string
			Expression                  []string
		}
	}
	var ans struct {
		ResourceType string
		Entry        []struct {
			Response struct {
				Status  string
				Outcome *outcome
			}
		}
		outcome
	}
	if err := json.Unmarshal(body, &ans); err != nil {
		return 0, nil, fmt.Errorf("%s answered %s, not FHIR JSON", r.base, resp.Status)
	}
	issues := func(status int, o *outcome) []entryFailure {
		var out []entryFailure
		if o != nil {
			for _, is := range o.Issue {
				if is.Severity != "error" && is.Severity != "fatal" {
					continue
				}
				expr := ""
				if len(is.Expression) > 0 {
					expr = is.Expression[0]
				}
				out = append(out, issueFailure(status, expr, is.Diagnostics))
			}
		}
		if len(out) == 0 {
			out = append(out, entryFailure{entry: -1, msg: strconv.Itoa(status) + " " + http.StatusText(status)})
		}
		return out
	}
	if resp.StatusCode != http.StatusOK || ans.ResourceType != "Bundle" {
		return 0, issues(resp.StatusCode, &ans.outcome), nil
	}
	ok := 0
	var failed []entryFailure
	for i, e := range ans.Entry {
		code, _ := strconv.Atoi(strings.Fields(e.Response.Status + " 0")[0])
		if code < 400 {
			ok++
			continue
		}
		f := issues(code, e.Response.Outcome)[0]
		f.entry = i
		failed = append(failed, f)
	}
	return ok, failed, nil
}

func (r *remoteImporter) Close() error { return nil }
