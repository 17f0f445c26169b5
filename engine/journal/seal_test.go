package journal

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/platform/keyring"
	"github.com/plexus-health/plexus/platform/store"
)

// secret is in every payload the tests store; it must never reach the
// database files in the clear.
const secret = "QUIXOTE^ZEBULON^HORATIO"

func ring(t testing.TB, active string, ids ...string) *keyring.Ring {
	t.Helper()
	keys := map[string][]byte{}
	for _, id := range ids {
		keys[id] = bytes.Repeat([]byte(id[:1]), keyring.KeySize)
	}
	r, err := keyring.New(keys, active)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// openIn opens a journal on the store in dir; closing is the caller's.
func openIn(t testing.TB, dir string, keys *keyring.Ring) (*Journal, *store.DB) {
	t.Helper()
	db, err := store.Open(context.Background(), "", dir, store.Options{Synchronous: "NORMAL"})
	if err != nil {
		t.Fatal(err)
	}
	return Open(db, Options{Keys: keys}), db
}

// appendSecret stores a message whose raw content holds secret, with a
// destination "raw" that delivers the content itself and one "fhir" with
// its own payload.
func appendSecret(t testing.TB, j *Journal, control string) *Record {
	t.Helper()
	rec := &Record{Msg: &engine.Message{
		Channel: "adt", Source: "mllp", ContentType: engine.ContentHL7v2, ControlID: control, Status: engine.StatusReceived,
		Raw: []byte("MSH|^~\\&|A|B|||||ADT^A01|" + control + "|P|2.5\rPID|||MRN1||" + secret + "\r"),
	}, Deliveries: []NewDelivery{
		{Destination: "raw", ContentType: engine.ContentHL7v2},
		{Destination: "fhir", ContentType: "application/fhir+json", Payload: []byte(`{"name":"` + secret + `","c":"` + control + `"}`)},
	}}
	if err := j.Append(context.Background(), rec); err != nil {
		t.Fatal(err)
	}
	return rec
}

// scanFiles fails if any file of dir holds needle.
func scanFiles(t *testing.T, dir, needle string) {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	scanned := 0
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		scanned += len(b)
		if bytes.Contains(b, []byte(needle)) {
			t.Errorf("%s holds %q in the clear", e.Name(), needle)
		}
	}
	if scanned == 0 {
		t.Fatal("no database bytes scanned")
	}
}

// TestSealedJournal runs a message through ingest, delivery, a response,
// dead-letter, replay and resend with encryption on, reads every payload
// back, and scans the database and its WAL for the plaintext.
func TestSealedJournal(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	j, db := openIn(t, dir, ring(t, "k1", "k1"))
	defer db.Close()
	defer j.Close()
	rec := appendSecret(t, j, "C1")
	id := rec.Msg.ID

	m, err := j.Message(ctx, id)
	if err != nil || !strings.Contains(string(m.Raw), secret) {
		t.Fatalf("Message = %q, %v", m.Raw, err)
	}
	raw, err := j.Pending(ctx, "adt", "raw", 0, 10)
	if err != nil || len(raw) != 1 || string(raw[0].Payload) != string(rec.Msg.Raw) {
		t.Fatalf("raw queue = %+v, %v", raw, err)
	}
	fhir, err := j.Pending(ctx, "adt", "fhir", 0, 10)
	if err != nil || len(fhir) != 1 || !strings.Contains(string(fhir[0].Payload), secret) {
		t.Fatalf("fhir queue = %+v, %v", fhir, err)
	}
	started := time.Now()
	resp := []byte("MSH|^~\\&|B|A\rMSA|AA|C1\rNTE|||" + secret + "\r")
	if err := j.Record(ctx, Outcome{DeliveryID: raw[0].ID, MessageID: id, Attempt: 1, Started: started, Status: Delivered, ResponseStatus: "AA", Response: resp}); err != nil {
		t.Fatal(err)
	}
	if err := j.Record(ctx, Outcome{DeliveryID: fhir[0].ID, MessageID: id, Attempt: 1, Started: started, Status: Dead, Error: "refused", Response: resp}); err != nil {
		t.Fatal(err)
	}
	for _, d := range []Delivery{raw[0], fhir[0]} {
		as, err := j.Attempts(ctx, d.ID)
		if err != nil || len(as) != 1 || string(as[0].Response) != string(resp) {
			t.Fatalf("attempts of %d = %+v, %v", d.ID, as, err)
		}
	}
	dead, err := j.DeadLetters(ctx, "adt", "", 10)
	if err != nil || len(dead) != 1 || dead[0].ID != fhir[0].ID {
		t.Fatalf("dead letters = %+v, %v", dead, err)
	}
	if n, err := j.Replay(ctx, ReplayFilter{Channel: "adt"}); err != nil || n != 1 {
		t.Fatalf("Replay = %d, %v", n, err)
	}
	again, err := j.Pending(ctx, "adt", "fhir", 0, 10)
	if err != nil || len(again) != 1 || string(again[0].Payload) != string(fhir[0].Payload) {
		t.Fatalf("replayed queue = %+v, %v", again, err)
	}
	if n, err := j.Resend(ctx, id); err != nil || n != 2 {
		t.Fatalf("Resend = %d, %v", n, err)
	}
	for _, dest := range []string{"raw", "fhir"} {
		ds, err := j.Pending(ctx, "adt", dest, 0, 10)
		if err != nil || len(ds) == 0 || !strings.Contains(string(ds[len(ds)-1].Payload), secret) {
			t.Fatalf("resent %s queue = %+v, %v", dest, ds, err)
		}
	}
	scanFiles(t, dir, secret) // the WAL holds everything so far
	j.Close()
	db.Close()
	scanFiles(t, dir, secret) // checkpointed into the database
}

// TestSealedValueMovedFails: a sealed value copied to another row does not
// open there, and says so.
func TestSealedValueMovedFails(t *testing.T) {
	ctx := context.Background()
	j, db := openIn(t, t.TempDir(), ring(t, "k1", "k1"))
	defer db.Close()
	defer j.Close()
	a, b := appendSecret(t, j, "A"), appendSecret(t, j, "B")
	if _, err := db.W.Exec(`UPDATE message_content SET raw = (SELECT raw FROM message_content WHERE message_id = ?) WHERE message_id = ?`,
		a.Msg.ID, b.Msg.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Message(ctx, b.Msg.ID); !errors.Is(err, keyring.ErrCorrupt) {
		t.Errorf("moved content: %v; want ErrCorrupt", err)
	}
	if _, err := db.W.Exec(`UPDATE deliveries SET payload = (SELECT payload FROM deliveries WHERE id = ?) WHERE id = ?`,
		a.Deliveries[1].ID, b.Deliveries[1].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Pending(ctx, "adt", "fhir", 0, 10); !errors.Is(err, keyring.ErrCorrupt) {
		t.Errorf("moved payload: %v; want ErrCorrupt", err)
	}
}

// TestWrongOrMissingKeys: a journal with the wrong keys or none says which,
// and never returns the ciphertext as if it were content.
func TestWrongOrMissingKeys(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	j, db := openIn(t, dir, ring(t, "k1", "k1"))
	id := appendSecret(t, j, "C1").Msg.ID
	j.Close()
	db.Close()

	tests := []struct {
		name string
		keys *keyring.Ring
		want error
		text string
	}{
		{"another key ring", ring(t, "z9", "z9"), keyring.ErrUnknownKey, `key "k1"`},
		{"no keys", nil, ErrNoKeys, "no encryption keys"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j, db := openIn(t, dir, tt.keys)
			defer db.Close()
			defer j.Close()
			m, err := j.Message(ctx, id)
			if !errors.Is(err, tt.want) || !strings.Contains(err.Error(), tt.text) || !strings.Contains(err.Error(), "message 1") || m != nil {
				t.Errorf("Message = %v; want %v naming %s and the message", err, tt.want, tt.text)
			}
			if _, err := j.Pending(ctx, "adt", "fhir", 0, 10); !errors.Is(err, tt.want) {
				t.Errorf("Pending = %v; want %v", err, tt.want)
			}
		})
	}
}

// TestRotationAndReseal: plaintext rows from before encryption, rows under
// the first key and rows under the second all read; Reseal leaves every
// value under the active key, and a second run has nothing to do.
func TestRotationAndReseal(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	j, db := openIn(t, dir, nil)
	legacy := appendSecret(t, j, "L")
	j.Close()
	db.Close()

	keys := ring(t, "k1", "k1")
	j, db = openIn(t, dir, keys)
	defer db.Close()
	defer j.Close()
	before := appendSecret(t, j, "B")
	keys.Replace(ring(t, "k2", "k1", "k2"))
	after := appendSecret(t, j, "A")
	raw, _ := j.Pending(ctx, "adt", "raw", 0, 10)
	if err := j.Record(ctx, Outcome{DeliveryID: raw[0].ID, MessageID: raw[0].MessageID, Attempt: 1, Started: time.Now(), Status: Pending,
		NextAttemptAt: time.Now(), Response: []byte("AE " + secret)}); err != nil {
		t.Fatal(err)
	}
	readAll := func() {
		t.Helper()
		for _, rec := range []*Record{legacy, before, after} {
			m, err := j.Message(ctx, rec.Msg.ID)
			if err != nil || string(m.Raw) != string(rec.Msg.Raw) {
				t.Fatalf("message %s = %q, %v", rec.Msg.ControlID, m.Raw, err)
			}
		}
		ds, err := j.Pending(ctx, "adt", "fhir", 0, 10)
		if err != nil || len(ds) != 3 {
			t.Fatalf("fhir queue = %d, %v", len(ds), err)
		}
		as, err := j.Attempts(ctx, raw[0].ID)
		if err != nil || len(as) != 1 || string(as[0].Response) != "AE "+secret {
			t.Fatalf("attempts = %+v, %v", as, err)
		}
	}
	readAll()
	usage, err := j.KeyUsage(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// 3 contents and 3 payloads; the response was sealed under k2.
	if usage[""] != 2 || usage["k1"] != 2 || usage["k2"] != 3 {
		t.Errorf("before reseal: %v", usage)
	}
	st, err := j.Reseal(ctx, 2) // batches smaller than the tables
	if err != nil {
		t.Fatal(err)
	}
	if st.Sealed != 4 || st.Unchanged != 3 || st.Skipped != 0 {
		t.Errorf("Reseal = %+v", st)
	}
	if usage, _ = j.KeyUsage(ctx); len(usage) != 1 || usage["k2"] != 7 {
		t.Errorf("after reseal: %v", usage)
	}
	readAll()
	if st, err := j.Reseal(ctx, 2); err != nil || st.Sealed != 0 || st.Unchanged != 7 {
		t.Errorf("second Reseal = %+v, %v", st, err)
	}
	// k1 may now go: nothing needs it.
	keys.Replace(ring(t, "k2", "k2"))
	readAll()
}

// BenchmarkAppendEncryption measures ingest (a 1 KB message with two
// deliveries, one with its own payload, from parallel writers) in the
// clear and sealed, in the same run: compare the two ns/op. Sealing costs
// microseconds against a commit's tens of microseconds per message.
func BenchmarkAppendEncryption(b *testing.B) {
	raw := []byte("MSH|^~\\&|A|B|||||ADT^A01|1|P|2.5\rPID|||MRN1||" + strings.Repeat("X", 1000) + "\r")
	for _, bc := range []struct {
		name string
		keys *keyring.Ring
	}{{"plain", nil}, {"sealed", ring(b, "k1", "k1")}} {
		b.Run(bc.name, func(b *testing.B) {
			j, db := openIn(b, b.TempDir(), bc.keys)
			defer db.Close()
			defer j.Close()
			b.SetBytes(int64(len(raw)))
			b.SetParallelism(16) // enough writers for group commit to batch
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					rec := &Record{Msg: &engine.Message{Channel: "adt", Source: "bench", ContentType: engine.ContentHL7v2, Raw: raw, Status: engine.StatusReceived},
						Deliveries: []NewDelivery{{Destination: "raw"}, {Destination: "fhir", Payload: raw}}}
					if err := j.Append(context.Background(), rec); err != nil {
						b.Error(err)
						return
					}
				}
			})
		})
	}
}
