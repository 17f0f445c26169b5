package events

import "github.com/plexus-health/plexus/format/hl7v2"

// rules gives, for each message type (MSH-9.1^MSH-9.2) that makes events,
// the function that makes them. docs/events.md has the same table.
var rules = map[string]func(*builder){
	"ADT^A01": adt(PatientAdmitted, EncounterStarted),
	"ADT^A04": adt(PatientRegistered, EncounterStarted),
	"ADT^A28": adt(PatientRegistered),
	"ADT^A08": adt(PatientUpdated),
	"ADT^A31": adt(PatientUpdated),
	"ADT^A40": merged,
	"ADT^A02": adt(EncounterTransferred),
	"ADT^A03": adt(EncounterEnded),
	"ADT^A11": cancelled(EncounterStarted),
	"ADT^A12": cancelled(EncounterTransferred),
	"ADT^A13": cancelled(EncounterEnded),
	"ORM^O01": orders,
	"OML^O21": orders,
	"ORU^R01": results,
	"VXU^V04": immunizations,
}

// patientRef is the reference to the message's patient: the first Patient
// the conversion made (from the first PID; an A40's merged patient comes
// after it).
func (b *builder) patientRef() string {
	if b.m.Segment("PID", 1) == nil {
		b.note("no PID: events have no patient")
		return ""
	}
	if r := b.refs.first("Patient"); r != nil {
		return r.ref()
	}
	return ""
}

// adt makes the events of an ADT message of one patient and visit: the
// patient.* ones with the patient, the others with its encounter (PV1).
func adt(types ...string) func(*builder) {
	return func(b *builder) {
		patient := b.patientRef()
		for _, t := range types {
			switch t {
			case PatientRegistered, PatientUpdated:
				b.emit(t, Subject{Patient: patient}, patientData(b.m.Segment("PID", 1)))
			default:
				enc, data := b.encounter()
				if data == nil {
					b.note("no PV1: no %s event", t)
					continue
				}
				b.emit(t, Subject{Patient: patient, Encounter: enc}, data)
			}
		}
	}
}

// cancelled makes encounter.cancelled naming the event it cancels.
func cancelled(cancels string) func(*builder) {
	return func(b *builder) {
		patient := b.patientRef()
		enc, data := b.encounter()
		if data == nil {
			b.note("no PV1: no %s event", EncounterCancelled)
			return
		}
		data.Cancels = cancels
		b.emit(EncounterCancelled, Subject{Patient: patient, Encounter: enc}, data)
	}
}

// merged makes patient.merged from an A40's PID and MRG.
func merged(b *builder) {
	patient := b.patientRef()
	mrg := b.m.Segment("MRG", 1)
	if mrg == nil || patient == "" {
		b.note("no PID or no MRG: no %s event", PatientMerged)
		return
	}
	var old string
	if r := b.refs.first("Patient"); r != nil {
		for _, l := range r.Link {
			if l.Type == "replaces" {
				old = l.Other.Reference
			}
		}
	}
	if old == "" {
		b.note("MRG-1: no merged patient in the FHIR conversion: no %s event", PatientMerged)
		return
	}
	b.emit(PatientMerged, Subject{Patient: patient}, &MergeData{MergedPatient: old, MergedIdentifier: identifiers(mrg.Field(1))})
}

// encounter reads PV1: the Encounter reference and the payload, nil
// without a PV1.
func (b *builder) encounter() (string, *EncounterData) {
	pv1 := b.m.Segment("PV1", 1)
	if pv1 == nil {
		return "", nil
	}
	ref := ""
	if r := b.refs.first("Encounter"); r != nil {
		ref = r.ref()
	}
	d := &EncounterData{
		VisitNumber:   identifier(pv1.Field(19).Rep(1), 4),
		Class:         pv1.Field(2).Component(1).String(),
		Location:      location(pv1.Field(3)),
		AdmittedAt:    b.time("PV1-44", pv1.Field(44).Component(1).String()),
		DischargedAt:  b.time("PV1-45", pv1.Field(45).Rep(1).Component(1).String()),
		PriorLocation: nil,
	}
	if b.typ == "ADT^A02" {
		d.PriorLocation = location(pv1.Field(6))
	}
	return ref, d
}

func patientData(pid *hl7v2.Segment) *PatientData {
	if pid == nil {
		return &PatientData{}
	}
	return &PatientData{Identifiers: identifiers(pid.Field(3))}
}

// identifiers reads each repetition of a CX field.
func identifiers(f hl7v2.Value) []Identifier {
	var out []Identifier
	for i := 1; i <= f.Reps(); i++ {
		if id := identifier(f.Rep(i), 4); id != nil {
			id.Type = f.Rep(i).Component(5).String()
			out = append(out, *id)
		}
	}
	return out
}

// identifier reads a CX (authority in component 4, an HD) or an EI
// (namespace in components 2–4: at is 2); nil when it has no value.
func identifier(v hl7v2.Value, at int) *Identifier {
	val := v.Component(1).String()
	if val == "" {
		return nil
	}
	id := &Identifier{Value: val}
	if at == 4 {
		hd := v.Component(4)
		id.Authority = hd.Sub(1).String()
		if id.Authority == "" {
			id.Authority = hd.Sub(2).String()
		}
	} else {
		id.Authority = v.Component(2).String()
		if id.Authority == "" {
			id.Authority = v.Component(3).String()
		}
	}
	return id
}

func code(v hl7v2.Value) *Code {
	c := &Code{Code: v.Component(1).String(), Display: v.Component(2).String(), System: v.Component(3).String()}
	if *c == (Code{}) {
		return nil
	}
	return c
}

func location(f hl7v2.Value) *Location {
	v := f.Rep(1)
	l := &Location{
		PointOfCare: v.Component(1).String(), Room: v.Component(2).String(),
		Bed: v.Component(3).String(), Facility: v.Component(4).Sub(1).String(),
	}
	if *l == (Location{}) {
		return nil
	}
	return l
}
