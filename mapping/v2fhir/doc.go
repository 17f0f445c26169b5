// Package v2fhir converts HL7 v2 messages to FHIR R4 transaction Bundles
// following the HL7 V2-to-FHIR implementation guide.
//
// The guide's mapping tables are embedded as CSV, unchanged, as the versioned
// mapping set "v2-to-fhir-ig/2024.1" (see mapset.go). Segment tables
// (PID[Patient], OBX[Observation], …) and data type tables (CX[Identifier],
// XPN[HumanName], …) are interpreted row by row: a row names a v2 field or
// component, an optional condition ("IF PID-25 NOT VALUED"), a FHIR element
// path ("identifier[2]", "extension[1].valueString"), a data type map, a
// vocabulary map and an assigned constant. Paths are resolved against the R4
// definitions of fhir/spec when the set is loaded, so the interpreter knows at
// run time which elements repeat and which primitive type each leaf has. Rows
// the interpreter cannot read (free-text conditions, paths into a referenced
// resource such as "location(Location.description)", elements the guide
// marks "extension??-…") are listed by MappingSet.Skipped and never applied.
//
// What the tables do not express is Go: the message structure (which segment
// becomes which resource and how they reference each other), deterministic
// resource ids, conversions of primitive data type maps (CWE[code],
// HD[uri], ID[Boolean], DTM → dateTime), the PL → Location map, MessageHeader
// and Provenance. See message.go and docs/mapping.md.
//
// Nothing is silently dropped: every field present in the message that no
// applied row used, and every segment the conversion does not handle, is
// returned in Result.Unmapped. A DTM without a time zone is never given one:
// it is kept at the finest precision FHIR allows without a zone (the date),
// unless Options.Zone names the sender's zone; the truncation is reported.
package v2fhir
