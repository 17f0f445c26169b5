package config

// Alerts is the top-level "alerts" section: the rules the node evaluates
// against its channels and queues, and where it sends notifications.
type Alerts struct {
}

// checkAlerts checks the "alerts" section and fills in its defaults.
func checkAlerts(cfg *Config) {
}
