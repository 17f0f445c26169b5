package api

import (
	"context"
	"net/http"
	"time"

	"github.com/plexus-health/plexus/engine/cluster"
)

// Clustered is the optional side of an Engine that shares its store with
// other nodes; *node.Node satisfies it. Without it GET /api/v1/nodes
// answers an empty list.
type Clustered interface {
	Nodes(ctx context.Context) ([]cluster.NodeInfo, error)
}

// NodeList is the body of GET /api/v1/nodes: the nodes sharing this
// node's store, oldest first, with the leases each holds.
type NodeList struct {
	Nodes []Node `json:"nodes"`
}

// Node is one node of the cluster.
type Node struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Address   string    `json:"address,omitempty"`
	Started   time.Time `json:"started"`
	Heartbeat time.Time `json:"heartbeat"`
	// Alive: the node heartbeat within the lease TTL.
	Alive bool `json:"alive"`
	// Leader: the node runs the singleton jobs (pruning, queue counting,
	// alert evaluation).
	Leader bool    `json:"leader"`
	Leases []Lease `json:"leases"`
}

// Lease is a delivery partition a node holds.
type Lease struct {
	// Partition is "channel/destination/lane".
	Partition string `json:"partition"`
	// Token is the fencing token: it grows each time the partition
	// changes hands.
	Token   int64     `json:"token"`
	Expires time.Time `json:"expires"`
}

// nodes serves the cluster's nodes and their leases.
func (s *server) nodes(w http.ResponseWriter, r *http.Request) error {
	if err := noParams(r); err != nil {
		return err
	}
	out := NodeList{Nodes: []Node{}}
	if c, ok := s.e.(Clustered); ok {
		ns, err := c.Nodes(r.Context())
		if err != nil {
			return err
		}
		for _, n := range ns {
			node := Node{ID: n.ID, Name: n.Name, Address: n.Address, Started: n.Started.UTC(), Heartbeat: n.Heartbeat.UTC(),
				Alive: n.Alive, Leader: n.Leader, Leases: []Lease{}}
			for _, l := range n.Leases {
				node.Leases = append(node.Leases, Lease{Partition: l.Partition, Token: l.Token, Expires: l.Expires.UTC()})
			}
			out.Nodes = append(out.Nodes, node)
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// Nodes lists the nodes sharing the server's store and their leases.
func (c *Client) Nodes(ctx context.Context) ([]Node, error) {
	var out NodeList
	if err := c.do(ctx, http.MethodGet, "/api/v1/nodes", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Nodes, nil
}
