package spec

import (
	"slices"
	"strings"
)

// ValueSet is a value set that a required binding of the core names, with
// its expansion computed by the generator from the package's ValueSet and
// CodeSystem resources. Only required bindings are expanded: they are the
// only ones a validator may reject a value for.
//
// A value set the package alone cannot expand (one that includes a whole
// external code system such as UCUM, BCP-13 or ISO 4217, one with a filter,
// one the package does not contain) is kept with Unexpanded saying why, so
// that callers can tell "not in the value set" from "not known".
type ValueSet struct {
	// URL is the canonical URL without a version
	// ("http://hl7.org/fhir/ValueSet/observation-status").
	URL string
	// Version is the value set's version ("4.0.1"), empty when the package
	// does not contain the value set.
	Version string
	// Unexpanded is empty for an expanded value set, and otherwise says why
	// it could not be expanded.
	Unexpanded string
	// Systems holds the codes of the expansion by code system, sorted by
	// system URL; each Codes is sorted and without duplicates.
	Systems []CodeSet
}

// CodeSet is the part of an expansion drawn from one code system.
type CodeSet struct {
	// System is the code system's canonical URL
	// ("http://hl7.org/fhir/observation-status").
	System string
	// Codes are the system's codes in the expansion, sorted.
	Codes []string
}

// Expanded reports whether the value set's codes are known.
func (vs *ValueSet) Expanded() bool {
	return vs.Unexpanded == ""
}

// HasCode reports whether code is in the expansion, from any of its code
// systems: the test for an element of type code, which carries no system.
// Codes are compared case-sensitively, as FHIR's own codes are.
func (vs *ValueSet) HasCode(code string) bool {
	for _, s := range vs.Systems {
		if _, ok := slices.BinarySearch(s.Codes, code); ok {
			return true
		}
	}
	return false
}

// Contains reports whether the expansion holds code from system.
func (vs *ValueSet) Contains(system, code string) bool {
	codes := vs.Codes(system)
	_, ok := slices.BinarySearch(codes, code)
	return ok
}

// Codes returns the codes of the expansion from system, nil when the value
// set draws no codes from it.
func (vs *ValueSet) Codes(system string) []string {
	i, ok := slices.BinarySearchFunc(vs.Systems, system, func(s CodeSet, sys string) int {
		return strings.Compare(s.System, sys)
	})
	if !ok {
		return nil
	}
	return vs.Systems[i].Codes
}

// HasSystem reports whether the expansion draws any codes from system.
func (vs *ValueSet) HasSystem(system string) bool {
	return vs.Codes(system) != nil
}

// Len returns the number of codes in the expansion.
func (vs *ValueSet) Len() int {
	n := 0
	for _, s := range vs.Systems {
		n += len(s.Codes)
	}
	return n
}

// ValueSet returns the value set with canonical URL url, which may carry a
// version ("http://hl7.org/fhir/ValueSet/administrative-gender|4.0.1").
// It knows only the value sets that required bindings of the core name, and
// returns nil for any other, and for a version other than the value set's.
func (s *Spec) ValueSet(url string) *ValueSet {
	base, version, versioned := strings.Cut(url, "|")
	vs := s.valueSets[base]
	if vs == nil || (versioned && vs.Version != "" && version != vs.Version) {
		return nil
	}
	return vs
}

// ValueSets returns every value set that a required binding names, expanded
// or not, sorted by URL.
func (s *Spec) ValueSets() []*ValueSet {
	return s.defs.ValueSets
}

// Expansion returns the expanded value set of a required binding, or nil
// when the binding is not required or its value set could not be expanded.
// A validator checks a coded value against a binding exactly when this is
// not nil.
func (b *Binding) Expansion() *ValueSet {
	return b.expansion
}
