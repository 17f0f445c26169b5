package index

import "testing"

func TestPhonetic(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Robert", "R163"},
		{"Rupert", "R163"},
		{"Rubin", "R150"},
		{"Ashcraft", "A261"}, // h does not separate s and c
		{"Tymczak", "T522"},
		{"Pfister", "P236"}, // the first letter's digit is not repeated
		{"Honeyman", "H555"},
		{"Smith", "S530"},
		{"Smyth", "S530"},
		{"Müller", "M460"},
		{"Van der Berg", "V500 D600 B620"},
		{"  ", ""},
		{"123", ""},
		{"Lee", "L000"},
	} {
		if got := Phonetic(tc.in); got != tc.want {
			t.Errorf("Phonetic(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
