package fhirpath

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"

	"github.com/plexus-health/plexus/fhir/spec"
)

// Node is an element of a resource: its JSON value typed with the FHIR
// definitions. Primitive elements carry their extension partner ("_birthDate").
type Node struct {
	Name string
	// Type is the FHIR type: "Patient", "HumanName", "date", or
	// "BackboneElement"; empty when the model does not know it.
	Type string
	// Data is the element's JSON value: map[string]any for complex
	// elements, string, bool or json.Number for primitives (nil when a
	// primitive has only extensions).
	Data any
	// Ext is the primitive's "_name" partner object, or nil.
	Ext  map[string]any
	path string // definition path used to resolve children
}

// newRoot wraps a resource.
func newRoot(sp *spec.Spec, data any) Value {
	switch d := data.(type) {
	case *Node:
		return d
	case map[string]any:
		rt, _ := d["resourceType"].(string)
		if rt != "" && sp != nil && sp.Type(rt) != nil {
			return &Node{Name: rt, Type: rt, Data: d, path: rt}
		}
		return &Node{Data: d}
	case Collection:
		return d
	}
	return jsonToValue(data)
}

// jsonToValue converts a JSON value of unknown type into a system value.
func jsonToValue(v any) Value {
	switch x := v.(type) {
	case string:
		return String(x)
	case bool:
		return Boolean(x)
	case json.Number:
		if i, err := x.Int64(); err == nil {
			return Integer(i)
		}
		d, err := parseDecimal(string(x))
		if err == nil {
			return d
		}
	case float64:
		return Decimal{F: x, Scale: 0}
	case int:
		return Integer(x)
	case map[string]any:
		return &Node{Data: x}
	case Value:
		return x
	}
	return nil
}

// isPrimitive reports whether the node's type is a FHIR primitive.
func (c *evalCtx) isPrimitive(n *Node) bool {
	if n.Type == "" {
		_, isMap := n.Data.(map[string]any)
		return !isMap
	}
	return c.spec.Primitive(n.Type) != nil
}

// systemValue converts a primitive node to its system value; ok is false for
// complex nodes and primitives without a value.
func (c *evalCtx) systemValue(n *Node) (Value, bool) {
	if n.Data == nil {
		return nil, false
	}
	if _, isMap := n.Data.(map[string]any); isMap {
		return nil, false
	}
	ft := ""
	if p := c.spec.Primitive(n.Type); p != nil {
		ft = p.FHIRPathType
	}
	switch x := n.Data.(type) {
	case bool:
		return Boolean(x), true
	case json.Number:
		if ft == "System.Decimal" {
			d, err := parseDecimal(string(x))
			return d, err == nil
		}
		v := jsonToValue(x)
		return v, v != nil
	case float64:
		return Decimal{F: x, Scale: 0}, true
	case string:
		switch ft {
		case "System.Date":
			if t, ok := parseDate(x); ok {
				return t, true
			}
			if t, ok := parseDateTimeLiteral(x); ok {
				return t, true
			}
		case "System.DateTime":
			if t, ok := parseDateTimeLiteral(x); ok {
				if t.Prec <= pDay {
					t.Kind = kDateTime
				}
				return t, true
			}
		case "System.Time":
			if t, ok := parseTime(x); ok {
				return t, true
			}
		case "System.Integer":
			v := jsonToValue(json.Number(x))
			return v, v != nil
		case "System.Decimal":
			d, err := parseDecimal(x)
			return d, err == nil
		case "System.Boolean":
			return Boolean(x == "true"), true
		}
		return String(x), true
	}
	return nil, false
}

// quantityOf converts a Quantity-typed node to a Quantity.
func (c *evalCtx) quantityOf(n *Node) (Quantity, bool) {
	m, ok := n.Data.(map[string]any)
	if !ok || n.Type == "" || !c.spec.IsA(n.Type, "Quantity") {
		return Quantity{}, false
	}
	var d Decimal
	switch x := jsonToValue(m["value"]).(type) {
	case Integer:
		d = Decimal{F: float64(x), Scale: 0}
	case Decimal:
		d = x
	default:
		return Quantity{}, false
	}
	unit, _ := m["code"].(string)
	if unit == "" {
		unit, _ = m["unit"].(string)
	}
	return Quantity{d, unit}, true
}

// ErrSemantic is wrapped by errors about names the model does not define.
var ErrSemantic = fmt.Errorf("fhirpath: semantic error")

func asList(v any) []any {
	if v == nil {
		return nil
	}
	if l, ok := v.([]any); ok {
		return l
	}
	return []any{v}
}

// children returns the child elements of n named name.
func (c *evalCtx) children(n *Node, name string, out Collection) (Collection, error) {
	m, isMap := n.Data.(map[string]any)
	if c.isPrimitive(n) {
		// a primitive's children are its id and extensions, held in Ext
		if n.Ext != nil && (name == "extension" || name == "id") {
			r, ok := c.spec.Resolve("Element." + name)
			return c.wrapChildren(n, name, r, ok, n.Ext[name], nil, out)
		}
		return out, nil
	}
	if !isMap {
		return out, nil
	}
	if n.path == "" {
		return c.wrapChildren(n, name, spec.Resolved{}, false, m[name], m["_"+name], out)
	}
	r, ok := c.spec.Resolve(n.path + "." + name)
	if !ok {
		r, ok = c.spec.Resolve(n.path + "." + name + "[x]")
	}
	if !ok || r.Element == nil {
		if _, present := m[name]; present {
			return c.wrapChildren(n, name, spec.Resolved{}, false, m[name], m["_"+name], out)
		}
		return nil, fmt.Errorf("%w: %s has no element %q", ErrSemantic, n.path, name)
	}
	if r.Element.Choice {
		if name != r.Element.ChoiceName() {
			return nil, fmt.Errorf("%w: %s: use %q with ofType(), not %q", ErrSemantic, n.path, r.Element.ChoiceName(), name)
		}
		keys := make([]string, 0, 2)
		for k := range m {
			if len(k) > len(name) && strings.HasPrefix(k, name) && k[len(name)] >= 'A' && k[len(name)] <= 'Z' {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			rk, ok := c.spec.Resolve(n.path + "." + k)
			if !ok || rk.Type == "" {
				continue
			}
			var err error
			out, err = c.wrapChildren(n, name, rk, true, m[k], m["_"+k], out)
			if err != nil {
				return nil, err
			}
		}
		// a choice whose value has only extensions
		for k := range m {
			if strings.HasPrefix(k, "_"+name) && len(k) > len(name)+1 {
				if _, has := m[k[1:]]; !has {
					rk, ok := c.spec.Resolve(n.path + "." + k[1:])
					if ok {
						out, _ = c.wrapChildren(n, name, rk, true, nil, m[k], out)
					}
				}
			}
		}
		return out, nil
	}
	return c.wrapChildren(n, name, r, true, m[name], m["_"+name], out)
}

func (c *evalCtx) wrapChildren(parent *Node, name string, r spec.Resolved, typed bool, raw, ext any, out Collection) (Collection, error) {
	vals := asList(raw)
	exts := asList(ext)
	count := max(len(vals), len(exts))
	for i := 0; i < count; i++ {
		var v any
		if i < len(vals) {
			v = vals[i]
		}
		var e map[string]any
		if i < len(exts) {
			e, _ = exts[i].(map[string]any)
		}
		if v == nil && e == nil {
			continue
		}
		ch := &Node{Name: name, Data: v, Ext: e}
		if typed {
			c.typeChild(ch, parent, name, r)
		} else if _, isMap := v.(map[string]any); !isMap {
			ch.Type = jsonTypeName(v)
		}
		if m, isMap := v.(map[string]any); isMap && ch.path == "" {
			if rt, ok := m["resourceType"].(string); ok && c.spec.Type(rt) != nil {
				ch.Type, ch.path = rt, rt
			}
		}
		out = append(out, ch)
	}
	return out, nil
}

func jsonTypeName(v any) string {
	switch x := v.(type) {
	case bool:
		return "boolean"
	case json.Number:
		if _, err := x.Int64(); err == nil {
			return "integer"
		}
		return "decimal"
	case string:
		return "string"
	}
	return ""
}

func (c *evalCtx) typeChild(ch, parent *Node, name string, r spec.Resolved) {
	el := r.Element
	t := r.Type
	switch {
	case el.ContentRef != "":
		ch.Type = "BackboneElement"
		ch.path = strings.TrimPrefix(el.ContentRef, "#")
		if i := strings.LastIndexByte(ch.path, '#'); i >= 0 {
			ch.path = ch.path[i+1:]
		}
		return
	case el.Backbone || t == "BackboneElement" || t == "Element" && len(el.Children()) > 0:
		ch.Type = "BackboneElement"
		if t == "Element" {
			ch.Type = "Element"
		}
		ch.path = el.Path
		return
	case t == "Resource" || t == "DomainResource":
		if m, ok := ch.Data.(map[string]any); ok {
			if rt, ok := m["resourceType"].(string); ok && c.spec.Type(rt) != nil {
				ch.Type, ch.path = rt, rt
				return
			}
		}
		ch.Type = t
		return
	case t == "":
		return
	}
	ch.Type = t
	ch.path = t
}
