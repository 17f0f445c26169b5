package filter

import (
	"bytes"
	"errors"
	"io"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/format/x12"
)

// x12 returns the value at an X12 loop path in the first transaction set
// of the message that has one. The sets are read once per evaluation.
func (e *env) x12(path string) string {
	if e.ContentType != engine.ContentX12 {
		return ""
	}
	p, err := x12.ParsePath(path)
	if err != nil {
		e.fail(fnError("x12", err))
		return ""
	}
	if !e.scanned {
		e.scanned = true
		sc := x12.NewScanner(bytes.NewReader(e.raw), x12.Config{})
		for {
			t, err := sc.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				e.fail(fnError("x12", err))
				return ""
			}
			e.sets = append(e.sets, t)
		}
	}
	for _, t := range e.sets {
		if v, ok := t.Get(p); ok && v != "" {
			return v
		}
	}
	return ""
}
