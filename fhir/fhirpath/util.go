package fhirpath

import (
	"sort"

	"github.com/plexus-health/plexus/fhir/spec"
)

var spec0 spec.Resolved

func sortStrings(s []string) { sort.Strings(s) }
