// Package fhirpath implements FHIRPath 2.0 (the normative release used by
// FHIR R4) over FHIR resources held as JSON: map[string]any values decoded
// with json.Decoder.UseNumber, as the rest of Plexus stores them.
//
// Compile parses an expression once; the *Expression it returns is
// immutable, and Evaluate may be called on it from many goroutines. Every
// result is a Collection. Neither call panics on any input: syntax errors
// are *SyntaxError values with the byte offset of the fault, evaluation
// errors are *EvalError values, and references to elements the FHIR
// definitions do not have wrap ErrSemantic.
//
// Elements are typed with the R4 definitions in fhir/spec rather than from
// their JSON shape: Patient.birthDate is a FHIR date whose value is a
// System.Date, Observation.value is reached by its choice name and carries
// the type its JSON key names (valueQuantity is a Quantity, so ofType() and
// is work), and a primitive's "_name" partner supplies its id and
// extensions. Resources inside contained or Bundle.entry.resource are typed
// by their resourceType.
//
// Design choices worth knowing:
//
//   - Decimals are float64 with the number of decimal places written, so
//     precision(), equivalence and toString() see 1.10 as two places.
//     Results of + - * are rounded to that scale to drop binary noise.
//   - Dates and times keep their precision; comparing values of different
//     precision whose common parts are equal gives empty, as the
//     specification requires.
//   - Quantities compare across units through a small table of UCUM units
//     (mass, length, volume, time) and the calendar durations; year and
//     month never equal a UCUM 'a' or 'mo'.
//   - Semantic checks are dynamic: an unknown element name is an error when
//     no item of the focus defines it. Static strict-mode checks on empty
//     results are not made (see docs/conformance.md).
//   - conformsTo() understands the core type definitions only; other
//     profiles, memberOf() and subsumes() need terminology and validation
//     services and are reported as errors.
//   - Evaluation is bounded (a step budget, and repeat() stops at 10,000
//     items) so a hostile expression cannot run away.
package fhirpath
