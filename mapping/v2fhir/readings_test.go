package v2fhir

import (
	"strings"
	"testing"
)

// TestMisplacedConstants: PV1[Encounter] writes a constant beside the data
// type map of PV1-8 (a Reference) that its next rows repeat, and one beside
// PV1-42's that is its next row's (the pending location's status). Neither
// is written as a Reference.
func TestMisplacedConstants(t *testing.T) {
	msg := "MSH|^~\\&|A|B|C|D|20240101080000+0000||ADT^A01|1|P|2.5\r" +
		"PID|1||123^^^H^MR||Doe^J\r" +
		"PV1|1|I|W1^1^A^H|||||9876^Ref^Rita^^^Dr||||||||||||V1^^^H^VN||||||||||||||||||||||W2^2^B^H\r"
	res, err := testConverter(t, Options{}).ConvertBytes([]byte(msg))
	if err != nil {
		t.Fatal(err)
	}
	checkValid(t, "pv1", res.Bundle)
	b := string(res.Bundle)
	for _, want := range []string{
		`{"location":{"reference":"Location/` + makeID("Location", "H W2 2 B") + `"},"status":"reserved"}`,
		`"type":[{"coding":[{"code":"REF","system":"http://terminology.hl7.org/CodeSystem/v3-ParticipationType"}],"text":"referrer"}]`,
	} {
		if !strings.Contains(b, want) {
			t.Errorf("Bundle lacks %s", want)
		}
	}
	for _, u := range res.Unmapped {
		if u.Segment == "PV1" && (u.Field == 8 || u.Field == 42) {
			t.Errorf("unmapped: %s", u)
		}
	}
}
