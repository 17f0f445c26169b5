package audit

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/platform/auth"
	"github.com/plexus-health/plexus/platform/store"
	"github.com/plexus-health/plexus/platform/store/storetest"
)

// openTest opens a store in a temporary directory and an audit log on it.
func openTest(t testing.TB, opts Options) (*store.DB, *Log) {
	t.Helper()
	db := storetest.Open(t, testDialect, store.Options{Synchronous: "NORMAL"})
	l := New(db, opts)
	t.Cleanup(func() { l.Close() })
	return db, l
}

// fixedClock returns a clock that advances one second per call from a
// fixed start, so records have distinct, predictable times.
func fixedClock() func() time.Time {
	var mu sync.Mutex
	t := time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)
	return func() time.Time {
		mu.Lock()
		defer mu.Unlock()
		t = t.Add(time.Second)
		return t
	}
}

func entry(i int) Entry {
	return Entry{
		Principal: auth.KindUser, Subject: fmt.Sprintf("user%d", i%3), TokenID: "s1", Remote: "192.0.2.7",
		Action: "fhir.read", Method: "GET", ResourceType: "Patient", ResourceID: fmt.Sprint(i),
		Path: fmt.Sprintf("/fhir/Patient/%d", i), Status: 200,
	}
}

func record(t testing.TB, l *Log, n int) {
	t.Helper()
	for i := 1; i <= n; i++ {
		if err := l.Record(context.Background(), entry(i)); err != nil {
			t.Fatal(err)
		}
	}
}

func TestRecordChainsConcurrentEntries(t *testing.T) {
	_, l := openTest(t, Options{MaxBatch: 16})
	const n = 300
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := l.Record(context.Background(), entry(i)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	rep, err := l.Verify(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || rep.Count != n || rep.HeadSeq != n || len(rep.Head) != HashSize {
		t.Fatalf("report %s, want %d intact records", rep.String(), n)
	}
	st := l.w.Stats()
	if st.Ops != n {
		t.Errorf("committed %d ops, want %d", st.Ops, n)
	}
	t.Logf("%d entries in %d commits", st.Ops, st.Commits)
}

func TestRecordFillsDefaultsAndRefusesNoAction(t *testing.T) {
	_, l := openTest(t, Options{Now: fixedClock()})
	if err := l.Record(context.Background(), Entry{}); !errors.Is(err, ErrNoAction) {
		t.Errorf("Record without action = %v, want ErrNoAction", err)
	}
	if err := l.Record(context.Background(), Entry{Action: "login", Status: 401}); err != nil {
		t.Fatal(err)
	}
	recs, _, err := l.Query(context.Background(), Filter{})
	if err != nil || len(recs) != 1 {
		t.Fatalf("query: %v, %d records", err, len(recs))
	}
	r := recs[0]
	if r.Seq != 1 || r.Outcome != OutcomeFailure || !r.Time.Equal(time.Date(2026, 3, 1, 8, 0, 1, 0, time.UTC)) {
		t.Errorf("record %+v", r)
	}
}

func TestRestartContinuesTheChain(t *testing.T) {
	dir := t.TempDir()
	for round := range 3 {
		db, err := store.Open(context.Background(), "", dir, store.Options{Synchronous: "NORMAL"})
		if err != nil {
			t.Fatal(err)
		}
		l := New(db, Options{})
		record(t, l, 5)
		l.Close() // flushes
		rep, err := l.Verify(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if want := int64(5 * (round + 1)); !rep.OK() || rep.Count != want {
			t.Errorf("round %d: %s, want %d intact", round, rep.String(), want)
		}
		db.Close()
	}
}

func TestCloseFlushesAndRefusesLaterRecords(t *testing.T) {
	_, l := openTest(t, Options{Queue: 4, MaxBatch: 2})
	var wg sync.WaitGroup
	errs := make([]error, 40)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = l.Record(context.Background(), entry(i))
		}()
	}
	wg.Wait()
	l.Close()
	for i, err := range errs {
		if err != nil {
			t.Errorf("entry %d: %v", i, err)
		}
	}
	if err := l.Record(context.Background(), entry(0)); !errors.Is(err, store.ErrClosed) {
		t.Errorf("Record after Close = %v", err)
	}
	rep, _ := l.Verify(context.Background())
	if rep.Count != 40 {
		t.Errorf("%d records, want 40", rep.Count)
	}
}

func TestTriggersRefuseUpdateAndDelete(t *testing.T) {
	db, l := openTest(t, Options{})
	record(t, l, 2)
	for _, q := range []string{`UPDATE audit SET subject = 'x' WHERE seq = 1`, `DELETE FROM audit WHERE seq = 2`} {
		if _, err := db.W.Exec(q); err == nil {
			t.Errorf("%s: allowed", q)
		}
	}
}

// TestVerifyNamesFirstBrokenRecord tampers with the rows directly, as
// someone with write access to the database file would (dropping the
// triggers first), and checks that Verify names the first record broken.
func TestVerifyNamesFirstBrokenRecord(t *testing.T) {
	cases := []struct {
		name   string
		tamper []string
		seq    int64
		reason string
	}{
		{"changed subject", []string{`UPDATE audit SET subject = 'mallory' WHERE seq = 4`}, 4, BrokenHash},
		{"changed time", []string{`UPDATE audit SET at = at + 1 WHERE seq = 7`}, 7, BrokenHash},
		{"changed status", []string{`UPDATE audit SET status = 404, outcome = 'failure' WHERE seq = 3`}, 3, BrokenHash},
		{"changed query", []string{`UPDATE audit SET query = 'x' WHERE seq = 10`}, 10, BrokenHash},
		// A field's bytes moved into the next field: same concatenation,
		// different lengths.
		{"shifted field boundary", []string{`UPDATE audit SET resource_type = 'Patient5', resource_id = '' WHERE seq = 5`}, 5, BrokenHash},
		{"deleted record", []string{`DELETE FROM audit WHERE seq = 6`}, 7, BrokenGap},
		{"deleted first", []string{`DELETE FROM audit WHERE seq = 1`}, 2, BrokenGap},
		{"deleted and renumbered", []string{`DELETE FROM audit WHERE seq = 6`, `UPDATE audit SET seq = seq - 1 WHERE seq > 6`}, 6, BrokenPrev},
		{"reordered", []string{`UPDATE audit SET seq = 100 WHERE seq = 2`, `UPDATE audit SET seq = 2 WHERE seq = 3`, `UPDATE audit SET seq = 3 WHERE seq = 100`}, 2, BrokenPrev},
		{"hash rewritten", []string{`UPDATE audit SET hash = prev_hash WHERE seq = 8`}, 8, BrokenHash},
		{"inserted", []string{`INSERT INTO audit SELECT 11, at, principal, subject, token_id, remote, method, action, resource_type, resource_id, path, query, status, outcome, prev_hash, hash FROM audit WHERE seq = 10`}, 11, BrokenPrev},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			db, l := openTest(t, Options{Now: fixedClock()})
			record(t, l, 10)
			rep, err := l.Verify(context.Background())
			if err != nil || !rep.OK() || rep.Count != 10 {
				t.Fatalf("before tampering: %s, %v", rep.String(), err)
			}
			for _, q := range append(dropGuards(db), tc.tamper...) {
				if _, err := db.W.Exec(q); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			rep, err = l.Verify(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			if rep.OK() || rep.Broken.Seq != tc.seq || rep.Broken.Reason != tc.reason {
				t.Fatalf("report %s, want record %d broken by %s", rep.String(), tc.seq, tc.reason)
			}
		})
	}
}

// TestVerifyPages checks a chain longer than one page of Verify's reads.
func TestVerifyPages(t *testing.T) {
	db, l := openTest(t, Options{})
	var wg sync.WaitGroup
	const n = 2*verifyPage + 17
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := l.Record(context.Background(), entry(i)); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	rep, err := l.Verify(context.Background())
	if err != nil || !rep.OK() || rep.Count != n {
		t.Fatalf("%s, %v", rep.String(), err)
	}
	for _, q := range dropGuards(db) {
		db.W.Exec(q)
	}
	if _, err := db.W.Exec(`UPDATE audit SET remote = '203.0.113.9' WHERE seq = ?`, verifyPage+1); err != nil {
		t.Fatal(err)
	}
	rep, _ = l.Verify(context.Background())
	if rep.OK() || rep.Broken.Seq != verifyPage+1 || rep.Count != verifyPage {
		t.Fatalf("%s, want record %d broken", rep.String(), verifyPage+1)
	}
}

func TestQueryFiltersAndPages(t *testing.T) {
	_, l := openTest(t, Options{Now: fixedClock()})
	record(t, l, 30) // times 08:00:01 .. 08:00:30; users user0..user2
	ctx := context.Background()
	for _, e := range []Entry{
		{Action: "admin.dlq.replay", Method: "POST", Subject: "ops", Status: 200},
		{Action: "admin.messages.content", Method: "GET", Subject: "ops", ResourceID: "42", Status: 403},
		{Action: ActionLogin, Subject: "ops", Outcome: OutcomeFailure},
	} {
		if err := l.Record(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	at := func(s int) time.Time { return time.Date(2026, 3, 1, 8, 0, s, 0, time.UTC) }
	cases := []struct {
		name string
		f    Filter
		want []int64
	}{
		{"since until", Filter{Since: at(10), Until: at(13)}, []int64{12, 11, 10}},
		{"who", Filter{Who: "user1", Until: at(11)}, []int64{10, 7, 4, 1}},
		{"action", Filter{Actions: []string{"admin.dlq.replay"}}, []int64{31}},
		{"action prefix", Filter{Actions: []string{"admin.*", "login"}}, []int64{33, 32, 31}},
		{"resource", Filter{ResourceType: "Patient", ResourceID: "7"}, []int64{7}},
		{"admin object id", Filter{ResourceID: "42"}, []int64{32}},
		{"outcome", Filter{Outcome: OutcomeFailure}, []int64{33, 32}},
		{"before", Filter{Before: 4}, []int64{3, 2, 1}},
		{"nothing", Filter{Who: "nobody"}, nil},
	}
	for _, tc := range cases {
		recs, _, err := l.Query(ctx, tc.f)
		if err != nil {
			t.Fatal(err)
		}
		var got []int64
		for _, r := range recs {
			got = append(got, r.Seq)
		}
		if fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%s: got %v, want %v", tc.name, got, tc.want)
		}
	}
	// Paging walks every record once, newest first.
	var seen []int64
	f := Filter{Limit: 7}
	for range 10 {
		recs, next, err := l.Query(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			seen = append(seen, r.Seq)
		}
		if next == 0 {
			break
		}
		f.Before = next
	}
	if len(seen) != 33 || seen[0] != 33 || seen[32] != 1 {
		t.Errorf("paged %v", seen)
	}
	if r, ok, err := l.Get(ctx, 32); err != nil || !ok || r.Action != "admin.messages.content" {
		t.Errorf("Get(32) = %+v, %v, %v", r, ok, err)
	}
	if _, ok, err := l.Get(ctx, 99); err != nil || ok {
		t.Errorf("Get(99) = %v, %v", ok, err)
	}
}

// TestCheckAnchor detects records cut off at the end, which leave a valid
// chain, with a head kept outside.
func TestCheckAnchor(t *testing.T) {
	db, l := openTest(t, Options{Now: fixedClock()})
	record(t, l, 8)
	ctx := context.Background()
	rep, err := l.Verify(ctx)
	if err != nil || !rep.OK() {
		t.Fatal(rep.String(), err)
	}
	anchorSeq, anchor := rep.HeadSeq, rep.Head
	if err := l.CheckAnchor(ctx, &rep, anchorSeq, anchor); err != nil {
		t.Errorf("own head: %v", err)
	}
	record(t, l, 2) // the log grows past the anchor
	rep, _ = l.Verify(ctx)
	if err := l.CheckAnchor(ctx, &rep, anchorSeq, anchor); err != nil {
		t.Errorf("after growth: %v", err)
	}
	if err := l.CheckAnchor(ctx, &rep, 3, anchor); !errors.Is(err, ErrAnchor) {
		t.Errorf("wrong hash for record 3: %v", err)
	}
	for _, q := range dropGuards(db) {
		db.W.Exec(q)
	}
	if _, err := db.W.Exec(`DELETE FROM audit WHERE seq >= 7`); err != nil {
		t.Fatal(err)
	}
	rep, _ = l.Verify(ctx)
	if !rep.OK() || rep.Count != 6 {
		t.Fatalf("truncated chain: %s, want 6 intact", rep.String())
	}
	if err := l.CheckAnchor(ctx, &rep, anchorSeq, anchor); !errors.Is(err, ErrAnchor) || !strings.Contains(err.Error(), "record 8 is past the last intact record 6") {
		t.Errorf("truncation not caught: %v", err)
	}
}

func TestHashJSON(t *testing.T) {
	h := chainHash(genesis, 1, &Entry{Action: "x"})
	b, err := json.Marshal(h)
	if err != nil || len(b) != 2*HashSize+2 {
		t.Fatalf("%s, %v", b, err)
	}
	var back Hash
	if err := json.Unmarshal(b, &back); err != nil || back.String() != h.String() {
		t.Errorf("round trip: %s, %v", back, err)
	}
	for _, bad := range []string{`"xyz"`, `"abcd"`, `12`} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
}

// dropGuards returns the statements that drop the audit table's
// append-only triggers, as a tamperer would, in db's dialect.
func dropGuards(db *store.DB) []string {
	if db.Dialect == store.Postgres {
		return []string{`DROP TRIGGER audit_no_update ON audit`, `DROP TRIGGER audit_no_delete ON audit`}
	}
	return []string{`DROP TRIGGER audit_no_update`, `DROP TRIGGER audit_no_delete`}
}
