package main

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/plexus-health/plexus/fhir/spec"
)

// The parts of ValueSet and CodeSystem resources the expansion reads.
type (
	valueSetJSON struct {
		URL     string `json:"url"`
		Version string `json:"version"`
		Compose *struct {
			Include []composeRule `json:"include"`
			Exclude []composeRule `json:"exclude"`
		} `json:"compose"`
	}
	composeRule struct {
		System  string `json:"system"`
		Version string `json:"version"`
		Concept []struct {
			Code string `json:"code"`
		} `json:"concept"`
		Filter []struct {
			Property string `json:"property"`
			Op       string `json:"op"`
			Value    string `json:"value"`
		} `json:"filter"`
		ValueSet []string `json:"valueSet"`
	}
	codeSystemJSON struct {
		URL     string        `json:"url"`
		Content string        `json:"content"`
		Concept []conceptJSON `json:"concept"`
	}
	conceptJSON struct {
		Code    string        `json:"code"`
		Concept []conceptJSON `json:"concept"`
	}
)

// terminology is the package's value sets and code systems by URL.
type terminology struct {
	valueSets   map[string]*valueSetJSON
	codeSystems map[string]*codeSystemJSON
}

func readTerminology(dir string) (*terminology, error) {
	t := &terminology{valueSets: map[string]*valueSetJSON{}, codeSystems: map[string]*codeSystemJSON{}}
	vss, err := filepath.Glob(filepath.Join(dir, "ValueSet-*.json"))
	if err != nil {
		return nil, err
	}
	for _, f := range vss {
		vs := new(valueSetJSON)
		if err := readJSON(f, vs); err != nil {
			return nil, err
		}
		if t.valueSets[vs.URL] != nil {
			return nil, fmt.Errorf("%s: value set %s defined twice", f, vs.URL)
		}
		t.valueSets[vs.URL] = vs
	}
	css, err := filepath.Glob(filepath.Join(dir, "CodeSystem-*.json"))
	if err != nil {
		return nil, err
	}
	for _, f := range css {
		cs := new(codeSystemJSON)
		if err := readJSON(f, cs); err != nil {
			return nil, err
		}
		if t.codeSystems[cs.URL] != nil {
			return nil, fmt.Errorf("%s: code system %s defined twice", f, cs.URL)
		}
		t.codeSystems[cs.URL] = cs
	}
	return t, nil
}

// allValueSets expands every value set of the package and every one a
// required binding names (kept even when the package lacks it), sorted by
// URL. A value set that cannot be expanded from the package is kept, with
// the reason.
func allValueSets(types []*spec.TypeDef, term *terminology) ([]*spec.ValueSet, error) {
	required, err := requiredValueSets(types, term)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	out := required
	for _, vs := range required {
		seen[vs.URL] = true
	}
	for url, src := range term.valueSets {
		if seen[url] {
			continue
		}
		vs := &spec.ValueSet{URL: url}
		term.fill(vs, src)
		out = append(out, vs)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URL < out[j].URL })
	return out, nil
}

// fill sets vs's version and expansion from src, or says why it has none.
func (t *terminology) fill(vs *spec.ValueSet, src *valueSetJSON) {
	vs.Version = src.Version
	codes, err := t.expand(src, nil)
	if err != nil {
		vs.Unexpanded = err.Error()
		return
	}
	vs.Systems = codes.sets()
}

// hierarchies returns, for each code system of the package whose concepts
// nest, every (code, parent) pair, sorted: what token searches with :below
// and :above walk.
func hierarchies(term *terminology) []*spec.Hierarchy {
	var out []*spec.Hierarchy
	for url, cs := range term.codeSystems {
		h := &spec.Hierarchy{System: url}
		var walk func(list []conceptJSON, parent string)
		walk = func(list []conceptJSON, parent string) {
			for _, c := range list {
				if parent != "" {
					h.Links = append(h.Links, spec.IsA{Code: c.Code, Parent: parent})
				}
				walk(c.Concept, c.Code)
			}
		}
		walk(cs.Concept, "")
		if len(h.Links) == 0 {
			continue
		}
		sort.Slice(h.Links, func(i, j int) bool {
			if h.Links[i].Code != h.Links[j].Code {
				return h.Links[i].Code < h.Links[j].Code
			}
			return h.Links[i].Parent < h.Links[j].Parent
		})
		out = append(out, h)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].System < out[j].System })
	return out
}

// filtered computes the codes of a rule made of filters: the codes of its
// system that pass every filter. The filters the package's hierarchies can
// answer are "concept is-a X" (X and the codes below it), "concept
// descendent-of X" (the codes below X) and "concept is-not-a X" (the
// system's codes but X and those below it); any other is an error.
func (t *terminology) filtered(r composeRule) (codeSet, error) {
	cs := t.codeSystems[r.System]
	switch {
	case cs == nil:
		return nil, fmt.Errorf("code system %s is not in the package", r.System)
	case cs.Content != "complete":
		return nil, fmt.Errorf("code system %s is not complete in the package (content %s)", r.System, cs.Content)
	}
	below := map[string][]string{} // code → the codes right below it
	var all []string
	var walk func(list []conceptJSON, parent string)
	walk = func(list []conceptJSON, parent string) {
		for _, c := range list {
			all = append(all, c.Code)
			if parent != "" {
				below[parent] = append(below[parent], c.Code)
			}
			walk(c.Concept, c.Code)
		}
	}
	walk(cs.Concept, "")
	subtree := func(root string) map[string]bool {
		seen := map[string]bool{root: true}
		todo := []string{root}
		for len(todo) > 0 {
			c := todo[len(todo)-1]
			todo = todo[:len(todo)-1]
			for _, n := range below[c] {
				if !seen[n] {
					seen[n] = true
					todo = append(todo, n)
				}
			}
		}
		return seen
	}
	keep := map[string]bool{}
	for _, c := range all {
		keep[c] = true
	}
	for _, f := range r.Filter {
		if f.Property != "concept" {
			return nil, fmt.Errorf("filter %s %s %s on %s", f.Property, f.Op, f.Value, r.System)
		}
		if !slices.Contains(all, f.Value) {
			return nil, fmt.Errorf("filter %s %s %s on %s: no such code", f.Property, f.Op, f.Value, r.System)
		}
		sub := subtree(f.Value)
		for c := range keep {
			var pass bool
			switch f.Op {
			case "is-a":
				pass = sub[c]
			case "descendent-of":
				pass = sub[c] && c != f.Value
			case "is-not-a":
				pass = !sub[c]
			default:
				return nil, fmt.Errorf("filter %s %s %s on %s", f.Property, f.Op, f.Value, r.System)
			}
			if !pass {
				delete(keep, c)
			}
		}
	}
	out := codeSet{}
	for c := range keep {
		out.add(r.System, c)
	}
	return out, nil
}

// requiredValueSets expands every value set a required binding in types
// names, sorted by URL. A value set that cannot be expanded from the
// package is kept, with the reason.
func requiredValueSets(types []*spec.TypeDef, term *terminology) ([]*spec.ValueSet, error) {
	urls := map[string]string{} // URL → version the bindings name
	for _, t := range types {
		for _, e := range t.Elements {
			b := e.Binding
			if b == nil || b.Strength != spec.BindingRequired {
				continue
			}
			if b.ValueSet == "" {
				return nil, fmt.Errorf("%s: required binding without a value set", e.Path)
			}
			url, version, _ := strings.Cut(b.ValueSet, "|")
			if old, ok := urls[url]; ok && old != version {
				return nil, fmt.Errorf("%s: binding to %s version %q, elsewhere %q", e.Path, url, version, old)
			}
			urls[url] = version
		}
	}
	var out []*spec.ValueSet
	for url, version := range urls {
		vs := &spec.ValueSet{URL: url}
		src := term.valueSets[url]
		switch {
		case src == nil:
			vs.Unexpanded = "the value set is not in the package"
		case version != "" && src.Version != version:
			return nil, fmt.Errorf("bindings name %s|%s, the package has version %s", url, version, src.Version)
		default:
			term.fill(vs, src)
		}
		out = append(out, vs)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].URL < out[j].URL })
	return out, nil
}

// codeSet is a set of codes by system.
type codeSet map[string]map[string]bool

func (c codeSet) add(system, code string) {
	if c[system] == nil {
		c[system] = map[string]bool{}
	}
	c[system][code] = true
}

// sets returns c sorted, as the spec stores it.
func (c codeSet) sets() []spec.CodeSet {
	var out []spec.CodeSet
	for sys, codes := range c {
		if len(codes) == 0 {
			continue
		}
		cs := spec.CodeSet{System: sys}
		for code := range codes {
			cs.Codes = append(cs.Codes, code)
		}
		slices.Sort(cs.Codes)
		out = append(out, cs)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].System < out[j].System })
	return out
}

// expand computes the codes of vs from its compose: the union of its
// includes minus the union of its excludes. visiting guards against value
// sets that include themselves.
func (t *terminology) expand(vs *valueSetJSON, visiting []string) (codeSet, error) {
	if slices.Contains(visiting, vs.URL) {
		return nil, fmt.Errorf("value set %s includes itself", vs.URL)
	}
	visiting = append(visiting, vs.URL)
	if vs.Compose == nil || len(vs.Compose.Include) == 0 {
		return nil, fmt.Errorf("value set %s has no compose.include", vs.URL)
	}
	out := codeSet{}
	for _, r := range vs.Compose.Include {
		c, err := t.rule(r, visiting)
		if err != nil {
			return nil, err
		}
		for sys, codes := range c {
			for code := range codes {
				out.add(sys, code)
			}
		}
	}
	for _, r := range vs.Compose.Exclude {
		c, err := t.rule(r, visiting)
		if err != nil {
			return nil, err
		}
		for sys, codes := range c {
			for code := range codes {
				delete(out[sys], code)
			}
		}
	}
	return out, nil
}

// rule computes the codes of one include or exclude: the codes it selects
// from its system, intersected with each value set it names.
func (t *terminology) rule(r composeRule, visiting []string) (codeSet, error) {
	var out codeSet
	if len(r.Filter) > 0 {
		var err error
		if out, err = t.filtered(r); err != nil {
			return nil, err
		}
	} else if r.System != "" {
		out = codeSet{}
		switch cs := t.codeSystems[r.System]; {
		case len(r.Concept) > 0:
			for _, c := range r.Concept {
				out.add(r.System, c.Code)
			}
		case cs == nil:
			return nil, fmt.Errorf("code system %s is not in the package", r.System)
		case cs.Content != "complete":
			return nil, fmt.Errorf("code system %s is not complete in the package (content %s)", r.System, cs.Content)
		default:
			var walk func([]conceptJSON)
			walk = func(list []conceptJSON) {
				for _, c := range list {
					out.add(r.System, c.Code)
					walk(c.Concept)
				}
			}
			walk(cs.Concept)
		}
	}
	for _, url := range r.ValueSet {
		base, _, _ := strings.Cut(url, "|")
		src := t.valueSets[base]
		if src == nil {
			return nil, fmt.Errorf("included value set %s is not in the package", url)
		}
		c, err := t.expand(src, visiting)
		if err != nil {
			return nil, err
		}
		if out == nil {
			out = c
			continue
		}
		for sys, codes := range out {
			for code := range codes {
				if !c[sys][code] {
					delete(codes, code)
				}
			}
		}
	}
	if out == nil {
		return nil, fmt.Errorf("a compose rule with neither system nor value set")
	}
	return out, nil
}
