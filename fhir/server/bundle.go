package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/plexus-health/plexus/fhir/repo"
	"github.com/plexus-health/plexus/fhir/validate"
	"github.com/plexus-health/plexus/platform/auth"
)

// Batch and transaction Bundles (POST [base] with a Bundle).
//
// The work is split so that the store's single writer is held only for the
// writes themselves:
//
//  1. Outside any transaction: decode the Bundle, parse each entry's
//     request, scan each resource for its references, give every created
//     entry its id (repo.NewID) and look up, by Match, what the entries'
//     identities and the conditional references depend on. Then, in
//     parallel over GOMAXPROCS goroutines, rewrite each resource's
//     references to Type/id, decode and validate it, and repo.Prepare it
//     (which extracts its search index values).
//  2. In one Repo.Tx: the entries in FHIR's order (DELETE, POST, PUT, then
//     GET), each evaluating its conditions inside the transaction just
//     before its write, so that they hold for the write and see the
//     entries before it. A condition already looked up in step 1 must
//     match the same; if it does not (another client wrote in between),
//     the transaction is rolled back and the whole Bundle is processed
//     again, a few times at most. Conditional references are checked
//     again before the first write.
//
// A transaction fails as a whole: the first failing entry's status and an
// OperationOutcome naming the entry (Bundle.entry[i]). A batch answers
// every entry on its own; its entries commit in parts of batchPart, each
// part one database transaction, which is safe because a repository write
// decides its outcome (conflict, invalid) before it writes anything. A
// failure of the store answers 500 for the entries of the part it broke
// and of the parts after it; the parts before stay committed.

// BundleProcessor processes batch and transaction Bundles over a
// repository. The REST handler uses one for POST [base]; "plexus fhir
// import" uses one directly. It is safe for concurrent use.
type BundleProcessor struct {
	repo    *repo.Repo
	val     *validate.Validator
	match   Matcher
	workers int
	guard   *guard // the caller's scopes (authz.go); nil: no authorization
}

// NewBundleProcessor returns a processor writing to r, validating with v and
// resolving conditional references and operations with m. With a nil m,
// entries that need a search fail with 501.
func NewBundleProcessor(r *repo.Repo, v *validate.Validator, m Matcher) *BundleProcessor {
	return &BundleProcessor{repo: r, val: v, match: m, workers: runtime.GOMAXPROCS(0)}
}

// BundleOptions are the per-request settings of Process.
type BundleOptions struct {
	// BaseURL is the absolute service base, used for each entry's fullUrl in
	// the answer; the fullUrl is left out when empty.
	BaseURL string
	// Return is the Prefer return preference for each entry: "minimal",
	// "representation" (the default) or "OperationOutcome".
	Return string

	guard *guard // set by the REST handler when it enforces scopes
}

// BundleResult is the answer to a batch or transaction.
type BundleResult struct {
	// Status is the HTTP status of the answer as a whole: 200, or for a
	// failed transaction the failing entry's status.
	Status int
	// Type is "batch-response" or "transaction-response".
	Type string
	// Outcome is set when the Bundle failed as a whole; Entries is then nil.
	Outcome *validate.OperationOutcome
	// Entries answers each entry, in the Bundle's order.
	Entries []EntryResult

	err error // the failure of the store behind a 500, for the log
}

// EntryResult answers one entry.
type EntryResult struct {
	Status       int
	Location     string // Type/id/_history/vid of a written resource
	ETag         string
	LastModified time.Time
	FullURL      string
	Resource     []byte                     // when the client prefers it
	Outcome      *validate.OperationOutcome // for a failure, or when preferred
}

// Failed reports whether the entry failed.
func (e *EntryResult) Failed() bool { return e.Status >= 400 }

// maxRetries bounds how often a transaction is processed again after a
// concurrent writer changed what its conditions match.
const maxRetries = 3

// entry is one Bundle entry as it is processed.
type entry struct {
	index   int
	method  string
	typ, id string
	vid     string     // GET of a version
	query   url.Values // conditional update or delete, or a search
	rawQ    string
	ifNone  url.Values // ifNoneExist
	ifMatch string
	fullURL string
	body    []byte
	doc     map[string]any // the decoded resource, kept for the scope checks
	scan    refScan

	target   string   // the id the entry writes
	pre      []string // matches found before the transaction; nil if not looked up
	havePre  bool
	prepared *repo.Prepared
	patch    []patchOp // a PATCH entry's JSON Patch

	// Decided in the transaction.
	existing string   // conditional create that matched this id
	deletes  []string // ids a conditional delete removes

	res EntryResult
}

func (e *entry) fail(status int, code, expr, format string, args ...any) {
	e.res = EntryResult{Status: status, Outcome: entryOutcome(e.index, status, code, expr, fmt.Sprintf(format, args...))}
}

func (e *entry) failed() bool { return e.res.Status >= 400 }

// entryOutcome is an outcome of one issue about entry i.
func entryOutcome(i, status int, code, expr, msg string) *validate.OperationOutcome {
	loc := "Bundle.entry[" + strconv.Itoa(i) + "]"
	if expr != "" {
		loc += "." + expr
	}
	return &validate.OperationOutcome{Issues: []validate.Issue{{
		Severity: validate.SeverityError, Code: code, Expression: loc,
		Diagnostics: "entry " + strconv.Itoa(i) + ": " + msg,
	}}}
}

// errStale says a condition matched differently inside the transaction
// than before it: the Bundle is processed again.
var errStale = errors.New("a condition changed during the transaction")

// entryError aborts a transaction because of entry e.
type entryError struct{ e *entry }

func (x *entryError) Error() string { return "entry " + strconv.Itoa(x.e.index) + " failed" }

// Process runs a batch or transaction Bundle, given as JSON.
func (p *BundleProcessor) Process(ctx context.Context, body []byte, opts BundleOptions) *BundleResult {
	var b struct {
		ResourceType string `json:"resourceType"`
		Type         string `json:"type"`
		Entry        []struct {
			FullURL  string          `json:"fullUrl"`
			Resource json.RawMessage `json:"resource"`
			Request  *struct {
				Method      string `json:"method"`
				URL         string `json:"url"`
				IfMatch     string `json:"ifMatch"`
				IfNoneExist string `json:"ifNoneExist"`
			} `json:"request"`
		} `json:"entry"`
	}
	if err := json.Unmarshal(body, &b); err != nil {
		return wholeFailure(http.StatusBadRequest, "invalid", "", "the body is not a Bundle: "+err.Error())
	}
	if b.ResourceType != "Bundle" {
		return wholeFailure(http.StatusBadRequest, "invalid", "resourceType", "POST to the base takes a Bundle, not "+quote(b.ResourceType))
	}
	if b.Type != "batch" && b.Type != "transaction" {
		return wholeFailure(http.StatusBadRequest, "invalid", "Bundle.type", "Bundle.type must be batch or transaction, not "+quote(b.Type))
	}
	transaction := b.Type == "transaction"
	if opts.guard != nil {
		// A processor of this request's own, whose conditions select only
		// what the caller may search.
		cp := *p
		cp.guard, cp.match = opts.guard, opts.guard.matcher(p.match)
		p = &cp
	}
	for attempt := 0; ; attempt++ {
		entries := make([]*entry, len(b.Entry))
		for i, be := range b.Entry {
			e := &entry{index: i, fullURL: be.FullURL, body: be.Resource}
			if be.Request == nil {
				e.fail(http.StatusBadRequest, "required", "request", "the entry has no request")
			} else {
				e.ifMatch = be.Request.IfMatch
				p.parseRequest(e, be.Request.Method, be.Request.URL, be.Request.IfNoneExist)
				p.permitEntry(e)
			}
			entries[i] = e
		}
		res, err := p.process(ctx, entries, transaction, opts)
		if errors.Is(err, errStale) {
			if attempt < maxRetries {
				continue
			}
			return wholeFailure(http.StatusConflict, "conflict", "", "other writes kept changing what the Bundle's conditions match; retry")
		}
		if err != nil {
			r := wholeFailure(http.StatusInternalServerError, "exception", "", "internal error")
			r.err = err
			return r
		}
		return res
	}
}

func wholeFailure(status int, code, expr, msg string) *BundleResult {
	return &BundleResult{Status: status, Outcome: &validate.OperationOutcome{Issues: []validate.Issue{{
		Severity: validate.SeverityError, Code: code, Expression: expr, Diagnostics: msg,
	}}}}
}

// parseRequest reads an entry's request method and url.
func (p *BundleProcessor) parseRequest(e *entry, method, rawURL, ifNoneExist string) {
	e.method = strings.ToUpper(method)
	switch e.method {
	case "GET", "HEAD", "POST", "PUT", "DELETE", "PATCH":
	default:
		e.fail(http.StatusBadRequest, "invalid", "request.method", "request.method %s is not an HTTP verb of FHIR", quote(method))
		return
	}
	path, rawQ, hasQ := strings.Cut(rawURL, "?")
	path = strings.Trim(path, "/")
	parts := strings.Split(path, "/")
	if path == "" || !repoType(parts[0]) {
		e.fail(http.StatusBadRequest, "invalid", "request.url", "request.url %s does not start with a resource type", quote(rawURL))
		return
	}
	e.typ = parts[0]
	if hasQ {
		q, err := url.ParseQuery(rawQ)
		if err != nil {
			e.fail(http.StatusBadRequest, "invalid", "request.url", "request.url %s has a malformed query: %v", quote(rawURL), err)
			return
		}
		e.query, e.rawQ = q, rawQ
	}
	switch {
	case len(parts) == 1:
	case len(parts) == 2:
		e.id = parts[1]
	case len(parts) == 4 && parts[2] == "_history" && e.method == "GET":
		e.id, e.vid = parts[1], parts[3]
	default:
		e.fail(http.StatusBadRequest, "invalid", "request.url", "request.url %s is not Type, Type/id or Type?query", quote(rawURL))
		return
	}
	bad := func(msg string) {
		e.fail(http.StatusBadRequest, "invalid", "request.url", "%s %s: %s", e.method, quote(rawURL), msg)
	}
	switch e.method {
	case "POST":
		if e.id != "" || e.query != nil {
			bad("a create names the type only")
			return
		}
		if ifNoneExist != "" {
			q, err := url.ParseQuery(strings.TrimPrefix(ifNoneExist, e.typ+"?"))
			if err != nil || len(q) == 0 {
				e.fail(http.StatusBadRequest, "invalid", "request.ifNoneExist", "ifNoneExist %s is not a search query", quote(ifNoneExist))
				return
			}
			e.ifNone = q
		}
	case "PUT", "DELETE":
		if (e.id == "") == (e.query == nil) {
			bad("name either Type/id or Type?query")
			return
		}
	case "PATCH":
		if e.query != nil {
			e.fail(http.StatusNotImplemented, "not-supported", "request.url", "conditional patch is not supported: name the resource as Type/id")
			return
		}
		if e.id == "" {
			bad("a patch names Type/id")
			return
		}
	}
	if (e.method == "POST" || e.method == "PUT" || e.method == "PATCH") && len(e.body) == 0 {
		e.fail(http.StatusBadRequest, "required", "resource", "a %s entry needs a resource", e.method)
	}
}

// repoType reports whether s is shaped like a resource type name; the
// decoded resource's resourceType is checked against it later.
func repoType(s string) bool {
	if s == "" || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// process runs the parsed entries. For a transaction, any entry failure is
// the result; err is set only for errStale and failures of the store.
func (p *BundleProcessor) process(ctx context.Context, entries []*entry, transaction bool, opts BundleOptions) (*BundleResult, error) {
	firstFailure := func() *BundleResult {
		for _, e := range entries {
			if e.failed() {
				return &BundleResult{Status: e.res.Status, Outcome: e.res.Outcome}
			}
		}
		return nil
	}
	if transaction {
		if r := firstFailure(); r != nil {
			return r, nil
		}
	}
	// Scan the resources for references, in parallel.
	p.parallel(entries, func(e *entry) {
		sc, err := scanRefs(e.body)
		if err != nil {
			e.fail(http.StatusBadRequest, "invalid", "resource", "%v", err)
			return
		}
		e.scan = sc
	})
	if transaction {
		if r := firstFailure(); r != nil {
			return r, nil
		}
	}
	referenced := make(map[string]bool)
	for _, e := range entries {
		for _, r := range e.scan.refs {
			referenced[r.value] = true
		}
	}
	// Identities: the id each writing entry gets, and what its fullUrl
	// becomes.
	fullURLs := make(map[string]string)
	for _, e := range entries {
		if e.failed() {
			continue
		}
		switch {
		case e.method == "POST":
			e.target = repo.NewID()
			if e.ifNone != nil && referenced[e.fullURL] {
				// Other entries point at it: which resource they get depends
				// on the match.
				ids, ok, err := p.preMatch(ctx, e, e.ifNone, "request.ifNoneExist")
				if err != nil {
					return nil, err
				}
				if !ok {
					continue
				}
				switch len(ids) {
				case 0:
				case 1:
					e.target = ids[0]
				default:
					e.fail(http.StatusPreconditionFailed, "multiple-matches", "request.ifNoneExist", "ifNoneExist matches %d %s resources; it must match at most one", len(ids), e.typ)
					continue
				}
			}
		case e.method == "PUT" && e.id != "":
			e.target = e.id
			if bodyID := e.scan.idValue(); bodyID != e.id {
				e.fail(http.StatusBadRequest, "invalid", "resource.id", "the resource's id %s is not %s, the id in request.url", quote(bodyID), quote(e.id))
				continue
			}
		case e.method == "PUT":
			ids, ok, err := p.preMatch(ctx, e, e.query, "request.url")
			if err != nil {
				return nil, err
			}
			if !ok {
				continue
			}
			switch len(ids) {
			case 0:
				e.target = e.scan.idValue()
				if e.target == "" {
					e.target = repo.NewID()
				}
			case 1:
				e.target = ids[0]
				if bodyID := e.scan.idValue(); bodyID != "" && bodyID != ids[0] {
					e.fail(http.StatusBadRequest, "invalid", "resource.id", "the resource's id %s is not %s, the id of the resource the conditional update matches", quote(bodyID), quote(ids[0]))
					continue
				}
			default:
				e.fail(http.StatusPreconditionFailed, "multiple-matches", "request.url", "the conditional update matches %d %s resources; it must match at most one", len(ids), e.typ)
				continue
			}
		default:
			continue
		}
		if e.fullURL != "" {
			if _, dup := fullURLs[e.fullURL]; dup {
				e.fail(http.StatusBadRequest, "invalid", "fullUrl", "fullUrl %s appears in more than one entry", quote(e.fullURL))
				continue
			}
			fullURLs[e.fullURL] = e.typ + "/" + e.target
		}
	}
	// Conditional references, each looked up once.
	conds := make(map[string]*condRef)
	for ref := range referenced {
		typ, q, ok := conditionalRef(ref)
		if !ok {
			continue
		}
		c := &condRef{}
		conds[ref] = c
		if p.match == nil {
			c.status, c.msg = http.StatusNotImplemented, "conditional references need search, which this server does not have"
			continue
		}
		ids, err := p.match.Match(ctx, nil, typ, q)
		switch {
		case err != nil && isQueryError(err):
			c.status, c.msg = http.StatusBadRequest, "conditional reference "+quote(ref)+": "+err.Error()
		case err != nil:
			return nil, err
		case len(ids) == 1:
			c.to = typ + "/" + ids[0]
		default:
			c.status, c.msg = http.StatusPreconditionFailed, fmt.Sprintf("conditional reference %s matches %d resources; it must match exactly one", quote(ref), len(ids))
		}
	}
	resolve := func(ref string) (string, bool) {
		if to, ok := fullURLs[ref]; ok {
			return to, true
		}
		if c := conds[ref]; c != nil && c.to != "" {
			return c.to, true
		}
		return "", false
	}
	// Rewrite, validate and prepare, in parallel.
	p.parallel(entries, func(e *entry) {
		if e.method == "PATCH" {
			p.preparePatch(e)
			return
		}
		if e.method != "POST" && e.method != "PUT" {
			return
		}
		for _, r := range e.scan.refs {
			if c := conds[r.value]; c != nil && c.to == "" {
				e.fail(c.status, "processing", "resource", "%s", c.msg)
				return
			}
		}
		body := e.scan.rewrite(e.body, e.target, resolve)
		p.prepare(e, body)
	})
	if transaction {
		if r := firstFailure(); r != nil {
			return r, nil
		}
	}

	// Writes, in FHIR's order.
	order := make([]*entry, 0, len(entries))
	for _, m := range []string{"DELETE", "POST", "PUT", "PATCH", "GET", "HEAD"} {
		for _, e := range entries {
			if e.method == m && !e.failed() {
				order = append(order, e)
			}
		}
	}
	// A transaction is one database transaction. A batch is cut into
	// parts of batchPart entries, each committed on its own, so that a
	// large batch does not hold the store's single writer (and every other
	// client's writes) for long.
	part := len(order)
	if !transaction {
		part = batchPart
	}
	var err, storeErr error
	for lo := 0; lo < len(order) && err == nil; lo += part {
		err = p.repo.Tx(ctx, func(w *repo.Writer) error {
			return p.write(ctx, w, order[lo:min(lo+part, len(order))], conds, transaction, opts)
		})
		if err != nil && !transaction {
			// The parts before are committed and answered; this one and
			// the rest are not written.
			for _, e := range order[lo:] {
				e.fail(http.StatusInternalServerError, "exception", "", "internal error; the entry was not written")
			}
			storeErr, err = err, nil
			break
		}
	}
	var ee *entryError
	switch {
	case errors.As(err, &ee):
		return &BundleResult{Status: ee.e.res.Status, Outcome: ee.e.res.Outcome}, nil
	case err != nil:
		return nil, err
	}
	typ := "batch-response"
	if transaction {
		typ = "transaction-response"
	}
	out := &BundleResult{Status: http.StatusOK, Type: typ, Entries: make([]EntryResult, len(entries)), err: storeErr}
	for i, e := range entries {
		out.Entries[i] = e.res
	}
	return out, nil
}

// batchPart is how many entries of a batch commit together.
const batchPart = 250

// condRef is a conditional reference of a Bundle and what it resolved to
// before the transaction: Type/id, or the status and reason of its
// failure.
type condRef struct {
	to     string
	status int
	msg    string
}

// write runs entries, in order, in w's transaction. The conditional
// references they use are checked first, against the state the
// transaction starts from; an entry's own conditions just before its
// write, so that they see the entries before it in FHIR's order (a DELETE,
// then a create conditional on its absence).
func (p *BundleProcessor) write(ctx context.Context, w *repo.Writer, entries []*entry, conds map[string]*condRef, transaction bool, opts BundleOptions) error {
	var stale map[string]bool
	checked := make(map[string]bool)
	for _, e := range entries {
		for _, r := range e.scan.refs {
			c := conds[r.value]
			if c == nil || c.to == "" || checked[r.value] {
				continue
			}
			checked[r.value] = true
			typ, q, _ := conditionalRef(r.value)
			ids, err := p.match.Match(ctx, w.Tx(), typ, q)
			if err != nil {
				return err
			}
			if len(ids) != 1 || typ+"/"+ids[0] != c.to {
				if transaction {
					return errStale
				}
				if stale == nil {
					stale = make(map[string]bool)
				}
				stale[r.value] = true
			}
		}
	}
	for _, e := range entries {
		if stale != nil && slices.ContainsFunc(e.scan.refs, func(r span) bool { return stale[r.value] }) {
			e.fail(http.StatusConflict, "conflict", "resource", "what a conditional reference matches changed while the batch was processed; send the entry again")
			continue
		}
		if err := p.decide(ctx, w, e, transaction); err != nil {
			return err
		}
		if e.failed() {
			continue
		}
		if err := p.run(ctx, w, e, opts); err != nil {
			return err
		}
		if transaction && e.failed() {
			return &entryError{e}
		}
	}
	return nil
}

// conditionalRef splits a conditional reference, Type?query.
func conditionalRef(ref string) (string, url.Values, bool) {
	typ, rawQ, ok := strings.Cut(ref, "?")
	if !ok || !repoType(typ) || rawQ == "" {
		return "", nil, false
	}
	q, err := url.ParseQuery(rawQ)
	if err != nil {
		return "", nil, false
	}
	return typ, q, true
}

// idValue is the resource's top-level id, "" when absent.
func (sc refScan) idValue() string {
	if sc.id == nil {
		return ""
	}
	return sc.id.value
}

// preMatch looks up a condition of e before the transaction and records
// the answer, which the transaction checks.
func (p *BundleProcessor) preMatch(ctx context.Context, e *entry, q url.Values, expr string) ([]string, bool, error) {
	ids, ok, err := p.matchEntry(ctx, nil, e, q, expr)
	if ok {
		e.pre, e.havePre = ids, true
	}
	return ids, ok, err
}

// matchEntry runs Match for a condition of e, inside w's transaction when
// w is not nil. A bad query fails e (ok false); err is a failure of the
// store. The ids come back sorted, so that two answers compare.
func (p *BundleProcessor) matchEntry(ctx context.Context, w *repo.Writer, e *entry, q url.Values, expr string) (ids []string, ok bool, err error) {
	if p.match == nil {
		e.fail(http.StatusNotImplemented, "not-supported", expr, "conditional operations need search, which this server does not have")
		return nil, false, nil
	}
	if w != nil {
		ids, err = p.match.Match(ctx, w.Tx(), e.typ, q)
	} else {
		ids, err = p.match.Match(ctx, nil, e.typ, q)
	}
	if err != nil {
		if isQueryError(err) {
			e.fail(http.StatusBadRequest, "invalid", expr, "%v", err)
			return nil, false, nil
		}
		return nil, false, err
	}
	ids = slices.Clone(ids)
	slices.Sort(ids)
	return ids, true, nil
}

// prepare decodes, checks, validates and prepares an entry's resource.
func (p *BundleProcessor) prepare(e *entry, body []byte) {
	v, err := decodeJSON(body)
	if err != nil {
		e.fail(http.StatusBadRequest, "invalid", "resource", "the resource is not valid JSON: %v", err)
		return
	}
	doc, ok := v.(map[string]any)
	if !ok {
		e.fail(http.StatusBadRequest, "structure", "resource", "the resource must be a JSON object")
		return
	}
	if rt, _ := doc["resourceType"].(string); rt != e.typ {
		e.fail(http.StatusBadRequest, "invalid", "resource.resourceType", "the resource's resourceType %s is not %s, the type in request.url", quote(rt), quote(e.typ))
		return
	}
	if out := p.val.ValidateMap(doc, e.typ); !out.OK() {
		o := &validate.OperationOutcome{Issues: slices.Clone(out.Issues)}
		prefix := "Bundle.entry[" + strconv.Itoa(e.index) + "].resource"
		for i, is := range o.Issues {
			if rest, ok := strings.CutPrefix(is.Expression, e.typ); ok && (rest == "" || rest[0] == '.' || rest[0] == '[') {
				o.Issues[i].Expression = prefix + rest
			} else if is.Expression == "" {
				o.Issues[i].Expression = prefix
			}
			o.Issues[i].Diagnostics = "entry " + strconv.Itoa(e.index) + ": " + is.Diagnostics
		}
		e.res = EntryResult{Status: http.StatusUnprocessableEntity, Outcome: o}
		return
	}
	pr, err := p.repo.PrepareDecoded(e.typ, body, doc)
	if err != nil {
		e.fail(http.StatusBadRequest, "invalid", "resource", "%s", userMessage(err))
		return
	}
	e.prepared = pr
	if p.guard != nil {
		e.doc = doc
	}
}

// decide evaluates e's conditions inside the transaction, just before its
// write. A condition looked up before the transaction must match the same
// now.
func (p *BundleProcessor) decide(ctx context.Context, w *repo.Writer, e *entry, transaction bool) error {
	var q url.Values
	var expr string
	switch {
	case e.method == "POST" && e.ifNone != nil:
		q, expr = e.ifNone, "request.ifNoneExist"
	case (e.method == "PUT" || e.method == "DELETE") && e.query != nil:
		q, expr = e.query, "request.url"
	default:
		return nil
	}
	ids, ok, err := p.matchEntry(ctx, w, e, q, expr)
	if err != nil {
		return err
	}
	if !ok {
		if transaction {
			return &entryError{e}
		}
		return nil
	}
	if e.havePre && !slices.Equal(ids, e.pre) {
		if transaction {
			return errStale
		}
		e.fail(http.StatusConflict, "conflict", expr, "what the condition matches changed while the batch was processed; send the entry again")
		return nil
	}
	switch {
	case e.method == "POST":
		switch len(ids) {
		case 0:
		case 1:
			e.existing = ids[0]
		default:
			e.fail(http.StatusPreconditionFailed, "multiple-matches", expr, "ifNoneExist matches %d %s resources; it must match at most one", len(ids), e.typ)
		}
	case e.method == "PUT":
		if len(ids) == 0 && e.scan.idValue() != "" {
			// The resource names an id the query does not match: do not
			// overwrite a resource that has it.
			if _, err := w.Read(ctx, e.typ, e.target); err == nil {
				e.fail(http.StatusConflict, "conflict", "resource.id", "%s/%s exists but does not match the query; a conditional update must not replace it", e.typ, e.target)
			} else if !isRepoOutcome(err) {
				return err
			}
		}
	case e.method == "DELETE":
		if len(ids) > 1 {
			e.fail(http.StatusPreconditionFailed, "multiple-matches", expr, "the conditional delete matches %d %s resources; this server deletes one at most", len(ids), e.typ)
		}
		e.deletes = ids
	}
	if transaction && e.failed() {
		return &entryError{e}
	}
	return nil
}

// run performs e's interaction in the transaction. Outcomes about the
// entry are recorded in e; the error is for failures of the store.
func (p *BundleProcessor) run(ctx context.Context, w *repo.Writer, e *entry, opts BundleOptions) error {
	switch e.method {
	case "DELETE":
		ids := e.deletes
		if e.query == nil {
			ids = []string{e.id}
		}
		e.res = EntryResult{Status: http.StatusNoContent}
		for _, id := range ids {
			if err := p.mayWrite(ctx, w, e, auth.Delete, id); err != nil || e.failed() {
				return err
			}
			v, err := w.DeleteIf(ctx, e.typ, id, e.ifMatch)
			if err != nil {
				return p.outcome(e, err)
			}
			if v != nil {
				e.res.ETag = etag(v.VersionID)
				e.res.LastModified = v.LastUpdated
			}
		}
		if opts.Return == returnOperationOutcome {
			e.res.Status = http.StatusOK
			e.res.Outcome = &validate.OperationOutcome{Issues: []validate.Issue{{Severity: "information", Code: "informational",
				Diagnostics: fmt.Sprintf("%d %s resource(s) deleted", len(ids), e.typ)}}}
		}
		return nil
	case "POST", "PUT":
		if e.existing != "" {
			v, err := w.Read(ctx, e.typ, e.existing)
			if err != nil {
				return p.outcome(e, err)
			}
			p.answer(e, http.StatusOK, v, opts)
			return nil
		}
		var v *repo.Version
		var err error
		status := http.StatusOK
		need, id := auth.Update, e.target
		if e.method == "POST" {
			need, id = auth.Create, ""
		}
		if err := p.mayWrite(ctx, w, e, need, id); err != nil || e.failed() {
			return err
		}
		if e.method == "POST" {
			// A fresh id: no current version to look up.
			v, err = w.CreateAs(ctx, e.prepared, e.target)
			status = http.StatusCreated
		} else {
			var created bool
			v, created, err = w.Put(ctx, e.prepared, e.target, e.ifMatch)
			if created {
				status = http.StatusCreated
			}
		}
		if err != nil {
			return p.outcome(e, err)
		}
		p.answer(e, status, v, opts)
		return nil
	case "PATCH":
		return p.runPatch(ctx, w, e, opts)
	case "GET", "HEAD":
		return p.get(ctx, w, e, opts)
	}
	return nil
}

// preparePatch reads a PATCH entry's patch: FHIR carries a JSON Patch in a
// Bundle as a Binary resource whose data is the patch, base64-encoded.
func (p *BundleProcessor) preparePatch(e *entry) {
	var bin struct {
		ResourceType string `json:"resourceType"`
		ContentType  string `json:"contentType"`
		Data         []byte `json:"data"`
	}
	if err := json.Unmarshal(e.body, &bin); err != nil {
		e.fail(http.StatusBadRequest, "invalid", "resource", "a PATCH entry's resource must be a Binary holding a JSON Patch: %v", err)
		return
	}
	switch {
	case bin.ResourceType == "Parameters":
		e.fail(http.StatusNotImplemented, "not-supported", "resource", "FHIRPath Patch is not supported: send a JSON Patch in a Binary")
		return
	case bin.ResourceType != "Binary":
		e.fail(http.StatusBadRequest, "invalid", "resource", "a PATCH entry's resource must be a Binary holding a JSON Patch, not %s", quote(bin.ResourceType))
		return
	}
	if mt, _, err := mime.ParseMediaType(bin.ContentType); err != nil || mt != patchMediaType {
		e.fail(http.StatusUnsupportedMediaType, "not-supported", "resource.contentType", "the Binary's contentType must be %s, not %s", patchMediaType, quote(bin.ContentType))
		return
	}
	ops, err := parsePatch(bin.Data)
	if err != nil {
		e.fail(http.StatusBadRequest, "invalid", "resource.data", "%v", err)
		return
	}
	e.patch = ops
}

// runPatch applies a PATCH entry's patch to the current version of its
// resource and stores the result as the next version of that very version
// (so that a concurrent writer makes it a conflict, not a lost update),
// after validating it like any write.
func (p *BundleProcessor) runPatch(ctx context.Context, w *repo.Writer, e *entry, opts BundleOptions) error {
	if hide, err := p.hidden(ctx, w, e, auth.Update, e.id); hide || err != nil {
		return err
	}
	cur, err := w.Read(ctx, e.typ, e.id)
	if err != nil {
		return p.outcome(e, err)
	}
	if e.ifMatch != "" {
		if want, ok := versionOf(e.ifMatch); !ok || want != cur.VersionID {
			return p.outcome(e, &repo.VersionConflictError{Type: e.typ, ID: e.id, Expected: e.ifMatch, Current: cur.VersionID})
		}
	}
	obj, problem, err := patched(cur.Resource, e.typ, e.id, e.patch, DefaultMaxBody)
	if err != nil {
		return err // the store holds what it validated: its own failure
	}
	if problem != nil {
		e.fail(http.StatusUnprocessableEntity, problem.code, "resource.data", "%s", problem.msg)
		return nil
	}
	if out := p.val.ValidateMap(obj, e.typ); !out.OK() {
		o := &validate.OperationOutcome{Issues: slices.Clone(out.Issues)}
		for i := range o.Issues {
			o.Issues[i].Diagnostics = "entry " + strconv.Itoa(e.index) + ": " + o.Issues[i].Diagnostics
		}
		e.res = EntryResult{Status: http.StatusUnprocessableEntity, Outcome: o}
		return nil
	}
	e.doc = obj
	if err := p.mayWrite(ctx, w, e, auth.Update, e.id); err != nil || e.failed() {
		return err
	}
	body, err := encodeResource(obj)
	if err != nil {
		return err
	}
	pr, err := p.repo.PrepareDecoded(e.typ, body, obj)
	if err != nil {
		return p.outcome(e, err)
	}
	v, _, err := w.Put(ctx, pr, e.id, cur.VersionID)
	if err != nil {
		return p.outcome(e, err)
	}
	p.answer(e, http.StatusOK, v, opts)
	return nil
}

// get answers a read, vread or search entry.
func (p *BundleProcessor) get(ctx context.Context, w *repo.Writer, e *entry, opts BundleOptions) error {
	if e.id != "" {
		if hide, err := p.hidden(ctx, w, e, auth.Read, e.id); hide || err != nil {
			return err
		}
	}
	switch {
	case e.vid != "":
		v, err := p.repo.VRead(ctx, e.typ, e.id, e.vid)
		if err != nil {
			return p.outcome(e, err)
		}
		p.answer(e, http.StatusOK, v, BundleOptions{BaseURL: opts.BaseURL})
	case e.id != "":
		v, err := w.Read(ctx, e.typ, e.id)
		if err != nil {
			return p.outcome(e, err)
		}
		p.answer(e, http.StatusOK, v, BundleOptions{BaseURL: opts.BaseURL})
	default:
		if len(e.query) == 0 {
			e.fail(http.StatusBadRequest, "invalid", "request.url", "a search in a Bundle needs search parameters; search the whole type with GET [base]/%s, which pages", e.typ)
			return nil
		}
		ids, ok, err := p.matchEntry(ctx, w, e, e.query, "request.url")
		if err != nil || !ok {
			return err
		}
		if len(ids) > maxBundleSearch {
			e.fail(http.StatusBadRequest, "too-costly", "request.url", "the search matches %d resources; a search in a Bundle returns at most %d, unpaged: search with GET [base]/%s, which pages", len(ids), maxBundleSearch, e.typ)
			return nil
		}
		set := searchSet{Total: len(ids)}
		for _, id := range ids {
			v, err := w.Read(ctx, e.typ, id)
			if err != nil {
				if isRepoOutcome(err) {
					continue
				}
				return err
			}
			set.add(opts.BaseURL, v)
		}
		body, err := json.Marshal(set.bundle())
		if err != nil {
			return err
		}
		e.res = EntryResult{Status: http.StatusOK, Resource: body}
	}
	if e.method == "HEAD" {
		e.res.Resource = nil
	}
	return nil
}

// maxBundleSearch bounds the matches of a search entry, which is answered
// whole, unpaged.
const maxBundleSearch = 1000

// searchSet is the searchset Bundle a search entry answers with. It lists
// every match, unpaged.
type searchSet struct {
	Total   int
	entries []map[string]any
}

func (s *searchSet) add(base string, v *repo.Version) {
	ent := map[string]any{"resource": json.RawMessage(v.Resource), "search": map[string]string{"mode": "match"}}
	if base != "" {
		ent["fullUrl"] = base + "/" + v.Type + "/" + v.ID
	}
	s.entries = append(s.entries, ent)
}

func (s *searchSet) bundle() map[string]any {
	b := map[string]any{"resourceType": "Bundle", "type": "searchset", "total": s.Total}
	if len(s.entries) > 0 {
		b["entry"] = s.entries
	}
	return b
}

// outcome records a repository error as e's answer, or returns it when it
// is a failure of the store.
func (p *BundleProcessor) outcome(e *entry, err error) error {
	var (
		deleted  *repo.DeletedError
		conflict *repo.VersionConflictError
	)
	switch {
	case errors.As(err, &deleted):
		e.fail(http.StatusGone, "deleted", "request.url", "%s/%s is deleted (version %s)", deleted.Type, deleted.ID, deleted.VersionID)
	case errors.Is(err, repo.ErrNotFound):
		e.fail(http.StatusNotFound, "not-found", "request.url", "%s", userMessage(err))
	case errors.As(err, &conflict):
		status := http.StatusConflict
		if e.ifMatch != "" {
			status = http.StatusPreconditionFailed
		}
		e.fail(status, "conflict", "request.ifMatch", "%s", userMessage(err))
	case errors.Is(err, repo.ErrInvalid):
		e.fail(http.StatusBadRequest, "invalid", "resource", "%s", userMessage(err))
	default:
		return err
	}
	return nil
}

// isRepoOutcome tells an answer of the repository about the request from a
// failure of the store.
func isRepoOutcome(err error) bool {
	var conflict *repo.VersionConflictError
	return errors.Is(err, repo.ErrNotFound) || errors.Is(err, repo.ErrGone) || errors.Is(err, repo.ErrInvalid) || errors.As(err, &conflict)
}

// answer records a version written or read as e's answer.
func (p *BundleProcessor) answer(e *entry, status int, v *repo.Version, opts BundleOptions) {
	e.res = EntryResult{
		Status:       status,
		Location:     v.Type + "/" + v.ID + "/_history/" + v.VersionID,
		ETag:         etag(v.VersionID),
		LastModified: v.LastUpdated,
	}
	if opts.BaseURL != "" {
		e.res.FullURL = opts.BaseURL + "/" + v.Type + "/" + v.ID
	}
	switch opts.Return {
	case returnMinimal:
	case returnOperationOutcome:
		e.res.Outcome = &validate.OperationOutcome{Issues: []validate.Issue{{Severity: "information", Code: "informational",
			Diagnostics: v.Type + "/" + v.ID + " version " + v.VersionID}}}
	default:
		e.res.Resource = v.Resource
	}
}

// parallel runs fn on every entry not failed yet, over the processor's
// workers.
func (p *BundleProcessor) parallel(entries []*entry, fn func(*entry)) {
	workers := min(p.workers, len(entries))
	if workers <= 1 {
		for _, e := range entries {
			if !e.failed() {
				fn(e)
			}
		}
		return
	}
	var wg sync.WaitGroup
	var next sync.Mutex
	i := 0
	for range workers {
		wg.Go(func() {
			for {
				next.Lock()
				if i >= len(entries) {
					next.Unlock()
					return
				}
				// Hand out a few entries at a time to keep the lock cold.
				lo, hi := i, min(i+8, len(entries))
				i = hi
				next.Unlock()
				for _, e := range entries[lo:hi] {
					if !e.failed() {
						fn(e)
					}
				}
			}
		})
	}
	wg.Wait()
}

// MarshalJSON writes the answer: the response Bundle, or the
// OperationOutcome of a Bundle that failed as a whole.
func (b *BundleResult) MarshalJSON() ([]byte, error) {
	if b.Outcome != nil {
		return json.Marshal(b.Outcome)
	}
	type response struct {
		Status       string                     `json:"status"`
		Location     string                     `json:"location,omitempty"`
		ETag         string                     `json:"etag,omitempty"`
		LastModified string                     `json:"lastModified,omitempty"`
		Outcome      *validate.OperationOutcome `json:"outcome,omitempty"`
	}
	type entryOut struct {
		FullURL  string          `json:"fullUrl,omitempty"`
		Resource json.RawMessage `json:"resource,omitempty"`
		Response response        `json:"response"`
	}
	out := struct {
		ResourceType string     `json:"resourceType"`
		Type         string     `json:"type"`
		Entry        []entryOut `json:"entry,omitempty"`
	}{"Bundle", b.Type, make([]entryOut, len(b.Entries))}
	for i, e := range b.Entries {
		r := response{Status: strconv.Itoa(e.Status) + " " + http.StatusText(e.Status), Location: e.Location, ETag: e.ETag, Outcome: e.Outcome}
		if !e.LastModified.IsZero() {
			r.LastModified = e.LastModified.UTC().Format("2006-01-02T15:04:05.000Z")
		}
		out.Entry[i] = entryOut{FullURL: e.FullURL, Resource: e.Resource, Response: r}
	}
	return json.Marshal(out)
}

// bundle is POST [base]: a batch or transaction.
func (s *Server) bundle(w http.ResponseWriter, r *http.Request) {
	raw, ok := s.readBody(w, r)
	if !ok {
		return
	}
	res := s.bundles.Process(r.Context(), raw, BundleOptions{BaseURL: s.baseURL(r), Return: preferReturn(r), guard: guardOf(r)})
	if res.err != nil {
		s.log.Error("fhir: request failed", "method", r.Method, "pattern", r.Pattern, "err", res.err)
	}
	body, err := json.Marshal(res)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	writeJSON(w, res.Status, body)
}
