package repo

import (
	"context"
	"fmt"
	"slices"
	"testing"
)

// allIndexRows is every string and token row, as indexed() renders them,
// of every resource of typ.
func allIndexRows(t *testing.T, r *Repo, typ string, ids []string) []string {
	t.Helper()
	var out []string
	for _, id := range ids {
		for _, row := range indexed(t, r, typ, id) {
			out = append(out, id+":"+row)
		}
	}
	return out
}

func TestReindex(t *testing.T) {
	r := open(t)
	ctx := context.Background()
	var patients, orgs []string
	for i := range 1200 { // more than two reindex batches
		v, err := r.Create(ctx, "Patient", fmt.Appendf(nil, `{"resourceType":"Patient","name":[{"family":"Fam%d"}],"gender":"other"}`, i))
		if err != nil {
			t.Fatal(err)
		}
		patients = append(patients, v.ID)
	}
	for i := range 3 {
		v, err := r.Create(ctx, "Organization", fmt.Appendf(nil, `{"resourceType":"Organization","name":"Org %d"}`, i))
		if err != nil {
			t.Fatal(err)
		}
		orgs = append(orgs, v.ID)
	}
	// A deleted resource stays out of the index.
	if _, err := r.Delete(ctx, "Patient", patients[0]); err != nil {
		t.Fatal(err)
	}
	// Each patient: deceased, family, gender, name, phonetic.
	wantP, wantO := allIndexRows(t, r, "Patient", patients), allIndexRows(t, r, "Organization", orgs)
	if len(wantP) != 1199*5 || len(wantO) != 3*2 {
		t.Fatalf("index before: %d patient rows, %d organization rows", len(wantP), len(wantO))
	}

	wipe := func() {
		for _, table := range []string{"fhir_idx_string", "fhir_idx_token", "fhir_idx_reference", "fhir_idx_date", "fhir_idx_number", "fhir_idx_quantity", "fhir_idx_uri"} {
			if _, err := r.db.W.Exec("DELETE FROM " + table); err != nil {
				t.Fatal(err)
			}
		}
	}

	// One type only.
	wipe()
	var calls []int
	n, err := r.Reindex(ctx, []string{"Organization"}, func(done int) { calls = append(calls, done) })
	if err != nil || n != 3 || !slices.Equal(calls, []int{3}) {
		t.Fatalf("Reindex(Organization) = %d, %v; progress %v", n, err, calls)
	}
	if got := allIndexRows(t, r, "Organization", orgs); !slices.Equal(got, wantO) {
		t.Errorf("organizations after reindex: %v, want %v", got, wantO)
	}
	if got := allIndexRows(t, r, "Patient", patients); len(got) != 0 {
		t.Errorf("patients reindexed though not asked for: %d rows", len(got))
	}

	// Every type.
	calls = nil
	n, err = r.Reindex(ctx, nil, func(done int) { calls = append(calls, done) })
	if err != nil || n != 1202 {
		t.Fatalf("Reindex(all) = %d, %v", n, err)
	}
	if !slices.Equal(calls, []int{3, 503, 1003, 1202}) {
		t.Errorf("progress %v", calls)
	}
	if got := allIndexRows(t, r, "Patient", patients); !slices.Equal(got, wantP) {
		t.Errorf("patients after reindex differ: %d rows, want %d", len(got), len(wantP))
	}
	// Reindexing an indexed store changes nothing.
	if _, err := r.Reindex(ctx, nil, nil); err != nil {
		t.Fatal(err)
	}
	if got := allIndexRows(t, r, "Patient", patients); !slices.Equal(got, wantP) {
		t.Errorf("second reindex changed the index")
	}
	if _, err := r.Reindex(ctx, []string{"Bad Type"}, nil); err == nil {
		t.Error("reindex of an invalid type accepted")
	}
}
