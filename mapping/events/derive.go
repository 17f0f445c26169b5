package events

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/mapping/v2fhir"
)

// Result is what one message gave.
type Result struct {
	// Events are the message's events, in the order of the schema's rules
	// below (the patient's before the encounter's) and of the segments.
	Events []Event
	// Notes say why the message gave no event, or why an event one of its
	// parts could have given was not made, one sentence each.
	Notes []string
}

// Deriver derives events from messages, converting each with its FHIR
// converter for the resource ids. It is safe for concurrent use.
type Deriver struct {
	cv *v2fhir.Converter
}

// New returns a deriver whose references are those the converter cv gives.
func New(cv *v2fhir.Converter) *Deriver { return &Deriver{cv: cv} }

// DeriveBytes parses and derives one ER7 message.
func (d *Deriver) DeriveBytes(data []byte) (*Result, error) {
	m, err := hl7v2.Parse(data)
	if err != nil {
		return nil, err
	}
	return d.Derive(m)
}

// Derive returns the events of the message. A message type with no event
// gives an empty Result with a note, not an error; a message that cannot
// be converted to FHIR (so its references are unknown) gives the
// converter's error.
func (d *Deriver) Derive(m *hl7v2.Message) (*Result, error) {
	msh := m.Segment("MSH", 1)
	if msh == nil {
		return nil, errors.New("MSH: missing")
	}
	typ := msh.Field(9).Component(1).String() + "^" + msh.Field(9).Component(2).String()
	rule := rules[typ]
	if rule == nil {
		return &Result{Notes: []string{fmt.Sprintf("MSH-9 %s: no event of %s for this message type", typ, Schema)}}, nil
	}
	conv, err := d.cv.Convert(m)
	if err != nil {
		return nil, err
	}
	return FromConversion(m, conv)
}

// FromConversion derives the events of m from m and conv, its conversion
// to FHIR. The conversion gives the references; the message gives the
// rest.
func FromConversion(m *hl7v2.Message, conv *v2fhir.Result) (*Result, error) {
	msh := m.Segment("MSH", 1)
	if msh == nil {
		return nil, errors.New("MSH: missing")
	}
	typ := msh.Field(9).Component(1).String() + "^" + msh.Field(9).Component(2).String()
	var refs bundleRefs
	if err := json.Unmarshal(conv.Bundle, &refs); err != nil {
		return nil, fmt.Errorf("reading the FHIR conversion of %s: %w", typ, err)
	}
	b := &builder{m: m, msh: msh, typ: typ, refs: refs.index(), seq: map[string]int{}}
	b.source = Source{Application: msh.Field(3).Component(1).String(), Facility: msh.Field(4).Component(1).String()}
	when := msh.Field(7).Component(1).String()
	where := "MSH-7"
	if evn := m.Segment("EVN", 1); evn != nil && !evn.Field(2).Component(1).IsEmpty() {
		when, where = evn.Field(2).Component(1).String(), "EVN-2"
	}
	b.occurred = b.time(where, when)
	rule := rules[typ]
	if rule == nil {
		b.note("MSH-9 %s: no event of %s for this message type", typ, Schema)
	} else {
		rule(b)
	}
	if len(b.res.Events) == 0 && len(b.res.Notes) == 0 {
		b.note("MSH-9 %s: the message holds nothing that makes an event", typ)
	}
	return &b.res, nil
}

// builder is the state of one derivation.
type builder struct {
	m        *hl7v2.Message
	msh      *hl7v2.Segment
	typ      string
	refs     *resources
	source   Source
	occurred string
	seq      map[string]int // events of each type so far
	res      Result
}

func (b *builder) note(format string, args ...any) {
	b.res.Notes = append(b.res.Notes, fmt.Sprintf(format, args...))
}

// emit adds an event. Its id is derived from the sender, the control id,
// the type and how many events of the type the message gave before it.
func (b *builder) emit(typ string, subj Subject, data any) {
	n := b.seq[typ]
	b.seq[typ] = n + 1
	b.res.Events = append(b.res.Events, Event{
		Schema:     Schema,
		Type:       typ,
		ID:         eventID(b.msh.Field(3).String(), b.msh.Field(4).String(), b.m.ControlID(), typ, n),
		OccurredAt: b.occurred,
		Source:     b.source,
		Message:    Message{ControlID: b.m.ControlID(), Type: b.typ},
		Subject:    subj,
		Data:       data,
	})
}

// eventID is the first 32 hex digits of the SHA-256 of the schema, sending
// application and facility, control id, event type and ordinal.
func eventID(app, facility, control, typ string, n int) string {
	h := sha256.New()
	for _, p := range []string{Schema, app, facility, control, typ, strconv.Itoa(n)} {
		h.Write([]byte(p))
		h.Write([]byte{0x1f})
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// time converts a DTM of the named field; a value that is not one is
// noted and left out.
func (b *builder) time(field, s string) string {
	iso, ok := isoTime(s)
	if !ok {
		b.note("%s: %q is not a date/time: left out", field, s)
	}
	return iso
}

// bundleRefs is the part of the converter's Bundle events read.
type bundleRefs struct {
	Entry []struct {
		Resource resource `json:"resource"`
	} `json:"entry"`
}

type resource struct {
	ResourceType string `json:"resourceType"`
	ID           string `json:"id"`
	Identifier   []struct {
		Value string `json:"value"`
	} `json:"identifier"`
	Link []struct {
		Other struct {
			Reference string `json:"reference"`
		} `json:"other"`
		Type string `json:"type"`
	} `json:"link"`
	BasedOn []struct {
		Reference string `json:"reference"`
	} `json:"basedOn"`
	Result []struct {
		Reference string `json:"reference"`
	} `json:"result"`
}

func (r *resource) ref() string { return r.ResourceType + "/" + r.ID }

// resources are the Bundle's resources by type, in Bundle order (the order
// the converter made them: segment order).
type resources struct {
	byType map[string][]*resource
}

func (br *bundleRefs) index() *resources {
	rs := &resources{byType: map[string][]*resource{}}
	for i := range br.Entry {
		r := &br.Entry[i].Resource
		rs.byType[r.ResourceType] = append(rs.byType[r.ResourceType], r)
	}
	return rs
}

// first is the first resource of the type, or nil.
func (rs *resources) first(typ string) *resource {
	if l := rs.byType[typ]; len(l) > 0 {
		return l[0]
	}
	return nil
}

// match finds the resource of the type made from the n-th order group
// (0-based) of the message: the one with an identifier valued as the first
// of keys that any has, else the n-th of the type when the message made
// exactly as many groups as the Bundle has resources of the type (the
// converter merges resources with the same business key, so counts can
// differ).
func (rs *resources) match(typ string, n, groups int, keys ...string) *resource {
	l := rs.byType[typ]
	for _, k := range keys {
		if k == "" {
			continue
		}
		for _, r := range l {
			for _, id := range r.Identifier {
				if id.Value == k {
					return r
				}
			}
		}
	}
	if len(l) == groups && n < len(l) {
		return l[n]
	}
	return nil
}
