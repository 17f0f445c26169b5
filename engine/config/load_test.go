package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

const channelA = `channels:
  - name: a
    source: {type: test, listen: ":1"}
    destinations:
      - {name: x, type: test, address: x:1}
`

func TestLoadFolder(t *testing.T) {
	dir := t.TempDir()
	writeFile(t, filepath.Join(dir, "10-b.yml"), `tables:
  t2: {a: b}
channels:
  - name: b
    source: {type: test, listen: ":2"}
    destinations:
      - {name: x, type: test, address: x:1}
`)
	writeFile(t, filepath.Join(dir, "00-a.yaml"), "version: 1\nadmin: {listen: \":9\"}\ntables:\n  t1: {a: b}\n"+channelA)
	writeFile(t, filepath.Join(dir, "README.md"), "not yaml: [")
	writeFile(t, filepath.Join(dir, ".#00-a.yaml"), "not yaml: [")
	if err := os.Mkdir(filepath.Join(dir, "sub.yaml"), 0o755); err != nil {
		t.Fatal(err)
	}
	cfg, err := Load(dir, testRegistry(nil))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, ch := range cfg.Channels {
		names = append(names, ch.Name)
	}
	if got := strings.Join(names, ","); got != "a,b" {
		t.Errorf("channels %s, want a,b (file name order)", got)
	}
	if len(cfg.Tables) != 2 || cfg.Admin.Listen != ":9" {
		t.Errorf("tables %v admin %q: want both tables and the admin setting merged", cfg.Tables, cfg.Admin.Listen)
	}
	want := []string{filepath.Join(dir, "00-a.yaml"), filepath.Join(dir, "10-b.yml")}
	if strings.Join(cfg.Files, "|") != strings.Join(want, "|") {
		t.Errorf("files %q, want %q", cfg.Files, want)
	}
	if len(cfg.Version.Hash) != hashLen || cfg.Version.LoadedAt.IsZero() {
		t.Errorf("version %+v", cfg.Version)
	}
}

func TestLoadFolderDuplicates(t *testing.T) {
	dir := t.TempDir()
	a, b := filepath.Join(dir, "a.yaml"), filepath.Join(dir, "b.yaml")
	writeFile(t, a, "admin: {listen: \":9\"}\ntables:\n  t: {}\n"+channelA)
	writeFile(t, b, "# second file\nadmin: {listen: \":8\"}\ntables:\n  t: {}\n"+channelA)
	_, err := Load(dir, testRegistry(nil))
	var verr *ValidationError
	if !errors.As(err, &verr) {
		t.Fatalf("got %v, want a *ValidationError", err)
	}
	want := b + `:2:8: admin: already set at ` + a + `:1:8
` + b + `:4:6: tables.t: table "t" is already defined at ` + a + `:3:6
` + b + `:6:11: channels[0].name: channel "a" is already defined at ` + a + `:5:11
` + b + `:7:13: channels[0].source.listen: :1 is also used by channel "a" (` + a + `:6:13)`
	if err.Error() != want {
		t.Errorf("got:\n%s\nwant:\n%s", err, want)
	}
	p := verr.Problems[2]
	if p.File != b || p.Line != 6 || p.Column != 11 || p.Field != "channels[0].name" {
		t.Errorf("problem %+v", p)
	}
}

func TestLoadErrors(t *testing.T) {
	dir := t.TempDir()
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing.yaml"), "reading configuration: stat " + filepath.Join(dir, "missing.yaml") + ": no such file or directory"},
		{dir, "reading configuration: no *.yaml or *.yml file in " + dir},
	} {
		_, err := Load(tc.path, testRegistry(nil))
		if err == nil || err.Error() != tc.want {
			t.Errorf("Load(%s) = %v, want %s", tc.path, err, tc.want)
		}
		var verr *ValidationError
		if errors.As(err, &verr) {
			t.Errorf("Load(%s): a read failure is not a *ValidationError", tc.path)
		}
	}
}

func TestLoadSingleFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "plexus.yml")
	writeFile(t, path, channelA)
	cfg, err := Load(path, testRegistry(nil))
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Channel("a") == nil || cfg.Channel("a").Destination("x") == nil || cfg.Channel("b") != nil {
		t.Errorf("lookups by name failed: %+v", cfg.Channels)
	}
}

func TestValidationClosesDestinations(t *testing.T) {
	closed := 0
	if _, err := load([]source{{"c.yaml", []byte(channelA)}}, testRegistry(&closed), testTime); err != nil {
		t.Fatal(err)
	}
	if closed != 1 {
		t.Errorf("%d destinations closed after validation, want 1", closed)
	}
}

func TestVersionHash(t *testing.T) {
	h := func(files ...source) string { return hashSources(files) }
	base := h(source{"dir/a.yaml", []byte("a: 1\n")})
	for _, tc := range []struct {
		name  string
		files []source
		same  bool
	}{
		{"same bytes, other folder", []source{{"other/a.yaml", []byte("a: 1\n")}}, true},
		{"CRLF and BOM", []source{{"a.yaml", []byte("\xef\xbb\xbfa: 1\r\n")}}, true},
		{"no final newline", []source{{"a.yaml", []byte("a: 1")}}, true},
		{"comment", []source{{"a.yaml", []byte("a: 1 # one\n")}}, false},
		{"renamed", []source{{"b.yaml", []byte("a: 1\n")}}, false},
		{"split", []source{{"a.yaml", []byte("a: ")}, {"b.yaml", []byte("1\n")}}, false},
	} {
		if got := h(tc.files...); (got == base) != tc.same {
			t.Errorf("%s: hash %s vs %s, want same=%v", tc.name, got, base, tc.same)
		}
	}
}
