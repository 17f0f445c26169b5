package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is the release version, set at build time with
//
//	go build -ldflags "-X main.version=v1.2.3" ./cmd/plexus
//
// When it is empty the module version and VCS revision recorded by the Go
// toolchain are used instead.
var version = ""

func runVersion(c *cli, args []string) int {
	cmd := newCommand("version", "", "Version prints the version of plexus, the VCS revision it was built from\nwhen known, and the Go version and platform.")
	pos, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(pos) > 0 {
		return cmd.usageError(c, "unexpected argument %q", pos[0])
	}
	fmt.Fprintf(c.stdout, "plexus %s (%s, %s/%s)\n", versionString(), runtime.Version(), runtime.GOOS, runtime.GOARCH)
	return exitOK
}

// versionString describes the build: the release version, or the module
// version with the VCS revision and a "+dirty" mark for uncommitted changes.
func versionString() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "(unknown)"
	}
	v := info.Main.Version
	if v == "" {
		v = "(devel)"
	}
	var rev, dirty string
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				dirty = "+dirty"
			}
		}
	}
	if rev != "" && v == "(devel)" {
		// Since Go 1.24 a build from a checkout carries a pseudo-version
		// that already names the revision; add it only when it does not.
		if len(rev) > 12 {
			rev = rev[:12]
		}
		v += " " + rev + dirty
	}
	return v
}
