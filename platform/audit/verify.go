package audit

import (
	"bytes"
	"context"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	"github.com/plexus-health/plexus/platform/auth"
)

// ErrAnchor is returned by CheckAnchor when the chain does not pass
// through the anchored record.
var ErrAnchor = errors.New("audit: the chain does not pass through the anchor")

// CheckAnchor checks that the intact chain rep describes passes through a
// head kept outside the store: record seq with hash want. It catches what
// Verify alone cannot, records cut off at the end (the anchored record is
// gone) or a chain rebuilt from an earlier point (its hash differs). rep
// must come from Verify on the same log.
func (l *Log) CheckAnchor(ctx context.Context, rep *Report, seq int64, want Hash) error {
	if seq > rep.HeadSeq {
		return fmt.Errorf("%w: record %d is past the last intact record %d", ErrAnchor, seq, rep.HeadSeq)
	}
	rec, ok, err := l.Get(ctx, seq)
	if err != nil {
		return err
	}
	if !ok {
		return fmt.Errorf("%w: record %d is missing", ErrAnchor, seq)
	}
	if !bytes.Equal(rec.Hash, want) {
		return fmt.Errorf("%w: record %d's hash is %s, the anchor says %s", ErrAnchor, seq, rec.Hash, want)
	}
	return nil
}

// verifyPage is how many records Verify reads per query: memory stays
// bounded however long the log, and no read transaction stays open for the
// whole walk.
const verifyPage = 1000

// Why a record breaks the chain.
const (
	// BrokenHash: the record's stored hash is not the hash of its fields
	// and prev hash; the record was changed (or its seq was, by reordering).
	BrokenHash = "hash mismatch"
	// BrokenPrev: the record's prev hash is not the previous record's hash;
	// a record before it was inserted, replaced or removed.
	BrokenPrev = "prev mismatch"
	// BrokenGap: the record's seq is not the previous one plus 1; records
	// were deleted.
	BrokenGap = "sequence gap"
)

// Break names the first record where the chain fails.
type Break struct {
	Seq    int64  `json:"seq"`
	Reason string `json:"reason"` // BrokenHash, BrokenPrev or BrokenGap
	Detail string `json:"detail"` // what was expected and found
}

// Report is the outcome of Verify.
type Report struct {
	// Count is the number of records verified intact, from the first.
	Count int64 `json:"count"`
	// HeadSeq and Head are the seq and hash of the last intact record
	// (0 and 32 zero bytes for an empty log). Keep them somewhere else
	// (a ticket, another system's log): a later Verify whose chain does
	// not pass through them shows that records were removed from the end.
	HeadSeq int64 `json:"head_seq"`
	Head    Hash  `json:"head"`
	// Broken is the first broken record, nil when the chain is intact.
	Broken *Break `json:"broken,omitempty"`
}

// OK reports whether the whole chain is intact.
func (r *Report) OK() bool { return r.Broken == nil }

// String summarises the report in one line for an operator.
func (r *Report) String() string {
	if r.Broken != nil {
		return fmt.Sprintf("chain broken at record %d: %s (%s); %d records intact before it", r.Broken.Seq, r.Broken.Reason, r.Broken.Detail, r.Count)
	}
	return fmt.Sprintf("chain intact: %d records, head %d %s", r.Count, r.HeadSeq, r.Head)
}

// Verify walks the whole chain from the first record and stops at the first
// broken one. It checks that seqs run 1, 2, 3, ... without gaps, that each
// prev hash is the previous record's hash, and that each hash is the hash of
// the record's fields; memory use does not grow with the log.
//
// What the chain cannot show from inside: records cut off at the end. The
// shortened chain is still a valid chain. Keep Report.HeadSeq and
// Report.Head outside the store and check them later with CheckAnchor to
// detect that.
func (l *Log) Verify(ctx context.Context) (Report, error) {
	rep := Report{Head: genesis}
	var last int64
	for {
		n := 0
		var broken bool
		err := l.scan(ctx, `SELECT `+recordColumns+` FROM audit WHERE seq > ? ORDER BY seq LIMIT ?`, []any{last, verifyPage}, func(rec *Record) bool {
			n++
			last = rec.Seq
			if b := check(&rep, rec); b != nil {
				rep.Broken = b
				broken = true
				return false
			}
			rep.Count++
			rep.HeadSeq, rep.Head = rec.Seq, rec.Hash
			return true
		})
		if err != nil {
			return rep, fmt.Errorf("audit: verifying after record %d: %w", rep.HeadSeq, err)
		}
		if broken || n < verifyPage {
			return rep, nil
		}
	}
}

// check returns how rec fails to follow the intact chain ending at rep's
// head, or nil.
func check(rep *Report, rec *Record) *Break {
	if want := rep.HeadSeq + 1; rec.Seq != want {
		return &Break{Seq: rec.Seq, Reason: BrokenGap, Detail: fmt.Sprintf("expected record %d next, found %d", want, rec.Seq)}
	}
	if !bytes.Equal(rec.PrevHash, rep.Head) {
		return &Break{Seq: rec.Seq, Reason: BrokenPrev, Detail: fmt.Sprintf("prev hash %s is not record %d's hash %s", short(rec.PrevHash), rep.HeadSeq, short(rep.Head))}
	}
	if sum := chainHash(rec.PrevHash, rec.Seq, &rec.Entry); !bytes.Equal(sum, rec.Hash) {
		return &Break{Seq: rec.Seq, Reason: BrokenHash, Detail: fmt.Sprintf("stored hash %s, fields hash to %s", short(rec.Hash), short(sum))}
	}
	return nil
}

// short is the first 8 bytes of a hash in hex, enough to tell hashes apart
// in a message.
func short(b Hash) string {
	if len(b) > 8 {
		b = b[:8]
	}
	return hex.EncodeToString(b)
}

// recordColumns lists the columns scanRecord reads, in its order.
const recordColumns = `seq, at, principal, subject, token_id, remote, method, action, resource_type, resource_id, path, query, status, outcome, prev_hash, hash`

// scan runs a query selecting recordColumns and calls each for every row
// until it returns false.
func (l *Log) scan(ctx context.Context, query string, args []any, each func(*Record) bool) error {
	rows, err := l.db.R.QueryContext(ctx, query, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var rec Record
		var at int64
		var principal string
		if err := rows.Scan(&rec.Seq, &at, &principal, &rec.Subject, &rec.TokenID, &rec.Remote, &rec.Method, &rec.Action,
			&rec.ResourceType, &rec.ResourceID, &rec.Path, &rec.Query, &rec.Status, &rec.Outcome, &rec.PrevHash, &rec.Hash); err != nil {
			return err
		}
		rec.Time = time.Unix(0, at).UTC()
		rec.Principal = auth.Kind(principal)
		if !each(&rec) {
			break
		}
	}
	return rows.Err()
}
