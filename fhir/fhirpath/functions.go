package fhirpath

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"
)

type fnImpl func(c *evalCtx, focus Collection, args []node) (Collection, error)

type fnDef struct {
	minArgs, maxArgs int
	impl             fnImpl
}

var functions map[string]fnDef

func (n *callNode) eval(c *evalCtx, focus Collection) (Collection, error) {
	f, ok := functions[n.name]
	if !ok {
		return nil, evalErr("unknown function %s()", n.name)
	}
	if len(n.args) < f.minArgs || len(n.args) > f.maxArgs {
		return nil, evalErr("%s() takes %d to %d arguments, got %d", n.name, f.minArgs, f.maxArgs, len(n.args))
	}
	if err := c.step(1); err != nil {
		return nil, err
	}
	return f.impl(c, focus, n.args)
}

// arg evaluates a plain argument against the enclosing $this.
func (c *evalCtx) arg(a node) (Collection, error) { return a.eval(c, c.thisCol) }

// lambda evaluates a with $this set to item.
func (c *evalCtx) lambda(a node, item Value, i int) (Collection, error) {
	sub := *c
	sub.thisCol = Collection{item}
	sub.index = i
	return a.eval(&sub, sub.thisCol)
}

var (
	cTrue  = Collection{Boolean(true)}
	cFalse = Collection{Boolean(false)}
)

func boolColl(b bool) Collection {
	if b {
		return cTrue
	}
	return cFalse
}

// singleString returns the focus as a string; ok false when empty.
func (c *evalCtx) singleString(x Collection, fn string) (string, bool, error) {
	v, ok, err := c.singleton(x)
	if err != nil || !ok {
		return "", false, err
	}
	s, isS := v.(String)
	if !isS {
		return "", false, evalErr("%s() needs a string, got %T", fn, v)
	}
	return string(s), true, nil
}

func (c *evalCtx) argString(a node, fn string) (string, bool, error) {
	x, err := c.arg(a)
	if err != nil {
		return "", false, err
	}
	return c.singleString(x, fn)
}

func (c *evalCtx) argInt(a node, fn string) (int, bool, error) {
	x, err := c.arg(a)
	if err != nil {
		return 0, false, err
	}
	v, ok, err := c.singleton(x)
	if err != nil || !ok {
		return 0, false, err
	}
	i, isI := v.(Integer)
	if !isI {
		return 0, false, evalErr("%s() needs an integer argument", fn)
	}
	return int(i), true, nil
}

// typeArg reads a type specifier argument of is(), as(), ofType().
func typeArg(a node) (ns, name string, err error) {
	switch x := a.(type) {
	case *termNode:
		return typeArg(x.x)
	case *memberNode:
		return "", x.name, nil
	case *dotNode:
		l, ok1 := x.left.(*termNode)
		r, ok2 := x.right.(*memberNode)
		if ok1 && ok2 {
			if m, ok := l.x.(*memberNode); ok {
				return m.name, r.name, nil
			}
		}
	case *typeNode:
		return x.ns, x.name, nil
	}
	return "", "", evalErr("expected a type name")
}

func init() {
	functions = map[string]fnDef{
		"empty":    {0, 0, func(c *evalCtx, f Collection, a []node) (Collection, error) { return boolColl(len(f) == 0), nil }},
		"exists":   {0, 1, fnExists},
		"all":      {1, 1, fnAll},
		"allTrue":  {0, 0, boolAgg(true, true)},
		"anyTrue":  {0, 0, boolAgg(false, true)},
		"allFalse": {0, 0, boolAgg(true, false)},
		"anyFalse": {0, 0, boolAgg(false, false)},
		"subsetOf": {1, 1, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			o, err := c.arg(a[0])
			return boolColl(c.subset(f, o)), err
		}},
		"supersetOf": {1, 1, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			o, err := c.arg(a[0])
			return boolColl(c.subset(o, f)), err
		}},
		"count":    {0, 0, func(c *evalCtx, f Collection, a []node) (Collection, error) { return Collection{Integer(len(f))}, nil }},
		"distinct": {0, 0, func(c *evalCtx, f Collection, a []node) (Collection, error) { return c.union(f, nil), nil }},
		"isDistinct": {0, 0, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			return boolColl(len(c.union(f, nil)) == len(f)), nil
		}},
		"where":  {1, 1, fnWhere},
		"select": {1, 1, fnSelect},
		"repeat": {1, 1, fnRepeat},
		"ofType": {1, 1, fnOfType},
		"is": {1, 1, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			ns, name, err := typeArg(a[0])
			if err != nil || len(f) == 0 {
				return nil, err
			}
			if len(f) > 1 {
				return nil, evalErr("is() on %d items", len(f))
			}
			return boolColl(c.isType(f[0], ns, name)), nil
		}},
		"as": {1, 1, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			ns, name, err := typeArg(a[0])
			if err != nil || len(f) == 0 {
				return nil, err
			}
			if len(f) > 1 {
				return nil, evalErr("as() on %d items", len(f))
			}
			if err := c.checkType(ns, name); err != nil {
				return nil, err
			}
			if c.isExactType(f[0], ns, name) {
				return f, nil
			}
			return nil, nil
		}},
		"single": {0, 0, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			if len(f) > 1 {
				return nil, evalErr("single() on %d items", len(f))
			}
			return f, nil
		}},
		"first": {0, 0, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			if len(f) == 0 {
				return nil, nil
			}
			return f[:1], nil
		}},
		"last": {0, 0, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			if len(f) == 0 {
				return nil, nil
			}
			return f[len(f)-1:], nil
		}},
		"tail": {0, 0, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			if len(f) < 2 {
				return nil, nil
			}
			return f[1:], nil
		}},
		"skip": {1, 1, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			n, ok, err := c.argInt(a[0], "skip")
			if err != nil || !ok {
				return nil, err
			}
			if n <= 0 {
				return f, nil
			}
			if n >= len(f) {
				return nil, nil
			}
			return f[n:], nil
		}},
		"take": {1, 1, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			n, ok, err := c.argInt(a[0], "take")
			if err != nil || !ok || n <= 0 {
				return nil, err
			}
			if n >= len(f) {
				return f, nil
			}
			return f[:n], nil
		}},
		"intersect": {1, 1, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			o, err := c.arg(a[0])
			var out Collection
			for _, v := range c.union(f, nil) {
				if c.member(v, o) {
					out = append(out, v)
				}
			}
			return out, err
		}},
		"exclude": {1, 1, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			o, err := c.arg(a[0])
			var out Collection
			for _, v := range f {
				if !c.member(v, o) {
					out = append(out, v)
				}
			}
			return out, err
		}},
		"union": {1, 1, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			o, err := c.arg(a[0])
			return c.union(f, o), err
		}},
		"combine": {1, 1, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			o, err := c.arg(a[0])
			return append(append(Collection{}, f...), o...), err
		}},
		"iif":                {2, 3, fnIif},
		"not":                {0, 0, fnNot},
		"toBoolean":          {0, 0, convFn(toBoolean, false)},
		"convertsToBoolean":  {0, 0, convFn(toBoolean, true)},
		"toInteger":          {0, 0, convFn(toInteger, false)},
		"convertsToInteger":  {0, 0, convFn(toInteger, true)},
		"toDecimal":          {0, 0, convFn(toDecimal, false)},
		"convertsToDecimal":  {0, 0, convFn(toDecimal, true)},
		"toString":           {0, 0, convFn(toStringV, false)},
		"convertsToString":   {0, 0, convFn(toStringV, true)},
		"toDate":             {0, 0, convFn(toDate, false)},
		"convertsToDate":     {0, 0, convFn(toDate, true)},
		"toDateTime":         {0, 0, convFn(toDateTime, false)},
		"convertsToDateTime": {0, 0, convFn(toDateTime, true)},
		"toTime":             {0, 0, convFn(toTime, false)},
		"convertsToTime":     {0, 0, convFn(toTime, true)},
		"toQuantity":         {0, 1, fnToQuantity(false)},
		"convertsToQuantity": {0, 1, fnToQuantity(true)},
		"indexOf": {1, 1, strFn(func(s string, a []string) (Collection, error) {
			return Collection{Integer(utf8.RuneCountInString(s[:max(0, strings.Index(s, a[0]))]) + btoi(strings.Index(s, a[0]) < 0)*-1)}, nil
		})},
		"substring":  {1, 2, fnSubstring},
		"startsWith": {1, 1, strFn(func(s string, a []string) (Collection, error) { return boolColl(strings.HasPrefix(s, a[0])), nil })},
		"endsWith":   {1, 1, strFn(func(s string, a []string) (Collection, error) { return boolColl(strings.HasSuffix(s, a[0])), nil })},
		"contains":   {1, 1, strFn(func(s string, a []string) (Collection, error) { return boolColl(strings.Contains(s, a[0])), nil })},
		"upper":      {0, 0, strFn(func(s string, a []string) (Collection, error) { return Collection{String(strings.ToUpper(s))}, nil })},
		"lower":      {0, 0, strFn(func(s string, a []string) (Collection, error) { return Collection{String(strings.ToLower(s))}, nil })},
		"trim":       {0, 0, strFn(func(s string, a []string) (Collection, error) { return Collection{String(strings.TrimSpace(s))}, nil })},
		"replace": {2, 2, strFn(func(s string, a []string) (Collection, error) {
			return Collection{String(strings.ReplaceAll(s, a[0], a[1]))}, nil
		})},
		"length": {0, 0, strFn(func(s string, a []string) (Collection, error) {
			return Collection{Integer(utf8.RuneCountInString(s))}, nil
		})},
		"toChars":        {0, 0, strFn(fnToChars)},
		"matches":        {1, 1, strFn(fnMatches)},
		"matchesFull":    {1, 1, strFn(fnMatchesFull)},
		"escape":         {1, 1, strFn(fnEscape)},
		"unescape":       {1, 1, strFn(fnUnescape)},
		"replaceMatches": {2, 2, strFn(fnReplaceMatches)},
		"split": {1, 1, strFn(func(s string, a []string) (Collection, error) {
			var out Collection
			for _, p := range strings.Split(s, a[0]) {
				out = append(out, String(p))
			}
			return out, nil
		})},
		"join":        {0, 1, fnJoin},
		"encode":      {1, 1, strFn(fnEncode)},
		"decode":      {1, 1, strFn(fnDecode)},
		"abs":         {0, 0, mathFn("abs", math.Abs, true)},
		"ceiling":     {0, 0, mathFn("ceiling", math.Ceil, false)},
		"floor":       {0, 0, mathFn("floor", math.Floor, false)},
		"truncate":    {0, 0, mathFn("truncate", math.Trunc, false)},
		"exp":         {0, 0, mathFn("exp", math.Exp, true)},
		"ln":          {0, 0, mathFn("ln", math.Log, true)},
		"sqrt":        {0, 0, mathFn("sqrt", math.Sqrt, true)},
		"log":         {1, 1, fnLog},
		"power":       {1, 1, fnPower},
		"round":       {0, 1, fnRound},
		"children":    {0, 0, fnChildren},
		"descendants": {0, 0, fnDescendants},
		"trace": {1, 2, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			return f, nil
		}},
		"now": {0, 0, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			_, off := c.now.Zone()
			return Collection{Temporal{Kind: kDateTime, Year: c.now.Year(), Month: int(c.now.Month()), Day: c.now.Day(), Hour: c.now.Hour(), Minute: c.now.Minute(), Second: c.now.Second(), Milli: c.now.Nanosecond() / 1e6, Prec: pMilli, HasTZ: true, TZ: off / 60}}, nil
		}},
		"today": {0, 0, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			return Collection{Temporal{Kind: kDate, Year: c.now.Year(), Month: int(c.now.Month()), Day: c.now.Day(), Prec: pDay}}, nil
		}},
		"timeOfDay": {0, 0, func(c *evalCtx, f Collection, a []node) (Collection, error) {
			return Collection{Temporal{Kind: kTime, Hour: c.now.Hour(), Minute: c.now.Minute(), Second: c.now.Second(), Milli: c.now.Nanosecond() / 1e6, Prec: pMilli}}, nil
		}},
		"type":         {0, 0, fnType},
		"extension":    {1, 1, fnExtension},
		"hasValue":     {0, 0, fnHasValue},
		"getValue":     {0, 0, fnGetValue},
		"resolve":      {0, 0, fnResolve},
		"conformsTo":   {1, 1, fnConformsTo},
		"memberOf":     {1, 1, fnUnsupported("memberOf")},
		"subsumes":     {1, 1, fnUnsupported("subsumes")},
		"subsumedBy":   {1, 1, fnUnsupported("subsumedBy")},
		"htmlChecks":   {0, 0, func(c *evalCtx, f Collection, a []node) (Collection, error) { return cTrue, nil }},
		"aggregate":    {1, 2, fnAggregate},
		"precision":    {0, 0, fnPrecision},
		"lowBoundary":  {0, 1, boundaryFn(false)},
		"highBoundary": {0, 1, boundaryFn(true)},
		"sort":         {0, 9, fnSort},
		"comparable":   {1, 1, fnComparable},
	}
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func fnUnsupported(name string) fnImpl {
	return func(c *evalCtx, f Collection, a []node) (Collection, error) {
		return nil, evalErr("%s() is not supported", name)
	}
}

func fnExists(c *evalCtx, f Collection, a []node) (Collection, error) {
	if len(a) == 0 {
		return boolColl(len(f) > 0), nil
	}
	w, err := fnWhere(c, f, a)
	return boolColl(len(w) > 0), err
}

func fnAll(c *evalCtx, f Collection, a []node) (Collection, error) {
	for i, v := range f {
		r, err := c.lambda(a[0], v, i)
		if err != nil {
			return nil, err
		}
		b, ok, err := c.boolOf(r)
		if err != nil {
			return nil, err
		}
		if !ok || !b {
			return cFalse, nil
		}
	}
	return cTrue, nil
}

// boolAgg builds allTrue (all, true), anyTrue (any, true) and so on.
func boolAgg(all, want bool) fnImpl {
	return func(c *evalCtx, f Collection, a []node) (Collection, error) {
		for _, v := range f {
			b, ok := c.prim(v).(Boolean)
			if !ok {
				return nil, evalErr("expected booleans")
			}
			if all && bool(b) != want {
				return cFalse, nil
			}
			if !all && bool(b) == want {
				return cTrue, nil
			}
		}
		return boolColl(all), nil
	}
}

func (c *evalCtx) member(v Value, coll Collection) bool {
	for _, o := range coll {
		if eq, ok := c.valEqual(v, o); ok && eq {
			return true
		}
	}
	return false
}

func (c *evalCtx) subset(a, b Collection) bool {
	for _, v := range a {
		if !c.member(v, b) {
			return false
		}
	}
	return true
}

func fnWhere(c *evalCtx, f Collection, a []node) (Collection, error) {
	var out Collection
	for i, v := range f {
		r, err := c.lambda(a[0], v, i)
		if err != nil {
			return nil, err
		}
		b, ok, err := c.boolOf(r)
		if err != nil {
			return nil, err
		}
		if ok && b {
			out = append(out, v)
		}
	}
	return out, nil
}

func fnSelect(c *evalCtx, f Collection, a []node) (Collection, error) {
	var out Collection
	for i, v := range f {
		r, err := c.lambda(a[0], v, i)
		if err != nil {
			return nil, err
		}
		out = append(out, r...)
		if err := c.step(len(r)); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// maxRepeat bounds repeat(), whose duplicate check is quadratic, for
// expressions that keep producing new values ($this + 1).
const maxRepeat = 10_000

func fnRepeat(c *evalCtx, f Collection, a []node) (Collection, error) {
	var out Collection
	queue := f
	for len(queue) > 0 {
		var next Collection
		for i, v := range queue {
			r, err := c.lambda(a[0], v, i)
			if err != nil {
				return nil, err
			}
			for _, x := range r {
				if !c.member(x, out) {
					out = append(out, x)
					next = append(next, x)
				}
			}
			if len(out) > maxRepeat {
				return nil, evalErr("repeat() produced more than %d items", maxRepeat)
			}
			if err := c.step(len(r) + 1); err != nil {
				return nil, err
			}
		}
		queue = next
	}
	return out, nil
}

func fnOfType(c *evalCtx, f Collection, a []node) (Collection, error) {
	ns, name, err := typeArg(a[0])
	if err != nil {
		return nil, err
	}
	if err := c.checkType(ns, name); err != nil {
		return nil, err
	}
	var out Collection
	for _, v := range f {
		if c.isExactType(v, ns, name) {
			out = append(out, v)
		}
	}
	return out, nil
}

func fnIif(c *evalCtx, f Collection, a []node) (Collection, error) {
	if len(f) > 1 {
		return nil, evalErr("iif() on a collection of %d items", len(f))
	}
	if len(f) == 1 {
		sub := *c
		sub.thisCol = f
		c = &sub
	}
	cond, err := c.arg(a[0])
	if err != nil {
		return nil, err
	}
	if len(cond) > 1 {
		return nil, evalErr("iif() criterion has %d items", len(cond))
	}
	var b, ok bool
	if len(cond) == 1 {
		v, isB := c.prim(cond[0]).(Boolean)
		if !isB {
			return nil, evalErr("iif() criterion is not a boolean")
		}
		b, ok = bool(v), true
	}
	if ok && b {
		return c.arg(a[1])
	}
	if len(a) == 3 {
		return c.arg(a[2])
	}
	return nil, nil
}

func fnNot(c *evalCtx, f Collection, a []node) (Collection, error) {
	b, ok, err := c.boolOf(f)
	if err != nil || !ok {
		return nil, err
	}
	return boolColl(!b), nil
}

func strFn(fn func(s string, args []string) (Collection, error)) fnImpl {
	return func(c *evalCtx, f Collection, a []node) (Collection, error) {
		if len(f) > 1 {
			return nil, evalErr("string function on %d items", len(f))
		}
		if len(f) == 1 {
			if _, isS := c.prim(f[0]).(String); !isS {
				return nil, evalErr("string function on a non-string")
			}
		}
		s, ok, err := c.singleString(f, "string function")
		if err != nil {
			return nil, err
		}
		args := make([]string, len(a))
		for i, x := range a {
			v, aok, err := c.argString(x, "string function")
			if err != nil {
				return nil, err
			}
			if !aok {
				return nil, nil
			}
			args[i] = v
		}
		if !ok {
			return nil, nil
		}
		return fn(s, args)
	}
}

func fnSubstring(c *evalCtx, f Collection, a []node) (Collection, error) {
	s, ok, err := c.singleString(f, "substring")
	if err != nil || !ok {
		return nil, err
	}
	start, ok, err := c.argInt(a[0], "substring")
	if err != nil || !ok {
		return nil, err
	}
	r := []rune(s)
	if start < 0 || start >= len(r) {
		return nil, nil
	}
	end := len(r)
	if len(a) == 2 {
		n, ok, err := c.argInt(a[1], "substring")
		if err != nil {
			return nil, err
		}
		if ok {
			if n < 0 {
				n = 0
			}
			end = min(len(r), start+n)
		}
	}
	return Collection{String(string(r[start:end]))}, nil
}

func fnToChars(s string, a []string) (Collection, error) {
	var out Collection
	for _, r := range s {
		out = append(out, String(string(r)))
	}
	return out, nil
}

func compileRegex(p string) (*regexp.Regexp, error) {
	re, err := regexp.Compile("(?s)" + p)
	if err != nil {
		return nil, evalErr("bad regular expression: %v", err)
	}
	return re, nil
}

func fnMatches(s string, a []string) (Collection, error) {
	re, err := compileRegex(a[0])
	if err != nil {
		return nil, err
	}
	return boolColl(re.MatchString(s)), nil
}

func fnMatchesFull(s string, a []string) (Collection, error) {
	re, err := compileRegex("^(?:" + a[0] + ")$")
	if err != nil {
		return nil, err
	}
	return boolColl(re.MatchString(s)), nil
}

func fnReplaceMatches(s string, a []string) (Collection, error) {
	if a[0] == "" {
		return Collection{String(s)}, nil
	}
	re, err := compileRegex(a[0])
	if err != nil {
		return nil, err
	}
	return Collection{String(re.ReplaceAllString(s, a[1]))}, nil
}

func fnJoin(c *evalCtx, f Collection, a []node) (Collection, error) {
	sep := ""
	if len(a) == 1 {
		s, _, err := c.argString(a[0], "join")
		if err != nil {
			return nil, err
		}
		sep = s
	}
	parts := make([]string, 0, len(f))
	for _, v := range f {
		s, ok := c.prim(v).(String)
		if !ok {
			return nil, evalErr("join() on a non-string")
		}
		parts = append(parts, string(s))
	}
	return Collection{String(strings.Join(parts, sep))}, nil
}

func (c *evalCtx) singleNumber(f Collection, fn string) (Value, bool, error) {
	v, ok, err := c.singleton(f)
	if err != nil || !ok {
		return nil, false, err
	}
	switch v.(type) {
	case Integer, Decimal, Quantity:
		return v, true, nil
	}
	return nil, false, evalErr("%s() needs a number", fn)
}

func mathFn(name string, fn func(float64) float64, keepType bool) fnImpl {
	return func(c *evalCtx, f Collection, a []node) (Collection, error) {
		v, ok, err := c.singleNumber(f, name)
		if err != nil || !ok {
			return nil, err
		}
		switch x := v.(type) {
		case Integer:
			if name == "abs" {
				if x < 0 {
					x = -x
				}
				return Collection{x}, nil
			}
			r := fn(float64(x))
			if !keepType {
				return Collection{Integer(r)}, nil
			}
			return numResult(r)
		case Decimal:
			r := fn(x.F)
			if name == "abs" {
				return Collection{Decimal{F: r, Scale: x.Scale}}, nil
			}
			if !keepType {
				return Collection{Integer(r)}, nil
			}
			return numResult(r)
		case Quantity:
			if name == "abs" {
				return Collection{Quantity{Decimal{F: math.Abs(x.Value.F), Scale: x.Value.Scale}, x.Unit}}, nil
			}
		}
		return nil, evalErr("%s() cannot take a quantity", name)
	}
}

func numResult(r float64) (Collection, error) {
	if math.IsNaN(r) || math.IsInf(r, 0) {
		return nil, nil
	}
	return Collection{Decimal{F: r, Scale: 8, inexact: true}}, nil
}

func (c *evalCtx) argNumber(a node, fn string) (float64, bool, error) {
	x, err := c.arg(a)
	if err != nil {
		return 0, false, err
	}
	v, ok, err := c.singleNumber(x, fn)
	if err != nil || !ok {
		return 0, false, err
	}
	d, _ := numOf(v)
	return d.F, true, nil
}

func fnLog(c *evalCtx, f Collection, a []node) (Collection, error) {
	v, ok, err := c.singleNumber(f, "log")
	if err != nil || !ok {
		return nil, err
	}
	b, ok, err := c.argNumber(a[0], "log")
	if err != nil || !ok {
		return nil, err
	}
	d, _ := numOf(v)
	return numResult(math.Log(d.F) / math.Log(b))
}

func fnPower(c *evalCtx, f Collection, a []node) (Collection, error) {
	v, ok, err := c.singleNumber(f, "power")
	if err != nil || !ok {
		return nil, err
	}
	x, err := c.arg(a[0])
	if err != nil {
		return nil, err
	}
	e, ok, err := c.singleNumber(x, "power")
	if err != nil || !ok {
		return nil, err
	}
	bi, bInt := v.(Integer)
	ei, eInt := e.(Integer)
	if bInt && eInt && ei >= 0 {
		return Collection{Integer(math.Pow(float64(bi), float64(ei)))}, nil
	}
	bd, _ := numOf(v)
	ed, _ := numOf(e)
	return numResult(math.Pow(bd.F, ed.F))
}

func fnRound(c *evalCtx, f Collection, a []node) (Collection, error) {
	v, ok, err := c.singleNumber(f, "round")
	if err != nil || !ok {
		return nil, err
	}
	p := 0
	if len(a) == 1 {
		n, ok, err := c.argInt(a[0], "round")
		if err != nil || !ok {
			return nil, err
		}
		if n < 0 {
			return nil, evalErr("round() precision must not be negative")
		}
		p = n
	}
	d, _ := numOf(v)
	return Collection{Decimal{F: roundTo(d.F, p), Scale: p}}, nil
}

func fnPrecision(c *evalCtx, f Collection, a []node) (Collection, error) {
	v, ok, err := c.singleton(f)
	if err != nil || !ok {
		return nil, err
	}
	switch x := v.(type) {
	case Decimal:
		return Collection{Integer(x.Scale)}, nil
	case Temporal:
		s := x.String()
		if x.HasTZ && x.Kind == kDateTime && x.Prec >= pHour {
			s = s[:len(s)-1]
			if x.TZ != 0 {
				s = s[:len(s)-5]
			}
		}
		n := 0
		for i := 0; i < len(s); i++ {
			if isDigit(s[i]) {
				n++
			}
		}
		return Collection{Integer(n)}, nil
	}
	return nil, evalErr("precision() needs a decimal or date/time")
}

func (c *evalCtx) allChildren(v Value, out Collection) Collection {
	nd, ok := v.(*Node)
	if !ok {
		return out
	}
	if c.isPrimitive(nd) {
		if nd.Ext != nil {
			for _, k := range []string{"id", "extension"} {
				out, _ = c.children(nd, k, out)
			}
		}
		return out
	}
	m, ok := nd.Data.(map[string]any)
	if !ok {
		return out
	}
	seen := map[string]bool{}
	for _, k := range sortedKeys(m) {
		name := k
		if strings.HasPrefix(k, "_") {
			name = k[1:]
		}
		if name == "resourceType" || name == "" {
			continue
		}
		if nd.path != "" {
			if r, ok := c.spec.Resolve(nd.path + "." + name); ok && r.Element != nil && r.Element.Choice {
				name = r.Element.ChoiceName()
			}
		}
		if seen[name] {
			continue
		}
		seen[name] = true
		out, _ = c.children(nd, name, out)
	}
	return out
}

func fnChildren(c *evalCtx, f Collection, a []node) (Collection, error) {
	var out Collection
	for _, v := range f {
		out = c.allChildren(v, out)
	}
	return out, c.step(len(out))
}

func fnDescendants(c *evalCtx, f Collection, a []node) (Collection, error) {
	var out Collection
	queue := f
	for len(queue) > 0 {
		var next Collection
		for _, v := range queue {
			next = c.allChildren(v, next)
		}
		if err := c.step(len(next) + 1); err != nil {
			return nil, err
		}
		out = append(out, next...)
		queue = next
	}
	return out, nil
}

func fnType(c *evalCtx, f Collection, a []node) (Collection, error) {
	var out Collection
	for _, v := range f {
		ns, name := typeName(v)
		if nd, ok := v.(*Node); ok && nd.Type == "" {
			ns, name = typeName(c.prim(v))
		}
		out = append(out, &Node{Type: "TypeInfo", Data: map[string]any{"namespace": ns, "name": name}})
	}
	return out, nil
}

func fnExtension(c *evalCtx, f Collection, a []node) (Collection, error) {
	url, ok, err := c.argString(a[0], "extension")
	if err != nil || !ok {
		return nil, err
	}
	var out Collection
	for _, v := range f {
		nd, ok := v.(*Node)
		if !ok {
			continue
		}
		exts, err := c.children(nd, "extension", nil)
		if err != nil {
			continue
		}
		for _, e := range exts {
			if m, ok := e.(*Node).Data.(map[string]any); ok && m["url"] == url {
				out = append(out, e)
			}
		}
	}
	return out, nil
}

func fnHasValue(c *evalCtx, f Collection, a []node) (Collection, error) {
	if len(f) != 1 {
		return cFalse, nil
	}
	nd, ok := f[0].(*Node)
	if !ok {
		return cFalse, nil
	}
	_, has := c.systemValue(nd)
	return boolColl(has && c.isPrimitive(nd)), nil
}

func fnGetValue(c *evalCtx, f Collection, a []node) (Collection, error) {
	if len(f) != 1 {
		return nil, nil
	}
	if nd, ok := f[0].(*Node); ok && c.isPrimitive(nd) {
		if v, ok := c.systemValue(nd); ok {
			return Collection{v}, nil
		}
	}
	return nil, nil
}

// fnResolve resolves references to contained resources ("#id") and to
// entries of the enclosing Bundle (by fullUrl or Type/id).
func fnResolve(c *evalCtx, f Collection, a []node) (Collection, error) {
	var out Collection
	for _, v := range f {
		ref := ""
		switch x := c.prim(v).(type) {
		case String:
			ref = string(x)
		case *Node:
			if m, ok := x.Data.(map[string]any); ok {
				ref, _ = m["reference"].(string)
			}
		}
		if ref == "" {
			continue
		}
		for _, root := range c.resource {
			rn, ok := root.(*Node)
			if !ok {
				continue
			}
			if strings.HasPrefix(ref, "#") {
				cs, _ := c.children(rn, "contained", nil)
				for _, cv := range cs {
					if m, ok := cv.(*Node).Data.(map[string]any); ok && m["id"] == ref[1:] {
						out = append(out, cv)
					}
				}
				continue
			}
			if rn.Type == "Bundle" {
				entries, _ := c.children(rn, "entry", nil)
				for _, e := range entries {
					m, _ := e.(*Node).Data.(map[string]any)
					res, _ := m["resource"].(map[string]any)
					if res == nil {
						continue
					}
					full, _ := m["fullUrl"].(string)
					rt, _ := res["resourceType"].(string)
					id, _ := res["id"].(string)
					if full == ref || rt+"/"+id == ref || strings.HasSuffix(full, "/"+ref) {
						rs, _ := c.children(e.(*Node), "resource", nil)
						out = append(out, rs...)
					}
				}
			}
		}
	}
	return out, nil
}

func fnAggregate(c *evalCtx, f Collection, a []node) (Collection, error) {
	var total Collection
	if len(a) == 2 {
		var err error
		if total, err = c.arg(a[1]); err != nil {
			return nil, err
		}
	}
	for i, v := range f {
		sub := *c
		sub.thisCol = Collection{v}
		sub.index = i
		sub.total = total
		sub.hasTotal = true
		r, err := a[0].eval(&sub, sub.thisCol)
		if err != nil {
			return nil, err
		}
		total = r
	}
	return total, nil
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// conversions

type convFunc func(c *evalCtx, v Value) (Value, bool)

func convFn(fn convFunc, test bool) fnImpl {
	return func(c *evalCtx, f Collection, a []node) (Collection, error) {
		v, ok, err := c.singleton(f)
		if err != nil || !ok {
			return nil, err
		}
		r, ok := fn(c, v)
		if test {
			return boolColl(ok), nil
		}
		if !ok {
			return nil, nil
		}
		return Collection{r}, nil
	}
}

func toBoolean(c *evalCtx, v Value) (Value, bool) {
	switch x := v.(type) {
	case Boolean:
		return x, true
	case Integer:
		if x == 0 || x == 1 {
			return Boolean(x == 1), true
		}
	case Decimal:
		if x.F == 0 || x.F == 1 {
			return Boolean(x.F == 1), true
		}
	case String:
		switch strings.ToLower(string(x)) {
		case "true", "t", "yes", "y", "1", "1.0":
			return Boolean(true), true
		case "false", "f", "no", "n", "0", "0.0":
			return Boolean(false), true
		}
	}
	return nil, false
}

func toInteger(c *evalCtx, v Value) (Value, bool) {
	switch x := v.(type) {
	case Integer:
		return x, true
	case Boolean:
		return Integer(btoi(bool(x))), true
	case String:
		s := string(x)
		if strings.HasPrefix(s, "+") || strings.HasPrefix(s, "-") {
			s = s[1:]
		}
		if s == "" || strings.Trim(s, "0123456789") != "" {
			return nil, false
		}
		i, err := strconv.ParseInt(string(x), 10, 64)
		return Integer(i), err == nil
	}
	return nil, false
}

var decimalRe = regexp.MustCompile(`^[+-]?\d+(\.\d+)?$`)

func toDecimal(c *evalCtx, v Value) (Value, bool) {
	switch x := v.(type) {
	case Integer:
		return Decimal{F: float64(x), Scale: 0}, true
	case Decimal:
		return x, true
	case Boolean:
		return Decimal{F: float64(btoi(bool(x))), Scale: 1}, true
	case String:
		if !decimalRe.MatchString(string(x)) {
			return nil, false
		}
		d, err := parseDecimal(string(x))
		return d, err == nil
	}
	return nil, false
}

func toStringV(c *evalCtx, v Value) (Value, bool) {
	switch x := v.(type) {
	case String:
		return x, true
	case Boolean:
		return String(strconv.FormatBool(bool(x))), true
	case Integer:
		return String(strconv.FormatInt(int64(x), 10)), true
	case Decimal:
		return String(x.String()), true
	case Temporal:
		return String(x.String()), true
	case Quantity:
		return String(x.String()), true
	}
	return nil, false
}

func toDate(c *evalCtx, v Value) (Value, bool) {
	switch x := v.(type) {
	case Temporal:
		if x.Kind == kTime {
			return nil, false
		}
		x.Kind = kDate
		x.Prec = min(x.Prec, pDay)
		x.Hour, x.Minute, x.Second, x.Milli, x.HasTZ = 0, 0, 0, 0, false
		return x, true
	case String:
		t, ok := parseDateTimeLiteral(string(x))
		if !ok {
			return nil, false
		}
		return toDate(c, t)
	}
	return nil, false
}

func toDateTime(c *evalCtx, v Value) (Value, bool) {
	switch x := v.(type) {
	case Temporal:
		if x.Kind == kTime {
			return nil, false
		}
		x.Kind = kDateTime
		return x, true
	case String:
		t, ok := parseDateTimeLiteral(string(x))
		if !ok {
			return nil, false
		}
		t.Kind = kDateTime
		return t, true
	}
	return nil, false
}

func toTime(c *evalCtx, v Value) (Value, bool) {
	switch x := v.(type) {
	case Temporal:
		if x.Kind == kTime {
			return x, true
		}
	case String:
		s := strings.TrimPrefix(string(x), "T")
		t, ok := parseTime(s)
		if !ok || t.HasTZ {
			return nil, false
		}
		return t, true
	}
	return nil, false
}

var quantityRe = regexp.MustCompile(`^([+-]?\d+(?:\.\d+)?)\s*(?:'([^']+)'|([a-z]+))?$`)

func fnToQuantity(test bool) fnImpl {
	return func(c *evalCtx, f Collection, a []node) (Collection, error) {
		v, ok, err := c.singleton(f)
		if err != nil || !ok {
			return nil, err
		}
		var q Quantity
		conv := false
		switch x := v.(type) {
		case Integer, Decimal:
			q, conv = Quantity{toDec(x), "1"}, true
		case Quantity:
			q, conv = x, true
		case Boolean:
			q, conv = Quantity{Decimal{F: float64(btoi(bool(x))), Scale: 1}, "1"}, true
		case String:
			m := quantityRe.FindStringSubmatch(string(x))
			if m != nil {
				d, err := parseDecimal(m[1])
				unit := "1"
				switch {
				case m[2] != "":
					unit = m[2]
				case m[3] != "":
					cu, ok := calendarUnits[m[3]]
					if !ok {
						err = fmt.Errorf("bad unit")
					}
					unit = cu
				}
				q, conv = Quantity{d, unit}, err == nil
			}
		}
		if conv && len(a) == 1 {
			unit, ok, err := c.argString(a[0], "toQuantity")
			if err != nil || !ok {
				return nil, err
			}
			if unit != q.Unit {
				_, ok := compareQuantity(Quantity{Decimal{F: 1}, unit}, Quantity{Decimal{F: 1}, q.Unit})
				if !ok {
					conv = false
				} else {
					bv, _, _ := quantityBase(q)
					f := units[unit].factor
					if f == 0 {
						f = 1
					}
					q = Quantity{Decimal{F: bv / f, Scale: 8, inexact: true}, unit}
				}
			}
		}
		if test {
			return boolColl(conv), nil
		}
		if !conv {
			return nil, nil
		}
		return Collection{q}, nil
	}
}
