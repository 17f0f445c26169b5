package main

import (
	"context"
	"database/sql"
	"fmt"
	"hash/fnv"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver, to read the journal directly

	"github.com/plexus-health/plexus/api"
	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/platform/store/storetest"
	"github.com/plexus-health/plexus/transport/mllp"
)

// The multi-node test's shape.
const (
	clusterNodes    = 3
	clusterLanes    = 8
	clusterPatients = 24
	clusterPerPat   = 25 // 600 messages
	clusterPace     = 400 * time.Millisecond
)

// arrival is one message as the cluster sink received it.
type arrival struct {
	patient string
	seq     int
	at      time.Time
}

// clusterSink is an MLLP receiver that records every message it is given,
// keyed by control ID, counting duplicates.
type clusterSink struct {
	srv  *mllp.Server
	addr string
	mu   sync.Mutex
	log  []arrival
	seen map[string]int
}

func newClusterSink(t *testing.T) *clusterSink {
	t.Helper()
	s := &clusterSink{seen: map[string]int{}}
	s.srv = &mllp.Server{Logger: slog.New(slog.DiscardHandler), Handler: mllp.HandlerFunc(func(ctx context.Context, m *mllp.Message) ([]byte, error) {
		msg, err := hl7v2.Parse(m.Payload)
		if err != nil {
			return hl7v2.NakRaw(m.Payload, err, hl7v2.AckOptions{})
		}
		id := msg.ControlID()
		patient, seq := splitControlID(id)
		s.mu.Lock()
		s.seen[id]++
		s.log = append(s.log, arrival{patient, seq, time.Now()})
		s.mu.Unlock()
		return hl7v2.Ack(msg, hl7v2.AckAccept, hl7v2.AckOptions{})
	})}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s.addr = ln.Addr().String()
	go s.srv.Serve(ln)
	t.Cleanup(func() { s.srv.Close() })
	return s
}

// splitControlID reads "P07-12" as patient P07, message 12.
func splitControlID(id string) (string, int) {
	p, n, _ := strings.Cut(id, "-")
	seq, _ := strconv.Atoi(n)
	return p, seq
}

// laneOf is the lane the engine puts a patient's messages in: the FNV-1a
// hash of the order key (PID-3) modulo the lanes.
func laneOf(patient string) int {
	h := fnv.New32a()
	h.Write([]byte(patient))
	return int(h.Sum32() % clusterLanes)
}

// nodeRun is one node of a test cluster.
type nodeRun struct {
	name, in string
	p        *serveProc
}

// startCluster starts n plexus serve nodes on the PostgreSQL schema dsn,
// each with its own MLLP port, all running channel adt: MLLP in, delivered
// to the MLLP sink at sinkAddr in clusterLanes lanes ordered by PID-3.
func startCluster(t *testing.T, dsn string, n int, sinkAddr string) []*nodeRun {
	t.Helper()
	dir := t.TempDir()
	var nodes []*nodeRun
	for i := range n {
		nr := &nodeRun{name: fmt.Sprintf("node-%c", 'a'+i), in: freePort(t)}
		cfg := filepath.Join(dir, nr.name+".yaml")
		writeFile(t, cfg, fmt.Sprintf(`version: 1
store: %q
admin: {listen: "127.0.0.1:0"}
cluster: {node_name: %s, lease_ttl: 3s, renew_interval: 1s}
channels:
  - name: adt
    source: {type: mllp, listen: "%s"}
    destinations:
      - name: ehr
        type: mllp
        address: "%s"
        order: {mode: key, key: PID-3, lanes: %d}
        retry: {max_attempts: 1000, initial_backoff: 100ms, max_backoff: 1s}
`, dsn, nr.name, nr.in, sinkAddr, clusterLanes))
		data := filepath.Join(dir, nr.name)
		if i > 0 {
			// The first node made the store's admin key; the others
			// find accounts already there and make none.
			key, err := os.ReadFile(filepath.Join(dir, nodes[0].name, "admin.key"))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.MkdirAll(data, 0o700); err != nil {
				t.Fatal(err)
			}
			writeFile(t, filepath.Join(data, "admin.key"), string(key))
		}
		nr.p = startServe(t, cfg, data)
		nodes = append(nodes, nr)
	}
	return nodes
}

// waitSpread waits until the lanes are spread over every node and returns
// the nodes as the admin API lists them.
func waitSpread(t *testing.T, nodes []*nodeRun) []api.Node {
	t.Helper()
	var view []api.Node
	deadline := time.Now().Add(60 * time.Second)
	for {
		nodes[0].p.getJSON(t, "/api/v1/nodes", &struct{ Nodes *[]api.Node }{&view})
		spread, held := 0, 0
		for _, n := range view {
			if n.Alive && len(n.Leases) > 0 {
				spread++
			}
			held += len(n.Leases)
		}
		if spread == len(nodes) && held == clusterLanes {
			return view
		}
		if time.Now().After(deadline) {
			t.Fatalf("leases not spread over %d nodes: %+v\n%s", len(nodes), view, tail(nodes[0].p.out.String(), 3000))
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// TestClusterFailover runs three plexus serve nodes on one PostgreSQL
// schema, each with its own MLLP port, and the same channel: MLLP in, an
// MLLP destination ordered by PID-3 over 8 lanes. Steady load goes to the
// three nodes in turn; one node is killed (SIGKILL) mid-run. Every
// acknowledged message must reach the sink, each delivery must be recorded
// delivered exactly once in the journal, and each patient's messages must
// arrive in order. It logs the takeover time: from the kill to the first
// delivery, by another node, of a partition the dead node held.
func TestClusterFailover(t *testing.T) {
	dsn := storetest.PostgresURL(t)
	sink := newClusterSink(t)
	nodes := startCluster(t, dsn, clusterNodes, sink.addr)

	view := waitSpread(t, nodes)
	victim := nodes[1]
	victimLanes := map[int]bool{}
	for _, n := range view {
		if n.Name == victim.name {
			for _, l := range n.Leases {
				lane, _ := strconv.Atoi(l.Partition[strings.LastIndexByte(l.Partition, '/')+1:])
				victimLanes[lane] = true
			}
		}
	}
	t.Logf("%s holds lanes %v before it is killed", victim.name, victimLanes)

	// Steady load: each patient sends its messages in order, one at a
	// time, to the nodes in turn; a message a node does not acknowledge
	// goes to the next node.
	var (
		ackMu   sync.Mutex
		acked   = map[string]bool{}
		killed  = make(chan struct{})
		killAt  time.Time
		wg      sync.WaitGroup
		clients = make([]*mllp.Client, 0, clusterNodes*clusterPatients)
	)
	var clientsMu sync.Mutex
	for p := range clusterPatients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			patient := fmt.Sprintf("P%02d", p)
			cs := make([]*mllp.Client, clusterNodes)
			for i, n := range nodes {
				cs[i] = &mllp.Client{Addr: n.in}
			}
			clientsMu.Lock()
			clients = append(clients, cs...)
			clientsMu.Unlock()
			next := p % clusterNodes
			for seq := 1; seq <= clusterPerPat; seq++ {
				id := fmt.Sprintf("%s-%d", patient, seq)
				msg := fmt.Sprintf("MSH|^~\\&|EPIC|HOSP|EHR|HOSP|20240101120000||ADT^A08^ADT_A01|%s|P|2.5\rPID|1||%s||Doe^Pat\r", id, patient)
				for try := 0; ; try++ {
					ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
					ack, err := cs[next].Send(ctx, []byte(msg))
					cancel()
					next = (next + 1) % clusterNodes
					if err == nil && strings.Contains(string(ack), "|AA|") {
						ackMu.Lock()
						acked[id] = true
						ackMu.Unlock()
						break
					}
					if try > 10*clusterNodes {
						t.Errorf("%s: no node acknowledged it: %v", id, err)
						return
					}
				}
				time.Sleep(clusterPace)
			}
		}()
	}
	// Kill a node a third of the way through.
	go func() {
		time.Sleep(clusterPace * clusterPerPat / 3)
		killAt = time.Now()
		victim.p.cmd.Process.Kill()
		close(killed)
	}()
	wg.Wait()
	<-killed
	victim.p.cmd.Wait()
	for _, c := range clients {
		c.Close()
	}

	// Every acknowledged message reaches the sink.
	deadline := time.Now().Add(60 * time.Second)
	for {
		missing := 0
		sink.mu.Lock()
		for id := range acked {
			if sink.seen[id] == 0 {
				missing++
			}
		}
		sink.mu.Unlock()
		if missing == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d of %d acknowledged messages never delivered\n%s", missing, len(acked), tail(nodes[0].p.out.String(), 3000))
		}
		time.Sleep(200 * time.Millisecond)
	}
	if len(acked) != clusterPatients*clusterPerPat {
		t.Errorf("%d messages acknowledged, want %d", len(acked), clusterPatients*clusterPerPat)
	}

	// The journal: every delivery recorded delivered, exactly once.
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	deadline = time.Now().Add(30 * time.Second)
	for {
		var open int
		if err := db.QueryRow(`SELECT count(*) FROM deliveries WHERE status <> 'delivered'`).Scan(&open); err != nil {
			t.Fatal(err)
		}
		if open == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d deliveries not recorded delivered", open)
		}
		time.Sleep(200 * time.Millisecond)
	}
	var twice, deliveries, journaled int
	if err := db.QueryRow(`SELECT count(*) FROM (SELECT delivery_id FROM attempts WHERE outcome = 'delivered'
		GROUP BY delivery_id HAVING count(*) > 1) t`).Scan(&twice); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM deliveries`).Scan(&deliveries); err != nil {
		t.Fatal(err)
	}
	if err := db.QueryRow(`SELECT count(*) FROM messages`).Scan(&journaled); err != nil {
		t.Fatal(err)
	}
	if twice != 0 {
		t.Errorf("%d deliveries recorded delivered more than once", twice)
	}
	if deliveries != journaled {
		t.Errorf("%d deliveries for %d messages", deliveries, journaled)
	}

	// Order per patient, duplicates included: a message sent again after
	// the takeover is the one the dead node was sending, so it comes
	// before the patient's next.
	sink.mu.Lock()
	defer sink.mu.Unlock()
	last := map[string]int{}
	takeover := time.Duration(-1)
	dups := 0
	for _, a := range sink.log {
		if a.seq < last[a.patient] {
			t.Errorf("patient %s: message %d arrived after %d", a.patient, a.seq, last[a.patient])
		}
		last[a.patient] = a.seq
		if takeover < 0 && victimLanes[laneOf(a.patient)] && a.at.After(killAt) {
			takeover = a.at.Sub(killAt)
		}
	}
	for _, n := range sink.seen {
		dups += n - 1
	}
	t.Logf("%d messages acknowledged, %d journaled (resent after a failed send: %d), %d arrivals at the sink, %d duplicates",
		len(acked), journaled, journaled-len(acked), len(sink.log), dups)
	if takeover < 0 {
		t.Errorf("no delivery of the dead node's lanes after the kill")
	} else {
		t.Logf("takeover: %v from SIGKILL to the first delivery of a dead node's lane by another node (lease_ttl 3s, renew_interval 1s)", takeover.Round(time.Millisecond))
	}
	for _, n := range nodes {
		if n != victim {
			n.p.stop(t)
		}
	}
}

// EnvClusterBench turns on TestClusterThroughput, which takes a minute or
// two and measures rather than checks.
const EnvClusterBench = "PLEXUS_CLUSTER_BENCH"

// TestClusterThroughput measures durable ingest and delivery with one, two
// and three nodes on one PostgreSQL: 32 senders send 3000 messages over
// MLLP to the nodes in turn, each waiting for its ACK (stored before it is
// sent), and the clock stops when the sink has every message. It logs each
// rate and its ratio to one node's, measured in the same run. Only with
// PLEXUS_CLUSTER_BENCH set.
func TestClusterThroughput(t *testing.T) {
	if os.Getenv(EnvClusterBench) == "" {
		t.Skipf("%s is not set", EnvClusterBench)
	}
	const messages, senders = 3000, 32
	var base float64
	for n := 1; n <= 3; n++ {
		dsn := storetest.PostgresURL(t)
		sink := newClusterSink(t)
		nodes := startCluster(t, dsn, n, sink.addr)
		waitSpread(t, nodes)
		start := time.Now()
		var wg sync.WaitGroup
		for s := range senders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				cs := make([]*mllp.Client, n)
				for i, nr := range nodes {
					cs[i] = &mllp.Client{Addr: nr.in}
					defer cs[i].Close()
				}
				for k := s; k < messages; k += senders {
					patient := fmt.Sprintf("P%03d", k%200)
					msg := fmt.Sprintf("MSH|^~\\&|EPIC|HOSP|EHR|HOSP|20240101120000||ADT^A08^ADT_A01|%s-%d|P|2.5\rPID|1||%s||Doe^Pat\r", patient, k, patient)
					if _, err := cs[k%n].Send(context.Background(), []byte(msg)); err != nil {
						t.Errorf("send: %v", err)
						return
					}
				}
			}()
		}
		wg.Wait()
		acked := time.Since(start)
		deadline := time.Now().Add(5 * time.Minute)
		for {
			sink.mu.Lock()
			got := len(sink.seen)
			sink.mu.Unlock()
			if got >= messages {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("%d nodes: %d of %d delivered", n, got, messages)
			}
			time.Sleep(20 * time.Millisecond)
		}
		took := time.Since(start)
		rate := float64(messages) / took.Seconds()
		if n == 1 {
			base = rate
		}
		t.Logf("%d node(s): %d messages acknowledged in %v, all delivered in %v: %.0f msg/s, %.2f× one node",
			n, messages, acked.Round(time.Millisecond), took.Round(time.Millisecond), rate, rate/base)
		for _, nr := range nodes {
			nr.p.stop(t)
		}
	}
}
