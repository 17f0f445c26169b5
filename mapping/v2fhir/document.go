package v2fhir

import (
	"fmt"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// Documents (MDM_T02: T02 original document with content, and T04, T06,
// T08, T10, which share its structure). The IG's MDM_T02 message map makes
// a DocumentReference from TXA; each OBX after it adds the content
// (OBX[DocumentReference]: ED as an attachment, FT and TX as text data, RP
// as a url); the ORC/OBR before it are the order it relates to.

// document maps a TXA to a DocumentReference, with its id from the unique
// document number (TXA-12), else the unique file name (TXA-16), else the
// message.
func (c *conv) document(txa *hl7v2.Segment, st *state, used []bool) {
	c.flushOrder(st)
	d := c.newResource("DocumentReference")
	c.applySegment(c.ms.segments["TXA[DocumentReference]"], txa, d, used)
	if d.str("status") == "" {
		// TXA-19 valued but not "AV": the IG maps no other value.
		c.note("TXA", 19, "availability status not mapped: DocumentReference status current")
		d.set("status", "current")
	}
	key := ""
	if ei := (val{txa.Field(12).Rep(1), 0}); ei.part(1).text() != "" {
		key = "12|" + ei.part(1).text() + "|" + authority(ei, 2)
	} else if v := (val{txa.Field(16).Rep(1), 0}).text(); v != "" {
		key = "16|" + v
	} else {
		key = fmt.Sprint("msg|", c.msg.ControlID(), "|", c.segIndex)
		c.note("TXA", 12, "no unique document number or file name: DocumentReference id made from the message")
	}
	st.document, st.documentKey = d, key
	st.last, st.lastType = d, "TXA"
}

// documentContent maps an OBX of an MDM to the content of the
// DocumentReference.
func (c *conv) documentContent(obx *hl7v2.Segment, st *state, used []bool) {
	if st.document == nil {
		c.unmapped = append(c.unmapped, Unmapped{Segment: "OBX", Index: c.segIndex, Reason: "no TXA before it"})
		return
	}
	if len(used) > 1 {
		used[1] = true
	}
	c.applySegment(c.ms.segments["OBX[DocumentReference]"], obx, st.document, used)
	if len(used) <= 5 {
		return // no OBX-5: no content
	}
	if obx.Field(2).String() != "" && used[5] {
		used[2] = true // the value type chose OBX-5's rows
	}
	if !used[5] && !obx.Field(5).IsEmpty() {
		c.note("OBX", 5, "value type "+obx.Field(2).String()+" is not a document content type (ED, FT, RP, TX)")
		used[5] = true // reported just now
	}
}

// finishDocument completes the DocumentReference: subject, context and
// its place in the Bundle.
func (c *conv) finishDocument(st *state) {
	d := st.document
	if d == nil {
		return
	}
	if st.patient != "" {
		d.set("subject", c.refTo(st.patient))
	}
	if st.encounter != "" {
		c.push(c.child(d, "context"), "encounter", c.refTo(st.encounter))
	}
	if st.order != "" {
		c.push(c.child(d, "context"), "related", c.refTo(st.order))
	}
	if d.get("content") == nil {
		att := c.newObj()
		att.set("title", "no content in the message")
		ct := c.newObj()
		ct.set("attachment", att)
		c.push(d, "content", ct)
		c.note("TXA", 0, "no OBX content: DocumentReference content is a placeholder")
	}
	st.focus = append(st.focus, c.add(d, makeID("DocumentReference", st.documentKey)))
}
