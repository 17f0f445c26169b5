package x12

import (
	"errors"
	"io"
)

// Transaction is one transaction set, from ST to SE, with the headers of
// its interchange and group and the loop of each of its segments.
type Transaction struct {
	ISA, GS  *Segment
	Kind     string     // see TransactionKind
	Segments []*Segment // ST first, SE last when present
	Loops    []string   // the loop ID of each segment, "" at the top level
}

// ID returns ST01.
func (t *Transaction) ID() string { return t.Segments[0].Value(1) }

// Control returns ST02.
func (t *Transaction) Control() string { return t.Segments[0].Value(2) }

// Scanner reads the transaction sets of a stream one at a time while a
// Checker validates the envelopes, so that a file of any size is read with
// the memory of its largest transaction set. It is not safe for concurrent
// use.
type Scanner struct {
	r       *Reader
	c       *Checker
	isa, gs *Segment
	loops   *Loops
	cur     *Transaction
	done    []*InterchangeResult
	err     error
	// Segment, when set, is called with every segment read, envelopes
	// included, before it is checked (for counting or splitting).
	Segment func(*Segment)
}

// NewScanner returns a Scanner reading r and checking it with cfg.
func NewScanner(r io.Reader, cfg Config) *Scanner {
	return &Scanner{r: NewReader(r), c: NewChecker(cfg)}
}

// Reader returns the underlying segment reader.
func (s *Scanner) Reader() *Reader { return s.r }

// Next returns the next transaction set. At the end of the input it returns
// io.EOF; for input that cannot be read as X12 an *Error, after which the
// verdicts gathered are still available from Verdicts. A set whose SE is
// missing is returned as far as it goes.
func (s *Scanner) Next() (*Transaction, error) {
	if s.err != nil {
		return nil, s.err
	}
	for {
		seg, err := s.r.Next()
		if err != nil {
			s.done = append(s.done, s.c.End()...)
			if !errors.Is(err, io.EOF) {
				s.err = err
			} else {
				s.err = io.EOF
			}
			if t := s.cur; t != nil {
				s.cur = nil
				return t, nil
			}
			return nil, s.err
		}
		if s.Segment != nil {
			s.Segment(seg)
		}
		if res := s.c.Add(seg); res != nil {
			s.done = append(s.done, res)
		}
		var out *Transaction
		switch seg.ID {
		case "ISA":
			out, s.isa, s.gs = s.cur, seg, nil
			s.cur = nil
		case "GS":
			out, s.gs = s.cur, seg
			s.cur = nil
		case "GE", "IEA":
			out = s.cur
			s.cur = nil
		case "ST":
			out = s.cur
			ref := seg.Value(3)
			if ref == "" && s.gs != nil {
				ref = s.gs.Value(8)
			}
			kind := TransactionKind(seg.Value(1), ref)
			s.loops = NewLoops(kind)
			s.loops.Next(seg)
			s.cur = &Transaction{ISA: s.isa, GS: s.gs, Kind: kind, Segments: []*Segment{seg}, Loops: []string{""}}
		default:
			if s.cur != nil {
				loop, _ := s.loops.Next(seg)
				s.cur.Segments = append(s.cur.Segments, seg)
				s.cur.Loops = append(s.cur.Loops, loop)
				if seg.ID == "SE" {
					out = s.cur
					s.cur = nil
				}
			}
		}
		if out != nil {
			return out, nil
		}
	}
}

// Verdicts returns the verdicts on the interchanges completed since the last
// call.
func (s *Scanner) Verdicts() []*InterchangeResult {
	out := s.done
	s.done = nil
	return out
}
