package fhirpath

import (
	"encoding/json"
	"math"
	"strings"
	"time"
)

// isType reports whether v is of the named type (ns may be "", "System" or "FHIR").
func (c *evalCtx) isType(v Value, ns, name string) bool {
	if nd, ok := v.(*Node); ok {
		if ns == "System" || nd.Type == "" {
			return false
		}
		if nd.Type == name {
			return true
		}
		if nd.Type == "BackboneElement" && (name == "BackboneElement" || name == "Element") {
			return true
		}
		return c.spec.Type(nd.Type) != nil && c.spec.IsA(nd.Type, name)
	}
	if ns == "FHIR" {
		return false
	}
	_, tn := typeName(v)
	return tn == name
}

type tempParts struct {
	p    [6]int // year, month, day, hour, minute, millisecond-of-minute
	prec int    // index of the last present part
	kind int
}

func normTemporal(t Temporal) tempParts {
	if t.HasTZ && t.Kind == kDateTime && t.Prec >= pHour {
		g := t.goTime().UTC()
		t = fromGoTime(g, t)
	}
	var r tempParts
	r.kind = t.Kind
	r.p = [6]int{t.Year, t.Month, t.Day, t.Hour, t.Minute, t.Second*1000 + t.Milli}
	r.prec = t.Prec - 1
	if r.prec > 5 {
		r.prec = 5
	}
	if t.Kind == kTime {
		r.p[0], r.p[1], r.p[2] = 0, 0, 0
	}
	return r
}

// compareTemporal returns the ordering of a and b; ok is false when the
// precisions differ and the common parts are equal (the answer is unknown).
func compareTemporal(a, b Temporal) (int, bool) {
	if (a.Kind == kTime) != (b.Kind == kTime) {
		return 0, false
	}
	if a.Kind == kDateTime && b.Kind == kDateTime && a.Prec >= pHour && b.Prec >= pHour && a.HasTZ != b.HasTZ {
		return 0, false
	}
	x, y := normTemporal(a), normTemporal(b)
	start := 0
	if a.Kind == kTime {
		start = 3
	}
	n := min(x.prec, y.prec)
	for i := start; i <= n; i++ {
		if x.p[i] != y.p[i] {
			if x.p[i] < y.p[i] {
				return -1, true
			}
			return 1, true
		}
	}
	if x.prec != y.prec {
		return 0, false
	}
	return 0, true
}

// units maps a unit to its dimension and factor to the dimension's base.
var units = map[string]struct {
	dim    string
	factor float64
}{
	"g": {"g", 1}, "mg": {"g", 1e-3}, "kg": {"g", 1e3}, "ug": {"g", 1e-6}, "[lb_av]": {"g", 453.59237},
	"m": {"m", 1}, "cm": {"m", 1e-2}, "mm": {"m", 1e-3}, "km": {"m", 1e3}, "[in_i]": {"m", 0.0254},
	"L": {"L", 1}, "mL": {"L", 1e-3}, "dL": {"L", 1e-1}, "l": {"L", 1},
	"s": {"s", 1}, "ms": {"s", 1e-3}, "min": {"s", 60}, "h": {"s", 3600}, "d": {"s", 86400}, "wk": {"s", 604800},
	"second": {"s", 1}, "millisecond": {"s", 1e-3}, "minute": {"s", 60}, "hour": {"s", 3600}, "day": {"s", 86400}, "week": {"s", 604800},
	"mo": {"mo", 1}, "month": {"mo", 1}, "a": {"mo", 12}, "year": {"mo", 12},
	"1": {"1", 1}, "": {"1", 1},
}

// quantityBase converts q to its dimension's base unit.
func quantityBase(q Quantity) (float64, string, bool) {
	u, ok := units[q.Unit]
	if !ok {
		return q.Value.F, q.Unit, true
	}
	return q.Value.F * u.factor, u.dim, true
}

func compareQuantity(a, b Quantity) (int, bool) {
	av, ad, _ := quantityBase(a)
	bv, bd, _ := quantityBase(b)
	if ad != bd {
		return 0, false
	}
	return cmpFloat(av, bv), true
}

func cmpFloat(a, b float64) int {
	if math.Abs(a-b) <= 1e-9*math.Max(1, math.Max(math.Abs(a), math.Abs(b))) {
		return 0
	}
	if a < b {
		return -1
	}
	return 1
}

// compare orders two system values; ok is false when the order is unknown.
func (c *evalCtx) compare(a, b Value) (int, bool, error) {
	a, b = c.prim(a), c.prim(b)
	switch x := a.(type) {
	case Integer:
		switch y := b.(type) {
		case Integer:
			return cmpFloat(float64(x), float64(y)), true, nil
		case Decimal:
			return cmpFloat(float64(x), y.F), true, nil
		case Quantity:
			return compareQuantityErr(Quantity{toDec(x), "1"}, y)
		}
	case Decimal:
		switch y := b.(type) {
		case Integer:
			return cmpFloat(x.F, float64(y)), true, nil
		case Decimal:
			return cmpFloat(x.F, y.F), true, nil
		case Quantity:
			return compareQuantityErr(Quantity{x, "1"}, y)
		}
	case String:
		if y, ok := b.(String); ok {
			return strings.Compare(string(x), string(y)), true, nil
		}
	case Temporal:
		if y, ok := b.(Temporal); ok {
			r, ok := compareTemporal(x, y)
			return r, ok, nil
		}
		if y, ok := b.(String); ok {
			if t, ok := parseDateTimeLiteral(string(y)); ok {
				r, ok := compareTemporal(x, t)
				return r, ok, nil
			}
		}
	case Quantity:
		switch y := b.(type) {
		case Quantity:
			return compareQuantityErr(x, y)
		case Integer, Decimal:
			return compareQuantityErr(x, Quantity{toDec(y), "1"})
		}
	}
	return 0, false, evalErr("cannot compare %T with %T", a, b)
}

func compareQuantityErr(a, b Quantity) (int, bool, error) {
	r, ok := compareQuantity(a, b)
	return r, ok, nil
}

// valEqual implements = for two items; ok is false when unknown.
func (c *evalCtx) valEqual(a, b Value) (bool, bool) {
	a, b = c.prim(a), c.prim(b)
	switch x := a.(type) {
	case Boolean:
		y, ok := b.(Boolean)
		return ok && x == y, true
	case String:
		y, ok := b.(String)
		return ok && x == y, true
	case Integer, Decimal:
		switch b.(type) {
		case Integer, Decimal:
			return cmpFloat(toDec(a).F, toDec(b).F) == 0, true
		case Quantity:
			r, ok := compareQuantity(Quantity{toDec(a), "1"}, b.(Quantity))
			return ok && r == 0, true
		}
		return false, true
	case Temporal:
		y, ok := b.(Temporal)
		if !ok {
			return false, true
		}
		if (x.Kind == kTime) != (y.Kind == kTime) {
			return false, true
		}
		r, ok := compareTemporal(x, y)
		if !ok {
			return false, false
		}
		return r == 0, true
	case Quantity:
		var y Quantity
		switch v := b.(type) {
		case Quantity:
			y = v
		case Integer, Decimal:
			y = Quantity{toDec(v), "1"}
		default:
			return false, true
		}
		if isCalendarVague(x.Unit) != isCalendarVague(y.Unit) {
			return false, false
		}
		r, ok := compareQuantity(x, y)
		if !ok {
			return false, false
		}
		return r == 0, true
	case *Node:
		y, ok := b.(*Node)
		if !ok {
			return false, true
		}
		return jsonEqual(x.Data, y.Data, false), true
	}
	return false, true
}

// isCalendarVague reports calendar durations (year, month) that have no
// fixed UCUM equivalent.
func isCalendarVague(u string) bool { return u == "year" || u == "month" }

func jsonEqual(a, b any, equiv bool) bool {
	switch x := a.(type) {
	case map[string]any:
		y, ok := b.(map[string]any)
		if !ok {
			return false
		}
		n := 0
		for k, v := range x {
			if equiv && k == "id" {
				continue
			}
			n++
			if !jsonEqual(v, y[k], equiv) {
				return false
			}
		}
		m := 0
		for k := range y {
			if !(equiv && k == "id") {
				m++
			}
		}
		return n == m
	case []any:
		y, ok := b.([]any)
		if !ok || len(x) != len(y) {
			return false
		}
		for i := range x {
			if !jsonEqual(x[i], y[i], equiv) {
				return false
			}
		}
		return true
	case json.Number:
		y, ok := b.(json.Number)
		return ok && x == y
	case string:
		y, ok := b.(string)
		if equiv {
			return ok && normSpace(x) == normSpace(y)
		}
		return ok && x == y
	}
	return a == b
}

func normSpace(s string) string { return strings.ToLower(strings.Join(strings.Fields(s), " ")) }

// valEquiv implements ~ for two items.
func (c *evalCtx) valEquiv(a, b Value) bool {
	a, b = c.prim(a), c.prim(b)
	switch x := a.(type) {
	case String:
		y, ok := b.(String)
		return ok && normSpace(string(x)) == normSpace(string(y))
	case Integer, Decimal:
		switch b.(type) {
		case Integer, Decimal:
			p := min(decScale(a), decScale(b))
			return roundTo(toDec(a).F, p) == roundTo(toDec(b).F, p)
		}
		return false
	case Temporal:
		y, ok := b.(Temporal)
		if !ok {
			return false
		}
		r, ok := compareTemporal(x, y)
		return ok && r == 0
	case Quantity:
		y, ok := b.(Quantity)
		if !ok {
			return false
		}
		xv, xd, _ := quantityBase(x)
		yv, yd, _ := quantityBase(y)
		if xd != yd {
			return false
		}
		p := min(x.Value.Scale, y.Value.Scale)
		xf, yf := units[x.Unit].factor, units[y.Unit].factor
		if xf == 0 {
			xf = 1
		}
		if yf == 0 {
			yf = 1
		}
		// compare in the larger unit at the coarser precision
		f := math.Max(xf, yf)
		return roundTo(xv/f, p) == roundTo(yv/f, p)
	case *Node:
		y, ok := b.(*Node)
		return ok && jsonEqual(x.Data, y.Data, true)
	}
	eq, _ := c.valEqual(a, b)
	return eq
}

func decScale(v Value) int {
	if d, ok := v.(Decimal); ok {
		return d.Scale
	}
	return 0
}

func roundTo(f float64, p int) float64 {
	m := math.Pow(10, float64(p))
	return math.Round(f*m) / m
}

// collEqual implements = on collections; ok is false when the result is empty.
func (c *evalCtx) collEqual(l, r Collection) (bool, bool) {
	if len(l) == 0 || len(r) == 0 {
		return false, false
	}
	if len(l) != len(r) {
		return false, true
	}
	unknown := false
	for i := range l {
		eq, ok := c.valEqual(l[i], r[i])
		if !ok {
			unknown = true
			continue
		}
		if !eq {
			return false, true
		}
	}
	return true, !unknown
}

// collEquiv implements ~ on collections: order does not matter.
func (c *evalCtx) collEquiv(l, r Collection) bool {
	if len(l) != len(r) {
		return false
	}
	used := make([]bool, len(r))
	for _, a := range l {
		found := false
		for j, b := range r {
			if !used[j] && c.valEquiv(a, b) {
				used[j], found = true, true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}

// arith implements + - * / div mod on two system values; nil means empty.
func arith(op string, a, b Value) (Value, error) {
	switch x := a.(type) {
	case Integer:
		if y, ok := b.(Integer); ok {
			switch op {
			case "+":
				return x + y, nil
			case "-":
				return x - y, nil
			case "*":
				return x * y, nil
			case "div":
				if y == 0 {
					return nil, nil
				}
				return x / y, nil
			case "mod":
				if y == 0 {
					return nil, nil
				}
				return x % y, nil
			}
		}
	case String:
		if y, ok := b.(String); ok && op == "+" {
			return x + y, nil
		}
		return nil, evalErr("cannot apply %s to String", op)
	case Temporal:
		if y, ok := b.(Quantity); ok && (op == "+" || op == "-") {
			if op == "-" {
				y.Value.F = -y.Value.F
			}
			return addDuration(x, y)
		}
		return nil, evalErr("cannot apply %s to a date/time", op)
	case Quantity:
		switch y := b.(type) {
		case Quantity:
			switch op {
			case "+", "-":
				yv, yd, _ := quantityBase(y)
				_, xd, _ := quantityBase(x)
				if xd != yd {
					return nil, nil
				}
				f := units[x.Unit].factor
				if f == 0 {
					f = 1
				}
				v := yv / f
				if op == "-" {
					v = -v
				}
				return Quantity{Decimal{F: x.Value.F + v, Scale: max(x.Value.Scale, y.Value.Scale)}, x.Unit}, nil
			case "*":
				if ux, ok := units[x.Unit]; ok && x.Unit != "1" {
					if uy, ok := units[y.Unit]; ok && ux.dim == uy.dim {
						// same dimension: multiply in the base unit (cm * m is m2)
						v := x.Value.F * ux.factor * y.Value.F * uy.factor
						return Quantity{roundedDec(v, x.Value.Scale+y.Value.Scale+4), ux.dim + "2"}, nil
					}
				}
				return Quantity{Decimal{F: x.Value.F * y.Value.F, Scale: x.Value.Scale + y.Value.Scale}, mulUnit(x.Unit, y.Unit, ".")}, nil
			case "/":
				if y.Value.F == 0 {
					return nil, nil
				}
				if x.Unit == y.Unit {
					return Quantity{Decimal{F: x.Value.F / y.Value.F, Scale: 8, inexact: true}, "1"}, nil
				}
				return Quantity{Decimal{F: x.Value.F / y.Value.F, Scale: 8, inexact: true}, mulUnit(x.Unit, y.Unit, "/")}, nil
			}
		case Integer, Decimal:
			d := toDec(y)
			switch op {
			case "*":
				return Quantity{Decimal{F: x.Value.F * d.F, Scale: x.Value.Scale + d.Scale}, x.Unit}, nil
			case "/":
				if d.F == 0 {
					return nil, nil
				}
				return Quantity{Decimal{F: x.Value.F / d.F, Scale: 8, inexact: true}, x.Unit}, nil
			}
		}
		return nil, evalErr("cannot apply %s to Quantity", op)
	}
	if q, ok := b.(Quantity); ok && op == "*" {
		return arith(op, q, a)
	}
	xd, ok1 := numOf(a)
	yd, ok2 := numOf(b)
	if !ok1 || !ok2 {
		return nil, evalErr("cannot apply %s to %T and %T", op, a, b)
	}
	switch op {
	case "+":
		return roundedDec(xd.F+yd.F, max(xd.Scale, yd.Scale)), nil
	case "-":
		return roundedDec(xd.F-yd.F, max(xd.Scale, yd.Scale)), nil
	case "*":
		return roundedDec(xd.F*yd.F, xd.Scale+yd.Scale), nil
	case "/":
		if yd.F == 0 {
			return nil, nil
		}
		return Decimal{F: xd.F / yd.F, Scale: 8, inexact: true}, nil
	case "div":
		if yd.F == 0 {
			return nil, nil
		}
		return Integer(math.Trunc(xd.F / yd.F)), nil
	case "mod":
		if yd.F == 0 {
			return nil, nil
		}
		return roundedDec(math.Mod(xd.F, yd.F), max(xd.Scale, yd.Scale)), nil
	}
	return nil, evalErr("unknown operator %s", op)
}

// roundedDec drops the binary noise of float arithmetic below the scale
// the operands were written with (1.8 - 1.2 is 0.6, not 0.6000000000000001).
func roundedDec(f float64, scale int) Decimal {
	if scale <= 15 {
		f = roundTo(f, scale)
	}
	return Decimal{F: f, Scale: scale}
}

func mulUnit(a, b, sep string) string {
	if a == "1" || a == "" {
		return b
	}
	if b == "1" || b == "" {
		return a
	}
	if a == b && sep == "." {
		return a + "2"
	}
	return a + sep + b
}

func numOf(v Value) (Decimal, bool) {
	switch x := v.(type) {
	case Integer:
		return Decimal{F: float64(x), Scale: 0}, true
	case Decimal:
		return x, true
	}
	return Decimal{}, false
}

var ucumToCalendar = map[string]string{"wk": "week", "d": "day", "h": "hour", "min": "minute", "s": "second", "ms": "millisecond"}

// addDuration adds a time-valued quantity to a date, dateTime or time.
func addDuration(t Temporal, q Quantity) (Value, error) {
	unit := q.Unit
	if cu, ok := ucumToCalendar[unit]; ok {
		unit = cu
	}
	g := t.goTime()
	n := int(q.Value.F) // calendar arithmetic uses whole units
	switch unit {
	case "year":
		g = g.AddDate(n, 0, 0)
	case "month":
		g = g.AddDate(0, n, 0)
	case "week":
		g = g.AddDate(0, 0, 7*n)
	case "day":
		g = g.AddDate(0, 0, n)
	case "hour", "minute", "second", "millisecond":
		if t.Kind == kDate {
			return nil, evalErr("cannot add %s to a Date", unit)
		}
		d := map[string]time.Duration{"hour": time.Hour, "minute": time.Minute, "second": time.Second, "millisecond": time.Millisecond}[unit]
		g = g.Add(time.Duration(math.Trunc(q.Value.F)) * d)
	default:
		return nil, evalErr("cannot add a quantity in %q to a date/time", q.Unit)
	}
	return fromGoTime(g, t), nil
}

var systemTypes = map[string]bool{"Boolean": true, "Integer": true, "Decimal": true, "String": true, "Date": true, "DateTime": true, "Time": true, "Quantity": true, "Any": true}

// checkType rejects type names neither FHIR nor System defines.
func (c *evalCtx) checkType(ns, name string) error {
	if (ns == "" || ns == "System") && systemTypes[name] {
		return nil
	}
	if (ns == "" || ns == "FHIR") && c.spec.Type(name) != nil {
		return nil
	}
	return evalErr("unknown type %s", name)
}

// isExactType is the test of as() and ofType(): a primitive must be of the
// named type itself (a code is not "as(string)"); complex types may be
// specializations (an Age is a Quantity).
func (c *evalCtx) isExactType(v Value, ns, name string) bool {
	if nd, ok := v.(*Node); ok && nd.Type != "" && c.spec.Primitive(nd.Type) != nil {
		return (ns == "" || ns == "FHIR") && nd.Type == name
	}
	return c.isType(v, ns, name)
}
