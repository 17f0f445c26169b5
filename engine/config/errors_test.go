package config

import "testing"

func TestProblemString(t *testing.T) {
	for _, tc := range []struct {
		p    Problem
		want string
	}{
		{Problem{File: "a.yaml", Line: 3, Column: 7, Field: "channels[0].name", Message: "required"}, "a.yaml:3:7: channels[0].name: required"},
		{Problem{File: "a.yaml", Line: 3, Message: "did not find expected key"}, "a.yaml:3: did not find expected key"},
		{Problem{File: "a.yaml", Message: "unreadable"}, "a.yaml: unreadable"},
		{Problem{Field: "listen", Message: "required"}, "listen: required"},
	} {
		if got := tc.p.String(); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}
