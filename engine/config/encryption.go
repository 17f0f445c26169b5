package config

import "regexp"

// Encryption is the top-level "encryption" section: the keys that encrypt
// message payloads at rest (package platform/keyring). Exactly one of
// KeysFile and KeysEnv names where the keys are:
//
//	encryption:
//	  keys_file: /etc/plexus/keys.json   # made by plexus keys generate, mode 0600
//
//	encryption:
//	  keys_env: PLEXUS_KEYS              # ID:BASE64KEY[,ID:BASE64KEY...], the last active
//
// Without the section payloads are stored in the clear. The keys are read
// when serve starts, and again on SIGHUP, on a configuration reload, and
// when the key file changes, not at validation: plexus config validate may
// run where the keys are not.
type Encryption struct {
	KeysFile string `yaml:"keys_file"`
	KeysEnv  string `yaml:"keys_env"`
}

// Enabled reports whether payloads are to be encrypted.
func (e Encryption) Enabled() bool { return e.KeysFile != "" || e.KeysEnv != "" }

var envNameRE = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// checkEncryption checks the "encryption" section and fills in its defaults.
func checkEncryption(cfg *Config) {
	at, ok := cfg.sections["encryption"]
	if !ok {
		return
	}
	e := cfg.Encryption
	switch {
	case e.KeysFile != "" && e.KeysEnv != "":
		at.dec.at("encryption.keys_env", "set keys_file or keys_env, not both")
	case e.KeysFile == "" && e.KeysEnv == "":
		if !at.dec.failed["encryption.keys_file"] && !at.dec.failed["encryption.keys_env"] && !at.dec.failed["encryption"] {
			at.dec.at("encryption", "set keys_file (a key file from plexus keys generate) or keys_env (an environment variable)")
		}
	case e.KeysEnv != "" && !envNameRE.MatchString(e.KeysEnv):
		at.dec.at("encryption.keys_env", "%q is not an environment variable name (letters, digits and '_', not starting with a digit)", e.KeysEnv)
	}
}
