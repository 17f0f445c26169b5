package fhirpath

import (
	"sort"

	"github.com/plexus-health/plexus/fhir/spec"
)

var spec0 spec.Resolved

func sortStrings(s []string) { sort.Strings(s) }

// mustSpec returns the shared R4 definitions; they are embedded, so a
// failure to load them is a build defect.
func mustSpec() *spec.Spec {
	sp, err := spec.R4()
	if err != nil {
		panic(err)
	}
	return sp
}
