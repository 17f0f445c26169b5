package filter

import (
	"github.com/expr-lang/expr/ast"

	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/format/x12"
)

// checkLiterals validates the paths passed as string literals to the
// message functions, so that a typo in a path is a configuration error
// pointing at the literal rather than a failure on the first message.
func checkLiterals(src string, root ast.Node) error {
	v := &literalChecker{src: src}
	ast.Walk(&root, v)
	return v.err
}

type literalChecker struct {
	src string
	err error
}

func (v *literalChecker) Visit(node *ast.Node) {
	call, ok := (*node).(*ast.CallNode)
	if !ok || v.err != nil {
		return
	}
	ident, ok := call.Callee.(*ast.IdentifierNode)
	if !ok || len(call.Arguments) != 1 {
		return
	}
	lit, ok := call.Arguments[0].(*ast.StringNode)
	if !ok {
		return
	}
	var err error
	switch ident.Value {
	case "field", "fields", "has", "count":
		err = checkPath(ident.Value, lit.Value)
	case "json":
		_, err = parseJSONPath(lit.Value)
	case "x12":
		_, err = x12.ParsePath(lit.Value)
	default:
		return
	}
	if err != nil {
		line, col := position(v.src, lit.Location().From)
		v.err = &Error{Line: line, Column: col, Msg: fnError(ident.Value, err).Error()}
	}
}

// checkPath applies the rules each function has for its path argument.
func checkPath(fn, path string) error {
	p, err := hl7v2.ParsePath(path)
	if err != nil {
		return err
	}
	switch fn {
	case "field", "fields":
		if p.Field == 0 {
			return errNoField(path)
		}
	case "count":
		if p.Component > 0 || explicitRep(path) {
			return errCountPath(path)
		}
	}
	return nil
}
