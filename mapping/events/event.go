package events

// Schema is the version of the events' shape, in every event's "schema".
const Schema = "plexus.event/v1"

// Event types of the schema.
const (
	PatientRegistered    = "patient.registered"
	PatientAdmitted      = "patient.admitted"
	PatientUpdated       = "patient.updated"
	PatientMerged        = "patient.merged"
	EncounterStarted     = "encounter.started"
	EncounterTransferred = "encounter.transferred"
	EncounterEnded       = "encounter.ended"
	EncounterCancelled   = "encounter.cancelled"
	OrderPlaced          = "order.placed"
	OrderCancelled       = "order.cancelled"
	ResultPreliminary    = "result.preliminary"
	ResultFinal          = "result.final"
	ResultCorrected      = "result.corrected"
	ImmunizationRecorded = "immunization.recorded"
	ImagingStudyReceived = "imaging.study.received"
)

// Types lists every event type of the schema, in the order docs/events.md
// documents them.
var Types = []string{
	PatientRegistered, PatientAdmitted, PatientUpdated, PatientMerged,
	EncounterStarted, EncounterTransferred, EncounterEnded, EncounterCancelled,
	OrderPlaced, OrderCancelled,
	ResultPreliminary, ResultFinal, ResultCorrected,
	ImmunizationRecorded,
	ImagingStudyReceived,
}

// Event is one canonical event. Its JSON field names are the schema.
type Event struct {
	Schema string `json:"schema"`
	Type   string `json:"type"`
	// ID is 32 hex digits, the same for the same message and event.
	ID string `json:"id"`
	// OccurredAt is EVN-2, else MSH-7, as ISO 8601 with the precision and
	// offset the message gave (no offset when it gave none).
	OccurredAt string  `json:"occurred_at,omitempty"`
	Source     Source  `json:"source"`
	Message    Message `json:"message"`
	Subject    Subject `json:"subject"`
	// Data is the payload of the type: *PatientData, *EncounterData,
	// *MergeData, *OrderData, *ResultData, *ImmunizationData or
	// *ImagingData.
	Data any `json:"data"`
}

// Source is the system that sent the message.
type Source struct {
	Application string `json:"application,omitempty"` // MSH-3.1
	Facility    string `json:"facility,omitempty"`    // MSH-4.1
}

// Message names the HL7 v2 message the event comes from.
type Message struct {
	ControlID string `json:"control_id"` // MSH-10
	Type      string `json:"type"`       // MSH-9.1^MSH-9.2, "ADT^A01"
}

// Subject holds references ("Type/id") to the FHIR resources the event is
// about, with the ids the FHIR conversion of the same message gives.
type Subject struct {
	Patient          string `json:"patient,omitempty"`
	Encounter        string `json:"encounter,omitempty"`
	ServiceRequest   string `json:"service_request,omitempty"`
	DiagnosticReport string `json:"diagnostic_report,omitempty"`
	Immunization     string `json:"immunization,omitempty"`
	ImagingStudy     string `json:"imaging_study,omitempty"`
}

// Identifier is a business identifier: a CX or EI's value and its
// assigning authority or namespace.
type Identifier struct {
	Value     string `json:"value"`
	Authority string `json:"authority,omitempty"`
	Type      string `json:"type,omitempty"` // CX.5, identifier type code
}

// Code is a coded value (CWE/CE): code, its coding system as written in
// the message, and display text.
type Code struct {
	Code    string `json:"code,omitempty"`
	System  string `json:"system,omitempty"`
	Display string `json:"display,omitempty"`
}

// Location is a PL (PV1-3, PV1-6): its parts as the message gives them.
type Location struct {
	PointOfCare string `json:"point_of_care,omitempty"`
	Room        string `json:"room,omitempty"`
	Bed         string `json:"bed,omitempty"`
	Facility    string `json:"facility,omitempty"`
}

// PatientData is the payload of patient.registered and patient.updated.
type PatientData struct {
	Identifiers []Identifier `json:"identifiers,omitempty"` // PID-3
}

// EncounterData is the payload of patient.admitted and the encounter.*
// events.
type EncounterData struct {
	VisitNumber   *Identifier `json:"visit_number,omitempty"`   // PV1-19
	Class         string      `json:"class,omitempty"`          // PV1-2, HL7 table 0004
	Location      *Location   `json:"location,omitempty"`       // PV1-3
	PriorLocation *Location   `json:"prior_location,omitempty"` // PV1-6
	AdmittedAt    string      `json:"admitted_at,omitempty"`    // PV1-44
	DischargedAt  string      `json:"discharged_at,omitempty"`  // PV1-45
	// Cancels is, for encounter.cancelled, the event type the message
	// cancels: encounter.started (A11), encounter.transferred (A12) or
	// encounter.ended (A13, the discharge is cancelled and the encounter
	// goes on).
	Cancels string `json:"cancels,omitempty"`
}

// MergeData is the payload of patient.merged; Subject.Patient is the
// surviving patient.
type MergeData struct {
	MergedPatient    string       `json:"merged_patient"`               // Patient/id of MRG-1
	MergedIdentifier []Identifier `json:"merged_identifiers,omitempty"` // MRG-1
}

// OrderData is the payload of order.placed and order.cancelled.
type OrderData struct {
	Control     string      `json:"control"`                // ORC-1
	Placer      *Identifier `json:"placer_order,omitempty"` // ORC-2, else OBR-2
	Filler      *Identifier `json:"filler_order,omitempty"` // ORC-3, else OBR-3
	Code        *Code       `json:"code,omitempty"`         // OBR-4
	OrderedAt   string      `json:"ordered_at,omitempty"`   // ORC-9
	Status      string      `json:"status,omitempty"`       // ORC-5, HL7 table 0038
	PlacerGroup *Identifier `json:"placer_group,omitempty"` // ORC-4
}

// ResultData is the payload of the result.* events, one per OBR.
type ResultData struct {
	Placer       *Identifier `json:"placer_order,omitempty"`  // OBR-2
	Filler       *Identifier `json:"filler_order,omitempty"`  // OBR-3
	Code         *Code       `json:"code,omitempty"`          // OBR-4
	ObservedAt   string      `json:"observed_at,omitempty"`   // OBR-7
	ReportedAt   string      `json:"reported_at,omitempty"`   // OBR-22
	ReportStatus string      `json:"report_status,omitempty"` // OBR-25, HL7 table 0123
	// Observations are the OBX's Observation references, in message order.
	Observations []string `json:"observations,omitempty"`
	// Corrected are those of Observations whose OBX-11 is C.
	Corrected []string `json:"corrected,omitempty"`
}

// ImmunizationData is the payload of immunization.recorded, one per RXA.
type ImmunizationData struct {
	Vaccine        *Code  `json:"vaccine,omitempty"`           // RXA-5
	AdministeredAt string `json:"administered_at,omitempty"`   // RXA-3
	Completion     string `json:"completion_status,omitempty"` // RXA-20, HL7 table 0322
	Action         string `json:"action,omitempty"`            // RXA-21, HL7 table 0206
	Lot            string `json:"lot,omitempty"`               // RXA-15 (first)
}
