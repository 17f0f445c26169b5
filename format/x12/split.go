package x12

// Claim is one claim split from an 837: a complete interchange holding the
// original envelope headers, the transaction set's header, the
// hierarchical levels above the claim (billing provider, subscriber,
// patient, renumbered from 1) and the claim's loop 2300 with everything
// under it. Index counts the claims of the set from 1; Pos is the position
// of its CLM segment in the input.
type Claim struct {
	Interchange []byte
	Index       int
	Pos         int
}

// Splitter splits 837 claims at loop 2300 from segments fed one at a time,
// returning each claim as soon as the segment after it arrives, so that a
// file of any size is split with the memory of one claim and the levels
// above it. It is not safe for concurrent use.
type Splitter struct {
	isa, gs, st *Segment
	loops       *Loops
	kind        string
	header      []*Segment
	chain       []*hlBlock
	claim       []*Segment
	claimPos    int
	index       int
}

// hlBlock is one hierarchical level's HL segment and its own segments.
type hlBlock struct {
	depth int
	segs  []*Segment
}

// Add takes the next segment of the input and returns a claim when s ends
// one (a new CLM or HL, or SE). Segments outside 837 transaction sets are
// ignored.
func (sp *Splitter) Add(s *Segment) *Claim {
	switch s.ID {
	case "ISA":
		sp.isa, sp.st, sp.loops = s, nil, nil
		return nil
	case "GS":
		sp.gs, sp.st, sp.loops = s, nil, nil
		return nil
	case "GE", "IEA":
		// A set without SE ends here.
		c := sp.flush()
		sp.st = nil
		return c
	case "ST":
		c := sp.flush() // a set without SE ends here
		sp.st, sp.header, sp.chain, sp.claim, sp.index = nil, nil, nil, nil, 0
		if s.Value(1) != "837" {
			return c
		}
		ref := s.Value(3)
		if ref == "" && sp.gs != nil {
			ref = sp.gs.Value(8)
		}
		sp.st, sp.kind = s, TransactionKind("837", ref)
		sp.loops = NewLoops(sp.kind)
		sp.loops.Next(s)
		return c
	}
	if sp.st == nil {
		return nil
	}
	loop, depth := sp.loops.Next(s)
	switch {
	case s.ID == "SE":
		c := sp.flush()
		sp.st = nil
		return c
	case s.ID == "HL":
		c := sp.flush()
		for len(sp.chain) > 0 && sp.chain[len(sp.chain)-1].depth >= depth {
			sp.chain = sp.chain[:len(sp.chain)-1]
		}
		sp.chain = append(sp.chain, &hlBlock{depth: depth, segs: []*Segment{s}})
		return c
	case s.ID == "CLM" && loop == "2300":
		c := sp.flush()
		sp.claim, sp.claimPos = []*Segment{s}, s.Pos
		return c
	case sp.claim != nil:
		sp.claim = append(sp.claim, s)
	case len(sp.chain) > 0:
		b := sp.chain[len(sp.chain)-1]
		b.segs = append(b.segs, s)
	default:
		sp.header = append(sp.header, s)
	}
	return nil
}

// flush returns the claim being gathered, if any, as an interchange.
func (sp *Splitter) flush() *Claim {
	if sp.claim == nil {
		return nil
	}
	claim := sp.claim
	sp.claim = nil
	sp.index++
	d := sp.st.Delims
	end := sp.st.Suffix
	if len(end) == 0 {
		end = []byte{d.Segment}
	}
	var out []byte
	put := func(s *Segment) {
		out = append(out, s.Raw...)
		out = append(out, end...)
	}
	if sp.isa != nil {
		put(sp.isa)
	}
	if sp.gs != nil {
		put(sp.gs)
	}
	put(sp.st)
	n := 1
	for _, s := range sp.header {
		put(s)
		n++
	}
	for i, b := range sp.chain {
		hl := b.segs[0]
		parent := ""
		if i > 0 {
			parent = itoa(i)
		}
		child := "0"
		if i < len(sp.chain)-1 {
			child = "1"
		}
		put(NewSegment(d, "HL", itoa(i+1), parent, hl.Value(3), child))
		for _, s := range b.segs[1:] {
			put(s)
		}
		n += len(b.segs)
	}
	for _, s := range claim {
		put(s)
	}
	n += len(claim) + 1
	put(NewSegment(d, "SE", itoa(n), sp.st.Value(2)))
	if sp.gs != nil {
		put(NewSegment(d, "GE", "1", sp.gs.Value(6)))
	}
	if sp.isa != nil {
		put(NewSegment(d, "IEA", "1", sp.isa.Value(13)))
	}
	return &Claim{Interchange: out, Index: sp.index, Pos: sp.claimPos}
}

// SplitClaims splits the claims of an 837 transaction set read by a Scanner.
func SplitClaims(t *Transaction) ([]*Claim, error) {
	if t.ID() != "837" {
		return nil, &Error{Pos: t.Segments[0].Pos, Offset: t.Segments[0].Offset, Segment: "ST", Element: 1, Err: ErrNotClaim}
	}
	var sp Splitter
	var out []*Claim
	if t.ISA != nil {
		sp.Add(t.ISA)
	}
	if t.GS != nil {
		sp.Add(t.GS)
	}
	for _, s := range t.Segments {
		if c := sp.Add(s); c != nil {
			out = append(out, c)
		}
	}
	if c := sp.flush(); c != nil {
		out = append(out, c)
	}
	return out, nil
}

// KnownLoop reports whether id is a loop of any transaction set Plexus
// knows, for checking paths in configurations.
func KnownLoop(id string) bool {
	var walk func(d *loopDef) bool
	walk = func(d *loopDef) bool {
		for _, k := range d.kids {
			if k.id == id || walk(k) {
				return true
			}
		}
		return false
	}
	for _, root := range loopSets {
		if walk(root) {
			return true
		}
	}
	return false
}
