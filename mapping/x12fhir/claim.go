package x12fhir

import (
	"github.com/plexus-health/plexus/format/x12"
)

// claimTypes are the claim-type codes of the 837 kinds.
var claimTypes = map[string]string{"837P": "professional", "837I": "institutional", "837D": "oral"}

// claims converts each 2300 loop of an 837 into a Claim.
func (c *conv) claims() error {
	t := c.t
	var billing, subscriber, payer, patient *party
	n := 0
	for i := 0; i < len(t.Segments); i++ {
		s, loop := t.Segments[i], t.Loops[i]
		switch {
		case s.ID == "HL" && s.Value(3) == "22":
			subscriber, payer, patient = nil, nil, nil
		case s.ID == "HL" && s.Value(3) == "23":
			patient = nil
		case s.ID == "NM1" && loop == "2010AA":
			billing = nm1(s, c.loopSegments(i))
		case s.ID == "NM1" && loop == "2010BA":
			subscriber = nm1(s, c.loopSegments(i))
		case s.ID == "NM1" && loop == "2010BB":
			payer = nm1(s, c.loopSegments(i))
		case s.ID == "NM1" && loop == "2010CA":
			patient = nm1(s, c.loopSegments(i))
		case s.ID == "CLM" && loop == "2300":
			end := i + 1
			for end < len(t.Segments) && !(t.Segments[end].ID == "HL" || t.Segments[end].ID == "SE" || t.Segments[end].ID == "CLM" && t.Loops[end] == "2300") {
				end++
			}
			who := patient
			if who == nil {
				who = subscriber
			}
			switch {
			case billing == nil:
				return segErr(s, loop, "the claim has no billing provider (loop 2010AA)")
			case who == nil:
				return segErr(s, loop, "the claim has no subscriber or patient (loop 2010BA or 2010CA)")
			case payer == nil:
				return segErr(s, loop, "the claim has no payer (loop 2010BB)")
			}
			c.claim(i, end, billing, who, subscriber, payer)
			n++
			i = end - 1
		}
	}
	if n == 0 {
		return segErr(t.Segments[0], "", "the 837 holds no claim (loop 2300)")
	}
	return nil
}

// claim converts the claim of segments [from, to).
func (c *conv) claim(from, to int, billing, who, subscriber, payer *party) {
	t := c.t
	clm := t.Segments[from]
	patientRef := c.patient(who)
	payerRef := c.organization(payer)
	member := subscriber
	if member == nil {
		member = who
	}
	covRef := c.coverage(member, patientRef, payerRef)
	providerRef := c.organization(billing)
	r := obj{
		"resourceType": "Claim",
		"status":       "active",
		"type":         coding("http://terminology.hl7.org/CodeSystem/claim-type", claimType(t.Kind)),
		"use":          "claim",
		"patient":      obj{"reference": patientRef},
		"provider":     obj{"reference": providerRef},
		"priority":     coding("http://terminology.hl7.org/CodeSystem/processpriority", "normal"),
		"insurance":    []any{obj{"sequence": 1, "focal": true, "coverage": obj{"reference": covRef}}},
	}
	if id := clm.Value(1); id != "" {
		r["identifier"] = []any{obj{"system": SystemClaimID, "value": id}}
	}
	if created := c.createdOf(); created != "" {
		r["created"] = created
	}
	if m := money(clm.Value(2)); m != nil {
		r["total"] = m
	}
	var diagnoses, items []any
	var item obj
	for k := from + 1; k < to; k++ {
		s := t.Segments[k]
		switch s.ID {
		case "HI":
			for e := 1; e <= s.Len(); e++ {
				code := string(s.Component(e, 2))
				sys := diagnosisSystem(string(s.Component(e, 1)))
				if code == "" || sys == "" {
					continue
				}
				diagnoses = append(diagnoses, obj{"sequence": len(diagnoses) + 1, "diagnosisCodeableConcept": coding(sys, code)})
			}
		case "LX":
			item = obj{"sequence": len(items) + 1}
			items = append(items, item)
		case "SV1", "SV2", "SV3":
			if item == nil {
				continue
			}
			prodElem, chargeElem, qtyElem := 1, 2, 4
			switch s.ID {
			case "SV2":
				prodElem, chargeElem, qtyElem = 2, 3, 5
				if rev := s.Value(1); rev != "" {
					item["revenue"] = coding(SystemRevenue, rev)
				}
			case "SV3":
				qtyElem = 0
			}
			if p := procedure(s, prodElem); p != nil {
				item["productOrService"] = p
			}
			if m := money(s.Value(chargeElem)); m != nil {
				item["net"] = m
			}
			if qtyElem > 0 {
				if q := number(s.Value(qtyElem)); q != nil {
					item["quantity"] = obj{"value": q}
				}
			}
		case "DTP":
			if item != nil && s.Value(1) == "472" {
				setServiced(item, s)
			}
		}
	}
	if diagnoses != nil {
		r["diagnosis"] = diagnoses
	}
	// An item needs a product or service; one without it is left out and
	// the rest renumbered.
	var kept []any
	for _, it := range items {
		o := it.(obj)
		if o["productOrService"] == nil {
			continue
		}
		o["sequence"] = len(kept) + 1
		kept = append(kept, o)
	}
	if kept != nil {
		r["item"] = kept
	}
	c.add(r, makeID("Claim", billing.qual, billing.id, clm.Value(1)))
}

func claimType(kind string) string {
	if t := claimTypes[kind]; t != "" {
		return t
	}
	return "professional"
}

// diagnosisSystem maps an HI qualifier to its code system.
func diagnosisSystem(q string) string {
	switch q {
	case "ABK", "ABF", "ABJ", "ABN", "APR":
		return SystemICD10
	case "BK", "BF", "BJ", "BN", "PR":
		return SystemICD9
	}
	return ""
}

// setServiced writes a DTP date (D8) or period (RD8) as servicedDate or
// servicedPeriod.
func setServiced(item obj, s *x12.Segment) {
	v := s.Value(3)
	switch s.Value(2) {
	case "D8":
		if d := date(v); d != "" {
			item["servicedDate"] = d
		}
	case "RD8":
		if len(v) == 17 && v[8] == '-' {
			start, end := date(v[:8]), date(v[9:])
			if start != "" && end != "" && start <= end {
				item["servicedPeriod"] = obj{"start": start, "end": end}
			}
		}
	}
}
