// Package repo is the FHIR resource repository: resources stored as JSON
// with every version kept, in the SQL store the engine shares (tables
// fhir_resources and fhir_versions, migration 00002_fhir.sql).
//
// The repository owns a resource's id, meta.versionId and meta.lastUpdated;
// the rest of the JSON is kept as given. It knows nothing of HTTP or search:
// the REST layer maps its errors (ErrNotFound, ErrGone, ErrInvalid,
// *VersionConflictError) to status codes, and search indexing will hook into
// the Writer.
//
// Single writes (Repo.Create, Update, Delete) go through the store's group
// committer, so that concurrent clients share one transaction and one sync.
// Repo.Tx runs many writes atomically in one transaction of their own, for
// transaction Bundles.
package repo

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/plexus-health/plexus/fhir/index"
	"github.com/plexus-health/plexus/platform/store"
)

// Repo is the FHIR resource repository. It is safe for concurrent use.
type Repo struct {
	db    *store.DB
	c     *store.Committer
	now   func() time.Time
	stmts statements
	index *index.Writer
}

// statements are prepared once: preparing costs more than running these
// one-row queries.
type statements struct {
	// On the writer pool, used through the transaction.
	current, read, insertResource, updateResource, insertVersion *sql.Stmt
	// On the reader pool.
	readR, vreadR *sql.Stmt
}

const (
	selectCurrent  = `SELECT version_id, last_updated, deleted FROM fhir_resources WHERE res_type = ? AND res_id = ?`
	selectResource = `SELECT version_id, last_updated, deleted, resource FROM fhir_resources WHERE res_type = ? AND res_id = ?`
	selectVersion  = `SELECT last_updated, method, resource FROM fhir_versions WHERE res_type = ? AND res_id = ? AND version_id = ?`
	insertResource = `INSERT INTO fhir_resources (res_type, res_id, version_id, last_updated, deleted, resource) VALUES (?, ?, ?, ?, ?, ?)`
	updateResource = `UPDATE fhir_resources SET version_id = ?, last_updated = ?, deleted = ?, resource = ?
		WHERE res_type = ? AND res_id = ? AND version_id = ?`
	insertVersion = `INSERT INTO fhir_versions (res_type, res_id, version_id, last_updated, method, resource) VALUES (?, ?, ?, ?, ?, ?)`
)

// New opens the repository on db, whose migrations have created its tables.
// Close it to stop its committer.
func New(db *store.DB) (*Repo, error) {
	r := &Repo{db: db, now: time.Now}
	prepare := []struct {
		dst   **sql.Stmt
		pool  *sql.DB
		query string
	}{
		{&r.stmts.current, db.W, selectCurrent},
		{&r.stmts.read, db.W, selectResource},
		{&r.stmts.insertResource, db.W, insertResource},
		{&r.stmts.updateResource, db.W, updateResource},
		{&r.stmts.insertVersion, db.W, insertVersion},
		{&r.stmts.readR, db.R, selectResource},
		{&r.stmts.vreadR, db.R, selectVersion},
	}
	for _, p := range prepare {
		s, err := p.pool.Prepare(p.query)
		if err != nil {
			r.closeStmts()
			return nil, fmt.Errorf("fhir/repo: preparing statements: %w", err)
		}
		*p.dst = s
	}
	var err error
	if r.index, err = index.NewWriter(context.Background(), db.W); err != nil {
		r.closeStmts()
		return nil, err
	}
	r.c = store.NewCommitter(db.W, store.CommitterOptions{})
	return r, nil
}

// Close finishes queued writes and releases the repository's resources. The
// store itself stays open.
func (r *Repo) Close() error {
	if r.c != nil {
		r.c.Close()
	}
	r.closeStmts()
	if r.index != nil {
		r.index.Close()
	}
	return nil
}

func (r *Repo) closeStmts() {
	for _, s := range []*sql.Stmt{r.stmts.current, r.stmts.read, r.stmts.insertResource,
		r.stmts.updateResource, r.stmts.insertVersion, r.stmts.readR, r.stmts.vreadR} {
		if s != nil {
			s.Close()
		}
	}
}

// Prepared is a resource parsed, checked and indexed for search, ready for
// [Writer.Put]. Preparing is the CPU work of a write; it needs no
// transaction, so a transaction Bundle prepares its entries in parallel
// before it takes the store's single writer.
type Prepared struct{ d *document }

// Type is the prepared resource's type.
func (p *Prepared) Type() string { return p.d.typ }

// ID is the id element of the prepared resource as sent, "" when absent.
func (p *Prepared) ID() string { return p.d.id }

// Prepare parses resource, a JSON resource of type typ, and extracts its
// search index values.
func (r *Repo) Prepare(typ string, resource []byte) (*Prepared, error) {
	return r.PrepareDecoded(typ, resource, nil)
}

// PrepareDecoded is Prepare for a resource the caller has already decoded
// (with json.Decoder.UseNumber) into decoded, which must be resource's
// content: a server that validates the decoded form saves decoding it again.
// A nil decoded makes it Prepare.
func (r *Repo) PrepareDecoded(typ string, resource []byte, decoded map[string]any) (*Prepared, error) {
	d, err := parseDecoded(typ, resource, decoded)
	if err != nil {
		return nil, err
	}
	return &Prepared{d: d}, nil
}

// Create stores a new resource of type resourceType under a new random id
// (an id in the resource is replaced) and returns its first version.
func (r *Repo) Create(ctx context.Context, resourceType string, resource []byte) (*Version, error) {
	d, err := parseResource(resourceType, resource)
	if err != nil {
		return nil, err
	}
	var v *Version
	err = r.single(ctx, func(ctx context.Context, w *Writer) (err error) {
		v, err = w.create(ctx, d)
		return err
	})
	return v, err
}

// Update stores resource as the next version of typ/id. If the resource is
// absent or deleted it is created under id (update-as-create) and created is
// true. A non-empty ifMatch (3, "3" or W/"3") must name the current version,
// else the answer is a *VersionConflictError and nothing is written. An id
// in the resource must equal id.
func (r *Repo) Update(ctx context.Context, typ, id string, resource []byte, ifMatch string) (v *Version, created bool, err error) {
	d, err := parseForUpdate(typ, id, resource)
	if err != nil {
		return nil, false, err
	}
	err = r.single(ctx, func(ctx context.Context, w *Writer) (err error) {
		v, created, err = w.update(ctx, d, id, ifMatch)
		return err
	})
	return v, created, err
}

// Delete deletes typ/id, keeping its history, and returns the deletion's
// version. It is idempotent: deleting a deleted resource writes nothing and
// returns the existing deletion, deleting an absent one writes nothing and
// returns nil, nil.
func (r *Repo) Delete(ctx context.Context, typ, id string) (*Version, error) {
	return r.DeleteIf(ctx, typ, id, "")
}

// DeleteIf is Delete guarded by a version: a non-empty ifMatch (3, "3" or
// W/"3") must name the current version of a live resource, else the answer
// is a *VersionConflictError and nothing is written.
func (r *Repo) DeleteIf(ctx context.Context, typ, id, ifMatch string) (*Version, error) {
	if !validType(typ) || !validID(id) {
		return nil, invalid("%q/%q is not a resource type and id", typ, id)
	}
	var v *Version
	err := r.single(ctx, func(ctx context.Context, w *Writer) (err error) {
		v, err = w.delete(ctx, typ, id, ifMatch)
		return err
	})
	return v, err
}

// single runs one write through the group committer. An outcome such as a
// version conflict is decided before anything is written, so the op reports
// success to the committer (its batch neighbours commit undisturbed) and the
// outcome is returned to the caller here. The committer may run op twice;
// op sets its results afresh each time.
func (r *Repo) single(ctx context.Context, op func(context.Context, *Writer) error) error {
	var outcome error
	err := r.c.Do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		outcome = op(ctx, r.writer(tx))
		if outcome != nil && !isOutcome(outcome) {
			return outcome
		}
		return nil
	})
	if err != nil {
		return err
	}
	return outcome
}

// Tx runs fn in one transaction: every write fn makes through the Writer
// commits together, or none does if fn returns an error (which Tx returns)
// or panics. fn runs exactly once. The transaction holds the store's single
// writer while it runs, so fn should do its parsing and lookups elsewhere
// before calling Tx.
func (r *Repo) Tx(ctx context.Context, fn func(w *Writer) error) (err error) {
	tx, err := r.db.W.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("fhir/repo: beginning transaction: %w", err)
	}
	committed := false
	defer func() {
		if !committed {
			tx.Rollback()
		}
	}()
	if err := fn(r.writer(tx)); err != nil {
		return err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("fhir/repo: committing: %w", err)
	}
	committed = true
	return nil
}

// Read returns the current version of typ/id: ErrNotFound if it never
// existed, a *DeletedError (errors.Is ErrGone) if it is deleted. The
// version's Method is left empty: the current row does not keep it (VRead
// and History report it).
func (r *Repo) Read(ctx context.Context, typ, id string) (*Version, error) {
	return r.read(ctx, r.stmts.readR, typ, id)
}

func (r *Repo) read(ctx context.Context, stmt *sql.Stmt, typ, id string) (*Version, error) {
	if !validType(typ) || !validID(id) {
		return nil, invalid("%q/%q is not a resource type and id", typ, id)
	}
	var version, at int64
	var deleted int
	var body []byte
	err := stmt.QueryRowContext(ctx, typ, id).Scan(&version, &at, &deleted, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s/%s", ErrNotFound, typ, id)
	}
	if err != nil {
		return nil, fmt.Errorf("fhir/repo: reading %s/%s: %w", typ, id, err)
	}
	vid := strconv.FormatInt(version, 10)
	when := time.UnixMicro(at).UTC()
	if deleted != 0 {
		return nil, &DeletedError{Type: typ, ID: id, VersionID: vid, LastUpdated: when}
	}
	return &Version{Type: typ, ID: id, VersionID: vid, LastUpdated: when, Resource: body}, nil
}

// VRead returns version vid of typ/id: ErrNotFound if there is no such
// version, a *DeletedError (errors.Is ErrGone) if that version is a
// deletion.
func (r *Repo) VRead(ctx context.Context, typ, id, vid string) (*Version, error) {
	if !validType(typ) || !validID(id) {
		return nil, invalid("%q/%q is not a resource type and id", typ, id)
	}
	version, ok := parseVersion(vid)
	if !ok {
		// Versions here are numbers; any other id names no version.
		return nil, fmt.Errorf("%w: %s/%s/_history/%s", ErrNotFound, typ, id, vid)
	}
	var at int64
	var method string
	var body []byte
	err := r.stmts.vreadR.QueryRowContext(ctx, typ, id, version).Scan(&at, &method, &body)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: %s/%s/_history/%s", ErrNotFound, typ, id, vid)
	}
	if err != nil {
		return nil, fmt.Errorf("fhir/repo: reading %s/%s/_history/%s: %w", typ, id, vid, err)
	}
	v := &Version{Type: typ, ID: id, VersionID: strconv.FormatInt(version, 10), LastUpdated: time.UnixMicro(at).UTC(), Method: Method(method), Resource: body}
	if v.Method == MethodDelete {
		return nil, &DeletedError{Type: typ, ID: id, VersionID: v.VersionID, LastUpdated: v.LastUpdated}
	}
	return v, nil
}
