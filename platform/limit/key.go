package limit

import (
	"net"
	"net/http"
	"net/netip"

	"github.com/plexus-health/plexus/platform/auth"
)

// ClientKey names the client of a request for its rate limit: the
// authenticated principal ("user:alice", "client:lab-app") when the
// request carries one, else its remote address ("ip:192.0.2.7", or
// "ip:2001:db8:1:2::/64" for IPv6).
func ClientKey(r *http.Request) string {
	if p, ok := auth.FromContext(r.Context()); ok && p != nil && p.Subject != "" {
		return string(p.Kind) + ":" + p.Subject
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return "ip:" + host
	}
	addr = addr.Unmap().WithZone("")
	if addr.Is6() {
		prefix, _ := addr.Prefix(64)
		return "ip:" + prefix.String()
	}
	return "ip:" + addr.String()
}
