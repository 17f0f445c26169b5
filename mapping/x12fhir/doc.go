// Package x12fhir converts X12 5010 transaction sets into FHIR R4: each
// claim (loop 2300) of an 837P, 837I or 837D into a Claim, each claim
// payment (loop 2100) of an 835 into an ExplanationOfBenefit, a 270 into
// CoverageEligibilityRequests and a 271 into CoverageEligibilityResponses,
// each with the Patient, Organization or Practitioner and Coverage resources
// they refer to.
//
// The result is a transaction Bundle of PUTs whose ids are derived from the
// business identifiers (payer and member IDs, claim IDs, trace numbers), so
// that converting the same transaction again updates what the first
// conversion created; a 271 refers to the CoverageEligibilityRequest its
// 270 became through the trace number they share (TRN-02).
//
// Identifiers keep the X12 qualifier they came with: an NPI (qualifier XX)
// has the system http://hl7.org/fhir/sid/us-npi, any other ID the system
// urn:plexus:x12:id:QUALIFIER (urn:plexus:x12:id:MI for a member ID). Codes
// keep their X12 code lists: procedure codes of qualifier HC are CPT/HCPCS
// (http://www.ama-assn.org/go/cpt), diagnosis codes of qualifiers ABK/ABF
// are ICD-10-CM and BK/BF ICD-9-CM, service types are
// https://x12.org/codes/service-type-codes.
package x12fhir
