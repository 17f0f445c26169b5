package hl7v2

import (
	"fmt"
	"strconv"
)

// TreeSegment is one segment of a message in tree form: its position, its
// name, and a line for each non-empty field, repetition, component and
// subcomponent, in order.
type TreeSegment struct {
	Index int // 1-based
	Name  string
	Lines []TreeLine
}

// TreeLine is one value of a segment, labelled with the terser path that
// addresses it. Depth is 1 for a field and one more for each level below.
// A leaf (a value that does not split further) has its escape sequences
// decoded in Text; a composite's Text is its raw text, delimiters and
// escapes included, since decoded text could not tell an escaped delimiter
// from a real one.
//
// Every leaf's Label is a path Get accepts and that returns Text. A field
// with one repetition is labelled without its index (PID-5, PID-5.1); with
// several, each repetition is (PID-3(1).1). A component with no
// subcomponents is labelled without them (PID-8 for PID-8.1.1), its
// subcomponents in full (PID-11(1).1.2). Repeated segments are labelled
// OBX, OBX(2), OBX(3)...
type TreeLine struct {
	Depth int
	Label string
	Text  string
	Leaf  bool
}

// Tree returns the message in tree form, for people to read: the dashboard
// and "plexus hl7 parse --tree" show it.
func (m *Message) Tree() []TreeSegment {
	seen := make(map[string]int)
	out := make([]TreeSegment, 0, m.Len())
	for i := range m.Len() {
		seg := m.Seg(i)
		name := seg.Name()
		seen[name]++
		prefix := name
		if n := seen[name]; n > 1 {
			prefix = fmt.Sprintf("%s(%d)", name, n)
		}
		out = append(out, TreeSegment{Index: i + 1, Name: name, Lines: fieldLines(nil, seg, prefix)})
	}
	return out
}

// fieldLines appends the lines of seg's non-empty fields, labelled
// prefix-1, prefix-2...
func fieldLines(lines []TreeLine, seg *Segment, prefix string) []TreeLine {
	for n := 1; n <= seg.NumFields(); n++ {
		f := seg.Field(n)
		if f.IsEmpty() {
			continue
		}
		label := prefix + "-" + strconv.Itoa(n)
		reps := f.Reps()
		if reps <= 1 {
			lines = repetitionLines(lines, f.Rep(1), label, 1)
			continue
		}
		lines = append(lines, TreeLine{Depth: 1, Label: label, Text: string(f.Raw())})
		for r := 1; r <= reps; r++ {
			if rep := f.Rep(r); !rep.IsEmpty() {
				lines = repetitionLines(lines, rep, fmt.Sprintf("%s(%d)", label, r), 2)
			}
		}
	}
	return lines
}

// repetitionLines appends the lines of one repetition and its components.
func repetitionLines(lines []TreeLine, rep Value, label string, depth int) []TreeLine {
	comps := rep.Components()
	if comps <= 1 {
		return componentLines(lines, rep.Component(1), label, label+".1", depth)
	}
	lines = append(lines, TreeLine{Depth: depth, Label: label, Text: string(rep.Raw())})
	for c := 1; c <= comps; c++ {
		if comp := rep.Component(c); !comp.IsEmpty() {
			l := label + "." + strconv.Itoa(c)
			lines = componentLines(lines, comp, l, l, depth+1)
		}
	}
	return lines
}

// componentLines appends one component, shown as label, and its
// subcomponents, labelled compPath.1, compPath.2... (compPath names the
// component even where label leaves it out).
func componentLines(lines []TreeLine, comp Value, label, compPath string, depth int) []TreeLine {
	subs := comp.Subcomponents()
	if subs <= 1 {
		return append(lines, TreeLine{Depth: depth, Label: label, Text: comp.String(), Leaf: true})
	}
	lines = append(lines, TreeLine{Depth: depth, Label: label, Text: string(comp.Raw())})
	for s := 1; s <= subs; s++ {
		if sub := comp.Sub(s); !sub.IsEmpty() {
			lines = append(lines, TreeLine{Depth: depth + 1, Label: compPath + "." + strconv.Itoa(s), Text: sub.String(), Leaf: true})
		}
	}
	return lines
}
