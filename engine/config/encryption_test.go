package config

import (
	"strings"
	"testing"
	"time"
)

func TestEncryptionSection(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       Encryption
		problem    string // "" when the configuration is valid
	}{
		{"absent", "data_dir: d\n", Encryption{}, ""},
		{"file", "encryption: {keys_file: /etc/plexus/keys.json}\n", Encryption{KeysFile: "/etc/plexus/keys.json"}, ""},
		{"env", "encryption: {keys_env: PLEXUS_KEYS}\n", Encryption{KeysEnv: "PLEXUS_KEYS"}, ""},
		{"both", "encryption: {keys_file: k.json, keys_env: PLEXUS_KEYS}\n", Encryption{}, "c.yaml:1:43: encryption.keys_env: set keys_file or keys_env, not both"},
		{"neither", "encryption: {}\n", Encryption{}, "encryption: set keys_file"},
		{"bad env name", "encryption: {keys_env: 1-KEYS}\n", Encryption{}, `encryption.keys_env: "1-KEYS" is not an environment variable name`},
		{"unknown key", "encryption: {key_file: k.json}\n", Encryption{}, "encryption.key_file: unknown field (did you mean keys_file?)"},
		{"not a mapping", "encryption: yes\n", Encryption{}, "encryption: must be a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg, err := load([]source{{"c.yaml", []byte(tt.yaml)}}, testRegistry(nil), time.Unix(0, 0))
			if tt.problem != "" {
				if err == nil || !strings.Contains(err.Error(), tt.problem) {
					t.Fatalf("load = %v; want %q", err, tt.problem)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if cfg.Encryption != tt.want || cfg.Encryption.Enabled() != (tt.want != Encryption{}) {
				t.Errorf("Encryption = %+v; want %+v", cfg.Encryption, tt.want)
			}
		})
	}
}
