package config

import (
	"fmt"
	"strings"
)

// Problem is one thing wrong with a configuration, located in its file.
type Problem struct {
	File    string // path of the file, as given to Load or found in its folder
	Line    int    // 1-based; 0 when the problem concerns the whole file
	Column  int    // 1-based; 0 when unknown
	Field   string // path of the field, for example "channels[2].destinations[0].retry.max_attempts"
	Message string // what is wrong, for example "must be ≥ 1"
}

// String formats the problem as "file:line:col: field: message", leaving
// out the parts that are unknown.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		fmt.Fprintf(&b, ":%d", p.Line)
		if p.Column > 0 {
			fmt.Fprintf(&b, ":%d", p.Column)
		}
	}
	if b.Len() > 0 {
		b.WriteString(": ")
	}
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Message)
	return b.String()
}

// ValidationError lists every problem found in a configuration, in file and
// line order. Load returns it (check with errors.As) whenever the files could
// be read but are not a valid configuration; Options.Decode returns it for
// a connector's section.
type ValidationError struct {
	Problems []Problem
}

// Error returns one problem per line.
func (e *ValidationError) Error() string {
	lines := make([]string, len(e.Problems))
	for i, p := range e.Problems {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
