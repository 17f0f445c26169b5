package main

import (
	"errors"
	"fmt"

	"github.com/plexus-health/plexus/engine/config"
)

const configAbout = `
Config checks channel configuration before it runs.

  plexus config validate PATH      check a configuration file or folder
  plexus config diff OLD NEW       list the channels, tables and settings
                                   that NEW adds, removes or changes

Validate reports every problem with its file, line, column and field, and
exits 1 if there is any. It builds every connector to check its options,
but opens no listener and connects nowhere.
`

// runConfig implements "plexus config".
func runConfig(c *cli, args []string) int {
	cmd := newCommand("config", "validate PATH | diff OLD NEW", configAbout)
	pos, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(pos) == 0 {
		return cmd.usageError(c, "a sub-command is required: validate or diff")
	}
	switch pos[0] {
	case "validate":
		if len(pos) != 2 {
			return cmd.usageError(c, "validate takes one PATH")
		}
		cfg, ok := loadConfig(c, pos[1])
		if !ok {
			return exitFailure
		}
		fmt.Fprintf(c.stdout, "%s: valid, version %s, %d channels\n", pos[1], cfg.Version.Hash, len(cfg.Channels))
		for _, ch := range cfg.Channels {
			state := ""
			if !ch.Enabled {
				state = " (disabled)"
			}
			fmt.Fprintf(c.stdout, "  %s: %s source, %d destinations%s\n", ch.Name, ch.Source.Type, len(ch.Destinations), state)
		}
		return exitOK
	case "diff":
		if len(pos) != 3 {
			return cmd.usageError(c, "diff takes OLD and NEW")
		}
		old, ok1 := loadConfig(c, pos[1])
		next, ok2 := loadConfig(c, pos[2])
		if !ok1 || !ok2 {
			return exitFailure
		}
		fmt.Fprintf(c.stdout, "%s -> %s: %s\n", old.Version.Hash, next.Version.Hash, config.Diff(old, next))
		return exitOK
	}
	return cmd.usageError(c, "unknown sub-command %q", pos[0])
}

// loadConfig loads and validates a configuration, printing its problems.
func loadConfig(c *cli, path string) (*config.Config, bool) {
	cfg, err := config.Load(path, registry())
	if err == nil {
		return cfg, true
	}
	var v *config.ValidationError
	if errors.As(err, &v) {
		for _, p := range v.Problems {
			fmt.Fprintln(c.stderr, p.String())
		}
		noun := "problems"
		if len(v.Problems) == 1 {
			noun = "problem"
		}
		fmt.Fprintf(c.stderr, "plexus config: %s: %d %s\n", path, len(v.Problems), noun)
		return nil, false
	}
	fmt.Fprintf(c.stderr, "plexus config: %v\n", err)
	return nil, false
}
