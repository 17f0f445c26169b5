package fhirpath

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// dump renders a parse tree with explicit grouping, so tests can state
// precedence and associativity.
func dump(n node) string {
	switch x := n.(type) {
	case *literalNode:
		if len(x.val) == 0 {
			return "{}"
		}
		switch v := x.val[0].(type) {
		case String:
			return "'" + string(v) + "'"
		case Temporal:
			return "@" + v.String()
		}
		return fmt.Sprint(x.val[0])
	case *memberNode:
		return x.name
	case *termNode:
		return dump(x.x)
	case *callNode:
		args := make([]string, len(x.args))
		for i, a := range x.args {
			args[i] = dump(a)
		}
		return x.name + "(" + strings.Join(args, ", ") + ")"
	case *dotNode:
		return dump(x.left) + "." + dump(x.right)
	case *indexNode:
		return dump(x.left) + "[" + dump(x.index) + "]"
	case *binaryNode:
		return "(" + dump(x.left) + " " + x.op + " " + dump(x.right) + ")"
	case *unaryNode:
		return "(" + x.op + dump(x.x) + ")"
	case *typeNode:
		if x.ns != "" {
			return x.ns + "." + x.name
		}
		return x.name
	case *varNode:
		return "$" + x.name
	case *envNode:
		return "%" + x.name
	}
	return fmt.Sprintf("?%T", n)
}

func TestParsePrecedence(t *testing.T) {
	tests := []struct{ in, want string }{
		{"1 + 2 * 3", "(1 + (2 * 3))"},
		{"1 * 2 + 3", "((1 * 2) + 3)"},
		{"1 - 2 - 3", "((1 - 2) - 3)"},
		{"a | b = c", "((a | b) = c)"},
		{"a = b and c = d", "((a = b) and (c = d))"},
		{"a and b or c", "((a and b) or c)"},
		{"a or b and c", "(a or (b and c))"},
		{"a xor b implies c", "((a xor b) implies c)"},
		{"a implies b implies c", "((a implies b) implies c)"},
		{"a in b and c", "((a in b) and c)"},
		{"a < b = true", "((a < b) = true)"},
		{"x is Quantity = true", "((x is Quantity) = true)"},
		{"a + b is String", "((a + b) is String)"},
		{"a | b is FHIR.string", "(a | (b is FHIR.string))"},
		{"-a.b", "(-a.b)"},
		{"-1 + 2", "((-1) + 2)"},
		{"a & b + c", "((a & b) + c)"},
		{"a div 2 mod 3", "((a div 2) mod 3)"},
		{"name.given[0]", "name.given[0]"},
		{"name.where(use = 'official').given", "name.where((use = 'official')).given"},
		{"4 'mg' + 5 days", "(4 'mg' + 5 day)"},
		{"@2014-01-25T14:30 < @2015", "(@2014-01-25T14:30 < @2015)"},
		{"$this.a + %context.b", "($this.a + %context.b)"},
		{"`given`.contains('x')", "given.contains('x')"},
		{"a ~ b !~ c", "((a ~ b) !~ c)"},
		{"a.as(Quantity).value", "a.as(Quantity).value"},
	}
	for _, tt := range tests {
		e, err := Compile(tt.in)
		if err != nil {
			t.Errorf("Compile(%q): %v", tt.in, err)
			continue
		}
		if got := dump(e.root); got != tt.want {
			t.Errorf("Compile(%q) = %s, want %s", tt.in, got, tt.want)
		}
	}
}

func TestCompileErrors(t *testing.T) {
	tests := []struct {
		in  string
		pos int
	}{
		{"2 + 2 /", 7},
		{"2 + /* open", 4},
		{"a.(b)", 2},
		{"name.given[0", 12},
		{"'unterminated", 0},
		{"@T14:30Z", 0},
		{"a #", 2},
		{"where(", 6},
	}
	for _, tt := range tests {
		_, err := Compile(tt.in)
		var se *SyntaxError
		if !errors.As(err, &se) {
			t.Errorf("Compile(%q) error = %v, want a *SyntaxError", tt.in, err)
			continue
		}
		if se.Pos != tt.pos {
			t.Errorf("Compile(%q) error at %d, want %d (%v)", tt.in, se.Pos, tt.pos, err)
		}
	}
}
