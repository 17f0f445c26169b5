package events

import "strings"

// isoTime writes an HL7 v2 DTM (YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ]) as
// ISO 8601 with the precision it has: "2024-03-12", "2024-03-12T10:15",
// "2024-03-12T10:15:00.123+01:00". An offset is written only when the DTM
// has one; a time without an offset is the sender's local time, and no
// zone is invented for it. ok is false for text that is not a DTM.
func isoTime(s string) (iso string, ok bool) {
	if s == "" {
		return "", true
	}
	zone := ""
	if i := strings.IndexAny(s, "+-"); i >= 0 {
		s, zone = s[:i], s[i:]
		if len(zone) != 5 || !digits(zone[1:]) {
			return "", false
		}
	}
	frac := ""
	if i := strings.IndexByte(s, '.'); i >= 0 {
		s, frac = s[:i], s[i+1:]
		if len(s) != 14 || frac == "" || !digits(frac) {
			return "", false
		}
	}
	if !digits(s) {
		return "", false
	}
	switch len(s) {
	case 4, 6, 8, 10, 12, 14:
	default:
		return "", false
	}
	if len(s) == 10 {
		// An hour without minutes: ISO 8601 allows it, most readers do
		// not; "Thh:00" says the same at the precision of the minute.
		s += "00"
	}
	var b strings.Builder
	b.WriteString(s[:4])
	for i, sep := range []string{"-", "-", "T", ":", ":"} {
		at := 4 + 2*i
		if len(s) <= at {
			break
		}
		b.WriteString(sep)
		b.WriteString(s[at : at+2])
	}
	if frac != "" {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	if zone != "" {
		if len(s) < 12 {
			// An offset on a date alone means nothing in ISO 8601.
			return b.String(), true
		}
		b.WriteString(zone[:3])
		b.WriteByte(':')
		b.WriteString(zone[3:])
	}
	return b.String(), true
}

func digits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
