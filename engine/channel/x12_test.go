package channel

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/format/x12"
	"github.com/plexus-health/plexus/platform/store"
	"github.com/plexus-health/plexus/platform/store/storetest"
)

// claim837 is the shared 837P sample under interchange control number
// control (nine digits), with ISA14 set to ack.
func claim837(t *testing.T, control, ack string) []byte {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("..", "..", "format", "x12", "testdata", "837p.x12"))
	if err != nil {
		t.Fatal(err)
	}
	s := strings.ReplaceAll(string(raw), "000000905", control)
	s = strings.Replace(s, "*"+control+"*1*T*", "*"+control+"*"+ack+"*T*", 1)
	return []byte(s)
}

func receiveX12(t *testing.T, c *Channel, raw []byte) *engine.Reply {
	t.Helper()
	r, err := c.Receive(context.Background(), &engine.Inbound{Source: "http", Remote: "127.0.0.1:1", ContentType: engine.ContentX12, Raw: raw})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// answers splits an answer body into its TA1 and 999 parts.
func answers(t *testing.T, body []byte) (ta1, ack999 []string) {
	t.Helper()
	if len(body) == 0 {
		return nil, nil
	}
	segs, _, err := x12.ReadAll(body)
	if err != nil {
		t.Fatalf("answer %q: %v", body, err)
	}
	for _, s := range segs {
		switch s.ID {
		case "TA1":
			ta1 = append(ta1, s.Value(4)+" "+s.Value(5))
		case "AK9":
			ack999 = append(ack999, s.Value(1))
		}
	}
	return ta1, ack999
}

func TestX12Receive(t *testing.T) {
	j := newJournal(t)
	dest := newRecorder()
	c := start(t, Spec{Name: "claims", Destinations: []Destination{{Name: "payer", Dest: dest}}}, j)

	valid := claim837(t, "000000905", "1")
	r := receiveX12(t, c, valid)
	if !r.Accepted || r.ContentType != engine.ContentX12 {
		t.Fatalf("valid 837P: %+v", r)
	}
	ta1, ak9 := answers(t, r.Body)
	if strings.Join(ta1, ",") != "A 000" || strings.Join(ak9, ",") != "A" {
		t.Errorf("valid 837P answered TA1 %v, 999 AK9 %v; want TA1 A 000 and AK9 A", ta1, ak9)
	}
	m := waitStatus(t, j, r.MessageID, engine.StatusDelivered)
	want := engine.Message{Type: "837", Trigger: "837P", ControlID: "000000905", SendingApp: "SUBMITTERS.ID",
		SendingFacility: "SENDER CODE", PatientID: "123456"}
	if m.Type != want.Type || m.Trigger != want.Trigger || m.ControlID != want.ControlID || m.SendingApp != want.SendingApp ||
		m.SendingFacility != want.SendingFacility || m.PatientID != want.PatientID || m.ContentType != engine.ContentX12 {
		t.Errorf("metadata %q %q %q %q %q %q %q", m.Type, m.Trigger, m.ControlID, m.SendingApp, m.SendingFacility, m.PatientID, m.ContentType)
	}
	if got := dest.payloads(); len(got) != 1 || got[0] != string(valid) {
		t.Errorf("destination got %d payloads", len(got))
	}

	// The same interchange again: a duplicate, refused with TA1 025 and
	// not routed.
	r = receiveX12(t, c, valid)
	ta1, ak9 = answers(t, r.Body)
	if r.Accepted || strings.Join(ta1, ",") != "R 025" || len(ak9) != 0 {
		t.Errorf("duplicate: accepted %v, TA1 %v, AK9 %v", r.Accepted, ta1, ak9)
	}
	waitStatus(t, j, r.MessageID, engine.StatusDuplicate)

	// A set whose SE01 is wrong: the envelope passes, the set is rejected
	// in the 999, the message is kept with status error.
	broken := bytes.Replace(claim837(t, "000000906", "0"), []byte("SE*34*"), []byte("SE*30*"), 1)
	r = receiveX12(t, c, broken)
	ta1, ak9 = answers(t, r.Body)
	if r.Accepted || len(ta1) != 0 || strings.Join(ak9, ",") != "R" {
		t.Errorf("bad SE01: accepted %v, TA1 %v, AK9 %v", r.Accepted, ta1, ak9)
	}
	m = waitStatus(t, j, r.MessageID, engine.StatusError)
	if !strings.Contains(m.Error, "ST 837 R [4]") || strings.Contains(m.Error, "DOE") {
		t.Errorf("bad SE01: error %q", m.Error)
	}
	// Its correction, under the same control number, is not a duplicate.
	r = receiveX12(t, c, claim837(t, "000000906", "0"))
	if ta1, ak9 = answers(t, r.Body); !r.Accepted || len(ta1) != 0 || strings.Join(ak9, ",") != "A" {
		t.Errorf("corrected interchange: accepted %v, TA1 %v, AK9 %v", r.Accepted, ta1, ak9)
	}

	// An envelope error: IEA02 differs from ISA13. A TA1 refuses it, and
	// no 999 is written for its groups.
	envelope := bytes.Replace(claim837(t, "000000907", "0"), []byte("IEA*1*000000907"), []byte("IEA*1*000000999"), 1)
	r = receiveX12(t, c, envelope)
	if ta1, ak9 = answers(t, r.Body); r.Accepted || strings.Join(ta1, ",") != "R 001" || len(ak9) != 0 {
		t.Errorf("IEA02 mismatch: accepted %v, TA1 %v, AK9 %v", r.Accepted, ta1, ak9)
	}
	waitStatus(t, j, r.MessageID, engine.StatusError)

	// Bytes that are not X12: kept with status error, nothing to answer.
	r = receiveX12(t, c, []byte("PATIENT DOE JOHN 123456"))
	if r.Accepted || len(r.Body) != 0 {
		t.Errorf("not X12: %+v", r)
	}
	m = waitStatus(t, j, r.MessageID, engine.StatusError)
	if strings.Contains(m.Error, "DOE") {
		t.Errorf("error quotes the input: %q", m.Error)
	}

	// A 999 coming in is journaled and routed, never acknowledged.
	res, err := x12.Check(bytes.NewReader(claim837(t, "000000908", "0")), x12.Config{})
	if err != nil {
		t.Fatal(err)
	}
	_, ack, err := x12.Acknowledge(res[0], x12.AckOptions{Control: 77})
	if err != nil {
		t.Fatal(err)
	}
	r = receiveX12(t, c, ack)
	if !r.Accepted || len(r.Body) != 0 {
		t.Errorf("incoming 999: accepted %v, body %q", r.Accepted, r.Body)
	}
	m = waitStatus(t, j, r.MessageID, engine.StatusDelivered)
	if m.Type != "999" || m.Trigger != "FA" {
		t.Errorf("incoming 999: type %q trigger %q", m.Type, m.Trigger)
	}
	dest.wait(t, 3)
}

func TestX12AckModes(t *testing.T) {
	tests := []struct {
		mode     X12Ack
		isa14    string
		ta1, ak9 string
	}{
		{X12AckAuto, "1", "A 000", "A"},
		{X12AckAuto, "0", "", "A"},
		{X12AckBoth, "0", "A 000", "A"},
		{X12AckTA1, "0", "A 000", ""},
		{X12AckTA1, "1", "A 000", ""},
		{X12Ack999, "1", "", "A"},
		{X12AckNone, "1", "", ""},
	}
	for _, tt := range tests {
		t.Run(string(tt.mode)+"/"+tt.isa14, func(t *testing.T) {
			c := start(t, Spec{Name: "claims", X12: &X12{Ack: tt.mode, DuplicateWindow: time.Hour}}, newJournal(t))
			r := receiveX12(t, c, claim837(t, "000000905", tt.isa14))
			ta1, ak9 := answers(t, r.Body)
			if !r.Accepted || strings.Join(ta1, ",") != tt.ta1 || strings.Join(ak9, ",") != tt.ak9 {
				t.Errorf("accepted %v, TA1 %v, AK9 %v; want TA1 %q, AK9 %q", r.Accepted, ta1, ak9, tt.ta1, tt.ak9)
			}
			// Refusals are answered in every mode but none: a duplicate
			// gets its TA1 even in 999 mode.
			r = receiveX12(t, c, claim837(t, "000000905", tt.isa14))
			ta1, _ = answers(t, r.Body)
			if wantDup := tt.mode != X12AckNone; r.Accepted || (strings.Join(ta1, ",") == "R 025") != wantDup {
				t.Errorf("duplicate: accepted %v, TA1 %v", r.Accepted, ta1)
			}
		})
	}
}

func TestX12Partners(t *testing.T) {
	tests := []struct {
		usage byte
		ok    bool
	}{{'T', true}, {'P', false}, {0, true}}
	for _, tt := range tests {
		c := start(t, Spec{Name: "claims", X12: &X12{Partners: []x12.Partner{{Sender: "SUBMITTERS.ID", Usage: tt.usage}}}}, newJournal(t))
		r := receiveX12(t, c, claim837(t, "000000905", "0"))
		ta1, _ := answers(t, r.Body)
		if r.Accepted != tt.ok || (!tt.ok && strings.Join(ta1, ",") != "R 020") {
			t.Errorf("partner usage %q: accepted %v, TA1 %v", tt.usage, r.Accepted, ta1)
		}
	}
}

// TestX12Guides checks that the implementation guide decides by default,
// and that SyntaxOnly leaves it out: a claim whose diagnoses sit outside
// their composites breaks the 837P guide but no envelope rule.
func TestX12Guides(t *testing.T) {
	raw := []byte(strings.Replace(string(claim837(t, "000000905", "0")), "HI*BK:8901*BF:87200*BF:5559~", "HI*BK*8901*BF*87200~", 1))
	for _, syntaxOnly := range []bool{false, true} {
		c := start(t, Spec{Name: "claims", X12: &X12{SyntaxOnly: syntaxOnly}}, newJournal(t))
		r := receiveX12(t, c, raw)
		_, ak9 := answers(t, r.Body)
		want := "R"
		if syntaxOnly {
			want = "A"
		}
		if r.Accepted != syntaxOnly || strings.Join(ak9, ",") != want {
			t.Errorf("syntax only %v: accepted %v, AK9 %v", syntaxOnly, r.Accepted, ak9)
		}
		if !syntaxOnly && !strings.Contains(string(r.Body), "IK3*HI*") {
			t.Errorf("the 999 names no HI error:\n%s", r.Body)
		}
	}
}

// An interchange the journal could not store is not remembered: the
// sender's retry is not a duplicate.
func TestX12NotStoredIsForgotten(t *testing.T) {
	ctl := &MemoryX12Control{}
	spec := Spec{Name: "claims", X12: &X12{Control: ctl, DuplicateWindow: time.Hour}}
	broken := newJournal(t)
	c := New(spec, broken, nil, slog.New(slog.DiscardHandler))
	broken.Close()
	if _, err := c.Receive(context.Background(), &engine.Inbound{ContentType: engine.ContentX12, Raw: claim837(t, "000000905", "0")}); err == nil {
		t.Fatal("receive on a closed journal succeeded")
	}
	c2 := start(t, spec, newJournal(t))
	if r := receiveX12(t, c2, claim837(t, "000000905", "0")); !r.Accepted {
		t.Errorf("retry refused: %q", r.Body)
	}
}

// Answers to one partner never share a control number.
func TestX12AnswerControlNumbers(t *testing.T) {
	c := start(t, Spec{Name: "claims", X12: &X12{Ack: X12AckBoth}}, newJournal(t))
	seen := map[string]bool{}
	for i, ctl := range []string{"000000001", "000000002", "000000003"} {
		r := receiveX12(t, c, claim837(t, ctl, "0"))
		segs, _, err := x12.ReadAll(r.Body)
		if err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, s := range segs {
			if s.ID == "ISA" {
				n++
				if seen[s.Value(13)] {
					t.Errorf("answer %d reuses ISA13 %s", i, s.Value(13))
				}
				seen[s.Value(13)] = true
			}
		}
		if n != 2 {
			t.Errorf("answer %d has %d interchanges, want TA1 and 999", i, n)
		}
	}
}

func TestX12Store(t *testing.T) {
	for _, d := range []store.Dialect{store.SQLite, store.Postgres} {
		t.Run(string(d), func(t *testing.T) {
			testX12Control(t, NewX12Store(storetest.Open(t, d, store.Options{Synchronous: "NORMAL"})))
		})
	}
	t.Run("memory", func(t *testing.T) { testX12Control(t, &MemoryX12Control{}) })
}

func testX12Control(t *testing.T, ctl X12Control) {
	ctx := context.Background()
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	steps := []struct {
		channel, sender, control string
		at                       time.Time
		window                   time.Duration
		want                     bool
	}{
		{"a", "S1", "1", t0, day, false},
		{"a", "S1", "1", t0.Add(time.Hour), day, true},         // within the window
		{"a", "S2", "1", t0.Add(time.Hour), day, false},        // another partner
		{"b", "S1", "1", t0.Add(time.Hour), day, false},        // another channel
		{"a", "S1", "1", t0.Add(2 * day), day, false},          // past the window: new again
		{"a", "S1", "1", t0.Add(2*day + time.Hour), day, true}, // and remembered from then
		{"a", "S1", "1", t0.Add(2*day + time.Hour), time.Minute, false},
	}
	for i, s := range steps {
		got, err := ctl.Seen(ctx, s.channel, s.sender, "R", s.control, s.at, s.at.Add(-s.window))
		if err != nil || got != s.want {
			t.Errorf("step %d: Seen = %v, %v; want %v", i, got, err, s.want)
		}
	}
	if err := ctl.Forget(ctx, "a", "S1", "R", "1"); err != nil {
		t.Fatal(err)
	}
	if got, err := ctl.Seen(ctx, "a", "S1", "R", "1", t0.Add(3*day), t0); err != nil || got {
		t.Errorf("after Forget: Seen = %v, %v", got, err)
	}

	// Answer numbers: consecutive per partner, wrapping after 999999999.
	nexts := []struct {
		sender string
		n      int
		want   int
	}{{"S1", 1, 1}, {"S1", 2, 2}, {"S1", 1, 4}, {"S2", 1, 1}}
	for _, x := range nexts {
		if got, err := ctl.Next(ctx, x.sender, "R", x.n); err != nil || got != x.want {
			t.Errorf("Next(%s, %d) = %d, %v; want %d", x.sender, x.n, got, err, x.want)
		}
	}
	if _, err := ctl.Next(ctx, "S1", "R", 0); err == nil {
		t.Error("Next(0) gave no error")
	}
	if got, err := ctl.Next(ctx, "S1", "R", 999999999-4-1); err != nil || got != 5 {
		t.Fatalf("big reservation = %d, %v", got, err)
	}
	if got, err := ctl.Next(ctx, "S1", "R", 2); err != nil || got != 999999999 {
		t.Errorf("at the end = %d, %v; want 999999999 (then 1)", got, err)
	}
	if got, err := ctl.Next(ctx, "S1", "R", 1); err != nil || got != 2 {
		t.Errorf("after wrapping = %d, %v; want 2", got, err)
	}

	// Concurrent callers: each number once, one caller sees a control
	// number as new.
	var mu sync.Mutex
	got := map[int]bool{}
	fresh := 0
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 5 {
				n, err := ctl.Next(ctx, "S3", "R", 1)
				seen, err2 := ctl.Seen(ctx, "c", "S3", "R", "42", t0, t0.Add(-day))
				mu.Lock()
				if err != nil || err2 != nil || got[n] {
					t.Errorf("concurrent: %d %v %v", n, err, err2)
				}
				got[n] = true
				if !seen {
					fresh++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(got) != 40 || fresh != 1 {
		t.Errorf("concurrent: %d numbers, %d first sightings; want 40 and 1", len(got), fresh)
	}
}
