// Package index extracts the values of FHIR search parameters from a
// resource and writes them to the search index tables (migration
// 00003_fhir_search.sql), one table per search parameter type.
//
// Which values a resource has for which parameter is decided by the R4
// SearchParameter definitions in fhir/spec, evaluated with FHIRPath: nothing
// here lists resource types or elements by hand. Extraction is pure CPU work
// on a resource and needs no database, so the repository runs it before it
// takes the store's single writer; Write then only inserts rows.
//
// How values become rows:
//
//   - string: HumanName and Address are split into their parts (family,
//     given, line, city, ...) plus their text, each a row; a row keeps the
//     value as written (exact) and normalised by NormalizeString (value).
//     A phonetic parameter (xpathUsage "phonetic") stores a row per word
//     with its Soundex code (Phonetic) as the value.
//   - token: Coding, CodeableConcept (each coding, and its text for :text),
//     Identifier, ContactPoint, code, boolean, id and string values become
//     (system, code, text) rows; system is ” when the value has none.
//   - reference: a relative reference "Type/id" fills target_type and
//     target_id; absolute URLs and canonicals fill url and version. Reference.identifier is a token row
//     under "<param>:identifier", for the :identifier modifier. Expressions
//     of the form X.where(resolve() is T) keep the references to T only.
//   - date: every date, dateTime, instant, Period and Timing becomes the
//     inclusive range of microseconds it covers (see DateRange).
//   - number, quantity and uri: the value as written; a quantity also in
//     base UCUM units where CanonicalQuantity knows the unit.
//   - composite: each element the composite's expression selects gives a
//     group number; its components are evaluated on that element and stored
//     under "<code>$<n>" in their own type's table with that group.
//
// Location's near (a special parameter) and _filter are not indexed.
package index
