// Package config loads and validates Plexus configuration: the settings of
// a node and the channels it runs, written in YAML and meant to live in Git.
//
// A configuration is one file, or a folder whose *.yaml and *.yml files are
// read in name order (names starting with a dot are skipped). Each file may
// hold tables and channels; they are merged, and a channel or table defined
// in two files is an error naming both. The node settings (data_dir, admin,
// journal) may be set in one file only.
//
//	version: 1                          # optional; the only version is 1
//	data_dir: ./data                    # default ./data; plexus serve --data overrides it
//	admin: {listen: 127.0.0.1:8080}     # admin API, /metrics, /healthz, /fhir; this is the default
//	                                    # also tls (platform/tlsconfig.Server), rate_limit
//	                                    # {per_second: 100, burst: 200}, max_body: 32MiB
//	journal: {batch_size: 256, batch_wait: 0s}   # group commit; these are the defaults
//	tables:                             # lookup tables for transform steps
//	  patient-class: {I: inpatient, O: outpatient}
//	channels:
//	  - name: adt-in                    # [a-z0-9][a-z0-9_-]*, at most 64, unique
//	    enabled: true                   # default true
//	    source:                         # type, then the connector's own options
//	      type: mllp
//	      listen: 127.0.0.1:2575
//	    response: after_commit          # after_commit (default) or after_delivery
//	    response_destination: lab       # after_delivery: whose response to relay
//	                                    # (default: the only destination)
//	    priority: 0                     # -10 to 10; default 0; higher goes first
//	    priority_rule: 'type == "ORM"'  # matching messages get priority 10
//	    filter: 'type == "ADT" && trigger in ["A01","A04","A08"] && age() >= 18'
//	    transform: [...]                # transform steps (package engine/transform)
//	    dedup: {window: 10m}            # suppress repeated (source, MSH-10); 0: off; default 10m
//	    retention: {content: 30d, metadata: 90d}   # 0 or absent: keep; content ≤ metadata
//	    x12: {ack: both, duplicate_window: 720h, split: claims, partners: [{sender: SUBMITTERS.ID, usage: P}]}
//	                                    # X12 answers (auto, ta1, 999, both, none), duplicate ISA13
//	                                    # window (default 30 days), 837 claims as messages of their
//	                                    # own (none, claims), ISA15 per partner; see x12.go
//	    destinations:                   # at least one
//	      - name: lab                   # unique within the channel
//	        type: mllp                  # type, then the connector's own options
//	        address: lab.example:2575
//	        transform: [...]            # run after the channel's steps
//	        retry: {max_attempts: 10, max_age: 24h, initial_backoff: 1s, max_backoff: 5m, jitter: 0.2}
//	        order: {mode: fifo}         # fifo (default), or by key in parallel lanes:
//	        # order: {mode: key, key: PID-3.1, lanes: 8}
//
// Durations are Go durations ("500ms", "10m", "24h") or days ("30d",
// "1d12h"); a bare 0 is allowed. Retry defaults: no attempt limit (when
// max_attempts is written it must be at least 1), max_age 24h (0: no
// limit), initial_backoff 1s, max_backoff 5m, jitter 0.2 (0 to 1). YAML
// anchors, aliases and merge keys ("<<: *defaults") may be used to share
// settings.
//
// A source or destination section holds the keys the engine owns (type;
// for destinations also name, transform, retry and order) and the
// connector's own options. The connector's keys are handed to its factory
// from the engine.Registry as an engine.Options, which decodes them into the
// connector's struct and rejects unknown or mistyped keys with their file
// and line. Load calls every factory to check the options (factories open
// no sockets and no files) and compiles every filter and transform.
//
// Every problem is reported, not only the first, each as
//
//	file:line:col: channels[2].destinations[0].retry.max_attempts: must be ≥ 1 (leave it out for no limit)
//
// collected in a *ValidationError. Two enabled channels, or a channel and
// the admin server, listening on the same address are an error too.
//
// Each configuration has a Version: a hash of its files' content, recorded
// with every message it processes, and the time it was loaded. A Watcher
// reloads the configuration when its files change (by polling) or on
// demand, hands a new configuration to its callback only once it
// validates, and keeps the old one otherwise. Diff lists the channels
// added, removed and changed between two configurations.
package config
