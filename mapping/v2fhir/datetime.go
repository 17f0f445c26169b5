package v2fhir

import (
	"errors"
	"strconv"
	"strings"
	"time"
)

// errNoZone reports a DTM with a time of day but no zone, converted to its
// date because FHIR allows a time only with a zone and none was configured.
var errNoZone = errors.New("time without zone kept as date (set a zone for the sender)")

// dtm is a parsed HL7 v2 DTM/TS: YYYY[MM[DD[HH[MM[SS[.S…]]]]]][+/-ZZZZ].
type dtm struct {
	year, month, day, hour, min, sec int
	frac                             string // digits after the point
	prec                             int    // 4 year, 6 month, 8 day, 10 hour, 12 minute, 14 second
	zone                             bool
	off                              int // offset in minutes east of UTC
}

func digits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// parseDTM parses v2 date/time text. Precision and zone are kept as given.
func parseDTM(s string) (dtm, error) {
	var d dtm
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '^'); i >= 0 { // TS: DTM^degree of precision
		s = s[:i]
	}
	if i := strings.IndexAny(s, "+-"); i >= 0 {
		z := s[i+1:]
		if len(z) != 4 || !digits(z) {
			return d, errors.New("bad time zone " + strconv.Quote(s[i:]))
		}
		h, _ := strconv.Atoi(z[:2])
		m, _ := strconv.Atoi(z[2:])
		if h > 14 || m > 59 {
			return d, errors.New("bad time zone " + strconv.Quote(s[i:]))
		}
		d.zone, d.off = true, h*60+m
		if s[i] == '-' {
			d.off = -d.off
		}
		s = s[:i]
	}
	if i := strings.IndexByte(s, '.'); i >= 0 {
		d.frac = s[i+1:]
		s = s[:i]
		if d.frac == "" || !digits(d.frac) || len(s) != 14 {
			return d, errors.New("bad fraction of second")
		}
	}
	switch len(s) {
	case 4, 6, 8, 10, 12, 14:
	default:
		return d, errors.New("bad length " + strconv.Itoa(len(s)))
	}
	if !digits(s) {
		return d, errors.New("not a date/time")
	}
	d.prec = len(s)
	at := func(i int) int { n, _ := strconv.Atoi(s[i : i+2]); return n }
	d.year, _ = strconv.Atoi(s[:4])
	d.month, d.day = 1, 1
	if d.year == 0 {
		return d, errors.New("year 0000")
	}
	if d.prec >= 6 {
		d.month = at(4)
		if d.month < 1 || d.month > 12 {
			return d, errors.New("bad month")
		}
	}
	if d.prec >= 8 {
		d.day = at(6)
		if d.day < 1 || d.day > daysIn(d.year, d.month) {
			return d, errors.New("bad day")
		}
	}
	if d.prec >= 10 {
		if d.hour = at(8); d.hour > 23 {
			return d, errors.New("bad hour")
		}
	}
	if d.prec >= 12 {
		if d.min = at(10); d.min > 59 {
			return d, errors.New("bad minute")
		}
	}
	if d.prec >= 14 {
		if d.sec = at(12); d.sec > 59 {
			return d, errors.New("bad second")
		}
	}
	return d, nil
}

func daysIn(y, m int) int {
	return time.Date(y, time.Month(m)+1, 0, 0, 0, 0, 0, time.UTC).Day()
}

func pad2(b []byte, n int) []byte { return append(b, byte('0'+n/10), byte('0'+n%10)) }

// date formats d at no finer than day precision.
func (d dtm) date() string {
	b := make([]byte, 0, 10)
	b = strconv.AppendInt(b, int64(d.year), 10)
	for len(b) < 4 {
		b = append([]byte{'0'}, b...)
	}
	if d.prec >= 6 {
		b = pad2(append(b, '-'), d.month)
	}
	if d.prec >= 8 {
		b = pad2(append(b, '-'), d.day)
	}
	return string(b)
}

// dateTime formats d as a FHIR dateTime. A time of day needs a zone in FHIR:
// the message's own, else zone (the sender's configured zone), else the
// value is cut to its date and errNoZone says so. FHIR has no hour or minute
// precision: missing minutes and seconds are written as zero.
func (d dtm) dateTime(zone *time.Location) (string, error) {
	if d.prec <= 8 {
		return d.date(), nil
	}
	if !d.zone {
		if zone == nil {
			return d.date(), errNoZone
		}
		t := time.Date(d.year, time.Month(d.month), d.day, d.hour, d.min, d.sec, 0, zone)
		_, off := t.Zone()
		d.zone, d.off = true, off/60
	}
	b := make([]byte, 0, 32)
	b = append(b, d.date()...)
	b = pad2(append(b, 'T'), d.hour)
	b = pad2(append(b, ':'), d.min)
	b = pad2(append(b, ':'), d.sec)
	if d.frac != "" {
		b = append(append(b, '.'), d.frac...)
	}
	off := d.off
	if off == 0 {
		return string(append(b, 'Z')), nil
	}
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	b = pad2(append(b, sign), off/60)
	b = pad2(append(b, ':'), off%60)
	return string(b), nil
}

// instant formats d as a FHIR instant, which needs seconds and a zone.
func (d dtm) instant(zone *time.Location) (string, bool) {
	if d.prec < 14 || (!d.zone && zone == nil) {
		return "", false
	}
	s, err := d.dateTime(zone)
	return s, err == nil
}
