// Package all registers every connector Plexus ships. It exists for
// binaries that want the whole set in one call: connector.RegisterAll and
// the FHIR destinations of package connector/fhir.
package all

import (
	"github.com/plexus-health/plexus/connector"
	"github.com/plexus-health/plexus/connector/fhir"
	"github.com/plexus-health/plexus/engine"
)

// Register registers the source and destination types "mllp", "http" and
// "file", and the destination types "fhir-http" and "fhir-store", in r.
// fhir-store has no store to write to until the binary binds the one it
// opened with fhir.Register.
func Register(r *engine.Registry) {
	connector.RegisterAll(r)
	fhir.Register(r, nil)
}
