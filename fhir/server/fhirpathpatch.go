package server

import (
	"encoding/json"
	"fmt"
	"reflect"
	"regexp"
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/fhir/fhirpath"
	"github.com/plexus-health/plexus/fhir/spec"
)

// FHIRPath Patch (FHIR R4 §3.1.0.11.2): a PATCH whose body is a Parameters
// resource, each "operation" parameter one change with its parts: type
// (add, insert, delete, replace, move), path (a FHIRPath expression), and
// name, value, index, source or destination as the type needs.
//
// Each operation is turned into JSON Patch operations on the resource as it
// stands after the previous one: its path is evaluated, the elements it
// selects are located by JSON Pointer, and the JSON Patch engine applies
// the change. So both formats share one implementation of the edit itself.

// fhirPathOp is one operation of a FHIRPath Patch.
type fhirPathOp struct {
	n                            int // 1-based, for messages
	typ, path, name              string
	value                        any
	hasValue                     bool
	index, source, destination   int
	hasIndex, hasSource, hasDest bool
}

// parseFHIRPathPatch reads the operations of a Parameters resource.
func parseFHIRPathPatch(doc any) ([]fhirPathOp, error) {
	params, _ := doc.(map[string]any)
	if rt, _ := params["resourceType"].(string); rt != "Parameters" {
		return nil, fmt.Errorf("a FHIRPath Patch is a Parameters resource, not %s", describeJSON(doc))
	}
	list, _ := params["parameter"].([]any)
	if len(list) == 0 {
		return nil, fmt.Errorf("the Parameters resource has no operation")
	}
	var ops []fhirPathOp
	for i, p := range list {
		pm, _ := p.(map[string]any)
		if name, _ := pm["name"].(string); name != "operation" {
			return nil, fmt.Errorf("parameter %d is %q; a FHIRPath Patch has only \"operation\" parameters", i+1, name)
		}
		op := fhirPathOp{n: i + 1}
		parts, _ := pm["part"].([]any)
		for _, part := range parts {
			pp, _ := part.(map[string]any)
			name, _ := pp["name"].(string)
			var err error
			switch name {
			case "type":
				op.typ, err = partString(pp, "valueCode")
			case "path":
				op.path, err = partString(pp, "valueString")
			case "name":
				op.name, err = partString(pp, "valueString")
			case "value":
				op.value, err = partValue(pp)
				op.hasValue = err == nil
			case "index":
				op.index, err = partInt(pp)
				op.hasIndex = err == nil
			case "source":
				op.source, err = partInt(pp)
				op.hasSource = err == nil
			case "destination":
				op.destination, err = partInt(pp)
				op.hasDest = err == nil
			default:
				err = fmt.Errorf("unknown part %q", name)
			}
			if err != nil {
				return nil, fmt.Errorf("operation %d: %s: %w", op.n, name, err)
			}
		}
		if err := op.check(); err != nil {
			return nil, fmt.Errorf("operation %d (%s): %w", op.n, op.typ, err)
		}
		ops = append(ops, op)
	}
	return ops, nil
}

// check says what an operation of its type lacks.
func (op *fhirPathOp) check() error {
	need := func(ok bool, part string) error {
		if !ok {
			return fmt.Errorf("needs a %s part", part)
		}
		return nil
	}
	if op.path == "" {
		return need(false, "path")
	}
	switch op.typ {
	case "add":
		if err := need(op.name != "", "name"); err != nil {
			return err
		}
		return need(op.hasValue, "value")
	case "insert":
		if err := need(op.hasIndex, "index"); err != nil {
			return err
		}
		return need(op.hasValue, "value")
	case "delete":
		return nil
	case "replace":
		return need(op.hasValue, "value")
	case "move":
		if err := need(op.hasSource, "source"); err != nil {
			return err
		}
		return need(op.hasDest, "destination")
	case "":
		return need(false, "type")
	}
	return fmt.Errorf("unknown type; the types are add, insert, delete, replace and move")
}

func partString(p map[string]any, key string) (string, error) {
	s, ok := p[key].(string)
	if !ok || s == "" {
		return "", fmt.Errorf("needs a %s", key)
	}
	return s, nil
}

func partInt(p map[string]any) (int, error) {
	n, ok := p["valueInteger"].(json.Number)
	if !ok {
		return 0, fmt.Errorf("needs a valueInteger")
	}
	i, err := strconv.Atoi(n.String())
	if err != nil || i < 0 {
		return 0, fmt.Errorf("valueInteger must be a non-negative integer, not %s", n)
	}
	return i, nil
}

// partValue is the value of a "value" part: its value[x], or, for an
// element without a type of its own (a BackboneElement such as
// Patient.contact), the object its own parts make.
func partValue(p map[string]any) (any, error) {
	for k, v := range p {
		if strings.HasPrefix(k, "value") && len(k) > len("value") {
			return v, nil
		}
	}
	parts, ok := p["part"].([]any)
	if !ok {
		return nil, fmt.Errorf("needs a value[x] or parts")
	}
	obj := map[string]any{}
	for _, part := range parts {
		pp, _ := part.(map[string]any)
		name, _ := pp["name"].(string)
		if name == "" {
			return nil, fmt.Errorf("a part of the value has no name")
		}
		v, err := partValue(pp)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		switch old := obj[name].(type) {
		case nil:
			obj[name] = v
		case []any:
			obj[name] = append(old, v)
		default:
			obj[name] = []any{old, v}
		}
	}
	return obj, nil
}

func describeJSON(v any) string {
	if m, ok := v.(map[string]any); ok {
		if rt, ok := m["resourceType"].(string); ok {
			return "a " + rt
		}
	}
	return "that"
}

// applyFHIRPathPatch applies ops to doc, a resource of type typ, one after
// the other. An operation that does not fit the resource is a patchProblem.
func applyFHIRPathPatch(sp *spec.Spec, doc map[string]any, typ string, ops []fhirPathOp, maxGrowth int) (map[string]any, *patchProblem) {
	budget := maxGrowth
	for _, op := range ops {
		jops, err := op.jsonPatch(sp, doc, typ)
		if err != nil {
			return nil, &patchProblem{"processing", "", fmt.Sprintf("operation %d (%s %s): %v", op.n, op.typ, op.path, err)}
		}
		var cur any = doc
		for _, j := range jops {
			if cur, err = j.apply(cur, &budget); err != nil {
				return nil, &patchProblem{"processing", "", fmt.Sprintf("operation %d (%s %s): %v", op.n, op.typ, op.path, err)}
			}
		}
		next, ok := cur.(map[string]any)
		if !ok {
			return nil, &patchProblem{"structure", "", "the patched document is not a JSON object"}
		}
		doc = next
		dropEmptyArrays(doc)
	}
	return doc, nil
}

// jsonPatch turns op into JSON Patch operations on doc as it stands.
func (op *fhirPathOp) jsonPatch(sp *spec.Spec, doc map[string]any, typ string) ([]patchOp, error) {
	switch op.typ {
	case "add":
		at, err := locate(doc, op.path)
		if err != nil {
			return nil, err
		}
		if len(at) != 1 || !isObject(doc, at[0]) {
			return nil, fmt.Errorf("the path selects %d elements; add needs exactly one element with children", len(at))
		}
		target := append(clonePath(at[0]), op.name)
		el := sp.Element(definitionPath(doc, typ, target))
		if el == nil {
			return nil, fmt.Errorf("%s has no element %q", definitionPath(doc, typ, at[0]), op.name)
		}
		if !el.Repeats() {
			return []patchOp{jsonOp("add", target, op.value)}, nil
		}
		if _, exists := valueAt(doc, target).([]any); exists {
			return []patchOp{jsonOp("add", append(target, "-"), op.value)}, nil
		}
		return []patchOp{jsonOp("add", target, []any{op.value})}, nil
	case "insert", "move":
		list, err := locateList(doc, op.path)
		if err != nil {
			return nil, err
		}
		items, _ := valueAt(doc, list).([]any)
		if op.typ == "move" {
			if op.source >= len(items) || op.destination >= len(items) {
				return nil, fmt.Errorf("the list has %d elements; source %d and destination %d must be below that", len(items), op.source, op.destination)
			}
			mv := jsonOp("move", append(clonePath(list), strconv.Itoa(op.destination)), nil)
			mv.from = append(clonePath(list), strconv.Itoa(op.source))
			mv.rawFrom = pointer(mv.from)
			return []patchOp{mv}, nil
		}
		if op.index > len(items) {
			return nil, fmt.Errorf("index %d is past the end of a list of %d", op.index, len(items))
		}
		if items == nil {
			return []patchOp{jsonOp("add", list, []any{op.value})}, nil
		}
		return []patchOp{jsonOp("add", append(clonePath(list), strconv.Itoa(op.index)), op.value)}, nil
	case "delete", "replace":
		at, err := locate(doc, op.path)
		if err != nil {
			return nil, err
		}
		switch {
		case len(at) == 0 && op.typ == "delete":
			return nil, nil // nothing to delete
		case len(at) != 1:
			return nil, fmt.Errorf("the path selects %d elements; %s needs exactly one", len(at), op.typ)
		}
		if op.typ == "replace" {
			return []patchOp{jsonOp("replace", at[0], op.value)}, nil
		}
		ops := []patchOp{jsonOp("remove", at[0], nil)}
		// A primitive in a list may have its extensions at the same index
		// of the "_name" list: they go with it.
		if n := len(at[0]); n >= 2 {
			if _, err := strconv.Atoi(at[0][n-1]); err == nil {
				partner := append(clonePath(at[0][:n-2]), "_"+at[0][n-2], at[0][n-1])
				if valueAt(doc, partner) != nil || isNullAt(doc, partner) {
					ops = append(ops, jsonOp("remove", partner, nil))
				}
			}
		} else if n == 1 {
			partner := []string{"_" + at[0][0]}
			if valueAt(doc, partner) != nil {
				ops = append(ops, jsonOp("remove", partner, nil))
			}
		}
		return ops, nil
	}
	return nil, fmt.Errorf("unknown operation type")
}

func jsonOp(op string, path []string, value any) patchOp {
	return patchOp{op: op, path: path, rawPath: pointer(path), value: value}
}

func clonePath(p []string) []string { return append([]string(nil), p...) }

// pointer writes path as a JSON Pointer.
func pointer(path []string) string {
	var b strings.Builder
	for _, t := range path {
		b.WriteByte('/')
		b.WriteString(strings.NewReplacer("~", "~0", "/", "~1").Replace(t))
	}
	return b.String()
}

// memberTail splits "prefix.name" or "prefix.name[3]" at its last member
// access; the prefix is evaluated to find the parents of what the whole
// path selects when that is a primitive, which carries no identity.
var memberTail = regexp.MustCompile(`^(.+)\.([A-Za-z_][A-Za-z0-9_]*)(?:\[(\d+)\])?$`)

// locate returns the JSON Pointer paths of the elements expr selects in doc,
// in the order it selects them.
func locate(doc map[string]any, expr string) ([][]string, error) {
	items, err := evaluate(doc, expr)
	if err != nil {
		return nil, err
	}
	if len(items) == 0 {
		return nil, nil
	}
	ids := identities(doc)
	var out [][]string
	objects := true
	for _, it := range items {
		n, ok := it.(*fhirpath.Node)
		if !ok {
			return nil, fmt.Errorf("the path selects a computed value, not an element of the resource")
		}
		m, ok := n.Data.(map[string]any)
		if !ok {
			objects = false
			break
		}
		p, ok := ids[reflect.ValueOf(m).UnsafePointer()]
		if !ok {
			return nil, fmt.Errorf("the path selects an element that is not part of the resource")
		}
		out = append(out, p)
	}
	if objects {
		return out, nil
	}
	// Primitives: find their parents, then the member.
	m := memberTail.FindStringSubmatch(expr)
	if m == nil {
		return nil, fmt.Errorf("a path that selects primitive values must end in .name or .name[i]")
	}
	parents, err := locate(doc, m[1])
	if err != nil {
		return nil, err
	}
	out = out[:0]
	for _, p := range parents {
		target := append(clonePath(p), m[2])
		switch v := valueAt(doc, target).(type) {
		case nil:
		case []any:
			if m[3] != "" {
				i, _ := strconv.Atoi(m[3])
				if i < len(v) {
					out = append(out, append(target, m[3]))
				}
				continue
			}
			for i := range v {
				out = append(out, append(clonePath(target), strconv.Itoa(i)))
			}
		default:
			if m[3] == "" || m[3] == "0" {
				out = append(out, target)
			}
		}
	}
	return out, nil
}

// locateList returns the pointer of the list expr names ("Patient.identifier"):
// the member of the one element its prefix selects, which may not exist yet.
func locateList(doc map[string]any, expr string) ([]string, error) {
	m := memberTail.FindStringSubmatch(expr)
	if m == nil || m[3] != "" {
		return nil, fmt.Errorf("the path must name a list: an element's member, such as Patient.identifier")
	}
	parents, err := locate(doc, m[1])
	if err != nil {
		return nil, err
	}
	if len(parents) != 1 || !isObject(doc, parents[0]) {
		return nil, fmt.Errorf("%s selects %d elements; the list must belong to exactly one", m[1], len(parents))
	}
	list := append(clonePath(parents[0]), m[2])
	if v := valueAt(doc, list); v != nil {
		if _, ok := v.([]any); !ok {
			return nil, fmt.Errorf("%s is not a list", m[2])
		}
	}
	return list, nil
}

func evaluate(doc map[string]any, expr string) (fhirpath.Collection, error) {
	e, err := fhirpath.Compile(expr)
	if err != nil {
		return nil, fmt.Errorf("the path is not FHIRPath: %v", err)
	}
	res, err := e.Evaluate(doc, nil)
	if err != nil {
		return nil, fmt.Errorf("evaluating the path: %v", err)
	}
	return res, nil
}

// identities maps every object in doc to its JSON Pointer path.
func identities(doc map[string]any) map[any][]string {
	out := map[any][]string{}
	var walk func(v any, path []string)
	walk = func(v any, path []string) {
		switch x := v.(type) {
		case map[string]any:
			out[reflect.ValueOf(x).UnsafePointer()] = path
			for k, c := range x {
				walk(c, append(clonePath(path), k))
			}
		case []any:
			for i, c := range x {
				walk(c, append(clonePath(path), strconv.Itoa(i)))
			}
		}
	}
	walk(doc, nil)
	return out
}

func valueAt(doc any, path []string) any {
	cur := doc
	for _, t := range path {
		switch x := cur.(type) {
		case map[string]any:
			cur = x[t]
		case []any:
			i, err := strconv.Atoi(t)
			if err != nil || i < 0 || i >= len(x) {
				return nil
			}
			cur = x[i]
		default:
			return nil
		}
	}
	return cur
}

// isNullAt says whether path holds a JSON null (a "_name" list keeps
// nulls for the primitives without extensions).
func isNullAt(doc any, path []string) bool {
	if len(path) == 0 {
		return false
	}
	parent := valueAt(doc, path[:len(path)-1])
	if list, ok := parent.([]any); ok {
		i, err := strconv.Atoi(path[len(path)-1])
		return err == nil && i >= 0 && i < len(list) && list[i] == nil
	}
	return false
}

func isObject(doc any, path []string) bool {
	_, ok := valueAt(doc, path).(map[string]any)
	return ok
}

// definitionPath is the element definition path of a JSON Pointer into a
// resource of type typ: indexes dropped, and a contained resource starting
// over from its own type.
func definitionPath(doc map[string]any, typ string, path []string) string {
	parts := []string{typ}
	var cur any = doc
	for _, t := range path {
		switch x := cur.(type) {
		case map[string]any:
			cur = x[t]
			parts = append(parts, t)
		case []any:
			i, _ := strconv.Atoi(t)
			if i >= 0 && i < len(x) {
				cur = x[i]
			}
		}
		if m, ok := cur.(map[string]any); ok {
			if rt, ok := m["resourceType"].(string); ok && len(parts) > 1 {
				parts = []string{rt}
			}
		}
	}
	return strings.Join(parts, ".")
}

// dropEmptyArrays removes the empty lists a deletion leaves: FHIR JSON
// has no empty arrays.
func dropEmptyArrays(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, c := range x {
			if l, ok := c.([]any); ok && len(l) == 0 {
				delete(x, k)
				continue
			}
			dropEmptyArrays(c)
		}
	case []any:
		for _, c := range x {
			dropEmptyArrays(c)
		}
	}
}
