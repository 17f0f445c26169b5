package channel

import (
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/format/x12"
)

// Partial acceptance
//
// A 999 may accept some transaction sets of a group and reject others (AK9
// P). The channel then does what the 999 tells the sender: the message is
// journaled as it arrived, but what its filter, transforms and
// destinations see is the interchange holding only the accepted sets, with
// the original ISA and GS headers, the accepted sets byte for byte, and
// GE01/IEA01 counted again (a group left with no accepted set is left out).
// To cut the sets out, the channel records where each envelope segment and
// each set lies in the message while the Scanner reads it (x12Layout),
// following the Checker's own rules for what opens and closes a group or a
// set, and then matches that layout with the verdicts by their ISA and GS
// segments. Where the two do not match, no set is taken out: the message
// is refused whole, as it would be without partial acceptance.

// x12Layout is where the interchanges, groups and sets of an X12 message
// lie in it, filled segment by segment through Scanner.Segment.
type x12Layout struct {
	interchanges []*x12Interchange
	cur          *x12Interchange
	group        *x12Group
	set          *x12Set
	// byST finds a set by the offset of its ST. The layout keeps no
	// segment of a set, so that the reader's memory for them is freed as
	// the message is read.
	byST map[int64]*x12Set
}

// x12Interchange is one interchange of the layout with its verdict.
type x12Interchange struct {
	isa, iea *x12.Segment
	groups   []*x12Group
	verdict  *x12.InterchangeResult
}

// x12Group is one functional group of the layout with its verdict.
type x12Group struct {
	gs, ge  *x12.Segment
	sets    []*x12Set
	verdict *x12.GroupResult
}

// x12Set is one transaction set of the layout: its bytes in the message,
// what the channel read from it, and whether the 999 accepts it.
type x12Set struct {
	from, to int64 // from ST's leading white space to after SE's terminator; to is 0 without SE
	verdict  *x12.TransactionResult
	accepted bool
	// typ, trigger and patient are the header fields x12Metadata takes
	// from the set.
	typ, trigger, patient string
	claims                []*x12.Claim // its claims, when an 837 is to be split
}

// add takes the next segment read, as the Checker does: ISA opens an
// interchange, GS a group inside one, ST a set inside a group; a trailer,
// or the next header, closes what is open.
func (l *x12Layout) add(s *x12.Segment) {
	switch s.ID {
	case "ISA":
		l.cur = &x12Interchange{isa: s}
		l.interchanges = append(l.interchanges, l.cur)
		l.group, l.set = nil, nil
	case "IEA":
		if l.cur != nil {
			l.cur.iea = s
		}
		l.cur, l.group, l.set = nil, nil, nil
	case "GS":
		l.group, l.set = nil, nil
		if l.cur != nil {
			l.group = &x12Group{gs: s}
			l.cur.groups = append(l.cur.groups, l.group)
		}
	case "GE":
		if l.group != nil {
			l.group.ge = s
		}
		l.group, l.set = nil, nil
	case "ST":
		l.set = nil
		if l.group != nil {
			l.set = &x12Set{from: s.Offset - int64(len(s.Lead))}
			l.group.sets = append(l.group.sets, l.set)
			if l.byST == nil {
				l.byST = make(map[int64]*x12Set)
			}
			l.byST[s.Offset] = l.set
		}
	case "SE":
		if l.set != nil {
			l.set.to = s.Offset + int64(len(s.Raw)+len(s.Suffix))
		}
		l.set = nil
	}
}

// judge matches the layout with the verdicts and marks the accepted sets:
// those of an accepted envelope (TA1 000), in a group without group errors,
// with IK5 A. It reports false when the layout and the verdicts differ.
func (l *x12Layout) judge(verdicts []*x12.InterchangeResult) bool {
	i := 0
	for _, v := range verdicts {
		if v.ISA == nil {
			continue // segments outside any interchange
		}
		if i == len(l.interchanges) {
			return false
		}
		ic := l.interchanges[i]
		i++
		if ic.isa != v.ISA || len(ic.groups) != len(v.Groups) {
			return false
		}
		ic.verdict = v
		for k, g := range ic.groups {
			gv := v.Groups[k]
			if g.gs != gv.GS || len(g.sets) != len(gv.Transactions) {
				return false
			}
			g.verdict = gv
			for n, s := range g.sets {
				s.verdict = gv.Transactions[n]
				s.accepted = v.Note == "000" && ic.iea != nil && g.ge != nil && len(gv.Codes) == 0 &&
					s.verdict.Accepted() && s.to > s.from
			}
		}
	}
	return i == len(l.interchanges)
}

// accepted counts the accepted sets of a group.
func (g *x12Group) accepted() int {
	n := 0
	for _, s := range g.sets {
		if s.accepted {
			n++
		}
	}
	return n
}

// accepted counts the accepted sets of the interchange judged by v.
func (l *x12Layout) accepted(v *x12.InterchangeResult) int {
	n := 0
	for _, ic := range l.interchanges {
		if ic.verdict != v {
			continue
		}
		for _, g := range ic.groups {
			n += g.accepted()
		}
	}
	return n
}

// sets calls fn with every set of the layout, in order, until fn returns
// false.
func (l *x12Layout) sets(fn func(*x12Group, *x12Set) bool) {
	for _, ic := range l.interchanges {
		for _, g := range ic.groups {
			for _, s := range g.sets {
				if !fn(g, s) {
					return
				}
			}
		}
	}
}

// content returns the message cut down to its accepted sets: each
// interchange's ISA, each group with an accepted set with its GS, those
// sets as they arrived and a GE counting them, and an IEA counting the
// groups kept. A trailer whose count does not change is kept as it was.
func (l *x12Layout) content(raw []byte) []byte {
	out := make([]byte, 0, len(raw))
	for _, ic := range l.interchanges {
		out = ic.isa.AppendTo(out)
		kept := 0
		for _, g := range ic.groups {
			n := g.accepted()
			if n == 0 {
				continue
			}
			kept++
			out = g.gs.AppendTo(out)
			for _, s := range g.sets {
				if s.accepted {
					out = append(out, raw[s.from:s.to]...)
				}
			}
			out = appendTrailer(out, g.ge, n, len(g.sets))
		}
		out = appendTrailer(out, ic.iea, kept, len(ic.groups))
	}
	return out
}

// appendTrailer appends a GE or IEA with n as its count, or as it was read
// when n is the count it had.
func appendTrailer(out []byte, s *x12.Segment, n, was int) []byte {
	if n == was {
		return s.AppendTo(out)
	}
	out = append(out, s.Lead...)
	out = append(out, x12.NewSegment(s.Delims, s.ID, strconv.Itoa(n), s.Value(2)).Raw...)
	return append(out, s.Suffix...)
}

// maxRejectedNamed bounds the sets a partial acceptance names.
const maxRejectedNamed = 20

// rejected names the sets of the layout that the 999 does not accept, for
// the message's Error: each by its ST01 and ST02 and its IK5 codes, or its
// group's GS06 and AK9 codes when the whole group is rejected. Only
// control numbers and codes are named, never a value of the content; a
// control number that is not all digits is written "?".
func (l *x12Layout) rejected() string {
	var names []string
	total := 0
	l.sets(func(g *x12Group, s *x12Set) bool {
		if s.accepted {
			return true
		}
		total++
		if len(names) == maxRejectedNamed {
			return true
		}
		v := s.verdict
		name := controlCode(v.ID, 3, 3) + " " + controlCode(v.Control, 4, 9)
		if len(g.verdict.Codes) > 0 {
			name += " (group " + controlCode(g.verdict.Control, 1, 9) + " R [" + strings.Join(g.verdict.Codes, " ") + "])"
		} else {
			name += " R"
			if len(v.Codes) > 0 {
				name += " [" + strings.Join(v.Codes, " ") + "]"
			}
		}
		names = append(names, name)
		return true
	})
	out := "x12: partially accepted (999 AK9 P); transaction sets left out: " + strings.Join(names, "; ")
	if total > len(names) {
		out += "; and " + strconv.Itoa(total-len(names)) + " more"
	}
	return out
}

// controlCode returns s when it is a number of min to max digits, else
// "?". A set control number may hold letters too, but a rejected set's
// could hold anything, and the message's error is shown to operators who
// may not see content.
func controlCode(s string, minLen, maxLen int) string {
	ok := len(s) >= minLen && len(s) <= maxLen
	for i := 0; ok && i < len(s); i++ {
		ok = s[i] >= '0' && s[i] <= '9'
	}
	if !ok {
		return "?"
	}
	return s
}
