package tlsconfig

import (
	"log/slog"
	"net"
	"strings"
)

// Loopback reports whether a listen address (host:port, or a bare host)
// is reachable from this machine only: "localhost" or a loopback IP. An
// empty host, an unspecified address (0.0.0.0, ::) and any other name
// listen on, or may resolve to, a network others can reach.
func Loopback(addr string) bool {
	host := addr
	if h, _, err := net.SplitHostPort(addr); err == nil {
		host = h
	}
	host = strings.TrimSuffix(strings.TrimPrefix(host, "["), "]")
	if strings.EqualFold(host, "localhost") {
		return true
	}
	if i := strings.IndexByte(host, '%'); i >= 0 { // fe80::1%eth0
		host = host[:i]
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// WarnPlaintext logs a warning when a listener (what: "admin",
// `channel "adt-in" mllp source`) serves addr without TLS and addr is not
// on loopback: patient data would cross the network in clear text. It
// reports whether it warned. Call it where the listener starts, with the
// address it listens on.
func WarnPlaintext(log *slog.Logger, what, addr string) bool {
	if Loopback(addr) {
		return false
	}
	if log == nil {
		log = slog.Default()
	}
	log.Warn("listener without TLS on a non-loopback address: traffic, patient data included, is not encrypted; configure tls",
		"listener", what, "addr", addr)
	return true
}
