package server

// JSON Patch (RFC 6902) over documents as encoding/json decodes them with
// UseNumber: map[string]any, []any, string, json.Number, bool and nil.
//
// A patch is parsed whole before anything is applied, so a malformed
// operation late in the list refuses the patch without touching the
// document. Applying then stops at the first operation that cannot be
// applied; the document may be half changed and must be discarded, which is
// what "the patch fails as a whole" means for a caller that only stores a
// patch's result when every operation succeeded.

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Kinds of patch failure, matched with errors.Is on a *patchError.
var (
	// errPatchMalformed: the patch document itself is wrong: not an array
	// of operation objects, an unknown op, a missing member, a pointer that
	// is not one (HTTP 400).
	errPatchMalformed = errors.New("malformed JSON Patch")
	// errPatchTest: a test operation found a different value (HTTP 422).
	errPatchTest = errors.New("JSON Patch test failed")
	// errPatchUnapplicable: the patch is well formed but does not fit the
	// document: a path that does not exist, an index out of range, a move
	// into its own child, growth beyond the limit (HTTP 422).
	errPatchUnapplicable = errors.New("JSON Patch cannot be applied")
)

// patchError says which operation failed, and why.
type patchError struct {
	kind  error
	index int    // the operation, from 0; -1 for the document as a whole
	op    string // "" when the operation has no valid op
	msg   string
}

func (e *patchError) Error() string {
	switch {
	case e.index < 0:
		return e.msg
	case e.op == "":
		return fmt.Sprintf("operation %d: %s", e.index, e.msg)
	}
	return fmt.Sprintf("operation %d (%s): %s", e.index, e.op, e.msg)
}

func (e *patchError) Unwrap() error { return e.kind }

// patchOp is one parsed operation. Pointers are kept as reference tokens,
// already unescaped; nil is the whole document.
type patchOp struct {
	op         string
	path, from []string
	rawPath    string
	rawFrom    string
	value      any
}

// parsePatch reads a JSON Patch document.
func parsePatch(raw []byte) ([]patchOp, error) {
	malformed := func(i int, op, format string, args ...any) error {
		return &patchError{kind: errPatchMalformed, index: i, op: op, msg: fmt.Sprintf(format, args...)}
	}
	v, err := decodeJSON(raw)
	if err != nil {
		return nil, malformed(-1, "", "the patch is not valid JSON: %v", err)
	}
	list, ok := v.([]any)
	if !ok {
		return nil, malformed(-1, "", "the patch must be a JSON array of operations")
	}
	ops := make([]patchOp, 0, len(list))
	for i, item := range list {
		obj, ok := item.(map[string]any)
		if !ok {
			return nil, malformed(i, "", "an operation must be a JSON object")
		}
		op, ok := obj["op"].(string)
		if !ok {
			return nil, malformed(i, "", `"op" is missing or not a string`)
		}
		p := patchOp{op: op}
		switch op {
		case "add", "remove", "replace", "move", "copy", "test":
		default:
			return nil, malformed(i, "", "unknown op %s", quote(op))
		}
		if p.rawPath, ok = obj["path"].(string); !ok {
			return nil, malformed(i, op, `"path" is missing or not a string`)
		}
		if p.path, err = parsePointer(p.rawPath); err != nil {
			return nil, malformed(i, op, "path: %v", err)
		}
		switch op {
		case "add", "replace", "test":
			// Present is what counts: null is a value.
			if p.value, ok = obj["value"]; !ok {
				return nil, malformed(i, op, `"value" is missing`)
			}
		case "move", "copy":
			if p.rawFrom, ok = obj["from"].(string); !ok {
				return nil, malformed(i, op, `"from" is missing or not a string`)
			}
			if p.from, err = parsePointer(p.rawFrom); err != nil {
				return nil, malformed(i, op, "from: %v", err)
			}
		}
		ops = append(ops, p)
	}
	return ops, nil
}

// parsePointer splits a JSON Pointer (RFC 6901) into unescaped reference
// tokens: "~1" is "/", "~0" is "~", and any other "~" is an error.
func parsePointer(s string) ([]string, error) {
	if s == "" {
		return nil, nil
	}
	if s[0] != '/' {
		return nil, fmt.Errorf("JSON Pointer %s does not start with \"/\"", quote(s))
	}
	tokens := strings.Split(s[1:], "/")
	for i, t := range tokens {
		if !strings.Contains(t, "~") {
			continue
		}
		var b strings.Builder
		for j := 0; j < len(t); j++ {
			if t[j] != '~' {
				b.WriteByte(t[j])
				continue
			}
			if j+1 == len(t) || (t[j+1] != '0' && t[j+1] != '1') {
				return nil, fmt.Errorf("JSON Pointer %s has a \"~\" not followed by 0 or 1", quote(s))
			}
			if t[j+1] == '0' {
				b.WriteByte('~')
			} else {
				b.WriteByte('/')
			}
			j++
		}
		tokens[i] = b.String()
	}
	return tokens, nil
}

// applyPatch applies ops to doc in order and returns the result. It changes
// doc in place; on error doc is in an unspecified state.
//
// maxGrowth bounds, in bytes of JSON, what copy operations may duplicate.
// Each copy can double a document, so without a bound a patch of a few
// hundred bytes could ask for more memory than exists. Every other operation
// grows the document by at most the patch's own size.
func applyPatch(doc any, ops []patchOp, maxGrowth int) (any, error) {
	budget := maxGrowth
	for i, p := range ops {
		var err error
		doc, err = p.apply(doc, &budget)
		if err != nil {
			kind := errPatchUnapplicable
			if errors.Is(err, errPatchTest) {
				kind = errPatchTest
			}
			return nil, &patchError{kind: kind, index: i, op: p.op, msg: err.Error()}
		}
	}
	return doc, nil
}

func (p *patchOp) apply(doc any, budget *int) (any, error) {
	switch p.op {
	case "add":
		return add(doc, p.path, p.value, p.rawPath)
	case "remove":
		doc, _, err := remove(doc, p.path, p.rawPath)
		return doc, err
	case "replace":
		if len(p.path) == 0 {
			return p.value, nil
		}
		return edit(doc, p.path, p.rawPath, func(node any, tok string) (any, error) {
			switch n := node.(type) {
			case map[string]any:
				if _, ok := n[tok]; !ok {
					return nil, fmt.Errorf("path %s: member %s does not exist", quote(p.rawPath), quote(tok))
				}
				n[tok] = p.value
			case []any:
				i, err := arrayIndex(tok, len(n), false, p.rawPath)
				if err != nil {
					return nil, err
				}
				n[i] = p.value
			default:
				return nil, notContainer(p.rawPath, node)
			}
			return node, nil
		})
	case "move":
		if isPrefix(p.from, p.path) {
			if len(p.from) == len(p.path) {
				_, err := get(doc, p.from, p.rawFrom)
				return doc, err
			}
			return nil, fmt.Errorf("from %s cannot move into its own child %s", quote(p.rawFrom), quote(p.rawPath))
		}
		doc, v, err := remove(doc, p.from, p.rawFrom)
		if err != nil {
			return nil, err
		}
		return add(doc, p.path, v, p.rawPath)
	case "copy":
		v, err := get(doc, p.from, p.rawFrom)
		if err != nil {
			return nil, err
		}
		if *budget -= jsonSize(v, *budget+1); *budget < 0 {
			return nil, fmt.Errorf("copying %s grows the document beyond the limit of the patch", quote(p.rawFrom))
		}
		return add(doc, p.path, deepCopy(v), p.rawPath)
	case "test":
		v, err := get(doc, p.path, p.rawPath)
		if err != nil {
			return nil, err
		}
		if !jsonEqual(v, p.value) {
			return nil, fmt.Errorf("%w: the value at %s is not the one given", errPatchTest, quote(p.rawPath))
		}
		return doc, nil
	}
	return nil, fmt.Errorf("unknown op %s", quote(p.op)) // parsePatch lets none through
}

// edit walks to the container of path's last token and replaces it by what
// leaf returns for it; every container on the way is updated in place, so an
// array that grows or shrinks is stored back into its parent.
func edit(node any, path []string, raw string, leaf func(container any, tok string) (any, error)) (any, error) {
	if len(path) == 1 {
		return leaf(node, path[0])
	}
	c, err := child(node, path[0], raw)
	if err != nil {
		return nil, err
	}
	nc, err := edit(c, path[1:], raw, leaf)
	if err != nil {
		return nil, err
	}
	switch n := node.(type) {
	case map[string]any:
		n[path[0]] = nc
	case []any:
		i, _ := arrayIndex(path[0], len(n), false, raw) // child checked it
		n[i] = nc
	}
	return node, nil
}

// child is the member or element tok of node.
func child(node any, tok, raw string) (any, error) {
	switch n := node.(type) {
	case map[string]any:
		v, ok := n[tok]
		if !ok {
			return nil, fmt.Errorf("path %s: member %s does not exist", quote(raw), quote(tok))
		}
		return v, nil
	case []any:
		i, err := arrayIndex(tok, len(n), false, raw)
		if err != nil {
			return nil, err
		}
		return n[i], nil
	}
	return nil, notContainer(raw, node)
}

// get is the value at path.
func get(doc any, path []string, raw string) (any, error) {
	for _, tok := range path {
		var err error
		if doc, err = child(doc, tok, raw); err != nil {
			return nil, err
		}
	}
	return doc, nil
}

// add sets a member, or inserts into an array before the index ("-" appends).
func add(doc any, path []string, v any, raw string) (any, error) {
	if len(path) == 0 {
		return v, nil
	}
	return edit(doc, path, raw, func(node any, tok string) (any, error) {
		switch n := node.(type) {
		case map[string]any:
			n[tok] = v
			return n, nil
		case []any:
			i, err := arrayIndex(tok, len(n), true, raw)
			if err != nil {
				return nil, err
			}
			n = append(n, nil)
			copy(n[i+1:], n[i:])
			n[i] = v
			return n, nil
		}
		return nil, notContainer(raw, node)
	})
}

// remove deletes the value at path and returns it.
func remove(doc any, path []string, raw string) (any, any, error) {
	if len(path) == 0 {
		return nil, nil, errors.New("the whole document cannot be removed")
	}
	var removed any
	doc, err := edit(doc, path, raw, func(node any, tok string) (any, error) {
		switch n := node.(type) {
		case map[string]any:
			v, ok := n[tok]
			if !ok {
				return nil, fmt.Errorf("path %s: member %s does not exist", quote(raw), quote(tok))
			}
			removed = v
			delete(n, tok)
			return n, nil
		case []any:
			i, err := arrayIndex(tok, len(n), false, raw)
			if err != nil {
				return nil, err
			}
			removed = n[i]
			return append(n[:i], n[i+1:]...), nil
		}
		return nil, notContainer(raw, node)
	})
	return doc, removed, err
}

// arrayIndex reads tok as an index into an array of n elements: decimal
// digits without leading zeros, below n; with end, n itself and "-" (past
// the last element) too, as add allows.
func arrayIndex(tok string, n int, end bool, raw string) (int, error) {
	if tok == "-" && end {
		return n, nil
	}
	valid := tok != "" && len(tok) <= 9 && (tok == "0" || tok[0] != '0')
	for i := 0; valid && i < len(tok); i++ {
		valid = tok[i] >= '0' && tok[i] <= '9'
	}
	if !valid {
		return 0, fmt.Errorf("path %s: %s is not an array index", quote(raw), quote(tok))
	}
	i, _ := strconv.Atoi(tok)
	if i > n || (i == n && !end) {
		return 0, fmt.Errorf("path %s: index %d is beyond the array's %d elements", quote(raw), i, n)
	}
	return i, nil
}

func notContainer(raw string, node any) error {
	return fmt.Errorf("path %s goes through a %s, which has no members", quote(raw), jsonKind(node))
}

func jsonKind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return "string"
	case json.Number, float64:
		return "number"
	}
	return "value"
}

// isPrefix reports whether the pointer a is b or one of its ancestors.
func isPrefix(a, b []string) bool {
	if len(a) > len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// jsonSize is about the size of v encoded as JSON, counted until it passes
// limit: strings and names by their bytes, numbers by their digits, one or
// a few bytes of punctuation each.
func jsonSize(v any, limit int) int {
	switch v := v.(type) {
	case string:
		return len(v) + 2
	case json.Number:
		return len(v)
	case map[string]any:
		n := 2
		for k, c := range v {
			if n > limit {
				break
			}
			n += len(k) + 4 + jsonSize(c, limit-n)
		}
		return n
	case []any:
		n := 2
		for _, c := range v {
			if n > limit {
				break
			}
			n += 1 + jsonSize(c, limit-n)
		}
		return n
	}
	return 5 // null, true, false
}

func deepCopy(v any) any {
	switch v := v.(type) {
	case map[string]any:
		m := make(map[string]any, len(v))
		for k, c := range v {
			m[k] = deepCopy(c)
		}
		return m
	case []any:
		l := make([]any, len(v))
		for i, c := range v {
			l[i] = deepCopy(c)
		}
		return l
	}
	return v
}

// jsonEqual is the equality of test: same type, numbers equal in value
// (1, 1.0 and 1e0 are one number), strings by their characters, arrays
// element by element, objects member by member in any order.
func jsonEqual(a, b any) bool {
	switch a := a.(type) {
	case nil:
		return b == nil
	case bool:
		bb, ok := b.(bool)
		return ok && a == bb
	case string:
		bs, ok := b.(string)
		return ok && a == bs
	case json.Number:
		bn, ok := b.(json.Number)
		return ok && canonicalNumber(string(a)) == canonicalNumber(string(bn))
	case []any:
		bl, ok := b.([]any)
		if !ok || len(a) != len(bl) {
			return false
		}
		for i := range a {
			if !jsonEqual(a[i], bl[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		bm, ok := b.(map[string]any)
		if !ok || len(a) != len(bm) {
			return false
		}
		for k, av := range a {
			bv, ok := bm[k]
			if !ok || !jsonEqual(av, bv) {
				return false
			}
		}
		return true
	}
	return false
}

// canonicalNumber writes a JSON number as sign, significant digits and
// exponent ("-125e-2" for -1.250), so that equal values compare equal as
// strings without converting to floating point, which would lose digits,
// or to big numbers, which a huge exponent would make costly.
func canonicalNumber(s string) string {
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	mant, expPart, hasExp := strings.Cut(strings.ToLower(s), "e")
	exp := int64(0)
	if hasExp {
		var err error
		if exp, err = strconv.ParseInt(strings.TrimPrefix(expPart, "+"), 10, 64); err != nil {
			return s // an exponent beyond int64: compare the text
		}
	}
	intPart, frac, _ := strings.Cut(mant, ".")
	digits := intPart + frac
	exp -= int64(len(frac))
	digits = strings.TrimLeft(digits, "0")
	if digits == "" {
		return "0"
	}
	trimmed := strings.TrimRight(digits, "0")
	exp += int64(len(digits) - len(trimmed))
	sign := ""
	if neg {
		sign = "-"
	}
	return sign + trimmed + "e" + strconv.FormatInt(exp, 10)
}
