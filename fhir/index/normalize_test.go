package index

import (
	"math"
	"testing"
	"time"
)

func TestNormalizeString(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Smith", "smith"},
		{"  Van  der\tBerg ", "van der berg"},
		{"Müller", "muller"},
		{"ÉLODIE", "elodie"},
		{"José María", "jose maria"},
		{"", ""},
		{"O'Brien", "o'brien"},
	} {
		if got := NormalizeString(tc.in); got != tc.want {
			t.Errorf("NormalizeString(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

func TestDateRange(t *testing.T) {
	us := func(s string) int64 {
		t.Helper()
		tm, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			t.Fatal(err)
		}
		return tm.UnixMicro()
	}
	for _, tc := range []struct {
		in     string
		lo, hi string // RFC 3339; hi is the last microsecond covered
	}{
		{"2024", "2024-01-01T00:00:00Z", "2024-12-31T23:59:59.999999Z"},
		{"2024-02", "2024-02-01T00:00:00Z", "2024-02-29T23:59:59.999999Z"},
		{"2023-02", "2023-02-01T00:00:00Z", "2023-02-28T23:59:59.999999Z"},
		{"2024-03-05", "2024-03-05T00:00:00Z", "2024-03-05T23:59:59.999999Z"},
		{"2024-03-05T10:00", "2024-03-05T10:00:00Z", "2024-03-05T10:00:59.999999Z"},
		{"2024-03-05T10:00:30Z", "2024-03-05T10:00:30Z", "2024-03-05T10:00:30.999999Z"},
		{"2024-03-05T10:00:30+02:00", "2024-03-05T08:00:30Z", "2024-03-05T08:00:30.999999Z"},
		{"2024-03-05T10:00:30-05:30", "2024-03-05T15:30:30Z", "2024-03-05T15:30:30.999999Z"},
		{"2024-03-05T10:00:30.5Z", "2024-03-05T10:00:30.5Z", "2024-03-05T10:00:30.599999Z"},
		{"2024-03-05T10:00:30.123Z", "2024-03-05T10:00:30.123Z", "2024-03-05T10:00:30.123999Z"},
		{"2024-03-05T10:00:30.1234567Z", "2024-03-05T10:00:30.123456Z", "2024-03-05T10:00:30.123456Z"},
		{"2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z", "2016-12-31T23:59:59.999999Z"},
	} {
		lo, hi, err := DateRange(tc.in)
		if err != nil {
			t.Errorf("DateRange(%q): %v", tc.in, err)
			continue
		}
		if lo != us(tc.lo) || hi != us(tc.hi) {
			t.Errorf("DateRange(%q) = %v .. %v, want %s .. %s", tc.in,
				time.UnixMicro(lo).UTC(), time.UnixMicro(hi).UTC(), tc.lo, tc.hi)
		}
	}
	for _, bad := range []string{"", "24", "2024-13", "2024-02-30", "2024-1-05", "2024-03-05T25:00",
		"2024-03-05T10", "2024-03-05T10:00:30+2", "2024-03-05T10:00:30.Z", "0000", "abcd", "2024-03-05X"} {
		if _, _, err := DateRange(bad); err == nil {
			t.Errorf("DateRange(%q) accepted", bad)
		}
	}
}

func TestCanonicalQuantity(t *testing.T) {
	for _, tc := range []struct {
		v    float64
		code string
		want float64
		dims string
	}{
		{1000, "mg", 1, "g"},
		{1, "kg", 1000, "g"},
		{5, "mg/dL", 50, "g.m-3"},
		{0.05, "g/L", 50, "g.m-3"},
		{2, "h", 7200, "s"},
		{90, "min", 5400, "s"},
		{120, "mm[Hg]", 120 * 133322, "g.m-1.s-2"},
		{1.8, "m", 1.8, "m"},
		{180, "cm", 1.8, "m"},
		{25, "kg/m2", 25000, "g.m-2"},
		{70, "/min", 70.0 / 60, "s-1"},
		{5, "%", 0.05, "1"},
	} {
		got, dims, ok := CanonicalQuantity(tc.v, tc.code)
		if !ok || dims != tc.dims || math.Abs(got-tc.want) > 1e-9*math.Abs(tc.want) {
			t.Errorf("CanonicalQuantity(%v, %q) = %v %q %v, want %v %q", tc.v, tc.code, got, dims, ok, tc.want, tc.dims)
		}
	}
	for _, unknown := range []string{"", "Cel", "[degF]", "[IU]", "{score}", "10*3/uL", "mg//dL"} {
		if _, _, ok := CanonicalQuantity(1, unknown); ok {
			t.Errorf("CanonicalQuantity(1, %q) converted a unit it cannot", unknown)
		}
	}
}

func TestParseReference(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Reference
	}{
		{"Patient/123", Reference{TargetType: "Patient", TargetID: "123"}},
		{"Patient/123/_history/4", Reference{TargetType: "Patient", TargetID: "123"}},
		{"http://example.org/fhir/Patient/123", Reference{TargetType: "Patient", URL: "http://example.org/fhir/Patient/123"}},
		{"http://hl7.org/fhir/ValueSet/x|4.0.1", Reference{URL: "http://hl7.org/fhir/ValueSet/x", Version: "4.0.1"}},
		{"urn:uuid:5a3d0e1c-0000-4000-8000-000000000000", Reference{URL: "urn:uuid:5a3d0e1c-0000-4000-8000-000000000000"}},
		{"Foo/123", Reference{URL: "Foo/123"}},
	} {
		if got := ParseReference(tc.in); got != tc.want {
			t.Errorf("ParseReference(%q) = %+v, want %+v", tc.in, got, tc.want)
		}
	}
}

func FuzzDateRange(f *testing.F) {
	for _, s := range []string{"2024", "2024-02-29", "2024-03-05T10:00:30.123+02:00", "9999-12-31T23:59:59.999999999Z"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		lo, hi, err := DateRange(s)
		if err == nil && (lo > hi || lo < MinTime || hi > MaxTime) {
			t.Fatalf("DateRange(%q) = %d .. %d", s, lo, hi)
		}
	})
}
