package main

import (
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// The tree form of a message shows each segment with its 1-based index,
// then each non-empty field, repetition, component and subcomponent on its
// own line, labelled with the terser path that addresses it:
//
//	[2] PID
//	  PID-3               123^^^HOSP^MR~456^^^SSA^SS
//	    PID-3(1)          123^^^HOSP^MR
//	      PID-3(1).1      123
//	      PID-3(1).4      HOSP
//	  PID-5               Doe^John
//	    PID-5.1           Doe
//
// A leaf (a value that does not split further) shows its text with escape
// sequences decoded. A composite value shows its text as it stands in the
// message, delimiters and escapes included, because decoded text could not
// tell an escaped delimiter from a real one. Every leaf label is a path that
// "plexus hl7 parse --path" and Message.Get accept and that returns the
// leaf's text; repeated segments are labelled OBX, OBX(2), OBX(3)...

// writeTree writes the tree form of m (hl7v2.Message.Tree), each segment's
// paths padded to one column.
func writeTree(w io.Writer, m *hl7v2.Message) error {
	var b strings.Builder
	for _, seg := range m.Tree() {
		fmt.Fprintf(&b, "[%d] %s\n", seg.Index, displayText(seg.Name))
		width := 0
		for _, l := range seg.Lines {
			width = max(width, 2*l.Depth+len(l.Label))
		}
		for _, l := range seg.Lines {
			pad := width + 2 - 2*l.Depth - len(l.Label)
			b.WriteString(strings.Repeat("  ", l.Depth))
			b.WriteString(l.Label)
			b.WriteString(strings.Repeat(" ", pad))
			b.WriteString(displayText(l.Text))
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// displayText makes s safe to print on one terminal line: control
// characters (a decoded \.br\ is a line feed) and bytes that are not UTF-8
// are shown as Go escapes; everything else, including non-ASCII letters, is
// kept as is.
func displayText(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c == 0x7f || c >= 0x80 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20 || r == 0x7f || (r >= 0x80 && r < 0xa0):
			fmt.Fprintf(&b, `\x%02x`, r)
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}
