package search

// The value forms the index tables hold. They must be computed exactly as
// package fhir/index computes them at write time; these are stand-ins until
// that package lands, after which each becomes a call into it.

import (
	"errors"
	"math"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/runes"
	"golang.org/x/text/transform"
	"golang.org/x/text/unicode/norm"
)

// Open ends of Periods in fhir_idx_date.
const (
	minTime int64 = math.MinInt64
	maxTime int64 = math.MaxInt64
)

var stripAccents = transform.Chain(norm.NFD, runes.Remove(runes.In(unicode.Mn)), norm.NFC)

// normalizeString is the value column of fhir_idx_string.
func normalizeString(s string) string {
	t, _, err := transform.String(stripAccents, s)
	if err != nil {
		t = s
	}
	return strings.Join(strings.Fields(strings.ToLower(t)), " ")
}

var dateRE = regexp.MustCompile(`^(\d{4})(?:-(\d{2})(?:-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?)?)?$`)

var errDate = errors.New("not a FHIR date, dateTime or instant")

// dateRange is the inclusive microsecond range a FHIR date covers.
func dateRange(s string) (lo, hi int64, err error) {
	m := dateRE.FindStringSubmatch(s)
	if m == nil {
		return 0, 0, errDate
	}
	atoi := func(v string, def int) int {
		if v == "" {
			return def
		}
		n, _ := strconv.Atoi(v)
		return n
	}
	loc := time.UTC
	if z := m[8]; z != "" && z != "Z" {
		h, mi := atoi(z[1:3], 0), atoi(z[4:6], 0)
		off := (h*60 + mi) * 60
		if z[0] == '-' {
			off = -off
		}
		loc = time.FixedZone("", off)
	}
	year, month, day := atoi(m[1], 0), atoi(m[2], 1), atoi(m[3], 1)
	hour, minute, sec := atoi(m[4], 0), atoi(m[5], 0), atoi(m[6], 0)
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 {
		return 0, 0, errDate
	}
	var frac time.Duration
	var step func(time.Time) time.Time
	switch {
	case m[7] != "":
		digits := m[7][1:]
		if len(digits) > 9 {
			digits = digits[:9]
		}
		n, _ := strconv.Atoi(digits)
		unit := time.Duration(math.Pow10(9 - len(digits)))
		frac = time.Duration(n) * unit
		step = func(t time.Time) time.Time { return t.Add(max(unit, time.Microsecond)) }
	case m[6] != "":
		step = func(t time.Time) time.Time { return t.Add(time.Second) }
	case m[5] != "":
		step = func(t time.Time) time.Time { return t.Add(time.Minute) }
	case m[3] != "":
		step = func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }
	case m[2] != "":
		step = func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }
	default:
		step = func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }
	}
	start := time.Date(year, time.Month(month), day, hour, minute, sec, int(frac), loc)
	if start.Day() != day {
		return 0, 0, errDate
	}
	return start.UnixMicro(), step(start).UnixMicro() - 1, nil
}

// canonicalQuantity converts a UCUM quantity to base units. The stand-in
// knows only the mass and volume prefixes that tests use.
func canonicalQuantity(value float64, code string) (float64, string, bool) {
	scale := map[string]struct {
		f    float64
		base string
	}{
		"g": {1, "g"}, "mg": {1e-3, "g"}, "ug": {1e-6, "g"}, "kg": {1e3, "g"},
		"L": {1e-3, "m3"}, "mL": {1e-6, "m3"}, "dL": {1e-4, "m3"},
	}
	if s, ok := scale[code]; ok {
		return value * s.f, s.base, true
	}
	return 0, "", false
}
