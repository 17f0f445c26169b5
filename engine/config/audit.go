package config

// Audit is the top-level "audit" section: the tamper-evident audit log.
type Audit struct{}

// checkAudit checks the "audit" section and fills in its defaults.
func checkAudit(cfg *Config) {}
