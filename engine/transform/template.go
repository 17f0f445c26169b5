package transform

import (
	"errors"
	"fmt"
	"strings"
	"sync"
	"text/template"
	"text/template/parse"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// valueTemplate is a set value that reads other fields of the message:
// '{{field "PID-3(1).1"}}-X'. text/template binds functions to a template,
// not to an execution, so each concurrent execution takes a clone of the
// template from a pool, whose field function reads the message in its
// binding.
type valueTemplate struct {
	pool sync.Pool // of *boundTemplate
}

type boundTemplate struct {
	t   *template.Template
	m   *hl7v2.Message
	buf strings.Builder
}

// isTemplate reports whether a value is a template rather than plain text.
func isTemplate(s string) bool { return strings.Contains(s, "{{") }

// placeholderFuncs declares the template functions for parsing; each clone
// replaces them with functions bound to its message.
var placeholderFuncs = template.FuncMap{"field": func(string) (string, error) { return "", nil }}

// newValueTemplate parses and checks a value template: the paths given to
// field as literals must be valid.
func newValueTemplate(src string) (*valueTemplate, error) {
	t, err := template.New("value").Option("missingkey=error").Funcs(placeholderFuncs).Parse(src)
	if err != nil {
		// The error reads "template: value:1: ..."; keep what follows.
		msg := strings.TrimPrefix(err.Error(), "template: ")
		return nil, fmt.Errorf("bad template: %s", msg)
	}
	if err := checkTemplate(t.Tree.Root); err != nil {
		return nil, err
	}
	vt := &valueTemplate{}
	vt.pool.New = func() any {
		b := &boundTemplate{}
		// Clone cannot fail for a template that has not been executed.
		b.t = template.Must(t.Clone())
		b.t.Funcs(template.FuncMap{"field": b.field})
		return b
	}
	return vt, nil
}

// field is the template function: the decoded text at a path.
func (b *boundTemplate) field(path string) (string, error) {
	p, err := hl7v2.ParsePath(path)
	if err != nil {
		return "", err
	}
	return b.m.LookupPath(p).String(), nil
}

// execute runs the template on m.
func (vt *valueTemplate) execute(m *hl7v2.Message) (string, error) {
	b := vt.pool.Get().(*boundTemplate)
	b.m = m
	b.buf.Reset()
	err := b.t.Execute(&b.buf, nil)
	out := b.buf.String()
	b.m = nil
	b.buf = strings.Builder{} // out holds the bytes; start afresh
	vt.pool.Put(b)
	if err != nil {
		return "", fmt.Errorf("executing the value template: %s", templateError(err))
	}
	return out, nil
}

// templateError shortens a text/template execution error. Such errors name
// the template position and the failing call, and carry the error of the
// field function (a bad path), never the text of a field.
func templateError(err error) string {
	var ee template.ExecError
	if errors.As(err, &ee) {
		err = ee.Err
	}
	return strings.TrimPrefix(err.Error(), "template: ")
}

// checkTemplate validates the literal paths passed to field.
func checkTemplate(n parse.Node) error {
	switch n := n.(type) {
	case *parse.ListNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Nodes {
			if err := checkTemplate(c); err != nil {
				return err
			}
		}
	case *parse.ActionNode:
		return checkTemplate(n.Pipe)
	case *parse.PipeNode:
		if n == nil {
			return nil
		}
		for _, c := range n.Cmds {
			if err := checkTemplate(c); err != nil {
				return err
			}
		}
	case *parse.CommandNode:
		if id, ok := n.Args[0].(*parse.IdentifierNode); ok && id.Ident == "field" {
			if len(n.Args) != 2 {
				return fmt.Errorf("bad template: field takes one path, as in {{field \"PID-3.1\"}}")
			}
			if s, ok := n.Args[1].(*parse.StringNode); ok {
				if _, err := parsePath(s.Text); err != nil {
					return fmt.Errorf("bad template: %w", err)
				}
			}
		}
		for _, a := range n.Args {
			if err := checkTemplate(a); err != nil {
				return err
			}
		}
	case *parse.IfNode:
		return checkBranch(&n.BranchNode)
	case *parse.RangeNode:
		return checkBranch(&n.BranchNode)
	case *parse.WithNode:
		return checkBranch(&n.BranchNode)
	}
	return nil
}

func checkBranch(b *parse.BranchNode) error {
	for _, n := range []parse.Node{b.Pipe, b.List, b.ElseList} {
		if err := checkTemplate(n); err != nil {
			return err
		}
	}
	return nil
}
