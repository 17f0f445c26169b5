package validate

import (
	"slices"
	"strings"

	"github.com/plexus-health/plexus/fhir/spec"
)

// reference checks Reference.reference in m, a Reference at node that is an
// occurrence of el with type tr.
func (w *walker) reference(m map[string]any, el *spec.ElementDef, tr spec.TypeRef, node *fpNode, rc *resCtx) {
	ref, ok := m["reference"].(string)
	if !ok || ref == "" {
		return // absent, or already reported as malformed
	}
	loc := func() string { return node.path() + ".reference" }
	sp := w.v.spec
	switch {
	case strings.HasPrefix(ref, "#"):
		if id := ref[1:]; id != "" && !rc.contained[id] {
			w.add(CodeValue, loc(), "%q refers to a contained resource that is not there", trunc(ref))
		}
		return
	case strings.HasPrefix(ref, "urn:uuid:"):
		if !sp.Primitive("uuid").Valid(ref) {
			w.add(CodeValue, loc(), "%q is not a valid urn:uuid: reference", trunc(ref))
		}
		return
	case strings.HasPrefix(ref, "urn:oid:"):
		if !sp.Primitive("oid").Valid(ref) {
			w.add(CodeValue, loc(), "%q is not a valid urn:oid: reference", trunc(ref))
		}
		return
	case isAbsolute(ref):
		return // a server elsewhere; its form is its own business
	}
	if typ, query, ok := strings.Cut(ref, "?"); ok {
		switch {
		case !rc.conditional:
			w.add(CodeValue, loc(), "conditional reference %q is only allowed in a transaction or batch Bundle", trunc(ref))
		case !sp.IsResource(typ):
			w.add(CodeValue, loc(), "conditional reference %q does not start with a resource type", trunc(ref))
		case query == "":
			w.add(CodeValue, loc(), "conditional reference %q has no search parameters", trunc(ref))
		default:
			w.target(typ, el, tr, loc)
		}
		return
	}
	parts := strings.Split(ref, "/")
	switch {
	case len(parts) != 2 && (len(parts) != 4 || parts[2] != "_history"):
		w.add(CodeValue, loc(), "%q is not a reference of the form Type/id", trunc(ref))
	case !sp.IsResource(parts[0]):
		w.add(CodeValue, loc(), "%q: %s is not a resource type", trunc(ref), trunc(parts[0]))
	case !w.v.id.Valid(parts[1]):
		w.add(CodeValue, loc(), "%q: %s is not a valid id", trunc(ref), trunc(parts[1]))
	case len(parts) == 4 && !w.v.id.Valid(parts[3]):
		w.add(CodeValue, loc(), "%q: %s is not a valid version id", trunc(ref), trunc(parts[3]))
	default:
		w.target(parts[0], el, tr, loc)
	}
}

// target reports a reference to a resource of type typ where the element's
// target profiles do not allow it.
func (w *walker) target(typ string, el *spec.ElementDef, tr spec.TypeRef, loc func() string) {
	targets := tr.Targets()
	if len(targets) == 0 {
		return
	}
	for _, t := range targets {
		if w.v.spec.IsA(typ, t) {
			return
		}
	}
	w.add(CodeValue, loc(), "%s is not an allowed target of %s (allowed: %s)", typ, el.Path, strings.Join(slices.Compact(slices.Sorted(slices.Values(targets))), ", "))
}

// isAbsolute reports whether ref starts with a URL scheme ("https://").
func isAbsolute(ref string) bool {
	scheme, _, ok := strings.Cut(ref, "://")
	if !ok || scheme == "" || strings.ContainsAny(scheme, "/?#") {
		return false
	}
	for i, c := range scheme {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || i > 0 && (c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.')) {
			return false
		}
	}
	return true
}
