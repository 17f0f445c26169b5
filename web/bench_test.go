package web

import (
	"context"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
)

// benchMessages is how many messages the benchmark journal holds.
const benchMessages = 100_000

// BenchmarkMessagePages measures the message list page and searches over a
// journal of 100,000 messages (SQLite in a temporary directory), through
// HTTP with a session, as a browser asks. The "journal" cases are the
// same queries without the page, the baseline for what rendering adds.
func BenchmarkMessagePages(b *testing.B) {
	f := newFixture(b, nil)
	start := time.Now().Add(-7 * 24 * time.Hour)
	channels := []string{"adt", "orders", "results", "sched"}
	recs := make([]*journal.Record, 0, benchMessages)
	for i := range benchMessages {
		rec := record(channels[i%4], fmt.Sprintf("CTL%07d", i), fmt.Sprintf("PAT%05d", i%20000), nil, "lab")
		rec.Msg.ReceivedAt = start.Add(time.Duration(i) * 6 * time.Second)
		switch {
		case i%1000 == 7:
			rec.Msg.Status, rec.Msg.Error, rec.Deliveries = engine.StatusError, "PID-3: required field missing", nil
		case i%10 == 3:
			rec.Msg.Status, rec.Deliveries = engine.StatusFiltered, nil
		case i%97 == 5:
			rec.Msg.Status = engine.StatusDead
		}
		recs = append(recs, rec)
	}
	seeded := time.Now()
	f.appendAll(b, recs)
	b.Logf("seeded %d messages in %v", benchMessages, time.Since(seeded).Round(time.Millisecond))
	mid := start.Add(benchMessages / 2 * 6 * time.Second).UTC()
	for _, c := range []struct{ name, query string }{
		{"list", ""},
		{"list-page-100", "before=50000"},
		{"channel", "channel=results"},
		{"status-error", "status=error"},
		{"channel-status-dead", "channel=adt&status=dead"},
		{"patient", "patient_id=PAT01234"},
		{"control-id", "control_id=CTL0054321"},
		{"time-range", "from=" + mid.Format("2006-01-02T15:04") + "&to=" + mid.Add(time.Hour).Format("2006-01-02T15:04")},
		{"text-rare", "q=CTL009999"},
	} {
		b.Run("page/"+c.name, func(b *testing.B) {
			for b.Loop() {
				if r := f.get("viewer", "/ui/messages?"+c.query); r.status != http.StatusOK {
					b.Fatalf("%d", r.status)
				}
			}
		})
	}
	ctx := context.Background()
	for _, c := range []struct {
		name string
		f    journal.MessageFilter
	}{
		{"list", journal.MessageFilter{Limit: defaultPage}},
		{"status-error", journal.MessageFilter{Status: "error", Limit: defaultPage}},
		{"patient", journal.MessageFilter{PatientID: "PAT01234", Limit: defaultPage}},
		{"text-rare", journal.MessageFilter{Text: "CTL009999", Limit: defaultPage}},
	} {
		b.Run("journal/"+c.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := f.engine.j.Messages(ctx, c.f); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
