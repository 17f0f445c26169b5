package transform

import (
	"context"
	"errors"
	"fmt"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// deleteStep clears the values a path matches, or removes segments (see
// DeleteSpec).
type deleteStep struct {
	path    path   // when clearing values
	segment string // when removing segments
	nth     int    // the occurrence to remove, 0 for all
}

var _ Step = (*deleteStep)(nil)

func newDelete(s *DeleteSpec) (*deleteStep, error) {
	switch {
	case s.Path != "" && s.Segment != "":
		return nil, errors.New("set either path or segment, not both")
	case s.Path != "":
		p, err := requirePath("path", s.Path, parseWritablePath)
		if err != nil {
			return nil, err
		}
		return &deleteStep{path: p}, nil
	case s.Segment != "":
		p, err := hl7v2.ParsePath(s.Segment)
		if err == nil && p.Field > 0 {
			err = fmt.Errorf("%q names a field: use path to clear a field", s.Segment)
		}
		if err == nil && p.Segment == "MSH" {
			err = errors.New("the MSH segment cannot be removed")
		}
		if err != nil {
			return nil, inField("segment", err)
		}
		del := &deleteStep{segment: p.Segment}
		if len(s.Segment) > 3 && s.Segment[3] == '(' {
			del.nth = p.SegRep
		}
		return del, nil
	}
	return nil, errors.New("set path or segment")
}

// Apply implements Step. Clearing a value leaves its field separators in
// place, so the fields after it keep their numbers; a whole field is
// cleared with all its repetitions, so no empty repetitions remain.
func (del *deleteStep) Apply(_ context.Context, d *Doc) error {
	m, err := d.message()
	if err != nil {
		return err
	}
	if del.segment != "" {
		if del.nth > 0 {
			m.DeleteSegment(del.segment, del.nth)
			return nil
		}
		for m.DeleteSegment(del.segment, 1) {
		}
		return nil
	}
	if !del.path.rep && del.path.Component == 0 {
		first, last := 1, m.Count(del.path.Segment)
		if del.path.segRep {
			first, last = del.path.SegRep, min(del.path.SegRep, last)
		}
		for n := first; n <= last; n++ {
			if _, err := m.ClearField(del.path.Segment, n, del.path.Field); err != nil {
				return err
			}
		}
		return nil
	}
	return del.path.each(m, func(p hl7v2.Path) error {
		if m.LookupPath(p).IsEmpty() {
			return nil // nothing to clear; do not create the position
		}
		return m.SetPath(p, []byte{})
	})
}
