package transform

import "context"

// copyStep copies the encoded value at one path to another (see CopySpec).
type copyStep struct {
	from, to path
}

var _ Step = (*copyStep)(nil)

func newCopy(s *CopySpec) (*copyStep, error) {
	from, err := requirePath("from", s.From, parsePath)
	if err != nil {
		return nil, err
	}
	to, err := requirePath("to", s.To, parseWritablePath)
	if err != nil {
		return nil, err
	}
	return &copyStep{from: from, to: to}, nil
}

// Apply implements Step. The value keeps its escape sequences and its
// components; copying a value with components into a component fails,
// since its delimiters would change the message's structure.
func (c *copyStep) Apply(_ context.Context, d *Doc) error {
	m, err := d.message()
	if err != nil {
		return err
	}
	v := m.LookupPath(c.from.Path)
	if v.IsEmpty() {
		// Clear the target if it holds something; never create it.
		if m.LookupPath(c.to.Path).IsEmpty() {
			return nil
		}
		return m.SetPath(c.to.Path, []byte{})
	}
	return m.SetRaw(c.to.text, string(v.Raw()))
}
