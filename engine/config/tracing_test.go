package config

import (
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestTracingSection(t *testing.T) {
	defaults := Tracing{ServiceName: DefaultTracingService, SampleRatio: 1, Timeout: DefaultTracingTimeout}
	cases := []struct {
		yaml    string
		want    Tracing
		problem string // a substring of the error; "" for none
	}{
		{"", defaults, ""},
		{"tracing: {}", defaults, ""},
		{"tracing: {endpoint: 'http://127.0.0.1:4318'}",
			Tracing{Endpoint: "http://127.0.0.1:4318", ServiceName: "plexus", SampleRatio: 1, Timeout: 10 * time.Second}, ""},
		{"tracing: {endpoint: 'https://otel.example.org/otlp', service_name: plexus-a, sample_ratio: 0.25, timeout: 3s, headers: {X-Api-Key: k}, headers_env: {Authorization: OTLP_AUTH}}",
			Tracing{Endpoint: "https://otel.example.org/otlp", ServiceName: "plexus-a", SampleRatio: 0.25, Timeout: 3 * time.Second,
				Headers: map[string]string{"X-Api-Key": "k"}, HeadersEnv: map[string]string{"Authorization": "OTLP_AUTH"}}, ""},
		{"tracing: {sample_ratio: 0}", Tracing{ServiceName: "plexus", SampleRatio: 0, Timeout: DefaultTracingTimeout}, ""},
		{"tracing: {endpoint: 'grpc://127.0.0.1:4317'}", Tracing{}, "tracing.endpoint: \"grpc://127.0.0.1:4317\" is not an http:// or https:// URL"},
		{"tracing: {endpoint: 'http://'}", Tracing{}, "tracing.endpoint"},
		{"tracing: {endpoint: 'http://[::1'}", Tracing{}, "tracing.endpoint: not a URL"},
		{"tracing: {endpoint: 'http://127.0.0.1:4318/?a=1'}", Tracing{}, "tracing.endpoint: must not have a query"},
		{"tracing: {endpoint: 'https://u:pw@otel.example.org'}", Tracing{}, "tracing.endpoint: credentials in the URL"},
		{"tracing: {service_name: ' '}", Tracing{}, "tracing.service_name: must not be empty"},
		{"tracing: {sample_ratio: 1.5}", Tracing{}, "tracing.sample_ratio: must be from 0 to 1"},
		{"tracing: {sample_ratio: -0.1}", Tracing{}, "tracing.sample_ratio: must be from 0 to 1"},
		{"tracing: {timeout: 0s}", Tracing{}, "tracing.timeout: must be more than 0"},
		{"tracing: {timeout: 1h}", Tracing{}, "tracing.timeout: must be more than 0 and at most 5m0s"},
		{"tracing: {headers: {'Bad Name': x}}", Tracing{}, "tracing.headers.Bad Name: \"Bad Name\" is not a header name"},
		{"tracing: {headers: {X-Key: \"a\\nb\"}}", Tracing{}, "tracing.headers.X-Key: the value must not hold line breaks"},
		{"tracing: {headers_env: {Authorization: 1BAD}}", Tracing{}, "tracing.headers_env.Authorization: \"1BAD\" is not an environment variable name"},
		{"tracing: {headers: {authorization: x}, headers_env: {Authorization: OTLP_AUTH}}", Tracing{}, "tracing.headers_env.Authorization: header \"Authorization\" is also set"},
		{"tracing: {endpoint: 5}", Tracing{}, "tracing.endpoint"},
		{"tracing: {exporter: otlp}", Tracing{}, "tracing.exporter"},
	}
	for _, tc := range cases {
		cfg, err := load([]source{{"c.yaml", []byte("version: 1\n" + tc.yaml + "\n")}}, testRegistry(nil), time.Unix(0, 0))
		switch {
		case tc.problem != "":
			if err == nil || !strings.Contains(err.Error(), tc.problem) {
				t.Errorf("%q: error %v, want one naming %q", tc.yaml, err, tc.problem)
			}
		case err != nil:
			t.Errorf("%q: %v", tc.yaml, err)
		case !reflect.DeepEqual(cfg.Tracing, tc.want):
			t.Errorf("%q: %+v, want %+v", tc.yaml, cfg.Tracing, tc.want)
		}
	}
}

// TestTracingProblemsHideSecrets checks that problems with the tracing
// section never print a header value or the URL's password.
func TestTracingProblemsHideSecrets(t *testing.T) {
	yaml := "version: 1\ntracing: {endpoint: 'ftp://u:Pw0rdSecret@x', headers: {'Bad Name': HdrSecret1, X-K: \"HdrSecret2\\r\"}}\n"
	_, err := load([]source{{"c.yaml", []byte(yaml)}}, testRegistry(nil), time.Unix(0, 0))
	if err == nil {
		t.Fatal("no problem reported")
	}
	for _, s := range []string{"Pw0rdSecret", "HdrSecret1", "HdrSecret2"} {
		if strings.Contains(err.Error(), s) {
			t.Errorf("the problems print %q: %v", s, err)
		}
	}
}

// TestTracingChangeNeedsRestart checks that a reload reports a changed
// tracing section as a setting that needs a restart.
func TestTracingChangeNeedsRestart(t *testing.T) {
	load1 := func(y string) *Config {
		cfg, err := load([]source{{"c.yaml", []byte("version: 1\n" + y + "\n")}}, testRegistry(nil), time.Unix(0, 0))
		if err != nil {
			t.Fatal(err)
		}
		return cfg
	}
	a := load1("tracing: {endpoint: 'http://127.0.0.1:4318'}")
	b := load1("tracing: {endpoint: 'http://127.0.0.1:4318', sample_ratio: 0.5}")
	if got := Diff(a, b).Settings; len(got) != 1 || got[0] != "tracing" {
		t.Errorf("changed section: settings %v", got)
	}
	if got := Diff(a, load1("tracing: {endpoint: 'http://127.0.0.1:4318'}")).Settings; len(got) != 0 {
		t.Errorf("same section: settings %v", got)
	}
}
