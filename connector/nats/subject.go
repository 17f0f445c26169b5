package nats

import (
	"errors"
	"fmt"
	"strings"
)

// maxSubject bounds a subject's length; the server accepts longer ones,
// but a subject this long is a mistake in a template.
const maxSubject = 1024

// checkSubject checks a subject: tokens separated by dots, none empty,
// without white space or control characters. With wildcards, "*" may be a
// token and ">" the last token (a filter); without, neither may appear at
// all (a subject to publish to).
func checkSubject(s string, wildcards bool) error {
	switch {
	case s == "":
		return errors.New("empty subject")
	case len(s) > maxSubject:
		return fmt.Errorf("subject longer than %d bytes", maxSubject)
	}
	tokens := strings.Split(s, ".")
	for i, tok := range tokens {
		if tok == "" {
			return fmt.Errorf("subject %q has an empty token", s)
		}
		for _, c := range []byte(tok) {
			if c <= ' ' || c == 0x7f {
				return fmt.Errorf("subject %q has white space or a control character", s)
			}
		}
		if !strings.ContainsAny(tok, "*>") {
			continue
		}
		switch {
		case !wildcards:
			return fmt.Errorf("subject %q has a wildcard; messages are published to one subject", s)
		case tok == "*":
		case tok == ">" && i == len(tokens)-1:
		default:
			return fmt.Errorf("subject %q: a wildcard is a whole token, and > only the last", s)
		}
	}
	return nil
}

// checkName checks a stream or consumer name: letters, digits, "-" and
// "_", at most 64 of them, as the server advises for names that are also
// parts of subjects and file names.
func checkName(s string) error {
	if s == "" {
		return errors.New("required")
	}
	if len(s) > 64 {
		return fmt.Errorf("%q is longer than 64 characters", s)
	}
	for _, c := range s {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
			return fmt.Errorf("%q is not a name of letters, digits, '-' and '_'", s)
		}
	}
	return nil
}

// subjectToken makes a value safe as part of one subject token: a dot
// would split it, a wildcard or white space would make it invalid, so
// every character outside letters, digits, "-" and "_" becomes "_".
func subjectToken(s string) string {
	clean := true
	for _, c := range []byte(s) {
		if !isTokenByte(c) {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	b := []byte(s)
	out := b[:0]
	for i := 0; i < len(b); i++ {
		c := b[i]
		if !isTokenByte(c) {
			c = '_'
			// One "_" for a whole multi-byte character.
			for i+1 < len(b) && b[i+1] >= 0x80 && b[i+1] < 0xc0 {
				i++
			}
		}
		out = append(out, c)
	}
	return string(out)
}

func isTokenByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}
