package config

// Audit defaults and limits.
const (
	DefaultAuditQueue     = 4096
	DefaultAuditBatchSize = 256
	maxAuditQueue         = 1 << 20
)

// Audit is the top-level "audit" section: the tamper-evident audit log
// (package platform/audit) of FHIR interactions, admin actions, logins and
// payload views.
type Audit struct {
	// Enabled records audit entries; default true. Turning it off leaves a
	// node with no record of who saw patient data: only for tests and
	// throwaway installs.
	Enabled bool `yaml:"enabled"`
	// QueueSize is how many entries may wait for the audit writer before
	// requests wait for it (backpressure; an entry is never dropped).
	// 1 to 1048576; default 4096.
	QueueSize int `yaml:"queue_size"`
	// BatchSize is the most entries committed in one transaction (group
	// commit). 1 to 65536; default 256.
	BatchSize int `yaml:"batch_size"`
}

// checkAudit checks the "audit" section and fills in its defaults.
func checkAudit(cfg *Config) {
	at, ok := cfg.sections["audit"]
	given := func(key string) bool { return ok && at.dec.given("audit."+key) }
	if !given("enabled") {
		cfg.Audit.Enabled = true
	}
	switch {
	case !given("queue_size"):
		cfg.Audit.QueueSize = DefaultAuditQueue
	case cfg.Audit.QueueSize < 1 || cfg.Audit.QueueSize > maxAuditQueue:
		at.dec.at("audit.queue_size", "must be from 1 to %d", maxAuditQueue)
	}
	switch {
	case !given("batch_size"):
		cfg.Audit.BatchSize = DefaultAuditBatchSize
	case cfg.Audit.BatchSize < 1 || cfg.Audit.BatchSize > maxBatchSize:
		at.dec.at("audit.batch_size", "must be from 1 to %d", maxBatchSize)
	}
}
