package search

import "github.com/plexus-health/plexus/fhir/index"

// The value forms the index tables hold, computed for search values exactly
// as package index computes them for stored ones.
var (
	normalizeString   = index.NormalizeString
	phonetic          = index.Phonetic
	dateRange         = index.DateRange
	canonicalQuantity = index.CanonicalQuantity
)
