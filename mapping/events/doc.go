// Package events derives canonical events from HL7 v2 messages: a small,
// versioned set ("plexus.event/v1") of facts such as patient.admitted,
// order.placed or result.final, each with stable fields, for consumers that
// want to react to what happened without reading HL7 v2 or a FHIR Bundle.
//
// Events are derived from a message together with its FHIR conversion
// (package mapping/v2fhir): the references an event carries (Patient/…,
// Encounter/…, ServiceRequest/…) are the ids of the resources that
// conversion wrote, so an event names what the FHIR store holds. The
// event's own id is derived from the sender, the message control id, the
// event type and its position among that message's events of the type, so
// a re-sent message gives the same events with the same ids and consumers
// can drop duplicates.
//
// Payloads are small and typed per event type; they never copy the whole
// message. A message that makes no event (an unsupported type, an order
// control code with no event) says why in Result.Notes. The fields are
// documented in docs/events.md; any change to them that is not an added
// optional field needs a new schema version.
package events
