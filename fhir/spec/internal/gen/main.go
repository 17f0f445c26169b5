// Command gen reads the official FHIR R4 core package (hl7.fhir.r4.core) and
// writes the definitions package spec embeds. It is run by go generate in
// fhir/spec:
//
//	go run ./internal/gen -package ../../../shared/spec/fhir-r4/package -out data/r4.gob.gz
//
// It keeps the core's resource types, data types and primitive types (the
// StructureDefinitions that specialize, not the profiles or logical models),
// the non-experimental SearchParameters, the CompartmentDefinitions and the
// expansions of the value sets that required bindings name (see
// valueset.go), and checks that they hang together before writing anything.
package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/plexus-health/plexus/fhir/spec"
)

func main() {
	pkg := flag.String("package", "", "directory of the unpacked hl7.fhir.r4.core package")
	out := flag.String("out", "", "file to write the definitions to")
	flag.Parse()
	if *pkg == "" || *out == "" {
		fmt.Fprintln(os.Stderr, "usage: gen -package DIR -out FILE")
		os.Exit(2)
	}
	if err := run(*pkg, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(pkg, out string) error {
	d, err := Read(pkg)
	if err != nil {
		return err
	}
	if _, err := spec.New(d); err != nil {
		return err
	}
	// New indexed d in place; encoding uses only the exported fields.
	var buf bytes.Buffer
	if err := d.Encode(&buf); err != nil {
		return err
	}
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return err
	}
	expanded := 0
	for _, vs := range d.ValueSets {
		if vs.Expanded() {
			expanded++
		}
	}
	fmt.Printf("gen: %d types, %d primitives, %d search parameters, %d compartments, %d value sets (%d expanded), %d code system hierarchies; %d bytes to %s\n",
		len(d.Types), len(d.Primitives), len(d.SearchParams), len(d.Compartments), len(d.ValueSets), expanded, len(d.Hierarchies), buf.Len(), out)
	return nil
}

// The parts of the package's JSON the generator reads.
type (
	packageJSON struct {
		Version string `json:"version"`
	}
	structureDefinition struct {
		ID             string `json:"id"`
		URL            string `json:"url"`
		Kind           string `json:"kind"`
		Abstract       bool   `json:"abstract"`
		Type           string `json:"type"`
		BaseDefinition string `json:"baseDefinition"`
		Derivation     string `json:"derivation"`
		Snapshot       struct {
			Element []elementDefinition `json:"element"`
		} `json:"snapshot"`
	}
	elementDefinition struct {
		Path             string `json:"path"`
		Min              int    `json:"min"`
		Max              string `json:"max"`
		SliceName        string `json:"sliceName"`
		ContentReference string `json:"contentReference"`
		IsModifier       bool   `json:"isModifier"`
		IsSummary        bool   `json:"isSummary"`
		Type             []struct {
			Code          string      `json:"code"`
			Extension     []extension `json:"extension"`
			TargetProfile []string    `json:"targetProfile"`
			Profile       []string    `json:"profile"`
		} `json:"type"`
		Constraint []struct {
			Key        string `json:"key"`
			Severity   string `json:"severity"`
			Human      string `json:"human"`
			Expression string `json:"expression"`
		} `json:"constraint"`
		Binding *struct {
			Strength string `json:"strength"`
			ValueSet string `json:"valueSet"`
		} `json:"binding"`
	}
	extension struct {
		URL         string `json:"url"`
		ValueURL    string `json:"valueUrl"`
		ValueString string `json:"valueString"`
	}
	searchParameter struct {
		ID           string   `json:"id"`
		URL          string   `json:"url"`
		Name         string   `json:"name"`
		Code         string   `json:"code"`
		Experimental bool     `json:"experimental"`
		Base         []string `json:"base"`
		Type         string   `json:"type"`
		Expression   string   `json:"expression"`
		XPath        string   `json:"xpath"`
		XPathUsage   string   `json:"xpathUsage"`
		Target       []string `json:"target"`
		Modifier     []string `json:"modifier"`
		Comparator   []string `json:"comparator"`
		Chain        []string `json:"chain"`
		MultipleOr   *bool    `json:"multipleOr"`
		MultipleAnd  *bool    `json:"multipleAnd"`
		Component    []struct {
			Definition string `json:"definition"`
			Expression string `json:"expression"`
		} `json:"component"`
	}
	compartmentDefinition struct {
		URL      string `json:"url"`
		Code     string `json:"code"`
		Resource []struct {
			Code  string   `json:"code"`
			Param []string `json:"param"`
		} `json:"resource"`
	}
)

const (
	extFHIRType = "http://hl7.org/fhir/StructureDefinition/structuredefinition-fhir-type"
	extRegex    = "http://hl7.org/fhir/StructureDefinition/regex"
	systemTypes = "http://hl7.org/fhirpath/"
)

// Read reads the package in dir into definitions.
func Read(dir string) (*spec.Definitions, error) {
	var pj packageJSON
	if err := readJSON(filepath.Join(dir, "package.json"), &pj); err != nil {
		return nil, err
	}
	d := &spec.Definitions{FHIRVersion: pj.Version}

	sds, err := filepath.Glob(filepath.Join(dir, "StructureDefinition-*.json"))
	if err != nil {
		return nil, err
	}
	sort.Strings(sds) // constraint indexes follow file order
	var constraints constraintTable
	for _, f := range sds {
		var sd structureDefinition
		if err := readJSON(f, &sd); err != nil {
			return nil, err
		}
		switch {
		case sd.Kind != spec.KindResource && sd.Kind != spec.KindComplexType && sd.Kind != spec.KindPrimitiveType:
			continue // logical models
		case sd.Derivation == "constraint":
			continue // profiles and extensions
		case sd.Type != sd.ID:
			return nil, fmt.Errorf("%s: type %s is not the id %s", f, sd.Type, sd.ID)
		}
		t, prim, err := convertType(&sd, &constraints)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		d.Types = append(d.Types, t)
		if prim != nil {
			d.Primitives = append(d.Primitives, prim)
		}
	}
	d.Constraints = constraints.list
	sort.Slice(d.Types, func(i, j int) bool { return d.Types[i].Name < d.Types[j].Name })
	sort.Slice(d.Primitives, func(i, j int) bool { return d.Primitives[i].Name < d.Primitives[j].Name })

	sps, err := filepath.Glob(filepath.Join(dir, "SearchParameter-*.json"))
	if err != nil {
		return nil, err
	}
	for _, f := range sps {
		var sp searchParameter
		if err := readJSON(f, &sp); err != nil {
			return nil, err
		}
		// Experimental parameters are the package's examples and the
		// extension-based parameters, most without a base or an expression.
		if sp.Experimental {
			continue
		}
		p := &spec.SearchParam{
			URL: sp.URL, ID: sp.ID, Name: sp.Name, Code: sp.Code, Base: sp.Base, Type: sp.Type,
			Expression: sp.Expression, XPath: sp.XPath, XPathUsage: sp.XPathUsage,
			Targets: sp.Target, Modifiers: sp.Modifier, Comparators: sp.Comparator, Chains: sp.Chain,
			MultipleOr: sp.MultipleOr, MultipleAnd: sp.MultipleAnd,
		}
		for _, c := range sp.Component {
			p.Components = append(p.Components, spec.Component{Definition: c.Definition, Expression: c.Expression})
		}
		d.SearchParams = append(d.SearchParams, p)
	}
	sort.Slice(d.SearchParams, func(i, j int) bool { return d.SearchParams[i].URL < d.SearchParams[j].URL })

	cds, err := filepath.Glob(filepath.Join(dir, "CompartmentDefinition-*.json"))
	if err != nil {
		return nil, err
	}
	for _, f := range cds {
		if strings.HasSuffix(f, "-example.json") {
			continue
		}
		var cd compartmentDefinition
		if err := readJSON(f, &cd); err != nil {
			return nil, err
		}
		c := &spec.Compartment{Code: cd.Code, URL: cd.URL}
		for _, r := range cd.Resource {
			c.Resources = append(c.Resources, spec.CompartmentResource{Type: r.Code, Params: r.Param})
		}
		sort.Slice(c.Resources, func(i, j int) bool { return c.Resources[i].Type < c.Resources[j].Type })
		d.Compartments = append(d.Compartments, c)
	}
	sort.Slice(d.Compartments, func(i, j int) bool { return d.Compartments[i].Code < d.Compartments[j].Code })

	term, err := readTerminology(dir)
	if err != nil {
		return nil, err
	}
	if d.ValueSets, err = allValueSets(d.Types, term); err != nil {
		return nil, err
	}
	d.Hierarchies = hierarchies(term)

	if err := check(d); err != nil {
		return nil, err
	}
	return d, nil
}

// convertType converts one StructureDefinition; for a primitive type it also
// returns the primitive's format.
func convertType(sd *structureDefinition, constraints *constraintTable) (*spec.TypeDef, *spec.PrimitiveDef, error) {
	t := &spec.TypeDef{
		Name:     sd.ID,
		URL:      sd.URL,
		Kind:     sd.Kind,
		Abstract: sd.Abstract,
		Base:     sd.BaseDefinition[strings.LastIndexByte(sd.BaseDefinition, '/')+1:],
	}
	els := sd.Snapshot.Element
	if len(els) == 0 {
		return nil, nil, fmt.Errorf("no snapshot")
	}
	var prim *spec.PrimitiveDef
	if sd.Kind == spec.KindPrimitiveType {
		prim = &spec.PrimitiveDef{Name: sd.ID, Base: t.Base}
	}
	for i, el := range els {
		if el.SliceName != "" {
			return nil, nil, fmt.Errorf("%s: unexpected slice %s", el.Path, el.SliceName)
		}
		e := &spec.ElementDef{
			Path:       el.Path,
			Min:        el.Min,
			Max:        el.Max,
			Choice:     strings.HasSuffix(el.Path, "[x]"),
			IsModifier: el.IsModifier,
			IsSummary:  el.IsSummary,
			ContentRef: el.ContentReference,
		}
		// Children defined inline follow their parent directly.
		e.Backbone = i > 0 && i+1 < len(els) && strings.HasPrefix(els[i+1].Path, el.Path+".")
		for _, c := range el.Constraint {
			e.ConstraintRefs = append(e.ConstraintRefs, constraints.ref(spec.Constraint{Key: c.Key, Severity: c.Severity, Human: c.Human, Expression: c.Expression}))
		}
		if el.Binding != nil {
			e.Binding = &spec.Binding{Strength: el.Binding.Strength, ValueSet: el.Binding.ValueSet}
		}
		for _, ty := range el.Type {
			tr := spec.TypeRef{Code: ty.Code, TargetProfiles: ty.TargetProfile, Profiles: ty.Profile}
			if sys, ok := strings.CutPrefix(ty.Code, systemTypes); ok {
				tr.FHIRPathType = sys
				tr.Code = ""
				for _, x := range ty.Extension {
					if x.URL == extFHIRType {
						tr.Code = x.ValueURL
					}
				}
				if tr.Code == "" {
					// Only xhtml.id lacks the extension; the FHIR type
					// of a system type is its name in lower camel case.
					name := strings.TrimPrefix(sys, "System.")
					tr.Code = strings.ToLower(name[:1]) + name[1:]
				}
			}
			if prim != nil && el.Path == sd.ID+".value" {
				prim.FHIRPathType = tr.FHIRPathType
				for _, x := range ty.Extension {
					if x.URL == extRegex {
						prim.Regex = x.ValueString
					}
				}
			}
			e.Types = append(e.Types, tr)
		}
		t.Elements = append(t.Elements, e)
	}
	if prim != nil && prim.FHIRPathType == "" {
		return nil, nil, fmt.Errorf("primitive %s: no value element", sd.ID)
	}
	return t, prim, nil
}

// constraintTable stores each distinct constraint once.
type constraintTable struct {
	list  []spec.Constraint
	index map[spec.Constraint]int32
}

// ref returns the index of c in the table, adding it if new.
func (t *constraintTable) ref(c spec.Constraint) int32 {
	if i, ok := t.index[c]; ok {
		return i
	}
	if t.index == nil {
		t.index = make(map[spec.Constraint]int32)
	}
	i := int32(len(t.list))
	t.list = append(t.list, c)
	t.index[c] = i
	return i
}

// check verifies that every type an element names, every reference target,
// every search parameter base and compartment entry is defined.
func check(d *spec.Definitions) error {
	types := make(map[string]*spec.TypeDef)
	for _, t := range d.Types {
		types[t.Name] = t
	}
	for _, t := range d.Types {
		if t.Base != "" && types[t.Base] == nil {
			return fmt.Errorf("%s: unknown base type %s", t.Name, t.Base)
		}
		for _, e := range t.Elements {
			for _, tr := range e.Types {
				if types[tr.Code] == nil {
					return fmt.Errorf("%s: unknown type %s", e.Path, tr.Code)
				}
				for _, tg := range tr.Targets() {
					if types[tg] == nil {
						return fmt.Errorf("%s: unknown target %s", e.Path, tg)
					}
				}
			}
		}
	}
	for _, p := range d.SearchParams {
		if len(p.Base) == 0 {
			return fmt.Errorf("search parameter %s has no base", p.URL)
		}
		for _, b := range append(append([]string(nil), p.Base...), p.Targets...) {
			if t := types[b]; t == nil || t.Kind != spec.KindResource {
				return fmt.Errorf("search parameter %s: unknown resource type %s", p.URL, b)
			}
		}
	}
	for _, c := range d.Compartments {
		for _, r := range c.Resources {
			if types[r.Type] == nil {
				return fmt.Errorf("compartment %s: unknown resource type %s", c.Code, r.Type)
			}
		}
	}
	return nil
}

func readJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}
