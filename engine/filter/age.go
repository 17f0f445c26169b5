package filter

import (
	"bytes"
	"time"
)

// ageAt returns the whole years between the birth date at the start of an
// HL7 DTM value, YYYY[MM[DD[HH[MM[SS[.S[S[S[S]]]]]]]]][+/-ZZZZ], and the
// calendar date of now, or -1 when dtm is empty, malformed or after now.
//
// A date given only to the year or month is taken as the last day of that
// period: the result is the age the patient has certainly reached.
func ageAt(dtm []byte, now time.Time) int {
	y, m, d, ok := parseDate(dtm)
	if !ok {
		return -1
	}
	ny, nm, nd := now.Date()
	age := ny - y
	if int(nm) < m || int(nm) == m && nd < d {
		age--
	}
	if age < 0 {
		return -1
	}
	return age
}

// parseDate validates a DTM value and returns its date, completing a date
// of year or month precision with the last day of that year or month.
func parseDate(b []byte) (year, month, day int, ok bool) {
	// Split off the UTC offset.
	if i := bytes.IndexAny(b, "+-"); i >= 0 {
		off := b[i+1:]
		if len(off) != 4 || !digits(off) || num(off[:2]) > 23 || num(off[2:]) > 59 {
			return 0, 0, 0, false
		}
		b = b[:i]
	}
	// Split off the fraction of a second, allowed only after seconds.
	if i := bytes.IndexByte(b, '.'); i >= 0 {
		frac := b[i+1:]
		if i != 14 || len(frac) < 1 || len(frac) > 4 || !digits(frac) {
			return 0, 0, 0, false
		}
		b = b[:i]
	}
	if !digits(b) {
		return 0, 0, 0, false
	}
	switch len(b) {
	case 4, 6, 8, 10, 12, 14:
	default:
		return 0, 0, 0, false
	}
	year, month, day = num(b[:4]), 12, 31
	if len(b) >= 6 {
		month = num(b[4:6])
		if month < 1 || month > 12 {
			return 0, 0, 0, false
		}
		day = daysIn(year, month)
	}
	if len(b) >= 8 {
		d := num(b[6:8])
		if d < 1 || d > day {
			return 0, 0, 0, false
		}
		day = d
	}
	if len(b) >= 10 && num(b[8:10]) > 23 ||
		len(b) >= 12 && num(b[10:12]) > 59 ||
		len(b) >= 14 && num(b[12:14]) > 59 {
		return 0, 0, 0, false
	}
	return year, month, day, true
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func digits(b []byte) bool {
	for _, c := range b {
		if c < '0' || c > '9' {
			return false
		}
	}
	return len(b) > 0
}

// num converts a short run of ASCII digits; the caller has checked them.
func num(b []byte) int {
	n := 0
	for _, c := range b {
		n = n*10 + int(c-'0')
	}
	return n
}
