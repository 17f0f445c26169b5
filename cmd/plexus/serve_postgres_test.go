package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/api"
	"github.com/plexus-health/plexus/platform/store/storetest"
	"github.com/plexus-health/plexus/transport/mllp"
)

// TestServeOnPostgres runs plexus serve with its store on PostgreSQL: a
// message over MLLP is journaled, queued for a destination that does not
// answer, and raises the queue-depth alert; then the node restarts on the
// same database and still holds the message and its queue.
func TestServeOnPostgres(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	dir := t.TempDir()
	in := freePort(t)
	down := freePort(t) // nothing listens here
	cfg := filepath.Join(dir, "plexus.yaml")
	writeFile(t, cfg, fmt.Sprintf(`version: 1
store: %q
admin: {listen: "127.0.0.1:0"}
alerts:
  interval: 1s
  rules:
    - {name: lab-backlog, kind: queue_depth, channel: adt, destination: lab, threshold: 1, severity: critical}
channels:
  - name: adt
    source: {type: mllp, listen: "%s"}
    destinations:
      - name: lab
        type: mllp
        address: "%s"
        retry: {max_attempts: 100, initial_backoff: 1s, max_backoff: 1s}
`, dsn, in, down))
	data := filepath.Join(dir, "data")
	p := startServe(t, cfg, data)

	c := &mllp.Client{Addr: in}
	defer c.Close()
	msg := "MSH|^~\\&|EPIC|HOSP|LAB|HOSP|20240101120000||ADT^A01^ADT_A01|PG1|P|2.5\rPID|1||1000^^^HOSP^MR||Doe^John\r"
	if _, err := c.Send(context.Background(), []byte(msg)); err != nil {
		t.Fatalf("send: %v\n%s", err, tail(p.out.String(), 3000))
	}

	var alerts api.AlertList
	deadline := time.Now().Add(30 * time.Second)
	for {
		p.getJSON(t, "/api/v1/alerts", &alerts)
		if len(alerts.Alerts) > 0 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(alerts.Alerts) != 1 || alerts.Alerts[0].Rule != "lab-backlog" || alerts.Alerts[0].Destination != "lab" {
		t.Fatalf("alerts %+v\n%s", alerts.Alerts, tail(p.out.String(), 3000))
	}
	var list api.MessageList
	p.getJSON(t, "/api/v1/messages?control_id=PG1", &list)
	if len(list.Messages) != 1 || list.Messages[0].Status != "received" || list.Messages[0].TraceID == "" {
		t.Fatalf("messages %+v", list.Messages)
	}
	// plexus users with --config works on the node's store: the user it
	// adds is in PostgreSQL, where the running node finds it.
	add := exec.Command(plexusBin, "users", "add", "pat", "--role", "viewer", "--config", cfg)
	add.Env = append(os.Environ(), "PLEXUS_PASSWORD=a long enough password")
	if out, err := add.CombinedOutput(); err != nil {
		t.Fatalf("users add: %v: %s", err, out)
	}
	login := p.postJSONStatus(t, "/api/v1/login", `{"user": "pat", "password": "a long enough password"}`)
	if login != 200 {
		t.Fatalf("login of a user added with --config: %d", login)
	}
	p.stop(t)

	// The data is in PostgreSQL, not in the data directory: a second
	// node start finds the message and its pending delivery.
	p = startServe(t, cfg, data)
	var queues api.QueueList
	p.getJSON(t, "/api/v1/queues", &queues)
	if len(queues.Queues) != 1 || queues.Queues[0].Pending != 1 {
		t.Fatalf("queues after restart %+v", queues.Queues)
	}
	p.getJSON(t, "/api/v1/messages?control_id=PG1", &list)
	if len(list.Messages) != 1 {
		t.Fatalf("messages after restart %+v", list.Messages)
	}
	p.stop(t)
}

// postJSONStatus posts body to path without credentials and returns the
// status.
func (p *serveProc) postJSONStatus(t *testing.T, path, body string) int {
	t.Helper()
	resp, err := http.Post("http://"+p.admin+path, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
