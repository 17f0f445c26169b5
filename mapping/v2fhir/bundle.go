package v2fhir

import "github.com/plexus-health/plexus/format/hl7v2"

// provenance records where the resources came from: the message (MSH,
// EVN) and this conversion.
func (c *conv) provenance(header *obj) {
	msh := c.msg.Segment("MSH", 1)
	evn := c.msg.Segment("EVN", 1)
	r := newResource("Provenance")
	for _, res := range c.res {
		r.add("target", refTo(res.str("resourceType")+"/"+res.str("id")))
	}
	recorded := ""
	var occurred any
	for _, v := range []val{{evn0(evn, 2), 0}, {msh.Field(7).Rep(1), 0}} {
		if v.empty() {
			continue
		}
		d, err := parseDTM(v.v.String())
		if err != nil {
			continue
		}
		if occurred == nil {
			occurred, _ = d.dateTime(c.opts.Zone)
		}
		if s, ok := d.instant(c.opts.Zone); ok && recorded == "" {
			recorded = s
		}
	}
	if recorded == "" {
		recorded = c.opts.Now().UTC().Format("2006-01-02T15:04:05Z")
	}
	if occurred != nil {
		r.set("occurredDateTime", occurred)
	}
	r.set("recorded", recorded)
	act := newObj()
	ac := newObj()
	ac.set("system", "http://terminology.hl7.org/CodeSystem/v3-DataOperation")
	ac.set("code", "CREATE")
	act.add("coding", ac)
	r.set("activity", act)
	agent := newObj()
	typ := newObj()
	tc := newObj()
	tc.set("system", "http://terminology.hl7.org/CodeSystem/provenance-participant-type")
	tc.set("code", "author")
	typ.add("coding", tc)
	agent.set("type", typ)
	if s, ok := header.get("sender").(*obj); ok {
		agent.set("who", refTo(s.str("reference")))
	} else {
		dev := newResource("Device")
		name := newObj()
		src, _ := header.get("source").(*obj)
		n := "unknown"
		if src != nil && src.str("name") != "" {
			n = src.str("name")
		}
		name.set("name", n)
		name.set("type", "user-friendly-name")
		dev.add("deviceName", name)
		agent.set("who", refTo(c.add(dev, makeID("Device", n))))
		r.add("target", refTo("Device/"+dev.str("id")))
	}
	r.add("agent", agent)
	if evn != nil {
		op := val{evn.Field(5).Rep(1), 0}
		if !op.empty() {
			if dt := c.ms.datatypes["XCN[Practitioner]"]; dt != nil {
				p := newResource("Practitioner")
				c.applyDT(dt, op, p, 0)
				if !p.clean() && p.len() > 1 {
					a := newObj()
					a.set("who", refTo(c.add(p, c.contentID(p))))
					r.add("agent", a)
				}
			}
		}
	}
	ent := newObj()
	ent.set("role", "source")
	ent.set("what", refTo(header.str("resourceType")+"/"+header.str("id")))
	r.add("entity", ent)
	c.add(r, makeID("Provenance", header.str("id")))
}

func evn0(evn *hl7v2.Segment, n int) hl7v2.Value {
	if evn == nil {
		return hl7v2.Value{}
	}
	return evn.Field(n).Rep(1)
}

// bundle wraps the resources in a transaction Bundle of PUTs: the ids are
// deterministic, so a re-sent message updates what the first one created.
func (c *conv) bundle() []byte {
	b := newResource("Bundle")
	b.set("id", makeID("Bundle", c.msg.Segment("MSH", 1).Field(3).String(), c.msg.ControlID()))
	b.set("type", "transaction")
	for _, r := range c.res {
		r.clean()
		e := newObj()
		e.set("fullUrl", "urn:uuid:"+uuidFrom(r.str("id")))
		e.set("resource", r)
		rq := newObj()
		rq.set("method", "PUT")
		rq.set("url", r.str("resourceType")+"/"+r.str("id"))
		e.set("request", rq)
		b.add("entry", e)
	}
	return b.appendJSON(make([]byte, 0, 4096))
}

// uuidFrom formats a 32-hex-digit id as a UUID.
func uuidFrom(id string) string {
	if len(id) != 32 {
		return id
	}
	return id[:8] + "-" + id[8:12] + "-" + id[12:16] + "-" + id[16:20] + "-" + id[20:]
}
