package fhirpath

import (
	"fmt"
	"strconv"
	"strings"
)

// node is a parsed expression; eval applies it to a focus collection.
type node interface {
	eval(c *evalCtx, focus Collection) (Collection, error)
}

type (
	literalNode struct{ val Collection }
	// memberNode selects child elements named name from each focus item.
	memberNode struct{ name string }
	// callNode invokes a function on the focus.
	callNode struct {
		name string
		args []node
		pos  int
	}
	// dotNode evaluates right with left's result as focus.
	dotNode    struct{ left, right node }
	indexNode  struct{ left, index node }
	binaryNode struct {
		op          string
		left, right node
	}
	unaryNode struct {
		op string
		x  node
	}
	// typeNode is the right side of is/as: a type specifier.
	typeNode struct{ ns, name string }
	varNode  struct{ name string } // $this, $index, $total
	envNode  struct{ name string } // %context and friends
	// termNode marks the first term of a path, evaluated against $this.
	termNode struct{ x node }
)

type parser struct {
	toks []token
	i    int
	src  string
}

// Compile parses a FHIRPath expression. The result is immutable and may be
// evaluated concurrently.
func Compile(expr string) (e *Expression, err error) {
	defer func() {
		if r := recover(); r != nil {
			e, err = nil, &SyntaxError{0, fmt.Sprint("internal error: ", r)}
		}
	}()
	toks, err := lex(expr)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, src: expr}
	n, err := p.expr(0)
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.kind != tEOF {
		return nil, &SyntaxError{t.pos, fmt.Sprintf("unexpected %q", p.tokText(t))}
	}
	return &Expression{src: expr, root: n}, nil
}

func (p *parser) peek() token { return p.toks[p.i] }
func (p *parser) next() token {
	t := p.toks[p.i]
	if t.kind != tEOF {
		p.i++
	}
	return t
}

func (p *parser) tokText(t token) string {
	if t.kind == tEOF {
		return "end of expression"
	}
	return t.text
}

func (p *parser) errf(t token, format string, args ...any) error {
	return &SyntaxError{t.pos, fmt.Sprintf(format, args...)}
}

// binary operator precedence, higher binds tighter.
func binPrec(t token) (string, int) {
	if t.kind == tOp {
		switch t.text {
		case "*", "/":
			return t.text, 10
		case "+", "-", "&":
			return t.text, 9
		case "|":
			return t.text, 7
		case "<", ">", "<=", ">=":
			return t.text, 6
		case "=", "~", "!=", "!~":
			return t.text, 5
		}
		return "", -1
	}
	if t.kind == tIdent {
		switch t.text {
		case "div", "mod":
			return t.text, 10
		case "is", "as":
			return t.text, 8
		case "in", "contains":
			return t.text, 4
		case "and":
			return t.text, 3
		case "or", "xor":
			return t.text, 2
		case "implies":
			return t.text, 1
		}
	}
	return "", -1
}

const maxDepth = 200

func (p *parser) expr(minPrec int) (node, error) {
	return p.exprDepth(minPrec, 0)
}

func (p *parser) exprDepth(minPrec, depth int) (node, error) {
	if depth > maxDepth {
		return nil, p.errf(p.peek(), "expression nested too deeply")
	}
	left, err := p.unary(depth)
	if err != nil {
		return nil, err
	}
	for {
		op, prec := binPrec(p.peek())
		if prec < 0 || prec < minPrec {
			return left, nil
		}
		p.next()
		if op == "is" || op == "as" {
			ts, err := p.typeSpec()
			if err != nil {
				return nil, err
			}
			left = &binaryNode{op, left, ts}
			continue
		}
		right, err := p.exprDepth(prec+1, depth+1)
		if err != nil {
			return nil, err
		}
		left = &binaryNode{op, left, right}
	}
}

func (p *parser) typeSpec() (*typeNode, error) {
	t := p.next()
	if t.kind != tIdent && t.kind != tDelimIdent {
		return nil, p.errf(t, "expected a type name, found %q", p.tokText(t))
	}
	name := t.text
	if p.peek().kind == tOp && p.peek().text == "." && p.toks[p.i+1].kind == tIdent || p.peek().kind == tOp && p.peek().text == "." && p.toks[p.i+1].kind == tDelimIdent {
		p.next()
		return &typeNode{ns: name, name: p.next().text}, nil
	}
	return &typeNode{name: name}, nil
}

func (p *parser) unary(depth int) (node, error) {
	if t := p.peek(); t.kind == tOp && (t.text == "+" || t.text == "-") {
		p.next()
		if depth > maxDepth {
			return nil, p.errf(t, "expression nested too deeply")
		}
		x, err := p.unary(depth + 1)
		if err != nil {
			return nil, err
		}
		if t.text == "-" {
			return &unaryNode{"-", x}, nil
		}
		return x, nil
	}
	return p.postfix(depth)
}

func (p *parser) postfix(depth int) (node, error) {
	n, err := p.term(depth)
	if err != nil {
		return nil, err
	}
	for {
		t := p.peek()
		if t.kind != tOp {
			return n, nil
		}
		switch t.text {
		case ".":
			p.next()
			inv, err := p.invocation(depth)
			if err != nil {
				return nil, err
			}
			n = &dotNode{n, inv}
		case "[":
			p.next()
			idx, err := p.exprDepth(0, depth+1)
			if err != nil {
				return nil, err
			}
			if c := p.next(); c.kind != tOp || c.text != "]" {
				return nil, p.errf(c, "expected ']'")
			}
			n = &indexNode{n, idx}
		default:
			return n, nil
		}
	}
}

// invocation parses an identifier or function call after a dot or as a term.
func (p *parser) invocation(depth int) (node, error) {
	t := p.next()
	if t.kind != tIdent && t.kind != tDelimIdent {
		return nil, p.errf(t, "expected an identifier, found %q", p.tokText(t))
	}
	if t.kind == tIdent && p.peek().kind == tOp && p.peek().text == "(" {
		p.next()
		var args []node
		if c := p.peek(); !(c.kind == tOp && c.text == ")") {
			for {
				a, err := p.exprDepth(0, depth+1)
				if err != nil {
					return nil, err
				}
				args = append(args, a)
				c := p.next()
				if c.kind == tOp && c.text == ")" {
					break
				}
				if c.kind != tOp || c.text != "," {
					return nil, p.errf(c, "expected ',' or ')'")
				}
			}
		} else {
			p.next()
		}
		return &callNode{name: t.text, args: args, pos: t.pos}, nil
	}
	return &memberNode{t.text}, nil
}

var calendarUnits = map[string]string{
	"year": "year", "years": "year", "month": "month", "months": "month", "week": "week", "weeks": "week",
	"day": "day", "days": "day", "hour": "hour", "hours": "hour", "minute": "minute", "minutes": "minute",
	"second": "second", "seconds": "second", "millisecond": "millisecond", "milliseconds": "millisecond",
}

func (p *parser) term(depth int) (node, error) {
	t := p.peek()
	switch t.kind {
	case tNumber:
		p.next()
		var v Value
		if strings.Contains(t.text, ".") {
			d, err := parseDecimal(t.text)
			if err != nil {
				return nil, p.errf(t, "bad number %q", t.text)
			}
			v = d
		} else {
			n, err := strconv.ParseInt(t.text, 10, 64)
			if err != nil {
				d, err2 := parseDecimal(t.text)
				if err2 != nil {
					return nil, p.errf(t, "bad number %q", t.text)
				}
				v = d
			} else {
				v = Integer(n)
			}
		}
		// a quantity: number followed by a unit string or a calendar keyword
		u := p.peek()
		if u.kind == tString {
			p.next()
			return &literalNode{Collection{Quantity{Value: toDec(v), Unit: u.text}}}, nil
		}
		if u.kind == tIdent {
			if cu, ok := calendarUnits[u.text]; ok {
				p.next()
				return &literalNode{Collection{Quantity{Value: toDec(v), Unit: cu}}}, nil
			}
		}
		return &literalNode{Collection{v}}, nil
	case tString:
		p.next()
		return &literalNode{Collection{String(t.text)}}, nil
	case tDateTime, tTime:
		p.next()
		var v Value
		var ok bool
		if t.kind == tTime {
			var tm Temporal
			tm, ok = parseTime(t.text[1:])
			ok = ok && !tm.HasTZ
			v = tm
		} else {
			v, ok = parseDateTimeLiteral(t.text)
		}
		if !ok {
			return nil, p.errf(t, "bad date/time literal @%s", t.text)
		}
		return &literalNode{Collection{v}}, nil
	case tEnvVar:
		p.next()
		return &envNode{t.text}, nil
	case tDollar:
		p.next()
		switch t.text {
		case "this", "index", "total":
			return &varNode{t.text}, nil
		}
		return nil, p.errf(t, "unknown variable $%s", t.text)
	case tOp:
		switch t.text {
		case "(":
			p.next()
			x, err := p.exprDepth(0, depth+1)
			if err != nil {
				return nil, err
			}
			if c := p.next(); c.kind != tOp || c.text != ")" {
				return nil, p.errf(c, "expected ')'")
			}
			return x, nil
		case "{":
			p.next()
			if c := p.next(); c.kind != tOp || c.text != "}" {
				return nil, p.errf(c, "expected '}'")
			}
			return &literalNode{nil}, nil
		}
	case tIdent:
		if t.text == "true" || t.text == "false" {
			p.next()
			return &literalNode{Collection{Boolean(t.text == "true")}}, nil
		}
		inv, err := p.invocation(depth)
		if err != nil {
			return nil, err
		}
		return &termNode{inv}, nil
	case tDelimIdent:
		inv, err := p.invocation(depth)
		if err != nil {
			return nil, err
		}
		return &termNode{inv}, nil
	}
	return nil, p.errf(t, "unexpected %q", p.tokText(t))
}
