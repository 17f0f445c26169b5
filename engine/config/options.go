package config

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"sort"
	"strings"

	"go.yaml.in/yaml/v3"

	"github.com/plexus-health/plexus/engine"
)

// Keys of a source or destination section that belong to the engine; the
// rest are the connector's options.
var (
	sourceKeys      = []string{"type"}
	destinationKeys = []string{"name", "order", "retry", "transform", "type"}
)

// options is the engine.Options of one connector section: the keys of a
// source or destination that the engine does not own.
type options struct {
	file  string
	path  string     // field path of the section, "channels[0].source"
	node  *yaml.Node // mapping of the connector's keys
	owned []string   // keys the engine took, offered as "did you mean" hints
}

var (
	_ engine.Options = (*options)(nil)
	_ nodeDecoder    = (*Source)(nil)
	_ nodeDecoder    = (*Destination)(nil)
	_ defaulter      = (*Channel)(nil)
)

// Decode fills v, a pointer to a struct with yaml tags, from the
// connector's keys. Fields the YAML leaves out keep the value they had, so
// set defaults before calling it. Unknown keys and values of the wrong
// type are all reported, in one *ValidationError, as
// "file:line:col: channels[0].source.listen: problem".
func (o *options) Decode(v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return fmt.Errorf("config: Decode needs a non-nil pointer, not %T", v)
	}
	d := newDecoder(o.file)
	d.root, d.rootNames = o.path, o.owned
	d.decode(o.node, rv.Elem(), o.path)
	if len(d.problems) > 0 {
		sortProblems(d.problems)
		return &ValidationError{Problems: d.problems}
	}
	return nil
}

// String shows the section's field path, never its values.
func (o *options) String() string { return "options of " + o.path }

// split separates the pairs of a connector section into the engine's keys,
// returned as a mapping node for the decoder, and the connector's options.
func (d *decoder) split(n *yaml.Node, path string, owned []string) (engineKeys *yaml.Node, opts *options) {
	mine := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: n.Line, Column: n.Column}
	rest := &yaml.Node{Kind: yaml.MappingNode, Tag: "!!map", Line: n.Line, Column: n.Column}
	for _, p := range d.pairs(n, path) {
		dst := rest
		for _, k := range owned {
			if p.name == k {
				dst = mine
			}
		}
		dst.Content = append(dst.Content, p.key, p.value)
	}
	return mine, &options{file: d.file, path: path, node: rest, owned: owned}
}

// decodeNode decodes a source section: its type, and the connector's keys
// kept as Options.
func (s *Source) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind != yaml.MappingNode {
		d.problem(n, path, "must be a mapping, not %s", describe(n))
		return
	}
	mine, opts := d.split(n, path, sourceKeys)
	var typ struct {
		Type string `yaml:"type"`
	}
	d.decodeStruct(mine, reflect.ValueOf(&typ).Elem(), path)
	s.Type, s.Options, s.node = typ.Type, opts, opts.node
}

// decodeNode decodes a destination section: the engine's keys into the
// struct, the connector's keys kept as Options.
func (dst *Destination) decodeNode(d *decoder, n *yaml.Node, path string) {
	if n.Kind != yaml.MappingNode {
		d.problem(n, path, "must be a mapping, not %s", describe(n))
		return
	}
	dst.setDefaults()
	mine, opts := d.split(n, path, destinationKeys)
	d.decodeStruct(mine, reflect.ValueOf(dst).Elem(), path)
	dst.Options = opts
}

// connectorProblems turns the error a connector factory returned into
// problems. A *ValidationError from Options.Decode is taken as it is.
// Other errors are read one line at a time; a line "field: message" whose
// field looks like a key path ("listen", "tls.cert") gets that field path
// and is placed on its key's line, or on its closest parent's if the key
// is absent; anything else is placed on the section.
func connectorProblems(err error, o *options, at *yaml.Node) []Problem {
	var verr *ValidationError
	if errors.As(err, &verr) {
		return verr.Problems
	}
	index := map[string]*yaml.Node{}
	indexNodes(o.node, "", index)
	var out []Problem
	for _, line := range strings.Split(err.Error(), "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		p := Problem{File: o.file, Line: at.Line, Column: at.Column, Field: o.path, Message: line}
		if field, msg, ok := strings.Cut(line, ": "); ok && fieldPath.MatchString(field) {
			p.Field, p.Message = o.path+"."+field, msg
			for f := field; f != ""; {
				if n, found := index[f]; found {
					p.Line, p.Column = n.Line, n.Column
					break
				}
				i := strings.LastIndexAny(f, ".[")
				if i < 0 {
					break
				}
				f = f[:i]
			}
		}
		out = append(out, p)
	}
	return out
}

// fieldPath matches what connectors put before ": " to name a field.
var fieldPath = regexp.MustCompile(`^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+|\[[0-9]+\])*$`)

// indexNodes records the node of every field path under n.
func indexNodes(n *yaml.Node, path string, index map[string]*yaml.Node) {
	n = resolve(n)
	if n == nil || len(index) > maxNodes {
		return
	}
	if path != "" {
		index[path] = n
	}
	switch n.Kind {
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			if k := resolve(n.Content[i]); k != nil && k.Kind == yaml.ScalarNode && k.ShortTag() != "!!merge" {
				indexNodes(n.Content[i+1], join(path, k.Value), index)
			}
		}
	case yaml.SequenceNode:
		for i, item := range n.Content {
			indexNodes(item, fmt.Sprintf("%s[%d]", path, i), index)
		}
	}
}

// sortProblems orders problems by file, line and column, keeping the order
// they were found in otherwise.
func sortProblems(ps []Problem) {
	sort.SliceStable(ps, func(i, j int) bool {
		a, b := ps[i], ps[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
}
