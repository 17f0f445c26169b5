package spec

import "strings"

// Search parameter types, as SearchParameter.type spells them.
const (
	SearchNumber    = "number"
	SearchDate      = "date"
	SearchString    = "string"
	SearchToken     = "token"
	SearchReference = "reference"
	SearchComposite = "composite"
	SearchQuantity  = "quantity"
	SearchURI       = "uri"
	SearchSpecial   = "special"
)

// SearchParam is one SearchParameter of the core.
type SearchParam struct {
	// URL is the canonical URL ("http://hl7.org/fhir/SearchParameter/clinical-patient").
	URL string
	// ID is the resource id in the package ("clinical-patient").
	ID string
	// Name is the computer-friendly name.
	Name string
	// Code is the name used in a search URL ("patient", "_id").
	Code string
	// Base lists the resource types the parameter applies to. "Resource"
	// and "DomainResource" mean every type that specializes them.
	Base []string
	// Type is one of the Search* constants.
	Type string
	// Expression is the FHIRPath expression as the definition gives it; for
	// a parameter with several bases it covers them all, joined with "|".
	// Use ExpressionFor to get the part for one base. Empty for parameters
	// the server implements specially (_content, _text, _query, _filter).
	Expression string
	// XPath is the XPath expression, and XPathUsage how to read it
	// ("normal", "phonetic", "nearby", "distance", "other").
	XPath      string
	XPathUsage string
	// Targets lists the resource types a reference parameter may point to.
	Targets []string
	// Modifiers lists the allowed modifiers when the definition restricts
	// them; the core rarely does.
	Modifiers []string
	// Comparators lists the allowed prefixes ("eq", "ne", "gt", ...) when
	// the definition lists them.
	Comparators []string
	// Chains lists the chained names allowed, when restricted.
	Chains []string
	// MultipleOr and MultipleAnd are set when the definition says whether
	// several values (a,b) or repetitions of the parameter are allowed; nil
	// when it does not say.
	MultipleOr  *bool
	MultipleAnd *bool
	// Components are the parts of a composite parameter, in order.
	Components []Component

	perBase map[string]string
}

// Component is one part of a composite search parameter.
type Component struct {
	// Definition is the URL of the search parameter for this part; resolve
	// it with [Spec.SearchParamByURL].
	Definition string
	// Expression is the FHIRPath expression, relative to the value selected
	// by the composite parameter's expression.
	Expression string
}

// ExpressionFor returns the part of Expression that applies to resources of
// type base: for clinical-patient and "Observation" it returns
// "Observation.subject.where(resolve() is Patient)". When the expression has
// a single part, or no part names base (as for "Resource.id", which applies
// to every type), the whole expression is returned.
func (p *SearchParam) ExpressionFor(base string) string {
	if e, ok := p.perBase[base]; ok {
		return e
	}
	return p.Expression
}

// index splits Expression into its parts by base type.
func (p *SearchParam) index() {
	if len(p.Base) < 2 {
		return
	}
	parts := splitUnion(p.Expression)
	if len(parts) < 2 {
		return
	}
	byBase := make(map[string][]string)
	for _, part := range parts {
		head := strings.TrimLeft(part, "( ")
		end := strings.IndexAny(head, ".( ")
		if end < 0 {
			end = len(head)
		}
		byBase[head[:end]] = append(byBase[head[:end]], part)
	}
	p.perBase = make(map[string]string, len(byBase))
	for _, b := range p.Base {
		if ps, ok := byBase[b]; ok {
			p.perBase[b] = strings.Join(ps, " | ")
		}
	}
}

// splitUnion splits a FHIRPath expression at its top-level "|" operators,
// ignoring those inside parentheses, brackets and string literals. The parts
// are trimmed of spaces.
func splitUnion(expr string) []string {
	var parts []string
	depth, start := 0, 0
	var quote byte
	for i := 0; i < len(expr); i++ {
		c := expr[i]
		switch {
		case quote != 0:
			if c == '\\' {
				i++
			} else if c == quote {
				quote = 0
			}
		case c == '\'' || c == '"' || c == '`':
			quote = c
		case c == '(' || c == '[' || c == '{':
			depth++
		case c == ')' || c == ']' || c == '}':
			depth--
		case c == '|' && depth == 0:
			parts = append(parts, strings.TrimSpace(expr[start:i]))
			start = i + 1
		}
	}
	return append(parts, strings.TrimSpace(expr[start:]))
}
