package spec

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Resolved is the result of resolving an element path.
type Resolved struct {
	// Element is the definition the path leads to. For a path that walks
	// into a data type ("Patient.name.family") it is the data type's element
	// (HumanName.family); for a choice spelling ("Observation.valueQuantity")
	// it is the choice element (Observation.value[x]).
	Element *ElementDef
	// Type is the element's type at this path: the type chosen by a choice
	// spelling ("Quantity"), or the element's only type. It is empty for a
	// choice element named with "[x]" and for root and backbone elements.
	Type string
}

// Element returns the definition of the element at path, or nil. See
// [Spec.Resolve] for the paths it understands.
func (s *Spec) Element(path string) *ElementDef {
	r, ok := s.Resolve(path)
	if !ok {
		return nil
	}
	return r.Element
}

// Resolve finds the element at path. The path starts with a type name and
// continues with element names separated by dots. Besides the paths of the
// definitions ("Observation.value[x]", "Patient.contact.name") it accepts
// choice spellings ("Observation.valueQuantity", which resolves to
// Observation.value[x] with Type "Quantity"), paths through content
// references ("Questionnaire.item.item.linkId") and paths into data types
// and contained resources ("Patient.name.family",
// "Observation.valueQuantity.unit", "Bundle.entry.resource.id").
func (s *Spec) Resolve(path string) (Resolved, bool) {
	typeName, rest, _ := strings.Cut(path, ".")
	t := s.types[typeName]
	if t == nil || len(t.Elements) == 0 {
		return Resolved{}, false
	}
	if e := t.byPath[path]; e != nil {
		return Resolved{Element: e, Type: onlyType(e)}, true
	}
	cur := Resolved{Element: t.Root()}
	if path == typeName {
		return cur, true
	}
	for name := range strings.SplitSeq(rest, ".") {
		next, ok := s.step(cur, name)
		if !ok {
			return Resolved{}, false
		}
		cur = next
	}
	return cur, true
}

// step resolves the child called name of the element cur.
func (s *Spec) step(cur Resolved, name string) (Resolved, bool) {
	kids := cur.Element.children
	if len(kids) == 0 && cur.Type != "" {
		if t := s.types[cur.Type]; t != nil && len(t.Elements) > 0 {
			kids = t.Root().children
		}
	}
	for _, k := range kids {
		if k.Name() == name {
			return Resolved{Element: k, Type: onlyType(k)}, true
		}
	}
	for _, k := range kids {
		if !k.Choice {
			continue
		}
		base := k.ChoiceName()
		suffix, ok := strings.CutPrefix(name, base)
		if !ok || suffix == "" {
			continue
		}
		for _, tr := range k.Types {
			if upperFirst(tr.Code) == suffix {
				return Resolved{Element: k, Type: tr.Code}, true
			}
		}
	}
	return Resolved{}, false
}

// onlyType returns the code of e's type when it has exactly one.
func onlyType(e *ElementDef) string {
	if len(e.Types) != 1 || e.Backbone {
		return ""
	}
	return e.Types[0].Code
}

// upperFirst returns s with its first letter in upper case, as choice
// element names spell type names ("dateTime" → "DateTime").
func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
