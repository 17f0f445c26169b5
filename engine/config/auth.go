package config

// Auth is the top-level "auth" section: who may call the FHIR and admin APIs (OAuth2, SMART on FHIR, users).
type Auth struct{}

// checkAuth checks the "auth" section and fills in its defaults.
func checkAuth(cfg *Config) {}
