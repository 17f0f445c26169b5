package v2fhir

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// cond is a table condition in the guide's "Computable ANTLR" column, in
// disjunctive form: any of the and-groups holding makes it true. The
// interpreter reads the forms the tables use:
//
//	IF PID-25 NOT VALUED            IF XTN.3 NOT IN ("Internet", "X.400")
//	IF OBX-2 EQUALS "SN" AND …      IF PID-7 LENGTH GREATER THAN 8
//	IF PID-11 LST.COUNT EQUALS 1    IF OBX-33 COUNT>1
//
// A condition in any other form is a compile error, and its row is skipped.
type cond struct {
	any [][]pred
}

type predOp int

const (
	opValued predOp = iota
	opEquals
	opIn
	opLenGT
	opCountEQ
	opCountGT
)

type pred struct {
	field, comp int // comp 0: the whole field (first repetition)
	self        bool
	seg         string // the segment or data type the reference names
	other       string // set at compile when seg is another segment (ORC rows testing OBR-2)
	op          predOp
	not         bool
	vals        []string
	n           int
}

// condEnv gives a condition the values it names.
type condEnv interface {
	text(field, comp int) string
	reps(field int) int
	// otherText reads a field of another segment of the message: the one
	// of that name in the current segment's group.
	otherText(seg string, field, comp int) string
}

func predText[E condEnv](p *pred, env E, f int) string {
	if p.other != "" {
		return env.otherText(p.other, f, p.comp)
	}
	return env.text(f, p.comp)
}

// eval is generic over the environment so that a segEnv or dtEnv is
// passed as it is, not boxed into an interface for every row.
func eval[E condEnv](c *cond, env E, field int) bool {
	for _, group := range c.any {
		ok := true
		for i := range group {
			if !evalPred(&group[i], env, field) {
				ok = false
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
}

func evalPred[E condEnv](p *pred, env E, field int) bool {
	f := p.field
	if p.self {
		f = field
	}
	var r bool
	switch p.op {
	case opValued:
		r = predText(p, env, f) != ""
	case opEquals:
		r = predText(p, env, f) == p.vals[0]
	case opIn:
		t := predText(p, env, f)
		for _, v := range p.vals {
			if t == v {
				r = true
			}
		}
	case opLenGT:
		r = len(predText(p, env, f)) > p.n
	case opCountEQ:
		r = env.reps(f) == p.n
	case opCountGT:
		r = env.reps(f) > p.n
	}
	return r != p.not
}

func tokenize(s string) ([]string, error) {
	var out []string
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '"':
			j := strings.IndexByte(s[i+1:], '"')
			if j < 0 {
				return nil, errors.New("unterminated string")
			}
			out = append(out, s[i:i+j+2])
			i += j + 2
		case c == '(' || c == ')' || c == ',' || c == '=' || c == '>':
			out = append(out, string(c))
			i++
		default:
			j := i
			for j < len(s) && !strings.ContainsRune(" \t\r\n\"(),=>", rune(s[j])) {
				j++
			}
			out = append(out, s[i:j])
			i = j
		}
	}
	return out, nil
}

// parseRef reads "PID-11.9", "HD-3", "XTN.3" as field and component.
func parseRef(t string) (field, comp int, ok bool) {
	i := strings.IndexAny(t, "-.")
	if i < 2 || i > 3 {
		return 0, 0, false
	}
	for _, r := range t[:i] {
		if !(r >= 'A' && r <= 'Z' || r >= '0' && r <= '9') {
			return 0, 0, false
		}
	}
	rest := strings.Split(t[i+1:], ".")
	if len(rest) > 2 {
		return 0, 0, false
	}
	f, err := strconv.Atoi(rest[0])
	if err != nil || f <= 0 {
		return 0, 0, false
	}
	if len(rest) == 2 {
		c, err := strconv.Atoi(rest[1])
		if err != nil || c <= 0 {
			return 0, 0, false
		}
		// "XTN.3.1" does not occur; "PID-11.9" is field 11 component 9.
		return f, c, true
	}
	return f, 0, true
}

// parseCond reads a condition. AND binds tighter than OR, and parentheses
// group ("IF RXO-2 IS VALUED AND (IF RXO-4.1 IS VALUED OR RXO-4.3 IS
// VALUED)"); the result is brought to disjunctive form, which eval reads.
func parseCond(s string) (*cond, error) {
	toks, err := tokenize(s)
	if err != nil {
		return nil, err
	}
	p := &condParser{toks: toks}
	groups, err := p.or(0)
	if err == nil && p.peek() != "" {
		if p.peek() == ")" {
			err = errors.New("unbalanced )")
		} else {
			err = fmt.Errorf("unexpected %q", p.peek())
		}
	}
	if err != nil {
		return nil, fmt.Errorf("%v in %q", err, s)
	}
	return &cond{any: groups}, nil
}

// maxCondGroups bounds the disjunctive form of a condition: an and of ors
// multiplies out, and a condition in a table is short.
const maxCondGroups = 64

// or reads and-terms joined by OR: their groups, side by side.
func (p *condParser) or(depth int) ([][]pred, error) {
	groups, err := p.and(depth)
	if err != nil {
		return nil, err
	}
	for p.word("OR") {
		more, err := p.and(depth)
		if err != nil {
			return nil, err
		}
		groups = append(groups, more...)
		if len(groups) > maxCondGroups {
			return nil, errors.New("condition too complex")
		}
	}
	return groups, nil
}

// and reads factors joined by AND: every combination of one group of each.
func (p *condParser) and(depth int) ([][]pred, error) {
	groups, err := p.factor(depth)
	if err != nil {
		return nil, err
	}
	for p.word("AND") {
		right, err := p.factor(depth)
		if err != nil {
			return nil, err
		}
		if len(groups)*len(right) > maxCondGroups {
			return nil, errors.New("condition too complex")
		}
		var out [][]pred
		for _, l := range groups {
			for _, r := range right {
				g := make([]pred, 0, len(l)+len(r))
				out = append(out, append(append(g, l...), r...))
			}
		}
		groups = out
	}
	return groups, nil
}

// factor reads one test, or a parenthesized condition. Each may begin with
// IF ("AND (IF RXO-4.1 IS VALUED …").
func (p *condParser) factor(depth int) ([][]pred, error) {
	p.word("IF")
	if p.word("(") {
		if depth > 8 {
			return nil, errors.New("condition nested too deep")
		}
		groups, err := p.or(depth + 1)
		if err != nil {
			return nil, err
		}
		if !p.word(")") {
			return nil, errors.New("unbalanced (")
		}
		return groups, nil
	}
	pr, err := p.pred()
	if err != nil {
		return nil, err
	}
	return [][]pred{{pr}}, nil
}

type condParser struct {
	toks []string
	i    int
}

func (p *condParser) peek() string {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return ""
}

func (p *condParser) next() string { t := p.peek(); p.i++; return t }

func (p *condParser) word(w string) bool {
	if strings.EqualFold(p.peek(), w) {
		p.i++
		return true
	}
	return false
}

func (p *condParser) pred() (pred, error) {
	var pr pred
	t := p.peek()
	if f, c, ok := parseRef(strings.ToUpper(t)); ok {
		// Segment or data type name is the table's own.
		pr.field, pr.comp = f, c
		pr.seg = strings.ToUpper(t[:strings.IndexAny(t, "-.")])
		p.next()
	} else {
		pr.self = true
	}
	if p.word("IS") {
		if p.word("NOT") {
			pr.not = true
		}
	} else if p.word("NOT") {
		pr.not = true
	} else if p.word("DOES") {
		if !p.word("NOT") || !p.word("EXIST") {
			return pr, errors.New("unreadable DOES")
		}
		pr.not = true
		pr.op = opValued
		return pr, nil
	}
	switch up := strings.ToUpper(p.peek()); {
	case up == "VALUED" || up == "VALUE":
		p.next()
		pr.op = opValued
	case up == "EQUALS" || up == "=" || strings.HasPrefix(up, `"`):
		if up != "" && up[0] != '"' {
			p.next()
		}
		v, ok := unquote(p.next())
		if !ok {
			return pr, errors.New("EQUALS needs a string")
		}
		pr.op, pr.vals = opEquals, []string{v}
	case up == "IN":
		p.next()
		if !p.word("(") {
			return pr, errors.New("IN needs a list")
		}
		for {
			v, ok := unquote(p.next())
			if !ok {
				return pr, errors.New("IN list needs strings")
			}
			pr.vals = append(pr.vals, v)
			if p.word(")") {
				break
			}
			if !p.word(",") {
				return pr, errors.New("unreadable IN list")
			}
		}
		pr.op = opIn
	case up == "LENGTH":
		p.next()
		if !p.word("GREATER") || !p.word("THAN") {
			return pr, errors.New("unreadable LENGTH")
		}
		n, err := strconv.Atoi(p.next())
		if err != nil {
			return pr, errors.New("LENGTH needs a number")
		}
		pr.op, pr.n = opLenGT, n
	case up == "LST.COUNT" || up == "COUNT":
		p.next()
		var gt bool
		switch {
		case p.word("EQUALS") || p.word("="):
		case p.word(">"):
			gt = true
		case p.word("GREATER"):
			if !p.word("THAN") {
				return pr, errors.New("unreadable COUNT")
			}
			gt = true
		default:
			return pr, errors.New("unreadable COUNT")
		}
		n, err := strconv.Atoi(p.next())
		if err != nil {
			return pr, errors.New("COUNT needs a number")
		}
		pr.op, pr.n = opCountEQ, n
		if gt {
			pr.op = opCountGT
		}
	case up == "AND" || up == "OR" || up == ")" || up == "":
		if pr.self || pr.not {
			return pr, errors.New("missing test")
		}
		// "IF PV1-3.2 OR PV1-3.3 VALUED", "IF TQ1-7 AND TQ1-8 NOT
		// VALUED": a bare field takes the test of the field after it.
		pr.op = opValued
		if up == "AND" || up == "OR" {
			save := p.i
			p.next()
			p.word("IF")
			if next, err := p.pred(); err == nil && !next.self {
				pr.op, pr.not, pr.vals, pr.n = next.op, next.not, next.vals, next.n
			}
			p.i = save
		}
	default:
		return pr, fmt.Errorf("unreadable test %q", p.peek())
	}
	return pr, nil
}

// bindSegment marks the predicates that name a segment other than seg.
func (c *cond) bindSegment(seg string) {
	for _, g := range c.any {
		for i := range g {
			if g[i].seg != "" && g[i].seg != seg {
				g[i].other = g[i].seg
			}
		}
	}
}
