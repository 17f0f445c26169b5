// Package validate checks FHIR R4 resources, as JSON, against the
// definitions in fhir/spec and reports every problem it finds as an
// [OperationOutcome], one issue per problem, each located with a FHIRPath
// expression such as Patient.name[0].given[1].
//
// What is checked, all from the definitions rather than per-resource code:
//
//   - resourceType is present and names a concrete resource type;
//   - every property is an element of its parent (a choice element only with
//     one of its types as suffix, valueQuantity but not valueFoo), and a
//     "_name" companion belongs to a primitive element;
//   - JSON shape: arrays exactly where the element may repeat, no empty
//     objects, arrays or strings, no nulls except where a primitive array is
//     paired with its "_name" companion;
//   - primitives have the JSON kind FHIR JSON gives them (booleans, numbers
//     for integer and decimal types, strings otherwise) and match their
//     format regex; a resource's id matches the id format even though the
//     definitions type it as string;
//   - cardinality: required elements are present and repeating elements do
//     not exceed their maximum;
//   - data types, backbone elements and content references (Questionnaire
//     item.item) are walked to any depth; contained resources and Bundle
//     entry resources are validated as resources of their own type;
//   - references: relative ones ("Patient/123", with an optional
//     _history version) name a resource type allowed by the element's target
//     profiles and a valid id; "#id" names a contained resource; absolute URLs
//     and urn:uuid:/urn:oid: are accepted; conditional references
//     ("Patient?identifier=x") only inside transaction and batch Bundles;
//   - invariants of severity error, evaluated with fhir/fhirpath. ele-1 is
//     checked directly as the "no empty elements" rule, ref-1 by the
//     reference check; an invariant the engine cannot evaluate is skipped,
//     never reported.
//
// Terminology bindings and profiles other than the core definitions are not
// checked.
package validate
