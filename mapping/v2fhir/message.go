package v2fhir

import (
	"fmt"
	"strings"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// structures gives, for each message type converted (MSH-9.1^MSH-9.2), its
// message structure (HL7 table 0354), which names the IG's message map
// ("HL7 Message - FHIR R4_ ADT_A05") that the handling in run follows. The
// ADT structures differ only in which segments may occur; each segment is
// handled the same way wherever it occurs.
var structures = map[string]string{
	"ADT^A01": "ADT_A01", "ADT^A04": "ADT_A01", "ADT^A08": "ADT_A01", "ADT^A13": "ADT_A01",
	"ADT^A02": "ADT_A02", "ADT^A03": "ADT_A03",
	"ADT^A05": "ADT_A05", "ADT^A14": "ADT_A05", "ADT^A28": "ADT_A05", "ADT^A31": "ADT_A05",
	"ADT^A06": "ADT_A06", "ADT^A07": "ADT_A06",
	"ADT^A09": "ADT_A09", "ADT^A10": "ADT_A09", "ADT^A11": "ADT_A09", "ADT^A12": "ADT_A12",
	"ADT^A40": "ADT_A39",
	"ORU^R01": "ORU_R01", "ORM^O01": "ORM_O01", "OML^O21": "OML_O21", "VXU^V04": "VXU_V04",
	"SIU^S12": "SIU_S12", "SIU^S13": "SIU_S12", "SIU^S14": "SIU_S12", "SIU^S15": "SIU_S12",
	"MDM^T02": "MDM_T02", "MDM^T04": "MDM_T02", "MDM^T06": "MDM_T02", "MDM^T08": "MDM_T02", "MDM^T10": "MDM_T02",
}

// Convert converts a parsed message. The message structure is coded here;
// each segment's content comes from the mapping set's tables.
func (cv *Converter) Convert(m *hl7v2.Message) (res *Result, err error) {
	defer func() {
		// The tables drive the interpreter: a defect there must not take
		// the engine down with the message. It is not hidden either: the
		// error names the message and wraps ErrInternal, and Panics counts
		// it (the fuzz test fails on any).
		if r := recover(); r != nil {
			cv.panics.Add(1)
			res, err = nil, &InternalError{Event: eventOf(m), ControlID: m.ControlID(), Panic: fmt.Sprint(r)}
		}
	}()
	if testHookPanic != nil {
		testHookPanic(m)
	}
	msh := m.Segment("MSH", 1)
	if msh == nil {
		return nil, fmt.Errorf("MSH: missing")
	}
	event := eventOf(m)
	if structures[event] == "" {
		return nil, fmt.Errorf("MSH-9: %w: %q", ErrUnsupported, event)
	}
	c := getConv(cv, m)
	c.structure = structures[event]
	c.run()
	b := c.bundle()
	res = &Result{Bundle: b, Unmapped: c.unmapped, Event: event}
	putConv(c) // not reached after a panic: that state is dropped
	return res, nil
}

// testHookPanic, when set by a test, runs inside Convert's recovery.
var testHookPanic func(*hl7v2.Message)

// eventOf gives MSH-9 as "ADT^A01".
func eventOf(m *hl7v2.Message) string {
	msh := m.Segment("MSH", 1)
	if msh == nil {
		return ""
	}
	return msh.Field(9).Component(1).String() + "^" + msh.Field(9).Component(2).String()
}

// Fields of segments coded here rather than by a table.
var codedFields = map[string][]int{
	"MSH": {1, 2, 3, 4, 5, 6, 7, 9, 10},
	"EVN": {1, 2, 5, 6},
}

// setID names the segments whose field 1 is a Set ID.
var setID = map[string]bool{"PID": true, "PV1": true, "NK1": true, "OBR": true, "OBX": true, "NTE": true, "AL1": true, "IAM": true, "DG1": true, "SPM": true,
	"IN1": true, "IN3": true, "PR1": true, "TQ1": true, "RGS": true, "TXA": true}

type state struct {
	patient, encounter string
	patientObj         *obj
	encounterObj       *obj
	order, report      string // ServiceRequest and DiagnosticReport references
	reportObj          *obj
	reportKey          string
	obxN               int
	last               *obj   // resource the next NTE annotates
	lastType           string // its segment
	focus              []string
	orc                *hl7v2.Segment // the ORC of the current order group
	pending            *obj           // the ServiceRequest or Immunization its ORC began
	immunization       *obj           // the last RXA's, for RXR
	medication         *obj           // the last RXO's, for RXR and TQ1
	group              *obj           // the resource of the current order group, for TQ1
	timings            int            // TQ1 segments of the current order group
	coverage           string         // the last IN1's Coverage, for IN3
	appointment        *obj           // the SCH's, completed by AIS/AIG/AIL/AIP
	appointmentKey     string
	document           *obj // the TXA's, completed by OBX
	documentKey        string
}

func (c *conv) run() {
	var st state
	header := c.messageHeader()
	// The patient comes first: other segments refer to it.
	if pid := c.msg.Segment("PID", 1); pid != nil {
		st.patient, st.patientObj = c.patient(pid)
	}
	for i := 0; i < c.msg.Len(); i++ {
		seg := c.msg.Seg(i)
		c.segIndex, c.segName = i+1, seg.Name()
		used := make([]bool, seg.NumFields()+1)
		c.curField = 0
		if setID[c.segName] && len(used) > 1 {
			used[1] = true // a Set ID numbers the segment; it carries no data
		}
		switch c.segName {
		case "MSH", "EVN":
			for _, f := range codedFields[c.segName] {
				if f < len(used) {
					used[f] = true
				}
			}
		case "PID":
			if c.msg.Segment("PID", 1) != seg {
				c.unmapped = append(c.unmapped, Unmapped{Segment: "PID", Index: i + 1, Reason: "second PID in message"})
				continue
			}
			c.applySegment(c.ms.segments["PID[Patient]"], seg, st.patientObj, used)
			st.last, st.lastType = st.patientObj, "PID"
		case "PD1":
			if st.patientObj == nil {
				break
			}
			c.applySegment(c.ms.segments["PD1[Patient]"], seg, st.patientObj, used)
		case "NK1":
			c.nextOfKin(seg, &st, used)
		case "IN1":
			c.coverage(seg, &st, used)
		case "PR1":
			c.procedure(seg, &st, used)
		case "GT1":
			// The IG's GT1 map is "under construction": it publishes no
			// table, and its message maps give GT1 no target.
			c.unmapped = append(c.unmapped, Unmapped{Segment: "GT1", Index: i + 1, Reason: "segment not mapped: the IG has no GT1 map"})
			continue
		case "SCH":
			c.schedule(seg, &st, used)
		case "AIS", "AIG", "AIL", "AIP":
			c.resource(seg, &st, used)
		case "RGS":
			// A resource group's set id and action code: nothing to map.
		case "TXA":
			c.document(seg, &st, used)
		case "PV1":
			st.encounter, st.encounterObj = c.encounter(seg, st.patient, used)
			st.last, st.lastType = st.encounterObj, "PV1"
		case "PV2":
			if st.encounterObj != nil {
				c.applySegment(c.ms.segments["PV2[Encounter]"], seg, st.encounterObj, used)
			}
		case "ORC":
			c.commonOrder(seg, &st, used)
		case "OBR":
			c.order(seg, &st, used)
		case "RXA":
			c.immunization(seg, &st, used)
		case "RXO":
			c.medicationOrder(seg, &st, used)
		case "RXR":
			switch {
			case st.immunization != nil:
				c.applySegment(c.ms.segments["RXR[Immunization]"], seg, st.immunization, used)
			case st.medication != nil:
				c.routeOfMedication(seg, &st, used)
			default:
				c.unmapped = append(c.unmapped, Unmapped{Segment: "RXR", Index: i + 1, Reason: "no RXA or RXO before it"})
				continue
			}
		case "TQ1":
			if !c.timing(seg, &st, used) {
				continue
			}
		case "IN2", "IN3":
			c.insuranceDetail(seg, &st, used)
			continue
		case "MRG":
			c.merge(seg, &st, used)
		case "SPM":
			c.specimen(seg, &st, used)
		case "OBX":
			if c.structure == "MDM_T02" {
				c.documentContent(seg, &st, used)
				break
			}
			c.observation(seg, &st, used)
		case "NTE":
			c.nte(seg, &st, used)
		case "AL1", "IAM":
			c.allergy(seg, &st, used)
		case "DG1":
			if st.patient == "" {
				break
			}
			r := c.newResource("Condition")
			c.applySegment(c.ms.segments["DG1[Condition]"], seg, r, used)
			c.child(r, "subject").set("reference", st.patient)
			if st.encounter != "" {
				c.child(r, "encounter").set("reference", st.encounter)
			}
			key := seg.Field(20).String()
			if key == "" {
				key = seg.Field(3).String()
			}
			c.add(r, makeID("Condition", st.patient, key))
		default:
			c.unmapped = append(c.unmapped, Unmapped{Segment: c.segName, Index: i + 1, Reason: "segment not mapped"})
			continue
		}
		c.reportFields(seg, used)
	}
	c.flushOrder(&st)
	c.finishAppointment(&st)
	c.finishDocument(&st)
	for _, r := range []string{st.patient, st.encounter} {
		if r != "" {
			st.focus = append(st.focus, r)
		}
	}
	if st.report != "" {
		st.focus = append(st.focus, st.report)
	}
	for _, f := range st.focus {
		c.push(header, "focus", c.refTo(f))
	}
	c.provenance(header)
}

// reportFields lists the fields of seg that hold data and that no row used.
func (c *conv) reportFields(seg *hl7v2.Segment, used []bool) {
	for f := 1; f <= seg.NumFields(); f++ {
		if f < len(used) && used[f] {
			continue
		}
		v := seg.Field(f)
		if v.IsEmpty() {
			continue
		}
		if seg.Name() == "MSH" && f <= 2 {
			continue
		}
		c.unmapped = append(c.unmapped, Unmapped{Segment: seg.Name(), Index: c.segIndex, Field: f, Reason: "field not mapped"})
	}
}

// authority is the assigning authority of a CX (CX.4) or the namespace of
// an EI (EI.2–EI.4), as one string.
func authority(x val, from int) string {
	var b []string
	for i := from; i < from+3; i++ {
		b = append(b, x.part(i).text())
	}
	return strings.TrimRight(strings.Join(b, "&"), "&")
}

// patient makes the Patient, with its id from the first identifier of PID-3
// and its assigning authority (PID-2 or the whole segment as fallbacks).
func (c *conv) patient(pid *hl7v2.Segment) (string, *obj) {
	r := c.newResource("Patient")
	var key []string
	for _, f := range []int{3, 2} {
		cx := val{pid.Field(f).Rep(1), 0}
		if v := cx.part(1).text(); v != "" {
			key = []string{v, authority(cx.part(4), 1)}
			break
		}
	}
	if key == nil {
		c.unmapped = append(c.unmapped, Unmapped{Segment: "PID", Index: 0, Field: 3, Reason: "no patient identifier: Patient id made from the message control id"})
		key = []string{"msg", c.msg.ControlID()}
	}
	return c.add(r, makeID("Patient", key...)), r
}

func (c *conv) encounter(pv1 *hl7v2.Segment, patient string, used []bool) (string, *obj) {
	r := c.newResource("Encounter")
	c.applySegment(c.ms.segments["PV1[Encounter]"], pv1, r, used)
	if r.str("status") == "" {
		if pv1.Field(45).IsEmpty() {
			r.set("status", "unknown")
		} else {
			r.set("status", "finished")
		}
	}
	if r.get("class") == nil {
		cd := c.newObj()
		cd.set("system", "http://terminology.hl7.org/CodeSystem/v3-NullFlavor")
		cd.set("code", "UNK")
		r.set("class", cd)
	}
	if patient != "" {
		r.set("subject", c.refTo(patient))
	}
	vn := val{pv1.Field(19).Rep(1), 0}
	var id string
	if v := vn.part(1).text(); v != "" {
		id = makeID("Encounter", v, authority(vn.part(4), 1))
	} else {
		id = makeID("Encounter", patient, pv1.Field(44).String(), c.msg.ControlID())
		c.note("PV1", 19, "no visit number: Encounter id made from patient, admit time and message")
	}
	return c.add(r, id), r
}

// order maps an OBR to a ServiceRequest and a DiagnosticReport, with ids
// from the filler order number (OBR-3), else the placer's (OBR-2).
func (c *conv) order(obr *hl7v2.Segment, st *state, used []bool) {
	key := orderKey(obr)
	if key == "" && st.orc != nil {
		key = orderKey(st.orc)
	}
	if key == "" {
		key = fmt.Sprint("msg|", c.msg.ControlID(), "|", c.segIndex)
		c.note("OBR", 3, "no filler or placer order number: ids made from the message")
	}
	sr := st.pending // the ServiceRequest its ORC began
	st.pending = nil
	if sr == nil || sr.str("resourceType") != "ServiceRequest" {
		sr = c.newResource("ServiceRequest")
	}
	st.group = sr
	c.applySegment(c.ms.segments["OBR[ServiceRequest]"], obr, sr, used)
	if c.structure != "ORU_R01" {
		// An order message: the OBR details the order; there is no report.
		st.order = c.finishOrder(sr, key, st)
		st.last, st.lastType = sr, "OBR"
		return
	}
	dr := c.newResource("DiagnosticReport")
	c.applySegment(c.ms.segments["OBR[DiagnosticReport]"], obr, dr, used)
	if sr.get("code") == nil && dr.get("code") != nil {
		sr.set("code", dr.get("code"))
	}
	if st.patient != "" {
		dr.set("subject", c.refTo(st.patient))
	}
	if st.encounter != "" {
		dr.set("encounter", c.refTo(st.encounter))
	}
	if dr.str("status") == "" {
		dr.set("status", "unknown")
	}
	if dr.get("code") == nil {
		dr.set("code", c.textConcept("OBR-4 not valued"))
	}
	st.order = c.finishOrder(sr, key, st)
	c.push(dr, "basedOn", c.refTo(st.order))
	st.report = c.add(dr, makeID("DiagnosticReport", key))
	st.reportObj, st.reportKey, st.obxN = dr, key, 0
	st.last, st.lastType = sr, "OBR"
}

// orderKey is the business key of an order from an OBR or ORC: the filler
// order number (field 3), else the placer's (field 2), with their namespaces.
func orderKey(seg *hl7v2.Segment) string {
	for _, f := range []int{3, 2} {
		ei := val{seg.Field(f).Rep(1), 0}
		if v := ei.part(1).text(); v != "" {
			return fmt.Sprint(f, "|", v, "|", authority(ei, 2))
		}
	}
	return ""
}

// finishOrder gives a ServiceRequest what FHIR requires and puts it in the
// Bundle with its id from key.
func (c *conv) finishOrder(sr *obj, key string, st *state) string {
	c.oneOccurrence(sr)
	if sr.str("status") == "" {
		sr.set("status", "unknown")
	}
	sr.set("intent", "order")
	if st.patient != "" {
		sr.set("subject", c.refTo(st.patient))
	}
	if st.encounter != "" {
		sr.set("encounter", c.refTo(st.encounter))
	}
	if st.patient == "" {
		c.note(c.segName, 0, "no PID: ServiceRequest without subject")
		sr.set("subject", c.refTo("Group/"+makeID("Group", "unknown")))
	}
	return c.add(sr, makeID("ServiceRequest", key))
}

// commonOrder begins an order group: its ORC starts the ServiceRequest (or,
// in a VXU, the Immunization) that the OBR (or RXA) after it completes.
func (c *conv) commonOrder(orc *hl7v2.Segment, st *state, used []bool) {
	c.flushOrder(st)
	st.orc = orc
	st.medication, st.group, st.timings = nil, nil, 0
	if c.groupHas("RXO") {
		st.pending = c.newResource("MedicationRequest")
		c.applySegment(c.ms.segments["ORC[MedicationRequest]"], orc, st.pending, used)
		st.group = st.pending
		st.last, st.lastType = st.pending, "RXO"
		return
	}
	if c.structure == "VXU_V04" {
		st.pending = c.newResource("Immunization")
		c.applySegment(c.ms.segments["ORC[Immunization]"], orc, st.pending, used)
		st.group = st.pending
		return
	}
	st.pending = c.newResource("ServiceRequest")
	c.applySegment(c.ms.segments["ORC[ServiceRequest]"], orc, st.pending, used)
	st.group = st.pending
	st.last, st.lastType = st.pending, "OBR"
}

// flushOrder puts in the Bundle the ServiceRequest of an ORC that no OBR
// followed.
func (c *conv) flushOrder(st *state) {
	sr := st.pending
	st.pending = nil
	if sr == nil || sr.str("resourceType") != "ServiceRequest" {
		return
	}
	key := orderKey(st.orc)
	if key == "" {
		key = fmt.Sprint("msg|", c.msg.ControlID(), "|orc|", c.segIndex)
	}
	st.order = c.finishOrder(sr, key, st)
}

// immunization maps an RXA (with the ORC before it) to an Immunization, with
// its id from the order number of the ORC, else from the patient, the date
// of administration and the vaccine.
func (c *conv) immunization(rxa *hl7v2.Segment, st *state, used []bool) {
	im := st.pending
	st.pending = nil
	if im == nil || im.str("resourceType") != "Immunization" {
		im = c.newResource("Immunization")
	}
	for _, f := range []int{1, 2} { // give and administration sub-id counters
		if f < len(used) {
			used[f] = true
		}
	}
	c.applySegment(c.ms.segments["RXA[Immunization]"], rxa, im, used)
	if im.str("status") == "" {
		im.set("status", "completed") // the IG's value for RXA-20 not valued
	}
	c.dropWithout(im, "performer", "actor", "ORC-12/RXA-10")
	if im.get("vaccineCode") == nil {
		im.set("vaccineCode", c.textConcept("RXA-5 not valued"))
	}
	if im.get("occurrenceDateTime") == nil {
		t := val{rxa.Field(3).Rep(1), 0}.text()
		if t == "" {
			t = "unknown"
		}
		im.set("occurrenceString", t)
	}
	patient := st.patient
	if patient == "" {
		c.note("RXA", 0, "no PID: Immunization for an unknown patient")
		patient = "Patient/" + makeID("Patient", "msg", c.msg.ControlID())
	}
	im.set("patient", c.refTo(patient))
	if st.encounter != "" {
		im.set("encounter", c.refTo(st.encounter))
	}
	key := ""
	if st.orc != nil {
		key = orderKey(st.orc)
	}
	if key == "" {
		key = fmt.Sprint(patient, "|", rxa.Field(3).String(), "|", val{rxa.Field(5).Rep(1), 0}.text())
	}
	c.add(im, makeID("Immunization", key))
	st.immunization = im
	st.last, st.lastType = im, "RXA"
}

// dropWithout removes the elements of the array at k that lack their
// required element req: rows of a field that assign constants (a performer's
// function) while the row that makes the required element (its actor) could
// not. The loss is reported.
func (c *conv) dropWithout(r *obj, k, req, fields string) {
	a, ok := r.get(k).(*arr)
	if !ok {
		return
	}
	n := 0
	for _, e := range a.v {
		if o, ok := e.(*obj); ok && o.get(req) == nil {
			c.unmapped = append(c.unmapped, Unmapped{Segment: c.segName, Index: c.segIndex, Reason: fields + ": " + k + " without " + req + " not written"})
			continue
		}
		a.v[n] = e
		n++
	}
	a.v = a.v[:n]
}

// merge maps the MRG of an A40: the patient of MRG-1 is replaced by the
// patient of PID. As the IG does, each Patient links to the other: the
// surviving one "replaces", the merged one (no longer active) is
// "replaced-by". Its id is made from MRG-1 as a Patient's is from PID-3, so
// it is the resource the merged patient's own messages created. That
// resource holds what those messages said of the patient, which a PUT of
// the little an MRG says would replace: the merged Patient is a PATCH entry
// (see bundle) that sets active and link only, unless Options.PutMerged.
func (c *conv) merge(mrg *hl7v2.Segment, st *state, used []bool) {
	cx := val{mrg.Field(1).Rep(1), 0}
	v := cx.part(1).text()
	if st.patientObj == nil || v == "" {
		c.note("MRG", 1, "no PID or no prior patient identifier: merge not mapped")
		return
	}
	id := makeID("Patient", v, authority(cx.part(4), 1))
	survivor := st.patientObj.str("id")
	if id == survivor {
		c.note("MRG", 1, "prior patient identifier is the surviving patient's")
		return
	}
	old := c.newResource("Patient")
	if c.opts.PutMerged {
		if dt := c.ms.datatypes["CX[Identifier]"]; dt != nil {
			ident := c.newObj()
			c.applyDT(dt, cx, ident, 0)
			if !ident.clean() {
				c.push(old, "identifier", ident)
			}
		}
	} else {
		c.patches = append(c.patches, old)
	}
	old.set("active", false)
	ref := c.add(old, id)
	link := c.newObj()
	link.set("other", c.refTo(st.patient))
	link.set("type", "replaced-by")
	c.push(old, "link", link)
	link = c.newObj()
	link.set("other", c.refTo(ref))
	link.set("type", "replaces")
	c.push(st.patientObj, "link", link)
	used[1] = true
}

// specimen maps an SPM to a Specimen of the patient, with its id from the
// specimen identifier (SPM-2), else from its position in the message.
func (c *conv) specimen(spm *hl7v2.Segment, st *state, used []bool) {
	r := c.newResource("Specimen")
	c.applySegment(c.ms.segments["SPM[Specimen]"], spm, r, used)
	if st.patient != "" {
		r.set("subject", c.refTo(st.patient))
	}
	key := ""
	ei := val{spm.Field(2).Rep(1), 0}.part(1) // EIP: placer's EI first
	if v := ei.part(1).text(); v != "" {
		key = v + "|" + authority(ei, 2)
	} else {
		key = fmt.Sprint("msg|", c.msg.ControlID(), "|", c.segIndex)
	}
	c.add(r, makeID("Specimen", key))
	st.last, st.lastType = r, "SPM"
}

func (c *conv) textConcept(s string) *obj {
	o := c.newObj()
	o.set("text", s)
	return o
}

// observation maps an OBX; its id is its set id (OBX-1) within its OBR,
// or its position there when OBX-1 is empty.
func (c *conv) observation(obx *hl7v2.Segment, st *state, used []bool) {
	st.obxN++
	r := c.newResource("Observation")
	c.applySegment(c.ms.segments["OBX[Observation]"], obx, r, used)
	if obx.Field(2).String() != "" {
		used[2] = true // the value type chose OBX-5's rows
	}
	if r.str("status") == "" {
		r.set("status", "unknown")
	}
	if r.get("code") == nil {
		r.set("code", c.textConcept("OBX-3 not valued"))
	}
	if st.patient != "" {
		r.set("subject", c.refTo(st.patient))
	}
	if st.encounter != "" {
		r.set("encounter", c.refTo(st.encounter))
	}
	set := obx.Field(1).String()
	if set == "" {
		set = fmt.Sprint("#", st.obxN)
	}
	parent := st.reportKey
	if parent == "" {
		parent = st.patient + "|" + st.encounter + "|" + c.msg.ControlID()
	}
	if st.order != "" {
		c.push(r, "basedOn", c.refTo(st.order))
	}
	ref := c.add(r, makeID("Observation", parent, set))
	if st.reportObj != nil {
		c.push(st.reportObj, "result", c.refTo(ref))
	}
	st.last, st.lastType = r, "OBX"
}

// nte adds a note to the resource of the segment it follows.
func (c *conv) nte(nte *hl7v2.Segment, st *state, used []bool) {
	var t *table
	switch st.lastType {
	case "OBX":
		t = c.ms.segments["NTE[Observation]"]
	case "OBR":
		t = c.ms.segments["NTE[ServiceRequest]"]
	case "SCH":
		t = c.ms.segments["NTE[Appointment-Comment]"]
	case "RXO":
		t = c.ms.segments["NTE[MedicationRequest]"]
	}
	if t == nil || st.last == nil {
		return
	}
	c.applySegment(t, nte, st.last, used)
}

// messageHeader maps MSH. Its rows in the guide mostly build other resources
// through HD data type maps that are not tables; coded here.
func (c *conv) messageHeader() *obj {
	msh := c.msg.Segment("MSH", 1)
	r := c.newResource("MessageHeader")
	ev := c.newObj()
	ev.set("system", "http://terminology.hl7.org/CodeSystem/v2-0003")
	ev.set("code", msh.Field(9).Component(2).String())
	r.set("eventCoding", ev)
	if d := c.endpoint(msh, 5); d != nil {
		c.push(r, "destination", d)
	}
	if s := c.endpoint(msh, 3); s != nil {
		r.set("source", s)
	} else {
		s := c.newObj()
		s.set("endpoint", "urn:plexus:unknown-source")
		r.set("source", s)
	}
	for _, f := range []struct {
		n    int
		elem string
	}{{4, "sender"}, {6, ""}} {
		hd := val{msh.Field(f.n).Rep(1), 0}
		if hd.empty() {
			continue
		}
		org := c.newResource("Organization")
		c.applyDT(c.ms.datatypes["HD[Organization]"], hd, org, 0)
		if org.clean() || org.len() < 2 {
			continue
		}
		org.set("name", hd.part(1).text())
		ref := c.add(org, c.contentID(org))
		if f.elem != "" {
			r.set(f.elem, c.refTo(ref))
		} else if d := r.list("destination"); len(d) > 0 {
			d[0].(*obj).set("receiver", c.refTo(ref))
		}
	}
	c.add(r, makeID("MessageHeader", msh.Field(3).String(), msh.Field(4).String(), c.msg.ControlID()))
	return r
}

// endpoint maps an application HD (MSH-3 or MSH-5) to a source or
// destination: its name, and as endpoint its universal id or a URN of its
// namespace.
func (c *conv) endpoint(msh *hl7v2.Segment, f int) *obj {
	hd := val{msh.Field(f).Rep(1), 0}
	if hd.empty() {
		return nil
	}
	o := c.newObj()
	if n := hd.part(1).text(); n != "" {
		o.set("name", n)
	}
	u := c.hdURI(hd)
	if u == "" {
		u = "urn:plexus:application:" + urnPart(hd.text())
	}
	o.set("endpoint", u)
	return o
}

func urnPart(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '.' {
			b.WriteRune(r)
		} else {
			fmt.Fprintf(&b, "%%%02X", r)
		}
	}
	return b.String()
}
