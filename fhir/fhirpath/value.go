package fhirpath

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Value is one item of a collection: Boolean, Integer, Decimal, String,
// Date, DateTime, Time, Quantity or *Node (an element of a resource).
type Value interface{}

// Collection is what every FHIRPath expression yields: an ordered list of
// values, possibly empty.
type Collection []Value

// System primitive types.
type (
	Boolean bool
	Integer int64
	String  string
)

// Decimal is a FHIRPath decimal: a float with the number of digits written
// after the point, so 1.10 keeps its precision when turned back into text.
type Decimal struct {
	F     float64
	Scale int
	// inexact marks computed results (division, sqrt, ...) whose Scale is
	// a working precision, not digits anyone wrote; String trims them.
	inexact bool
}

// Quantity is a decimal with a UCUM unit or a calendar duration keyword
// ("year", "day", ...).
type Quantity struct {
	Value Decimal
	Unit  string
}

func parseDecimal(s string) (Decimal, error) {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return Decimal{}, fmt.Errorf("bad decimal %q", s)
	}
	sc := 0
	if i := strings.IndexByte(s, '.'); i >= 0 {
		sc = len(s) - i - 1
		if e := strings.IndexAny(s, "eE"); e >= 0 {
			sc = e - i - 1
		}
	}
	return Decimal{F: f, Scale: sc}, nil
}

func (d Decimal) String() string {
	sc := d.Scale
	if sc > 8 {
		sc = 8
	}
	s := strconv.FormatFloat(d.F, 'f', sc, 64)
	if (d.Scale > 8 || d.inexact) && strings.Contains(s, ".") {
		s = strings.TrimRight(s, "0")
		s = strings.TrimSuffix(s, ".")
	}
	return s
}

func toDec(v Value) Decimal {
	switch x := v.(type) {
	case Integer:
		return Decimal{F: float64(x), Scale: 0}
	case Decimal:
		return x
	}
	return Decimal{}
}

func (q Quantity) String() string {
	if _, ok := calendarUnits[q.Unit]; ok {
		return q.Value.String() + " " + q.Unit
	}
	return q.Value.String() + " '" + q.Unit + "'"
}

// temporal kinds
const (
	kDate = iota
	kDateTime
	kTime
)

// precision levels
const (
	pYear = iota + 1
	pMonth
	pDay
	pHour
	pMinute
	pSecond
	pMilli
)

// Temporal is a FHIRPath Date, DateTime or Time with the precision it was
// written with. TZ is the offset in minutes when HasTZ.
type Temporal struct {
	Kind                 int
	Year, Month, Day     int
	Hour, Minute, Second int
	Milli                int
	Prec                 int
	HasTZ                bool
	TZ                   int
	msDigits             int
}

// parseDateTimeLiteral parses the text after '@' of a date or dateTime literal.
func parseDateTimeLiteral(s string) (Temporal, bool) {
	if i := strings.IndexByte(s, 'T'); i >= 0 {
		d, ok := parseDate(s[:i])
		if !ok || d.Prec != pDay && s[i+1:] != "" {
			return Temporal{}, false
		}
		d.Kind = kDateTime
		if s[i+1:] == "" {
			return d, true
		}
		t, ok := parseTime(s[i+1:])
		if !ok {
			return Temporal{}, false
		}
		d.Hour, d.Minute, d.Second, d.Milli, d.Prec, d.HasTZ, d.TZ, d.msDigits = t.Hour, t.Minute, t.Second, t.Milli, t.Prec, t.HasTZ, t.TZ, t.msDigits
		return d, true
	}
	return parseDate(s)
}

func atoiN(s string, n int) (int, bool) {
	if len(s) != n {
		return 0, false
	}
	v := 0
	for i := 0; i < n; i++ {
		if !isDigit(s[i]) {
			return 0, false
		}
		v = v*10 + int(s[i]-'0')
	}
	return v, true
}

func parseDate(s string) (Temporal, bool) {
	t := Temporal{Kind: kDate}
	parts := strings.Split(s, "-")
	if len(parts) > 3 {
		return t, false
	}
	var ok bool
	if t.Year, ok = atoiN(parts[0], 4); !ok {
		return t, false
	}
	t.Prec = pYear
	if len(parts) > 1 {
		if t.Month, ok = atoiN(parts[1], 2); !ok || t.Month < 1 || t.Month > 12 {
			return t, false
		}
		t.Prec = pMonth
	}
	if len(parts) > 2 {
		if t.Day, ok = atoiN(parts[2], 2); !ok || t.Day < 1 || t.Day > 31 {
			return t, false
		}
		t.Prec = pDay
	}
	return t, true
}

// parseTime parses hh[:mm[:ss[.fff]]][Z|+hh:mm]; a timezone is accepted
// (and kept) only where the caller allows it.
func parseTime(s string) (Temporal, bool) {
	t := Temporal{Kind: kTime}
	if strings.HasSuffix(s, "Z") {
		t.HasTZ = true
		s = s[:len(s)-1]
	} else if i := strings.LastIndexAny(s, "+-"); i >= 0 {
		tz := s[i+1:]
		h, ok1 := atoiN(tz[:min(2, len(tz))], 2)
		if len(tz) != 5 || tz[2] != ':' || !ok1 {
			return t, false
		}
		m, ok2 := atoiN(tz[3:], 2)
		if !ok2 {
			return t, false
		}
		t.HasTZ = true
		t.TZ = h*60 + m
		if s[i] == '-' {
			t.TZ = -t.TZ
		}
		s = s[:i]
	}
	parts := strings.Split(s, ":")
	if len(parts) > 3 {
		return t, false
	}
	var ok bool
	if t.Hour, ok = atoiN(parts[0], 2); !ok || t.Hour > 23 {
		return t, false
	}
	t.Prec = pHour
	if len(parts) > 1 {
		if t.Minute, ok = atoiN(parts[1], 2); !ok || t.Minute > 59 {
			return t, false
		}
		t.Prec = pMinute
	}
	if len(parts) > 2 {
		sec := parts[2]
		frac := ""
		if i := strings.IndexByte(sec, '.'); i >= 0 {
			sec, frac = sec[:i], sec[i+1:]
			if frac == "" {
				return t, false
			}
		}
		if t.Second, ok = atoiN(sec, 2); !ok || t.Second > 59 {
			return t, false
		}
		t.Prec = pSecond
		if frac != "" {
			for _, c := range frac {
				if c < '0' || c > '9' {
					return t, false
				}
			}
			t.msDigits = len(frac)
			f := (frac + "000")[:3]
			t.Milli, _ = strconv.Atoi(f)
			t.Prec = pMilli
		}
	}
	return t, true
}

func (t Temporal) String() string {
	var b strings.Builder
	if t.Kind != kTime {
		fmt.Fprintf(&b, "%04d", t.Year)
		if t.Prec >= pMonth {
			fmt.Fprintf(&b, "-%02d", t.Month)
		}
		if t.Prec >= pDay {
			fmt.Fprintf(&b, "-%02d", t.Day)
		}
		if t.Kind == kDate || t.Prec <= pDay {
			return b.String()
		}
		b.WriteString("T")
	}
	fmt.Fprintf(&b, "%02d", t.Hour)
	if t.Prec >= pMinute {
		fmt.Fprintf(&b, ":%02d", t.Minute)
	}
	if t.Prec >= pSecond {
		fmt.Fprintf(&b, ":%02d", t.Second)
	}
	if t.Prec >= pMilli {
		fmt.Fprintf(&b, ".%03d", t.Milli)
	}
	if t.HasTZ && t.Kind == kDateTime {
		if t.TZ == 0 {
			b.WriteString("Z")
		} else {
			tz := t.TZ
			sign := "+"
			if tz < 0 {
				sign, tz = "-", -tz
			}
			fmt.Fprintf(&b, "%s%02d:%02d", sign, tz/60, tz%60)
		}
	}
	return b.String()
}

// goTime returns t as a time.Time (missing parts defaulted, UTC when no zone).
func (t Temporal) goTime() time.Time {
	loc := time.UTC
	if t.HasTZ && t.TZ != 0 {
		loc = time.FixedZone("", t.TZ*60)
	}
	y, m, d := t.Year, t.Month, t.Day
	if t.Kind == kTime {
		y, m, d = 1970, 1, 1
	}
	if m == 0 {
		m = 1
	}
	if d == 0 {
		d = 1
	}
	return time.Date(y, time.Month(m), d, t.Hour, t.Minute, t.Second, t.Milli*1e6, loc)
}

func fromGoTime(g time.Time, like Temporal) Temporal {
	r := like
	r.Year, r.Month, r.Day = g.Year(), int(g.Month()), g.Day()
	r.Hour, r.Minute, r.Second, r.Milli = g.Hour(), g.Minute(), g.Second(), g.Nanosecond()/1e6
	return r
}

// typeName gives the FHIRPath type of a system value, as type() reports it.
func typeName(v Value) (ns, name string) {
	switch x := v.(type) {
	case Boolean:
		return "System", "Boolean"
	case Integer:
		return "System", "Integer"
	case Decimal:
		return "System", "Decimal"
	case String:
		return "System", "String"
	case Quantity:
		return "System", "Quantity"
	case Temporal:
		switch x.Kind {
		case kDate:
			return "System", "Date"
		case kTime:
			return "System", "Time"
		}
		return "System", "DateTime"
	case *Node:
		return "FHIR", x.Type
	}
	return "System", "Any"
}
