package validate

import "testing"

var formatSeeds = []string{
	"", " ", "a", "a b", "a  b", " a", "a ", "a\tb", "a\fb", "a\nb", "a\r\nb", "\f",
	"http://x.org/a b", "urn:uuid:1", "été", "a\vb", "\u00a0", "a\u2028b", "\x00",
}

// TestQuickFormats holds each quick format to the regex it replaces.
func TestQuickFormats(t *testing.T) {
	v, err := New()
	if err != nil {
		t.Fatal(err)
	}
	used := 0
	for _, p := range v.spec.Primitives() {
		f := quickFormats[p.Regex]
		if f == nil {
			continue
		}
		used++
		for _, s := range formatSeeds {
			if got, want := f(s), p.Valid(s); got != want {
				t.Errorf("%s %q: quick format says %v, regex %v", p.Name, s, got, want)
			}
		}
	}
	if used < 5 {
		t.Errorf("quick formats apply to %d primitive types; have the regexes changed?", used)
	}
}

func FuzzQuickFormats(f *testing.F) {
	for _, s := range formatSeeds {
		f.Add(s)
	}
	v, err := New()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, p := range v.spec.Primitives() {
			if q := quickFormats[p.Regex]; q != nil && q(s) != p.Valid(s) {
				t.Errorf("%s %q: quick format says %v, regex %v", p.Name, s, q(s), p.Valid(s))
			}
		}
	})
}
