package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"

	"github.com/plexus-health/plexus/platform/keyring"
)

// Encryption at rest. With a key ring (Options.Keys) every column that
// holds message content is sealed before it is written and opened when it
// is read:
//
//   - message_content.raw, the message as received;
//   - deliveries.payload, a destination's transformed copy;
//   - attempts.response, what a destination answered (an ACK, a FHIR
//     transaction-response Bundle: both can quote the patient).
//
// Each value is bound to its row by the additional data (see the *AAD
// functions), so a sealed value copied to another message, destination or
// attempt does not open. Metadata stays in the clear, because operators
// search it and it is what logs may carry: IDs, types, statuses, error
// texts, and the unmapped list (segment positions and reasons, never field
// values).
//
// Rows written before a ring was configured are plaintext, and still read:
// a value without the sealed header is returned as it is. Reseal seals
// them (and re-seals values under older keys) under the active key.

// ErrNoKeys is returned when a sealed value is read by a journal that has
// no key ring.
var ErrNoKeys = errors.New("journal: stored content is encrypted and no encryption keys are configured")

// contentAAD binds message content to its message.
func contentAAD(messageID int64) []byte {
	return []byte("plexus/message_content.raw/" + strconv.FormatInt(messageID, 10))
}

// payloadAAD binds a delivery payload to its message and destination, not
// to the delivery row: Resend copies payloads into new deliveries.
func payloadAAD(messageID int64, destination string) []byte {
	return []byte("plexus/deliveries.payload/" + strconv.FormatInt(messageID, 10) + "/" + destination)
}

// responseAAD binds a destination's response to its attempt. Replay
// restarts attempt numbers, so the start time is part of it.
func responseAAD(deliveryID int64, attempt int, startedMicros int64) []byte {
	return fmt.Appendf(nil, "plexus/attempts.response/%d/%d/%d", deliveryID, attempt, startedMicros)
}

// seal encrypts b for storage when the journal has keys; nil stays nil
// (SQL NULL).
func (j *Journal) seal(b, aad []byte) ([]byte, error) {
	if j.keys == nil || b == nil {
		return b, nil
	}
	return j.keys.Seal(b, aad)
}

// open decrypts a stored value; what names it in errors ("content of
// message 7"). Plaintext from before encryption is returned as it is.
func (j *Journal) open(b, aad []byte, what string) ([]byte, error) {
	if b == nil || !keyring.IsSealed(b) {
		return b, nil
	}
	if j.keys == nil {
		return nil, fmt.Errorf("%w (reading %s)", ErrNoKeys, what)
	}
	p, err := j.keys.Open(b, aad)
	if err != nil {
		return nil, fmt.Errorf("journal: reading %s: %w", what, err)
	}
	return p, nil
}

// sealedColumn is one column that holds message content, for Reseal and
// KeyUsage.
type sealedColumn struct {
	name string
	// list selects up to ? rows after a key: key, AAD parts, value.
	list string
	// scan reads one row of list.
	scan func(*sql.Rows) (key int64, aad []byte, value []byte, err error)
	// update replaces a value only if it is still the one read.
	update string
}

var sealedColumns = []sealedColumn{
	{
		name: "message content",
		list: `SELECT message_id, raw FROM message_content WHERE message_id > ? ORDER BY message_id LIMIT ?`,
		scan: func(rows *sql.Rows) (int64, []byte, []byte, error) {
			var id int64
			var v []byte
			err := rows.Scan(&id, &v)
			return id, contentAAD(id), v, err
		},
		update: `UPDATE message_content SET raw = ? WHERE message_id = ? AND raw = ?`,
	},
	{
		name: "delivery payloads",
		list: `SELECT id, message_id, destination, payload FROM deliveries WHERE id > ? AND payload IS NOT NULL ORDER BY id LIMIT ?`,
		scan: func(rows *sql.Rows) (int64, []byte, []byte, error) {
			var id, msg int64
			var dest string
			var v []byte
			err := rows.Scan(&id, &msg, &dest, &v)
			return id, payloadAAD(msg, dest), v, err
		},
		update: `UPDATE deliveries SET payload = ? WHERE id = ? AND payload = ?`,
	},
	{
		name: "destination responses",
		list: `SELECT id, delivery_id, attempt, started_at, response FROM attempts WHERE id > ? AND response IS NOT NULL ORDER BY id LIMIT ?`,
		scan: func(rows *sql.Rows) (int64, []byte, []byte, error) {
			var id, delivery, started int64
			var attempt int
			var v []byte
			err := rows.Scan(&id, &delivery, &attempt, &started, &v)
			return id, responseAAD(delivery, attempt, started), v, err
		},
		update: `UPDATE attempts SET response = ? WHERE id = ? AND response = ?`,
	},
}

// ResealStats counts what Reseal did.
type ResealStats struct {
	Sealed    int64 // values now under the active key that were not before
	Unchanged int64 // values already under the active key
	Skipped   int64 // values changed or deleted while Reseal ran (pruned, say)
}

// Reseal seals every stored content value that is plaintext or under a key
// other than the active one under the active key, batch rows at a time,
// each batch in its own short transaction, so it may run while the engine
// serves. A row is updated only if it still holds the value read; one that
// changed meanwhile is counted as skipped.
func (j *Journal) Reseal(ctx context.Context, batch int) (ResealStats, error) {
	var st ResealStats
	if j.keys == nil {
		return st, errors.New("journal: reseal: no encryption keys configured")
	}
	if batch <= 0 {
		batch = 500
	}
	active := j.keys.ActiveID()
	for _, col := range sealedColumns {
		type change struct {
			key      int64
			old, new []byte
		}
		var after int64
		for {
			var changes []change
			n := 0
			err := j.scanColumn(ctx, col, after, batch, func(key int64, aad, v []byte) error {
				n++
				after = key
				if len(v) == 0 {
					return nil // nothing to hide: a nil response some drivers stored as an empty blob
				}
				if id, err := keyring.KeyID(v); err == nil && id == active {
					st.Unchanged++
					return nil
				}
				p, err := j.open(v, aad, fmt.Sprintf("%s (row %d)", col.name, key))
				if err != nil {
					return err
				}
				sealed, err := j.keys.Seal(p, aad)
				if err != nil {
					return err
				}
				changes = append(changes, change{key, v, sealed})
				return nil
			})
			if err != nil {
				return st, fmt.Errorf("journal: reseal: %w", err)
			}
			if len(changes) > 0 {
				err := j.c.Do(ctx, func(ctx context.Context, tx *sql.Tx) error {
					for _, c := range changes {
						res, err := tx.ExecContext(ctx, col.update, c.new, c.key, c.old)
						if err != nil {
							return err
						}
						if k, _ := res.RowsAffected(); k == 1 {
							st.Sealed++
						} else {
							st.Skipped++
						}
					}
					return nil
				})
				if err != nil {
					return st, fmt.Errorf("journal: reseal: updating %s: %w", col.name, err)
				}
			}
			if n < batch {
				break
			}
		}
	}
	return st, nil
}

// scanColumn calls fn for up to limit rows of a sealed column after a key.
func (j *Journal) scanColumn(ctx context.Context, col sealedColumn, after int64, limit int, fn func(key int64, aad, v []byte) error) error {
	rows, err := j.db.R.QueryContext(ctx, col.list, after, limit)
	if err != nil {
		return fmt.Errorf("reading %s: %w", col.name, err)
	}
	defer rows.Close()
	for rows.Next() {
		key, aad, v, err := col.scan(rows)
		if err != nil {
			return fmt.Errorf("reading %s: %w", col.name, err)
		}
		if err := fn(key, aad, v); err != nil {
			return err
		}
	}
	return rows.Err()
}

// KeyUsage counts the stored content values by the ID of the key that
// sealed them; plaintext values count under "", empty ones not at all. It reads every value, so
// it is for operators (plexus keys list --data) and tests, not hot paths.
func (j *Journal) KeyUsage(ctx context.Context) (map[string]int64, error) {
	out := map[string]int64{}
	for _, col := range sealedColumns {
		var after int64
		for {
			n := 0
			err := j.scanColumn(ctx, col, after, 1000, func(key int64, _, v []byte) error {
				n++
				after = key
				if len(v) == 0 {
					return nil
				}
				id, err := keyring.KeyID(v)
				if errors.Is(err, keyring.ErrPlaintext) {
					id = ""
				} else if err != nil {
					id = "corrupt"
				}
				out[id]++
				return nil
			})
			if err != nil {
				return nil, fmt.Errorf("journal: key usage: %w", err)
			}
			if n < 1000 {
				break
			}
		}
	}
	return out, nil
}
