package config

// Tracing is the top-level "tracing" section: OpenTelemetry traces of each
// message from receipt to every destination. Without an endpoint the node
// still makes a trace ID per message (on the message page and in logs) but
// exports nothing.
type Tracing struct {
	// Endpoint is the OTLP/HTTP collector base URL, for example
	// "http://127.0.0.1:4318"; empty exports nothing.
	Endpoint string `yaml:"endpoint"`
}

// checkTracing checks the "tracing" section and fills in its defaults.
func checkTracing(cfg *Config) {
}
