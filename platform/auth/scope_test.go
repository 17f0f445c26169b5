package auth

import "testing"

func TestParseScope(t *testing.T) {
	tests := []struct {
		in      string
		ctx     string
		typ     string
		allow   Interaction
		params  string
		wantErr bool
	}{
		{in: "patient/*.rs", ctx: "patient", typ: "*", allow: Read | Search},
		{in: "user/Observation.cruds", ctx: "user", typ: "Observation", allow: All},
		{in: "system/*.*", ctx: "system", typ: "*", allow: All},
		{in: "patient/Patient.read", ctx: "patient", typ: "Patient", allow: Read | Search},
		{in: "user/Encounter.write", ctx: "user", typ: "Encounter", allow: Create | Update | Delete},
		{in: "system/Patient.cud", ctx: "system", typ: "Patient", allow: Create | Update | Delete},
		{in: "patient/Observation.s", ctx: "patient", typ: "Observation", allow: Search},
		{in: "patient/Observation.rs?category=http://terminology.hl7.org/CodeSystem/observation-category|laboratory",
			ctx: "patient", typ: "Observation", allow: Read | Search,
			params: "category=http%3A%2F%2Fterminology.hl7.org%2FCodeSystem%2Fobservation-category%7Claboratory"},
		{in: "patient/Observation.sr", wantErr: true},     // out of order
		{in: "patient/Observation.rr", wantErr: true},     // repeated
		{in: "patient/Observation.x", wantErr: true},      // unknown letter
		{in: "patient/Observation.", wantErr: true},       // no permissions
		{in: "admin/Observation.rs", wantErr: true},       // unknown context
		{in: "patient/observation.rs", wantErr: true},     // not a type name
		{in: "Observation.rs", wantErr: true},             // no context
		{in: "user/Observation.cu?code=1", wantErr: true}, // query on writes
		{in: "patient/Observation.rs?", wantErr: true},    // empty query
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			s, err := ParseScope(tt.in)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("ParseScope(%q) = %+v, want an error", tt.in, s)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if s.Context != tt.ctx || s.Type != tt.typ || s.Allow != tt.allow || s.Params.Encode() != tt.params {
				t.Errorf("ParseScope(%q) = %s %s %s %q, want %s %s %s %q", tt.in,
					s.Context, s.Type, s.Allow, s.Params.Encode(), tt.ctx, tt.typ, tt.allow, tt.params)
			}
			if s.String() != tt.in {
				t.Errorf("String() = %q", s.String())
			}
		})
	}
}

func TestGrant(t *testing.T) {
	g, err := ParseGrant("openid fhirUser launch/patient offline_access patient/*.rs",
		"user/Observation.rs?category=laboratory user/Encounter.cruds")
	if err != nil {
		t.Fatal(err)
	}
	if len(g) != 3 {
		t.Fatalf("got %d resource scopes, want 3: %v", len(g), g)
	}
	tests := []struct {
		interaction  Interaction
		typ          string
		n            int
		unrestricted bool
	}{
		{Read, "Patient", 1, false},     // patient/*.rs only: compartment
		{Read, "Observation", 2, false}, // patient compartment or laboratory
		{Read | Search, "Encounter", 2, true},
		{Create, "Observation", 0, false}, // nothing grants it
		{Delete, "Encounter", 1, true},
	}
	for _, tt := range tests {
		got := g.Applicable(tt.interaction, tt.typ)
		if len(got) != tt.n || Unrestricted(got) != tt.unrestricted {
			t.Errorf("Applicable(%s, %s) = %v (unrestricted %v), want %d scopes (unrestricted %v)",
				tt.interaction, tt.typ, got, Unrestricted(got), tt.n, tt.unrestricted)
		}
	}
	if _, err := ParseGrant("patient/*.rs bogus"); err == nil {
		t.Error("ParseGrant accepted an unparseable scope")
	}
}

func TestCovers(t *testing.T) {
	g, _ := ParseGrant("system/*.rs system/Patient.cruds user/Observation.rs?category=vital-signs")
	tests := []struct {
		ask  string
		want bool
	}{
		{"system/Observation.r", true},
		{"system/Observation.rs", true},
		{"system/Observation.c", false},
		{"system/Patient.cud", true},
		{"system/*.cruds", false},
		{"patient/Patient.r", false}, // another context
		{"user/Observation.rs?category=vital-signs", true},
		{"user/Observation.rs?category=laboratory", false},
		{"user/Observation.rs", false}, // wider than the granted query
	}
	for _, tt := range tests {
		s, err := ParseScope(tt.ask)
		if err != nil {
			t.Fatal(err)
		}
		if got := g.Covers(s); got != tt.want {
			t.Errorf("Covers(%s) = %v, want %v", tt.ask, got, tt.want)
		}
	}
}
