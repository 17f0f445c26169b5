package x12fhir

// adjudication is the CodeSystem of adjudication categories.
const adjudication = "http://terminology.hl7.org/CodeSystem/adjudication"

// remittance converts each claim payment (loop 2100, CLP) of an 835 into an
// ExplanationOfBenefit.
func (c *conv) remittance() error {
	t := c.t
	var payer, payee *party
	created := ""
	n := 0
	for i := 0; i < len(t.Segments); i++ {
		s, loop := t.Segments[i], t.Loops[i]
		switch {
		case s.ID == "N1" && loop == "1000A":
			payer = n1(s)
			payer.loop = c.loopSegments(i)
		case s.ID == "N1" && loop == "1000B":
			payee = n1(s)
			payee.loop = c.loopSegments(i)
		case s.ID == "DTM" && s.Value(1) == "405" && loop == "":
			created = date(s.Value(2))
		case s.ID == "BPR" && created == "":
			created = date(s.Value(16))
		case s.ID == "CLP" && loop == "2100":
			end := i + 1
			for end < len(t.Segments) && (t.Loops[end] == "2100" || t.Loops[end] == "2110") && t.Segments[end].ID != "CLP" {
				end++
			}
			switch {
			case payer == nil:
				return segErr(s, loop, "the remittance has no payer (loop 1000A)")
			case payee == nil:
				return segErr(s, loop, "the remittance has no payee (loop 1000B)")
			}
			if err := c.payment(i, end, payer, payee, created); err != nil {
				return err
			}
			n++
			i = end - 1
		}
	}
	if n == 0 {
		return segErr(t.Segments[0], "", "the 835 holds no claim payment (loop 2100)")
	}
	return nil
}

// payment converts the claim payment of segments [from, to).
func (c *conv) payment(from, to int, payer, payee *party, created string) error {
	t := c.t
	clp := t.Segments[from]
	var patient *party
	for k := from + 1; k < to; k++ {
		if s := t.Segments[k]; s.ID == "NM1" && s.Value(1) == "QC" {
			patient = nm1(s, nil)
			break
		}
	}
	if patient == nil {
		return segErr(clp, "2100", "the claim payment has no patient (NM1*QC)")
	}
	patientRef := c.patient(patient)
	payerRef := c.organization(payer)
	covRef := c.coverage(patient, patientRef, payerRef)
	r := obj{
		"resourceType": "ExplanationOfBenefit",
		"status":       "active",
		"type":         coding("http://terminology.hl7.org/CodeSystem/claim-type", "professional"),
		"use":          "claim",
		"patient":      obj{"reference": patientRef},
		"insurer":      obj{"reference": payerRef},
		"provider":     obj{"reference": c.organization(payee)},
		"outcome":      "complete",
		"insurance":    []any{obj{"focal": true, "coverage": obj{"reference": covRef}}},
	}
	if created == "" {
		created = c.createdOf()
	}
	if created != "" {
		r["created"] = created
	}
	ids := []any{}
	if v := clp.Value(1); v != "" {
		ids = append(ids, obj{"system": SystemClaimID, "value": v})
	}
	if v := clp.Value(7); v != "" {
		ids = append(ids, obj{"system": SystemID + "payer-claim", "value": v})
	}
	if len(ids) > 0 {
		r["identifier"] = ids
	}
	var total []any
	if m := money(clp.Value(3)); m != nil {
		total = append(total, obj{"category": coding(adjudication, "submitted"), "amount": m})
	}
	if m := money(clp.Value(4)); m != nil {
		total = append(total, obj{"category": coding(adjudication, "benefit"), "amount": m})
		r["payment"] = obj{"amount": m}
	}
	if total != nil {
		r["total"] = total
	}
	var items []any
	for k := from + 1; k < to; k++ {
		s := t.Segments[k]
		switch {
		case s.ID == "SVC":
			it := obj{"sequence": len(items) + 1}
			p := procedure(s, 1)
			if p == nil {
				continue
			}
			it["productOrService"] = p
			var adj []any
			if m := money(s.Value(2)); m != nil {
				adj = append(adj, obj{"category": coding(adjudication, "submitted"), "amount": m})
			}
			if m := money(s.Value(3)); m != nil {
				adj = append(adj, obj{"category": coding(adjudication, "benefit"), "amount": m})
			}
			if adj != nil {
				it["adjudication"] = adj
			}
			items = append(items, it)
		case s.ID == "DTM" && s.Value(1) == "472" && len(items) > 0:
			if d := date(s.Value(2)); d != "" {
				items[len(items)-1].(obj)["servicedDate"] = d
			}
		}
	}
	if items != nil {
		r["item"] = items
	}
	c.add(r, makeID("ExplanationOfBenefit", payer.qual, payer.id, clp.Value(7), clp.Value(1)))
	return nil
}
