package config

// Encryption is the top-level "encryption" section: the keys that encrypt message payloads at rest.
type Encryption struct{}

// checkEncryption checks the "encryption" section and fills in its defaults.
func checkEncryption(cfg *Config) {}
