package nats

import (
	"strings"
	"testing"

	"github.com/plexus-health/plexus/connector/internal/conntest"
)

func TestSourceOptions(t *testing.T) {
	const base = "url: nats://127.0.0.1:4222\nstream: IN\nconsumer: plexus\n"
	for _, tc := range []struct {
		opts, want string
	}{
		{base, ""},
		{"urls: [nats://a:4222, tls://b:4222]\nstream: IN\nconsumer: c", ""},
		{base + "filter_subjects: [hl7.in.>, 'fhir.*.in']\ndeliver_policy: new\nack_wait: 1m\nmax_deliver: 10\nmax_ack_pending: 50\nworkers: 4\ncontent_type: application/hl7-v2\nretry_delay: 2s", ""},
		{base + "auth: {user: plexus, password_env: NATS_PASSWORD}", ""},
		{base + "auth: {token_file: /run/secrets/nats}", ""},
		{base + "auth: {nkey_seed_file: /run/secrets/nkey}", ""},
		{base + "auth: {creds_file: /run/secrets/plexus.creds}", ""},
		{base + "tls: {ca: ca.crt}", ""},
		{base + "bind: true", ""},
		{"stream: IN\nconsumer: c", "url: required"},
		{"url: nats://a:1\nurls: [nats://b:1]\nstream: IN\nconsumer: c", "set url or urls, not both"},
		{"url: http://a:4222\nstream: IN\nconsumer: c", "not a nats:// or tls:// URL"},
		{"url: 'nats://'\nstream: IN\nconsumer: c", "not a nats:// or tls:// URL with a host"},
		{"url: nats://a:1/path\nstream: IN\nconsumer: c", "no path or query"},
		{"urls: [nats://a:1, '']\nstream: IN\nconsumer: c", "urls[1]: required"},
		{"url: nats://a:1\nconsumer: c", "stream: required"},
		{"url: nats://a:1\nstream: IN", "consumer: required"},
		{"url: nats://a:1\nstream: IN.X\nconsumer: c", "stream: \"IN.X\" is not a name"},
		{"url: nats://a:1\nstream: IN\nconsumer: 'a b'", "consumer: \"a b\" is not a name"},
		{base + "filter_subject: a.b\nfilter_subjects: [c]", "not both"},
		{base + "filter_subject: 'a..b'", "empty token"},
		{base + "filter_subjects: ['a.>.b']", "filter_subjects[0]: subject \"a.>.b\": a wildcard is a whole token"},
		{base + "filter_subjects: ['a b']", "white space"},
		{base + "deliver_policy: last", "deliver_policy: \"last\" is not one of"},
		{base + "ack_wait: 100ms", "at least 1s"},
		{base + "ack_wait: -1s", "ack_wait: must not be negative"},
		{base + "max_deliver: -1", "max_deliver: must not be negative"},
		{base + "max_ack_pending: -5", "max_ack_pending: must not be negative"},
		{base + "workers: 1000", "more than 256"},
		{base + "retry_delay: -1s", "retry_delay: must not be negative"},
		{base + "bind: true\nack_wait: 5s", "a bound consumer is used as it is"},
		{base + "auth: {user: plexus}", "auth.password_env: required"},
		{base + "auth: {password_env: X}", "auth.user: required"},
		{base + "auth: {token_env: A, token_file: /b}", "not both"},
		{base + "auth: {token_env: '1BAD'}", "not an environment variable name"},
		{base + "auth: {token_env: T, creds_file: /c}", "set one method"},
		{base + "tls: {cert: c.crt}", "tls"},
		{base + "consumer_name: x", "field consumer_name not found"},
	} {
		_, err := NewSource(conntest.Env(t, nil), conntest.Options(tc.opts))
		conntest.CheckErr(t, tc.opts, err, tc.want)
	}
}

func TestDestinationOptions(t *testing.T) {
	const base = "url: nats://127.0.0.1:4222\n"
	for _, tc := range []struct {
		opts, want string
	}{
		{base + "subject: plexus.out", ""},
		{base + "subject: 'plexus.{{.Channel}}.{{.Type}}.{{.Trigger}}'\nstream: OUT\ntimeout: 5s", ""},
		{base + "subject: plexus.out\nstream: OUT\ncreate_stream: {subjects: ['plexus.>'], storage: memory, max_age: 720h, duplicate_window: 10m}", ""},
		{base + "subject: x\nauth: {user: u, password_file: /run/secrets/p}", ""},
		{base, "subject: required"},
		{base + "subject: 'plexus.{{.ControlId}}'", "ControlId"},
		{base + "subject: 'plexus.{{.Channel'", "subject:"},
		{base + "subject: 'plexus.*'", "has a wildcard"},
		{base + "subject: 'plexus.>'", "has a wildcard"},
		{base + "subject: 'plexus..out'", "empty token"},
		{base + "subject: 'plexus.{{.Channel}}.'", "empty token"},
		{base + "subject: 'plexus out'", "white space"},
		{base + "subject: x\nstream: 'A.B'", "stream: \"A.B\" is not a name"},
		{base + "subject: x\ncreate_stream: {subjects: [x]}", "create_stream: set, but stream"},
		{base + "subject: x\nstream: S\ncreate_stream: {storage: disk}", "create_stream.subjects: required"},
		{base + "subject: x\nstream: S\ncreate_stream: {subjects: [x], storage: disk}", "create_stream.storage: \"disk\" is not one of"},
		{base + "subject: x\nstream: S\ncreate_stream: {subjects: ['x..y']}", "create_stream.subjects[0]"},
		{base + "subject: x\nstream: S\ncreate_stream: {subjects: [x], max_age: -1h}", "max_age: must not be negative"},
		{base + "subject: x\ntimeout: -1s", "timeout: must not be negative"},
		{"url: nats://plexus:s3cret@127.0.0.1:4222\nsubject: x", "carries credentials"},
	} {
		_, err := NewDestination(conntest.Env(t, nil), conntest.Options(tc.opts))
		conntest.CheckErr(t, tc.opts, err, tc.want)
	}
}

// TestProblemsHideSecrets checks that a password written in a URL is not
// repeated by the problem that refuses it.
func TestProblemsHideSecrets(t *testing.T) {
	for _, opts := range []string{
		"url: nats://plexus:s3cret@127.0.0.1:4222\nsubject: x",
		"url: http://plexus:s3cret@127.0.0.1:4222\nsubject: x",
		"urls: [nats://a:1, 'nats://plexus:s3cret@b:1/x']\nsubject: x",
	} {
		_, err := NewDestination(conntest.Env(t, nil), conntest.Options(opts))
		if err == nil {
			t.Fatalf("%q: no error", opts)
		}
		if strings.Contains(err.Error(), "s3cret") {
			t.Errorf("%q: problem repeats the password: %v", opts, err)
		}
	}
}

func TestCheckSubject(t *testing.T) {
	for _, tc := range []struct {
		subject   string
		wildcards bool
		ok        bool
	}{
		{"a", false, true},
		{"a.b.c", false, true},
		{"hl7.ADT.A01", false, true},
		{"a.*.c", true, true},
		{"a.>", true, true},
		{">", true, true},
		{"a.*", false, false},
		{"a.>", false, false},
		{"a.>.b", true, false},
		{"a.b*", true, false},
		{"", false, false},
		{".a", false, false},
		{"a.", false, false},
		{"a..b", true, false},
		{"a b", false, false},
		{"a\tb", false, false},
		{"a\x7fb", false, false},
		{strings.Repeat("a", maxSubject+1), false, false},
	} {
		err := checkSubject(tc.subject, tc.wildcards)
		if (err == nil) != tc.ok {
			t.Errorf("checkSubject(%q, %v) = %v, want ok %v", tc.subject, tc.wildcards, err, tc.ok)
		}
	}
}

func TestSubjectToken(t *testing.T) {
	for in, want := range map[string]string{
		"ADT":          "ADT",
		"":             "",
		"a.b":          "a_b",
		"a b*>":        "a_b__",
		"Zürich":       "Z_rich",
		"A01-x_y":      "A01-x_y",
		"\xff\x80abc":  "_abc",
		"日本":           "__",
		"../../etc/pw": "______etc_pw",
	} {
		if got := subjectToken(in); got != want {
			t.Errorf("subjectToken(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestContentType(t *testing.T) {
	hl7 := []byte("MSH|^~\\&|A|B\r")
	for _, tc := range []struct {
		header  string
		payload []byte
		want    string
	}{
		{"application/hl7-v2", []byte("anything"), "application/hl7-v2"},
		{"x-application/hl7-v2+er7; charset=utf-8", hl7, "application/hl7-v2"},
		{"text/plain", hl7, "application/hl7-v2"},
		{"text/plain; charset=utf-8", []byte("hello"), "text/plain"},
		{"application/fhir+json", []byte("{}"), "application/fhir+json"},
		{"", append([]byte("\xef\xbb\xbf\r\n"), hl7...), "application/hl7-v2"},
		{"", []byte(`{"resourceType":"Patient"}`), "application/json"},
		{"", []byte("plain words"), "text/plain"},
		{"", []byte{0xff, 0x00, 0x10}, "application/octet-stream"},
		{"", nil, "text/plain"},
		{"not a media type;;", []byte(`[1]`), "application/json"},
	} {
		if got := contentType(tc.header, tc.payload); got != tc.want {
			t.Errorf("contentType(%q, %q) = %q, want %q", tc.header, tc.payload, got, tc.want)
		}
	}
}
