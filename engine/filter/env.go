package filter

import (
	"time"

	"github.com/expr-lang/expr/vm"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/format/x12"
)

// env is the environment an expression runs in. Its exported fields are what
// the expression sees, named by their expr tags; the functions are fields
// rather than methods so that they keep their lower-case names, and they are
// bound to the env once, when the env is created, so that evaluating an
// expression allocates no closure. A Filter keeps a pool of envs, each used
// by one evaluation at a time.
type env struct {
	Type            string `expr:"type"`
	Trigger         string `expr:"trigger"`
	ControlID       string `expr:"controlId"`
	SendingApp      string `expr:"sendingApp"`
	SendingFacility string `expr:"sendingFacility"`
	PatientID       string `expr:"patientId"`
	Channel         string `expr:"channel"`
	Source          string `expr:"source"`
	ContentType     string `expr:"contentType"`
	Priority        int    `expr:"priority"`

	Field  func(path string) string   `expr:"field"`
	Fields func(path string) []string `expr:"fields"`
	Has    func(name string) bool     `expr:"has"`
	Count  func(name string) int      `expr:"count"`
	Age    func() int                 `expr:"age"`
	JSON   func(path string) any      `expr:"json"`
	X12    func(path string) string   `expr:"x12"`

	vm  vm.VM            `expr:"-"`
	now func() time.Time `expr:"-"`
	hl7 *hl7v2.Message   `expr:"-"`
	raw []byte           `expr:"-"`
	// err is the first error a function met during this evaluation; the
	// functions cannot return one through expr's typed fast path.
	err error `expr:"-"`
	// doc is the JSON content, decoded on the first json() call.
	doc     any  `expr:"-"`
	decoded bool `expr:"-"`
	// sets are the X12 transaction sets, read on the first x12() call.
	sets    []*x12.Transaction `expr:"-"`
	scanned bool               `expr:"-"`
}

func newEnv(now func() time.Time) *env {
	e := &env{now: now}
	e.Field = e.field
	e.Fields = e.fields
	e.Has = e.has
	e.Count = e.count
	e.Age = e.age
	e.JSON = e.json
	e.X12 = e.x12
	return e
}

// load copies what the expression may read from msg.
func (e *env) load(msg *engine.Message) {
	e.Type = msg.Type
	e.Trigger = msg.Trigger
	e.ControlID = msg.ControlID
	e.SendingApp = msg.SendingApp
	e.SendingFacility = msg.SendingFacility
	e.PatientID = msg.PatientID
	e.Channel = msg.Channel
	e.Source = msg.Source
	e.ContentType = msg.ContentType
	e.Priority = msg.Priority
	e.hl7 = msg.HL7
	e.raw = msg.Raw
}

// reset drops every reference to the message so that the pooled env keeps
// no patient data alive.
func (e *env) reset() {
	e.Type, e.Trigger, e.ControlID = "", "", ""
	e.SendingApp, e.SendingFacility, e.PatientID = "", "", ""
	e.Channel, e.Source, e.ContentType = "", "", ""
	e.Priority = 0
	e.hl7, e.raw, e.err = nil, nil, nil
	e.doc, e.decoded = nil, false
	e.sets, e.scanned = nil, false
}

// fail records the first error of an evaluation.
func (e *env) fail(err error) {
	if e.err == nil {
		e.err = err
	}
}

func (e *env) field(path string) string {
	if e.hl7 == nil {
		return ""
	}
	p, err := hl7v2.ParsePath(path)
	if err == nil && p.Field == 0 {
		err = errNoField(path)
	}
	if err != nil {
		e.fail(fnError("field", err))
		return ""
	}
	return e.hl7.LookupPath(p).String()
}

func (e *env) fields(path string) []string {
	if e.hl7 == nil {
		return nil
	}
	p, err := hl7v2.ParsePath(path)
	if err == nil && p.Field == 0 {
		err = errNoField(path)
	}
	if err != nil {
		e.fail(fnError("fields", err))
		return nil
	}
	var out []string
	eachValue(e.hl7, p, explicitSegRep(path), explicitRep(path), func(v hl7v2.Value) {
		out = append(out, v.String())
	})
	return out
}

// eachValue calls fn with the non-empty value p addresses in every segment
// of p's name (or only the one p names, when oneSeg) and in every repetition
// of its field (or only the one p names, when oneRep).
func eachValue(m *hl7v2.Message, p hl7v2.Path, oneSeg, oneRep bool, fn func(hl7v2.Value)) {
	visit := func(seg *hl7v2.Segment) {
		for r, rep := range seg.Field(p.Field).Split() {
			if oneRep && r != p.Rep {
				continue
			}
			v := rep
			if p.Component > 0 {
				v = v.Component(p.Component)
				if p.Sub > 0 {
					v = v.Sub(p.Sub)
				}
			}
			if !v.IsEmpty() {
				fn(v)
			}
		}
	}
	if oneSeg {
		if seg := m.Segment(p.Segment, p.SegRep); seg != nil {
			visit(seg)
		}
		return
	}
	for i := range m.Len() {
		if seg := m.Seg(i); seg.Is(p.Segment) {
			visit(seg)
		}
	}
}

func (e *env) has(name string) bool {
	if e.hl7 == nil {
		return false
	}
	p, err := hl7v2.ParsePath(name)
	if err != nil {
		e.fail(fnError("has", err))
		return false
	}
	if p.Field == 0 {
		return e.hl7.Segment(p.Segment, p.SegRep) != nil
	}
	return !e.hl7.LookupPath(p).IsEmpty()
}

func (e *env) count(name string) int {
	if e.hl7 == nil {
		return 0
	}
	p, err := hl7v2.ParsePath(name)
	if err == nil && (p.Component > 0 || explicitRep(name)) {
		err = errCountPath(name)
	}
	if err != nil {
		e.fail(fnError("count", err))
		return 0
	}
	if p.Field == 0 {
		return e.hl7.Count(p.Segment)
	}
	seg := e.hl7.Segment(p.Segment, p.SegRep)
	if seg == nil {
		return 0
	}
	return seg.Field(p.Field).Reps()
}

func (e *env) age() int {
	if e.hl7 == nil {
		return -1
	}
	pid := e.hl7.Segment("PID", 1)
	if pid == nil {
		return -1
	}
	// PID-7 is a TS (DTM^precision) before v2.6, a DTM after: the date is
	// its first component either way.
	return ageAt(pid.Field(7).Component(1).Raw(), e.now())
}

func (e *env) json(path string) any {
	if !isJSON(e.ContentType) {
		return nil
	}
	steps, err := parseJSONPath(path)
	if err != nil {
		e.fail(fnError("json", err))
		return nil
	}
	if !e.decoded {
		e.decoded = true
		if e.doc, err = decodeJSON(e.raw); err != nil {
			e.fail(err)
			return nil
		}
	}
	return lookupJSON(e.doc, steps)
}

// explicitSegRep reports whether a path names the segment's occurrence, as
// in "OBX(2)-5".
func explicitSegRep(path string) bool { return len(path) > 3 && path[3] == '(' }

// explicitRep reports whether a path names the field's repetition, as in
// "PID-3(2).1".
func explicitRep(path string) bool {
	i := 3
	if explicitSegRep(path) {
		for i < len(path) && path[i] != ')' {
			i++
		}
		i++
	}
	// Skip the separator and the field number.
	i++
	for i < len(path) && path[i] >= '0' && path[i] <= '9' {
		i++
	}
	return i < len(path) && path[i] == '('
}
