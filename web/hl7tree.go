package web

import "github.com/plexus-health/plexus/format/hl7v2"

// hl7Tree parses raw and returns its tree (hl7v2.Message.Tree) for the
// message page; a message that does not parse gives the parser's error,
// which names the segment and field.
func hl7Tree(raw []byte) ([]hl7v2.TreeSegment, error) {
	m, err := hl7v2.Parse(raw)
	if err != nil {
		return nil, err
	}
	return m.Tree(), nil
}
