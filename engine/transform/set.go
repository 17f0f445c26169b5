package transform

import (
	"context"
	"errors"
	"strings"
)

// setStep stores a value at a path (see SetSpec).
type setStep struct {
	path  path
	value string         // the text, when tmpl is nil
	tmpl  *valueTemplate // the value template, or nil
	raw   bool
}

var _ Step = (*setStep)(nil)

func newSet(s *SetSpec) (*setStep, error) {
	p, err := requirePath("path", s.Path, parseWritablePath)
	if err != nil {
		return nil, err
	}
	st := &setStep{path: p, value: s.Value, raw: s.Raw}
	if isTemplate(s.Value) {
		if st.tmpl, err = newValueTemplate(s.Value); err != nil {
			return nil, inField("value", err)
		}
	} else if s.Raw && strings.ContainsAny(s.Value, "\r\n") {
		return nil, inField("value", errors.New("an encoded value cannot contain a line break"))
	}
	return st, nil
}

// Apply implements Step.
func (s *setStep) Apply(_ context.Context, d *Doc) error {
	m, err := d.message()
	if err != nil {
		return err
	}
	v := s.value
	if s.tmpl != nil {
		if v, err = s.tmpl.execute(m); err != nil {
			return err
		}
	}
	if s.raw {
		return m.SetRaw(s.path.text, v)
	}
	return m.Set(s.path.text, v)
}
