package fhir

import "github.com/plexus-health/plexus/engine"

// Register registers the destination types "fhir-http" and "fhir-store" in
// r. fhir-store destinations write through p, the process's FHIR store;
// with a nil p they still validate, and each delivery fails, to be retried,
// saying that this process has no FHIR store. Registering again replaces
// the earlier factories, so a binary can register the set at start-up and
// bind its store once the store is open.
func Register(r *engine.Registry, p Processor) {
	r.RegisterDestination("fhir-http", NewHTTP)
	r.RegisterDestination("fhir-store", StoreFactory(p))
}
