package fhirpath

import (
	"fmt"
	"time"

	"github.com/plexus-health/plexus/fhir/spec"
)

// Expression is a compiled FHIRPath expression. It is immutable and safe
// for concurrent use.
type Expression struct {
	src  string
	root node
}

// String returns the expression's source text.
func (e *Expression) String() string { return e.src }

// EvalError is an error raised while evaluating an expression.
type EvalError struct{ Msg string }

func (e *EvalError) Error() string { return "fhirpath: " + e.Msg }

func evalErr(format string, args ...any) error { return &EvalError{fmt.Sprintf(format, args...)} }

type evalCtx struct {
	spec     *spec.Spec
	env      map[string]any
	thisCol  Collection
	index    int
	total    Collection
	hasTotal bool
	context  Collection
	resource Collection
	now      time.Time
	steps    *int
}

// maxSteps bounds the work one evaluation may do, so that repeat() over a
// pathological input or a fuzzed expression cannot run away.
const maxSteps = 5_000_000

// Evaluate applies the expression to resource (a map[string]any decoded
// with json.Decoder.UseNumber, a *Node, or a Collection). env supplies
// environment variables by name without the '%' ("ucum" and "context" are
// predefined); values may be Go JSON values or Collections.
func (e *Expression) Evaluate(resource any, env map[string]any) (res Collection, err error) {
	sp, err := spec.R4()
	if err != nil {
		return nil, fmt.Errorf("fhirpath: loading definitions: %w", err)
	}
	defer func() {
		if r := recover(); r != nil {
			res, err = nil, evalErr("internal error: %v", r)
		}
	}()
	var input Collection
	if resource != nil {
		root := newRoot(sp, resource)
		if c, ok := root.(Collection); ok {
			input = c
		} else if root != nil {
			input = Collection{root}
		}
	}
	steps := 0
	c := &evalCtx{spec: sp, env: env, thisCol: input, context: input, resource: input, now: time.Now(), steps: &steps}
	return e.root.eval(c, input)
}

func (c *evalCtx) step(n int) error {
	*c.steps += n
	if *c.steps > maxSteps {
		return evalErr("evaluation too expensive")
	}
	return nil
}

func (n *literalNode) eval(c *evalCtx, focus Collection) (Collection, error) { return n.val, nil }

func (n *termNode) eval(c *evalCtx, focus Collection) (Collection, error) {
	if m, ok := n.x.(*memberNode); ok {
		// A leading type name selects the context when it is of that type.
		if len(m.name) > 0 && m.name[0] >= 'A' && m.name[0] <= 'Z' && c.spec.IsResource(m.name) {
			var out Collection
			for _, v := range c.thisCol {
				if nd, ok := v.(*Node); ok && nd.Type != "" && c.spec.IsA(nd.Type, m.name) {
					out = append(out, v)
				}
			}
			if len(out) == 0 && len(c.thisCol) > 0 {
				if nd, ok := c.thisCol[0].(*Node); ok && nd.Type != "" && c.spec.IsResource(nd.Type) {
					return nil, fmt.Errorf("%w: context is %s, not %s", ErrSemantic, nd.Type, m.name)
				}
			}
			return out, nil
		}
	}
	return n.x.eval(c, c.thisCol)
}

func (n *memberNode) eval(c *evalCtx, focus Collection) (Collection, error) {
	var out Collection
	var firstErr error
	defined := false
	for _, v := range focus {
		nd, ok := v.(*Node)
		if !ok {
			continue
		}
		r, err := c.children(nd, n.name, out)
		if err != nil {
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		defined = true
		out = r
	}
	if firstErr != nil && !defined {
		return nil, firstErr
	}
	if err := c.step(len(out) + 1); err != nil {
		return nil, err
	}
	return out, nil
}

func (n *dotNode) eval(c *evalCtx, focus Collection) (Collection, error) {
	l, err := n.left.eval(c, focus)
	if err != nil {
		return nil, err
	}
	return n.right.eval(c, l)
}

func (n *indexNode) eval(c *evalCtx, focus Collection) (Collection, error) {
	l, err := n.left.eval(c, focus)
	if err != nil {
		return nil, err
	}
	ix, err := n.index.eval(c, c.thisCol)
	if err != nil {
		return nil, err
	}
	if len(ix) == 0 {
		return nil, nil
	}
	i, ok := c.intOf(ix)
	if !ok {
		return nil, evalErr("index must be an integer")
	}
	if i < 0 || i >= len(l) {
		return nil, nil
	}
	return Collection{l[i]}, nil
}

func (n *varNode) eval(c *evalCtx, focus Collection) (Collection, error) {
	switch n.name {
	case "this":
		return c.thisCol, nil
	case "index":
		return Collection{Integer(c.index)}, nil
	case "total":
		if !c.hasTotal {
			return nil, evalErr("$total used outside aggregate()")
		}
		return c.total, nil
	}
	return nil, evalErr("unknown variable $%s", n.name)
}

func (n *envNode) eval(c *evalCtx, focus Collection) (Collection, error) {
	switch n.name {
	case "context":
		return c.context, nil
	case "resource", "rootResource":
		return c.resource, nil
	case "ucum":
		return Collection{String("http://unitsofmeasure.org")}, nil
	case "sct":
		return Collection{String("http://snomed.info/sct")}, nil
	case "loinc":
		return Collection{String("http://loinc.org")}, nil
	}
	if c.env != nil {
		if v, ok := c.env[n.name]; ok {
			switch x := v.(type) {
			case Collection:
				return x, nil
			case nil:
				return nil, nil
			case []any:
				var out Collection
				for _, it := range x {
					out = append(out, newRoot(c.spec, it))
				}
				return out, nil
			}
			return Collection{newRoot(c.spec, v)}, nil
		}
	}
	if len(n.name) > 3 && n.name[:3] == "vs-" {
		return Collection{String("http://hl7.org/fhir/ValueSet/" + n.name[3:])}, nil
	}
	if len(n.name) > 4 && n.name[:4] == "ext-" {
		return Collection{String("http://hl7.org/fhir/StructureDefinition/" + n.name[4:])}, nil
	}
	return nil, evalErr("unknown environment variable %%%s", n.name)
}

func (n *typeNode) eval(c *evalCtx, focus Collection) (Collection, error) {
	return nil, evalErr("type specifier %s used as a value", n.name)
}

func (n *unaryNode) eval(c *evalCtx, focus Collection) (Collection, error) {
	x, err := n.x.eval(c, focus)
	if err != nil || len(x) == 0 {
		return nil, err
	}
	if len(x) > 1 {
		return nil, evalErr("unary - on a collection of %d items", len(x))
	}
	switch v := c.prim(x[0]).(type) {
	case Integer:
		return Collection{-v}, nil
	case Decimal:
		return Collection{Decimal{F: -v.F, Scale: v.Scale}}, nil
	case Quantity:
		return Collection{Quantity{Decimal{F: -v.Value.F, Scale: v.Value.Scale}, v.Unit}}, nil
	}
	return nil, evalErr("unary - on a non-number")
}

// prim converts primitive and Quantity nodes to system values; other
// values are returned unchanged.
func (c *evalCtx) prim(v Value) Value {
	if nd, ok := v.(*Node); ok {
		if sv, ok := c.systemValue(nd); ok {
			return sv
		}
		if q, ok := c.quantityOf(nd); ok {
			return q
		}
	}
	return v
}

// singleton returns the only item of x as a system value; ok is false for
// an empty collection. More than one item is an error.
func (c *evalCtx) singleton(x Collection) (Value, bool, error) {
	switch len(x) {
	case 0:
		return nil, false, nil
	case 1:
		v := c.prim(x[0])
		if nd, ok := v.(*Node); ok && c.isPrimitive(nd) {
			return nil, false, nil // primitive without a value
		}
		return v, true, nil
	}
	return nil, false, evalErr("expected a single item, got %d", len(x))
}

func (c *evalCtx) intOf(x Collection) (int, bool) {
	v, ok, err := c.singleton(x)
	if err != nil || !ok {
		return 0, false
	}
	if i, ok := v.(Integer); ok {
		return int(i), true
	}
	return 0, false
}

// boolOf evaluates x as a condition: empty is unknown (ok false), a single
// Boolean is its value, any other single item is true.
func (c *evalCtx) boolOf(x Collection) (val, ok bool, err error) {
	v, ok, err := c.singleton(x)
	if err != nil || !ok {
		return false, false, err
	}
	if b, isB := v.(Boolean); isB {
		return bool(b), true, nil
	}
	return true, true, nil
}

func (n *binaryNode) eval(c *evalCtx, focus Collection) (Collection, error) {
	switch n.op {
	case "and", "or", "xor", "implies":
		return c.logic(n, focus)
	case "is", "as":
		l, err := n.left.eval(c, focus)
		if err != nil {
			return nil, err
		}
		ts := n.right.(*typeNode)
		if len(l) == 0 {
			return nil, nil
		}
		if len(l) > 1 {
			return nil, evalErr("%s on a collection of %d items", n.op, len(l))
		}
		is := c.isType(l[0], ts.ns, ts.name)
		if n.op == "is" {
			return Collection{Boolean(is)}, nil
		}
		if is {
			return l, nil
		}
		return nil, nil
	}
	l, err := n.left.eval(c, focus)
	if err != nil {
		return nil, err
	}
	r, err := n.right.eval(c, focus)
	if err != nil {
		return nil, err
	}
	switch n.op {
	case "|":
		return c.union(l, r), nil
	case "=", "!=":
		res, ok := c.collEqual(l, r)
		if !ok {
			return nil, nil
		}
		return Collection{Boolean(res == (n.op == "="))}, nil
	case "~", "!~":
		res := c.collEquiv(l, r)
		return Collection{Boolean(res == (n.op == "~"))}, nil
	case "in", "contains":
		item, coll := l, r
		if n.op == "contains" {
			item, coll = r, l
		}
		if len(item) == 0 {
			return nil, nil
		}
		if len(item) > 1 {
			return nil, evalErr("%s needs a single item", n.op)
		}
		for _, v := range coll {
			if eq, ok := c.valEqual(item[0], v); ok && eq {
				return Collection{Boolean(true)}, nil
			}
		}
		return Collection{Boolean(false)}, nil
	case "&":
		ls, rs := "", ""
		if v, ok, err := c.singleton(l); err != nil {
			return nil, err
		} else if ok {
			s, _ := v.(String)
			ls = string(s)
		}
		if v, ok, err := c.singleton(r); err != nil {
			return nil, err
		} else if ok {
			s, _ := v.(String)
			rs = string(s)
		}
		return Collection{String(ls + rs)}, nil
	}
	lv, lok, err := c.singleton(l)
	if err != nil {
		return nil, err
	}
	rv, rok, err := c.singleton(r)
	if err != nil {
		return nil, err
	}
	if !lok || !rok {
		return nil, nil
	}
	switch n.op {
	case "<", ">", "<=", ">=":
		cmp, ok, err := c.compare(lv, rv)
		if err != nil || !ok {
			return nil, err
		}
		var b bool
		switch n.op {
		case "<":
			b = cmp < 0
		case ">":
			b = cmp > 0
		case "<=":
			b = cmp <= 0
		case ">=":
			b = cmp >= 0
		}
		return Collection{Boolean(b)}, nil
	}
	v, err := arith(n.op, lv, rv)
	if err != nil || v == nil {
		return nil, err
	}
	return Collection{v}, nil
}

func (c *evalCtx) logic(n *binaryNode, focus Collection) (Collection, error) {
	l, err := n.left.eval(c, focus)
	if err != nil {
		return nil, err
	}
	lb, lok, err := c.boolOf(l)
	if err != nil {
		return nil, err
	}
	r, err := n.right.eval(c, focus)
	if err != nil {
		return nil, err
	}
	rb, rok, err := c.boolOf(r)
	if err != nil {
		return nil, err
	}
	T := Collection{Boolean(true)}
	F := Collection{Boolean(false)}
	switch n.op {
	case "and":
		if (lok && !lb) || (rok && !rb) {
			return F, nil
		}
		if lok && rok {
			return T, nil
		}
	case "or":
		if (lok && lb) || (rok && rb) {
			return T, nil
		}
		if lok && rok {
			return F, nil
		}
	case "xor":
		if lok && rok {
			return Collection{Boolean(lb != rb)}, nil
		}
	case "implies":
		if lok && !lb {
			return T, nil
		}
		if rok && rb {
			return T, nil
		}
		if lok && rok {
			return F, nil
		}
	}
	return nil, nil
}

func (c *evalCtx) union(l, r Collection) Collection {
	var out Collection
	for _, v := range append(append(Collection{}, l...), r...) {
		dup := false
		for _, o := range out {
			if eq, ok := c.valEqual(v, o); ok && eq {
				dup = true
				break
			}
		}
		if !dup {
			out = append(out, v)
		}
	}
	return out
}
