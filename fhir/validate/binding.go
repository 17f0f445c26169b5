package validate

import (
	"strings"

	"github.com/plexus-health/plexus/fhir/spec"
)

// Required terminology bindings are checked against the expansions fhir/spec
// generates from the package's ValueSet and CodeSystem resources; a binding
// whose value set the package cannot expand (UCUM units, MIME types,
// currencies) has no expansion and is not checked. Extensible, preferred and
// example bindings are never errors.
//
// The rules, from the R4 terminology binding rules:
//
//   - a code element has no system: its value must be a code of the
//     expansion, from any of its code systems;
//   - a Coding is checked only when its system is one the value set draws
//     from: a code of that system outside the expansion is an error;
//   - a CodeableConcept is valid when at least one of its codings is in the
//     expansion (the others are translations, allowed under a required
//     binding); when none is, each coding from one of the value set's
//     systems is reported. A CodeableConcept with only text, or only codings
//     of other systems, is not reported: nothing in it is a code the value
//     set can be said to lack.

// maxListed is the largest expansion whose codes a message lists.
const maxListed = 12

// bindingOf returns the expansion to check an element's values against, or
// nil.
func (w *walker) bindingOf(el *spec.ElementDef) *spec.ValueSet {
	if !w.v.terminology || el.Binding == nil {
		return nil
	}
	return el.Binding.Expansion()
}

// code checks the value of a code element bound to vs.
func (w *walker) code(code string, el *spec.ElementDef, vs *spec.ValueSet, node *fpNode) {
	if !vs.HasCode(code) {
		w.codeInvalid(code, el, vs, node)
	}
}

// coding checks a Coding bound to vs.
func (w *walker) coding(m map[string]any, el *spec.ElementDef, vs *spec.ValueSet, node *fpNode) {
	system, _ := m["system"].(string)
	code, ok := m["code"].(string)
	if !ok || code == "" || !vs.HasSystem(system) || vs.Contains(system, code) {
		return
	}
	w.codeInvalid(code, el, vs, node.child("code", "code", 0, false))
}

// codeableConcept checks a CodeableConcept bound to vs.
func (w *walker) codeableConcept(m map[string]any, el *spec.ElementDef, vs *spec.ValueSet, node *fpNode) {
	codings, _ := m["coding"].([]any)
	for _, c := range codings {
		cm, _ := c.(map[string]any)
		system, _ := cm["system"].(string)
		code, _ := cm["code"].(string)
		if vs.Contains(system, code) {
			return
		}
	}
	for i, c := range codings {
		if cm, ok := c.(map[string]any); ok {
			w.coding(cm, el, vs, node.child("coding", "coding", i, true))
		}
	}
}

// codeInvalid reports code as not in vs.
func (w *walker) codeInvalid(code string, el *spec.ElementDef, vs *spec.ValueSet, node *fpNode) {
	var allowed string
	if vs.Len() <= maxListed {
		var codes []string
		for _, s := range vs.Systems {
			codes = append(codes, s.Codes...)
		}
		allowed = " (allowed: " + strings.Join(codes, ", ") + ")"
	}
	w.add(CodeCodeInvalid, node.path(), "%q is not in the value set %s required by %s%s",
		trunc(code), el.Binding.ValueSet, el.Path, allowed)
}
