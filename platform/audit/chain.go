package audit

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"hash"
)

// HashSize is the length of a record's hash and of its prev hash.
const HashSize = sha256.Size

// Hash is a record's SHA-256 chain hash. It prints and encodes in JSON as
// lower-case hex, the form an operator copies to anchor the chain.
type Hash []byte

// String returns the hash in hex.
func (h Hash) String() string { return hex.EncodeToString(h) }

// MarshalJSON encodes the hash as a hex string.
func (h Hash) MarshalJSON() ([]byte, error) { return json.Marshal(h.String()) }

// UnmarshalJSON decodes a hex string.
func (h *Hash) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("audit hash: %w", err)
	}
	return h.parse(s)
}

// ParseHash reads a hash written as hex.
func ParseHash(s string) (Hash, error) {
	var h Hash
	err := h.parse(s)
	return h, err
}

func (h *Hash) parse(s string) error {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != HashSize {
		return fmt.Errorf("audit hash: %q is not %d bytes of hex", s, HashSize)
	}
	*h = b
	return nil
}

// chainTag starts every hashed encoding, so that a hash of this format can
// never be confused with one of another format or version.
const chainTag = "plexus-audit-v1"

// genesis is the prev hash of the first record.
var genesis = make(Hash, HashSize)

// chainHash returns SHA-256 over prev and the canonical encoding of every
// stored field of the record at seq. Each field is written in a fixed
// order, strings with their length in front and integers as 8 bytes, so
// that no two different records encode alike: moving a character from one
// field into the next changes the lengths, and thus the hash.
func chainHash(prev Hash, seq int64, e *Entry) Hash {
	h := sha256.New()
	w := encoder{h: h}
	w.str(chainTag)
	w.bytes(prev)
	w.int(seq)
	w.int(e.Time.UnixNano())
	w.str(string(e.Principal))
	w.str(e.Subject)
	w.str(e.TokenID)
	w.str(e.Remote)
	w.str(e.Method)
	w.str(e.Action)
	w.str(e.ResourceType)
	w.str(e.ResourceID)
	w.str(e.Path)
	w.str(e.Query)
	w.int(int64(e.Status))
	w.str(e.Outcome)
	return h.Sum(nil)
}

// encoder writes length-prefixed fields into a hash. Writes to a hash never
// fail.
type encoder struct {
	h   hash.Hash
	buf [8]byte
}

func (w *encoder) int(n int64) {
	binary.BigEndian.PutUint64(w.buf[:], uint64(n))
	w.h.Write(w.buf[:])
}

func (w *encoder) bytes(b []byte) {
	w.int(int64(len(b)))
	w.h.Write(b)
}

func (w *encoder) str(s string) {
	w.int(int64(len(s)))
	w.h.Write([]byte(s))
}
