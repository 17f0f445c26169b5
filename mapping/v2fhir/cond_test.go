package v2fhir

import (
	"strings"
	"testing"
)

// fieldEnv is a condition environment over fixed texts: "4.1" is field 4
// component 1, "2" field 2.
type fieldEnv map[string]string

func (e fieldEnv) text(field, comp int) string {
	k := itoa(field)
	if comp > 0 {
		k += "." + itoa(comp)
	}
	return e[k]
}

func (e fieldEnv) reps(field int) int {
	if e.text(field, 0) == "" {
		return 0
	}
	return 1
}

func (fieldEnv) otherText(string, int, int) string { return "" }

// TestConditionGroups checks how AND, OR and parentheses combine: AND binds
// tighter, a parenthesized OR under an AND distributes over it.
func TestConditionGroups(t *testing.T) {
	const units = `IF RXO-2 IS VALUED AND (IF RXO-4.1 IS VALUED OR RXO-4.3 IS VALUED)`
	const noUnits = `IF RXO-2 IS VALUED AND (IF RXO-4.1 IS NOT VALUED AND RXO-4.3 IS NOT VALUED)`
	for _, c := range []struct {
		cond string
		env  fieldEnv
		want bool
	}{
		{units, fieldEnv{"2": "5", "4.1": "mg"}, true},
		{units, fieldEnv{"2": "5", "4.3": "UCUM"}, true},
		{units, fieldEnv{"4.1": "mg", "4.3": "UCUM"}, false},
		{units, fieldEnv{"2": "5"}, false},
		{noUnits, fieldEnv{"2": "5"}, true},
		{noUnits, fieldEnv{"2": "5", "4.3": "UCUM"}, false},
		{noUnits, fieldEnv{}, false},
		{`IF RXO-2 VALUED OR RXO-3 VALUED AND RXO-4 VALUED`, fieldEnv{"2": "1"}, true},
		{`IF RXO-2 VALUED OR RXO-3 VALUED AND RXO-4 VALUED`, fieldEnv{"3": "1"}, false},
		{`IF (RXO-2 VALUED OR RXO-3 VALUED) AND RXO-4 VALUED`, fieldEnv{"2": "1"}, false},
		{`IF (RXO-2 VALUED OR RXO-3 VALUED) AND RXO-4 VALUED`, fieldEnv{"3": "1", "4": "x"}, true},
		{`IF (RXO-2 OR RXO-3 VALUED)`, fieldEnv{"3": "1"}, true},
		{`(IF PID-25 NOT VALUED)`, fieldEnv{}, true},
		{`IF TQ1-7 AND TQ1-8 NOT VALUED`, fieldEnv{}, true},
		{`IF TQ1-7 AND TQ1-8 NOT VALUED`, fieldEnv{"7": "2024"}, false},
		{`IF TQ1-7 AND TQ1-8 NOT VALUED`, fieldEnv{"8": "2024"}, false},
		{`IF PV1-3.2 OR PV1-3.3 VALUED`, fieldEnv{"3.2": "12"}, true},
		{`IF PV1-3.2 OR PV1-3.3 VALUED`, fieldEnv{}, false},
		{`IF ((TQ1-7 VALUED))`, fieldEnv{"7": "2024"}, true},
	} {
		cd, err := parseCond(c.cond)
		if err != nil {
			t.Errorf("%s: %v", c.cond, err)
			continue
		}
		if got := eval(cd, c.env, 0); got != c.want {
			t.Errorf("%s with %v: %v, want %v", c.cond, c.env, got, c.want)
		}
	}
	for _, s := range []string{
		`IF (RXO-2 VALUED`, `IF RXO-2 VALUED)`, `IF RXO-2 VALUED AND ()`, `IF ( OR RXO-2 VALUED)`,
		strings.Repeat("(", 20) + "RXO-2 VALUED" + strings.Repeat(")", 20),
		strings.Repeat("(A-1 VALUED OR A-2 VALUED) AND ", 8) + "A-3 VALUED",
	} {
		if _, err := parseCond(s); err == nil {
			t.Errorf("%s: accepted", s)
		}
	}
}

// FuzzParseCond: no condition text makes the parser panic, and what it
// accepts evaluates.
func FuzzParseCond(f *testing.F) {
	for _, s := range []string{
		`IF RXO-2 IS VALUED AND (IF RXO-4.1 IS VALUED OR RXO-4.3 IS VALUED)`,
		`IF XTN.3 NOT IN ("Internet", "X.400")`, `IF OBX-33 COUNT>1`, `IF PID-7 LENGTH GREATER THAN 8`,
		`IF XCN.19 DOES NOT EXIST AND IF XCN.20 DOES NOT EXIST`, `IF PV1-3.2 OR PV1-3.3 VALUED`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		cd, err := parseCond(s)
		if err != nil {
			return
		}
		if len(cd.any) == 0 || len(cd.any) > maxCondGroups {
			t.Fatalf("%q: %d groups", s, len(cd.any))
		}
		eval(cd, fieldEnv{"1": "x", "2.1": "y"}, 1)
	})
}
