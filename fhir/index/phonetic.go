package index

import "strings"

// Phonetic is the form the phonetic search parameters (those whose
// definition's xpathUsage is "phonetic": Patient, Person, Practitioner and
// RelatedPerson phonetic, Organization and InsurancePlan phonetic) store and
// compare: the American Soundex code of each word of s, after accents are
// removed, separated by spaces ("Smith" and "Smyth" are both S530). A word
// without letters has no code.
func Phonetic(s string) string {
	var codes []string
	for _, w := range strings.Fields(NormalizeString(s)) {
		if c := soundex(w); c != "" {
			codes = append(codes, c)
		}
	}
	return strings.Join(codes, " ")
}

// soundexDigit maps a lowercase letter to its Soundex digit; vowels and y
// are '0' (they separate equal digits), h and w are 0 (they do not).
func soundexDigit(c byte) byte {
	switch c {
	case 'b', 'f', 'p', 'v':
		return '1'
	case 'c', 'g', 'j', 'k', 'q', 's', 'x', 'z':
		return '2'
	case 'd', 't':
		return '3'
	case 'l':
		return '4'
	case 'm', 'n':
		return '5'
	case 'r':
		return '6'
	case 'h', 'w':
		return 0
	}
	return '0'
}

func soundex(w string) string {
	var out [4]byte
	n := 0
	var last byte
	for i := 0; i < len(w) && n < 4; i++ {
		c := w[i]
		if c < 'a' || c > 'z' {
			continue // digits, punctuation and letters outside a-z
		}
		d := soundexDigit(c)
		if n == 0 {
			out[0] = c - 'a' + 'A'
			n, last = 1, d
			continue
		}
		switch {
		case d == 0: // h, w: transparent
		case d == '0':
			last = '0'
		case d != last:
			out[n] = d
			n++
			last = d
		}
	}
	if n == 0 {
		return ""
	}
	for ; n < 4; n++ {
		out[n] = '0'
	}
	return string(out[:])
}
