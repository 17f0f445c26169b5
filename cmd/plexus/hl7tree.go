package main

import (
	"fmt"
	"io"
	"strconv"
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

// treeLine is one line of the tree below a segment line.
type treeLine struct {
	depth int
	label string
	text  string
}

// writeTree writes the tree form of m.
func writeTree(w io.Writer, m *hl7v2.Message) error {
	var b strings.Builder
	seen := make(map[string]int)
	var lines []treeLine
	for i := range m.Len() {
		seg := m.Seg(i)
		name := seg.Name()
		seen[name]++
		prefix := name
		if n := seen[name]; n > 1 {
			prefix = fmt.Sprintf("%s(%d)", name, n)
		}
		fmt.Fprintf(&b, "[%d] %s\n", i+1, displayText(name))
		lines = segmentLines(lines[:0], seg, prefix)
		width := 0
		for _, l := range lines {
			width = max(width, 2*l.depth+len(l.label))
		}
		for _, l := range lines {
			pad := width + 2 - 2*l.depth - len(l.label)
			b.WriteString(strings.Repeat("  ", l.depth))
			b.WriteString(l.label)
			b.WriteString(strings.Repeat(" ", pad))
			b.WriteString(l.text)
			b.WriteByte('\n')
		}
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// segmentLines appends the lines of the non-empty fields of seg, whose
// fields are labelled prefix-1, prefix-2...
func segmentLines(lines []treeLine, seg *hl7v2.Segment, prefix string) []treeLine {
	for n := 1; n <= seg.NumFields(); n++ {
		f := seg.Field(n)
		if f.IsEmpty() {
			continue
		}
		label := prefix + "-" + strconv.Itoa(n)
		reps := f.Reps()
		if reps <= 1 {
			lines = repLines(lines, f.Rep(1), label, 1)
			continue
		}
		lines = append(lines, treeLine{1, label, rawText(f)})
		for r := 1; r <= reps; r++ {
			if rep := f.Rep(r); !rep.IsEmpty() {
				lines = repLines(lines, rep, fmt.Sprintf("%s(%d)", label, r), 2)
			}
		}
	}
	return lines
}

// repLines appends the lines of one repetition labelled label.
func repLines(lines []treeLine, rep hl7v2.Value, label string, depth int) []treeLine {
	comps := rep.Components()
	if comps <= 1 {
		return componentLines(lines, rep.Component(1), label, label+".1", depth)
	}
	lines = append(lines, treeLine{depth, label, rawText(rep)})
	for c := 1; c <= comps; c++ {
		if comp := rep.Component(c); !comp.IsEmpty() {
			l := label + "." + strconv.Itoa(c)
			lines = componentLines(lines, comp, l, l, depth+1)
		}
	}
	return lines
}

// componentLines appends the lines of one component, shown as label; its
// subcomponents are labelled compPath.1, compPath.2... (compPath names the
// component even where label leaves it out, as PID-8 does for PID-8.1).
func componentLines(lines []treeLine, comp hl7v2.Value, label, compPath string, depth int) []treeLine {
	subs := comp.Subcomponents()
	if subs <= 1 {
		return append(lines, treeLine{depth, label, displayText(comp.String())})
	}
	lines = append(lines, treeLine{depth, label, rawText(comp)})
	for s := 1; s <= subs; s++ {
		if sub := comp.Sub(s); !sub.IsEmpty() {
			lines = append(lines, treeLine{depth + 1, compPath + "." + strconv.Itoa(s), displayText(sub.String())})
		}
	}
	return lines
}

func rawText(v hl7v2.Value) string { return displayText(string(v.Raw())) }

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
