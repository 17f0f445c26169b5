package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/plexus-health/plexus/engine"
)

// source is one configuration file: its name and content.
type source struct {
	name string
	data []byte
}

// place is where something was defined: the decoder of its file (which
// knows the file name and the node of every field path) and its field path.
type place struct {
	dec  *decoder
	path string
}

// node returns the YAML node at the place, or at a field path under it.
func (p place) node(sub string) *yaml.Node {
	if sub == "" {
		return p.dec.node(p.path)
	}
	return p.dec.node(p.path + sub)
}

// String gives "file:line:col" of the place.
func (p place) String() string {
	n := p.node("")
	if n == nil {
		return p.dec.file
	}
	return fmt.Sprintf("%s:%d:%d", p.dec.file, n.Line, n.Column)
}

// Load reads the configuration at path, either one YAML file or a folder
// whose *.yaml and *.yml files (not those whose name starts with a dot) are
// read in name order and merged, and validates it. Connector types are
// looked up in reg, and each connector's factory is called to check its
// options; factories open no sockets or files.
//
// When the files can be read but are not a valid configuration, the error
// is a *ValidationError listing every problem found.
func Load(path string, reg *engine.Registry) (*Config, error) {
	files, err := readSources(path)
	if err != nil {
		return nil, err
	}
	return load(files, reg, time.Now())
}

// readSources reads the file at path, or the configuration files of the
// folder at path.
func readSources(path string) ([]source, error) {
	names, err := listFiles(path)
	if err != nil {
		return nil, err
	}
	files := make([]source, 0, len(names))
	for _, name := range names {
		data, err := os.ReadFile(name)
		if err != nil {
			return nil, fmt.Errorf("reading configuration: %w", err)
		}
		files = append(files, source{name, data})
	}
	return files, nil
}

// listFiles returns path itself when it is a file, or the configuration
// files of the folder at path in name order.
func listFiles(path string) ([]string, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, fmt.Errorf("reading configuration: %w", err)
	}
	if !st.IsDir() {
		return []string{path}, nil
	}
	entries, err := os.ReadDir(path)
	if err != nil {
		return nil, fmt.Errorf("reading configuration: %w", err)
	}
	var names []string
	for _, e := range entries {
		name := e.Name()
		ext := filepath.Ext(name)
		if strings.HasPrefix(name, ".") || (ext != ".yaml" && ext != ".yml") {
			continue
		}
		full := filepath.Join(path, name)
		// Stat, not the entry's type: mounted configuration (a Kubernetes
		// ConfigMap) is often a folder of symbolic links.
		if st, err := os.Stat(full); err != nil || !st.Mode().IsRegular() {
			continue
		}
		names = append(names, full)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("reading configuration: no *.yaml or *.yml file in %s", path)
	}
	return names, nil
}

// fileConfig is what one file holds.
type fileConfig struct {
	Version    int                          `yaml:"version"`
	DataDir    string                       `yaml:"data_dir"`
	Store      string                       `yaml:"store"`
	Admin      Admin                        `yaml:"admin"`
	Journal    Journal                      `yaml:"journal"`
	Auth       Auth                         `yaml:"auth"`
	Audit      Audit                        `yaml:"audit"`
	Encryption Encryption                   `yaml:"encryption"`
	Tracing    Tracing                      `yaml:"tracing"`
	Alerts     Alerts                       `yaml:"alerts"`
	Cluster    Cluster                      `yaml:"cluster"`
	Tables     map[string]map[string]string `yaml:"tables"`
	Channels   []*Channel                   `yaml:"channels"`
}

// load parses, merges and validates files.
func load(files []source, reg *engine.Registry, now time.Time) (*Config, error) {
	if reg == nil {
		reg = engine.NewRegistry()
	}
	cfg := &Config{
		Tables:   map[string]map[string]string{},
		sections: map[string]place{},
		Version:  Version{Hash: hashSources(files), LoadedAt: now},
	}
	var problems []Problem
	var decs []*decoder
	tableAt := map[string]place{}
	for _, f := range files {
		cfg.Files = append(cfg.Files, f.name)
		d := newDecoder(f.name)
		d.src = f.data
		decs = append(decs, d)
		root, ok := parse(d, f.data)
		if !ok || root == nil {
			continue
		}
		root = withoutExtensions(root)
		var fc fileConfig
		d.decode(root, reflect.ValueOf(&fc).Elem(), "")
		if d.given("version") && fc.Version != SchemaVersion {
			d.at("version", "must be %d", SchemaVersion)
		}
		for _, key := range []string{"data_dir", "store", "admin", "journal", "auth", "audit", "encryption", "tracing", "alerts", "cluster"} {
			if !d.given(key) {
				continue
			}
			if first, dup := cfg.sections[key]; dup {
				d.at(key, "already set at %s", first)
				continue
			}
			cfg.sections[key] = place{d, key}
			switch key {
			case "data_dir":
				cfg.DataDir = fc.DataDir
			case "store":
				cfg.Store = fc.Store
			case "admin":
				cfg.Admin = fc.Admin
			case "journal":
				cfg.Journal = fc.Journal
			case "auth":
				cfg.Auth = fc.Auth
			case "audit":
				cfg.Audit = fc.Audit
			case "encryption":
				cfg.Encryption = fc.Encryption
			case "tracing":
				cfg.Tracing = fc.Tracing
			case "alerts":
				cfg.Alerts = fc.Alerts
			case "cluster":
				cfg.Cluster = fc.Cluster
			}
		}
		for _, name := range sortedKeys(fc.Tables) {
			path := "tables." + name
			if first, dup := tableAt[name]; dup {
				d.at(path, "table %q is already defined at %s", name, first)
				continue
			}
			tableAt[name] = place{d, path}
			cfg.Tables[name] = fc.Tables[name]
		}
		for i, ch := range fc.Channels {
			if ch == nil {
				d.at(fmt.Sprintf("channels[%d]", i), "must be a mapping, not empty")
				continue
			}
			ch.at = place{d, fmt.Sprintf("channels[%d]", i)}
			cfg.Channels = append(cfg.Channels, ch)
		}
	}
	check(cfg, reg)
	for _, d := range decs {
		problems = append(problems, d.problems...)
	}
	if len(problems) > 0 {
		sortProblems(problems)
		return nil, &ValidationError{Problems: problems}
	}
	for _, ch := range cfg.Channels {
		ch.hash = canonicalHash(ch.at.node(""))
	}
	return cfg, nil
}

// parse reads the single YAML document of a file. It returns nil for a file
// with no document, and false when it reported a problem.
func parse(d *decoder, data []byte) (*yaml.Node, bool) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil {
		if errors.Is(err, io.EOF) {
			return nil, true
		}
		d.syntax(err)
		return nil, false
	}
	var next yaml.Node
	switch err := dec.Decode(&next); {
	case err == nil:
		d.problem(&next, "", "a file holds one YAML document; start another file instead of using ---")
		return nil, false
	case !errors.Is(err, io.EOF):
		d.syntax(err)
		return nil, false
	}
	root := resolve(&doc)
	if isNull(root) {
		return nil, true
	}
	if root.Kind != yaml.MappingNode {
		d.problem(root, "", "the file must be a mapping of settings (version, channels, ...), not %s", describe(root))
		return nil, false
	}
	return root, true
}

// withoutExtensions returns the file's root mapping without its keys that
// start with "x-": such keys are ignored, so they can hold YAML anchors
// that channels refer to.
func withoutExtensions(root *yaml.Node) *yaml.Node {
	out := *root
	out.Content = nil
	for i := 0; i+1 < len(root.Content); i += 2 {
		if k := root.Content[i]; k.Kind == yaml.ScalarNode && strings.HasPrefix(k.Value, "x-") {
			continue
		}
		out.Content = append(out.Content, root.Content[i], root.Content[i+1])
	}
	return &out
}

var syntaxLine = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)

// syntax records a YAML syntax error, with its line when yaml.v3 gave one.
func (d *decoder) syntax(err error) {
	p := Problem{File: d.file, Message: strings.TrimPrefix(err.Error(), "yaml: ")}
	if m := syntaxLine.FindStringSubmatch(err.Error()); m != nil {
		p.Line, _ = strconv.Atoi(m[1])
		p.Message = m[2]
	}
	d.problems = append(d.problems, p)
}

// discard is the logger connector factories get during validation.
var discard = slog.New(slog.DiscardHandler)
