package repo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// History page sizes.
const (
	// DefaultCount is the page size when the caller asks for none.
	DefaultCount = 50
	// MaxCount caps a page.
	MaxCount = 1000
)

// HistoryPage is one page of versions, newest first.
type HistoryPage struct {
	Versions []*Version
	// Next is the cursor of the following page, "" on the last page.
	Next string
}

// History lists versions newest first: of one resource (typ and id set), of
// one type (id ""), or of the whole system (typ and id ""). A non-zero since
// keeps versions last updated at or after it (FHIR's _since). count is the
// page size (DefaultCount if not positive, at most MaxCount); cursor is ""
// for the first page, then the previous page's Next.
//
// Pages follow the write order downwards from the cursor, so versions
// written while a client pages through do not shift the pages it has yet to
// read; they appear on a new first page. Deletions are listed with a nil
// Resource.
func (r *Repo) History(ctx context.Context, typ, id string, since time.Time, count int, cursor string) (*HistoryPage, error) {
	var where []string
	var args []any
	switch {
	case typ == "" && id != "":
		return nil, invalid("history of id %q needs a resource type", id)
	case typ != "" && !validType(typ):
		return nil, invalid("resource type %q is not a FHIR type name", typ)
	case id != "" && !validID(id):
		return nil, invalid("id %q is not a FHIR id", id)
	}
	if typ != "" {
		where, args = append(where, "res_type = ?"), append(args, typ)
	}
	if id != "" {
		where, args = append(where, "res_id = ?"), append(args, id)
	}
	if !since.IsZero() {
		where, args = append(where, "last_updated >= ?"), append(args, since.UnixMicro())
	}
	if cursor != "" {
		seq, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || seq < 1 {
			return nil, invalid("history cursor %q is malformed", cursor)
		}
		where, args = append(where, "seq < ?"), append(args, seq)
	}
	if count <= 0 {
		count = DefaultCount
	}
	count = min(count, MaxCount)
	q := `SELECT seq, res_type, res_id, version_id, last_updated, method, resource FROM fhir_versions`
	if len(where) > 0 {
		q += " WHERE " + strings.Join(where, " AND ")
	}
	q += " ORDER BY seq DESC LIMIT ?"
	args = append(args, count+1) // one more tells whether a next page exists

	rows, err := r.db.R.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("fhir/repo: reading history: %w", err)
	}
	defer rows.Close()
	page := &HistoryPage{}
	var lastSeq int64
	for rows.Next() {
		if len(page.Versions) == count {
			page.Next = strconv.FormatInt(lastSeq, 10)
			break
		}
		var v Version
		var version, at int64
		var method string
		if err := rows.Scan(&lastSeq, &v.Type, &v.ID, &version, &at, &method, &v.Resource); err != nil {
			return nil, fmt.Errorf("fhir/repo: reading history: %w", err)
		}
		v.VersionID = strconv.FormatInt(version, 10)
		v.LastUpdated = time.UnixMicro(at).UTC()
		v.Method = Method(method)
		page.Versions = append(page.Versions, &v)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("fhir/repo: reading history: %w", err)
	}
	return page, nil
}
