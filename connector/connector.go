// Package connector gathers the connectors that move messages in and out of
// Plexus channels. Each lives in its own package and implements the seams
// of package engine: an engine.Source hands inbound messages to the engine
// and answers the sender only once the engine has journaled them; an
// engine.Destination delivers one message and says whether a failure is
// worth retrying.
//
//   - mllp: HL7 v2 over MLLP (TCP or TLS), listener and sender.
//   - http: an HTTP POST endpoint, and an HTTP(S) sender.
//   - file: a directory watcher, and an atomic file writer.
//   - nats: a NATS JetStream consumer, and a JetStream publisher.
//   - dicom: a DICOM storage SCP, and a storage SCU.
//
// RegisterAll adds them to a registry under those type names.
package connector

import (
	"github.com/plexus-health/plexus/connector/dicom"
	"github.com/plexus-health/plexus/connector/file"
	"github.com/plexus-health/plexus/connector/http"
	"github.com/plexus-health/plexus/connector/mllp"
	"github.com/plexus-health/plexus/connector/nats"
	"github.com/plexus-health/plexus/engine"
)

// RegisterAll registers the source and destination types "mllp", "http",
// "file", "nats" and "dicom" in r.
func RegisterAll(r *engine.Registry) {
	r.RegisterSource("mllp", mllp.NewSource)
	r.RegisterDestination("mllp", mllp.NewDestination)
	r.RegisterSource("http", http.NewSource)
	r.RegisterDestination("http", http.NewDestination)
	r.RegisterSource("file", file.NewSource)
	r.RegisterDestination("file", file.NewDestination)
	r.RegisterSource("nats", nats.NewSource)
	r.RegisterDestination("nats", nats.NewDestination)
	r.RegisterSource("dicom", dicom.NewSource)
	r.RegisterDestination("dicom", dicom.NewDestination)
}
