package v2fhir

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// Options tune a conversion. The zero value is usable.
type Options struct {
	// Zone is the sending system's time zone, used for date/times that carry
	// none. When nil such values are kept as dates, and reported.
	Zone *time.Location
	// Systems maps assigning authority namespaces (CX.4.1, EI.2, HD.1) to
	// identifier system URIs, for authorities without a universal id.
	Systems map[string]string
	// Now gives Provenance.recorded when the message has no usable instant.
	// Defaults to time.Now.
	Now func() time.Time
	// PutMerged writes the merged Patient of an A40 as a PUT of what the
	// MRG says of it (identifier, active false, link), which replaces the
	// stored resource, instead of a JSON Patch of active and link, for FHIR
	// servers that take no PATCH in a transaction Bundle.
	PutMerged bool
}

// Unmapped is something present in a message that the conversion did not
// map: a whole segment (Field 0) or a field, with the reason.
type Unmapped struct {
	Segment string `json:"segment"`
	Index   int    `json:"index"` // 1-based position of the segment in the message
	Field   int    `json:"field,omitempty"`
	Reason  string `json:"reason"`
}

func (u Unmapped) String() string {
	if u.Field == 0 {
		return fmt.Sprintf("%s (segment %d): %s", u.Segment, u.Index, u.Reason)
	}
	return fmt.Sprintf("%s-%d (segment %d): %s", u.Segment, u.Field, u.Index, u.Reason)
}

// Result is a converted message.
type Result struct {
	// Bundle is the FHIR transaction Bundle, as JSON.
	Bundle []byte
	// Unmapped lists what the message held that is not in the Bundle.
	Unmapped []Unmapped
	// Event is MSH-9 as "ADT^A01".
	Event string
}

// ErrUnsupported is returned for a message type the mapping set does not
// convert.
var ErrUnsupported = errors.New("message type not supported")

// ErrInternal is wrapped by an InternalError: the converter failed on a
// defect of its own, not on the message.
var ErrInternal = errors.New("internal conversion error")

// InternalError reports a panic recovered while converting a message: a
// bug to fix, named with the message it happened on.
type InternalError struct {
	Event, ControlID string
	Panic            string
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("v2fhir: %v converting %s message %q: %s", ErrInternal, e.Event, e.ControlID, e.Panic)
}

func (e *InternalError) Unwrap() error { return ErrInternal }

// Converter converts messages with one mapping set. It is safe for
// concurrent use.
type Converter struct {
	ms     *MappingSet
	opts   Options
	panics atomic.Int64
}

// Panics returns how many conversions failed with an InternalError.
func (cv *Converter) Panics() int64 { return cv.panics.Load() }

// New returns a converter for the mapping set.
func New(ms *MappingSet, opts Options) *Converter {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	return &Converter{ms: ms, opts: opts}
}

// ConvertBytes parses and converts one ER7 message.
func (cv *Converter) ConvertBytes(data []byte) (*Result, error) {
	m, err := hl7v2.Parse(data)
	if err != nil {
		return nil, err
	}
	return cv.Convert(m)
}

// conv is the state of one conversion.
type conv struct {
	ms       *MappingSet
	opts     Options
	msg      *hl7v2.Message
	res      []*obj
	byID     map[string]*obj
	unmapped []Unmapped
	segIndex int
	segName  string
	depth    int
	curField int // field of the segment being mapped, for reports
	scratch  []byte
	// structure is the message structure being converted ("ADT_A01").
	structure string
	// condCache holds the texts conditions read in one field repetition.
	condCache []cachedText
	parts     []val // see applyDT
	slotStack []slotElem
	slabs     []*[slabSize]obj
	used      int // objects handed out from slabs
	arrs      []*[slabSize]arr
	usedArrs  int
	// patches are the resources of c.res written as JSON Patch entries
	// (the merged Patient of an A40) rather than PUTs.
	patches []*obj
}

const slabSize = 64

// convPool keeps the state of finished conversions: their slabs of objects
// and scratch stacks serve the next one, so that a conversion in a steady
// stream allocates little more than its strings and its output. Nothing a
// conversion returns points into that state (the Bundle is bytes, the
// report holds strings).
var convPool = sync.Pool{New: func() any { return &conv{byID: map[string]*obj{}} }}

func getConv(cv *Converter, m *hl7v2.Message) *conv {
	c := convPool.Get().(*conv)
	c.ms, c.opts, c.msg = cv.ms, cv.opts, m
	return c
}

// putConv returns c to the pool, dropping every reference into the finished
// conversion. A conversion that needed very many objects is not kept.
func putConv(c *conv) {
	if c.used > 16*slabSize || c.usedArrs > 16*slabSize {
		return
	}
	clear(c.res)
	clear(c.byID)
	clear(c.slotStack)
	clear(c.parts)
	clear(c.patches)
	*c = conv{
		byID: c.byID, res: c.res[:0], scratch: c.scratch[:0], condCache: c.condCache[:0],
		parts: c.parts[:0], slotStack: c.slotStack[:0], slabs: c.slabs, arrs: c.arrs,
		patches: c.patches[:0],
	}
	convPool.Put(c)
}

// newObj returns an empty object, carved from the conversion's slabs: they
// all live exactly as long as the conversion.
func (c *conv) newObj() *obj {
	i, j := c.used/slabSize, c.used%slabSize
	if i == len(c.slabs) {
		c.slabs = append(c.slabs, new([slabSize]obj))
	}
	c.used++
	o := &c.slabs[i][j]
	*o = obj{}
	o.f = o.inl[:0]
	return o
}

// push appends v to the array at k in o, making the array (from the
// conversion's slabs) if there is none.
func (c *conv) push(o *obj, k string, v any) {
	if a, ok := o.get(k).(*arr); ok {
		a.v = append(a.v, v)
		return
	}
	i, j := c.usedArrs/slabSize, c.usedArrs%slabSize
	if i == len(c.arrs) {
		c.arrs = append(c.arrs, new([slabSize]arr))
	}
	c.usedArrs++
	a := &c.arrs[i][j]
	*a = arr{}
	a.v = append(a.inl[:0], v)
	o.set(k, a)
}

func (c *conv) newResource(typ string) *obj {
	o := c.newObj()
	o.f = append(o.f, field{"resourceType", typ})
	return o
}

// child returns the object at k in o, creating it.
func (c *conv) child(o *obj, k string) *obj {
	if ch, ok := o.get(k).(*obj); ok {
		return ch
	}
	ch := c.newObj()
	o.set(k, ch)
	return ch
}

func (c *conv) refTo(ref string) *obj {
	o := c.newObj()
	o.f = append(o.f, field{"reference", ref})
	return o
}

// note records a problem with a field of the current segment.
func (c *conv) note(where string, field int, reason string) {
	if where != c.segName && c.curField > 0 {
		reason = where + "." + itoa(field) + ": " + reason
		field = c.curField
	}
	c.unmapped = append(c.unmapped, Unmapped{Segment: c.segName, Index: c.segIndex, Field: field, Reason: reason})
}

// makeID derives a resource id from business identifiers: the same parts
// always give the same id, so a re-sent message updates what it created.
func makeID(typ string, parts ...string) string {
	var buf [256]byte
	b := append(buf[:0], typ...)
	for _, p := range parts {
		b = append(b, 0x1f)
		b = append(b, p...)
	}
	return hashID(b)
}

// hashID is the id of the bytes b: the first 32 hex digits of their
// SHA-256.
func hashID(b []byte) string {
	sum := sha256.Sum256(b)
	var h [32]byte
	hex.Encode(h[:], sum[:16])
	return string(h[:])
}

// add puts a resource in the bundle, or merges it into the one already
// there with the same type and id. It returns the reference to it.
func (c *conv) add(r *obj, id string) string {
	typ := r.str("resourceType")
	key := typ + "/" + id
	if old := c.byID[key]; old != nil {
		if old != r {
			for _, f := range r.f {
				if old.index(f.k) < 0 {
					old.set(f.k, f.v)
				}
			}
		}
		return key
	}
	if r.index("id") < 0 {
		r.insert(1, "id", id) // right after resourceType
	}
	c.byID[key] = r
	c.res = append(c.res, r)
	return key
}

// related finds the segment named name in the current segment's group, for
// rows whose conditions test another segment (ORC rows test OBR-2, OBR rows
// ORC-2): the first one after the current segment, before the next segment
// of the current one's name or the next ORC; else the last one before it,
// after the previous segment of the current one's name.
func (c *conv) related(name string) *hl7v2.Segment {
	for i := c.segIndex; i < c.msg.Len(); i++ { // segIndex is 1-based: the next one
		s := c.msg.Seg(i)
		if s.Name() == name {
			return s
		}
		if s.Name() == c.segName || s.Name() == "ORC" {
			break
		}
	}
	for i := c.segIndex - 2; i > 0; i-- {
		s := c.msg.Seg(i)
		if s.Name() == name {
			return s
		}
		if s.Name() == c.segName {
			break
		}
	}
	return nil
}

// reference builds the resource a Reference row names ("sender(Organization)"
// with HD[Organization]) and returns a reference to it.
func (c *conv) reference(rw *row, x val) string {
	if rw.isPL {
		return c.location(x)
	}
	typ := rw.refType
	if typ == "" {
		typ = tableBase(rw.dtMap)
	}
	dt := rw.dt
	if dt == nil || dt.base != typ || c.depth > 4 {
		return ""
	}
	r := c.newResource(typ)
	c.applyDT(dt, x, r, c.depth)
	if r.clean() || r.len() < 2 {
		return ""
	}
	return c.add(r, c.contentID(r))
}

// contentID derives the id of a resource made from a data type (a
// Practitioner from an XCN, an Organization from a HD) from its identifiers,
// or from its whole content when it has none.
func (c *conv) contentID(r *obj) string {
	b := append(c.scratch[:0], r.str("resourceType")...)
	b = append(b, 0x1f)
	if ids := r.get("identifier"); ids != nil {
		b = appendValue(b, ids)
	} else {
		b = r.appendJSON(b)
	}
	c.scratch = b
	return hashID(b)
}

// location maps a PL (point of care^room^bed^facility^…^building^floor) to
// one Location named by its parts; the guide's hierarchy of a Location per
// part is not built yet.
func (c *conv) location(x val) string {
	var parts []string
	for _, i := range []int{4, 7, 8, 1, 2, 3} {
		if t := x.part(i).text(); t != "" {
			parts = append(parts, t)
		}
	}
	if len(parts) == 0 {
		return ""
	}
	r := c.newResource("Location")
	name := strings.Join(parts, " ")
	r.set("name", name)
	r.set("mode", "instance")
	if d := x.part(9).text(); d != "" {
		r.set("description", d)
	}
	pt := ""
	switch {
	case x.part(3).text() != "":
		pt = "bd"
	case x.part(2).text() != "":
		pt = "ro"
	case x.part(1).text() != "":
		pt = "wa"
	}
	if pt != "" {
		cd := c.newObj()
		cd.set("system", "http://terminology.hl7.org/CodeSystem/location-physical-type")
		cd.set("code", pt)
		c.push(c.child(r, "physicalType"), "coding", cd)
	}
	return c.add(r, makeID("Location", name))
}

func itoa(n int) string { return strconv.Itoa(n) }
