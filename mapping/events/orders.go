package events

import (
	"fmt"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// group is an order group of the message: an ORC and the OBR or RXA that
// details it, with the OBXs after it. A second OBR after one ORC begins a
// group of its own under the same ORC, as the converter reads it.
type group struct {
	orc, obr, rxa *hl7v2.Segment
	obx           []*hl7v2.Segment
	at            int // 1-based position of its first segment
}

func groups(m *hl7v2.Message) []*group {
	var out []*group
	var cur *group
	var orc *hl7v2.Segment
	for i := 0; i < m.Len(); i++ {
		s := m.Seg(i)
		switch s.Name() {
		case "ORC":
			orc = s
			cur = &group{orc: s, at: i + 1}
			out = append(out, cur)
		case "OBR", "RXA":
			if cur == nil || cur.obr != nil || cur.rxa != nil {
				cur = &group{orc: orc, at: i + 1}
				out = append(out, cur)
			}
			if s.Name() == "OBR" {
				cur.obr = s
			} else {
				cur.rxa = s
			}
		case "OBX":
			if cur != nil {
				cur.obx = append(cur.obx, s)
			}
		}
	}
	return out
}

// field is field f of the group's ORC, else of the other segment.
func field(orc, other *hl7v2.Segment, f int) hl7v2.Value {
	if orc != nil && !orc.Field(f).IsEmpty() {
		return orc.Field(f)
	}
	if other != nil {
		return other.Field(f)
	}
	return hl7v2.Value{}
}

// keys are the order numbers that name a group's resources, filler's
// first: OBR-3, OBR-2, ORC-3, ORC-2.
func keys(g *group) []string {
	var k []string
	for _, s := range []*hl7v2.Segment{g.obr, g.orc} {
		if s != nil {
			k = append(k, s.Field(3).Rep(1).Component(1).String(), s.Field(2).Rep(1).Component(1).String())
		}
	}
	return k
}

// orders makes order.placed / order.cancelled from each order group of an
// ORM^O01 or OML^O21, by its order control code (ORC-1).
func orders(b *builder) {
	patient := b.patientRef()
	enc := ""
	if r := b.refs.first("Encounter"); r != nil {
		enc = r.ref()
	}
	gs := groups(b.m)
	for n, g := range gs {
		if g.orc == nil {
			b.note("OBR (segment %d): no ORC before it, no order control: no event", g.at)
			continue
		}
		control := g.orc.Field(1).Component(1).String()
		var typ string
		switch control {
		case "NW":
			typ = OrderPlaced
		case "CA", "OC":
			typ = OrderCancelled
		default:
			b.note("ORC-1 %q (segment %d): no event for this order control code", control, g.at)
			continue
		}
		subj := Subject{Patient: patient, Encounter: enc}
		if r := b.refs.match("ServiceRequest", n, len(gs), keys(g)...); r != nil {
			subj.ServiceRequest = r.ref()
		} else {
			b.note("ORC (segment %d): its ServiceRequest is not in the FHIR conversion", g.at)
		}
		d := &OrderData{
			Control:     control,
			Placer:      identifier(field(g.orc, g.obr, 2).Rep(1), 2),
			Filler:      identifier(field(g.orc, g.obr, 3).Rep(1), 2),
			PlacerGroup: identifier(g.orc.Field(4).Rep(1), 2),
			OrderedAt:   b.time(fmt.Sprintf("ORC-9 (segment %d)", g.at), g.orc.Field(9).Component(1).String()),
			Status:      g.orc.Field(5).Component(1).String(),
		}
		if g.obr != nil {
			d.Code = code(g.obr.Field(4).Rep(1))
		}
		b.emit(typ, subj, d)
	}
}

// results makes one result.* event per OBR of an ORU^R01, its type from
// the report status (OBR-25) and the observations' (OBX-11): a correction
// anywhere makes result.corrected; else F makes result.final; P, A and R
// make result.preliminary. With no OBR-25 the OBXs decide: all F is final,
// any other result status preliminary.
func results(b *builder) {
	patient := b.patientRef()
	enc := ""
	if r := b.refs.first("Encounter"); r != nil {
		enc = r.ref()
	}
	var gs []*group
	for _, g := range groups(b.m) {
		if g.obr != nil {
			gs = append(gs, g)
		}
	}
	for n, g := range gs {
		at := g.at
		if g.orc != nil && g.obr != nil {
			at = segIndex(b.m, g.obr)
		}
		status := g.obr.Field(25).Component(1).String()
		typ := resultType(status, g.obx)
		if typ == "" {
			b.note("OBR-25 %q (segment %d): no result event for this result status", status, at)
			continue
		}
		subj := Subject{Patient: patient, Encounter: enc}
		d := &ResultData{
			Placer:       identifier(g.obr.Field(2).Rep(1), 2),
			Filler:       identifier(g.obr.Field(3).Rep(1), 2),
			Code:         code(g.obr.Field(4).Rep(1)),
			ObservedAt:   b.time(fmt.Sprintf("OBR-7 (segment %d)", at), g.obr.Field(7).Component(1).String()),
			ReportedAt:   b.time(fmt.Sprintf("OBR-22 (segment %d)", at), g.obr.Field(22).Component(1).String()),
			ReportStatus: status,
		}
		if r := b.refs.match("DiagnosticReport", n, len(gs), keys(g)...); r != nil {
			subj.DiagnosticReport = r.ref()
			if len(r.BasedOn) > 0 {
				subj.ServiceRequest = r.BasedOn[0].Reference
			}
			for _, o := range r.Result {
				d.Observations = append(d.Observations, o.Reference)
			}
			if len(d.Observations) == len(g.obx) {
				for i, obx := range g.obx {
					if obx.Field(11).Component(1).String() == "C" {
						d.Corrected = append(d.Corrected, d.Observations[i])
					}
				}
			} else if typ == ResultCorrected {
				b.note("OBR (segment %d): %d OBX made %d Observations: corrected ones not listed", at, len(g.obx), len(d.Observations))
			}
		} else {
			b.note("OBR (segment %d): its DiagnosticReport is not in the FHIR conversion", at)
		}
		b.emit(typ, subj, d)
	}
}

// resultType is the event type of an OBR's report status and OBXs, or ""
// for a status that reports no result (O, I, S: not yet; X: cannot be).
func resultType(status string, obx []*hl7v2.Segment) string {
	final, other := 0, 0
	for _, s := range obx {
		switch s.Field(11).Component(1).String() {
		case "C":
			return ResultCorrected
		case "F":
			final++
		case "":
		default:
			other++
		}
	}
	switch status {
	case "C":
		return ResultCorrected
	case "F":
		return ResultFinal
	case "P", "A", "R":
		return ResultPreliminary
	case "":
		switch {
		case other > 0:
			return ResultPreliminary
		case final > 0:
			return ResultFinal
		}
	}
	return ""
}

// immunizations makes immunization.recorded from each RXA of a VXU^V04,
// except those whose action code (RXA-21) is D, a deletion.
func immunizations(b *builder) {
	patient := b.patientRef()
	enc := ""
	if r := b.refs.first("Encounter"); r != nil {
		enc = r.ref()
	}
	var gs []*group
	for _, g := range groups(b.m) {
		if g.rxa != nil {
			gs = append(gs, g)
		}
	}
	for n, g := range gs {
		at := segIndex(b.m, g.rxa)
		action := g.rxa.Field(21).Component(1).String()
		if action == "D" {
			b.note("RXA-21 D (segment %d): a deleted immunization record: no event", at)
			continue
		}
		subj := Subject{Patient: patient, Encounter: enc}
		var k []string
		if g.orc != nil {
			k = []string{g.orc.Field(3).Rep(1).Component(1).String(), g.orc.Field(2).Rep(1).Component(1).String()}
		}
		if r := b.refs.match("Immunization", n, len(gs), k...); r != nil {
			subj.Immunization = r.ref()
		} else {
			b.note("RXA (segment %d): its Immunization is not in the FHIR conversion", at)
		}
		b.emit(ImmunizationRecorded, subj, &ImmunizationData{
			Vaccine:        code(g.rxa.Field(5).Rep(1)),
			AdministeredAt: b.time(fmt.Sprintf("RXA-3 (segment %d)", at), g.rxa.Field(3).Component(1).String()),
			Completion:     g.rxa.Field(20).Component(1).String(),
			Action:         action,
			Lot:            g.rxa.Field(15).Rep(1).Component(1).String(),
		})
	}
}

// segIndex is the 1-based position of s in m.
func segIndex(m *hl7v2.Message, s *hl7v2.Segment) int {
	for i := 0; i < m.Len(); i++ {
		if m.Seg(i) == s {
			return i + 1
		}
	}
	return 0
}
