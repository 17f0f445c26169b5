package repo

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// indexed returns the rows of typ/id in the string and token index tables,
// as "param=value" for strings and "param=system|code" for tokens, sorted.
func indexed(t *testing.T, r *Repo, typ, id string) []string {
	t.Helper()
	rows, err := r.db.R.Query(`SELECT param || '=' || value FROM fhir_idx_string WHERE res_type = ? AND res_id = ?
		UNION ALL SELECT param || '=' || system || '|' || code FROM fhir_idx_token WHERE res_type = ? AND res_id = ?
		ORDER BY 1`, typ, id, typ, id)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	return out
}

// TestIndexFollowsCurrentVersion checks that the search index holds the
// values of the current version only: an update replaces them, a deletion
// removes them, a re-creation brings them back, a failed transaction leaves
// none.
func TestIndexFollowsCurrentVersion(t *testing.T) {
	r := open(t)
	ctx := context.Background()
	v, err := r.Create(ctx, "Patient", []byte(`{"resourceType":"Patient","name":[{"family":"Chalmers"}],"gender":"male"}`))
	if err != nil {
		t.Fatal(err)
	}
	// deceased is "false" when absent: its definition is an expression,
	// "Patient.deceased.exists() and Patient.deceased != false".
	want := "deceased=|false,family=chalmers,gender=|male,name=chalmers,phonetic=C456"
	if got := strings.Join(indexed(t, r, "Patient", v.ID), ","); got != want {
		t.Fatalf("after create: %s, want %s", got, want)
	}
	if _, _, err := r.Update(ctx, "Patient", v.ID, []byte(`{"resourceType":"Patient","name":[{"family":"Windsor"}]}`), ""); err != nil {
		t.Fatal(err)
	}
	want = "deceased=|false,family=windsor,name=windsor,phonetic=W532"
	if got := strings.Join(indexed(t, r, "Patient", v.ID), ","); got != want {
		t.Fatalf("after update: %s, want %s", got, want)
	}
	if _, err := r.Delete(ctx, "Patient", v.ID); err != nil {
		t.Fatal(err)
	}
	if got := indexed(t, r, "Patient", v.ID); len(got) != 0 {
		t.Fatalf("after delete: %v", got)
	}
	if _, _, err := r.Update(ctx, "Patient", v.ID, []byte(`{"resourceType":"Patient","gender":"female"}`), ""); err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(indexed(t, r, "Patient", v.ID), ","); got != "deceased=|false,gender=|female" {
		t.Fatalf("after re-create: %s", got)
	}

	// A transaction that fails leaves no index rows behind.
	p, err := r.Prepare("Patient", []byte(`{"resourceType":"Patient","name":[{"family":"Ghost"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	id := NewID()
	err = r.Tx(ctx, func(w *Writer) error {
		if _, _, err := w.Put(ctx, p, id, ""); err != nil {
			return err
		}
		return errAbort
	})
	if err != errAbort {
		t.Fatal(err)
	}
	if got := indexed(t, r, "Patient", id); len(got) != 0 {
		t.Fatalf("rolled back transaction left %v", got)
	}
}

var errAbort = &abortError{}

type abortError struct{}

func (*abortError) Error() string { return "abort" }

func TestPutChecksID(t *testing.T) {
	r := open(t)
	ctx := context.Background()
	p, err := r.Prepare("Patient", []byte(`{"resourceType":"Patient","id":"a"}`))
	if err != nil {
		t.Fatal(err)
	}
	if p.Type() != "Patient" || p.ID() != "a" {
		t.Fatalf("prepared %s/%s", p.Type(), p.ID())
	}
	err = r.Tx(ctx, func(w *Writer) error {
		_, _, err := w.Put(ctx, p, "b", "")
		return err
	})
	if err == nil {
		t.Fatal("Put under another id accepted")
	}
	err = r.Tx(ctx, func(w *Writer) error {
		_, _, err := w.Put(ctx, p, "a/b", "")
		return err
	})
	if err == nil {
		t.Fatal("Put under an invalid id accepted")
	}
}

// syntheaEntries returns the Synthea entry resources, with their types.
func syntheaEntries(b *testing.B) (types []string, bodies [][]byte) {
	files, _ := filepath.Glob("../../../shared/testdata/synthea/*.json")
	if len(files) == 0 {
		b.Skip("no Synthea bundles in ../../../shared/testdata/synthea: skipping")
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		var bundle struct {
			Entry []struct {
				Resource json.RawMessage `json:"resource"`
			} `json:"entry"`
		}
		if err := json.Unmarshal(data, &bundle); err != nil {
			b.Fatal(err)
		}
		for _, e := range bundle.Entry {
			var head struct{ ResourceType string }
			json.Unmarshal(e.Resource, &head)
			types, bodies = append(types, head.ResourceType), append(bodies, e.Resource)
		}
	}
	return types, bodies
}

// BenchmarkSyntheaPut writes the Synthea resources with their search
// indexes in transactions of 500, preparing (parsing and extracting) them
// on every core first as a transaction Bundle does: the resources/s of the
// repository and index, without HTTP and validation.
func BenchmarkSyntheaPut(b *testing.B) {
	types, bodies := syntheaEntries(b)
	r := open(b)
	ctx := context.Background()
	b.ResetTimer()
	written := 0
	for b.Loop() {
		for start := 0; start < len(bodies); start += 500 {
			end := min(start+500, len(bodies))
			prepared := make([]*Prepared, end-start)
			var wg sync.WaitGroup
			workers := runtime.GOMAXPROCS(0)
			for w := range workers {
				wg.Go(func() {
					for i := start + w; i < end; i += workers {
						p, err := r.Prepare(types[i], bodies[i])
						if err != nil {
							b.Error(err)
							return
						}
						prepared[i-start] = p
					}
				})
			}
			wg.Wait()
			err := r.Tx(ctx, func(w *Writer) error {
				for _, p := range prepared {
					if _, err := w.CreateAs(ctx, p, NewID()); err != nil {
						return err
					}
				}
				return nil
			})
			if err != nil {
				b.Fatal(err)
			}
			written += end - start
		}
	}
	b.ReportMetric(float64(written)/b.Elapsed().Seconds(), "resources/s")
}
