package search

import (
	"math"
	"strconv"
	"strings"
)

// splitEscaped splits s at every sep not preceded by a backslash escape. The
// parts keep their escapes; unescape them when they are leaves.
func splitEscaped(s string, sep byte) []string {
	var parts []string
	start := 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case sep:
			parts = append(parts, s[start:i])
			start = i + 1
		}
	}
	return append(parts, s[start:])
}

// unescape removes the search escapes \, \| \$ and \\. A backslash before
// any other character is kept as written.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte(`,|$\`, s[i+1]) >= 0 {
			i++
		}
		sb.WriteByte(s[i])
	}
	return sb.String()
}

// Prefixes of number, date and quantity values.
const (
	prefixEq = "eq"
	prefixNe = "ne"
	prefixGt = "gt"
	prefixLt = "lt"
	prefixGe = "ge"
	prefixLe = "le"
	prefixSa = "sa"
	prefixEb = "eb"
	prefixAp = "ap"
)

// cutPrefix splits an ordered value into its prefix (eq when none) and the
// rest. A prefix is two lower-case letters followed by the start of a value.
func cutPrefix(v string) (string, string) {
	if len(v) > 2 {
		switch p := v[:2]; p {
		case prefixEq, prefixNe, prefixGt, prefixLt, prefixGe, prefixLe, prefixSa, prefixEb, prefixAp:
			return p, v[2:]
		}
	}
	return prefixEq, v
}

// number is a decimal search value with the range its precision implies:
// 1.5 stands for [1.45, 1.55), 100 for [99.5, 100.5), 1e2 for [50, 150).
type number struct {
	v, lo, hi float64
}

func parseNumber(s string) (number, bool) {
	if s == "" || strings.ContainsAny(s, "xXpP_") || strings.EqualFold(s, "nan") || strings.Contains(strings.ToLower(s), "inf") {
		return number{}, false
	}
	v, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(v, 0) || math.IsNaN(v) {
		return number{}, false
	}
	mant, exp := s, 0
	if i := strings.IndexAny(s, "eE"); i >= 0 {
		mant = s[:i]
		e, err := strconv.Atoi(s[i+1:])
		if err != nil {
			return number{}, false
		}
		exp = e
	}
	decimals := 0
	if i := strings.IndexByte(mant, '.'); i >= 0 {
		decimals = len(mant) - i - 1
	}
	half := 0.5 * math.Pow10(exp-decimals)
	return number{v: v, lo: v - half, hi: v + half}, true
}
