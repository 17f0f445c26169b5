package validate

import (
	"strings"

	"github.com/plexus-health/plexus/fhir/spec"
)

// Most primitive values are strings, codes and URIs, whose format regexes
// only rule out certain whitespace; running a regexp engine on each was a
// fifth of the validation time. quickFormats are exact equivalents of those
// regexes, keyed by the regex text: they apply only while the definitions
// say exactly that, and TestQuickFormats and FuzzQuickFormats hold them to
// the regexes.
var quickFormats = map[string]func(string) bool{
	// string, markdown: anything but a form feed (RE2's \s is [\t\n\f\r ])
	`[ \r\n\t\S]+`: func(s string) bool { return s != "" && !strings.ContainsRune(s, '\f') },
	// uri, url, canonical: no whitespace at all
	`\S*`: func(s string) bool { return !strings.ContainsAny(s, " \t\n\f\r") },
	// code: words separated by single whitespace characters
	`[^\s]+(\s[^\s]+)*`: func(s string) bool {
		if s == "" {
			return false
		}
		prevSpace := true // no leading whitespace
		for i := 0; i < len(s); i++ {
			space := isSpace(s[i])
			if space && prevSpace {
				return false
			}
			prevSpace = space
		}
		return !prevSpace
	},
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r'
}

// formatOf returns the check for p's format: a quick equivalent of its
// regex when there is one, else the regex itself.
func formatOf(p *spec.PrimitiveDef) func(string) bool {
	if f := quickFormats[p.Regex]; f != nil {
		return f
	}
	return p.Valid
}
