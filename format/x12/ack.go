package x12

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// AckOptions are the choices of the answering side.
type AckOptions struct {
	// Control is the interchange control number of the answer (ISA13, also
	// GS06 of its group); the caller keeps it unique per partner. 1 to
	// 999999999. When both a TA1 and a 999 are written, the TA1 takes
	// Control and the 999 the number after it.
	Control int
	// Now is the time written in the answer's envelopes; zero means the
	// current time. It is written in UTC.
	Now time.Time
}

// Acknowledge writes the answers to an interchange from its verdict: a TA1
// interchange when its envelope is in error or ISA14 asks for one, and,
// when the envelope is accepted, a 999 interchange with one 999 transaction
// set per functional group (AK1, AK2/IK3/IK4/IK5 per transaction set, AK9).
// Either is nil when not due. An interchange that is itself an
// acknowledgment (TA1 segments, or groups of 999/997 sets, functional ID
// FA) is never acknowledged, so both are nil for it.
//
// The answers use the inbound separators, swap its sender and receiver,
// and carry its usage indicator (ISA15).
func Acknowledge(r *InterchangeResult, opts AckOptions) (ta1, ack999 []byte, err error) {
	if r == nil || r.ISA == nil {
		return nil, nil, errors.New("x12: no interchange header to acknowledge")
	}
	if opts.Control < 1 || opts.Control > 999999999 {
		return nil, nil, fmt.Errorf("x12: answer control number %d is not between 1 and 999999999", opts.Control)
	}
	now := opts.Now
	if now.IsZero() {
		now = time.Now()
	}
	now = now.UTC()
	var groups []*GroupResult
	for _, g := range r.Groups {
		if g.FunctionalID != "FA" {
			groups = append(groups, g)
		}
	}
	if r.Acks > 0 || (len(r.Groups) > 0 && len(groups) == 0) {
		return nil, nil, nil
	}
	d := r.ISA.Delims
	if d.Repetition == 0 {
		d.Repetition = pickRepetition(d)
	}
	w := &ackWriter{d: d}
	ctl := fmt.Sprintf("%09d", opts.Control)
	if r.Note != "000" || r.AckRequested {
		w.isa(r, ctl, now)
		status := "A"
		if r.Note != "000" {
			status = "R"
		}
		w.seg("TA1", r.Control, r.ISA.Value(9), r.ISA.Value(10), status, r.Note)
		w.seg("IEA", "0", ctl)
		ta1 = w.bytes()
	}
	if r.Note != "000" || len(groups) == 0 {
		return ta1, nil, nil
	}
	if ta1 != nil {
		opts.Control = opts.Control%999999999 + 1
		ctl = fmt.Sprintf("%09d", opts.Control)
	}
	w = &ackWriter{d: d}
	w.isa(r, ctl, now)
	gs := groups[0].GS
	w.seg("GS", "FA", gs.Value(3), gs.Value(2), now.Format("20060102"), now.Format("1504"), itoa(opts.Control), "X", "005010X231A1")
	for i, g := range groups {
		w.ack999(g, fmt.Sprintf("%04d", i+1))
	}
	w.seg("GE", itoa(len(groups)), itoa(opts.Control))
	w.seg("IEA", "1", ctl)
	return ta1, w.bytes(), nil
}

// pickRepetition chooses a repetition separator for an answer to a 4010
// interchange, which had none: ^ unless that is already a separator.
func pickRepetition(d Delimiters) byte {
	for _, c := range []byte{'^', '{', '!', '`'} {
		if c != d.Element && c != d.Component && c != d.Segment {
			return c
		}
	}
	return 0
}

type ackWriter struct {
	d     Delimiters
	out   []byte
	count int // segments since ST
}

func (w *ackWriter) seg(id string, elems ...string) {
	w.out = append(w.out, NewSegment(w.d, id, elems...).Raw...)
	w.out = append(w.out, w.d.Segment)
	w.count++
}

func (w *ackWriter) bytes() []byte { return w.out }

// isa writes the answer's ISA, from receiver to sender.
func (w *ackWriter) isa(r *InterchangeResult, ctl string, now time.Time) {
	in := r.ISA
	pad := func(s string, n int) string {
		if len(s) > n {
			return s[:n]
		}
		return s + strings.Repeat(" ", n-len(s))
	}
	rep := "U"
	if w.d.Repetition != 0 {
		rep = string(w.d.Repetition)
	}
	usage := r.Usage
	if usage != "T" && usage != "P" && usage != "I" {
		usage = "P"
	}
	w.seg("ISA", "00", pad("", 10), "00", pad("", 10),
		pad(in.Value(7), 2), pad(in.Value(8), 15), pad(in.Value(5), 2), pad(in.Value(6), 15),
		now.Format("060102"), now.Format("1504"), rep, "00501", ctl, "0", usage, string(w.d.Component))
}

// ack999 writes one 999 transaction set for a functional group.
func (w *ackWriter) ack999(g *GroupResult, ctl string) {
	w.count = 0
	w.seg("ST", "999", ctl, "005010X231A1")
	ctlNo := g.Control
	if _, ok := atoi([]byte(ctlNo)); !ok {
		ctlNo = "0" // AK102 is numeric; AK905 6 says the number was not
	}
	w.seg("AK1", g.FunctionalID, ctlNo, g.Version)
	for _, t := range g.Transactions {
		w.seg("AK2", t.ID, t.Control, t.Reference)
		for _, s := range t.Segments {
			// IK303 (element 447, 1 to 4 characters in 5010) is the loop
			// of the standard's diagram: the guide's 2010AA is 2010.
			loop := s.Loop
			if len(loop) > 4 {
				loop = loop[:4]
			}
			id := s.ID
			if len(id) < 2 {
				id = "??" // IK301 has two or three characters; this one had none readable
			}
			w.seg("IK3", id, itoa(s.Pos), loop, s.Code)
			for _, e := range s.Elements {
				pos := itoa(e.Pos)
				if e.Component > 0 {
					pos += string(w.d.Component) + itoa(e.Component)
				}
				ref := ""
				if e.Ref > 0 {
					ref = itoa(e.Ref)
				}
				w.seg("IK4", pos, ref, e.Code)
			}
		}
		w.seg("IK5", append([]string{t.Status()}, firstN(t.Codes, 5)...)...)
	}
	declared := g.Declared
	if declared < 0 {
		declared = len(g.Transactions)
	}
	w.seg("AK9", append([]string{g.Status(), itoa(declared), itoa(len(g.Transactions)), itoa(g.accepted())}, firstN(g.Codes, 5)...)...)
	w.seg("SE", itoa(w.count+1), ctl)
}

func firstN(s []string, n int) []string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
