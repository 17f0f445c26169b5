package v2fhir

import (
	"fmt"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// Pharmacy orders. The IG's ORM_O01 message map makes a MedicationRequest
// from an order group whose detail is an RXO (RXO[MedicationRequest]). Its
// ORC map for MedicationRequest is not published ("under construction"):
// the ORC of such a group is read with the ORC[ServiceRequest] table
// resolved against MedicationRequest (ORC[MedicationRequest], see
// derivedTables), so that the group makes one MedicationRequest, not also a
// ServiceRequest. RXR (RXR[MedicationRequest]) and TQ1
// (TQ1[MedicationRequest], timing.go) of the group complete its dosage.
// The IG has no map for RXE or for the RDE and OMP structures.

// groupHas reports whether the order group of the current ORC holds a
// segment named name: one after it, before the next ORC.
func (c *conv) groupHas(name string) bool {
	for i := c.segIndex; i < c.msg.Len(); i++ { // segIndex is 1-based: the next one
		switch c.msg.Seg(i).Name() {
		case name:
			return true
		case "ORC":
			return false
		}
	}
	return false
}

// medicationOrder maps an RXO (with the ORC before it) to a
// MedicationRequest, with its id from the order number of the ORC (filler,
// else placer), else from the message.
func (c *conv) medicationOrder(rxo *hl7v2.Segment, st *state, used []bool) {
	mr := st.pending
	st.pending = nil
	if mr == nil || mr.str("resourceType") != "MedicationRequest" {
		mr = c.newResource("MedicationRequest")
	}
	part := c.newResource("MedicationRequest")
	c.applySegment(c.ms.segments["RXO[MedicationRequest]"], rxo, part, used)
	c.mergeRequest(mr, part, 1)
	c.medication(rxo, mr, used)
	// RXO-4 gives the units of both bounds of the dose range: a bound
	// without its amount (RXO-3 not valued) says nothing.
	if r := find(mr, "dosageInstruction", "doseAndRate", "doseRange"); r != nil {
		for _, k := range []string{"low", "high"} {
			if b, ok := r.get(k).(*obj); ok && b.get("value") == nil {
				r.set(k, nil)
			}
		}
	}
	for _, q := range []struct {
		path  []string
		field int
	}{
		{[]string{"dosageInstruction", "doseAndRate", "doseRange", "low"}, 4},
		{[]string{"dosageInstruction", "doseAndRate", "doseRange", "high"}, 4},
		{[]string{"dispenseRequest", "quantity"}, 12},
	} {
		c.unitSystem(find(mr, q.path...), val{rxo.Field(q.field).Rep(1), 0}, q.field)
	}
	// The table's constant unit of a total daily dose (field 23) is UCUM's
	// day.
	if d := find(mr, "dosageInstruction", "maxDosePerPeriod", "denominator"); d != nil && d.str("code") == "d" && d.str("system") == "" {
		d.set("system", "http://unitsofmeasure.org")
	}
	if mr.str("status") == "" {
		mr.set("status", "unknown")
	}
	if mr.str("intent") == "" {
		mr.set("intent", "order")
	}
	patient := st.patient
	if patient == "" {
		c.note("RXO", 0, "no PID: MedicationRequest for an unknown patient")
		patient = "Group/" + makeID("Group", "unknown")
	}
	mr.set("subject", c.refTo(patient))
	if st.encounter != "" {
		mr.set("encounter", c.refTo(st.encounter))
	}
	key := ""
	if st.orc != nil {
		key = orderKey(st.orc)
	}
	if key == "" {
		key = fmt.Sprint("msg|", c.msg.ControlID(), "|", c.segIndex)
		c.note("RXO", 0, "no filler or placer order number in ORC: MedicationRequest id made from the message")
	}
	c.add(mr, makeID("MedicationRequest", key))
	st.medication, st.group = mr, mr
	st.last, st.lastType = mr, "RXO"
}

// medication maps RXO-1 (requested give code) and RXO-5 (dosage form),
// which the IG writes "medication(Medication.code)" and
// "medication(Medication.doseForm)" (R4: form), to a Medication the request
// references, with its id from its content. Without RXO-1 the medication is
// a concept saying so, as FHIR requires one.
func (c *conv) medication(rxo *hl7v2.Segment, mr *obj, used []bool) {
	code := val{rxo.Field(1).Rep(1), 0}
	cwe := c.ms.datatypes["CWE[CodeableConcept]"]
	if code.empty() || cwe == nil {
		mr.set("medicationCodeableConcept", c.textConcept("RXO-1 not valued"))
		return
	}
	med := c.newResource("Medication")
	for _, f := range []struct {
		n     int
		elem  string
		vocab string
	}{{1, "code", ""}, {5, "form", "RequestedDosageForm"}} {
		x := val{rxo.Field(f.n).Rep(1), 0}
		if x.empty() {
			continue
		}
		c.curField = f.n
		cc := c.newObj()
		c.applyDT(cwe, x, cc, 0)
		c.finishCoded(cc, "CodeableConcept", c.ms.vocab[f.vocab])
		if cc.clean() {
			continue
		}
		med.set(f.elem, cc)
		if f.n < len(used) {
			used[f.n] = true
		}
	}
	if med.get("code") == nil {
		mr.set("medicationCodeableConcept", c.textConcept("RXO-1 not valued"))
		return
	}
	mr.set("medicationReference", c.refTo(c.add(med, c.contentID(med))))
}

// unitSystem completes a Quantity whose code the table took from a v2
// units field: FHIR requires the code's system (qty-3), which is the
// field's coding system (CWE.3, or CWE.6 for the alternate code). A code
// whose coding system the message does not give is kept as the unit's
// text, and reported.
func (c *conv) unitSystem(q *obj, units val, field int) {
	if q == nil || q.str("code") == "" || q.str("system") != "" {
		return
	}
	code := q.str("code")
	sys := ""
	switch code {
	case units.part(1).text():
		sys = units.part(3).text()
	case units.part(4).text():
		sys = units.part(6).text()
	}
	if sys != "" {
		q.set("system", codeSystemURI(sys))
		return
	}
	if q.str("unit") == "" {
		q.set("unit", code)
	}
	q.set("code", nil)
	c.note(c.segName, field, "units without a coding system: written as the unit's text")
}

// routeOfMedication maps an RXR into the dosages of the group's
// MedicationRequest (RXR[MedicationRequest]): the route is the order's, so
// each dosage has it (a TQ1 after it that begins a dosage copies it, see
// timing).
func (c *conv) routeOfMedication(rxr *hl7v2.Segment, st *state, used []bool) {
	mr := st.medication
	c.intoDosage(c.ms.segments["RXR[MedicationRequest]"], rxr, mr, 1, used)
	ds := mr.list("dosageInstruction")
	if len(ds) == 0 {
		return
	}
	first, ok := ds[0].(*obj)
	if !ok {
		return
	}
	for _, d := range ds[1:] {
		if o, ok := d.(*obj); ok {
			copyRoute(o, first)
		}
	}
}

// routeElements are the elements of a Dosage that RXR gives.
var routeElements = []string{"route", "site", "method"}

// copyRoute gives dst the route, site and method of src that it lacks.
func copyRoute(dst, src *obj) {
	for _, k := range routeElements {
		if v := src.get(k); v != nil && dst.get(k) == nil {
			dst.set(k, v)
		}
	}
}

// intoDosage applies a table of a segment that completes a
// MedicationRequest (RXR, TQ1) to it, as the request's n-th dosage
// (1-based; see mergeRequest).
func (c *conv) intoDosage(t *table, seg *hl7v2.Segment, mr *obj, n int, used []bool) {
	if t == nil || mr == nil {
		return
	}
	part := c.newResource("MedicationRequest")
	c.applySegment(t, seg, part, used)
	c.mergeRequest(mr, part, n)
}

// mergeRequest merges into mr what one segment's table made in part. Each
// application of a table makes its own dosageInstruction element: RXO, RXR
// and TQ1 of one order each describe the same dosage, so the one part has
// is merged into the request's n-th, which is made when there is none. The
// other elements of part are set on mr.
func (c *conv) mergeRequest(mr, part *obj, n int) {
	for _, f := range part.f[1:] { // after resourceType
		if f.k != "dosageInstruction" {
			if old, ok := mr.get(f.k).(*arr); ok {
				if a, ok := f.v.(*arr); ok {
					old.v = append(old.v, a.v...)
					continue
				}
			}
			mr.set(f.k, f.v)
			continue
		}
		a, _ := f.v.(*arr)
		if a == nil {
			continue
		}
		for _, d := range a.v {
			ds := mr.list("dosageInstruction")
			do, ok := d.(*obj)
			if len(ds) < n || !ok {
				c.push(mr, "dosageInstruction", d)
				continue
			}
			if dst, ok := ds[n-1].(*obj); ok {
				merge(dst, do)
			}
		}
	}
}

// find returns the object at the path of keys under o, following the first
// element of each array; nil when there is none.
func find(o *obj, keys ...string) *obj {
	for _, k := range keys {
		switch v := o.get(k).(type) {
		case *obj:
			o = v
		case *arr:
			if len(v.v) == 0 {
				return nil
			}
			e, ok := v.v[0].(*obj)
			if !ok {
				return nil
			}
			o = e
		default:
			return nil
		}
	}
	return o
}
