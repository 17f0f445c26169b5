package web

import (
	"fmt"
	"strconv"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// treeSegment is one segment of a parsed HL7 v2 message as the message page
// shows it: its position, its name, and a line for each non-empty field,
// repetition, component and subcomponent.
type treeSegment struct {
	Index int // 1-based
	Name  string
	Lines []treeLine
}

// treeLine is one value of a segment, labelled with the path that
// addresses it (PID-3(1).1). Depth is 1 for a field, more for its parts.
// A leaf's Text has its escape sequences decoded; a composite's is the text
// as it stands in the message.
type treeLine struct {
	Depth int
	Label string
	Text  string
	Leaf  bool
}

// hl7Tree parses raw and returns its tree; a message that does not parse
// gives the parser's error, which names the segment and field.
func hl7Tree(raw []byte) ([]treeSegment, error) {
	m, err := hl7v2.Parse(raw)
	if err != nil {
		return nil, err
	}
	seen := map[string]int{}
	out := make([]treeSegment, 0, m.Len())
	for i := range m.Len() {
		seg := m.Seg(i)
		name := seg.Name()
		seen[name]++
		prefix := name
		if n := seen[name]; n > 1 {
			prefix = fmt.Sprintf("%s(%d)", name, n)
		}
		out = append(out, treeSegment{Index: i + 1, Name: name, Lines: fieldLines(nil, seg, prefix)})
	}
	return out, nil
}

// fieldLines appends the lines of seg's non-empty fields.
func fieldLines(lines []treeLine, seg *hl7v2.Segment, prefix string) []treeLine {
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
		lines = append(lines, treeLine{Depth: 1, Label: label, Text: string(f.Raw())})
		for r := 1; r <= reps; r++ {
			if rep := f.Rep(r); !rep.IsEmpty() {
				lines = repetitionLines(lines, rep, fmt.Sprintf("%s(%d)", label, r), 2)
			}
		}
	}
	return lines
}

// repetitionLines appends the lines of one repetition and its components.
func repetitionLines(lines []treeLine, rep hl7v2.Value, label string, depth int) []treeLine {
	comps := rep.Components()
	if comps <= 1 {
		return componentLines(lines, rep.Component(1), label, label+".1", depth)
	}
	lines = append(lines, treeLine{Depth: depth, Label: label, Text: string(rep.Raw())})
	for c := 1; c <= comps; c++ {
		if comp := rep.Component(c); !comp.IsEmpty() {
			l := label + "." + strconv.Itoa(c)
			lines = componentLines(lines, comp, l, l, depth+1)
		}
	}
	return lines
}

// componentLines appends one component and its subcomponents, labelled
// compPath.1, compPath.2...
func componentLines(lines []treeLine, comp hl7v2.Value, label, compPath string, depth int) []treeLine {
	subs := comp.Subcomponents()
	if subs <= 1 {
		return append(lines, treeLine{Depth: depth, Label: label, Text: comp.String(), Leaf: true})
	}
	lines = append(lines, treeLine{Depth: depth, Label: label, Text: string(comp.Raw())})
	for s := 1; s <= subs; s++ {
		if sub := comp.Sub(s); !sub.IsEmpty() {
			lines = append(lines, treeLine{Depth: depth + 1, Label: compPath + "." + strconv.Itoa(s), Text: sub.String(), Leaf: true})
		}
	}
	return lines
}
