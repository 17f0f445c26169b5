package config

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/format/x12"
)

func TestX12Section(t *testing.T) {
	defaults := X12{DuplicateWindow: DefaultX12DuplicateWindow}
	yes, no := true, false
	cases := []struct {
		yaml     string
		want     X12
		partners []x12.Partner
		problem  string // a substring of the error; "" for none
	}{
		{"", defaults, nil, ""},
		{"x12: {}", defaults, nil, ""},
		{"x12: {ack: auto}", defaults, nil, ""},
		{"x12: {ack: 999, duplicate_window: 0s}", X12{Ack: "999"}, nil, ""},
		{"x12: {ack: both, duplicate_window: 24h}", X12{Ack: "both", DuplicateWindow: 24 * time.Hour}, nil, ""},
		{"x12: {ack: none}", X12{Ack: "none", DuplicateWindow: DefaultX12DuplicateWindow}, nil, ""},
		{"x12: {partners: [{sender: SUBMITTERS.ID, usage: P}, {receiver: RECEIVERS.ID}]}",
			X12{DuplicateWindow: DefaultX12DuplicateWindow, Partners: []X12Partner{{Sender: "SUBMITTERS.ID", Usage: "P"}, {Receiver: "RECEIVERS.ID"}}},
			[]x12.Partner{{Sender: "SUBMITTERS.ID", Usage: 'P'}, {Receiver: "RECEIVERS.ID"}}, ""},
		{"x12: {split: claims}", X12{DuplicateWindow: DefaultX12DuplicateWindow, Split: "claims"}, nil, ""},
		{"x12: {split: none}", defaults, nil, ""},
		{"x12: {guides: false}", X12{DuplicateWindow: DefaultX12DuplicateWindow, Guides: &no}, nil, ""},
		{"x12: {guides: true}", X12{DuplicateWindow: DefaultX12DuplicateWindow, Guides: &yes}, nil, ""},
		{"x12: {guides: maybe}", X12{}, nil, "channels[0].x12.guides"},
		{"x12: {split: sets}", X12{}, nil, `channels[0].x12.split: "sets" is not one of none, claims`},
		{"x12: {ack: ta2}", X12{}, nil, `channels[0].x12.ack: "ta2" is not one of`},
		{"x12: {duplicate_window: -1h}", X12{}, nil, `channels[0].x12.duplicate_window: "-1h" must not be negative`},
		{"x12: {partners: [{sender: A, usage: X}]}", X12{}, nil, `channels[0].x12.partners[0].usage: "X" is not T`},
		{"x12: {partners: [{sender: ABCDEFGHIJKLMNOP}]}", X12{}, nil, "channels[0].x12.partners[0].sender: \"ABCDEFGHIJKLMNOP\" is longer"},
		{"x12: {partners: [{}]}", X12{}, nil, "channels[0].x12.partners[0]: names no sender"},
		{"x12: {acks: ta1}", X12{}, nil, "channels[0].x12.acks"},
	}
	for _, tc := range cases {
		src := "version: 1\nchannels:\n  - name: claims\n    source: {type: test, listen: \"127.0.0.1:0\"}\n" +
			"    destinations: [{name: payer, type: test, address: a}]\n"
		if tc.yaml != "" {
			src += "    " + tc.yaml + "\n"
		}
		cfg, err := load([]source{{"c.yaml", []byte(src)}}, testRegistry(nil), time.Unix(0, 0))
		switch {
		case tc.problem != "":
			if err == nil || !strings.Contains(err.Error(), tc.problem) {
				t.Errorf("%q: error %v, want one naming %q", tc.yaml, err, tc.problem)
			}
		case err != nil:
			t.Errorf("%q: %v", tc.yaml, err)
		default:
			got := cfg.Channels[0].X12
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("%q: %+v, want %+v", tc.yaml, got, tc.want)
			}
			if want := tc.want.Guides != nil && !*tc.want.Guides; got.SyntaxOnly() != want {
				t.Errorf("%q: SyntaxOnly %v, want %v", tc.yaml, got.SyntaxOnly(), want)
			}
			if p := got.TradingPartners(); !reflect.DeepEqual(p, tc.partners) {
				t.Errorf("%q: partners %+v, want %+v", tc.yaml, p, tc.partners)
			}
		}
	}
}
