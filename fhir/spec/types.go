package spec

import "strings"

// Kinds of type definitions, as StructureDefinition.kind spells them.
const (
	KindResource      = "resource"
	KindComplexType   = "complex-type"
	KindPrimitiveType = "primitive-type"
)

// TypeDef is one resource type or data type, from its StructureDefinition.
type TypeDef struct {
	// Name is the type name: "Patient", "HumanName", "date".
	Name string
	// URL is the canonical URL of the StructureDefinition.
	URL string
	// Kind is KindResource, KindComplexType or KindPrimitiveType.
	Kind string
	// Abstract is true for types that cannot be instantiated (Resource,
	// DomainResource, Element, BackboneElement).
	Abstract bool
	// Base is the name of the type this one specializes ("DomainResource"
	// for Patient, "Quantity" for Age); empty for Resource and Element.
	Base string
	// Elements are the snapshot's elements in definition order; the first is
	// the type itself (path "Patient").
	Elements []*ElementDef

	byPath map[string]*ElementDef
}

// Root returns the element describing the type itself (path equal to Name).
func (t *TypeDef) Root() *ElementDef {
	if len(t.Elements) == 0 {
		return nil
	}
	return t.Elements[0]
}

// ElementDef is one element of a type's snapshot.
type ElementDef struct {
	// Path is the element's path as the definition spells it:
	// "Patient.name", "Observation.value[x]", "Bundle.entry.resource".
	Path string
	// Min is the minimum cardinality.
	Min int
	// Max is the maximum cardinality: "*" or a number ("1", "0").
	Max string
	// Types are the element's allowed types; more than one only for choice
	// elements. Empty for the root element and for content references.
	Types []TypeRef
	// Choice is true for choice elements (path ending in "[x]").
	Choice bool
	// Backbone is true for elements whose children are defined inline
	// (BackboneElement or Element typed, like Patient.contact or
	// Timing.repeat); their children are returned by Children.
	Backbone bool
	// IsModifier tells whether the element can change the meaning of the
	// resource that contains it (Observation.status).
	IsModifier bool
	// IsSummary tells whether the element is part of the _summary view.
	IsSummary bool
	// ContentRef, when set, is a reference like "#Questionnaire.item": the
	// element has the same content as the element at that path.
	ContentRef string
	// Binding is the terminology binding for coded elements, or nil.
	Binding *Binding
	// ConstraintRefs index Definitions.Constraints: the same invariant
	// (ele-1 is on every element) is stored once. Use Constraints.
	ConstraintRefs []int32

	constraints []*Constraint

	children []*ElementDef
}

// Constraints returns the invariants that apply to the element, including
// those inherited from its base (ele-1 on every element, dom-* on a
// resource's root).
func (e *ElementDef) Constraints() []*Constraint {
	return e.constraints
}

// Name returns the last part of the path: "name", "value[x]".
func (e *ElementDef) Name() string {
	return e.Path[strings.LastIndexByte(e.Path, '.')+1:]
}

// ChoiceName returns the name of a choice element without its "[x]" suffix
// ("value" for Observation.value[x]); for other elements it returns Name.
func (e *ElementDef) ChoiceName() string {
	return strings.TrimSuffix(e.Name(), "[x]")
}

// Repeats reports whether the element may occur more than once.
func (e *ElementDef) Repeats() bool {
	return e.Max != "0" && e.Max != "1"
}

// Children returns the elements defined inline under e: the children of a
// backbone element or of the type's root element, or, for a content
// reference, the children of the referenced element. Elements typed with a
// data type have no inline children; see [Spec.Resolve] to walk into them.
func (e *ElementDef) Children() []*ElementDef {
	return e.children
}

// Child returns the inline child named name ("family", "value[x]"), or nil.
func (e *ElementDef) Child(name string) *ElementDef {
	for _, c := range e.children {
		if c.Name() == name {
			return c
		}
	}
	return nil
}

// TypeCodes returns the codes of the element's types.
func (e *ElementDef) TypeCodes() []string {
	codes := make([]string, len(e.Types))
	for i, t := range e.Types {
		codes[i] = t.Code
	}
	return codes
}

// TypeRef is one allowed type of an element.
type TypeRef struct {
	// Code is the FHIR type name: "HumanName", "Reference", "date". For the
	// few elements the definitions type with a FHIRPath system type (the id
	// of every element and resource, Extension.url, the value of a
	// primitive) it is the FHIR type given by the definition's
	// structuredefinition-fhir-type extension ("string", "uri", "date").
	Code string
	// FHIRPathType is set when the definition uses a FHIRPath system type
	// ("System.String", "System.Date"); empty otherwise.
	FHIRPathType string
	// TargetProfiles are the canonical URLs of the allowed targets of a
	// Reference or canonical ("http://hl7.org/fhir/StructureDefinition/Patient").
	TargetProfiles []string
	// Profiles are the profiles the value must conform to
	// ("http://hl7.org/fhir/StructureDefinition/SimpleQuantity").
	Profiles []string
}

// Targets returns the names of the types in TargetProfiles ("Patient",
// "Group"), or nil when any target is allowed.
func (t TypeRef) Targets() []string {
	if len(t.TargetProfiles) == 0 {
		return nil
	}
	names := make([]string, len(t.TargetProfiles))
	for i, p := range t.TargetProfiles {
		names[i] = p[strings.LastIndexByte(p, '/')+1:]
	}
	return names
}

// Binding strengths, as ElementDefinition.binding.strength spells them.
const (
	BindingRequired   = "required"
	BindingExtensible = "extensible"
	BindingPreferred  = "preferred"
	BindingExample    = "example"
)

// Binding is an element's terminology binding.
type Binding struct {
	// Strength is BindingRequired, BindingExtensible, BindingPreferred or
	// BindingExample.
	Strength string
	// ValueSet is the canonical URL of the value set, with its version when
	// the definition gives one ("http://hl7.org/fhir/ValueSet/observation-status|4.0.1").
	ValueSet string

	expansion *ValueSet // for a required binding whose value set is expanded
}

// Constraint is an invariant: a FHIRPath expression that must be true for
// every occurrence of the element it is on.
type Constraint struct {
	// Key identifies the invariant ("obs-6", "ele-1").
	Key string
	// Severity is "error" or "warning".
	Severity string
	// Human is the invariant in words, for OperationOutcome messages.
	Human string
	// Expression is the FHIRPath expression, evaluated with the element as
	// its context.
	Expression string
}
