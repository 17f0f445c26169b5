package v2fhir

import (
	"strings"
	"testing"
)

// TestOrderDetails converts order groups the golden files do not hold and
// checks what the Bundle and the unmapped report say; every Bundle must
// pass the validator.
func TestOrderDetails(t *testing.T) {
	const msh = "MSH|^~\\&|CPOE|GH|PHARM|GH|20240312141500+0100||%s|C1|P|2.5.1\r"
	const pid = "PID|1||100234^^^GH^MR||Smith^Anna||19790512|F\r"
	cases := []struct {
		name     string
		event    string
		segs     string
		bundle   []string // substrings the Bundle has
		absent   []string // substrings it must not have
		unmapped []string // substrings of some unmapped item each
	}{
		{
			name: "RXO without ORC", event: "ORM^O01",
			segs:     pid + "RXO|1191^Aspirin^RXNORM|75||mg\r",
			bundle:   []string{`"resourceType":"MedicationRequest"`, `"medicationReference"`, `"status":"unknown"`, `"unit":"mg"`},
			unmapped: []string{"no filler or placer order number in ORC", "units without a coding system"},
		},
		{
			name: "RXO without give code", event: "ORM^O01",
			segs:   pid + "ORC|NW|RX1^CPOE\rRXO||75||mg^^UCUM\r",
			bundle: []string{`"medicationCodeableConcept":{"text":"RXO-1 not valued"}`, `"code":"mg","system":"http://unitsofmeasure.org"`},
			absent: []string{`"resourceType":"Medication",`, `"resourceType":"ServiceRequest"`},
		},
		{
			name: "RXO without PID", event: "ORM^O01",
			segs:     "ORC|NW|RX1^CPOE\rRXO|1191^Aspirin^RXNORM\r",
			bundle:   []string{`"subject":{"reference":"Group/`},
			unmapped: []string{"no PID: MedicationRequest for an unknown patient"},
		},
		{
			name: "RXR without RXA or RXO", event: "ORM^O01",
			segs:     pid + "RXR|PO^Oral^HL70162\r",
			unmapped: []string{"RXR (segment 3): no RXA or RXO before it"},
		},
		{
			name: "RXR with an unmapped field only", event: "ORM^O01",
			segs:     pid + "ORC|NW|RX1^CPOE\rRXO|1191^Aspirin^RXNORM\rRXR||||||LFT^Left^HL70495\r",
			absent:   []string{`"dosageInstruction"`},
			unmapped: []string{"RXR-6 (segment 5): field not mapped"},
		},
		{
			name: "TQ1 without order", event: "OML^O21",
			segs:     pid + "TQ1|1||||||20240316070000+0000\r",
			unmapped: []string{"TQ1 (segment 3): no order (ORC or OBR) before it"},
		},
		{
			name: "TQ1 service duration without UCUM time", event: "OML^O21",
			segs:     pid + "ORC|NW|L1^CPOE\rTQ1|1|||||3^visits&visits&L\rOBR|1|L1^CPOE||2345-7^Glucose^LN\r",
			absent:   []string{`"boundsDuration"`},
			unmapped: []string{"TQ1-6 (segment 4): service duration without a UCUM unit of time not written"},
		},
		{
			name: "TQ1 in ORU after its OBR", event: "ORU^R01",
			segs: pid + "OBR|1|P1^CPOE|F1^LAB|2345-7^Glucose^LN||20240316070000+0000\r" +
				"TQ1|1||||||20240316070000+0000||A^ASAP^HL70485\rOBX|1|NM|2345-7^Glucose^LN||5.4|mmol/L^^UCUM|||||F\r",
			bundle:   []string{`"occurrenceTiming":{"repeat":{"boundsPeriod":{"start":"2024-03-16T07:00:00Z"}}}`, `"priority":"asap"`},
			absent:   []string{`"occurrenceDateTime"`},
			unmapped: []string{"TQ1 (segment 4): OBR-6 occurrenceDateTime not written"},
		},
		{
			name: "TQ1 in VXU", event: "VXU^V04",
			segs:     pid + "ORC|RE||IZ1^EHR\rTQ1|1||||||20240316070000+0000\rRXA|0|1|20240316|20240316|08^HepB^CVX|0.5|mL^^UCUM\r",
			unmapped: []string{"TQ1 (segment 4): segment not mapped: the IG maps no TQ1 into Immunization"},
		},
		{
			name: "IN2 and IN3 without IN3-21", event: "ADT^A01",
			segs:     pid + "IN1|1|P1^Plan^L|I1|Acme^L\rIN2|E77\rIN3|1|CERT9\r",
			absent:   []string{`"CareTeam"`},
			unmapped: []string{"IN2-1 (segment 4): field not mapped: the IG has no IN2 map into Coverage", "IN3-2 (segment 5): field not mapped: the IG has no IN3 map into Coverage"},
		},
	}
	cv := testConverter(t, Options{})
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			msg := strings.Replace(msh, "%s", c.event, 1) + c.segs
			res, err := cv.ConvertBytes([]byte(msg))
			if err != nil {
				t.Fatal(err)
			}
			checkValid(t, c.name, res.Bundle)
			b := string(res.Bundle)
			for _, s := range c.bundle {
				if !strings.Contains(b, s) {
					t.Errorf("Bundle lacks %s", s)
				}
			}
			for _, s := range c.absent {
				if strings.Contains(b, s) {
					t.Errorf("Bundle has %s", s)
				}
			}
			var all []string
			for _, u := range res.Unmapped {
				all = append(all, u.String())
			}
			for _, s := range c.unmapped {
				if !strings.Contains(strings.Join(all, "\n"), s) {
					t.Errorf("unmapped lacks %q; has:\n%s", s, strings.Join(all, "\n"))
				}
			}
		})
	}
}
