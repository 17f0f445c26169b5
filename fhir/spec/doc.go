// Package spec holds what the FHIR R4 (4.0.1) specification defines, in a form
// the rest of Plexus can query: every resource type and data type with its
// elements (cardinality, types, reference targets, choice types, backbone
// elements, modifier and summary flags, content references, bindings and
// invariants), the primitive
// types with their format regexes, every SearchParameter, the compartments,
// and the expansion of every value set a required binding names
// ([ValueSet], [Binding.Expansion]).
//
// Nothing here is written by hand per resource. The generator in
// internal/gen reads the official hl7.fhir.r4.core package from
// ../shared/spec/fhir-r4/package and writes data/r4.gob.gz, which is embedded
// into the binary; building and testing Plexus needs only that committed file.
// Regenerate it with:
//
//	go generate ./fhir/spec
//
// The data is gob, gzip-compressed (about 150 KB, of which the value set
// expansions take 11 KB); invariants shared by many elements (ele-1 is on
// all of them) are stored once. Decoding and indexing
// take under 20 ms on two cores (BenchmarkLoad). The definitions are loaded
// once, lazily, by [R4]; [Load] decodes a fresh copy. A loaded [Spec] is
// read-only and safe for concurrent use.
//
// Value sets are expanded by the generator from the package's own ValueSet
// and CodeSystem resources: explicit concept lists, whole code systems the
// package defines completely (nested concepts included), included value
// sets, and excludes. A value set needing anything else (a filter, a code
// system the package does not define, such as UCUM, MIME types or ISO 4217
// currencies) is kept unexpanded with the reason; TestRequiredValueSets logs
// them. Of the 224 value sets R4's required bindings name, 220 are expanded.
// Abstract concepts of a code system are kept in the expansion: rejecting a
// code wrongly is worse than accepting one a stricter server would not.
//
// The data says what the definitions say, even where they surprise: the id
// of a resource is typed "string" (with FHIRPath type System.String), not
// "id", so a validator that wants the id format must ask for it.
package spec

//go:generate go run ./internal/gen -package ../../../shared/spec/fhir-r4/package -out data/r4.gob.gz
