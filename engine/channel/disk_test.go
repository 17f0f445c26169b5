package channel

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	dto "github.com/prometheus/client_model/go"

	"github.com/plexus-health/plexus/connector/mllp"
	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/platform/store"
	transport "github.com/plexus-health/plexus/transport/mllp"
)

// TestFullDisk runs a channel whose journal lives on a small tmpfs, fills
// that file system with a ballast file while senders keep sending, and
// frees it again. While the journal cannot write, a sender gets no
// acknowledgement (the MLLP source closes the connection, so the sender
// sends again later); every message acknowledged before or during the
// shortage stays in the journal and is delivered; once space is back,
// messages are accepted again.
//
// Mounting needs root (CAP_SYS_ADMIN); the test is skipped without it.
func TestFullDisk(t *testing.T) {
	dir := mountTmpfs(t, 8<<20)
	ctx := context.Background()
	db, err := store.Open(ctx, "", filepath.Join(dir, "data"), store.Options{}) // synchronous=FULL, as in production
	if err != nil {
		t.Fatal(err)
	}
	j := journal.Open(db, journal.Options{})
	t.Cleanup(func() { j.Close(); db.Close() })

	dest := newTally()
	src, err := mllp.NewSource(engine.Env{Channel: "disk", Logger: slog.New(slog.DiscardHandler)}, listenOn("127.0.0.1:0"))
	if err != nil {
		t.Fatal(err)
	}
	c := start(t, Spec{Name: "disk", Source: src, Destinations: []Destination{{Name: "lab", Dest: dest,
		Retry: Retry{InitialBackoff: 10 * time.Millisecond, MaxBackoff: 50 * time.Millisecond}}}}, j)
	sender := &transport.Client{Addr: src.(*mllp.Source).Addr().String(), AckTimeout: 10 * time.Second}
	defer sender.Close()

	var acked []string // control IDs that got AA, in order
	next := 0
	sendID := func(id string) (ack []byte, err error) {
		ack, err = sender.Send(ctx, bulkyADT(id))
		if err == nil {
			acked = append(acked, id)
		}
		return ack, err
	}
	send := func() (id string, ack []byte, err error) {
		id = fmt.Sprint("F", next)
		next++
		ack, err = sendID(id)
		return id, ack, err
	}

	// Before: the disk has room; everything is acknowledged. The
	// destination is down, so the messages wait in its queue.
	dest.setDown(true)
	for range 20 {
		if id, _, err := send(); err != nil {
			t.Fatalf("%s before the disk filled: %v", id, err)
		}
	}

	// Fill the file system. SQLite may still fit a few commits into pages
	// its files already hold, so keep sending until one is refused.
	ballast := filepath.Join(dir, "ballast")
	fill(t, ballast)
	deliveredAtFull := dest.attempts()
	var refused string
	for range 2000 {
		id, ack, err := send()
		if err == nil {
			continue
		}
		var nak *transport.AckError
		if errors.As(err, &nak) || ack != nil {
			t.Fatalf("%s while the disk is full: got a response %q (%v), want the connection closed without one", id, ack, err)
		}
		refused = id
		t.Logf("%s refused while the disk is full (%d acknowledged in all): %v", id, len(acked), err)
		break
	}
	if refused == "" {
		t.Fatalf("2000 messages accepted on a full disk (%d acknowledged); the ballast did not fill it", len(acked))
	}
	// The same through Receive itself: an error, so no source may answer.
	direct := "FDIRECT"
	_, err = c.Receive(ctx, &engine.Inbound{Source: "test", ContentType: engine.ContentHL7v2, Raw: bulkyADT(direct)})
	if err == nil {
		t.Fatal("Receive on a full disk returned no error")
	}
	t.Logf("Receive on a full disk: %v", err)
	// SQLite reports a write that failed for lack of space as "database or
	// disk is full" or, from the WebAssembly build's file layer, as a disk
	// I/O error; either way it is the store's error, not a timeout.
	if !strings.Contains(err.Error(), "full") && !strings.Contains(err.Error(), "disk I/O error") {
		t.Errorf("Receive on a full disk: %v; want the store's disk-full or I/O error", err)
	}
	for _, id := range []string{refused, direct} {
		if ms, err := j.Messages(ctx, journal.MessageFilter{ControlID: id}); err != nil || len(ms) != 0 {
			t.Errorf("refused message %s is in the journal: %d rows, %v", id, len(ms), err)
		}
	}
	if got := counter(t, c.metrics.Received.WithLabelValues("disk")); got != float64(len(acked)) {
		t.Errorf("received counter %v, want the %d acknowledged messages", got, len(acked))
	}
	// The destination comes back while the journal still cannot record
	// outcomes: the queue can still be read, so messages go out, but they
	// stay pending until their outcome is recorded.
	dest.setDown(false)
	deadline := time.Now().Add(10 * time.Second)
	for _, id := range acked {
		for dest.count(id) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("message %s, acknowledged before the disk filled, not delivered while it was full", id)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	fullAttempts := dest.attempts() - deliveredAtFull

	// Space comes back: ingest resumes at once, beginning with the
	// refused message, which its sender sends again.
	if err := os.Remove(ballast); err != nil {
		t.Fatal(err)
	}
	if _, err := sendID(refused); err != nil {
		t.Fatalf("%s sent again after space came back: %v", refused, err)
	}
	for range 20 {
		if id, _, err := send(); err != nil {
			t.Fatalf("%s after space came back: %v", id, err)
		}
	}

	// Nothing acknowledged is lost: each message is stored with its
	// content, delivered, and recorded as delivered.
	deadline = time.Now().Add(20 * time.Second)
	for _, id := range acked {
		for dest.count(id) == 0 {
			if time.Now().After(deadline) {
				t.Fatalf("acknowledged message %s never delivered", id)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
	want := map[string]bool{}
	for _, id := range acked {
		want[id] = true
	}
	for {
		var stored, delivered int
		err := db.R.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(CASE WHEN m.status = 'delivered' THEN 1 ELSE 0 END), 0)
			FROM messages m JOIN message_content c ON c.message_id = m.id WHERE m.channel = 'disk'`).Scan(&stored, &delivered)
		if err != nil {
			t.Fatal(err)
		}
		if stored != len(acked) {
			t.Fatalf("journal holds %d messages with content, %d were acknowledged", stored, len(acked))
		}
		if delivered == stored {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d messages recorded as delivered", delivered, stored)
		}
		time.Sleep(10 * time.Millisecond)
	}
	ms, err := j.Messages(ctx, journal.MessageFilter{Channel: "disk", Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range ms {
		if !want[m.ControlID] {
			t.Errorf("journal holds %s, which was never acknowledged (or holds it twice)", m.ControlID)
		}
		delete(want, m.ControlID)
		if full, err := j.Message(ctx, m.ID); err != nil || string(full.Raw) != string(bulkyADT(m.ControlID)) {
			t.Errorf("content of %s not kept intact (%v)", m.ControlID, err)
		}
	}
	t.Logf("%d acknowledged and delivered; %d delivery attempts while the disk was full, %d attempts and %d deliveries in all",
		len(acked), fullAttempts, dest.attempts(), dest.deliveries())
}

// mountTmpfs mounts a tmpfs of size bytes on a new directory and unmounts
// it when the test ends.
func mountTmpfs(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d,mode=0700", size)); err != nil {
		t.Skipf("cannot mount a tmpfs to fill up (needs root or CAP_SYS_ADMIN): %v", err)
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, 0); err != nil {
			t.Errorf("unmounting the test tmpfs: %v", err)
			syscall.Unmount(dir, syscall.MNT_DETACH)
		}
	})
	return dir
}

// fill writes path until the file system holding it has no space left.
func fill(t *testing.T, path string) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("writing ballast: %v", err)
			}
			break
		}
	}
	var st syscall.Statfs_t
	if err := syscall.Statfs(path, &st); err != nil {
		t.Fatal(err)
	}
	if st.Bavail != 0 {
		t.Fatalf("ballast written, but %d blocks are still free", st.Bavail)
	}
}

// bulkyADT is an ADT message with a 32 KiB note, so that a few dozen fill
// the journal's pages quickly.
func bulkyADT(control string) []byte {
	return []byte("MSH|^~\\&|EPIC|HOSP|PLEXUS|HOSP|20240101120000||ADT^A01^ADT_A01|" + control + "|P|2.5\r" +
		"PID|1||P1^^^HOSP^MR||Doe^John||19800101|M\r" +
		"NTE|1||" + strings.Repeat("x", 32<<10) + "\r")
}

// tally is a destination that counts deliveries by control ID, and fails
// while down. Unlike recorder it never blocks, however often a message is
// delivered again.
type tally struct {
	mu    sync.Mutex
	down  bool
	seen  map[string]int
	total int // attempts, failed ones included
}

func newTally() *tally { return &tally{seen: map[string]int{}} }

func (d *tally) Deliver(ctx context.Context, out *engine.Outbound) (*engine.Response, error) {
	m, err := hl7v2.Parse(out.Payload)
	if err != nil {
		return nil, engine.Permanent(err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	d.total++
	if d.down {
		return nil, errors.New("destination unavailable")
	}
	d.seen[m.ControlID()]++
	return &engine.Response{Status: "AA"}, nil
}

// deliveries returns the number of successful deliveries, repeats included.
func (d *tally) deliveries() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, c := range d.seen {
		n += c
	}
	return n
}

func (d *tally) setDown(down bool) {
	d.mu.Lock()
	d.down = down
	d.mu.Unlock()
}

func (d *tally) count(id string) int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.seen[id]
}

func (d *tally) attempts() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.total
}

// listenOn is the engine.Options of an MLLP source listening on an address.
type listenOn string

func (l listenOn) Decode(v any) error {
	cfg, ok := v.(*mllp.SourceConfig)
	if !ok {
		return fmt.Errorf("unexpected options type %T", v)
	}
	cfg.Listen = string(l)
	return nil
}

// counter reads a Prometheus counter's value.
func counter(t *testing.T, c interface{ Write(*dto.Metric) error }) float64 {
	t.Helper()
	var m dto.Metric
	if err := c.Write(&m); err != nil {
		t.Fatal(err)
	}
	return m.GetCounter().GetValue()
}
