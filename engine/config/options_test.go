package config

import (
	"errors"
	"strings"
	"testing"
	"time"

	"go.yaml.in/yaml/v3"
)

// sectionOptions returns the Options of the source section in src, as Load
// hands them to a factory.
func sectionOptions(t *testing.T, src string) *options {
	t.Helper()
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(src), &doc); err != nil {
		t.Fatal(err)
	}
	d := newDecoder("c.yaml")
	var s Source
	d.decode(&doc, nodeValue(&s), "channels[0].source")
	if len(d.problems) > 0 {
		t.Fatalf("decoding the section: %v", d.problems)
	}
	return s.Options.(*options)
}

type tlsOptions struct {
	Cert string `yaml:"cert"`
	Key  string `yaml:"key"`
}

type commonOptions struct {
	Timeout time.Duration `yaml:"timeout"`
}

type connOptions struct {
	Listen        string `yaml:"listen"`
	commonOptions `yaml:",inline"`
	TLS           *tlsOptions       `yaml:"tls"`
	Sizes         []int             `yaml:"sizes"`
	Headers       map[string]string `yaml:"headers"`
	Enabled       bool              `yaml:"enabled"`
	Ratio         float64           `yaml:"ratio"`
	Port          uint16            `yaml:"port"`
	Extra         any               `yaml:"extra"`
	NoTag         string
	skipped       string
}

func TestOptionsDecode(t *testing.T) {
	o := sectionOptions(t, `
type: test
listen: ":2575"
timeout: 2d
tls: {cert: c.pem}
sizes: [1, 2]
headers: {A: b}
enabled: true
ratio: 1
port: 80
extra: {any: [thing]}
notag: x
`)
	v := connOptions{Ratio: 0.5, Headers: map[string]string{"keep": "me"}}
	if err := o.Decode(&v); err != nil {
		t.Fatal(err)
	}
	if v.Listen != ":2575" || v.Timeout != 48*time.Hour || v.TLS == nil || v.TLS.Cert != "c.pem" ||
		len(v.Sizes) != 2 || v.Headers["A"] != "b" || v.Headers["keep"] != "me" || !v.Enabled ||
		v.Ratio != 1 || v.Port != 80 || v.Extra == nil || v.NoTag != "x" {
		t.Errorf("decoded %+v", v)
	}
	if err := o.Decode(v); err == nil || strings.Contains(err.Error(), "\n") {
		t.Errorf("Decode of a non-pointer: %v", err)
	}
}

func TestOptionsDecodeProblems(t *testing.T) {
	for _, tc := range []struct {
		name, src, want string
	}{
		{"unknown field", "type: t\nlisten: x\nlisen: y\n",
			"c.yaml:3:1: channels[0].source.lisen: unknown field (did you mean listen?)"},
		{"engine key mistyped", "type: t\ntyep: x\n",
			"c.yaml:2:1: channels[0].source.tyep: unknown field (did you mean type?)"},
		{"far from everything", "zzzzzzzz: 1\n",
			"c.yaml:1:1: channels[0].source.zzzzzzzz: unknown field (known: enabled, extra, headers, listen, notag, port, ratio, sizes, timeout, tls, type)"},
		{"nested", "tls: {cert: a, chain: b}\n",
			"c.yaml:1:16: channels[0].source.tls.chain: unknown field (known: cert, key)"},
		{"all problems", "listen: [a]\nport: 70000\nenabled: 1\nsizes: [1, x]\ntimeout: 5\nskipped: x\n",
			"c.yaml:1:9: channels[0].source.listen: must be a string, not a list\n" +
				"c.yaml:2:7: channels[0].source.port: 70000 is out of range\n" +
				"c.yaml:3:10: channels[0].source.enabled: must be true or false, not \"1\"\n" +
				"c.yaml:4:12: channels[0].source.sizes[1]: must be an integer, not \"x\"\n" +
				"c.yaml:5:10: channels[0].source.timeout: \"5\" needs a unit (for example 500ms, 10m, 24h or 30d)\n" +
				"c.yaml:6:1: channels[0].source.skipped: unknown field (known: enabled, extra, headers, listen, notag, port, ratio, sizes, timeout, tls, type)"},
		{"negative unsigned", "port: -1\n", "c.yaml:1:7: channels[0].source.port: must not be negative"},
		{"ratio", "ratio: [1]\n", "c.yaml:1:8: channels[0].source.ratio: must be a number, not a list"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var v connOptions
			err := sectionOptions(t, tc.src).Decode(&v)
			var verr *ValidationError
			if !errors.As(err, &verr) {
				t.Fatalf("got %v, want a *ValidationError", err)
			}
			if err.Error() != tc.want {
				t.Errorf("got:\n%s\nwant:\n%s", err, tc.want)
			}
		})
	}
}

// customOption decodes itself, as a connector's own type may.
type customOption struct{ got string }

func (c *customOption) UnmarshalYAML(n *yaml.Node) error {
	if n.Value == "bad" {
		return errors.New("custom says no")
	}
	c.got = n.Value
	return nil
}

type textOption struct{ got string }

func (c *textOption) UnmarshalText(b []byte) error {
	if string(b) == "bad" {
		return errors.New("text says no")
	}
	c.got = string(b)
	return nil
}

func TestOptionsDecodeUnmarshalers(t *testing.T) {
	var v struct {
		C customOption `yaml:"c"`
		T textOption   `yaml:"t"`
	}
	if err := sectionOptions(t, "c: one\nt: two\n").Decode(&v); err != nil || v.C.got != "one" || v.T.got != "two" {
		t.Errorf("got %+v, %v", v, err)
	}
	err := sectionOptions(t, "c: bad\nt: bad\n").Decode(&v)
	want := "c.yaml:1:4: channels[0].source.c: custom says no\nc.yaml:2:4: channels[0].source.t: text says no"
	if err == nil || err.Error() != want {
		t.Errorf("got:\n%v\nwant:\n%s", err, want)
	}
}

func TestParseDuration(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want time.Duration
		err  string
	}{
		{"10m", 10 * time.Minute, ""},
		{"30d", 30 * 24 * time.Hour, ""},
		{"1d12h", 36 * time.Hour, ""},
		{"0d", 0, ""},
		{"1.5h", 90 * time.Minute, ""},
		{"10", 0, `"10" needs a unit (for example 500ms, 10m, 24h or 30d)`},
		{"d", 0, `"d" is not a duration (write for example 500ms, 10m, 24h or 30d)`},
		{"1.5d", 0, `"1.5d" is not a duration (write for example 500ms, 10m, 24h or 30d)`},
		{"-1d", 0, `"-1d" is not a duration (write for example 500ms, 10m, 24h or 30d)`},
		{"1d-1h", 0, `"1d-1h" is not a duration (write for example 500ms, 10m, 24h or 30d)`},
		{"-1h", 0, `"-1h" must not be negative`},
		{"99999d", 0, `"99999d" is too long (at most 36500d)`},
		{"1w", 0, `"1w" is not a duration (write for example 500ms, 10m, 24h or 30d)`},
	} {
		got, err := parseDuration(tc.in)
		if tc.err == "" && (err != nil || got != tc.want) {
			t.Errorf("parseDuration(%q) = %v, %v; want %v", tc.in, got, err, tc.want)
		}
		if tc.err != "" && (err == nil || err.Error() != tc.err) {
			t.Errorf("parseDuration(%q) error %v, want %s", tc.in, err, tc.err)
		}
	}
}

func TestAliasBomb(t *testing.T) {
	// Each level doubles the expanded size; 2^30 values must be refused,
	// not built.
	var b strings.Builder
	b.WriteString("a0: &a0 [x, x]\n")
	for i := 1; i <= 30; i++ {
		b.WriteString("a" + itoa(i) + ": &a" + itoa(i) + " [*a" + itoa(i-1) + ", *a" + itoa(i-1) + "]\n")
	}
	b.WriteString("sizes: *a30\n")
	var v struct {
		A     map[string]any                                                     `yaml:",inline"`
		Sizes [][][][][][][][][][][][][][][][][][][][][][][][][][][][][][]string `yaml:"sizes"`
	}
	err := sectionOptions(t, "x: 1\n").Decode(&v) // warm-up: a plain decode works
	if err == nil {
		t.Fatal("x is unknown: want a problem")
	}
	var doc yaml.Node
	if err := yaml.Unmarshal([]byte(b.String()), &doc); err != nil {
		t.Fatal(err)
	}
	d := newDecoder("c.yaml")
	var sizes [][][][][][][][][][][][][][][][][][][][][][][][][][][][][][][]string
	root := resolve(&doc)
	d.decode(root.Content[len(root.Content)-1], nodeValue(&sizes), "sizes")
	if len(d.problems) != 1 || !strings.Contains(d.problems[0].Message, "too many values") {
		t.Errorf("problems %v, want one about too many values", d.problems)
	}
}

func TestSuggest(t *testing.T) {
	names := []string{"destinations", "retry", "type", "name", "order"}
	for in, want := range map[string]string{
		"tyep": "type", "retyr": "retry", "destination": "destinations", "nmae": "name",
		"ordr": "order", "foo": "", "x": "", "transform": "",
	} {
		if got := suggest(in, names); got != want {
			t.Errorf("suggest(%q) = %q, want %q", in, got, want)
		}
	}
}
