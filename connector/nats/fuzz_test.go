package nats

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSubject checks the subject rules against each other: a value made
// safe by subjectToken is always one valid token, and whatever
// checkSubject accepts for publishing it accepts as a filter too.
func FuzzSubject(f *testing.F) {
	for _, s := range []string{"a.b", "a.*.>", ">", "", "a..b", "a b", "Zürich.A01", "\xff", "a.>.b"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tok := subjectToken(s)
		if s != "" && len(s) <= maxSubject {
			if err := checkSubject(tok, false); err != nil {
				t.Fatalf("subjectToken(%q) = %q: %v", s, tok, err)
			}
			if strings.Contains(tok, ".") || len(tok) > len(s) {
				t.Fatalf("subjectToken(%q) = %q", s, tok)
			}
		}
		if checkSubject(s, false) == nil {
			if err := checkSubject(s, true); err != nil {
				t.Fatalf("%q is a subject but not a filter: %v", s, err)
			}
			if strings.ContainsAny(s, "*> \t\r\n") || strings.HasPrefix(s, ".") || strings.HasSuffix(s, ".") {
				t.Fatalf("%q accepted", s)
			}
		}
	})
}

// FuzzContentType checks that any header and payload give a content type,
// and that an explicit HL7 v2 header always wins.
func FuzzContentType(f *testing.F) {
	f.Add("", []byte("MSH|^~\\&|A\r"))
	f.Add("text/plain; charset=utf-8", []byte("hello"))
	f.Add("application/hl7-v2", []byte{0xff})
	f.Add(";;=", []byte(`{"a":1}`))
	f.Fuzz(func(t *testing.T, header string, payload []byte) {
		ct := contentType(header, payload)
		if ct == "" || !utf8.ValidString(ct) && header == "" {
			t.Fatalf("contentType(%q, %q) = %q", header, payload, ct)
		}
		if header == "application/hl7-v2" && ct != "application/hl7-v2" {
			t.Fatalf("contentType(%q, ...) = %q", header, ct)
		}
	})
}
