package server

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/plexus-health/plexus/fhir/repo"
)

// notModified evaluates a conditional read against the current version v,
// as RFC 9110 orders it: If-None-Match decides when present (a listed
// version, or "*", means not modified), and only without it does
// If-Modified-Since count. A date that does not parse is ignored, as the RFC
// asks. Last-Modified has whole seconds, so v's time is compared truncated:
// a client sending back the Last-Modified it got must get a 304.
func notModified(r *http.Request, v *repo.Version) bool {
	if inm := r.Header.Values("If-None-Match"); len(inm) > 0 {
		for _, line := range inm {
			for tag := range strings.SplitSeq(line, ",") {
				tag = strings.TrimSpace(tag)
				if tag == "*" {
					return true
				}
				if vid, ok := versionOf(tag); ok && vid == v.VersionID {
					return true
				}
			}
		}
		return false
	}
	if ims := r.Header.Get("If-Modified-Since"); ims != "" {
		since, err := http.ParseTime(ims)
		if err != nil {
			return false
		}
		return !v.LastUpdated.Truncate(time.Second).After(since)
	}
	return false
}

// versionOf reads a version as a client may send it in If-Match or
// If-None-Match: W/"3", "3" or 3. ETags compare weakly, so W/ is optional.
// The version comes back in its canonical form, "3".
func versionOf(tag string) (string, bool) {
	if len(tag) > 2 && (tag[:2] == "W/" || tag[:2] == "w/") {
		tag = tag[2:]
	}
	if len(tag) >= 2 && tag[0] == '"' && tag[len(tag)-1] == '"' {
		tag = tag[1 : len(tag)-1]
	}
	n, err := strconv.ParseInt(tag, 10, 64)
	if err != nil || n < 1 {
		return "", false
	}
	return strconv.FormatInt(n, 10), true
}
