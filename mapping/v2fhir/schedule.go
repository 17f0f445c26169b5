package v2fhir

import (
	"fmt"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// Scheduling (SIU_S12: S12 new booking, S13 rescheduling, S14
// modification, S15 cancellation). The IG's SIU_S12 message map makes one
// Appointment from SCH and completes it from the resource groups: AIS (the
// service), AIG, AIL (a location) and AIP (a person), each of which adds a
// participant. The IG has no event-specific content: the status comes from
// SCH-25 (FillerStatusCodes), and only when SCH-25 is not valued from the
// trigger event (S15 cancelled, else booked), as FHIR requires one.

// schedule maps an SCH to the message's Appointment, with its id from the
// filler appointment id (SCH-2), else the placer's (SCH-1).
func (c *conv) schedule(sch *hl7v2.Segment, st *state, used []bool) {
	if st.appointment != nil {
		c.unmapped = append(c.unmapped, Unmapped{Segment: "SCH", Index: c.segIndex, Reason: "second SCH in message"})
		return
	}
	a := c.newResource("Appointment")
	c.applySegment(c.ms.segments["SCH[Appointment]"], sch, a, used)
	// SCH-11 is mapped by the IG as "$this" with TQ[Appointment]: the
	// timing's start and end are the Appointment's.
	if tq := (val{sch.Field(11).Rep(1), 0}); !tq.empty() {
		if dt := c.ms.datatypes["TQ[Appointment]"]; dt != nil {
			c.curField = 11
			c.applyDT(dt, tq, a, 0)
			used[11] = true
		}
	}
	key := ""
	for _, f := range []int{2, 1} {
		ei := val{sch.Field(f).Rep(1), 0}
		if v := ei.part(1).text(); v != "" {
			key = fmt.Sprint(f, "|", v, "|", authority(ei, 2))
			break
		}
	}
	if key == "" {
		key = fmt.Sprint("msg|", c.msg.ControlID())
		c.note("SCH", 2, "no filler or placer appointment id: Appointment id made from the message")
	}
	st.appointment, st.appointmentKey = a, key
	st.last, st.lastType = a, "SCH"
}

// resource maps an AIS, AIG, AIL or AIP into the Appointment: its table
// adds a participant.
func (c *conv) resource(seg *hl7v2.Segment, st *state, used []bool) {
	if st.appointment == nil {
		c.unmapped = append(c.unmapped, Unmapped{Segment: c.segName, Index: c.segIndex, Reason: "no SCH before it"})
		return
	}
	if len(used) > 1 {
		used[1] = true // set id
	}
	t := c.ms.segments[c.segName+"[Appointment]"]
	if t == nil {
		c.unmapped = append(c.unmapped, Unmapped{Segment: c.segName, Index: c.segIndex, Reason: "segment not mapped"})
		return
	}
	c.applySegment(t, seg, st.appointment, used)
	c.finishParticipants(st.appointment)
	st.last, st.lastType = st.appointment, "SCH"
}

// finishParticipants gives each participant what FHIR requires: a status
// (needs-action where v2 gives none), and an actor or a type (app-1): one
// with neither (the period of an AIS, which names a service, not a
// participant) is not written, and reported.
func (c *conv) finishParticipants(a *obj) {
	ps, ok := a.get("participant").(*arr)
	if !ok {
		return
	}
	n := 0
	for _, e := range ps.v {
		p, ok := e.(*obj)
		if !ok {
			continue
		}
		if p.get("actor") == nil && p.get("type") == nil {
			if p.get("period") != nil {
				c.unmapped = append(c.unmapped, Unmapped{Segment: c.segName, Index: c.segIndex, Reason: "participant period without actor or type not written"})
			}
			continue
		}
		if p.str("status") == "" {
			p.set("status", "needs-action")
		}
		ps.v[n] = p
		n++
	}
	ps.v = ps.v[:n]
	if n == 0 {
		a.set("participant", nil)
	}
}

// finishAppointment completes the Appointment at the end of the message:
// the patient as a participant, a status, and its place in the Bundle.
func (c *conv) finishAppointment(st *state) {
	a := st.appointment
	if a == nil {
		return
	}
	c.finishParticipants(a)
	if st.patient != "" {
		p := c.newObj()
		p.set("actor", c.refTo(st.patient))
		p.set("status", "needs-action")
		c.push(a, "participant", p)
	}
	if a.str("status") == "" {
		if c.msg.Segment("MSH", 1).Field(9).Component(2).String() == "S15" {
			a.set("status", "cancelled")
		} else {
			a.set("status", "booked")
		}
	}
	if a.get("participant") == nil {
		c.note("SCH", 0, "no participant (no PID, AIL or AIP): Appointment not written")
		return
	}
	st.focus = append(st.focus, c.add(a, makeID("Appointment", st.appointmentKey)))
}
