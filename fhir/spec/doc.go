// Package spec holds what the FHIR R4 (4.0.1) specification defines, in a form
// the rest of Plexus can query: every resource type and data type with its
// elements (cardinality, types, reference targets, choice types, backbone
// elements, modifier and summary flags, content references, bindings and
// invariants), the primitive
// types with their format regexes, every SearchParameter, and the Patient
// compartment.
//
// Nothing here is written by hand per resource. The generator in
// internal/gen reads the official hl7.fhir.r4.core package from
// ../shared/spec/fhir-r4/package and writes data/r4.gob.gz, which is embedded
// into the binary; building and testing Plexus needs only that committed file.
// Regenerate it with:
//
//	go generate ./fhir/spec
//
// The data is gob, gzip-compressed (about 140 KB); invariants shared by many
// elements (ele-1 is on all of them) are stored once. Decoding and indexing
// take under 20 ms on two cores (BenchmarkLoad). The definitions are loaded
// once, lazily, by [R4]; [Load] decodes a fresh copy. A loaded [Spec] is
// read-only and safe for concurrent use.
//
// The data says what the definitions say, even where they surprise: the id
// of a resource is typed "string" (with FHIRPath type System.String), not
// "id", so a validator that wants the id format must ask for it.
package spec

//go:generate go run ./internal/gen -package ../../../shared/spec/fhir-r4/package -out data/r4.gob.gz
