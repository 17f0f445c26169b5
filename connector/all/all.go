// Package all registers every connector Plexus ships. It exists for
// binaries that want the whole set in one call; it is the same as
// connector.RegisterAll.
package all

import (
	"github.com/plexus-health/plexus/connector"
	"github.com/plexus-health/plexus/engine"
)

// Register registers the source and destination types "mllp", "http" and
// "file" in r.
func Register(r *engine.Registry) { connector.RegisterAll(r) }
