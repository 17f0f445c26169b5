package repo

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/plexus-health/plexus/fhir/index"
)

// Method says what a version did to its resource.
type Method string

// Methods recorded with each version.
const (
	// MethodCreate brought the resource into being: a create, or an update
	// of a resource that was absent or deleted.
	MethodCreate Method = "create"
	// MethodUpdate replaced a live resource.
	MethodUpdate Method = "update"
	// MethodDelete deleted it; the version has no resource.
	MethodDelete Method = "delete"
)

// Version is one stored version of a resource.
type Version struct {
	Type        string
	ID          string
	VersionID   string
	LastUpdated time.Time
	Method      Method
	// Resource is the JSON as stored, with id and meta set; nil for a
	// deletion.
	Resource []byte
}

// Writer writes resources inside one transaction. It is not safe for
// concurrent use, and is valid only inside the function it is passed to.
type Writer struct {
	r   *Repo
	tx  *sql.Tx
	now time.Time // one instant for every write of the transaction
}

func (r *Repo) writer(tx *sql.Tx) *Writer {
	return &Writer{r: r, tx: tx, now: r.now().UTC().Truncate(time.Millisecond)}
}

// Create stores a new resource of type typ under a new server-assigned id;
// an id in the resource is replaced, as FHIR's create requires.
func (w *Writer) Create(ctx context.Context, typ string, resource []byte) (*Version, error) {
	d, err := parseResource(typ, resource)
	if err != nil {
		return nil, err
	}
	return w.create(ctx, d)
}

// Update stores resource as the new version of typ/id, creating the resource
// if it is absent or deleted (created is then true). A non-empty ifMatch
// (3, "3" or W/"3") must name the current version, else the answer is a
// *VersionConflictError. An id in the resource must equal id.
func (w *Writer) Update(ctx context.Context, typ, id string, resource []byte, ifMatch string) (v *Version, created bool, err error) {
	d, err := parseForUpdate(typ, id, resource)
	if err != nil {
		return nil, false, err
	}
	return w.update(ctx, d, id, ifMatch)
}

// Delete deletes typ/id, keeping its history, and returns the deletion's
// version. Deleting a deleted resource writes nothing and returns the
// existing deletion; deleting an absent one writes nothing and returns nil.
func (w *Writer) Delete(ctx context.Context, typ, id string) (*Version, error) {
	return w.DeleteIf(ctx, typ, id, "")
}

// DeleteIf is Delete guarded by a version, as [Repo.DeleteIf].
func (w *Writer) DeleteIf(ctx context.Context, typ, id, ifMatch string) (*Version, error) {
	if !validType(typ) || !validID(id) {
		return nil, invalid("%q/%q is not a resource type and id", typ, id)
	}
	return w.delete(ctx, typ, id, ifMatch)
}

// Put writes p as the next version of its type/id, creating the resource if
// it is absent or deleted (created is then true), like Update. A transaction
// Bundle uses it with a fresh [NewID] for each create, so that references to
// the new resource can be rewritten before anything is written. A non-empty
// ifMatch must name the current version. An id in p must equal id.
func (w *Writer) Put(ctx context.Context, p *Prepared, id, ifMatch string) (v *Version, created bool, err error) {
	if !validID(id) {
		return nil, false, invalid("id %q is not a FHIR id", id)
	}
	if p.d.id != "" && p.d.id != id {
		return nil, false, invalid("resource id %q does not match %q", p.d.id, id)
	}
	return w.update(ctx, p.d, id, ifMatch)
}

// CreateAs stores p as a new resource under id, an id the caller minted with
// [NewID] (a transaction Bundle does, so that references to the new resource
// can be rewritten before anything is written). An id in p is replaced, as
// create requires. An id already in use is an error, not an update.
func (w *Writer) CreateAs(ctx context.Context, p *Prepared, id string) (*Version, error) {
	if !validID(id) {
		return nil, invalid("id %q is not a FHIR id", id)
	}
	return w.write(ctx, p.d.typ, id, p.d, current{}, MethodCreate)
}

// Tx is the transaction the Writer writes in, for queries (such as the
// matches of a conditional operation) that must see its writes.
func (w *Writer) Tx() *sql.Tx { return w.tx }

// Read returns the current version of typ/id as this transaction sees it.
func (w *Writer) Read(ctx context.Context, typ, id string) (*Version, error) {
	return w.r.read(ctx, w.tx.StmtContext(ctx, w.r.stmts.read), typ, id)
}

// parseForUpdate parses an update's resource and checks its id.
func parseForUpdate(typ, id string, resource []byte) (*document, error) {
	if !validID(id) {
		return nil, invalid("id %q is not a FHIR id", id)
	}
	d, err := parseResource(typ, resource)
	if err != nil {
		return nil, err
	}
	if d.id != "" && d.id != id {
		return nil, invalid("resource id %q does not match %q", d.id, id)
	}
	return d, nil
}

// current is the state of a resource before a write.
type current struct {
	exists      bool
	version     int64
	lastUpdated int64 // microseconds
	deleted     bool
}

func (w *Writer) current(ctx context.Context, typ, id string) (current, error) {
	var c current
	var deleted int
	err := w.tx.StmtContext(ctx, w.r.stmts.current).QueryRowContext(ctx, typ, id).Scan(&c.version, &c.lastUpdated, &deleted)
	if err == sql.ErrNoRows {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("fhir/repo: reading %s/%s: %w", typ, id, err)
	}
	c.exists, c.deleted = true, deleted != 0
	return c, nil
}

func (w *Writer) create(ctx context.Context, d *document) (*Version, error) {
	// A fresh random id is absent; the primary key catches the impossible.
	return w.write(ctx, d.typ, NewID(), d, current{}, MethodCreate)
}

func (w *Writer) update(ctx context.Context, d *document, id, ifMatch string) (*Version, bool, error) {
	cur, err := w.current(ctx, d.typ, id)
	if err != nil {
		return nil, false, err
	}
	if ifMatch != "" {
		want, ok := parseVersion(ifMatch)
		if !ok {
			return nil, false, invalid("If-Match %q is not a version", ifMatch)
		}
		if !cur.exists || cur.version != want {
			return nil, false, conflict(d.typ, id, strconv.FormatInt(want, 10), cur)
		}
	}
	method := MethodUpdate
	if !cur.exists || cur.deleted {
		method = MethodCreate
	}
	v, err := w.write(ctx, d.typ, id, d, cur, method)
	return v, method == MethodCreate, err
}

func (w *Writer) delete(ctx context.Context, typ, id, ifMatch string) (*Version, error) {
	cur, err := w.current(ctx, typ, id)
	if err != nil {
		return nil, err
	}
	if ifMatch != "" {
		want, ok := parseVersion(ifMatch)
		if !ok {
			return nil, invalid("If-Match %q is not a version", ifMatch)
		}
		if !cur.exists || cur.deleted || cur.version != want {
			return nil, conflict(typ, id, strconv.FormatInt(want, 10), cur)
		}
	}
	if !cur.exists {
		return nil, nil
	}
	if cur.deleted {
		return &Version{Type: typ, ID: id, VersionID: strconv.FormatInt(cur.version, 10),
			LastUpdated: time.UnixMicro(cur.lastUpdated).UTC(), Method: MethodDelete}, nil
	}
	return w.write(ctx, typ, id, nil, cur, MethodDelete)
}

func conflict(typ, id, expected string, cur current) *VersionConflictError {
	e := &VersionConflictError{Type: typ, ID: id, Expected: expected}
	if cur.exists {
		e.Current = strconv.FormatInt(cur.version, 10)
	}
	return e
}

// write stores the next version of typ/id over cur: the resource row first,
// guarded by the version read, then the version row. A nil d is a deletion.
func (w *Writer) write(ctx context.Context, typ, id string, d *document, cur current, method Method) (*Version, error) {
	version := cur.version + 1
	// lastUpdated never goes back within a resource's history, even if the
	// clock does.
	when := w.now
	if prev := time.UnixMicro(cur.lastUpdated); cur.exists && prev.After(when) {
		when = prev.UTC()
	}
	at := when.UnixMicro()
	v := &Version{Type: typ, ID: id, VersionID: strconv.FormatInt(version, 10), LastUpdated: when, Method: method}
	var deleted int
	if d != nil {
		v.Resource = d.render(id, version, when)
	} else {
		deleted = 1
	}
	if cur.exists {
		res, err := w.tx.StmtContext(ctx, w.r.stmts.updateResource).ExecContext(ctx, version, at, deleted, nullable(v.Resource), typ, id, cur.version)
		if err != nil {
			return nil, fmt.Errorf("fhir/repo: writing %s/%s: %w", typ, id, err)
		}
		// Another writer stored a version since cur was read (possible
		// only on a database with several writers).
		if n, err := res.RowsAffected(); err != nil || n != 1 {
			return nil, conflict(typ, id, strconv.FormatInt(cur.version, 10), current{})
		}
	} else {
		if _, err := w.tx.StmtContext(ctx, w.r.stmts.insertResource).ExecContext(ctx, typ, id, version, at, deleted, nullable(v.Resource)); err != nil {
			return nil, fmt.Errorf("fhir/repo: writing %s/%s: %w", typ, id, err)
		}
	}
	if _, err := w.tx.StmtContext(ctx, w.r.stmts.insertVersion).ExecContext(ctx, typ, id, version, at, string(method), nullable(v.Resource)); err != nil {
		return nil, fmt.Errorf("fhir/repo: writing version %d of %s/%s: %w", version, typ, id, err)
	}
	var idx *index.Entries
	if d != nil {
		idx = d.idx
	}
	if err := w.r.index.Write(ctx, w.tx, typ, id, idx, cur.exists); err != nil {
		return nil, err
	}
	return v, nil
}

// nullable returns b, or SQL NULL for a nil slice (drivers differ in how
// they store a nil []byte).
func nullable(b []byte) any {
	if b == nil {
		return nil
	}
	return b
}
