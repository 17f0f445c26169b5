package spec

import (
	"embed"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// The directory, not the file, is embedded so that this package, and with
// it the generator that imports it, still compiles when the file is missing.
//
//go:embed data
var data embed.FS

// dataFile is the generated definitions inside data.
const dataFile = "data/r4.gob.gz"

// ErrInvalid is returned (wrapped) when definitions do not hang together: a
// duplicate type, an element without a parent, a regex that does not compile.
var ErrInvalid = errors.New("invalid definitions")

// Spec answers questions about the FHIR R4 definitions. Build one with [R4],
// [Load] or [New]; it is read-only and safe for concurrent use. The
// definitions it returns are shared: callers must not modify them.
type Spec struct {
	defs       *Definitions
	types      map[string]*TypeDef
	resources  []string
	primitives map[string]*PrimitiveDef
	params     map[string]map[string]*SearchParam // base type → code → param
	paramByURL map[string]*SearchParam
	compart    map[string]map[string][]string // compartment code → type → params
	valueSets  map[string]*ValueSet           // URL without version → value set
	hier       map[string]*hierarchy          // code system URL → is-a links
}

var r4 = sync.OnceValues(Load)

// R4 returns the FHIR R4 definitions embedded in the binary, decoding them on
// the first call. Every call returns the same *Spec.
func R4() (*Spec, error) {
	return r4()
}

// Load decodes the embedded FHIR R4 definitions into a new *Spec. Most
// callers want the shared one from [R4].
func Load() (*Spec, error) {
	f, err := data.Open(dataFile)
	if err != nil {
		return nil, fmt.Errorf("loading FHIR R4 definitions: %w (run go generate ./fhir/spec)", err)
	}
	defer f.Close()
	d, err := DecodeDefinitions(f)
	if err != nil {
		return nil, err
	}
	return New(d)
}

// New indexes d. It takes ownership of d.
func New(d *Definitions) (*Spec, error) {
	s := &Spec{
		defs:       d,
		types:      make(map[string]*TypeDef, len(d.Types)),
		primitives: make(map[string]*PrimitiveDef, len(d.Primitives)),
		params:     make(map[string]map[string]*SearchParam),
		paramByURL: make(map[string]*SearchParam, len(d.SearchParams)),
		compart:    make(map[string]map[string][]string, len(d.Compartments)),
		valueSets:  make(map[string]*ValueSet, len(d.ValueSets)),
	}
	s.hier = indexHierarchies(d.Hierarchies)
	for _, vs := range d.ValueSets {
		if s.valueSets[vs.URL] != nil {
			return nil, fmt.Errorf("%w: value set %s defined twice", ErrInvalid, vs.URL)
		}
		s.valueSets[vs.URL] = vs
	}
	for _, t := range d.Types {
		if s.types[t.Name] != nil {
			return nil, fmt.Errorf("%w: type %s defined twice", ErrInvalid, t.Name)
		}
		if err := linkElements(t, d.Constraints); err != nil {
			return nil, err
		}
		s.linkBindings(t)
		s.types[t.Name] = t
		if t.Kind == KindResource && !t.Abstract {
			s.resources = append(s.resources, t.Name)
		}
	}
	sort.Strings(s.resources)
	for _, t := range d.Types {
		for _, e := range t.Elements {
			if e.ContentRef == "" {
				continue
			}
			target := s.byRef(e.ContentRef)
			if target == nil {
				return nil, fmt.Errorf("%w: %s: content reference %s not found", ErrInvalid, e.Path, e.ContentRef)
			}
			e.children = target.children
		}
	}
	for _, p := range d.Primitives {
		if err := p.compile(); err != nil {
			return nil, fmt.Errorf("%w: primitive %s: %v", ErrInvalid, p.Name, err)
		}
		s.primitives[p.Name] = p
	}
	for _, p := range d.SearchParams {
		p.index()
		s.paramByURL[p.URL] = p
		for _, b := range p.Base {
			m := s.params[b]
			if m == nil {
				m = make(map[string]*SearchParam)
				s.params[b] = m
			}
			if old := m[p.Code]; old != nil {
				return nil, fmt.Errorf("%w: search parameter %s defined twice for %s (%s, %s)", ErrInvalid, p.Code, b, old.URL, p.URL)
			}
			m[p.Code] = p
		}
	}
	for _, c := range d.Compartments {
		m := make(map[string][]string, len(c.Resources))
		for _, r := range c.Resources {
			m[r.Type] = r.Params
		}
		s.compart[c.Code] = m
	}
	return s, nil
}

// linkElements fills byPath and each element's children and constraints.
func linkElements(t *TypeDef, constraints []Constraint) error {
	t.byPath = make(map[string]*ElementDef, len(t.Elements))
	for i, e := range t.Elements {
		if len(e.ConstraintRefs) > 0 {
			e.constraints = make([]*Constraint, len(e.ConstraintRefs))
			for j, ref := range e.ConstraintRefs {
				if ref < 0 || int(ref) >= len(constraints) {
					return fmt.Errorf("%w: %s: constraint %d out of range", ErrInvalid, e.Path, ref)
				}
				e.constraints[j] = &constraints[ref]
			}
		}
		if t.byPath[e.Path] != nil {
			return fmt.Errorf("%w: %s: element %s defined twice", ErrInvalid, t.Name, e.Path)
		}
		t.byPath[e.Path] = e
		if i == 0 {
			if e.Path != t.Name {
				return fmt.Errorf("%w: %s: first element is %s", ErrInvalid, t.Name, e.Path)
			}
			continue
		}
		dot := strings.LastIndexByte(e.Path, '.')
		parent := t.byPath[e.Path[:max(dot, 0)]]
		if dot < 0 || parent == nil {
			return fmt.Errorf("%w: %s: element %s has no parent", ErrInvalid, t.Name, e.Path)
		}
		parent.children = append(parent.children, e)
	}
	return nil
}

// linkBindings points each required binding of t at its value set's
// expansion, so that a validator finds it without a lookup per value.
func (s *Spec) linkBindings(t *TypeDef) {
	for _, e := range t.Elements {
		b := e.Binding
		if b == nil || b.Strength != BindingRequired {
			continue
		}
		if vs := s.ValueSet(b.ValueSet); vs != nil && vs.Expanded() {
			b.expansion = vs
		}
	}
}

// byRef resolves a content reference such as "#Questionnaire.item".
func (s *Spec) byRef(ref string) *ElementDef {
	path := strings.TrimPrefix(ref, "#")
	typ, _, _ := strings.Cut(path, ".")
	t := s.types[typ]
	if t == nil {
		return nil
	}
	return t.byPath[path]
}

// FHIRVersion returns the FHIR version of the definitions ("4.0.1").
func (s *Spec) FHIRVersion() string {
	return s.defs.FHIRVersion
}

// Definitions returns the definitions s was built from. They are shared and
// must not be modified.
func (s *Spec) Definitions() *Definitions {
	return s.defs
}

// Type returns the resource type or data type named name ("Patient",
// "HumanName", "date"), or nil when the core defines no such type.
func (s *Spec) Type(name string) *TypeDef {
	return s.types[name]
}

// Types returns every type, sorted by name.
func (s *Spec) Types() []*TypeDef {
	return s.defs.Types
}

// IsResource reports whether name is a concrete resource type.
func (s *Spec) IsResource(name string) bool {
	t := s.types[name]
	return t != nil && t.Kind == KindResource && !t.Abstract
}

// Resources returns the names of the concrete resource types, sorted. The
// abstract Resource and DomainResource are not included.
func (s *Spec) Resources() []string {
	return s.resources
}

// IsA reports whether type name is base or specializes it, directly or not:
// IsA("Patient", "DomainResource") and IsA("Age", "Quantity") are true.
func (s *Spec) IsA(name, base string) bool {
	for t := s.types[name]; t != nil; t = s.types[t.Base] {
		if t.Name == base {
			return true
		}
	}
	return false
}

// Primitive returns the primitive type named name ("date", "id"), or nil.
func (s *Spec) Primitive(name string) *PrimitiveDef {
	return s.primitives[name]
}

// Primitives returns every primitive type, sorted by name.
func (s *Spec) Primitives() []*PrimitiveDef {
	return s.defs.Primitives
}

// SearchParams returns the search parameters that apply to resourceType,
// including those defined on Resource and DomainResource, sorted by code.
// It returns nil for an unknown type.
func (s *Spec) SearchParams(resourceType string) []*SearchParam {
	var out []*SearchParam
	for t := s.types[resourceType]; t != nil; t = s.types[t.Base] {
		for _, p := range s.params[t.Name] {
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Code < out[j].Code })
	return out
}

// SearchParam returns the search parameter with the given code ("name",
// "_id") that applies to resourceType, or nil.
func (s *Spec) SearchParam(resourceType, code string) *SearchParam {
	for t := s.types[resourceType]; t != nil; t = s.types[t.Base] {
		if p := s.params[t.Name][code]; p != nil {
			return p
		}
	}
	return nil
}

// SearchParamByURL returns the search parameter with the given canonical
// URL, as composite components name them, or nil.
func (s *Spec) SearchParamByURL(url string) *SearchParam {
	return s.paramByURL[url]
}

// AllSearchParams returns every search parameter, sorted by URL.
func (s *Spec) AllSearchParams() []*SearchParam {
	return s.defs.SearchParams
}

// PatientCompartment returns the search parameters that link a resource of
// type resourceType to a patient ("subject", "performer" for Observation).
// It returns nil when resources of that type are never in a patient's
// compartment.
func (s *Spec) PatientCompartment(resourceType string) []string {
	return s.Compartment("Patient", resourceType)
}

// Compartment returns the search parameters that link a resource of type
// resourceType to the owner of a compartment of type code ("Patient",
// "Encounter", "RelatedPerson", "Practitioner", "Device"), or nil.
func (s *Spec) Compartment(code, resourceType string) []string {
	return s.compart[code][resourceType]
}

// CompartmentTypes returns the resource types that can be in a compartment
// of type code, sorted.
func (s *Spec) CompartmentTypes(code string) []string {
	var out []string
	for t, params := range s.compart[code] {
		if len(params) > 0 {
			out = append(out, t)
		}
	}
	sort.Strings(out)
	return out
}
