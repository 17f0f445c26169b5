package repo

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"strconv"
	"time"

	"github.com/plexus-health/plexus/fhir/index"
)

// The server owns three elements of a stored resource: id, meta.versionId
// and meta.lastUpdated. Everything else is kept as the client sent it, in
// the client's order; the JSON is only compacted. A resource is split into
// its top-level members once, outside the write transaction, so that the
// single writer only pastes the server's values in.

// member is one "key": value pair of a JSON object, the value compact.
type member struct {
	key string
	val json.RawMessage
}

// document is a parsed resource ready to be rendered with a server id and
// version.
type document struct {
	typ     string
	id      string // the id element as sent, "" when absent
	members []member
	meta    []member // members of meta as sent; nil when meta is absent
	idx     *index.Entries
}

// parseResource checks that body is a JSON object whose resourceType is typ
// and splits it into members.
func parseResource(typ string, body []byte) (*document, error) {
	return parseDecoded(typ, body, nil)
}

// parseDecoded is parseResource for a body the caller has decoded into
// decoded (nil if it has not): the search values are extracted from it
// rather than from a second decoding.
func parseDecoded(typ string, body []byte, decoded map[string]any) (*document, error) {
	if !validType(typ) {
		return nil, invalid("resource type %q is not a FHIR type name", typ)
	}
	var compact bytes.Buffer
	compact.Grow(len(body))
	if err := json.Compact(&compact, body); err != nil {
		return nil, invalid("resource is not valid JSON: %v", err)
	}
	members, err := splitObject(compact.Bytes())
	if err != nil {
		return nil, invalid("resource: %v", err)
	}
	d := &document{typ: typ, members: members}
	var sawType bool
	for _, m := range members {
		switch m.key {
		case "resourceType":
			var rt string
			if json.Unmarshal(m.val, &rt) != nil {
				return nil, invalid("resourceType is not a string")
			}
			if rt != typ {
				return nil, invalid("resourceType is %q, expected %q", rt, typ)
			}
			sawType = true
		case "id":
			if json.Unmarshal(m.val, &d.id) != nil {
				return nil, invalid("id is not a string")
			}
		case "meta":
			if d.meta, err = splitObject(m.val); err != nil {
				return nil, invalid("meta: %v", err)
			}
			if d.meta == nil {
				d.meta = []member{} // present but empty
			}
		}
	}
	if !sawType {
		return nil, invalid("resource has no resourceType")
	}
	// The search values depend only on what the client sent: id, versionId
	// and lastUpdated are searched through fhir_resources' own columns.
	if decoded != nil {
		d.idx, err = index.ExtractMap(typ, decoded)
	} else {
		d.idx, err = index.Extract(typ, compact.Bytes())
	}
	if err != nil {
		return nil, invalid("resource: %v", err)
	}
	return d, nil
}

// splitObject splits a compact JSON object into its members in order,
// rejecting duplicate keys.
func splitObject(obj []byte) ([]member, error) {
	dec := json.NewDecoder(bytes.NewReader(obj))
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return nil, errNotObject
	}
	var members []member
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, err
		}
		key := tok.(string) // an object's next token is always its key
		if seen[key] {
			return nil, &dupError{key}
		}
		seen[key] = true
		var val json.RawMessage
		if err := dec.Decode(&val); err != nil {
			return nil, err
		}
		members = append(members, member{key, val})
	}
	return members, nil
}

type jsonError string

func (e jsonError) Error() string { return string(e) }

const errNotObject = jsonError("not a JSON object")

type dupError struct{ key string }

func (e *dupError) Error() string { return "duplicate member " + strconv.Quote(e.key) }

// render returns the resource with id, meta.versionId and meta.lastUpdated
// set. Elements the resource lacks are placed where FHIR's canonical order
// puts them: id and meta right after resourceType, versionId and lastUpdated
// first in meta.
func (d *document) render(id string, version int64, lastUpdated time.Time) []byte {
	out := make([]byte, 0, d.size()+96)
	out = append(out, '{')
	for i, m := range d.members {
		if i > 0 {
			out = append(out, ',')
		}
		switch m.key {
		case "id":
			out = appendString(append(out, `"id":`...), id)
			continue
		case "meta":
			out = d.appendMeta(append(out, `"meta":`...), version, lastUpdated)
			continue
		}
		out = appendKey(out, m.key)
		out = append(out, m.val...)
		if m.key == "resourceType" {
			if d.missing("id") {
				out = appendString(append(out, `,"id":`...), id)
			}
			if d.meta == nil {
				out = d.appendMeta(append(out, `,"meta":`...), version, lastUpdated)
			}
		}
	}
	return append(out, '}')
}

func (d *document) appendMeta(out []byte, version int64, lastUpdated time.Time) []byte {
	vid := strconv.FormatInt(version, 10)
	when := formatInstant(lastUpdated)
	out = append(out, '{')
	first := true
	sep := func() {
		if !first {
			out = append(out, ',')
		}
		first = false
	}
	has := func(key string) bool {
		for _, m := range d.meta {
			if m.key == key {
				return true
			}
		}
		return false
	}
	if !has("versionId") {
		sep()
		out = appendString(append(out, `"versionId":`...), vid)
	}
	if !has("lastUpdated") {
		sep()
		out = appendString(append(out, `"lastUpdated":`...), when)
	}
	for _, m := range d.meta {
		sep()
		switch m.key {
		case "versionId":
			out = appendString(append(out, `"versionId":`...), vid)
		case "lastUpdated":
			out = appendString(append(out, `"lastUpdated":`...), when)
		default:
			out = append(appendKey(out, m.key), m.val...)
		}
	}
	return append(out, '}')
}

func (d *document) missing(key string) bool {
	for _, m := range d.members {
		if m.key == key {
			return false
		}
	}
	return true
}

func (d *document) size() int {
	n := 2
	for _, m := range d.members {
		n += len(m.key) + len(m.val) + 4
	}
	return n
}

// appendKey appends a JSON object key and its colon.
func appendKey(out []byte, key string) []byte {
	b, _ := json.Marshal(key) // a Go string always marshals
	return append(append(out, b...), ':')
}

// appendString appends a JSON string that needs no escaping: ids, versions
// and instants, whose formats are checked or built here.
func appendString(out []byte, s string) []byte {
	out = append(out, '"')
	out = append(out, s...)
	return append(out, '"')
}

// instantLayout is meta.lastUpdated's format: RFC 3339 in UTC with
// milliseconds.
const instantLayout = "2006-01-02T15:04:05.000Z"

func formatInstant(t time.Time) string { return t.UTC().Format(instantLayout) }

// validType reports whether s looks like a FHIR resource type name: a
// capital letter then letters. Whether the type exists is the validator's
// business, not the repository's.
func validType(s string) bool {
	if len(s) == 0 || len(s) > 64 || s[0] < 'A' || s[0] > 'Z' {
		return false
	}
	for i := 1; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z') {
			return false
		}
	}
	return true
}

// validID reports whether s is a FHIR id: 1 to 64 of A-Z a-z 0-9 - and '.'.
func validID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.') {
			return false
		}
	}
	return true
}

// NewID returns a random version 4 UUID in lowercase hex, a valid FHIR id of
// 36 characters with 122 random bits.
func NewID() string {
	var b [16]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	var s [36]byte
	hex.Encode(s[0:8], b[0:4])
	s[8] = '-'
	hex.Encode(s[9:13], b[4:6])
	s[13] = '-'
	hex.Encode(s[14:18], b[6:8])
	s[18] = '-'
	hex.Encode(s[19:23], b[8:10])
	s[23] = '-'
	hex.Encode(s[24:], b[10:])
	return string(s[:])
}

// parseVersion reads a version id as the client may send it: 3, "3" or the
// weak ETag W/"3".
func parseVersion(s string) (int64, bool) {
	if len(s) > 2 && (s[:2] == "W/" || s[:2] == "w/") {
		s = s[2:]
	}
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 1 {
		return 0, false
	}
	return n, true
}
