package transform

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// mapStep recodes the values a path matches through a lookup table (see
// MapSpec).
type mapStep struct {
	path         path
	name         string
	table        map[string]string
	def          *string
	keepUnmapped bool
}

var _ Step = (*mapStep)(nil)

func newMap(s *MapSpec, tables map[string]map[string]string) (*mapStep, error) {
	p, err := requirePath("path", s.Path, parseWritablePath)
	if err != nil {
		return nil, err
	}
	if s.Table == "" {
		return nil, inField("table", errors.New("a lookup table name is required"))
	}
	t, ok := tables[s.Table]
	if !ok {
		names := make([]string, 0, len(tables))
		for n := range tables {
			names = append(names, n)
		}
		slices.Sort(names)
		return nil, inField("table", fmt.Errorf("unknown lookup table %q (declared: %v)", s.Table, names))
	}
	return &mapStep{path: p, name: s.Table, table: t, def: s.Default, keepUnmapped: s.KeepUnmapped}, nil
}

// Apply implements Step. Codes are compared with the decoded text of each
// value; the mapped code is escaped when stored. The HL7 null "" is left as
// it is.
func (mp *mapStep) Apply(_ context.Context, d *Doc) error {
	m, err := d.message()
	if err != nil {
		return err
	}
	return mp.path.each(m, func(p hl7v2.Path) error {
		v := m.LookupPath(p)
		if v.IsNull() {
			return nil // "" tells the receiver to delete its value: not a code
		}
		code := v.String()
		to, ok := mp.table[code]
		switch {
		case ok:
		case v.IsEmpty() && mp.def == nil:
			return nil
		case v.IsEmpty():
			to = *mp.def
		case mp.keepUnmapped:
			return nil
		case mp.def != nil:
			to = *mp.def
		default:
			// The path and the table, never the code: it is message data.
			return fmt.Errorf("%s: code not in lookup table %q, and the step has no default", p, mp.name)
		}
		if to == code {
			return nil
		}
		return m.SetPath(p, []byte(hl7v2.Escape(to, m.Delimiters())))
	})
}
