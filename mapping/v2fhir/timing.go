package v2fhir

import (
	"strings"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// Timing of orders. The IG's OML_O21 and MDM_T02 message maps place a TQ1
// in the order group and map it into the group's ServiceRequest
// (TQ1[ServiceRequest]: occurrenceTiming, quantity, priority); in a group
// whose detail is an RXO it is the MedicationRequest's dosage timing
// (TQ1[MedicationRequest]). The ORU_R01 map names TQ1 without a target: the
// same TQ1[ServiceRequest] map is used there, as the order is the same
// ServiceRequest. A VXU's TQ1 has no target (the IG maps none into
// Immunization) and is reported.

// timing maps a TQ1 into the resource of its order group. It reports
// whether it did; when not, the segment is reported.
func (c *conv) timing(tq1 *hl7v2.Segment, st *state, used []bool) bool {
	typ := ""
	if st.group != nil {
		typ = st.group.str("resourceType")
	}
	switch typ {
	case "MedicationRequest":
		// Each TQ1 of a pharmacy order is one dosage: a change of dose or
		// timing over the course of the order.
		st.timings++
		c.intoDosage(c.ms.segments["TQ1[MedicationRequest]"], tq1, st.group, st.timings, used)
		if ds := st.group.list("dosageInstruction"); len(ds) >= st.timings {
			if d, ok := ds[st.timings-1].(*obj); ok {
				c.finishTiming(d.get("timing"), tq1)
				if first, ok := ds[0].(*obj); ok && st.timings > 1 {
					copyRoute(d, first)
				}
			}
		}
		return true
	case "ServiceRequest":
		st.timings++
		if st.timings > 1 {
			c.unmapped = append(c.unmapped, Unmapped{Segment: "TQ1", Index: c.segIndex, Reason: "second TQ1 of the order not mapped: a ServiceRequest has one occurrence"})
			return false
		}
		c.applySegment(c.ms.segments["TQ1[ServiceRequest]"], tq1, st.group, used)
		c.finishTiming(st.group.get("occurrenceTiming"), tq1)
		c.oneOccurrence(st.group)
		return true
	case "":
		c.unmapped = append(c.unmapped, Unmapped{Segment: "TQ1", Index: c.segIndex, Reason: "no order (ORC or OBR) before it"})
	default:
		c.unmapped = append(c.unmapped, Unmapped{Segment: "TQ1", Index: c.segIndex, Reason: "segment not mapped: the IG maps no TQ1 into " + typ})
	}
	return false
}

// oneOccurrence keeps one occurrence[x] of a ServiceRequest: a TQ1 gives
// occurrenceTiming, the OBR its requested date/time (OBR-6) as
// occurrenceDateTime. The timing, which holds its bounds, is kept; the other
// is reported.
func (c *conv) oneOccurrence(sr *obj) {
	if sr.get("occurrenceTiming") == nil {
		return
	}
	for _, k := range []string{"occurrenceDateTime", "occurrencePeriod"} {
		if sr.get(k) != nil {
			sr.set(k, nil)
			u := Unmapped{Segment: c.segName, Index: c.segIndex, Reason: k + " not written: the order's TQ1 gives its occurrenceTiming"}
			if k == "occurrenceDateTime" { // OBR-6 is the only row that writes it
				if c.segName == "OBR" {
					u.Field = 6
				} else {
					u.Reason = "OBR-6 " + u.Reason
				}
			}
			c.unmapped = append(c.unmapped, u)
		}
	}
}

// ucumTime are the UCUM codes of the units of time FHIR allows in a
// Duration (drt-1) and in Timing.repeat's units.
var ucumTime = map[string]bool{"s": true, "min": true, "h": true, "d": true, "wk": true, "mo": true, "a": true}

// finishTiming gives a Timing made from a TQ1 what FHIR requires of it:
//   - TQ1-14 (total occurrences) is mapped to repeat.countMax, which needs
//     a count (tim-8): the total is the count;
//   - a boundsDuration (TQ1-6) needs a UCUM unit of time as its code
//     (drt-1): the code of TQ1-6.2 when it is one, else the duration is not
//     written, and reported.
func (c *conv) finishTiming(t any, tq1 *hl7v2.Segment) {
	tm, ok := t.(*obj)
	if !ok {
		return
	}
	rp, ok := tm.get("repeat").(*obj)
	if !ok {
		return
	}
	if rp.get("countMax") != nil && rp.get("count") == nil {
		rp.set("count", rp.get("countMax"))
		rp.set("countMax", nil)
	}
	if d, ok := rp.get("boundsDuration").(*obj); ok && d.get("code") == nil {
		units := val{tq1.Field(6).Rep(1), 0}.part(2)
		code, sys := units.part(1).text(), strings.ToUpper(units.part(3).text())
		if ucumTime[code] && (sys == "" || sys == "UCUM") {
			d.set("code", code)
			d.set("system", "http://unitsofmeasure.org")
		} else {
			rp.set("boundsDuration", nil)
			c.note("TQ1", 6, "service duration without a UCUM unit of time not written")
		}
	}
}
