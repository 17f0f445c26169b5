package engine

import (
	"fmt"
	"log/slog"
	"sort"
)

// Options is a connector's section of the configuration. Decode fills v, a
// pointer to a struct with yaml tags, and fails on unknown or mistyped
// fields with the file and line they are on.
type Options interface {
	Decode(v any) error
}

// Env is what a connector is told about where it runs.
type Env struct {
	Channel string       // channel name
	Name    string       // destination name ("" for the source)
	DataDir string       // the node's data directory
	Logger  *slog.Logger // add the channel and the connector's name; never log message content
}

// SourceFactory builds a source from its options. It must not open
// listeners or files: configuration validation calls it too. Start does.
type SourceFactory func(env Env, opts Options) (Source, error)

// DestinationFactory builds a destination from its options, without
// connecting: the first Deliver does.
type DestinationFactory func(env Env, opts Options) (Destination, error)

// Registry maps connector type names ("mllp", "http", "file", ...) to their
// factories. The binary fills one at start-up; configuration validation and
// the engine look types up in it.
type Registry struct {
	sources      map[string]SourceFactory
	destinations map[string]DestinationFactory
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{sources: map[string]SourceFactory{}, destinations: map[string]DestinationFactory{}}
}

// RegisterSource adds a source type.
func (r *Registry) RegisterSource(typ string, f SourceFactory) { r.sources[typ] = f }

// RegisterDestination adds a destination type.
func (r *Registry) RegisterDestination(typ string, f DestinationFactory) { r.destinations[typ] = f }

// Source returns the factory for a source type.
func (r *Registry) Source(typ string) (SourceFactory, error) {
	f, ok := r.sources[typ]
	if !ok {
		return nil, fmt.Errorf("unknown source type %q (known: %v)", typ, keys(r.sources))
	}
	return f, nil
}

// Destination returns the factory for a destination type.
func (r *Registry) Destination(typ string) (DestinationFactory, error) {
	f, ok := r.destinations[typ]
	if !ok {
		return nil, fmt.Errorf("unknown destination type %q (known: %v)", typ, keys(r.destinations))
	}
	return f, nil
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
