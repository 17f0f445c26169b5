package spec

import (
	"compress/gzip"
	"encoding/gob"
	"fmt"
	"io"
)

// Definitions is the serialized form of the specification: what the
// generator extracts from the official package and what [Load] decodes. Its
// slices are sorted so that the same package always yields the same bytes.
type Definitions struct {
	// FHIRVersion is the version of the package the data came from ("4.0.1").
	FHIRVersion string
	// Types holds every resource type, complex data type and primitive data
	// type of the core, sorted by name. Profiles (constraints such as
	// SimpleQuantity or vitalsigns) and logical models are not included.
	Types []*TypeDef
	// Constraints holds each distinct invariant once; elements refer to
	// them by index (ElementDef.ConstraintRefs).
	Constraints []Constraint
	// Primitives holds the primitive types with their value formats,
	// sorted by name.
	Primitives []*PrimitiveDef
	// SearchParams holds every non-experimental SearchParameter of the core,
	// sorted by URL. The package's examples and the experimental
	// extension-based parameters are left out.
	SearchParams []*SearchParam
	// Compartments holds the CompartmentDefinitions (Patient, Encounter,
	// RelatedPerson, Practitioner, Device), sorted by code.
	Compartments []*Compartment
	// ValueSets holds every value set of the package and each one a
	// required binding of the core names, sorted by URL, with its
	// expansion when the package alone defines every code of it. Bindings
	// and token searches with :in refer to them by canonical URL.
	ValueSets []*ValueSet
	// Hierarchies holds the is-a links of each code system of the package
	// whose concepts nest, sorted by system: token searches with :below
	// and :above walk them.
	Hierarchies []*Hierarchy
}

// Compartment is one CompartmentDefinition: for each resource type in the
// compartment, the search parameters that link a resource to the
// compartment's owner.
type Compartment struct {
	// Code is the compartment type: "Patient", "Encounter", ...
	Code string
	// URL is the canonical URL of the CompartmentDefinition.
	URL string
	// Resources lists the resource types in the compartment, sorted by type.
	Resources []CompartmentResource
}

// CompartmentResource names the search parameters that put resources of one
// type into a compartment. Params is empty for a type that is listed but can
// never be in the compartment (for example Binary in the Patient compartment).
type CompartmentResource struct {
	Type   string
	Params []string
}

// Encode writes d in the embedded format: gob, gzip-compressed.
func (d *Definitions) Encode(w io.Writer) error {
	zw, err := gzip.NewWriterLevel(w, gzip.BestCompression)
	if err != nil {
		return err
	}
	if err := gob.NewEncoder(zw).Encode(d); err != nil {
		return fmt.Errorf("encoding definitions: %w", err)
	}
	return zw.Close()
}

// DecodeDefinitions reads definitions written by [Definitions.Encode].
func DecodeDefinitions(r io.Reader) (*Definitions, error) {
	zr, err := gzip.NewReader(r)
	if err != nil {
		return nil, fmt.Errorf("decoding definitions: %w", err)
	}
	d := new(Definitions)
	if err := gob.NewDecoder(zr).Decode(d); err != nil {
		return nil, fmt.Errorf("decoding definitions: %w", err)
	}
	return d, nil
}
