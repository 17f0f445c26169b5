package index

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// The open ends of a Period, and the bounds of any date the index holds:
// the first and last microsecond of the years 0001 and 9999.
var (
	MinTime = time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro()
	MaxTime = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC).UnixMicro() - 1
)

// NormalizeString is the form string search compares: accents removed
// (é is e), case folded, runs of white space and punctuation-free spacing
// collapsed to one space, no leading or trailing space. The string index
// stores it, and a search applies it to the value searched for.
func NormalizeString(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if !ascii {
		s = norm.NFD.String(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			continue
		case unicode.IsSpace(r):
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// DateRange returns the inclusive range of microseconds since the Unix epoch
// that a FHIR date, dateTime or instant covers, at the precision written:
// "2024" is the whole year, "2024-03-05T10:00" the whole minute,
// "2024-03-05T10:00:00.5Z" a tenth of a second. A value without a time zone
// is read as UTC. Search values use the same function, so that a stored
// value and a searched one are compared alike.
func DateRange(s string) (lo, hi int64, err error) {
	bad := func(why string) (int64, int64, error) {
		return 0, 0, fmt.Errorf("%q is not a FHIR date or time: %s", s, why)
	}
	num := func(from, n int) (int, bool) {
		if len(s) < from+n {
			return 0, false
		}
		v := 0
		for i := from; i < from+n; i++ {
			c := s[i]
			if c < '0' || c > '9' {
				return 0, false
			}
			v = v*10 + int(c-'0')
		}
		return v, true
	}
	year, ok := num(0, 4)
	if !ok || year == 0 {
		return bad("a date starts with a four-digit year")
	}
	month, day, hour, minute, sec := 1, 1, 0, 0, 0
	var start time.Time
	var step func(time.Time) time.Time
	loc := time.UTC
	rest := s[4:]
	switch {
	case rest == "":
		step = func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }
	case len(rest) >= 3 && rest[0] == '-' && len(rest) == 3:
		if month, ok = num(5, 2); !ok || month < 1 || month > 12 {
			return bad("the month must be 01 to 12")
		}
		step = func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }
	default:
		if len(s) < 10 || s[4] != '-' || s[7] != '-' {
			return bad("expected YYYY, YYYY-MM or YYYY-MM-DD")
		}
		if month, ok = num(5, 2); !ok || month < 1 || month > 12 {
			return bad("the month must be 01 to 12")
		}
		if day, ok = num(8, 2); !ok || day < 1 || day > daysIn(year, month) {
			return bad("no such day in that month")
		}
		step = func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }
		if len(s) > 10 {
			t := s[10:]
			if t[0] != 'T' || len(t) < 6 || t[3] != ':' {
				return bad("a time is written THH:MM[:SS[.fff]] after the date")
			}
			if hour, ok = num(11, 2); !ok || hour > 23 {
				return bad("the hour must be 00 to 23")
			}
			if minute, ok = num(14, 2); !ok || minute > 59 {
				return bad("the minutes must be 00 to 59")
			}
			i := 16
			step = func(t time.Time) time.Time { return t.Add(time.Minute) }
			nanos := 0
			if i < len(s) && s[i] == ':' {
				if sec, ok = num(17, 2); !ok || sec > 60 {
					return bad("the seconds must be 00 to 59")
				}
				if sec == 60 { // a leap second is the last second of its minute
					sec = 59
				}
				i = 19
				step = func(t time.Time) time.Time { return t.Add(time.Second) }
				if i < len(s) && s[i] == '.' {
					j := i + 1
					for j < len(s) && s[j] >= '0' && s[j] <= '9' {
						j++
					}
					digits := j - i - 1
					if digits == 0 {
						return bad("a decimal point in the seconds needs digits")
					}
					frac := s[i+1 : j]
					if digits > 9 {
						frac, digits = frac[:9], 9
					}
					n, _ := strconv.Atoi(frac)
					unit := time.Duration(math.Pow10(9 - digits))
					nanos = n * int(unit)
					step = func(t time.Time) time.Time { return t.Add(unit) }
					i = j
				}
			}
			switch zone := s[i:]; {
			case zone == "":
			case zone == "Z":
			case len(zone) == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':':
				zh, ok1 := num(i+1, 2)
				zm, ok2 := num(i+4, 2)
				if !ok1 || !ok2 || zh > 14 || zm > 59 {
					return bad("the time zone must be Z or +HH:MM")
				}
				off := zh*3600 + zm*60
				if zone[0] == '-' {
					off = -off
				}
				loc = time.FixedZone("", off)
			default:
				return bad("the time zone must be Z or +HH:MM")
			}
			start = time.Date(year, time.Month(month), day, hour, minute, sec, nanos, loc)
		}
	}
	if start.IsZero() {
		start = time.Date(year, time.Month(month), day, 0, 0, 0, 0, loc)
	}
	lo = start.UnixMicro()
	hi = step(start).UnixMicro() - 1
	if hi < lo { // a precision finer than a microsecond
		hi = lo
	}
	return max(lo, MinTime), min(hi, MaxTime), nil
}

func daysIn(year, month int) int {
	return time.Date(year, time.Month(month)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

// CanonicalQuantity converts value in the UCUM unit code to the unit's base
// units ("mg/dL" to "g/L", "min" to "s"), so that a search for 1 g finds 1000
// mg. ok is false for units it does not know, including units whose
// conversion is not a plain factor (Cel, [degF]) and arbitrary units ([IU]).
func CanonicalQuantity(value float64, code string) (float64, string, bool) {
	if code == "" {
		return 0, "", false
	}
	factor, dims, ok := parseUnit(code)
	if !ok {
		return 0, "", false
	}
	return value * factor, dims, true
}

// A UCUM unit is parsed as terms joined by '.' (multiply) and '/' (divide),
// each term an optional metric prefix, an atom and an optional integer
// exponent. Only the atoms below are known; that covers the units of
// clinical measurements (mass, volume, length, time, amount of substance,
// pressure, ratios).
var ucumAtoms = map[string]struct {
	factor float64
	base   string
	metric bool // takes metric prefixes
}{
	"g":       {1, "g", true},
	"m":       {1, "m", true},
	"l":       {1e-3, "m3", true},
	"L":       {1e-3, "m3", true},
	"s":       {1, "s", true},
	"min":     {60, "s", false},
	"h":       {3600, "s", false},
	"d":       {86400, "s", false},
	"wk":      {604800, "s", false},
	"mo":      {2629800, "s", false},
	"a":       {31557600, "s", false},
	"mol":     {6.0221367e23, "1", true},
	"eq":      {6.0221367e23, "1", true},
	"Pa":      {1000, "g.m-1.s-2", true},
	"mm[Hg]":  {133322, "g.m-1.s-2", false},
	"[lb_av]": {453.59237, "g", false},
	"[oz_av]": {28.349523125, "g", false},
	"[in_i]":  {0.0254, "m", false},
	"[ft_i]":  {0.3048, "m", false},
	"%":       {0.01, "1", false},
	"1":       {1, "1", false},
}

var ucumPrefixes = map[string]float64{
	"k": 1e3, "h": 1e2, "da": 1e1, "d": 1e-1, "c": 1e-2, "m": 1e-3,
	"u": 1e-6, "n": 1e-9, "p": 1e-12, "f": 1e-15, "M": 1e6, "G": 1e9,
}

func parseUnit(code string) (float64, string, bool) {
	factor := 1.0
	dims := map[string]int{}
	sign := 1
	start := 0
	for i := 0; i <= len(code); i++ {
		if i < len(code) && code[i] != '.' && code[i] != '/' {
			continue
		}
		if i == 0 && code[0] == '/' { // "/min" is 1/min
			sign, start = -1, 1
			continue
		}
		f, d, n, ok := parseTerm(code[start:i])
		if !ok {
			return 0, "", false
		}
		factor *= math.Pow(f, float64(sign*n))
		for base, e := range d {
			dims[base] += sign * n * e
		}
		if i < len(code) && code[i] == '/' {
			sign = -1
		}
		start = i + 1
	}
	return factor, renderDims(dims), true
}

// parseTerm reads prefix+atom+exponent, returning the atom's factor, its
// base dimensions and the exponent.
func parseTerm(t string) (float64, map[string]int, int, bool) {
	if t == "" {
		return 0, nil, 0, false
	}
	exp := 1
	j := len(t)
	for j > 0 && (t[j-1] >= '0' && t[j-1] <= '9') {
		j--
	}
	if j > 0 && j < len(t) && t[j-1] != ']' {
		if j > 0 && t[j-1] == '-' {
			j--
		}
		n, err := strconv.Atoi(t[j:])
		if err != nil {
			return 0, nil, 0, false
		}
		exp, t = n, t[:j]
	}
	atom, prefix := t, 1.0
	a, ok := ucumAtoms[atom]
	if !ok {
		for p, f := range ucumPrefixes {
			if strings.HasPrefix(t, p) {
				if x, found := ucumAtoms[t[len(p):]]; found && x.metric {
					a, ok, prefix = x, true, f
					break
				}
			}
		}
	}
	if !ok {
		return 0, nil, 0, false
	}
	return a.factor * prefix, baseDims(a.base), exp, true
}

// baseDims parses "g.m-1.s-2" into exponents.
func baseDims(s string) map[string]int {
	d := map[string]int{}
	if s == "1" {
		return d
	}
	for _, part := range strings.Split(s, ".") {
		j := strings.IndexAny(part, "-0123456789")
		if j < 0 {
			d[part]++
			continue
		}
		n, _ := strconv.Atoi(part[j:])
		d[part[:j]] += n
	}
	return d
}

// renderDims writes dimensions in a fixed order: "g.m-3", "s", "1".
func renderDims(d map[string]int) string {
	var parts []string
	for _, base := range []string{"g", "m", "s"} {
		switch n := d[base]; n {
		case 0:
		case 1:
			parts = append(parts, base)
		default:
			parts = append(parts, base+strconv.Itoa(n))
		}
	}
	if len(parts) == 0 {
		return "1"
	}
	return strings.Join(parts, ".")
}
