package channel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/platform/store"
	"github.com/plexus-health/plexus/platform/store/storetest"
)

// recorder is a destination that records what it is given and fails as
// told.
type recorder struct {
	mu        sync.Mutex
	got       []string
	failNext  int  // fail this many attempts
	permanent bool // failures are permanent
	down      bool // fail until brought up
	resp      []byte
	failIf    string // fail payloads containing this
	delivered chan struct{}
}

func newRecorder() *recorder { return &recorder{delivered: make(chan struct{}, 10000)} }

func (r *recorder) Deliver(ctx context.Context, out *engine.Outbound) (*engine.Response, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.down || r.failNext > 0 || r.failIf != "" && strings.Contains(string(out.Payload), r.failIf) {
		if r.failNext > 0 {
			r.failNext--
		}
		err := errors.New("destination unavailable")
		if r.permanent {
			return &engine.Response{Status: "AR"}, engine.Permanent(err)
		}
		return nil, err
	}
	r.got = append(r.got, string(out.Payload))
	r.delivered <- struct{}{}
	return &engine.Response{Status: "AA", Body: r.resp}, nil
}

func (r *recorder) setDown(down bool) {
	r.mu.Lock()
	r.down = down
	r.mu.Unlock()
}

func (r *recorder) payloads() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.got...)
}

func (r *recorder) wait(t *testing.T, n int) {
	t.Helper()
	timeout := time.After(20 * time.Second)
	for range n {
		select {
		case <-r.delivered:
		case <-timeout:
			t.Fatalf("timed out waiting for %d deliveries; have %d", n, len(r.payloads()))
		}
	}
}

type matchFunc func(*engine.Message) (bool, error)

func (f matchFunc) Match(m *engine.Message) (bool, error) { return f(m) }

func newJournal(t *testing.T) *journal.Journal {
	t.Helper()
	db := storetest.Open(t, testDialect, store.Options{Synchronous: "NORMAL"})
	j := journal.Open(db, journal.Options{})
	t.Cleanup(func() { j.Close() })
	return j
}

func start(t *testing.T, spec Spec, j *journal.Journal) *Channel {
	t.Helper()
	c := New(spec, j, nil, slog.New(slog.DiscardHandler))
	if err := c.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Stop(context.Background()) })
	return c
}

func hl7(control, patient, trigger string) []byte {
	return []byte("MSH|^~\\&|EPIC|HOSP|PLEXUS|HOSP|20240101120000||ADT^" + trigger + "^ADT_A01|" + control + "|P|2.5\r" +
		"PID|1||" + patient + "^^^HOSP^MR||Doe^John||19800101|M\r")
}

func receive(t *testing.T, c *Channel, raw []byte) *engine.Reply {
	t.Helper()
	r, err := c.Receive(context.Background(), &engine.Inbound{Source: "mllp", Remote: "127.0.0.1:1", ContentType: engine.ContentHL7v2, Raw: raw})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestReceiveDeliverAndAck(t *testing.T) {
	j := newJournal(t)
	dest := newRecorder()
	c := start(t, Spec{Name: "adt", ConfigVersion: "v1", Destinations: []Destination{{Name: "lab", Dest: dest}}}, j)
	r := receive(t, c, hl7("C1", "P1", "A01"))
	if !r.Accepted || r.Code != "AA" || r.MessageID == 0 {
		t.Fatalf("reply %+v", r)
	}
	ack, err := hl7v2.Parse(r.Body)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := ack.Get("MSA-2"); got != "C1" {
		t.Errorf("MSA-2 = %q", got)
	}
	dest.wait(t, 1)
	if got := dest.payloads(); len(got) != 1 || got[0] != string(hl7("C1", "P1", "A01")) {
		t.Errorf("delivered %q", got)
	}
	m := waitStatus(t, j, r.MessageID, engine.StatusDelivered)
	if m.ControlID != "C1" || m.PatientID != "P1" || m.ConfigVersion != "v1" || m.Type != "ADT" {
		t.Errorf("metadata %+v", m)
	}
}

func waitStatus(t *testing.T, j *journal.Journal, id int64, want engine.Status) *engine.Message {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		m, err := j.Message(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status == want {
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("message %d status %s, want %s", id, m.Status, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestMalformedIsStoredAndRefused(t *testing.T) {
	j := newJournal(t)
	dest := newRecorder()
	c := start(t, Spec{Name: "adt", Destinations: []Destination{{Name: "lab", Dest: dest}}}, j)
	for _, tc := range []struct {
		raw, code, reason string
	}{
		{"PID|1||x\r", "AR", "does not start with an MSH segment"},
		{"MSH|^~\\&|A|B|C|D|2024||ADT^A01||P|2.5\r", "AE", "MSH-10"},
		{"MSH|^~\\&|A|B|C|D|2024||ADT^A01|X1|P|9.9\r", "AR", "unsupported version"},
	} {
		r := receive(t, c, []byte(tc.raw))
		if r.Accepted || r.Code != tc.code {
			t.Errorf("%q: reply code %s accepted %v, want %s", tc.raw, r.Code, r.Accepted, tc.code)
		}
		m, err := j.Message(context.Background(), r.MessageID)
		if err != nil {
			t.Fatal(err)
		}
		if m.Status != engine.StatusError || !strings.Contains(m.Error, tc.reason) || string(m.Raw) != tc.raw {
			t.Errorf("stored %+v", m)
		}
		if ds, _ := j.Deliveries(context.Background(), m.ID); len(ds) != 0 {
			t.Errorf("malformed message was queued")
		}
	}
}

func TestFilterDuplicatesPriorityAndTransformError(t *testing.T) {
	j := newJournal(t)
	dest := newRecorder()
	onlyA01 := matchFunc(func(m *engine.Message) (bool, error) { return m.Trigger == "A01", nil })
	urgent := matchFunc(func(m *engine.Message) (bool, error) { return m.PatientID == "VIP", nil })
	failing := func(ctx context.Context, m *engine.Message) (string, []byte, error) {
		if m.PatientID == "BAD" {
			return "", nil, errors.New("step 2 (map PV1-2): code not in table patient-class")
		}
		return engine.ContentText, []byte("to:" + m.ControlID), nil
	}
	c := start(t, Spec{Name: "adt", Filter: onlyA01, PriorityRule: urgent, DedupWindow: time.Hour,
		Destinations: []Destination{{Name: "lab", Dest: dest, Transform: failing}}}, j)
	ctx := context.Background()

	if r := receive(t, c, hl7("F1", "P1", "A08")); !r.Accepted || r.Code != "AA" {
		t.Errorf("filtered reply %+v", r)
	} else if m, _ := j.Message(ctx, r.MessageID); m.Status != engine.StatusFiltered {
		t.Errorf("filtered status %s", m.Status)
	}
	first := receive(t, c, hl7("D1", "P1", "A01"))
	dup := receive(t, c, hl7("D1", "P1", "A01"))
	if m, _ := j.Message(ctx, dup.MessageID); dup.Code != "AA" || m.Status != engine.StatusDuplicate {
		t.Errorf("duplicate: %s %s", dup.Code, m.Status)
	}
	vip := receive(t, c, hl7("V1", "VIP", "A01"))
	if m, _ := j.Message(ctx, vip.MessageID); m.Priority != UrgentPriority {
		t.Errorf("priority %d", m.Priority)
	}
	bad := receive(t, c, hl7("B1", "BAD", "A01"))
	if m, _ := j.Message(ctx, bad.MessageID); bad.Accepted || bad.Code != "AE" || m.Status != engine.StatusError || !strings.Contains(m.Error, "patient-class") {
		t.Errorf("transform error: %+v %+v", bad, m)
	}
	// The sender corrects the message and sends it again with the same
	// control ID: it was never accepted, so it is no duplicate.
	fixed := receive(t, c, hl7("B1", "FIXED", "A01"))
	if m, _ := j.Message(ctx, fixed.MessageID); m.Status == engine.StatusDuplicate || fixed.Code != "AA" {
		t.Errorf("corrected resend: %s %s", fixed.Code, m.Status)
	}
	dest.wait(t, 3)
	got := dest.payloads()
	if len(got) != 3 || got[0] != "to:D1" && got[0] != "to:V1" {
		t.Errorf("delivered %q", got)
	}
	waitStatus(t, j, first.MessageID, engine.StatusDelivered)
	// Duplicate suppression survives a restart.
	c.Stop(ctx)
	c2 := start(t, Spec{Name: "adt", DedupWindow: time.Hour, Destinations: []Destination{{Name: "lab", Dest: newRecorder()}}}, j)
	again := receive(t, c2, hl7("D1", "P1", "A01"))
	if m, _ := j.Message(ctx, again.MessageID); m.Status != engine.StatusDuplicate {
		t.Errorf("after restart: %s", m.Status)
	}
}

func TestOutageKeepsOrder(t *testing.T) {
	j := newJournal(t)
	dest := newRecorder()
	dest.setDown(true)
	c := start(t, Spec{Name: "adt", Destinations: []Destination{{Name: "lab", Dest: dest,
		Retry: Retry{InitialBackoff: 5 * time.Millisecond, MaxBackoff: 20 * time.Millisecond}}}}, j)
	const n = 50
	var want []string
	for i := range n {
		raw := hl7(fmt.Sprint("O", i), "P1", "A01")
		want = append(want, string(raw))
		receive(t, c, raw)
	}
	time.Sleep(100 * time.Millisecond) // let it fail a few times
	qs, _ := j.Queues(context.Background())
	if len(qs) != 1 || qs[0].Pending != n {
		t.Fatalf("queue during outage: %+v", qs)
	}
	dest.setDown(false)
	dest.wait(t, n)
	got := dest.payloads()
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("delivery %d out of order", i)
		}
	}
}

func TestDeadLetterAndReplay(t *testing.T) {
	j := newJournal(t)
	dest := newRecorder()
	dest.failNext, dest.permanent = 1, true
	retrying := newRecorder()
	retrying.setDown(true)
	c := start(t, Spec{Name: "adt", Destinations: []Destination{
		{Name: "lab", Dest: dest},
		{Name: "ris", Dest: retrying, Retry: Retry{MaxAttempts: 3, InitialBackoff: time.Millisecond, MaxBackoff: 2 * time.Millisecond}},
	}}, j)
	r := receive(t, c, hl7("X1", "P1", "A01"))
	m := waitStatus(t, j, r.MessageID, engine.StatusDead)
	var ds []journal.Delivery
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		ds, _ = j.Deliveries(context.Background(), m.ID)
		if ds[0].Status == journal.Dead && ds[1].Status == journal.Dead {
			break
		}
	}
	for _, d := range ds {
		if d.Status != journal.Dead {
			t.Errorf("%s: %s", d.Destination, d.Status)
		}
		if d.Destination == "ris" && d.Attempts != 3 {
			t.Errorf("ris attempts %d, want 3", d.Attempts)
		}
		if d.Destination == "lab" && d.Attempts != 1 {
			t.Errorf("permanent failure retried: %d attempts", d.Attempts)
		}
	}
	retrying.setDown(false)
	n, err := j.Replay(context.Background(), journal.ReplayFilter{Channel: "adt"})
	if err != nil || n != 2 {
		t.Fatalf("replay %d %v", n, err)
	}
	dest.wait(t, 1)
	retrying.wait(t, 1)
	waitStatus(t, j, m.ID, engine.StatusDelivered)
}

func TestKeyedLanesKeepOrderPerKey(t *testing.T) {
	j := newJournal(t)
	dest := newRecorder()
	key, _ := hl7v2.ParsePath("PID-3.1")
	c := start(t, Spec{Name: "adt", Destinations: []Destination{{Name: "lab", Dest: dest, OrderKey: &key, Lanes: 4}}}, j)
	const patients, each = 8, 10
	for i := range each {
		for p := range patients {
			receive(t, c, hl7(fmt.Sprintf("K%d-%d", p, i), fmt.Sprint("PAT", p), "A01"))
		}
	}
	dest.wait(t, patients*each)
	next := map[string]int{}
	for _, raw := range dest.payloads() {
		m, _ := hl7v2.Parse([]byte(raw))
		pat, _ := m.Get("PID-3.1")
		var p, i int
		fmt.Sscanf(m.ControlID(), "K%d-%d", &p, &i)
		if i != next[pat] {
			t.Fatalf("patient %s: got message %d, want %d", pat, i, next[pat])
		}
		next[pat]++
	}
	lanes := map[int]bool{}
	for p := range patients {
		m, _ := hl7v2.Parse(hl7("x", fmt.Sprint("PAT", p), "A01"))
		lanes[laneFor(&c.spec.Destinations[0], &engine.Message{HL7: m})] = true
	}
	if len(lanes) < 2 {
		t.Errorf("all patients hashed to one lane")
	}
}

func TestAfterDeliveryRelaysResponse(t *testing.T) {
	j := newJournal(t)
	dest := newRecorder()
	dest.resp = []byte("MSH|^~\\&|LAB|L|EPIC|HOSP|2024||ACK^A01^ACK|R1|P|2.5\rMSA|AA|C9\r")
	c := start(t, Spec{Name: "adt", Response: AfterDelivery, ResponseDestination: "lab",
		Destinations: []Destination{{Name: "lab", Dest: dest}}}, j)
	r := receive(t, c, hl7("C9", "P1", "A01"))
	if string(r.Body) != string(dest.resp) || r.Code != "AA" {
		t.Errorf("relayed %q code %s", r.Body, r.Code)
	}
	// A destination that does not answer in time: AE, message kept queued.
	slow := newRecorder()
	slow.setDown(true)
	c2 := start(t, Spec{Name: "slow", Response: AfterDelivery, ResponseDestination: "lab", ResponseTimeout: 50 * time.Millisecond,
		Destinations: []Destination{{Name: "lab", Dest: slow, Retry: Retry{InitialBackoff: time.Hour}}}}, j)
	r = receive(t, c2, hl7("C10", "P1", "A01"))
	if r.Code != "AE" || !r.Accepted {
		t.Errorf("timeout reply %+v", r)
	}
	if ds, _ := j.Deliveries(context.Background(), r.MessageID); len(ds) != 1 || ds[0].Status != journal.Pending {
		t.Errorf("message not kept queued: %+v", ds)
	}
}

func TestBackoff(t *testing.T) {
	r := Retry{InitialBackoff: time.Second, MaxBackoff: 10 * time.Second, Jitter: -1}
	for n, want := range map[int]time.Duration{1: time.Second, 2: 2 * time.Second, 3: 4 * time.Second, 4: 8 * time.Second, 5: 10 * time.Second, 50: 10 * time.Second} {
		if got := r.Backoff(n); got != want {
			t.Errorf("Backoff(%d) = %v, want %v", n, got, want)
		}
	}
	r.Jitter = 0.5
	for range 100 {
		if got := r.Backoff(1); got < 500*time.Millisecond || got > 1500*time.Millisecond {
			t.Fatalf("jittered backoff %v out of range", got)
		}
	}
	now := time.Now()
	if !(Retry{MaxAttempts: 3}).exhausted(3, now, now) || (Retry{MaxAttempts: 3}).exhausted(2, now, now) {
		t.Error("attempt limit")
	}
	if !(Retry{MaxAge: time.Minute}).exhausted(1, now.Add(-2*time.Minute), now) {
		t.Error("age limit")
	}
}

func TestUrgentOvertakesHeadWaitingToRetry(t *testing.T) {
	j := newJournal(t)
	dest := newRecorder()
	dest.failIf = "|STUCK|"
	urgent := matchFunc(func(m *engine.Message) (bool, error) { return m.PatientID == "VIP", nil })
	c := start(t, Spec{Name: "adt", PriorityRule: urgent,
		Destinations: []Destination{{Name: "lab", Dest: dest, Retry: Retry{InitialBackoff: time.Hour, MaxBackoff: time.Hour}}}}, j)
	receive(t, c, hl7("STUCK", "P1", "A01"))
	// Wait until the head has failed once and waits for its retry.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(5 * time.Millisecond) {
		ds, _ := j.Deliveries(context.Background(), 1)
		if len(ds) == 1 && ds[0].Attempts == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("head never attempted")
		}
	}
	receive(t, c, hl7("NORMAL", "P2", "A01"))
	receive(t, c, hl7("URGENT", "VIP", "A01"))
	dest.wait(t, 1)
	if got := dest.payloads(); len(got) != 1 || !strings.Contains(got[0], "|URGENT|") {
		t.Errorf("delivered %q, want only the urgent message", got)
	}
}
