package index

import (
	"fmt"
	"regexp"
	"strings"
	"sync"

	"github.com/plexus-health/plexus/fhir/fhirpath"
	"github.com/plexus-health/plexus/fhir/spec"
)

// param is a search parameter compiled for one resource type.
type param struct {
	code string
	typ  string // spec.Search* constant
	expr *fhirpath.Expression
	// targets, when set, keeps only references to these types: the
	// definition's X.where(resolve() is T), which needs no resolution to
	// decide since a reference names its target's type.
	targets map[string]bool
	// components of a composite parameter.
	components []component
	// phonetic parameters store Phonetic codes instead of normalised text.
	phonetic bool
}

type component struct {
	typ  string
	expr *fhirpath.Expression
}

var (
	paramsMu     sync.Mutex
	paramsByType = map[string][]*param{}
	paramErrs    = map[string]error{}
)

// whereResolve matches the one use of resolve() the R4 definitions make.
var whereResolve = regexp.MustCompile(`\.where\(resolve\(\) is ([A-Za-z]+)\)`)

// castAs matches a parenthesised type cast.
var castAs = regexp.MustCompile(`\(([A-Za-z][A-Za-z0-9.]*) as ([A-Za-z]+)\)`)

// paramsFor returns the compiled parameters of resource type typ, compiling
// them on first use.
func paramsFor(typ string) ([]*param, error) {
	paramsMu.Lock()
	defer paramsMu.Unlock()
	if ps, ok := paramsByType[typ]; ok {
		return ps, paramErrs[typ]
	}
	ps, err := compileParams(typ)
	paramsByType[typ], paramErrs[typ] = ps, err
	return ps, err
}

func compileParams(typ string) ([]*param, error) {
	sp, err := spec.R4()
	if err != nil {
		return nil, fmt.Errorf("fhir/index: loading definitions: %w", err)
	}
	if !sp.IsResource(typ) {
		return nil, fmt.Errorf("fhir/index: %q is not a resource type", typ)
	}
	var out []*param
	for _, sp0 := range sp.SearchParams(typ) {
		// _id and _lastUpdated are columns of fhir_resources.
		if sp0.Type == spec.SearchSpecial || sp0.Code == "_id" || sp0.Code == "_lastUpdated" {
			continue
		}
		source := sp0.ExpressionFor(typ)
		if source == "" {
			continue
		}
		// Parameters of every resource are written on the abstract base
		// ("Resource.meta.tag"); evaluate them on the concrete type.
		for _, base := range []string{"Resource.", "DomainResource."} {
			if strings.HasPrefix(source, base) {
				source = typ + "." + source[len(base):]
			}
		}
		p := &param{code: sp0.Code, typ: sp0.Type, phonetic: sp0.XPathUsage == "phonetic"}
		for _, m := range whereResolve.FindAllStringSubmatch(source, -1) {
			if p.targets == nil {
				p.targets = map[string]bool{}
			}
			p.targets[m[1]] = true
		}
		source = whereResolve.ReplaceAllString(source, "")
		// "(X as T)" fails on a collection of several items in FHIRPath, but
		// a search parameter means every item of type T:
		// Observation.component.value as Quantity.
		source = castAs.ReplaceAllString(source, "($1.ofType($2))")
		if p.expr, err = fhirpath.Compile(source); err != nil {
			return nil, fmt.Errorf("fhir/index: search parameter %s of %s: %w", sp0.Code, typ, err)
		}
		for _, c := range sp0.Components {
			def := sp.SearchParamByURL(c.Definition)
			if def == nil {
				return nil, fmt.Errorf("fhir/index: composite %s of %s names unknown parameter %s", sp0.Code, typ, c.Definition)
			}
			e, err := fhirpath.Compile(c.Expression)
			if err != nil {
				return nil, fmt.Errorf("fhir/index: component %s of %s: %w", c.Definition, sp0.Code, err)
			}
			p.components = append(p.components, component{typ: def.Type, expr: e})
		}
		out = append(out, p)
	}
	return out, nil
}
