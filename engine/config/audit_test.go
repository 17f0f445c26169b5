package config

import (
	"strings"
	"testing"
	"time"
)

func TestAuditSection(t *testing.T) {
	cases := []struct {
		yaml    string
		want    Audit
		problem string // a substring of the error; "" for none
	}{
		{"", Audit{Enabled: true, QueueSize: DefaultAuditQueue, BatchSize: DefaultAuditBatchSize}, ""},
		{"audit: {}", Audit{Enabled: true, QueueSize: DefaultAuditQueue, BatchSize: DefaultAuditBatchSize}, ""},
		{"audit: {enabled: false}", Audit{Enabled: false, QueueSize: DefaultAuditQueue, BatchSize: DefaultAuditBatchSize}, ""},
		{"audit: {enabled: true, queue_size: 10, batch_size: 1}", Audit{Enabled: true, QueueSize: 10, BatchSize: 1}, ""},
		{"audit: {queue_size: 0}", Audit{}, "audit.queue_size: must be from 1 to 1048576"},
		{"audit: {queue_size: 2000000}", Audit{}, "audit.queue_size: must be from 1 to 1048576"},
		{"audit: {batch_size: 70000}", Audit{}, "audit.batch_size: must be from 1 to 65536"},
		{"audit: {enabled: maybe}", Audit{}, "audit.enabled"},
		{"audit: {queue: 5}", Audit{}, "audit.queue"},
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
		case cfg.Audit != tc.want:
			t.Errorf("%q: %+v, want %+v", tc.yaml, cfg.Audit, tc.want)
		}
	}
}
