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
//     never reported;
//   - required terminology bindings, against the value set expansions that
//     fhir/spec generates from the package's ValueSet and CodeSystem
//     resources: a code element's value must be in the expansion; a
//     CodeableConcept needs at least one coding in it, and when it has none
//     each coding from one of the value set's code systems is reported; a
//     Coding is reported when its system is one of the value set's and its
//     code is not in it. Each is an error with issue type code-invalid
//     ([CodeCodeInvalid]) naming the value and the value set (see binding.go).
//
// Not checked: extensible, preferred and example bindings (never errors);
// required bindings whose value set the package cannot expand (UCUM units,
// MIME types, ISO 4217 currencies, one LOINC answer list: 17 of 366 required
// bindings); a CodeableConcept bound required with only text or only codings
// of other systems; whether a code exists in a code system when no required
// binding names it; display texts; and profiles other than the core
// definitions.
package validate
