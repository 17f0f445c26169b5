package search

import (
	"github.com/plexus-health/plexus/fhir/spec"
	"math"
	"slices"
	"strings"
	"time"
)

// prefixEnd is appended to a prefix to bound the strings that start with
// it: in UTF-8 byte order (SQLite's BINARY collation, PostgreSQL's "C")
// every string beginning with the prefix sorts before prefix+U+10FFFF.
const prefixEnd = "\U0010FFFF"

// stringPred is a string value: prefix (the default) or :contains on the
// normalised value, :exact on the value as written, or equality of a
// phonetic parameter's Soundex code.
type stringPred struct {
	mode string // "", "exact", "contains" or "phonetic"
	v    string // normalised, except for exact; the code for phonetic
}

func (p stringPred) sql(b *builder, a string) {
	switch p.mode {
	case "phonetic":
		b.w(a, ".value = ")
		b.arg(p.v)
	case "exact":
		b.w(a, ".exact = ")
		b.arg(p.v)
	case "contains":
		b.w(a, ".value LIKE ")
		b.arg("%" + likeEscape(p.v) + "%")
		b.w(` ESCAPE '\'`)
	default:
		prefixRange(b, a+".value", p.v)
	}
}

// prefixRange writes "col starts with v" as a range the column's index
// serves.
func prefixRange(b *builder, col, v string) {
	b.w(col, " >= ")
	b.arg(v)
	b.w(" AND ", col, " < ")
	b.arg(v + prefixEnd)
}

func likeEscape(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// tokenPred is a token value: [system|]code, |code (no system), system|
// (any code of the system), or :text on the normalised display.
type tokenPred struct {
	system, code       string
	hasSystem, hasCode bool
	text               string
	isText             bool
	// sets, when not nil, is what :in, :below and :above match: a code
	// of one of the sets' systems that the set lists.
	sets []spec.CodeSet
}

func (p tokenPred) sql(b *builder, a string) {
	if p.sets != nil {
		if len(p.sets) == 0 {
			b.w("1 = 0")
			return
		}
		// A value of type code (Patient.gender) is indexed without a
		// system, its system being the one its binding implies: it
		// matches by code alone.
		var any []string
		b.w("(")
		for _, cs := range p.sets {
			b.w("(", a, ".system = ")
			b.arg(cs.System)
			b.w(" AND ", a, ".code IN ")
			b.list(cs.Codes)
			b.w(") OR ")
			any = append(any, cs.Codes...)
		}
		slices.Sort(any)
		b.w("(", a, ".system = '' AND ", a, ".code IN ")
		b.list(slices.Compact(any))
		b.w("))")
		return
	}
	if p.isText {
		b.w("(")
		prefixRange(b, a+".text", p.text)
		b.w(" OR ", a, ".text LIKE ")
		b.arg("% " + likeEscape(p.text) + "%")
		b.w(` ESCAPE '\')`)
		return
	}
	sep := ""
	if p.hasCode {
		b.w(a, ".code = ")
		b.arg(p.code)
		sep = " AND "
	}
	if p.hasSystem {
		b.w(sep, a, ".system = ")
		b.arg(p.system)
	}
}

// refPred is a reference value: a local Type/id (typ "" for any type), an
// absolute URL or canonical (url, with an optional |version), or both when
// an absolute URL names a resource on this server.
type refPred struct {
	typ, id      string
	url, version string
}

func (p refPred) sql(b *builder, a string) {
	local := p.id != ""
	if local && p.url != "" {
		b.w("(")
	}
	if local {
		b.w(a, ".target_id = ")
		b.arg(p.id)
		if p.typ != "" {
			b.w(" AND ", a, ".target_type = ")
			b.arg(p.typ)
		}
	}
	if p.url != "" {
		if local {
			b.w(") OR (")
		}
		b.w(a, ".url = ")
		b.arg(p.url)
		if p.version != "" {
			b.w(" AND ", a, ".version = ")
			b.arg(p.version)
		}
		if local {
			b.w(")")
		}
	}
}

// targetTypePred restricts a reference to a target type (:Patient).
type targetTypePred struct{ typ string }

func (p targetTypePred) sql(b *builder, a string) {
	b.w(a, ".target_type = ")
	b.arg(p.typ)
}

// uriPred is a uri value: equal (default), :below (the value is a prefix of
// the uri) or :above (the uri is a prefix of the value, at a path step).
type uriPred struct {
	mode string
	v    string
}

func (p uriPred) sql(b *builder, a string) {
	switch p.mode {
	case "below":
		prefixRange(b, a+".uri", p.v)
	case "above":
		var prefixes []string
		for i := len(p.v); i > 0; i = strings.LastIndexByte(p.v[:i], '/') {
			prefixes = append(prefixes, p.v[:i])
		}
		b.w(a, ".uri IN ")
		b.list(prefixes)
	default:
		b.w(a, ".uri = ")
		b.arg(p.v)
	}
}

// datePred is a date value: prefix and the inclusive microsecond range
// [lo, hi] the value covers at its precision. The target is a range too:
// [lo, hi] of an index row, or a point (last_updated).
//
// The prefixes follow FHIR R4 (search.html#prefix): eq is "the target lies
// within the value's range", gt "the target reaches above the value's
// range", ge "gt or eq", sa "the target starts after the value's range",
// and ap "the target overlaps the value's range widened by 10% of its
// distance from now".
type datePred struct {
	prefix string
	lo, hi int64
}

func (p datePred) sql(b *builder, a string) { p.cols(b, a+".lo", a+".hi") }

func (p datePred) cols(b *builder, lo, hi string) {
	arg := func(col, op string, v int64) {
		b.w(col, " ", op, " ")
		b.arg(v)
	}
	switch p.prefix {
	case prefixEq:
		arg(lo, ">=", p.lo)
		b.w(" AND ")
		arg(hi, "<=", p.hi)
	case prefixNe:
		arg(lo, "<", p.lo)
		b.w(" OR ")
		arg(hi, ">", p.hi)
	case prefixGt:
		arg(hi, ">", p.hi)
	case prefixLt:
		arg(lo, "<", p.lo)
	case prefixGe:
		arg(hi, ">", p.hi)
		b.w(" OR (")
		arg(lo, ">=", p.lo)
		b.w(" AND ")
		arg(hi, "<=", p.hi)
		b.w(")")
	case prefixLe:
		arg(lo, "<", p.lo)
		b.w(" OR (")
		arg(lo, ">=", p.lo)
		b.w(" AND ")
		arg(hi, "<=", p.hi)
		b.w(")")
	case prefixSa:
		arg(lo, ">", p.hi)
	case prefixEb:
		arg(hi, "<", p.lo)
	case prefixAp:
		now := time.Now().UnixMicro()
		gap := max(absDiff(now, p.lo), absDiff(now, p.hi)) / 10
		gap = max(gap, int64(24*time.Hour/time.Microsecond))
		arg(lo, "<=", satAdd(p.hi, gap))
		b.w(" AND ")
		arg(hi, ">=", satAdd(p.lo, -gap))
	}
}

func absDiff(a, b int64) int64 {
	if a > b {
		return a - b
	}
	return b - a
}

// satAdd adds without overflowing past the open ends of Periods.
func satAdd(a, d int64) int64 {
	if d > 0 && a > math.MaxInt64-d {
		return math.MaxInt64
	}
	if d < 0 && a < math.MinInt64-d {
		return math.MinInt64
	}
	return a + d
}

// numberPred is a number value on column col of the index row: eq, ne, sa
// and eb use the range implied by the value's precision; gt, lt, ge and le
// compare with the value itself; ap is within 10%.
type numberPred struct {
	col    string
	prefix string
	n      number
}

func (p numberPred) sql(b *builder, a string) {
	col := a + "." + p.col
	arg := func(op string, v float64) {
		b.w(col, " ", op, " ")
		b.arg(v)
	}
	switch p.prefix {
	case prefixEq:
		arg(">=", p.n.lo)
		b.w(" AND ")
		arg("<", p.n.hi)
	case prefixNe:
		arg("<", p.n.lo)
		b.w(" OR ")
		arg(">=", p.n.hi)
	case prefixGt:
		arg(">", p.n.v)
	case prefixLt:
		arg("<", p.n.v)
	case prefixGe:
		arg(">=", p.n.v)
	case prefixLe:
		arg("<=", p.n.v)
	case prefixSa:
		arg(">=", p.n.hi)
	case prefixEb:
		arg("<", p.n.lo)
	case prefixAp:
		d := math.Abs(p.n.v) / 10
		arg(">=", p.n.v-d)
		b.w(" AND ")
		arg("<=", p.n.v+d)
	}
}

// quantityPred is a quantity value: a number on value with the system and
// code (or unit) as given, or on canon_value in UCUM base units when the
// unit converts.
type quantityPred struct {
	num          numberPred
	system, code string
	canon        bool
	canonCode    string
}

func (p quantityPred) sql(b *builder, a string) {
	if p.canon {
		b.w(a, ".canon_code = ")
		b.arg(p.canonCode)
		b.w(" AND (")
		p.num.sql(b, a)
		b.w(")")
		return
	}
	if p.system != "" {
		b.w(a, ".system = ")
		b.arg(p.system)
		b.w(" AND ")
	}
	if p.code != "" {
		if p.system != "" {
			b.w(a, ".code = ")
			b.arg(p.code)
		} else {
			b.w("(", a, ".code = ")
			b.arg(p.code)
			b.w(" OR ", a, ".unit = ")
			b.arg(p.code)
			b.w(")")
		}
		b.w(" AND ")
	}
	b.w("(")
	p.num.sql(b, a)
	b.w(")")
}
