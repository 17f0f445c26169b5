package validate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"

	"github.com/plexus-health/plexus/fhir/spec"
)

// maxDepth bounds how deeply nested a resource may be, so that hostile input
// cannot exhaust the stack.
const maxDepth = 64

// Validator validates resources against the FHIR R4 definitions. It is safe
// for concurrent use; build one with [New] or use [Validate].
type Validator struct {
	spec    *spec.Spec
	element *spec.ElementDef             // Element's root, for the "_name" companions of primitives
	id      *spec.PrimitiveDef           // the id format, which Resource.id must have
	exprs   sync.Map                     // constraint or member expression → *fhirpath.Expression
	formats map[string]func(string) bool // primitive type → format check

	// terminology turns on the checks of required bindings; only the
	// benchmark that measures their cost turns it off.
	terminology bool
}

// New returns a Validator for the R4 definitions embedded in the binary.
func New() (*Validator, error) {
	sp, err := spec.R4()
	if err != nil {
		return nil, fmt.Errorf("validate: %w", err)
	}
	el := sp.Type("Element")
	id := sp.Primitive("id")
	if el == nil || el.Root() == nil || id == nil {
		return nil, fmt.Errorf("validate: %w: no Element type or id primitive", spec.ErrInvalid)
	}
	formats := make(map[string]func(string) bool)
	for _, p := range sp.Primitives() {
		formats[p.Name] = formatOf(p)
	}
	return &Validator{spec: sp, element: el.Root(), id: id, formats: formats, terminology: true}, nil
}

var std = sync.OnceValues(New)

// Validate validates one resource, as FHIR JSON, with the shared Validator.
// Problems with the resource are issues of the outcome, never errors; the
// error is set only when the definitions cannot be loaded.
func Validate(resource []byte) (*OperationOutcome, error) {
	v, err := std()
	if err != nil {
		return nil, err
	}
	return v.ValidateAs(resource, "")
}

// Validate validates one resource of any type, as FHIR JSON.
func (v *Validator) Validate(resource []byte) (*OperationOutcome, error) {
	return v.ValidateAs(resource, "")
}

// ValidateAs validates one resource, as FHIR JSON, that must be of type
// resourceType ("Patient"); an empty resourceType accepts any type. Input
// that is not a single JSON object is reported as an issue.
func (v *Validator) ValidateAs(resource []byte, resourceType string) (*OperationOutcome, error) {
	dec := json.NewDecoder(bytes.NewReader(resource))
	dec.UseNumber()
	var doc any
	err := dec.Decode(&doc)
	if err == nil {
		if _, err2 := dec.Token(); !errors.Is(err2, io.EOF) {
			err = errors.New("data after the JSON value")
		}
	}
	if err != nil {
		return &OperationOutcome{Issues: []Issue{{
			Severity: SeverityError, Code: CodeInvalid,
			Diagnostics: "the resource is not valid JSON: " + err.Error(),
		}}}, nil
	}
	m, ok := doc.(map[string]any)
	if !ok {
		return &OperationOutcome{Issues: []Issue{{
			Severity: SeverityError, Code: CodeStructure,
			Diagnostics: "a resource must be a JSON object, not " + kindOf(doc),
		}}}, nil
	}
	return v.ValidateMap(m, resourceType), nil
}

// ValidateMap validates a resource already decoded with
// json.Decoder.UseNumber. resourceType is the type it must have, or empty.
// The map is not modified.
func (v *Validator) ValidateMap(resource map[string]any, resourceType string) *OperationOutcome {
	w := &walker{v: v, out: &OperationOutcome{}}
	root := &fpNode{data: resource}
	w.resource(resource, resourceType, root, nil)
	return w.out
}

// walker holds the state of one validation.
type walker struct {
	v     *Validator
	out   *OperationOutcome
	depth int
}

// resCtx is what the reference checks need to know about the resource
// being walked.
type resCtx struct {
	contained   map[string]bool // ids of the contained resources of the container
	conditional bool            // inside a transaction or batch Bundle
}

func (w *walker) add(code, loc, format string, args ...any) {
	w.out.Issues = append(w.out.Issues, Issue{
		Severity: SeverityError, Code: code, Expression: loc,
		Diagnostics: fmt.Sprintf(format, args...),
	})
}

// resource validates m as a resource at node (the root for the top level),
// of type want when want is not empty. parent is the enclosing resource's
// context, nil at the top.
func (w *walker) resource(m map[string]any, want string, node *fpNode, parent *resCtx) {
	raw, present := m["resourceType"]
	rt, _ := raw.(string)
	where := want
	if node.parent != nil {
		where = node.path()
	}
	switch {
	case !present:
		w.add(CodeRequired, where, "resourceType is missing")
		return
	case rt == "":
		w.add(CodeStructure, where, "resourceType must be a non-empty string")
		return
	case !w.v.spec.IsResource(rt):
		w.add(CodeNotSupported, where, "unknown resource type %q", trunc(rt))
		return
	case want != "" && rt != want:
		w.add(CodeValue, where, "expected a %s resource, found %s", want, rt)
		return
	}
	if node.parent == nil {
		node.key = rt
	}
	rc := &resCtx{}
	if parent != nil {
		rc.conditional = parent.conditional
	}
	if rt == "Bundle" {
		t, _ := m["type"].(string)
		rc.conditional = t == "transaction" || t == "batch"
	}
	if list, ok := m["contained"].([]any); ok {
		rc.contained = make(map[string]bool, len(list))
		for _, c := range list {
			if cm, ok := c.(map[string]any); ok {
				if id, ok := cm["id"].(string); ok {
					rc.contained[id] = true
				}
			}
		}
	} else if parent != nil && node.name == "contained" {
		// a contained resource refers to its siblings through the container
		rc.contained = parent.contained
	}
	root := w.v.spec.Type(rt).Root()
	if len(rc.contained) > 0 && node.name != "contained" {
		w.containedReferenced(m, node)
	}
	w.object(m, root.Children(), node, rc, true, root)
}

// containedReferenced checks dom-3 directly (the engine cannot evaluate
// its as() over many items): each contained resource must be referenced
// from elsewhere in the resource, or refer to its container with "#".
func (w *walker) containedReferenced(m map[string]any, node *fpNode) {
	refs := map[string]bool{}
	collectLocal(m, refs)
	list, _ := m["contained"].([]any)
	for i, c := range list {
		cm, ok := c.(map[string]any)
		if !ok {
			continue
		}
		id, _ := cm["id"].(string)
		if id == "" || refs["#"+id] {
			continue
		}
		back := map[string]bool{}
		collectLocal(cm, back)
		if !back["#"] {
			w.add(CodeInvariant, node.path()+".contained["+strconv.Itoa(i)+"]",
				"dom-3: contained resource %q is not referenced from elsewhere in the resource", trunc(id))
		}
	}
}

// collectLocal gathers the strings starting with "#" anywhere in v.
func collectLocal(v any, into map[string]bool) {
	switch x := v.(type) {
	case string:
		if strings.HasPrefix(x, "#") {
			into[x] = true
		}
	case []any:
		for _, e := range x {
			collectLocal(e, into)
		}
	case map[string]any:
		for _, e := range x {
			collectLocal(e, into)
		}
	}
}

// object walks a complex value: m's properties must be among kids, the
// inline children of its element or type. constrained are the definitions
// whose invariants apply to m.
func (w *walker) object(m map[string]any, kids []*spec.ElementDef, node *fpNode, rc *resCtx, isResource bool, constrained ...*spec.ElementDef) {
	w.depth++
	defer func() { w.depth-- }()
	if w.depth > maxDepth {
		w.add(CodeStructure, node.path(), "nested more than %d levels deep", maxDepth)
		return
	}
	if len(m) == 0 {
		w.add(CodeStructure, node.path(), "empty objects are not allowed")
		return
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var seen []*spec.ElementDef
	for _, k := range keys {
		if isResource && k == "resourceType" {
			continue
		}
		name, companion := strings.CutPrefix(k, "_")
		el, tr, diag := w.match(kids, name)
		if el == nil {
			w.add(CodeStructure, node.path()+"."+k, "unknown element %q%s", trunc(k), diag)
			continue
		}
		if companion {
			if w.v.spec.Primitive(tr.Code) == nil {
				w.add(CodeStructure, node.path()+"."+k, "unknown element %q: %s is not a primitive", trunc(k), name)
				continue
			}
			if _, both := m[name]; both {
				continue // walked with its value
			}
		}
		seen = append(seen, el)
		typ := tr.Code
		if isResource && name == "id" {
			typ = "id" // Resource.id is typed string but must have the id format
		}
		w.element(el, tr, typ, name, m[name], m["_"+name], node, rc)
	}
	for _, kid := range kids {
		if kid.Min > 0 && !slices.Contains(seen, kid) {
			w.add(CodeRequired, node.path()+"."+kid.Name(), "%s is required (minimum cardinality %d)", kid.Name(), kid.Min)
		}
	}
	w.invariants(node, isResource, constrained)
}

// match finds the element of kids that the property name spells, with the
// type it chooses. When there is none, diag explains why.
func (w *walker) match(kids []*spec.ElementDef, name string) (el *spec.ElementDef, tr spec.TypeRef, diag string) {
	for _, k := range kids {
		if !k.Choice && k.Name() == name {
			if len(k.Types) == 1 && !k.Backbone {
				tr = k.Types[0]
			}
			return k, tr, ""
		}
	}
	for _, k := range kids {
		if !k.Choice {
			continue
		}
		suffix, ok := strings.CutPrefix(name, k.ChoiceName())
		if !ok {
			continue
		}
		for _, t := range k.Types {
			if upperFirst(t.Code) == suffix {
				return k, t, ""
			}
		}
		if suffix != "" && suffix[0] >= 'A' && suffix[0] <= 'Z' {
			diag = fmt.Sprintf(": %s is not a type of %s (allowed: %s)", suffix, k.Name(), strings.Join(k.TypeCodes(), ", "))
		} else if suffix == "" {
			diag = fmt.Sprintf(": %s needs a type suffix (%s)", k.Name(), strings.Join(k.TypeCodes(), ", "))
		}
	}
	return nil, tr, diag
}

// element walks the occurrences of one element: val is the JSON property
// (nil when only the "_name" companion ext is present).
func (w *walker) element(el *spec.ElementDef, tr spec.TypeRef, typ, name string, val, ext any, parent *fpNode, rc *resCtx) {
	loc := func() string { return parent.path() + "." + name }
	fpName := el.ChoiceName()
	if el.Max == "0" {
		w.add(CodeStructure, loc(), "%s is not allowed (maximum cardinality 0)", name)
		return
	}
	if !el.Repeats() {
		if _, isList := val.([]any); isList {
			w.add(CodeStructure, loc(), "%s must not be an array (maximum cardinality 1)", name)
			return
		}
		if _, isList := ext.([]any); isList {
			w.add(CodeStructure, parent.path()+"._"+name, "_%s must not be an array (maximum cardinality 1)", name)
			return
		}
		if val == nil && ext == nil {
			w.add(CodeStructure, loc(), "null is not allowed")
			return
		}
		w.item(el, tr, typ, val, ext, parent.child(fpName, name, 0, false), rc)
		return
	}
	vals, okV := asArray(val)
	exts, okE := asArray(ext)
	if !okV {
		w.add(CodeStructure, loc(), "%s must be an array (maximum cardinality %s)", name, el.Max)
		vals = []any{val}
	}
	if !okE {
		w.add(CodeStructure, parent.path()+"._"+name, "_%s must be an array", name)
		exts = nil
	}
	if (val != nil && len(vals) == 0) || (ext != nil && okE && len(exts) == 0) {
		w.add(CodeStructure, loc(), "empty arrays are not allowed")
		return
	}
	if val != nil && ext != nil && len(exts) > 0 && len(vals) != len(exts) {
		w.add(CodeStructure, parent.path()+"._"+name, "_%s has %d items but %s has %d", name, len(exts), name, len(vals))
	}
	n := max(len(vals), len(exts))
	if limit, err := strconv.Atoi(el.Max); err == nil && n > limit {
		w.add(CodeStructure, loc(), "%s has %d items, more than the maximum of %d", name, n, limit)
	}
	for i := range n {
		var v, e any
		if i < len(vals) {
			v = vals[i]
		}
		if i < len(exts) {
			e = exts[i]
		}
		node := parent.child(fpName, name, i, true)
		if v == nil && e == nil {
			w.add(CodeStructure, node.path(), "null is not allowed")
			continue
		}
		w.item(el, tr, typ, v, e, node, rc)
	}
}

// item validates one occurrence of an element of type typ.
func (w *walker) item(el *spec.ElementDef, tr spec.TypeRef, typ string, val, ext any, node *fpNode, rc *resCtx) {
	sp := w.v.spec
	if el.ContentRef != "" || el.Backbone || (typ == "" && len(el.Children()) > 0) {
		if m, ok := w.objectValue(val, node); ok {
			w.ele1(m, node)
			w.object(m, el.Children(), node, rc, false, el)
		}
		return
	}
	switch typ {
	case "":
		return // nothing in the definitions to check against
	case "Resource", "DomainResource":
		if m, ok := w.objectValue(val, node); ok {
			w.depth++
			if w.depth > maxDepth {
				w.add(CodeStructure, node.path(), "nested more than %d levels deep", maxDepth)
			} else {
				w.resource(m, "", node, rc)
			}
			w.depth--
		}
		return
	}
	if p := sp.Primitive(typ); p != nil {
		if val != nil && w.primitive(val, p, node) {
			if vs := w.bindingOf(el); vs != nil {
				if code, ok := val.(string); ok {
					w.code(code, el, vs, node)
				}
			}
		}
		if ext != nil {
			if m, ok := w.objectValue(ext, node); ok {
				if val == nil {
					w.ele1(m, node)
				}
				w.object(m, w.v.element.Children(), node, rc, false, w.v.element)
			}
		}
		return
	}
	td := sp.Type(typ)
	if td == nil || td.Root() == nil {
		return
	}
	m, ok := w.objectValue(val, node)
	if !ok {
		return
	}
	w.ele1(m, node)
	w.object(m, td.Root().Children(), node, rc, false, el, td.Root())
	switch typ {
	case "Reference":
		w.reference(m, el, tr, node, rc)
	case "CodeableConcept":
		if vs := w.bindingOf(el); vs != nil {
			w.codeableConcept(m, el, vs, node)
		}
	case "Coding":
		if vs := w.bindingOf(el); vs != nil {
			w.coding(m, el, vs, node)
		}
	}
}

// ele1 checks invariant ele-1 directly: an element needs a value or
// children other than its id.
func (w *walker) ele1(m map[string]any, node *fpNode) {
	if _, onlyID := m["id"]; onlyID && len(m) == 1 {
		w.add(CodeInvariant, node.path(), "ele-1: all FHIR elements must have a @value or children")
	}
}

// objectValue returns val as a JSON object, reporting it when it is not one.
func (w *walker) objectValue(val any, node *fpNode) (map[string]any, bool) {
	m, ok := val.(map[string]any)
	if !ok {
		w.add(CodeStructure, node.path(), "expected a JSON object, found %s", kindOf(val))
	}
	return m, ok
}

// primitive checks a primitive value's JSON kind and format, and reports
// whether both are right.
func (w *walker) primitive(val any, p *spec.PrimitiveDef, node *fpNode) bool {
	var s string
	switch p.Name {
	case "boolean":
		if _, ok := val.(bool); !ok {
			w.add(CodeStructure, node.path(), "expected a JSON boolean for %s, found %s", p.Name, kindOf(val))
			return false
		}
		return true
	case "integer", "positiveInt", "unsignedInt", "decimal":
		n, ok := val.(json.Number)
		if !ok {
			w.add(CodeStructure, node.path(), "expected a JSON number for %s, found %s", p.Name, kindOf(val))
			return false
		}
		s = n.String()
		if p.Name != "decimal" {
			if _, err := strconv.ParseInt(s, 10, 32); err != nil {
				w.add(CodeValue, node.path(), "%s is not a valid %s (32-bit integer)", trunc(s), p.Name)
				return false
			}
		}
	default:
		str, ok := val.(string)
		if !ok {
			w.add(CodeStructure, node.path(), "expected a JSON string for %s, found %s", p.Name, kindOf(val))
			return false
		}
		if str == "" {
			w.add(CodeValue, node.path(), "empty strings are not allowed")
			return false
		}
		s = str
	}
	if valid := w.v.formats[p.Name]; valid != nil && !valid(s) {
		w.add(CodeValue, node.path(), "%q is not a valid %s", trunc(s), p.Name)
		return false
	}
	return true
}

// asArray returns v as a JSON array; ok is false when v is present but not
// an array.
func asArray(v any) (list []any, ok bool) {
	if v == nil {
		return nil, true
	}
	list, ok = v.([]any)
	return list, ok
}

// kindOf names the JSON kind of a decoded value, for messages.
func kindOf(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number, float64:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

// trunc shortens a value quoted in a message.
func trunc(s string) string {
	const limit = 64
	if len(s) <= limit {
		return s
	}
	return s[:limit] + "…"
}

// upperFirst capitalizes an ASCII type code as choice names spell it.
func upperFirst(s string) string {
	if s == "" || s[0] < 'a' || s[0] > 'z' {
		return s
	}
	return string(s[0]-'a'+'A') + s[1:]
}
