package x12

import (
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Partner is what the receiver knows of one trading partner: its sender
// and receiver IDs as in ISA06 and ISA08 (without padding; empty matches
// any) and the usage it must send in ISA15, 'T' (test) or 'P' (production);
// 0 accepts either.
type Partner struct {
	Sender, Receiver string
	Usage            byte
}

// ControlNumbers remembers the interchange control numbers received from
// each partner. Seen records the number and reports whether it was recorded
// before. Implementations must be safe for concurrent use.
type ControlNumbers interface {
	Seen(sender, receiver, control string) bool
}

// MemoryControlNumbers is a ControlNumbers held in memory, for one process's
// lifetime. The zero value is ready to use.
type MemoryControlNumbers struct {
	mu   sync.Mutex
	seen map[string]struct{}
}

// Seen implements ControlNumbers.
func (m *MemoryControlNumbers) Seen(sender, receiver, control string) bool {
	key := sender + "\x00" + receiver + "\x00" + control
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.seen == nil {
		m.seen = make(map[string]struct{})
	}
	if _, ok := m.seen[key]; ok {
		return true
	}
	m.seen[key] = struct{}{}
	return false
}

// Config says what a Checker checks beyond the syntax of the envelopes.
type Config struct {
	// Partners lists the known partners; ISA15 is checked against the one
	// matching ISA06/ISA08. An interchange from no listed partner is
	// checked for syntax only.
	Partners []Partner
	// Control, when set, detects duplicate interchange control numbers
	// (TA1 code 025).
	Control ControlNumbers
	// SyntaxOnly skips the implementation guides' rules (ig/*.ig): only
	// the envelopes, counts, segment IDs and hierarchical levels are
	// checked. By default every set whose kind has a table is validated
	// against it.
	SyntaxOnly bool
}

// InterchangeResult is the verdict on one interchange. Note is its TA1
// note code ("000": no envelope error); Groups hold the functional groups'
// verdicts, from which a 999 is written.
type InterchangeResult struct {
	ISA      *Segment // nil for segments found outside any interchange
	Sender   string   // ISA06, trimmed
	Receiver string   // ISA08, trimmed
	Control  string   // ISA13
	Usage    string   // ISA15
	// AckRequested is ISA14 = 1: the sender asks for a TA1.
	AckRequested bool
	Note         string
	Errors       []*Error
	Groups       []*GroupResult
	// Acks counts the TA1 segments the interchange carries: an interchange
	// acknowledgment, which is never acknowledged.
	Acks int
}

// GroupResult is the verdict on one functional group (AK1/AK9 of a 999).
type GroupResult struct {
	GS           *Segment
	FunctionalID string // GS01
	Control      string // GS06
	Version      string // GS08
	// Codes are AK905 functional group syntax error codes.
	Codes        []string
	Errors       []*Error
	Transactions []*TransactionResult
	// Declared is GE01, -1 when the trailer is missing or unreadable.
	Declared int
}

// TransactionResult is the verdict on one transaction set (AK2 to IK5).
type TransactionResult struct {
	ID        string // ST01
	Control   string // ST02
	Reference string // ST03
	Kind      string // see TransactionKind
	// Codes are IK5 transaction set syntax error codes.
	Codes    []string
	Segments []SegmentNote
	Errors   []*Error
	// Segs is the number of segments from ST to SE.
	Segs int
}

// SegmentNote is a segment in error (IK3) with its element errors (IK4).
type SegmentNote struct {
	ID       string
	Pos      int // position in the transaction set, ST is 1
	Loop     string
	Code     string // IK304
	Elements []ElementNote
}

// ElementNote is an element in error (IK4): its position, component (0 for
// none), data element reference number (0 when not known) and IK403 code.
type ElementNote struct {
	Pos, Component, Ref int
	Code                string
}

// Accepted reports whether the transaction set passed.
func (t *TransactionResult) Accepted() bool { return len(t.Codes) == 0 && len(t.Segments) == 0 }

// Status returns the IK501 code: A accepted, R rejected.
func (t *TransactionResult) Status() string {
	if t.Accepted() {
		return "A"
	}
	return "R"
}

// Status returns the AK901 code: A all sets accepted, P some, R none or the
// group itself in error.
func (g *GroupResult) Status() string {
	acc := g.accepted()
	switch {
	case len(g.Codes) > 0 || acc == 0:
		return "R"
	case acc < len(g.Transactions):
		return "P"
	}
	return "A"
}

func (g *GroupResult) accepted() int {
	n := 0
	for _, t := range g.Transactions {
		if t.Accepted() {
			n++
		}
	}
	return n
}

// Valid reports whether the interchange has no error at any level.
func (r *InterchangeResult) Valid() bool {
	if r.Note != "000" {
		return false
	}
	for _, g := range r.Groups {
		if g.Status() != "A" {
			return false
		}
	}
	return true
}

// MaxNotes is the most segment errors kept for one transaction set, so that
// a long set broken throughout costs bounded memory and a 999 of bounded size.
const MaxNotes = 100

// Checker validates interchanges fed to it one segment at a time (see
// Reader), keeping only their verdicts: control numbers of ISA/IEA, GS/GE
// and ST/SE matching, the counts in the trailers, the ISA fixed widths and
// codes, duplicate interchange control numbers, ISA15 against the partner,
// segment IDs, and the hierarchical levels of the transaction sets.
// A Checker is not safe for concurrent use.
type Checker struct {
	cfg     Config
	cur     *InterchangeResult
	grp     *GroupResult
	tx      *TransactionResult
	loops   *Loops
	ig      igValidator
	igOn    bool     // the current set is validated against its table
	hls     []uint64 // levels seen in the set, as bits
	hlsHigh map[int]bool
	nextHL  int
	groups  int
	stray   *InterchangeResult
}

// NewChecker returns a Checker.
func NewChecker(cfg Config) *Checker { return &Checker{cfg: cfg} }

// Add checks one segment. It returns the verdict on an interchange when s
// completes one (IEA), or when s starts a new one while the previous has
// no trailer; otherwise nil.
func (c *Checker) Add(s *Segment) *InterchangeResult {
	switch s.ID {
	case "ISA":
		prev := c.closeInterchange(s, "the interchange has no IEA trailer")
		c.startInterchange(s)
		return prev
	case "IEA":
		if c.cur == nil {
			c.strayAt(s, "IEA outside an interchange")
			return nil
		}
		c.endInterchange(s)
		r := c.cur
		c.cur = nil
		return r
	case "GS":
		c.startGroup(s)
	case "GE":
		c.endGroup(s)
	case "ST":
		c.startTransaction(s)
	case "SE":
		c.endTransaction(s)
	case "TA1":
		if c.tx == nil && c.grp == nil && c.cur != nil {
			c.cur.Acks++
			return nil
		}
		c.inTransaction(s)
	default:
		c.inTransaction(s)
	}
	return nil
}

// End finishes the input: it returns the verdict on an interchange left
// without trailer, then on segments found outside any interchange, if any.
func (c *Checker) End() []*InterchangeResult {
	var out []*InterchangeResult
	if r := c.closeInterchange(nil, "the input ends inside an interchange"); r != nil {
		out = append(out, r)
	}
	if c.stray != nil {
		out = append(out, c.stray)
		c.stray = nil
	}
	return out
}

// interchange-level failure: the first note stays, every error is kept.
func (c *Checker) envelope(note string, e *Error) {
	if c.cur.Note == "000" {
		c.cur.Note = note
	}
	c.cur.Errors = append(c.cur.Errors, e)
}

func (c *Checker) strayAt(s *Segment, msg string) {
	if c.stray == nil {
		c.stray = &InterchangeResult{Note: "022"}
	}
	c.stray.Errors = append(c.stray.Errors, s.errAt(0, msg))
}

// isaCodes are the TA1 note codes for a bad ISA01 to ISA16.
var isaCodes = [17]string{"", "010", "011", "012", "013", "005", "006", "007", "008", "014", "015", "016", "017", "018", "019", "020", "027"}

var idQualifiers = []string{"01", "14", "20", "27", "28", "29", "30", "33", "ZZ"}

func (c *Checker) startInterchange(s *Segment) {
	r := &InterchangeResult{ISA: s, Note: "000", Sender: strings.TrimRight(s.Value(6), " "),
		Receiver: strings.TrimRight(s.Value(8), " "), Control: s.Value(13), Usage: s.Value(15),
		AckRequested: s.Value(14) == "1"}
	c.cur, c.grp, c.tx, c.groups = r, nil, nil, 0
	bad := func(i int, msg string) { c.envelope(isaCodes[i], s.errAt(i, msg)) }
	if s.Len() != 16 {
		c.envelope("024", s.errAt(0, "ISA must have 16 elements"))
		return
	}
	for i := 1; i <= 16; i++ {
		if len(s.Element(i)) != isaWidths[i] {
			bad(i, "the element must be exactly "+itoa(isaWidths[i])+" characters wide")
		}
	}
	if v := s.Value(1); v != "00" && v != "03" {
		bad(1, "authorization information qualifier must be 00 or 03")
	}
	if v := s.Value(3); v != "00" && v != "01" {
		bad(3, "security information qualifier must be 00 or 01")
	}
	for _, i := range []int{5, 7} {
		if !contains(idQualifiers, s.Value(i)) {
			bad(i, "unknown interchange ID qualifier")
		}
	}
	if strings.TrimSpace(s.Value(6)) == "" {
		bad(6, "the sender ID is empty")
	}
	if strings.TrimSpace(s.Value(8)) == "" {
		bad(8, "the receiver ID is empty")
	}
	if _, err := time.Parse("060102", s.Value(9)); err != nil {
		bad(9, "the interchange date is not YYMMDD")
	}
	if _, err := time.Parse("1504", s.Value(10)); err != nil {
		bad(10, "the interchange time is not HHMM")
	}
	ver := s.Value(12)
	if _, ok := atoi(s.Element(12)); !ok || len(ver) != 5 {
		bad(12, "the interchange version is not five digits")
	} else if ver < "00501" && s.Value(11) != "U" {
		bad(11, "the interchange standards identifier must be U before version 00501")
	}
	if _, ok := atoi(s.Element(13)); !ok {
		bad(13, "the interchange control number is not nine digits")
	}
	if v := s.Value(14); v != "0" && v != "1" {
		bad(14, "acknowledgment requested must be 0 or 1")
	}
	usage := s.Value(15)
	if usage != "T" && usage != "P" && usage != "I" {
		bad(15, "usage indicator must be T, P or I")
	} else if p := c.partner(r.Sender, r.Receiver); p != nil && p.Usage != 0 && usage[0] != p.Usage {
		bad(15, "usage indicator does not match the partner's configuration ("+string(p.Usage)+")")
	}
	if c.cfg.Control != nil && r.Note == "000" && c.cfg.Control.Seen(r.Sender, r.Receiver, r.Control) {
		c.envelope("025", s.errAt(13, "duplicate interchange control number for this partner"))
	}
}

func (c *Checker) partner(sender, receiver string) *Partner {
	for i := range c.cfg.Partners {
		p := &c.cfg.Partners[i]
		if (p.Sender == "" || p.Sender == sender) && (p.Receiver == "" || p.Receiver == receiver) {
			return p
		}
	}
	return nil
}

// closeInterchange ends an interchange whose IEA is missing, at s (nil at
// the end of the input).
func (c *Checker) closeInterchange(s *Segment, msg string) *InterchangeResult {
	if c.cur == nil {
		return nil
	}
	c.closeGroup(s)
	e := &Error{Segment: "IEA", Msg: msg}
	if s != nil {
		e.Pos, e.Offset = s.Pos, s.Offset
	}
	c.envelope("023", e)
	r := c.cur
	c.cur = nil
	return r
}

func (c *Checker) endInterchange(s *Segment) {
	c.closeGroup(s)
	if n, ok := atoi(s.Element(1)); !ok || n != c.groups {
		c.envelope("021", s.errAt(1, "the number of included functional groups does not match the count ("+itoa(c.groups)+")"))
	}
	if s.Value(2) != c.cur.Control {
		c.envelope("001", s.errAt(2, "the interchange control number in the trailer does not match ISA13"))
	}
}

// functionalIDs are the GS01 codes of each transaction set.
var functionalIDs = map[string]string{
	"837": "HC", "835": "HP", "270": "HS", "271": "HB", "276": "HR", "277": "HN",
	"278": "HI", "834": "BE", "999": "FA", "997": "FA", "820": "RA", "824": "AG", "275": "PI",
}

func (c *Checker) startGroup(s *Segment) {
	if c.cur == nil {
		c.strayAt(s, "GS outside an interchange")
		return
	}
	c.closeGroup(s)
	c.groups++
	g := &GroupResult{GS: s, FunctionalID: s.Value(1), Control: s.Value(6), Version: s.Value(8), Declared: -1}
	c.grp = g
	c.cur.Groups = append(c.cur.Groups, g)
	if id := g.FunctionalID; len(id) != 2 || id[0] < 'A' || id[0] > 'Z' || id[1] < 'A' || id[1] > 'Z' {
		// A group that cannot be named cannot be acknowledged in a 999
		// (AK101): the interchange answers for it.
		c.envelope("024", s.errAt(1, "the functional identifier code is missing or not a code"))
	}
	if _, ok := atoi(s.Element(6)); !ok {
		g.Codes = append(g.Codes, "6")
		g.Errors = append(g.Errors, s.errAt(6, "the group control number is not a number of up to nine digits"))
	}
	if s.Len() < 8 || s.Value(8) == "" {
		g.Codes = append(g.Codes, "2")
		g.Errors = append(g.Errors, s.errAt(8, "the group has no version"))
		// Nor can a group without a version (AK103).
		c.envelope("024", s.errAt(8, "the group has no version"))
	}
	if c.cur.Note == "000" {
		for _, o := range c.cur.Groups[:len(c.cur.Groups)-1] {
			if o.Control == g.Control {
				g.Codes = append(g.Codes, "19")
				g.Errors = append(g.Errors, s.errAt(6, "the group control number is not unique within the interchange"))
				break
			}
		}
	}
}

// closeGroup ends a group whose GE is missing, at s.
func (c *Checker) closeGroup(s *Segment) {
	c.closeTransaction(s)
	if c.grp == nil {
		return
	}
	g := c.grp
	c.grp = nil
	g.Codes = append(g.Codes, "3")
	e := &Error{Segment: "GE", Msg: "the functional group has no GE trailer"}
	if s != nil {
		e.Pos, e.Offset = s.Pos, s.Offset
	}
	g.Errors = append(g.Errors, e)
}

func (c *Checker) endGroup(s *Segment) {
	c.closeTransaction(s)
	if c.grp == nil {
		if c.cur == nil {
			c.strayAt(s, "GE outside an interchange")
		} else {
			c.envelope("024", s.errAt(0, "GE without GS"))
		}
		return
	}
	g := c.grp
	c.grp = nil
	n, ok := atoi(s.Element(1))
	if ok {
		g.Declared = n
	}
	if !ok || n != len(g.Transactions) {
		g.Codes = append(g.Codes, "5")
		g.Errors = append(g.Errors, s.errAt(1, "the number of included transaction sets does not match the count ("+itoa(len(g.Transactions))+")"))
	}
	if s.Value(2) != g.Control {
		g.Codes = append(g.Codes, "4")
		g.Errors = append(g.Errors, s.errAt(2, "the group control number in GE does not match GS06"))
	}
}

func (c *Checker) startTransaction(s *Segment) {
	c.closeTransaction(s)
	t := &TransactionResult{ID: s.Value(1), Control: s.Value(2), Reference: s.Value(3), Segs: 1}
	c.tx = t
	switch {
	case c.cur == nil:
		c.strayAt(s, "ST outside an interchange")
	case c.grp == nil:
		c.envelope("024", s.errAt(0, "transaction set outside a functional group"))
		t.Codes = append(t.Codes, "18")
	default:
		c.grp.Transactions = append(c.grp.Transactions, t)
	}
	ref := t.Reference
	if ref == "" && c.grp != nil {
		ref = c.grp.Version
	}
	t.Kind = TransactionKind(t.ID, ref)
	c.loops = NewLoops(t.Kind)
	c.loops.Next(s)
	c.hls, c.hlsHigh, c.nextHL = c.hls[:0], nil, 1
	c.igOn = false
	// The tables are the 5010 guides': a set of another version (GS08 or
	// ST03 004010..., say) is checked for syntax only.
	if set := igSets[t.Kind]; set != nil && !c.cfg.SyntaxOnly && set.st01 == t.ID && strings.HasPrefix(ref, "00501") {
		c.igOn = true
		c.ig.reset(set) // ST's elements are the envelope's, checked above
	}
	fid, known := functionalIDs[t.ID]
	switch {
	case !known:
		t.fail("1", s.errAt(1, "transaction set not supported"))
	case c.grp != nil && c.grp.FunctionalID != fid:
		t.fail("6", s.errAt(1, "the transaction set does not belong in a group of functional ID "+c.grp.FunctionalID))
	}
	if n := len(t.Control); n < 4 || n > 9 {
		t.fail("7", s.errAt(2, "the transaction set control number must be 4 to 9 characters"))
	}
}

func (t *TransactionResult) fail(code string, e *Error) {
	if !contains(t.Codes, code) {
		t.Codes = append(t.Codes, code)
	}
	t.Errors = append(t.Errors, e)
}

// closeTransaction ends a set whose SE is missing, at s.
func (c *Checker) closeTransaction(s *Segment) {
	if c.tx == nil {
		return
	}
	e := &Error{Segment: "SE", Msg: "the transaction set has no SE trailer"}
	if s != nil {
		e.Pos, e.Offset = s.Pos, s.Offset
	}
	c.tx.fail("2", e)
	c.tx = nil
}

func (c *Checker) endTransaction(s *Segment) {
	t := c.tx
	if t == nil {
		if c.cur != nil {
			c.envelope("024", s.errAt(0, "SE without ST"))
		} else {
			c.strayAt(s, "SE outside an interchange")
		}
		return
	}
	t.Segs++
	if c.igOn {
		c.ig.segment(c, s)
	}
	c.tx = nil
	if n, ok := atoi(s.Element(1)); !ok || n != t.Segs {
		t.fail("4", s.errAt(1, "the number of included segments does not match the count ("+itoa(t.Segs)+")"))
	}
	if s.Value(2) != t.Control {
		t.fail("3", s.errAt(2, "the transaction set control number in SE does not match ST02"))
	}
	if len(t.Segments) > 0 && !contains(t.Codes, "5") {
		t.Codes = append(t.Codes, "5")
	}
}

// inTransaction checks a segment inside a transaction set.
func (c *Checker) inTransaction(s *Segment) {
	t := c.tx
	if t == nil {
		switch {
		case c.cur == nil:
			c.strayAt(s, "segment outside an interchange")
		case c.grp == nil:
			c.envelope("024", s.errAt(0, "segment outside a functional group"))
		default:
			c.envelope("022", s.errAt(0, "segment outside a transaction set"))
		}
		return
	}
	t.Segs++
	loop, _ := c.loops.Next(s)
	if c.igOn {
		loop = c.ig.loop()
	}
	if !validID(s.ID) {
		c.note(s, loop, "1", nil, "unrecognized segment ID")
		return
	}
	if c.igOn {
		loop = c.ig.segment(c, s)
	}
	if s.ID == "HL" {
		c.checkHL(s, loop)
	}
}

// note records a segment error.
func (c *Checker) note(s *Segment, loop, code string, elems []ElementNote, msg string) {
	t := c.tx
	e := s.errAt(0, msg)
	if n := len(t.Segments); n > 0 && t.Segments[n-1].Pos == t.Segs && t.Segments[n-1].Code == code && t.Segments[n-1].ID == safeID(s.ID) {
		// One IK3 per segment, with an IK4 per element in error (the
		// first error found in each).
		last := &t.Segments[n-1]
		for _, e := range elems {
			if !slices.ContainsFunc(last.Elements, func(o ElementNote) bool { return o.Pos == e.Pos && o.Component == e.Component }) {
				last.Elements = append(last.Elements, e)
			}
		}
	} else if n >= MaxNotes {
		return
	} else {
		t.Segments = append(t.Segments, SegmentNote{ID: safeID(s.ID), Pos: t.Segs, Loop: loop, Code: code, Elements: elems})
	}
	if msg == "" {
		// The element errors of the guide's rules, each named.
		for _, el := range elems {
			m := elementErrors[el.Code]
			if el.Component > 0 {
				m = "component " + itoa(el.Component) + ": " + m
			}
			ee := s.errAt(el.Pos, m)
			ee.Loop = loop
			t.Errors = append(t.Errors, ee)
		}
		return
	}
	if len(elems) > 0 {
		e.Element = elems[0].Pos
	}
	e.Loop = loop
	t.Errors = append(t.Errors, e)
}

// elementErrors describes the IK403 codes the guide's rules give.
var elementErrors = map[string]string{
	"1": "required data element missing", "2": "conditional required data element missing",
	"3": "too many data elements", "4": "data element too short", "5": "data element too long",
	"6": "invalid character in data element", "7": "invalid code value", "8": "invalid date",
	"9": "invalid time", "10": "exclusion condition violated", "12": "too many repetitions",
	"13": "too many components", "I10": "implementation \"not used\" data element present",
}

// missing records a required segment (or loop, by its trigger) that did
// not occur, at the position of the segment where that was found.
func (c *Checker) missing(at *Segment, id, loop, msg string) {
	t := c.tx
	if len(t.Segments) >= MaxNotes {
		return
	}
	t.Segments = append(t.Segments, SegmentNote{ID: id, Pos: t.Segs, Loop: loop, Code: "3"})
	e := at.errAt(0, msg)
	e.Loop = loop
	t.Errors = append(t.Errors, e)
}

// unmissing withdraws the last report that segment id of loop was missing.
func (c *Checker) unmissing(id, loop string) {
	t := c.tx
	for i := len(t.Segments) - 1; i >= 0; i-- {
		if n := t.Segments[i]; n.Code == "3" && n.ID == id && n.Loop == loop {
			t.Segments = slices.Delete(t.Segments, i, i+1)
			break
		}
	}
	for i := len(t.Errors) - 1; i >= 0; i-- {
		if e := t.Errors[i]; e.Loop == loop && strings.HasPrefix(e.Msg, "required segment "+id+" ") {
			t.Errors = slices.Delete(t.Errors, i, i+1)
			break
		}
	}
}

// checkHL checks that HL01 numbers the levels 1, 2, 3... and that HL02 names
// an earlier level. The levels seen are kept as numbers, so a set of many
// claims costs no allocation per level.
func (c *Checker) checkHL(s *Segment, loop string) {
	id, ok := atoi(s.Element(1))
	if !ok || id != c.nextHL {
		c.note(s, loop, "8", []ElementNote{{Pos: 1, Ref: 628, Code: "7"}}, "HL01 does not number the levels in sequence (expected "+itoa(c.nextHL)+")")
	}
	c.nextHL++
	if p := s.Element(2); len(p) > 0 {
		n, ok := atoi(p)
		if !ok || !c.seenHL(n) {
			c.note(s, loop, "8", []ElementNote{{Pos: 2, Ref: 734, Code: "7"}}, "HL02 names no earlier hierarchical level")
		}
	}
	if len(s.Element(3)) == 0 {
		c.note(s, loop, "8", []ElementNote{{Pos: 3, Ref: 735, Code: "1"}}, "HL03 level code is missing")
	}
	if ok {
		c.markHL(id)
	}
}

// markHL records level id: in a bit set up to 16M levels (2 MB at most,
// 125 KB for a million claims), in a map beyond.
func (c *Checker) markHL(id int) {
	if id < 1<<24 {
		for id/64 >= len(c.hls) {
			c.hls = append(c.hls, 0)
		}
		c.hls[id/64] |= 1 << (id % 64)
		return
	}
	if c.hlsHigh == nil {
		c.hlsHigh = map[int]bool{}
	}
	c.hlsHigh[id] = true
}

func (c *Checker) seenHL(id int) bool {
	if id < 1<<24 {
		return id/64 < len(c.hls) && c.hls[id/64]&(1<<(id%64)) != 0
	}
	return c.hlsHigh[id]
}

// validID reports whether id is a segment ID: two or three upper-case
// letters or digits, the first a letter.
func validID(id string) bool {
	if len(id) < 2 || len(id) > 3 || id[0] < 'A' || id[0] > 'Z' {
		return false
	}
	for i := 1; i < len(id); i++ {
		if !(id[i] >= 'A' && id[i] <= 'Z' || id[i] >= '0' && id[i] <= '9') {
			return false
		}
	}
	return true
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func itoa(n int) string { return strconv.Itoa(n) }

// Check reads every interchange from r and returns the verdicts, in input
// order. It returns an error only when the input cannot be read as X12 at
// all (no ISA, unreadable separators), with the verdicts gathered before it.
func Check(r io.Reader, cfg Config) ([]*InterchangeResult, error) {
	rd := NewReader(r)
	c := NewChecker(cfg)
	var out []*InterchangeResult
	for {
		s, err := rd.Next()
		if errors.Is(err, io.EOF) {
			return append(out, c.End()...), nil
		}
		if err != nil {
			return append(out, c.End()...), err
		}
		if res := c.Add(s); res != nil {
			out = append(out, res)
		}
	}
}

// Summary returns the verdict in one line, for logs and tests: the TA1 note
// code, then each group's functional ID, AK9 status and codes, then each
// set's ID, IK5 status and codes and its segment errors as
// ID@position(loop):code. It holds no value from the interchange but
// control numbers.
func (r *InterchangeResult) Summary() string {
	var b strings.Builder
	b.WriteString("TA1 " + r.Note)
	if r.Acks > 0 {
		b.WriteString(" (interchange acknowledgment)")
	}
	for _, g := range r.Groups {
		b.WriteString("; GS " + g.FunctionalID + " " + g.Status())
		if len(g.Codes) > 0 {
			b.WriteString(" [" + strings.Join(g.Codes, " ") + "]")
		}
		for _, t := range g.Transactions {
			b.WriteString("; ST " + t.ID + " " + t.Status())
			if len(t.Codes) > 0 {
				b.WriteString(" [" + strings.Join(t.Codes, " ") + "]")
			}
			for _, s := range t.Segments {
				b.WriteString(" " + s.ID + "@" + itoa(s.Pos))
				if s.Loop != "" {
					b.WriteString("(" + s.Loop + ")")
				}
				b.WriteString(":" + s.Code)
			}
		}
	}
	return b.String()
}

// AllErrors returns every error found in the interchange, envelope first,
// then by group and set.
func (r *InterchangeResult) AllErrors() []*Error {
	out := append([]*Error(nil), r.Errors...)
	for _, g := range r.Groups {
		out = append(out, g.Errors...)
		for _, t := range g.Transactions {
			out = append(out, t.Errors...)
		}
	}
	return out
}
