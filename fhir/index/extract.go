package index

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/fhir/fhirpath"
	"github.com/plexus-health/plexus/fhir/spec"
)

// Entries are the search index rows of one resource, one slice per table.
type Entries struct {
	Strings    []String
	Tokens     []Token
	References []Reference
	Dates      []Date
	Numbers    []Number
	Quantities []Quantity
	URIs       []URI
	// Problems lists the parameters whose expression failed on this
	// resource (the resource is stored, without values for them); it is
	// empty for every resource of the Synthea test set.
	Problems []string
}

// Len is the number of rows.
func (e *Entries) Len() int {
	return len(e.Strings) + len(e.Tokens) + len(e.References) + len(e.Dates) + len(e.Numbers) + len(e.Quantities) + len(e.URIs)
}

// Rows of each table; Param and Grp as the migration describes them.
type (
	String struct {
		Param string
		Grp   int
		Value string // NormalizeString(Exact)
		Exact string
	}
	Token struct {
		Param        string
		Grp          int
		System, Code string
		Text         string // normalised display or text, for :text
	}
	Reference struct {
		Param                string
		Grp                  int
		TargetType, TargetID string
		URL, Version         string
	}
	Date struct {
		Param  string
		Grp    int
		Lo, Hi int64
	}
	Number struct {
		Param string
		Grp   int
		Value float64
	}
	Quantity struct {
		Param              string
		Grp                int
		Value              float64
		System, Code, Unit string
		CanonValue         float64
		CanonCode          string
	}
	URI struct {
		Param string
		Grp   int
		URI   string
	}
)

// Extract computes the index rows of resource, a JSON resource of type typ.
// It fails only when the JSON cannot be decoded or typ is not a resource
// type; a parameter whose expression fails on this resource is listed in
// Problems.
func Extract(typ string, resource []byte) (*Entries, error) {
	dec := json.NewDecoder(bytes.NewReader(resource))
	dec.UseNumber()
	var root map[string]any
	if err := dec.Decode(&root); err != nil {
		return nil, fmt.Errorf("fhir/index: decoding %s: %w", typ, err)
	}
	return ExtractMap(typ, root)
}

// ExtractMap is Extract for a resource already decoded (with
// json.Decoder.UseNumber, as the validator decodes it), so that a write
// decodes its JSON once. It does not modify root.
func ExtractMap(typ string, root map[string]any) (*Entries, error) {
	ps, err := paramsFor(typ)
	if err != nil {
		return nil, err
	}
	x := extractor{e: &Entries{}}
	for _, p := range ps {
		items, err := p.expr.Evaluate(root, nil)
		if err != nil {
			x.e.Problems = append(x.e.Problems, p.code+": "+err.Error())
			continue
		}
		if p.typ == spec.SearchComposite {
			x.composite(p, items)
			continue
		}
		x.phonetic = p.phonetic
		for _, it := range items {
			x.add(p.typ, p.code, 0, p.targets, it)
		}
		x.phonetic = false
	}
	return x.e, nil
}

type extractor struct {
	e        *Entries
	grp      int
	phonetic bool // the parameter being extracted is phonetic
}

// composite gives each element the expression selects a group, and indexes
// each component evaluated on it under "<code>$<n>".
func (x *extractor) composite(p *param, items fhirpath.Collection) {
	for _, it := range items {
		x.grp++
		for n, c := range p.components {
			vals, err := c.expr.Evaluate(it, nil)
			if err != nil {
				x.e.Problems = append(x.e.Problems, p.code+": "+err.Error())
				continue
			}
			code := p.code + "$" + strconv.Itoa(n)
			for _, v := range vals {
				x.add(c.typ, code, x.grp, nil, v)
			}
		}
	}
}

// add indexes one value of a parameter of search type st.
func (x *extractor) add(st, code string, grp int, targets map[string]bool, v fhirpath.Value) {
	n, isNode := v.(*fhirpath.Node)
	if !isNode {
		x.addSystem(st, code, grp, v)
		return
	}
	m, _ := n.Data.(map[string]any)
	s, isString := n.Data.(string)
	switch st {
	case spec.SearchString:
		switch {
		case isString:
			x.str(code, grp, s)
		case n.Type == "HumanName":
			x.strParts(code, grp, m, "text", "family", "given", "prefix", "suffix")
		case n.Type == "Address":
			x.strParts(code, grp, m, "text", "line", "city", "district", "state", "postalCode", "country")
		case m != nil:
			// Any other complex type: its string members.
			for _, k := range slices.Sorted(maps.Keys(m)) {
				if s, ok := m[k].(string); ok {
					x.str(code, grp, s)
				}
			}
		}
	case spec.SearchToken:
		x.token(code, grp, n, m)
	case spec.SearchReference:
		x.reference(code, grp, targets, n, m)
	case spec.SearchDate:
		x.date(code, grp, n, m)
	case spec.SearchNumber:
		if f, ok := number(n.Data); ok {
			x.e.Numbers = append(x.e.Numbers, Number{Param: code, Grp: grp, Value: f})
		}
	case spec.SearchQuantity:
		x.quantity(code, grp, n.Type, m)
	case spec.SearchURI:
		if isString {
			x.e.URIs = append(x.e.URIs, URI{Param: code, Grp: grp, URI: s})
		}
	}
}

// addSystem indexes a FHIRPath system value (an expression such as
// "Patient.deceased.exists() and Patient.deceased != false" yields one).
func (x *extractor) addSystem(st, code string, grp int, v fhirpath.Value) {
	switch st {
	case spec.SearchToken:
		var s string
		switch t := v.(type) {
		case fhirpath.Boolean:
			s = strconv.FormatBool(bool(t))
		case fhirpath.String:
			s = string(t)
		case fhirpath.Integer:
			s = strconv.FormatInt(int64(t), 10)
		default:
			return
		}
		x.e.Tokens = append(x.e.Tokens, Token{Param: code, Grp: grp, Code: s})
	case spec.SearchString:
		if s, ok := v.(fhirpath.String); ok {
			x.str(code, grp, string(s))
		}
	case spec.SearchURI:
		if s, ok := v.(fhirpath.String); ok {
			x.e.URIs = append(x.e.URIs, URI{Param: code, Grp: grp, URI: string(s)})
		}
	case spec.SearchNumber:
		switch t := v.(type) {
		case fhirpath.Integer:
			x.e.Numbers = append(x.e.Numbers, Number{Param: code, Grp: grp, Value: float64(t)})
		case fhirpath.Decimal:
			x.e.Numbers = append(x.e.Numbers, Number{Param: code, Grp: grp, Value: t.F})
		}
	case spec.SearchDate:
		if t, ok := v.(fhirpath.Temporal); ok {
			x.dateString(code, grp, t.String())
		}
	}
}

func (x *extractor) str(code string, grp int, s string) {
	if strings.TrimSpace(s) == "" {
		return
	}
	if x.phonetic {
		// One row per word: its Soundex code, and the word as written.
		for _, w := range strings.Fields(s) {
			if c := Phonetic(w); c != "" {
				x.e.Strings = append(x.e.Strings, String{Param: code, Grp: grp, Value: c, Exact: w})
			}
		}
		return
	}
	x.e.Strings = append(x.e.Strings, String{Param: code, Grp: grp, Value: NormalizeString(s), Exact: s})
}

// strParts indexes the named members of m, each a string or a list of them.
func (x *extractor) strParts(code string, grp int, m map[string]any, keys ...string) {
	for _, k := range keys {
		switch v := m[k].(type) {
		case string:
			x.str(code, grp, v)
		case []any:
			for _, s := range v {
				if s, ok := s.(string); ok {
					x.str(code, grp, s)
				}
			}
		}
	}
}

func (x *extractor) token(code string, grp int, n *fhirpath.Node, m map[string]any) {
	add := func(system, value, text string) {
		if value == "" && text == "" {
			return
		}
		if text != "" {
			text = NormalizeString(text)
		}
		x.e.Tokens = append(x.e.Tokens, Token{Param: code, Grp: grp, System: system, Code: value, Text: text})
	}
	switch n.Type {
	case "Coding":
		add(str(m, "system"), str(m, "code"), str(m, "display"))
	case "CodeableConcept":
		codings, _ := m["coding"].([]any)
		text := str(m, "text")
		norm := NormalizeString(text)
		for _, c := range codings {
			if c, ok := c.(map[string]any); ok {
				add(str(c, "system"), str(c, "code"), str(c, "display"))
				if norm != "" && NormalizeString(str(c, "display")) == norm {
					norm = "" // the text repeats a display: already searchable
				}
			}
		}
		if norm != "" {
			// Text that no display carries is searchable with :text only,
			// in a row of its own without a code.
			x.e.Tokens = append(x.e.Tokens, Token{Param: code, Grp: grp, Text: norm})
		}
	case "Identifier":
		text := ""
		if t, ok := m["type"].(map[string]any); ok {
			text = str(t, "text")
		}
		add(str(m, "system"), str(m, "value"), text)
	case "ContactPoint":
		add(str(m, "system"), str(m, "value"), "")
	default:
		switch d := n.Data.(type) {
		case string:
			add("", d, "")
		case bool:
			add("", strconv.FormatBool(d), "")
		case json.Number:
			add("", d.String(), "")
		}
	}
}

func (x *extractor) reference(code string, grp int, targets map[string]bool, n *fhirpath.Node, m map[string]any) {
	var ref string
	switch {
	case m != nil:
		ref = str(m, "reference")
		if id, ok := m["identifier"].(map[string]any); ok {
			if v := str(id, "value"); v != "" {
				x.e.Tokens = append(x.e.Tokens, Token{Param: code + ":identifier", Grp: grp, System: str(id, "system"), Code: v})
			}
		}
	default:
		ref, _ = n.Data.(string) // canonical or uri
	}
	if ref == "" || strings.HasPrefix(ref, "#") {
		// Contained resources are not indexed as targets of their own.
		return
	}
	r := ParseReference(ref)
	if targets != nil && !targets[r.TargetType] {
		return
	}
	r.Param, r.Grp = code, grp
	x.e.References = append(x.e.References, r)
}

// ParseReference splits a reference the way the index stores it: a relative
// "Type/id" (or Type/id/_history/n) gives TargetType and TargetID; an
// absolute URL ending in Type/id gives TargetType and the whole URL; anything
// else (a canonical, a urn) is kept in URL with a "|version" suffix cut into
// Version. Search applies it to the values it looks for.
func ParseReference(ref string) Reference {
	var r Reference
	base := ref
	if i := strings.Index(base, "/_history/"); i >= 0 {
		base = base[:i]
	}
	if i := strings.LastIndexByte(base, '/'); i > 0 {
		typ := base[:i]
		if j := strings.LastIndexByte(typ, '/'); j >= 0 {
			typ = typ[j+1:]
		}
		id := base[i+1:]
		if isTypeName(typ) && id != "" && !strings.ContainsAny(id, "|?#") {
			r.TargetType = typ
			if strings.Contains(ref[:i], "://") {
				// Absolute: the index cannot tell whether the base is this
				// server's (a search that names this server's base turns
				// its value into Type/id), so the URL is kept whole.
				r.URL = ref
				return r
			}
			r.TargetID = id
			return r
		}
	}
	url, version, _ := strings.Cut(ref, "|")
	r.URL, r.Version = url, version
	return r
}

func isTypeName(s string) bool {
	sp, err := spec.R4()
	return err == nil && sp.IsResource(s)
}

func (x *extractor) date(code string, grp int, n *fhirpath.Node, m map[string]any) {
	switch n.Type {
	case "Period":
		lo, hi := MinTime, MaxTime
		if s := str(m, "start"); s != "" {
			l, _, err := DateRange(s)
			if err != nil {
				return
			}
			lo = l
		}
		if s := str(m, "end"); s != "" {
			_, h, err := DateRange(s)
			if err != nil {
				return
			}
			hi = h
		}
		if str(m, "start") == "" && str(m, "end") == "" {
			return
		}
		x.e.Dates = append(x.e.Dates, Date{Param: code, Grp: grp, Lo: lo, Hi: hi})
	case "Timing":
		events, _ := m["event"].([]any)
		for _, e := range events {
			if s, ok := e.(string); ok {
				x.dateString(code, grp, s)
			}
		}
		if rep, ok := m["repeat"].(map[string]any); ok {
			if bp, ok := rep["boundsPeriod"].(map[string]any); ok {
				x.date(code, grp, &fhirpath.Node{Type: "Period", Data: bp}, bp)
			}
		}
	default:
		if s, ok := n.Data.(string); ok {
			x.dateString(code, grp, s)
		}
	}
}

func (x *extractor) dateString(code string, grp int, s string) {
	lo, hi, err := DateRange(s)
	if err != nil {
		return // the validator refuses such a value on write
	}
	x.e.Dates = append(x.e.Dates, Date{Param: code, Grp: grp, Lo: lo, Hi: hi})
}

func (x *extractor) quantity(code string, grp int, typ string, m map[string]any) {
	if m == nil {
		return
	}
	switch typ {
	case "Range":
		for _, k := range []string{"low", "high"} {
			if q, ok := m[k].(map[string]any); ok {
				x.quantity(code, grp, "Quantity", q)
			}
		}
		return
	case "Money":
		if f, ok := number(m["value"]); ok {
			cur := str(m, "currency")
			x.e.Quantities = append(x.e.Quantities, Quantity{Param: code, Grp: grp, Value: f,
				System: "urn:iso:std:iso:4217", Code: cur, Unit: cur, CanonValue: f, CanonCode: cur})
		}
		return
	}
	f, ok := number(m["value"])
	if !ok {
		return
	}
	q := Quantity{Param: code, Grp: grp, Value: f, System: str(m, "system"), Code: str(m, "code"), Unit: str(m, "unit")}
	ucum := q.System == "http://unitsofmeasure.org" || q.System == ""
	if cv, cc, ok := CanonicalQuantity(f, q.Code); ok && ucum {
		q.CanonValue, q.CanonCode = cv, cc
	}
	x.e.Quantities = append(x.e.Quantities, q)
}

func str(m map[string]any, k string) string {
	s, _ := m[k].(string)
	return s
}

func number(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := n.Float64()
		return f, err == nil
	case float64:
		return n, true
	}
	return 0, false
}
