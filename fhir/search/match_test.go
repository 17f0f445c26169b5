package search

import (
	"context"
	"errors"
	"net/url"
	"testing"
)

func TestMatchTokens(t *testing.T) {
	f := newFixture(t)
	f.res("Patient", "a").token("Patient", "a", "identifier", "http://mrn", "123", "")
	f.res("Patient", "b").token("Patient", "b", "identifier", "http://other", "123", "")
	f.res("Patient", "c").token("Patient", "c", "identifier", "", "123", "")
	f.res("Patient", "d").token("Patient", "d", "gender", "http://hl7.org/fhir/administrative-gender", "female", "Female")
	f.res("Patient", "e")
	for _, c := range []struct{ q, want string }{
		{"identifier=123", "a b c"},
		{"identifier=http://mrn|123", "a"},
		{"identifier=|123", "c"},
		{"identifier=http://other|", "b"},
		{"identifier=http://mrn|123,http://other|123", "a b"},
		{"identifier=123&identifier=http://mrn|", "a"},
		{"identifier:not=http://mrn|123", "b c d e"},
		{"identifier:missing=true", "d e"},
		{"identifier:missing=false", "a b c"},
		{"gender:text=fem", "d"},
		{"gender=female", "d"},
		{"_id=a,c", "a c"},
		{"_id:not=a", "b c d e"},
	} {
		f.expect("Patient", c.q, c.want)
	}
}

func TestMatchStrictAndDeleted(t *testing.T) {
	f := newFixture(t)
	f.res("Patient", "a").str("Patient", "a", "name", "Peter")
	f.res("Patient", "b").str("Patient", "b", "name", "Peter").del("Patient", "b")
	f.expect("Patient", "name=peter", "a")
	_, err := f.match("Patient", "nonsense=1")
	var pe *ParamError
	if !errors.As(err, &pe) || pe.Param != "nonsense" || !pe.Unknown {
		t.Fatalf("unknown parameter in a match: %v", err)
	}
	// Inside a transaction, the match sees its writes.
	tx, err := f.db.W.Begin()
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`INSERT INTO fhir_resources (res_type, res_id, version_id, last_updated, deleted, resource) VALUES ('Patient', 'c', 1, 1, 0, '{}')`); err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`INSERT INTO fhir_idx_string (res_type, res_id, param, value, exact) VALUES ('Patient', 'c', 'name', 'peter', 'Peter')`); err != nil {
		t.Fatal(err)
	}
	ids, err := f.s.Match(context.Background(), tx, "Patient", url.Values{"name": {"Peter"}})
	if err != nil || len(ids) != 2 {
		t.Fatalf("match in transaction = %v, %v; want a and c", ids, err)
	}
}
