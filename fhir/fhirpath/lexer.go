package fhirpath

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// tokKind classifies a lexical token.
type tokKind int

const (
	tEOF tokKind = iota
	tNumber
	tString
	tIdent      // plain identifier or keyword
	tDelimIdent // `quoted identifier`
	tDateTime   // @2014-01-25T14:30
	tTime       // @T14:30
	tEnvVar     // %name
	tDollar     // $this, $index, $total
	tOp         // punctuation and symbolic operators
)

type token struct {
	kind tokKind
	text string // for strings and delimited identifiers, the unescaped value
	pos  int    // byte offset in the expression
}

// SyntaxError reports a malformed expression and where it went wrong.
type SyntaxError struct {
	Pos int
	Msg string
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("fhirpath: syntax error at %d: %s", e.Pos, e.Msg)
}

func lex(src string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(src) {
		c := src[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f':
			i++
		case strings.HasPrefix(src[i:], "//"):
			for i < len(src) && src[i] != '\n' {
				i++
			}
		case strings.HasPrefix(src[i:], "/*"):
			end := strings.Index(src[i+2:], "*/")
			if end < 0 {
				return nil, &SyntaxError{i, "unterminated comment"}
			}
			i += end + 4
		case isDigit(c):
			j := i
			for j < len(src) && isDigit(src[j]) {
				j++
			}
			if j+1 < len(src) && src[j] == '.' && isDigit(src[j+1]) {
				j++
				for j < len(src) && isDigit(src[j]) {
					j++
				}
			}
			toks = append(toks, token{tNumber, src[i:j], i})
			i = j
		case c == '\'' || c == '`':
			s, n, err := lexQuoted(src[i:], c)
			if err != nil {
				return nil, &SyntaxError{i, err.Error()}
			}
			k := tString
			if c == '`' {
				k = tDelimIdent
			}
			toks = append(toks, token{k, s, i})
			i += n
		case c == '@':
			j := i + 1
			k := tDateTime
			if j < len(src) && src[j] == 'T' {
				k = tTime
			}
			for j < len(src) && (isDigit(src[j]) || strings.IndexByte("-:.TZ+", src[j]) >= 0) {
				// a '+' or '-' after a complete date-time is a timezone only when digits follow
				if (src[j] == '+' || src[j] == '-') && k == tDateTime && !strings.Contains(src[i:j], "T") && src[j] == '+' {
					break
				}
				if src[j] == '.' && !(j+1 < len(src) && isDigit(src[j+1])) {
					break
				}
				j++
			}
			toks = append(toks, token{k, src[i+1 : j], i})
			i = j
		case c == '%':
			j := i + 1
			if j < len(src) && (src[j] == '`' || src[j] == '\'') {
				s, n, err := lexQuoted(src[j:], src[j])
				if err != nil {
					return nil, &SyntaxError{i, err.Error()}
				}
				toks = append(toks, token{tEnvVar, s, i})
				i = j + n
				continue
			}
			for j < len(src) && isIdentChar(src[j]) {
				j++
			}
			if j == i+1 {
				return nil, &SyntaxError{i, "empty environment variable name"}
			}
			toks = append(toks, token{tEnvVar, src[i+1 : j], i})
			i = j
		case c == '$':
			j := i + 1
			for j < len(src) && isIdentChar(src[j]) {
				j++
			}
			toks = append(toks, token{tDollar, src[i+1 : j], i})
			i = j
		case isIdentStart(c):
			j := i
			for j < len(src) && isIdentChar(src[j]) {
				j++
			}
			toks = append(toks, token{tIdent, src[i:j], i})
			i = j
		default:
			for _, op := range []string{"<=", ">=", "!=", "!~", "(", ")", "[", "]", "{", "}", ".", ",", "+", "-", "*", "/", "|", "&", "=", "~", "<", ">"} {
				if strings.HasPrefix(src[i:], op) {
					toks = append(toks, token{tOp, op, i})
					i += len(op)
					goto next
				}
			}
			{
				r, _ := utf8.DecodeRuneInString(src[i:])
				return nil, &SyntaxError{i, fmt.Sprintf("unexpected character %q", r)}
			}
		next:
		}
	}
	toks = append(toks, token{tEOF, "", len(src)})
	return toks, nil
}

// lexQuoted reads a quoted string starting at s[0] == q and returns its
// unescaped value and the number of bytes consumed.
func lexQuoted(s string, q byte) (string, int, error) {
	var b strings.Builder
	i := 1
	for i < len(s) {
		c := s[i]
		if c == q {
			return b.String(), i + 1, nil
		}
		if c == '\\' {
			if i+1 >= len(s) {
				break
			}
			i++
			switch s[i] {
			case 't':
				b.WriteByte('\t')
			case 'n':
				b.WriteByte('\n')
			case 'r':
				b.WriteByte('\r')
			case 'f':
				b.WriteByte('\f')
			case 'u':
				if i+4 >= len(s) {
					return "", 0, fmt.Errorf("bad unicode escape")
				}
				var r rune
				for _, h := range s[i+1 : i+5] {
					v := hexVal(byte(h))
					if v < 0 {
						return "", 0, fmt.Errorf("bad unicode escape")
					}
					r = r*16 + rune(v)
				}
				b.WriteRune(r)
				i += 4
			default:
				b.WriteByte(s[i])
			}
			i++
			continue
		}
		b.WriteByte(c)
		i++
	}
	return "", 0, fmt.Errorf("unterminated string")
}

func hexVal(c byte) int {
	switch {
	case c >= '0' && c <= '9':
		return int(c - '0')
	case c >= 'a' && c <= 'f':
		return int(c-'a') + 10
	case c >= 'A' && c <= 'F':
		return int(c-'A') + 10
	}
	return -1
}

func isDigit(c byte) bool      { return c >= '0' && c <= '9' }
func isIdentStart(c byte) bool { return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') }
func isIdentChar(c byte) bool  { return isIdentStart(c) || isDigit(c) }
