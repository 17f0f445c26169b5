package search

import (
	"context"
	"database/sql"
	"fmt"
	"net/url"
	"slices"
	"sort"
)

// Access is what a reader may see, per resource type: the FHIR server
// builds one from a token's SMART scopes and [Searcher.Restrict] makes it
// part of a query's SQL, so that paging and _total count only what the
// reader may see (a page filtered after the fact would come out short and
// its total would count what it hides). The same condition applies to the
// resources _include and _revinclude bring in, and [Searcher.Admits] tests
// one resource against it.
//
// A type absent from Types admits nothing. A type admits a resource when
// one of its Admits does.
type Access struct {
	// Patient owns the compartment that Admit.Compartment refers to.
	Patient string
	// Types maps each visible resource type to the ways its resources are
	// admitted.
	Types map[string][]Admit
}

// Admit is one way a resource of a type is visible. The zero value admits
// every resource of the type.
type Admit struct {
	// Compartment admits only resources in the Patient compartment of
	// Access.Patient (as the R4 CompartmentDefinition defines it); a type
	// outside that compartment has none. With an empty Access.Patient it
	// admits nothing.
	Compartment bool
	// Params admits only resources matching these search parameters (a
	// SMART v2 granular scope, "Observation.rs?category=laboratory"). A
	// query this server cannot run admits nothing: failing closed.
	Params url.Values
}

// Allow adds a way resources of typ are admitted.
func (a *Access) Allow(typ string, how Admit) {
	if a.Types == nil {
		a.Types = make(map[string][]Admit)
	}
	a.Types[typ] = append(a.Types[typ], how)
}

// accessCond is an Access as SQL: the row's type is one admitted whole, or
// one admitted in the compartment, or one whose parameter conditions (and
// compartment) hold.
type accessCond struct {
	whole       []string         // types admitted whole
	compartment *compartmentCond // types admitted in the compartment, nil if none
	inComp      []string         // the types compartment admits
	narrow      []narrowAdmit    // admitted by search parameters
}

type narrowAdmit struct {
	typ         string
	compartment bool
	conds       []cond
}

// compile turns a into its condition; a granular query that does not parse
// strictly is left out, so it admits nothing.
func (s *Searcher) compile(a *Access) *accessCond {
	c := &accessCond{}
	types := make([]string, 0, len(a.Types))
	for t := range a.Types {
		types = append(types, t)
	}
	sort.Strings(types)
	for _, t := range types {
		whole := false
		for _, how := range a.Types[t] {
			if how.Compartment && a.Patient == "" {
				continue
			}
			switch {
			case how.Params == nil && !how.Compartment:
				whole = true
			case how.Params == nil:
				if !slices.Contains(c.inComp, t) {
					c.inComp = append(c.inComp, t)
				}
			default:
				q, err := Parse(s.spec, t, how.Params, ParseOptions{Strict: true})
				if err != nil || len(q.conds) == 0 {
					continue
				}
				c.narrow = append(c.narrow, narrowAdmit{typ: t, compartment: how.Compartment, conds: q.conds})
			}
		}
		if whole {
			c.whole = append(c.whole, t)
		}
	}
	if len(c.inComp) > 0 || slices.ContainsFunc(c.narrow, func(n narrowAdmit) bool { return n.compartment }) {
		c.compartment = s.patientCompartment(a.Patient)
	}
	return c
}

func (c *accessCond) where(b *builder, _ string, row string) {
	b.w("(1 = 0")
	if len(c.whole) > 0 {
		b.w(" OR ", row, ".res_type IN ")
		b.list(c.whole)
	}
	if len(c.inComp) > 0 {
		b.w(" OR (", row, ".res_type IN ")
		b.list(c.inComp)
		b.w(" AND ")
		c.compartment.where(b, "", row)
		b.w(")")
	}
	for _, n := range c.narrow {
		b.w(" OR (", row, ".res_type = ")
		b.arg(n.typ)
		if n.compartment {
			b.w(" AND ")
			c.compartment.where(b, n.typ, row)
		}
		writeConds(b, n.typ, row, n.conds)
		b.w(")")
	}
	b.w(")")
}

// patientCompartment is the condition "in Patient/id's compartment".
func (s *Searcher) patientCompartment(id string) *compartmentCond {
	c := &compartmentCond{ownerType: "Patient", ownerID: id, params: map[string][]string{}}
	for _, t := range s.spec.CompartmentTypes("Patient") {
		c.params[t] = s.spec.Compartment("Patient", t)
		c.types = append(c.types, t)
	}
	return c
}

// Restrict limits q to what a admits: its matches, their count, what
// _include and _revinclude bring in, and the resources its chains and _has
// parameters test. a should list every type the reader may see, not only
// q's. A nil a leaves q as it is.
func (s *Searcher) Restrict(q *Query, a *Access) {
	if a == nil {
		return
	}
	c := s.compile(a)
	q.access = c
	restrictNested(q.conds, c)
	q.conds = append(q.conds, c)
}

// restrictNested adds c to the resources chains and _has look at, so that a
// restricted reader cannot test what it may not see through them
// (Observation?performer:Practitioner.name=x).
func restrictNested(conds []cond, c *accessCond) {
	for _, x := range conds {
		switch x := x.(type) {
		case *chainCond:
			for i := range x.targets {
				restrictNested(x.targets[i].conds, c)
				x.targets[i].conds = append(x.targets[i].conds, c)
			}
		case *hasCond:
			restrictNested(x.conds, c)
			x.conds = append(x.conds, c)
		}
	}
}

// Admits reports whether the live resource typ/id exists and a admits it,
// inside tx when tx is not nil. A nil a admits every live resource.
func (s *Searcher) Admits(ctx context.Context, tx *sql.Tx, typ, id string, a *Access) (bool, error) {
	ok, err := s.Admitted(ctx, tx, typ, []string{id}, a)
	return ok[id], err
}

// Admitted returns which of the resources of typ named by ids are live and
// admitted by a (every live one when a is nil), inside tx when tx is not
// nil: a history page is checked in a query per type, not one per entry.
func (s *Searcher) Admitted(ctx context.Context, tx *sql.Tx, typ string, ids []string, a *Access) (map[string]bool, error) {
	var c *accessCond
	if a != nil {
		c = s.compile(a)
	}
	var qr queryer = s.db.R
	if tx != nil {
		qr = tx
	}
	out := make(map[string]bool, len(ids))
	err := chunks(ids, func(ids []string) error {
		b := newBuilder(s.db.Dialect)
		b.w("SELECT r.res_id FROM fhir_resources r WHERE r.res_type = ")
		b.arg(typ)
		b.w(" AND r.res_id IN ")
		b.list(ids)
		b.w(" AND r.deleted = 0")
		if c != nil {
			b.w(" AND ")
			c.where(b, typ, "r")
		}
		rows, err := qr.QueryContext(ctx, b.String(), b.args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				return err
			}
			out[id] = true
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("fhir/search: checking access to %s: %w", typ, err)
	}
	return out, nil
}

// MatchWithin is [Searcher.Match] limited to what a admits: a conditional
// operation of a restricted reader selects only among what it may see.
func (s *Searcher) MatchWithin(ctx context.Context, tx *sql.Tx, typ string, params url.Values, a *Access) ([]string, error) {
	return s.match(ctx, tx, typ, params, a)
}
