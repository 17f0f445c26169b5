package x12fhir

// eligibility converts a 270 into CoverageEligibilityRequests and a 271
// into CoverageEligibilityResponses, one per subscriber or dependent level
// (loop 2000C or 2000D).
func (c *conv) eligibility() error {
	t := c.t
	response := t.ID() == "271"
	var payer, provider *party
	n := 0
	for i := 0; i < len(t.Segments); i++ {
		s, loop := t.Segments[i], t.Loops[i]
		if s.ID == "NM1" {
			switch loop {
			case "2100A":
				payer = nm1(s, c.loopSegments(i))
			case "2100B":
				provider = nm1(s, c.loopSegments(i))
			}
		}
		if s.ID != "HL" || (s.Value(3) != "22" && s.Value(3) != "23") {
			continue
		}
		end := i + 1
		for end < len(t.Segments) && t.Segments[end].ID != "HL" && t.Segments[end].ID != "SE" {
			end++
		}
		if payer == nil {
			return segErr(s, loop, "the eligibility level has no information source (loop 2100A)")
		}
		if err := c.member(i, end, payer, provider, response); err != nil {
			return err
		}
		n++
		i = end - 1
	}
	if n == 0 {
		return segErr(t.Segments[0], "", "the set holds no subscriber or dependent level (HL*22 or HL*23)")
	}
	return nil
}

// member converts the subscriber or dependent level of segments [from, to).
func (c *conv) member(from, to int, payer, provider *party, response bool) error {
	t := c.t
	hl := t.Segments[from]
	var who *party
	trace, originator := "", ""
	var categories []string
	inforce := false
	for k := from + 1; k < to; k++ {
		s, loop := t.Segments[k], t.Loops[k]
		switch {
		case s.ID == "NM1" && (loop == "2100C" || loop == "2100D") && who == nil:
			end := k + 1
			for end < to && t.Loops[end] == loop {
				end++
			}
			who = nm1(s, t.Segments[k:end])
		case s.ID == "TRN" && trace == "":
			trace, originator = s.Value(2), s.Value(3)
		case s.ID == "EQ" && !response:
			if v := string(s.Component(1, 1)); v != "" {
				categories = append(categories, v)
			}
		case s.ID == "EB" && response:
			if s.Value(1) == "1" {
				inforce = true
			}
			for _, rep := range s.Repetitions(3) {
				if len(rep) > 0 {
					categories = append(categories, string(rep))
				}
			}
		}
	}
	if who == nil {
		return segErr(hl, t.Loops[from], "the level names no subscriber or dependent (loop 2100C or 2100D)")
	}
	patientRef := c.patient(who)
	payerRef := c.organization(payer)
	typ := "CoverageEligibilityRequest"
	if response {
		typ = "CoverageEligibilityResponse"
	}
	r := obj{
		"resourceType": typ,
		"status":       "active",
		"purpose":      []any{"benefits"},
		"patient":      obj{"reference": patientRef},
		"insurer":      obj{"reference": payerRef},
	}
	if created := c.createdOf(); created != "" {
		r["created"] = created
	}
	if provider != nil {
		key := "provider"
		if response {
			key = "requestor"
		}
		r[key] = obj{"reference": c.organization(provider)}
	}
	if trace != "" {
		r["identifier"] = []any{obj{"system": SystemTrace, "value": trace}}
	}
	var items []any
	for _, cat := range categories {
		items = append(items, obj{"category": coding(SystemServiceType, cat)})
	}
	// The request and its response share the trace number and the ID of
	// the company that assigned it (TRN-02, TRN-03); without a trace the
	// payer and the level's position key them.
	keys := []string{originator, trace}
	if trace == "" {
		keys = []string{payer.qual, payer.id, t.Segments[0].Value(2), hl.Value(1)}
	}
	reqID := makeID("CoverageEligibilityRequest", keys...)
	if !response {
		if items != nil {
			r["item"] = items
		}
		c.add(r, reqID)
		return nil
	}
	r["outcome"] = "complete"
	r["request"] = obj{"reference": "CoverageEligibilityRequest/" + reqID}
	ins := obj{"coverage": obj{"reference": c.coverage(who, patientRef, payerRef)}, "inforce": inforce}
	if items != nil {
		ins["item"] = items
	}
	r["insurance"] = []any{ins}
	c.add(r, makeID("CoverageEligibilityResponse", keys...))
	return nil
}
