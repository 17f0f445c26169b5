package repo

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/platform/store"
	"github.com/plexus-health/plexus/platform/store/storetest"
)

// open returns a repository on a fresh temporary store.
func open(t testing.TB) *Repo {
	t.Helper()
	db := storetest.Open(t, testDialect, store.Options{Synchronous: "NORMAL"})
	r, err := New(db)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close() })
	return r
}

// testDialect is the store the tests run on: TestMain runs them on each.
var testDialect store.Dialect

func TestMain(m *testing.M) { os.Exit(storetest.RunBoth(m, &testDialect)) }

// object decodes JSON into a map for checks.
func object(t testing.TB, b []byte) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("stored JSON does not parse: %v\n%s", err, b)
	}
	return m
}

const patient = `{"resourceType":"Patient","active":true,"name":[{"family":"Chalmers","given":["Peter","James"]}]}`

func TestCreateReadVRead(t *testing.T) {
	r := open(t)
	ctx := context.Background()
	v, err := r.Create(ctx, "Patient", []byte(patient))
	if err != nil {
		t.Fatal(err)
	}
	if !validID(v.ID) || len(v.ID) != 36 || v.VersionID != "1" || v.Method != MethodCreate {
		t.Fatalf("create = %+v", v)
	}
	got, err := r.Read(ctx, "Patient", v.ID)
	if err != nil {
		t.Fatal(err)
	}
	if string(got.Resource) != string(v.Resource) || got.VersionID != "1" || !got.LastUpdated.Equal(v.LastUpdated) {
		t.Fatalf("read = %+v\nwant %s", got, v.Resource)
	}
	m := object(t, got.Resource)
	meta := m["meta"].(map[string]any)
	if m["id"] != v.ID || meta["versionId"] != "1" || meta["lastUpdated"] != v.LastUpdated.Format(instantLayout) {
		t.Errorf("id/meta = %v %v", m["id"], meta)
	}
	if _, err := time.Parse(time.RFC3339, meta["lastUpdated"].(string)); err != nil {
		t.Error(err)
	}
	vr, err := r.VRead(ctx, "Patient", v.ID, "1")
	if err != nil || string(vr.Resource) != string(v.Resource) || vr.Method != MethodCreate {
		t.Fatalf("vread = %+v, %v", vr, err)
	}
	for _, vid := range []string{"2", "0", "x"} {
		if _, err := r.VRead(ctx, "Patient", v.ID, vid); !errors.Is(err, ErrNotFound) {
			t.Errorf("vread %s: %v", vid, err)
		}
	}
	if _, err := r.Read(ctx, "Patient", "nope"); !errors.Is(err, ErrNotFound) {
		t.Errorf("read absent: %v", err)
	}
	if _, err := r.Read(ctx, "Observation", v.ID); !errors.Is(err, ErrNotFound) {
		t.Errorf("read under another type: %v", err)
	}
	// Create ignores an id the client sent.
	v2, err := r.Create(ctx, "Patient", []byte(`{"resourceType":"Patient","id":"mine"}`))
	if err != nil || v2.ID == "mine" || v2.ID == v.ID {
		t.Fatalf("create with id = %+v, %v", v2, err)
	}
}

func TestMetaAndOrderKept(t *testing.T) {
	r := open(t)
	ctx := context.Background()
	in := `{
	  "resourceType": "Observation",
	  "meta": {"profile": ["http://x/p"], "versionId": "99", "source": "a<b"},
	  "status": "final",
	  "valueQuantity": {"value": 1.50, "unit": "mg"},
	  "code": {"text": "caf\u00e9 \"x\""}
	}`
	v, _, err := r.Update(ctx, "Observation", "obs-1", []byte(in), "")
	if err != nil {
		t.Fatal(err)
	}
	when := v.LastUpdated.Format(instantLayout)
	want := `{"resourceType":"Observation","id":"obs-1","meta":{"lastUpdated":"` + when +
		`","profile":["http://x/p"],"versionId":"1","source":"a<b"},"status":"final","valueQuantity":{"value":1.50,"unit":"mg"},"code":{"text":"caf\u00e9 \"x\""}}`
	if string(v.Resource) != want {
		t.Errorf("stored\n%s\nwant\n%s", v.Resource, want)
	}
	if v.LastUpdated.Location() != time.UTC || v.LastUpdated.Nanosecond()%int(time.Millisecond) != 0 {
		t.Errorf("lastUpdated %v is not UTC milliseconds", v.LastUpdated)
	}
	// No meta: id and meta go right after resourceType; an id already
	// there keeps its place.
	v, _, err = r.Update(ctx, "Observation", "obs-2", []byte(`{"status":"final","id":"obs-2","resourceType":"Observation"}`), "")
	if err != nil {
		t.Fatal(err)
	}
	want = `{"status":"final","id":"obs-2","resourceType":"Observation","meta":{"versionId":"1","lastUpdated":"` + v.LastUpdated.Format(instantLayout) + `"}}`
	if string(v.Resource) != want {
		t.Errorf("stored\n%s\nwant\n%s", v.Resource, want)
	}
}

func TestInvalidInput(t *testing.T) {
	r := open(t)
	ctx := context.Background()
	for _, tc := range []struct{ typ, id, body string }{
		{"Patient", "a", `{"resourceType":"Patient"`},
		{"Patient", "a", `[1]`},
		{"Patient", "a", `"Patient"`},
		{"Patient", "a", ``},
		{"Patient", "a", `{"resourceType":"Patient"} {}`},
		{"Patient", "a", `{"active":true}`},
		{"Patient", "a", `{"resourceType":"Observation"}`},
		{"Patient", "a", `{"resourceType":1}`},
		{"Patient", "a", `{"resourceType":"Patient","id":7}`},
		{"Patient", "a", `{"resourceType":"Patient","id":"b"}`},
		{"Patient", "a", `{"resourceType":"Patient","meta":[]}`},
		{"Patient", "a", `{"resourceType":"Patient","active":true,"active":false}`},
		{"patient", "a", `{"resourceType":"patient"}`},
		{"Patient", "a b", `{"resourceType":"Patient"}`},
		{"Patient", strings.Repeat("a", 65), `{"resourceType":"Patient"}`},
		{"Patient", "", `{"resourceType":"Patient"}`},
	} {
		if _, _, err := r.Update(ctx, tc.typ, tc.id, []byte(tc.body), ""); !errors.Is(err, ErrInvalid) {
			t.Errorf("update %s/%s %s: %v", tc.typ, tc.id, tc.body, err)
		}
	}
	if _, err := r.Create(ctx, "Patient", []byte(`{"resourceType":"Patient",}`)); !errors.Is(err, ErrInvalid) {
		t.Errorf("create: %v", err)
	}
	if _, _, err := r.Update(ctx, "Patient", "a", []byte(patient), "W/\"x\""); !errors.Is(err, ErrInvalid) {
		t.Errorf("bad If-Match: %v", err)
	}
	if _, err := r.Read(ctx, "Patient", "a/b"); !errors.Is(err, ErrInvalid) {
		t.Errorf("read bad id: %v", err)
	}
	page, err := r.History(ctx, "", "", time.Time{}, 0, "")
	if err != nil || len(page.Versions) != 0 {
		t.Errorf("invalid input was stored: %v, %v", page, err)
	}
}

func TestUpdateIfMatchAndUpdateAsCreate(t *testing.T) {
	r := open(t)
	ctx := context.Background()
	v, created, err := r.Update(ctx, "Patient", "p1", []byte(patient), "")
	if err != nil || !created || v.VersionID != "1" || v.Method != MethodCreate {
		t.Fatalf("update-as-create = %+v, %v, %v", v, created, err)
	}
	v, created, err = r.Update(ctx, "Patient", "p1", []byte(`{"resourceType":"Patient","id":"p1","active":false}`), `W/"1"`)
	if err != nil || created || v.VersionID != "2" || v.Method != MethodUpdate {
		t.Fatalf("update = %+v, %v, %v", v, created, err)
	}
	var conflict *VersionConflictError
	_, _, err = r.Update(ctx, "Patient", "p1", []byte(patient), "1")
	if !errors.As(err, &conflict) || conflict.Expected != "1" || conflict.Current != "2" {
		t.Fatalf("stale If-Match: %v", err)
	}
	_, _, err = r.Update(ctx, "Patient", "p9", []byte(patient), "1")
	if !errors.As(err, &conflict) || conflict.Current != "" {
		t.Fatalf("If-Match on absent resource: %v", err)
	}
	if _, err := r.Read(ctx, "Patient", "p9"); !errors.Is(err, ErrNotFound) {
		t.Errorf("conflicting update-as-create wrote: %v", err)
	}
	got, err := r.Read(ctx, "Patient", "p1")
	if err != nil || got.VersionID != "2" || object(t, got.Resource)["active"] != false {
		t.Fatalf("after conflict read = %+v, %v", got, err)
	}
	if _, _, err := r.Update(ctx, "Patient", "p1", []byte(patient), `"2"`); err != nil {
		t.Fatalf("matching If-Match: %v", err)
	}
}

func TestDeleteGoneAndRecreate(t *testing.T) {
	r := open(t)
	ctx := context.Background()
	if v, err := r.Delete(ctx, "Patient", "p1"); v != nil || err != nil {
		t.Fatalf("delete absent = %+v, %v", v, err)
	}
	r.Update(ctx, "Patient", "p1", []byte(patient), "")
	d, err := r.Delete(ctx, "Patient", "p1")
	if err != nil || d.VersionID != "2" || d.Method != MethodDelete || d.Resource != nil {
		t.Fatalf("delete = %+v, %v", d, err)
	}
	_, err = r.Read(ctx, "Patient", "p1")
	var gone *DeletedError
	if !errors.Is(err, ErrGone) || !errors.As(err, &gone) || gone.VersionID != "2" {
		t.Fatalf("read deleted: %v", err)
	}
	if _, err := r.VRead(ctx, "Patient", "p1", "2"); !errors.Is(err, ErrGone) {
		t.Errorf("vread deletion: %v", err)
	}
	if v, err := r.VRead(ctx, "Patient", "p1", "1"); err != nil || v.Resource == nil {
		t.Errorf("vread before deletion: %v", err)
	}
	again, err := r.Delete(ctx, "Patient", "p1")
	if err != nil || again.VersionID != "2" {
		t.Fatalf("second delete = %+v, %v", again, err)
	}
	v, created, err := r.Update(ctx, "Patient", "p1", []byte(patient), "")
	if err != nil || !created || v.VersionID != "3" || v.Method != MethodCreate {
		t.Fatalf("re-create = %+v, %v, %v", v, created, err)
	}
	if got, err := r.Read(ctx, "Patient", "p1"); err != nil || got.VersionID != "3" {
		t.Fatalf("read re-created = %+v, %v", got, err)
	}
	page, err := r.History(ctx, "Patient", "p1", time.Time{}, 10, "")
	if err != nil {
		t.Fatal(err)
	}
	var methods []string
	for _, v := range page.Versions {
		methods = append(methods, v.VersionID+":"+string(v.Method))
	}
	if got := strings.Join(methods, " "); got != "3:create 2:delete 1:create" {
		t.Errorf("history = %s", got)
	}
}

func TestTxAtomic(t *testing.T) {
	r := open(t)
	ctx := context.Background()
	r.Update(ctx, "Patient", "keep", []byte(patient), "")
	boom := errors.New("entry 3 failed")
	err := r.Tx(ctx, func(w *Writer) error {
		if _, err := w.Create(ctx, "Patient", []byte(patient)); err != nil {
			return err
		}
		if _, _, err := w.Update(ctx, "Patient", "keep", []byte(`{"resourceType":"Patient","active":false}`), ""); err != nil {
			return err
		}
		if _, err := w.Delete(ctx, "Patient", "keep"); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatalf("tx = %v", err)
	}
	page, _ := r.History(ctx, "", "", time.Time{}, 0, "")
	if len(page.Versions) != 1 {
		t.Fatalf("a failed transaction left %d versions, want 1", len(page.Versions))
	}
	if v, err := r.Read(ctx, "Patient", "keep"); err != nil || v.VersionID != "1" {
		t.Fatalf("read after failed tx = %+v, %v", v, err)
	}
	// A panic rolls back too.
	func() {
		defer func() { recover() }()
		r.Tx(ctx, func(w *Writer) error {
			w.Delete(ctx, "Patient", "keep")
			panic("bug")
		})
	}()
	if _, err := r.Read(ctx, "Patient", "keep"); err != nil {
		t.Fatalf("read after panicking tx: %v", err)
	}
	// A transaction that succeeds commits every write, one instant for all,
	// and sees its own writes.
	var ids []string
	err = r.Tx(ctx, func(w *Writer) error {
		for i := 0; i < 3; i++ {
			v, err := w.Create(ctx, "Observation", []byte(`{"resourceType":"Observation","status":"final"}`))
			if err != nil {
				return err
			}
			ids = append(ids, v.ID)
		}
		if _, _, err := w.Update(ctx, "Patient", "keep", []byte(patient), "1"); err != nil {
			return err
		}
		v, err := w.Read(ctx, "Patient", "keep")
		if err != nil || v.VersionID != "2" {
			return fmt.Errorf("read in tx = %+v, %v", v, err)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	page, _ = r.History(ctx, "", "", time.Time{}, 0, "")
	if len(page.Versions) != 5 {
		t.Fatalf("%d versions, want 5", len(page.Versions))
	}
	for _, v := range page.Versions[:4] {
		if !v.LastUpdated.Equal(page.Versions[0].LastUpdated) {
			t.Errorf("transaction versions have different lastUpdated: %v", page.Versions)
		}
	}
}

func TestConcurrentUpdatesLoseNoVersion(t *testing.T) {
	r := open(t)
	ctx := context.Background()
	const writers, each = 8, 25
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for g := 0; g < writers; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < each; i++ {
				body := fmt.Sprintf(`{"resourceType":"Patient","extension":[{"url":"w","valueString":"%d-%d"}]}`, g, i)
				if _, _, err := r.Update(ctx, "Patient", "hot", []byte(body), ""); err != nil {
					errs <- err
				}
				if _, err := r.Read(ctx, "Patient", "hot"); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	v, err := r.Read(ctx, "Patient", "hot")
	if err != nil || v.VersionID != fmt.Sprint(writers*each) {
		t.Fatalf("current = %+v, %v", v, err)
	}
	seen := map[string]bool{}
	cursor := ""
	for n := writers * each; n > 0; {
		page, err := r.History(ctx, "Patient", "hot", time.Time{}, 64, cursor)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range page.Versions {
			if v.VersionID != fmt.Sprint(n) {
				t.Fatalf("version %s where %d expected", v.VersionID, n)
			}
			payload := object(t, v.Resource)["extension"].([]any)[0].(map[string]any)["valueString"].(string)
			if seen[payload] {
				t.Fatalf("payload %s stored twice", payload)
			}
			seen[payload] = true
			n--
		}
		cursor = page.Next
	}
	if len(seen) != writers*each {
		t.Fatalf("%d payloads stored, want %d", len(seen), writers*each)
	}
}

func TestClockGoingBackKeepsHistoryOrdered(t *testing.T) {
	r := open(t)
	ctx := context.Background()
	base := time.Date(2026, 3, 1, 12, 0, 0, 123456789, time.UTC)
	r.now = func() time.Time { return base }
	v1, _, _ := r.Update(ctx, "Patient", "p", []byte(patient), "")
	r.now = func() time.Time { return base.Add(-time.Hour) }
	v2, _, _ := r.Update(ctx, "Patient", "p", []byte(patient), "")
	if want := base.Truncate(time.Millisecond); !v1.LastUpdated.Equal(want) || !v2.LastUpdated.Equal(want) {
		t.Fatalf("lastUpdated %v, %v; want %v for both", v1.LastUpdated, v2.LastUpdated, want)
	}
	if !strings.Contains(string(v2.Resource), `"lastUpdated":"2026-03-01T12:00:00.123Z"`) {
		t.Errorf("meta: %s", v2.Resource)
	}
}
