package spec

import (
	"slices"
	"testing"
)

func TestHierarchy(t *testing.T) {
	s := r4Spec(t)
	const verStatus = "http://terminology.hl7.org/CodeSystem/condition-ver-status"
	if !s.HasHierarchy(verStatus) {
		t.Fatalf("no hierarchy for %s", verStatus)
	}
	tests := []struct {
		name, system, code string
		below, above       []string
	}{
		{"parent", verStatus, "unconfirmed", []string{"differential", "provisional", "unconfirmed"}, []string{"unconfirmed"}},
		{"child", verStatus, "provisional", []string{"provisional"}, []string{"provisional", "unconfirmed"}},
		{"unrelated", verStatus, "confirmed", []string{"confirmed"}, []string{"confirmed"}},
		{"unknown code", verStatus, "nope", []string{"nope"}, []string{"nope"}},
		{"no hierarchy", "http://loinc.org", "29463-7", []string{"29463-7"}, []string{"29463-7"}},
	}
	for _, tt := range tests {
		if got := s.Descendants(tt.system, tt.code); !slices.Equal(got, tt.below) {
			t.Errorf("%s: Descendants = %v, want %v", tt.name, got, tt.below)
		}
		if got := s.Ancestors(tt.system, tt.code); !slices.Equal(got, tt.above) {
			t.Errorf("%s: Ancestors = %v, want %v", tt.name, got, tt.above)
		}
	}
	// A deep hierarchy: every descendant's ancestors include the root.
	const actCode = "http://terminology.hl7.org/CodeSystem/v3-ActCode"
	below := s.Descendants(actCode, "_ActEncounterCode")
	if len(below) < 5 {
		t.Fatalf("_ActEncounterCode has %d descendants", len(below))
	}
	for _, c := range below {
		if !slices.Contains(s.Ancestors(actCode, c), "_ActEncounterCode") {
			t.Errorf("%s is below _ActEncounterCode but not the other way", c)
		}
	}
}
