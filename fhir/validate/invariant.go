package validate

import (
	"slices"
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/fhir/fhirpath"
	"github.com/plexus-health/plexus/fhir/spec"
)

// Invariants are evaluated with fhir/fhirpath, whose typed nodes (an element
// knows its definition path, so children and ofType() resolve) can only be
// made by the engine itself. fpNode therefore records how an element is
// reached from the resource (member name and index, step by step) and asks
// the engine for the node only when an invariant needs it: most elements
// carry only ele-1, which is checked directly as "no empty elements".

// fpNode locates an element, for the FHIRPath engine and for issues, whose
// locations are built only when there is an issue to report.
type fpNode struct {
	parent *fpNode
	name   string // member name as FHIRPath spells it ("value", not "valueQuantity")
	key    string // property name as the JSON spells it; the resource type at the root
	index  int
	listed bool           // an item of an array: its location ends in [index]
	data   map[string]any // the top-level resource, on the root only

	done bool
	val  fhirpath.Value
	kids map[string]fhirpath.Collection // children by member name, once asked for
}

// child returns the locator of the index-th occurrence of member name,
// spelled key in the JSON; listed tells whether it is an array item.
func (n *fpNode) child(name, key string, index int, listed bool) *fpNode {
	return &fpNode{parent: n, name: name, key: key, index: index, listed: listed}
}

// path returns the FHIRPath location of n: Patient.name[0].given[1].
func (n *fpNode) path() string {
	var b strings.Builder
	n.writePath(&b)
	return b.String()
}

func (n *fpNode) writePath(b *strings.Builder) {
	if n.parent != nil {
		n.parent.writePath(b)
		b.WriteByte('.')
	}
	b.WriteString(n.key)
	if n.listed {
		b.WriteByte('[')
		b.WriteString(strconv.Itoa(n.index))
		b.WriteByte(']')
	}
}

// compile returns the compiled expression, or nil when it does not compile;
// the answer is cached, as the set of expressions (invariants and member
// names of the definitions) is bounded.
func (v *Validator) compile(expr string) *fhirpath.Expression {
	if e, ok := v.exprs.Load(expr); ok {
		return e.(*fhirpath.Expression)
	}
	e, err := fhirpath.Compile(expr)
	if err != nil {
		e = nil
	}
	v.exprs.Store(expr, e)
	return e
}

// nodeValue returns the engine's node for n, or nil when it cannot tell.
func (w *walker) nodeValue(n *fpNode) fhirpath.Value {
	if n.done {
		return n.val
	}
	n.done = true
	if n.parent == nil {
		if e := w.v.compile("$this"); e != nil {
			if res, err := e.Evaluate(n.data, nil); err == nil && len(res) == 1 {
				n.val = res[0]
			}
		}
		return n.val
	}
	pv := w.nodeValue(n.parent)
	if pv == nil {
		return nil
	}
	col, ok := n.parent.kids[n.name]
	if !ok {
		if e := w.v.compile("`" + n.name + "`"); e != nil {
			col, _ = e.Evaluate(fhirpath.Collection{pv}, nil)
		}
		if n.parent.kids == nil {
			n.parent.kids = make(map[string]fhirpath.Collection, 2)
		}
		n.parent.kids[n.name] = col
	}
	if n.index < len(col) {
		n.val = col[n.index]
	}
	return n.val
}

// invariants evaluates the error-severity invariants of the definitions in
// constrained on the element at node. An invariant that does not compile, fails
// to evaluate, or needs a context the engine is not given (%resource below a
// resource's root) is skipped: only a definite false is reported.
func (w *walker) invariants(node *fpNode, isResource bool, constrained []*spec.ElementDef) {
	var done []string
	for _, el := range constrained {
		for _, c := range el.Constraints() {
			switch {
			case c.Severity != SeverityError,
				c.Key == "ele-1", // checked directly in object
				c.Key == "ref-1", // checked directly in reference
				c.Key == "dom-3", // checked directly in containedReferenced
				slices.Contains(done, c.Key):
				continue
			}
			done = append(done, c.Key)
			if strings.Contains(c.Expression, "%rootResource") ||
				!isResource && strings.Contains(c.Expression, "%resource") {
				continue // the engine takes the focus as %resource
			}
			e := w.v.compile(c.Expression)
			if e == nil {
				continue
			}
			nv := w.nodeValue(node)
			if nv == nil {
				return
			}
			res, err := e.Evaluate(fhirpath.Collection{nv}, nil)
			if err != nil || len(res) != 1 || res[0] != fhirpath.Boolean(false) {
				continue
			}
			w.add(CodeInvariant, node.path(), "%s: %s", c.Key, c.Human)
		}
	}
}
