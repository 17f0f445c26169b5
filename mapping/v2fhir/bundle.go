package v2fhir

import (
	"encoding/base64"
	"slices"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// provenance records where the resources came from: the message (MSH,
// EVN) and this conversion.
func (c *conv) provenance(header *obj) {
	msh := c.msg.Segment("MSH", 1)
	evn := c.msg.Segment("EVN", 1)
	r := c.newResource("Provenance")
	for _, res := range c.res {
		c.push(r, "target", c.refTo(res.str("resourceType")+"/"+res.str("id")))
	}
	var occurred any
	for _, v := range []val{{evn0(evn, 2), 0}, {msh.Field(7).Rep(1), 0}} {
		if v.empty() {
			continue
		}
		if d, err := parseDTM(v.v.String()); err == nil {
			occurred, _ = d.dateTime(c.opts.Zone)
			break
		}
	}
	recorded := c.recorded(msh)
	if occurred != nil {
		r.set("occurredDateTime", occurred)
	}
	r.set("recorded", recorded)
	act := c.newObj()
	ac := c.newObj()
	ac.set("system", "http://terminology.hl7.org/CodeSystem/v3-DataOperation")
	ac.set("code", "CREATE")
	c.push(act, "coding", ac)
	r.set("activity", act)
	agent := c.newObj()
	typ := c.newObj()
	tc := c.newObj()
	tc.set("system", "http://terminology.hl7.org/CodeSystem/provenance-participant-type")
	tc.set("code", "author")
	c.push(typ, "coding", tc)
	agent.set("type", typ)
	if s, ok := header.get("sender").(*obj); ok {
		agent.set("who", c.refTo(s.str("reference")))
	} else {
		dev := c.newResource("Device")
		name := c.newObj()
		src, _ := header.get("source").(*obj)
		n := "unknown"
		if src != nil && src.str("name") != "" {
			n = src.str("name")
		}
		name.set("name", n)
		name.set("type", "user-friendly-name")
		c.push(dev, "deviceName", name)
		agent.set("who", c.refTo(c.add(dev, makeID("Device", n))))
		c.push(r, "target", c.refTo("Device/"+dev.str("id")))
	}
	c.push(r, "agent", agent)
	if evn != nil {
		op := val{evn.Field(5).Rep(1), 0}
		if !op.empty() {
			if dt := c.ms.datatypes["XCN[Practitioner]"]; dt != nil {
				p := c.newResource("Practitioner")
				c.applyDT(dt, op, p, 0)
				if !p.clean() && p.len() > 1 {
					a := c.newObj()
					a.set("who", c.refTo(c.add(p, c.contentID(p))))
					c.push(r, "agent", a)
				}
			}
		}
	}
	ent := c.newObj()
	ent.set("role", "source")
	ent.set("what", c.refTo(header.str("resourceType")+"/"+header.str("id")))
	c.push(r, "entity", ent)
	c.add(r, makeID("Provenance", header.str("id")))
}

// recorded gives Provenance.recorded, an instant that must be the same each
// time the same message is converted (re-sent messages and golden files
// depend on it): MSH-7 when it has a time of day and a zone, its own or the
// sender's configured Options.Zone; else the conversion's Options.Now. Only
// the last depends on when the conversion runs.
func (c *conv) recorded(msh *hl7v2.Segment) string {
	if d, err := parseDTM(msh.Field(7).Rep(1).String()); err == nil && d.prec >= 10 && (d.zone || c.opts.Zone != nil) {
		if s, err := d.dateTime(c.opts.Zone); err == nil {
			return s
		}
	}
	return c.opts.Now().UTC().Format("2006-01-02T15:04:05Z")
}

func evn0(evn *hl7v2.Segment, n int) hl7v2.Value {
	if evn == nil {
		return hl7v2.Value{}
	}
	return evn.Field(n).Rep(1)
}

// bundle wraps the resources in a transaction Bundle of PUTs: the ids are
// deterministic, so a re-sent message updates what the first one created.
// A resource in c.patches is a PATCH entry instead (see appendPatch).
// The Bundle is written directly; only the resources are objects.
func (c *conv) bundle() []byte {
	size := 512
	for _, r := range c.res {
		r.clean()
		size += 1024
	}
	b := make([]byte, 0, size)
	b = append(b, `{"resourceType":"Bundle","id":"`...)
	b = append(b, makeID("Bundle", c.msg.Segment("MSH", 1).Field(3).String(), c.msg.ControlID())...)
	b = append(b, `","type":"transaction"`...)
	for i, r := range c.res {
		if i == 0 {
			b = append(b, `,"entry":[`...)
		} else {
			b = append(b, ',')
		}
		typ, id := r.str("resourceType"), r.str("id")
		b = append(b, `{"fullUrl":"urn:uuid:`...)
		b = appendUUID(b, id)
		b = append(b, `","resource":`...)
		method := "PUT"
		if slices.Contains(c.patches, r) {
			method = "PATCH"
			b = c.appendPatch(b, r)
		} else {
			b = r.appendJSON(b)
		}
		b = append(b, `,"request":{"method":"`...)
		b = append(b, method...)
		b = append(b, `","url":`...)
		b = append(b, '"')
		b = appendStringBody(b, typ)
		b = append(b, '/')
		b = appendStringBody(b, id)
		b = append(b, `"}}`...)
	}
	if len(c.res) > 0 {
		b = append(b, ']')
	}
	return append(b, '}')
}

// appendUUID formats a 32-hex-digit id as a UUID (anything else as it is).
func appendUUID(b []byte, id string) []byte {
	if len(id) != 32 {
		return appendStringBody(b, id)
	}
	b = append(b, id[:8]...)
	b = append(b, '-')
	b = append(b, id[8:12]...)
	b = append(b, '-')
	b = append(b, id[12:16]...)
	b = append(b, '-')
	b = append(b, id[16:20]...)
	b = append(b, '-')
	return append(b, id[20:]...)
}

// appendPatch appends, as a PATCH entry's resource, a Binary holding the
// JSON Patch that sets r's elements (but its resourceType and id) on the
// stored resource: each an "add", which replaces a member that is there. A
// list (the merged Patient's link) replaces the stored one. Applied to a
// resource the server does not hold, the patch fails the transaction, as
// a merge of an unknown patient should.
func (c *conv) appendPatch(b []byte, r *obj) []byte {
	p := append(c.scratch[:0], '[')
	n := 0
	for _, f := range r.f {
		if f.k == "resourceType" || f.k == "id" {
			continue
		}
		if n > 0 {
			p = append(p, ',')
		}
		n++
		p = append(p, `{"op":"add","path":"/`...)
		p = appendStringBody(p, f.k)
		p = append(p, `","value":`...)
		p = appendValue(p, f.v)
		p = append(p, '}')
	}
	p = append(p, ']')
	c.scratch = p
	b = append(b, `{"resourceType":"Binary","contentType":"application/json-patch+json","data":"`...)
	b = base64.StdEncoding.AppendEncode(b, p)
	return append(b, `"}`...)
}
