package server

import (
	"encoding/json"
	"errors"
	"strings"
)

// A Bundle's resources refer to each other by the entries' fullUrls
// (urn:uuid:…) and to stored resources by conditional references
// (Patient?identifier=…); both must become Type/id before the resources are
// stored. The rewrite works on the raw JSON so that the client's member
// order and formatting survive, and it is one linear scan: the scanner finds
// every string value of a "reference" member at any depth (the element
// Reference.reference) and the top-level "id" member, and the rewrite
// pastes new values over exactly those spans.

// span is a JSON string token in a resource: body[start:end] includes the
// quotes.
type span struct {
	start, end int
	value      string // the decoded string
}

// refScan is what scanRefs finds in one resource.
type refScan struct {
	refs []span // values of "reference" members
	id   *span  // the top-level "id" value, if it is a string
}

var errNotJSON = errors.New("the resource is not valid JSON")

// scanRefs finds the reference strings and the top-level id of a resource.
// It checks only as much JSON syntax as it needs; the resource is decoded
// in full later, which reports any other error.
func scanRefs(body []byte) (refScan, error) {
	var out refScan
	depth := 0
	for i := 0; i < len(body); i++ {
		switch body[i] {
		case '{', '[':
			depth++
		case '}', ']':
			depth--
		case '"':
			end, err := stringEnd(body, i)
			if err != nil {
				return out, err
			}
			// A string followed by a colon is a member name.
			j := skipSpace(body, end)
			if j < len(body) && body[j] == ':' {
				key := body[i+1 : end-1]
				isRef := string(key) == "reference"
				isID := depth == 1 && string(key) == "id"
				if isRef || isID {
					k := skipSpace(body, j+1)
					if k < len(body) && body[k] == '"' {
						vend, err := stringEnd(body, k)
						if err != nil {
							return out, err
						}
						s, err := decodeString(body[k:vend])
						if err != nil {
							return out, err
						}
						sp := span{k, vend, s}
						if isRef {
							out.refs = append(out.refs, sp)
						} else {
							out.id = &sp
						}
						end = vend
					}
				}
			}
			i = end - 1
		}
	}
	return out, nil
}

// stringEnd returns the index just past the JSON string starting at
// body[i], a quote.
func stringEnd(body []byte, i int) (int, error) {
	for j := i + 1; j < len(body); j++ {
		switch body[j] {
		case '\\':
			j++
		case '"':
			return j + 1, nil
		}
	}
	return 0, errNotJSON
}

func skipSpace(body []byte, i int) int {
	for i < len(body) && (body[i] == ' ' || body[i] == '\t' || body[i] == '\n' || body[i] == '\r') {
		i++
	}
	return i
}

// decodeString decodes a JSON string token, quotes included.
func decodeString(tok []byte) (string, error) {
	inner := tok[1 : len(tok)-1]
	if !strings.ContainsRune(string(inner), '\\') {
		return string(inner), nil
	}
	var s string
	if err := json.Unmarshal(tok, &s); err != nil {
		return "", errNotJSON
	}
	return s, nil
}

// rewrite returns body with the references that resolve replaced and, when
// id is not empty and the resource has an id, that id replaced by id. The
// new values are Type/id and ids, which need no JSON escaping. body itself
// is returned when nothing changes.
func (sc refScan) rewrite(body []byte, id string, resolve func(string) (string, bool)) []byte {
	type edit struct {
		sp  span
		val string
	}
	var edits []edit
	if id != "" && sc.id != nil && sc.id.value != id {
		edits = append(edits, edit{*sc.id, id})
	}
	for _, r := range sc.refs {
		if to, ok := resolve(r.value); ok && to != r.value {
			edits = append(edits, edit{r, to})
		}
	}
	if len(edits) == 0 {
		return body
	}
	// The id comes first in most resources, but not always: order the
	// edits by position.
	if len(edits) > 1 && sc.id != nil && edits[0].sp == *sc.id {
		for i := 1; i < len(edits) && edits[i].sp.start < edits[i-1].sp.start; i++ {
			edits[i-1], edits[i] = edits[i], edits[i-1]
		}
	}
	out := make([]byte, 0, len(body)+16*len(edits))
	at := 0
	for _, e := range edits {
		out = append(out, body[at:e.sp.start]...)
		out = append(out, '"')
		out = append(out, e.val...)
		out = append(out, '"')
		at = e.sp.end
	}
	return append(out, body[at:]...)
}
