package transform

import (
	"errors"
	"fmt"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// path is a parsed terser path that remembers which occurrences it names:
// hl7v2.ParsePath gives 1 for an occurrence that is not written, and delete
// and map treat an unwritten occurrence as "every occurrence".
type path struct {
	hl7v2.Path
	text   string // as written in the configuration
	segRep bool   // the segment occurrence is written, as in OBX(2)-5
	rep    bool   // the field repetition is written, as in PID-3(2)
}

// parsePath parses a path that must address a field or a part of one.
func parsePath(s string) (path, error) {
	p, err := hl7v2.ParsePath(s)
	if err != nil {
		return path{}, err
	}
	if p.Field == 0 {
		return path{}, fmt.Errorf("path %q must name a field", s)
	}
	pp := path{Path: p, text: s, segRep: len(s) > 3 && s[3] == '('}
	// The repetition follows the field number.
	i := 3
	if pp.segRep {
		for i < len(s) && s[i] != ')' {
			i++
		}
		i++
	}
	i++ // the '-' or '.' before the field number
	for i < len(s) && s[i] >= '0' && s[i] <= '9' {
		i++
	}
	pp.rep = i < len(s) && s[i] == '('
	return pp, nil
}

// parseWritablePath parses a path a step writes to: it may not be MSH-1 or
// MSH-2, which hold the message's delimiters.
func parseWritablePath(s string) (path, error) {
	p, err := parsePath(s)
	if err != nil {
		return p, err
	}
	switch p.Segment {
	case "MSH", "FHS", "BHS":
		if p.Field <= 2 {
			return path{}, fmt.Errorf("path %q: the encoding characters cannot be changed", s)
		}
	}
	return p, nil
}

// each calls fn with every concrete path p matches in m: each occurrence of
// the segment unless p names one, and each repetition of the field unless p
// names one. A field with no repetition counts as one empty repetition. It
// stops at the first error.
func (p path) each(m *hl7v2.Message, fn func(hl7v2.Path) error) error {
	first, last := 1, m.Count(p.Segment)
	if p.segRep {
		first, last = p.SegRep, min(p.SegRep, last)
	}
	for n := first; n <= last; n++ {
		q := p.Path
		q.SegRep = n
		reps := 1
		if !p.rep {
			reps = max(1, m.Segment(p.Segment, n).Field(p.Field).Reps())
		}
		for r := 1; r <= reps; r++ {
			if !p.rep {
				q.Rep = r
			}
			if err := fn(q); err != nil {
				return err
			}
		}
	}
	return nil
}

var errEmptyPath = errors.New("a path is required")

// requirePath parses a required path field of a spec.
func requirePath(field, s string, parse func(string) (path, error)) (path, error) {
	if s == "" {
		return path{}, inField(field, errEmptyPath)
	}
	p, err := parse(s)
	return p, inField(field, err)
}
