package all

import (
	"testing"

	"github.com/plexus-health/plexus/engine"
)

func TestRegister(t *testing.T) {
	r := engine.NewRegistry()
	Register(r)
	for _, typ := range []string{"mllp", "http", "file"} {
		if _, err := r.Source(typ); err != nil {
			t.Error(err)
		}
		if _, err := r.Destination(typ); err != nil {
			t.Error(err)
		}
	}
	for _, typ := range []string{"fhir-http", "fhir-store"} {
		if _, err := r.Destination(typ); err != nil {
			t.Error(err)
		}
	}
}
