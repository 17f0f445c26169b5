package spec

import "slices"

// Hierarchy is the is-a structure of one code system of the package, as
// its nested concepts give it.
type Hierarchy struct {
	// System is the code system's canonical URL.
	System string
	// Links are the (code, parent) pairs, sorted by code then parent; a
	// code may have several parents.
	Links []IsA
}

// IsA says that Code is a kind of Parent.
type IsA struct {
	Code, Parent string
}

// hierarchy is a Hierarchy indexed both ways.
type hierarchy struct {
	parents, children map[string][]string
}

// index builds the lookup maps of the hierarchies.
func indexHierarchies(hs []*Hierarchy) map[string]*hierarchy {
	out := make(map[string]*hierarchy, len(hs))
	for _, h := range hs {
		x := &hierarchy{parents: map[string][]string{}, children: map[string][]string{}}
		for _, l := range h.Links {
			x.parents[l.Code] = append(x.parents[l.Code], l.Parent)
			x.children[l.Parent] = append(x.children[l.Parent], l.Code)
		}
		out[h.System] = x
	}
	return out
}

// HasHierarchy reports whether the package gives system's is-a structure.
func (s *Spec) HasHierarchy(system string) bool {
	return s.hier[system] != nil
}

// Descendants returns code and every code below it in system's hierarchy
// (what code:below matches), sorted; just code when the package gives no
// hierarchy for system or code is not in it.
func (s *Spec) Descendants(system, code string) []string {
	return s.closure(system, code, func(h *hierarchy) map[string][]string { return h.children })
}

// Ancestors returns code and every code above it in system's hierarchy
// (what code:above matches), sorted; just code when the package gives no
// hierarchy for system or code is not in it.
func (s *Spec) Ancestors(system, code string) []string {
	return s.closure(system, code, func(h *hierarchy) map[string][]string { return h.parents })
}

func (s *Spec) closure(system, code string, edges func(*hierarchy) map[string][]string) []string {
	h := s.hier[system]
	if h == nil {
		return []string{code}
	}
	next := edges(h)
	seen := map[string]bool{code: true}
	todo := []string{code}
	for len(todo) > 0 {
		c := todo[len(todo)-1]
		todo = todo[:len(todo)-1]
		for _, n := range next[c] {
			if !seen[n] {
				seen[n] = true
				todo = append(todo, n)
			}
		}
	}
	out := make([]string, 0, len(seen))
	for c := range seen {
		out = append(out, c)
	}
	slices.Sort(out)
	return out
}
