package config

import (
	"testing"
)

func mustLoad(t *testing.T, files ...source) *Config {
	t.Helper()
	cfg, err := load(files, testRegistry(nil), testTime)
	if err != nil {
		t.Fatal(err)
	}
	return cfg
}

func TestDiff(t *testing.T) {
	old := mustLoad(t, source{"a.yaml", []byte(`
x-dest: &dest {type: test, address: "x:1"}
tables:
  same: {a: b}
  changed: {a: b}
  gone: {a: b}
channels:
  - name: kept
    source: {type: test, listen: ":1"}
    destinations: [{<<: *dest, name: x}]
  - name: reformatted
    source: {type: test, listen: ":2"}
    destinations: [{<<: *dest, name: x}]
  - name: edited
    source: {type: test, listen: ":3"}
    destinations: [{<<: *dest, name: x}]
  - name: removed
    source: {type: test, listen: ":4"}
    destinations: [{<<: *dest, name: x}]
`)})
	new := mustLoad(t, source{"a.yaml", []byte(`
# comments, quoting and layout do not count
admin: {listen: "127.0.0.1:9000"}
x-dest: &dest {type: test, address: "x:1"}
tables:
  same: {a: b}
  changed: {a: c}
  new: {}
channels:
  - name: kept
    source: {type: test, listen: ":1"}
    destinations: [{<<: *dest, name: x}]
  - name: 'reformatted'   # a comment
    source:
      type: test
      listen: ":2"
    destinations:
      - <<: *dest
        name: x
  - name: edited
    source: {type: test, listen: ":3"}
    priority: 1
    destinations: [{<<: *dest, name: x}]
  - name: added
    source: {type: test, listen: ":5"}
    destinations: [{<<: *dest, name: x}]
`)})
	d := Diff(old, new)
	want := "added: added; removed: removed; changed: edited; tables: changed, gone, new; settings (need a restart): admin.listen"
	if d.String() != want {
		t.Errorf("got  %s\nwant %s", d, want)
	}
	if got := Diff(old, old); !got.Empty() || got.String() != "no changes" {
		t.Errorf("diff with itself: %s", got)
	}
	if got := Diff(nil, old); got.String() != "added: edited, kept, reformatted, removed; tables: changed, gone, same" {
		t.Errorf("diff from nothing: %s", got)
	}
}

func TestDiffSeesAnchorChanges(t *testing.T) {
	conf := func(addr string) *Config {
		return mustLoad(t, source{"a.yaml", []byte(`
x-dest: &dest {type: test, address: "` + addr + `"}
channels:
  - name: a
    source: {type: test, listen: ":1"}
    destinations: [{<<: *dest, name: x}]
`)})
	}
	if got := Diff(conf("x:1"), conf("x:2")).String(); got != "changed: a" {
		t.Errorf("editing a shared anchor: %s", got)
	}
}
