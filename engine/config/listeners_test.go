package config

import (
	"slices"
	"testing"
)

func TestListeners(t *testing.T) {
	cfg := mustLoad(t, source{"c.yaml", []byte(`
x-tls: &tls {cert: s.crt, key: s.key}
x-dest: &dest [{name: out, type: test, address: "x:1"}]
channels:
  - name: plain
    source: {type: test, listen: "0.0.0.0:2575"}
    destinations: *dest
  - name: secure
    source: {type: test, listen: ":2576", tls: *tls}
    destinations: *dest
  - name: off
    enabled: false
    source: {type: test, listen: ":2577"}
    destinations: *dest
  - name: null-tls
    source: {type: test, listen: "127.0.0.1:2578", tls: null}
    destinations: *dest
`)})
	want := []Listener{
		{Channel: "plain", Type: "test", Addr: "0.0.0.0:2575"},
		{Channel: "secure", Type: "test", Addr: ":2576", TLS: true},
		{Channel: "null-tls", Type: "test", Addr: "127.0.0.1:2578"},
	}
	if got := cfg.Listeners(); !slices.Equal(got, want) {
		t.Errorf("Listeners() = %+v\nwant %+v", got, want)
	}
}
