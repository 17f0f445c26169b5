package limit

import (
	"net/http/httptest"
	"testing"

	"github.com/plexus-health/plexus/platform/auth"
)

func TestClientKey(t *testing.T) {
	tests := []struct {
		remote string
		p      *auth.Principal
		want   string
	}{
		{"192.0.2.7:4000", nil, "ip:192.0.2.7"},
		{"[::ffff:192.0.2.7]:4000", nil, "ip:192.0.2.7"},
		{"[2001:db8:1:2:3:4:5:6]:4000", nil, "ip:2001:db8:1:2::/64"},
		{"[2001:db8:1:2::9]:4000", nil, "ip:2001:db8:1:2::/64"},
		{"[fe80::1%eth0]:4000", nil, "ip:fe80::/64"},
		{"not an address", nil, "ip:not an address"},
		{"192.0.2.7:4000", &auth.Principal{Kind: auth.KindClient, Subject: "lab-app"}, "client:lab-app"},
		{"192.0.2.7:4000", &auth.Principal{Kind: auth.KindUser}, "ip:192.0.2.7"},
	}
	for _, tt := range tests {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tt.remote
		if tt.p != nil {
			r = r.WithContext(auth.WithPrincipal(r.Context(), tt.p))
		}
		if got := ClientKey(r); got != tt.want {
			t.Errorf("ClientKey(%q, %v) = %q, want %q", tt.remote, tt.p, got, tt.want)
		}
	}
}
