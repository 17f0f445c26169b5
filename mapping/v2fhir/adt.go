package v2fhir

import (
	"github.com/plexus-health/plexus/format/hl7v2"
)

// Segments of the patient administration groups: next of kin, insurance,
// procedures, allergies. The IG's ADT message maps give each a table; what they need
// around it (subject, status, id) is here.

// contactOnly are the NK1-3 relationships (HL7 table 0063) that the IG's
// ADT message maps make a Patient.contact only, not also a RelatedPerson:
// emergency contact, employer, father… of the patient's own record keeping.
var contactOnly = map[string]bool{"EMR": true, "E": true, "F": true, "I": true, "S": true}

// nextOfKin maps an NK1 as the IG's ADT message maps do: always a
// Patient.contact (NK1[Patient]); also a RelatedPerson (NK1[RelatedPerson])
// unless NK1-3.1 is one of EMR, E, F, I, S.
func (c *conv) nextOfKin(nk1 *hl7v2.Segment, st *state, used []bool) {
	if st.patientObj == nil {
		return
	}
	n := len(st.patientObj.list("contact"))
	c.applySegment(c.ms.segments["NK1[Patient]"], nk1, st.patientObj, used)
	if cs := st.patientObj.list("contact"); len(cs) > n {
		// pat-1: a contact has a name, telecom, address or organization.
		ct, _ := cs[len(cs)-1].(*obj)
		if ct != nil && ct.get("name") == nil && ct.get("telecom") == nil && ct.get("address") == nil && ct.get("organization") == nil {
			st.patientObj.get("contact").(*arr).v = cs[:len(cs)-1]
			if len(cs) == 1 {
				st.patientObj.set("contact", nil)
			}
			c.unmapped = append(c.unmapped, Unmapped{Segment: "NK1", Index: c.segIndex, Reason: "contact without name, telecom, address or organization not written"})
		}
	}
	if contactOnly[val{nk1.Field(3).Rep(1), 0}.part(1).text()] {
		return
	}
	r := c.newResource("RelatedPerson")
	c.applySegment(c.ms.segments["NK1[RelatedPerson]"], nk1, r, used)
	c.child(r, "patient").set("reference", st.patient)
	c.add(r, makeID("RelatedPerson", st.patient, nk1.Field(2).String(), nk1.Field(3).String()))
}

// coverage maps an IN1 to a Coverage of the patient, with its id from the
// patient, the plan (IN1-2), the company (IN1-3) and the policy number
// (IN1-36). The IG maps no status: a Coverage a message carries is active.
// FHIR requires a payor: without IN1-4 it is named as unknown, and
// reported.
func (c *conv) coverage(in1 *hl7v2.Segment, st *state, used []bool) {
	if st.patient == "" {
		c.unmapped = append(c.unmapped, Unmapped{Segment: "IN1", Index: c.segIndex, Reason: "no PID: Coverage not written"})
		return
	}
	r := c.newResource("Coverage")
	c.applySegment(c.ms.segments["IN1[Coverage]"], in1, r, used)
	if r.str("status") == "" {
		r.set("status", "active")
	}
	r.set("beneficiary", c.refTo(st.patient))
	if r.get("payor") == nil {
		p := c.newObj()
		p.set("display", "unknown")
		c.push(r, "payor", p)
		c.note("IN1", 4, "no insurance company: Coverage payor unknown")
	}
	st.coverage = c.add(r, makeID("Coverage", st.patient, in1.Field(2).String(), in1.Field(3).String(), in1.Field(36).String()))
	st.last, st.lastType = r, "IN1"
}

// procedure maps a PR1 to a Procedure of the patient (status unknown, as
// the IG says), with its id from the patient and the procedure identifier
// (PR1-19), else its code (PR1-3) and date (PR1-5).
func (c *conv) procedure(pr1 *hl7v2.Segment, st *state, used []bool) {
	if st.patient == "" {
		c.unmapped = append(c.unmapped, Unmapped{Segment: "PR1", Index: c.segIndex, Reason: "no PID: Procedure not written"})
		return
	}
	r := c.newResource("Procedure")
	c.applySegment(c.ms.segments["PR1[Procedure]"], pr1, r, used)
	if r.str("status") == "" {
		r.set("status", "unknown")
	}
	c.dropWithout(r, "performer", "actor", "PR1-8/11/12")
	r.set("subject", c.refTo(st.patient))
	if st.encounter != "" {
		r.set("encounter", c.refTo(st.encounter))
	}
	key := ""
	if ei := (val{pr1.Field(19).Rep(1), 0}); ei.part(1).text() != "" {
		key = "19|" + ei.part(1).text() + "|" + authority(ei, 2)
	} else {
		key = "3|" + val{pr1.Field(3).Rep(1), 0}.text() + "|" + pr1.Field(5).String()
	}
	c.add(r, makeID("Procedure", st.patient, key))
	st.last, st.lastType = r, "PR1"
}

// allergy maps an AL1 or an IAM (AL1[AllergyIntolerance],
// IAM[AllergyIntolerance]) to an AllergyIntolerance of the patient, with its
// id from the patient and the allergen (AL1-3, IAM-3: the same field of
// both), so that an allergy a system first sends as AL1 and later as IAM is
// one resource. The IG's ADT message maps list IAM without a target; its
// IAM map is the one used. Both tables map the severity (field 4) to
// criticality and to reaction.severity, where FHIR requires a reaction to
// name its manifestation (field 5): a reaction without one is not written,
// and reported.
func (c *conv) allergy(seg *hl7v2.Segment, st *state, used []bool) {
	name := seg.Name()
	if st.patient == "" {
		c.unmapped = append(c.unmapped, Unmapped{Segment: name, Index: c.segIndex, Reason: "no PID: AllergyIntolerance not written"})
		return
	}
	t, severity := c.ms.segments["AL1[AllergyIntolerance]"], "AL1-4"
	if name == "IAM" {
		t, severity = c.ms.segments["IAM[AllergyIntolerance]"], "IAM-4"
	}
	r := c.newResource("AllergyIntolerance")
	c.applySegment(t, seg, r, used)
	c.dropWithout(r, "reaction", "manifestation", severity)
	if a, ok := r.get("reaction").(*arr); ok && len(a.v) == 0 {
		r.set("reaction", nil)
	}
	c.child(r, "patient").set("reference", st.patient)
	c.add(r, makeID("AllergyIntolerance", st.patient, seg.Field(3).String()))
}

// insuranceDetail maps what the IG maps of an IN2 or IN3, and reports the
// rest field by field. The IG publishes no IN2 map, nor one of IN3 into
// Coverage (both "under construction"), though its message maps say to
// incorporate them into the IN1's Coverage. Its ADT maps make a CareTeam of
// the patient from IN3 (IN3[CareTeam]), whose only row gives IN3-21 (case
// manager) the role "case manager": the CareTeam is made when IN3-21 is
// valued, with its id from the Coverage (or patient) and the IN3's set id;
// the manager's name itself is placed nowhere by the IG, and reported.
func (c *conv) insuranceDetail(seg *hl7v2.Segment, st *state, used []bool) {
	name := seg.Name()
	if name == "IN3" && st.patient != "" && !seg.Field(21).IsEmpty() {
		if t := c.ms.segments["IN3[CareTeam]"]; t != nil {
			r := c.newResource("CareTeam")
			c.applySegment(t, seg, r, used)
			r.set("subject", c.refTo(st.patient))
			owner := st.coverage
			if owner == "" {
				owner = st.patient
			}
			c.add(r, makeID("CareTeam", owner, "IN3", seg.Field(1).String()))
			c.unmapped = append(c.unmapped, Unmapped{Segment: name, Index: c.segIndex, Field: 21,
				Reason: "case manager's name not mapped: IN3[CareTeam] gives only the participant's role"})
		}
	}
	reason := "field not mapped: the IG has no " + name + " map into Coverage"
	for f := 1; f <= seg.NumFields(); f++ {
		if f < len(used) && used[f] || seg.Field(f).IsEmpty() {
			continue
		}
		c.unmapped = append(c.unmapped, Unmapped{Segment: name, Index: c.segIndex, Field: f, Reason: reason})
	}
}
