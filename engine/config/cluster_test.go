package config

import (
	"strings"
	"testing"
	"time"
)

func TestClusterSection(t *testing.T) {
	defaults := Cluster{LeaseTTL: DefaultLeaseTTL, RenewInterval: DefaultLeaseTTL / 3}
	cases := []struct {
		yaml    string
		want    Cluster
		problem string // a substring of the error; "" for none
	}{
		{"", defaults, ""},
		{"cluster: {}", defaults, ""},
		{"cluster: {node_name: plexus-a}", Cluster{NodeName: "plexus-a", LeaseTTL: 15 * time.Second, RenewInterval: 5 * time.Second}, ""},
		{"cluster: {lease_ttl: 3s}", Cluster{LeaseTTL: 3 * time.Second, RenewInterval: time.Second}, ""},
		{"cluster: {lease_ttl: 30s, renew_interval: 2s}", Cluster{LeaseTTL: 30 * time.Second, RenewInterval: 2 * time.Second}, ""},
		{"cluster: {node_name: ' '}", Cluster{}, "cluster.node_name: must not be empty"},
		{"cluster: {lease_ttl: 500ms}", Cluster{}, "cluster.lease_ttl: must be from 1s to 10m0s"},
		{"cluster: {lease_ttl: 1h}", Cluster{}, "cluster.lease_ttl: must be from 1s to 10m0s"},
		{"cluster: {renew_interval: 15s}", Cluster{}, "cluster.renew_interval: must be more than 0 and shorter than lease_ttl (15s)"},
		{"cluster: {renew_interval: 0s}", Cluster{}, "cluster.renew_interval"},
		{"cluster: {ttl: 3s}", Cluster{}, "cluster.ttl"},
	}
	for _, tc := range cases {
		cfg, err := load([]source{{"c.yaml", []byte("version: 1\n" + tc.yaml + "\n")}}, testRegistry(nil), time.Unix(0, 0))
		switch {
		case tc.problem != "":
			if err == nil || !strings.Contains(err.Error(), tc.problem) {
				t.Errorf("%q: error %v, want one naming %q", tc.yaml, err, tc.problem)
			}
		case err != nil:
			t.Errorf("%q: %v", tc.yaml, err)
		case cfg.Cluster != tc.want:
			t.Errorf("%q: %+v, want %+v", tc.yaml, cfg.Cluster, tc.want)
		}
	}
}

// TestClusterSectionOnce refuses a cluster section given in two files.
func TestClusterSectionOnce(t *testing.T) {
	_, err := load([]source{
		{"a.yaml", []byte("version: 1\ncluster: {lease_ttl: 3s}\n")},
		{"b.yaml", []byte("version: 1\ncluster: {lease_ttl: 4s}\n")},
	}, testRegistry(nil), time.Unix(0, 0))
	if err == nil || !strings.Contains(err.Error(), "cluster: already set at a.yaml") {
		t.Fatalf("error %v", err)
	}
}
