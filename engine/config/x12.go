package config

import (
	"fmt"
	"time"

	"github.com/plexus-health/plexus/format/x12"
)

// DefaultX12DuplicateWindow is how long a channel remembers the interchange
// control numbers (ISA13) each partner sent, unless x12.duplicate_window
// says otherwise.
const DefaultX12DuplicateWindow = 30 * 24 * time.Hour

// X12 is a channel's "x12" section: how the X12 interchanges it receives
// (content application/edi-x12) are checked and acknowledged.
//
//	x12:
//	  ack: both                  # auto (default), ta1, 999, both, none
//	  duplicate_window: 720h     # default 30 days; 0 turns the check off
//	  split: claims              # each 837 claim a message of its own; default none
//	  guides: false              # envelopes and syntax only; default true
//	  partners:
//	    - {sender: SUBMITTERS.ID, receiver: RECEIVERS.ID, usage: P}
type X12 struct {
	// Ack is the acknowledgment mode: "" (auto: a TA1 and a 999 when
	// ISA14 asks for a TA1, else a 999), "ta1", "999", "both" or "none".
	// Validation turns "auto" into "".
	Ack string `yaml:"ack"`
	// DuplicateWindow is how long an accepted ISA13 is remembered per
	// partner; a repeat within it is refused (TA1 note 025).
	DuplicateWindow time.Duration `yaml:"duplicate_window"`
	// Partners are the known trading partners.
	Partners []X12Partner `yaml:"partners"`
	// Split is "claims" to route each claim of an accepted 837 as a
	// message of its own, the interchange kept as their parent; "" (or
	// "none", which validation turns into "") routes the interchange as
	// one message.
	Split string `yaml:"split"`
	// Guides, when false, checks the envelopes and syntax only, not the
	// 5010 implementation guides' segment and element rules (nil: true).
	Guides *bool `yaml:"guides"`
}

// SyntaxOnly reports whether the implementation guides are turned off.
func (x *X12) SyntaxOnly() bool { return x.Guides != nil && !*x.Guides }

// X12Partner is one trading partner: its ISA06 sender and ISA08 receiver
// IDs (without padding; empty matches any) and the ISA15 usage it must
// send, T (test) or P (production); empty accepts either.
type X12Partner struct {
	Sender   string `yaml:"sender"`
	Receiver string `yaml:"receiver"`
	Usage    string `yaml:"usage"`
}

// TradingPartners returns the partners in the form format/x12 checks.
func (x *X12) TradingPartners() []x12.Partner {
	var out []x12.Partner
	for _, p := range x.Partners {
		xp := x12.Partner{Sender: p.Sender, Receiver: p.Receiver}
		if p.Usage != "" {
			xp.Usage = p.Usage[0]
		}
		out = append(out, xp)
	}
	return out
}

// x12 checks the channel's "x12" section.
func (c *checker) x12() {
	x := &c.ch.X12
	switch x.Ack {
	case "auto":
		x.Ack = ""
	case "", "ta1", "999", "both", "none":
	default:
		c.problem(".x12.ack", "%q is not one of auto, ta1, 999, both, none", x.Ack)
	}
	switch x.Split {
	case "none":
		x.Split = ""
	case "", "claims":
	default:
		c.problem(".x12.split", "%q is not one of none, claims", x.Split)
	}
	for i, p := range x.Partners {
		sub := fmt.Sprintf(".x12.partners[%d]", i)
		// ISA06 and ISA08 are 15 characters, padded with spaces.
		for _, f := range []struct{ key, v string }{{"sender", p.Sender}, {"receiver", p.Receiver}} {
			if len(f.v) > 15 {
				c.problem(sub+"."+f.key, "%q is longer than the 15 characters of ISA06/ISA08", f.v)
			}
		}
		switch p.Usage {
		case "", "T", "P":
		default:
			c.problem(sub+".usage", "%q is not T (test) or P (production)", p.Usage)
		}
		if p.Sender == "" && p.Receiver == "" && p.Usage == "" {
			c.problem(sub, "names no sender, receiver or usage")
		}
	}
}
