package fhirpath

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"strings"

	"github.com/plexus-health/plexus/fhir/spec"
)

// xmlElem is a generic XML element.
type xmlElem struct {
	Name     xml.Name
	Attrs    []xml.Attr
	Children []*xmlElem
	Text     string
}

func readXMLTree(r io.Reader) (*xmlElem, error) {
	dec := xml.NewDecoder(r)
	var stack []*xmlElem
	var root *xmlElem
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		switch t := tok.(type) {
		case xml.StartElement:
			e := &xmlElem{Name: t.Name, Attrs: t.Attr}
			if len(stack) > 0 {
				p := stack[len(stack)-1]
				p.Children = append(p.Children, e)
			} else {
				root = e
			}
			stack = append(stack, e)
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) > 0 {
				stack[len(stack)-1].Text += string(t)
			}
		}
	}
	if root == nil {
		return nil, fmt.Errorf("empty document")
	}
	return root, nil
}

func (e *xmlElem) attr(name string) (string, bool) {
	for _, a := range e.Attrs {
		if a.Name.Local == name && a.Name.Space == "" {
			return a.Value, true
		}
	}
	return "", false
}

// xhtml renders an element back as XHTML text.
func (e *xmlElem) xhtml(b *strings.Builder) {
	b.WriteString("<" + e.Name.Local)
	for _, a := range e.Attrs {
		n := a.Name.Local
		if a.Name.Space == "xmlns" {
			n = "xmlns:" + n
		}
		fmt.Fprintf(b, " %s=%q", n, a.Value)
	}
	b.WriteString(">")
	b.WriteString(e.Text)
	for _, c := range e.Children {
		c.xhtml(b)
	}
	b.WriteString("</" + e.Name.Local + ">")
}

// fhirXMLToJSON converts a FHIR XML resource to the JSON model, using the
// definitions to know which elements repeat and which are primitives.
func fhirXMLToJSON(sp *spec.Spec, root *xmlElem) map[string]any {
	m := map[string]any{"resourceType": root.Name.Local}
	convertChildren(sp, root, root.Name.Local, m)
	return m
}

type slot struct {
	vals, exts []any
	repeats    bool
}

func convertChildren(sp *spec.Spec, e *xmlElem, path string, m map[string]any) {
	slots := map[string]*slot{}
	var order []string
	add := func(name string, repeats bool, v any, ext any) {
		s := slots[name]
		if s == nil {
			s = &slot{repeats: repeats}
			slots[name] = s
			order = append(order, name)
		}
		s.vals = append(s.vals, v)
		s.exts = append(s.exts, ext)
	}
	for _, a := range e.Attrs {
		if a.Name.Space != "" || a.Name.Local == "xmlns" || a.Name.Local == "value" {
			continue
		}
		add(a.Name.Local, false, a.Value, nil)
	}
	for _, ch := range e.Children {
		name := ch.Name.Local
		r, ok := sp.Resolve(path + "." + name)
		if !ok || r.Element == nil {
			add(name, false, genericXML(ch), nil)
			continue
		}
		el := r.Element
		t := r.Type
		repeats := el.Repeats()
		switch {
		case t == "xhtml":
			var b strings.Builder
			ch.xhtml(&b)
			add(name, repeats, b.String(), nil)
		case sp.Primitive(t) != nil:
			var v any
			if s, ok := ch.attr("value"); ok {
				v = primitiveJSON(sp, t, s)
			}
			var ext any
			em := map[string]any{}
			convertChildren(sp, &xmlElem{Attrs: ch.Attrs, Children: ch.Children}, "Element", em)
			if len(em) > 0 {
				ext = em
			}
			add(name, repeats, v, ext)
		case t == "Resource" || t == "DomainResource":
			for _, inner := range ch.Children {
				add(name, repeats, fhirXMLToJSON(sp, inner), nil)
			}
		default:
			cm := map[string]any{}
			cp := t
			switch {
			case el.ContentRef != "":
				cp = strings.TrimPrefix(el.ContentRef, "#")
			case el.Backbone || t == "" || t == "BackboneElement" || t == "Element" && len(el.Children()) > 0:
				cp = el.Path
			}
			convertChildren(sp, ch, cp, cm)
			add(name, repeats, cm, nil)
		}
	}
	for _, name := range order {
		s := slots[name]
		hasExt, hasVal := false, false
		for i := range s.vals {
			hasExt = hasExt || s.exts[i] != nil
			hasVal = hasVal || s.vals[i] != nil
		}
		if s.repeats {
			if hasVal {
				m[name] = s.vals
			}
			if hasExt {
				m["_"+name] = s.exts
			}
			continue
		}
		if hasVal {
			m[name] = s.vals[0]
		}
		if hasExt {
			m["_"+name] = s.exts[0]
		}
	}
}

func genericXML(e *xmlElem) any {
	if v, ok := e.attr("value"); ok && len(e.Children) == 0 {
		return v
	}
	m := map[string]any{}
	for _, ch := range e.Children {
		m[ch.Name.Local] = genericXML(ch)
	}
	return m
}

func primitiveJSON(sp *spec.Spec, t, s string) any {
	switch sp.Primitive(t).FHIRPathType {
	case "System.Boolean":
		return s == "true"
	case "System.Integer", "System.Decimal":
		return json.Number(s)
	}
	return s
}
