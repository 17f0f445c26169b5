package hl7v2

import (
	"testing"
	"unicode/utf8"
)

func TestUnescape(t *testing.T) {
	d := DefaultDelimiters
	d.Truncation = '#'
	tests := []struct{ in, want string }{
		{`plain`, "plain"},
		{`a\F\b\S\c\T\d\R\e\E\f\P\g`, "a|b^c&d~e\\f#g"},
		{`\X0D\\X0A\`, "\r\n"},
		{`\X41424344\`, "ABCD"},
		{`caf\XC3A9\`, "café"}, // UTF-8 bytes
		{`caf\XE9\`, "café"},   // not UTF-8: ISO 8859-1
		{`\X0\`, `\X0\`},       // odd digit count: kept
		{`\XZZ\`, `\XZZ\`},     // not hex: kept
		{`line1\.br\line2`, "line1\nline2"},
		{`a\.sp\b`, "a\nb"},
		{`a\.sp 2\b`, "a\n\nb"},
		{`a\.sp+3\b`, "a\n\n\nb"},
		{`a\.sk 3\b`, "a   b"},
		{`\.ce\Title`, "\nTitle"},
		{`\.in+4\x`, `\.in+4\x`},         // no plain-text form: kept
		{`\.fi\\.nf\`, `\.fi\\.nf\`},     // kept
		{`\H\bold\N\ text`, "bold text"}, // highlighting carries no text
		{`\Zlocal\`, `\Zlocal\`},         // locally defined: kept
		{`\Q\`, `\Q\`},                   // unknown: kept
		{`\\`, `\\`},                     // empty escape: kept
		{`trailing\`, `trailing\`},       // unterminated: data
		{`a\Fb`, `a\Fb`},                 // unterminated: data
		{`\C2D41\\XE9\`, "é"},            // Latin-1 designated, hex byte
		{`\M2442\F|K\C2842\!`, "F|K!"},   // odd byte count: kept as is
		{`\M2442\4A;z\C2842\ok`, "漢字ok"}, // JIS X 0208 pairs 0x3441 0x3B7A
		{`\M2441\VPND\C2842\`, "中文"},     // GB 2312 pairs 0x5650 0x4E44
		{`\M242943\GQ19\C2842\`, "한국"},   // KS X 1001 pairs 0x4751 0x3139
		{`\C2D4C\` + "\xd0\xb4", "д"},    // valid UTF-8 after a switch is left alone
		{`\C9999\`, `\C9999\`},           // unknown designation: kept
	}
	for _, tt := range tests {
		got := Unescape(tt.in, d)
		if got != tt.want {
			t.Errorf("Unescape(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestEscapeRoundTrip(t *testing.T) {
	for _, d := range []Delimiters{
		DefaultDelimiters,
		{'|', '^', '~', '\\', '}', 0},
		{'|', '^', '~', '\\', '&', '#'},
		{'*', '%', '$', '!', '@', 0},
	} {
		for _, s := range []string{"", "plain", "a|b^c~d\\e&f#g}h", "O'Brien & Sons", "multi\r\nline", "\\X41\\", "ünïcödé"} {
			enc := Escape(s, d)
			for _, c := range []byte{d.Field, d.Component, d.Repetition, d.Subcomponent, '\r', '\n'} {
				for i := 0; i < len(enc); i++ {
					if c != 0 && enc[i] == c {
						t.Fatalf("Escape(%q, %q) = %q still contains %q", s, d.EncodingChars(), enc, c)
					}
				}
			}
			if got := Unescape(enc, d); got != s {
				t.Errorf("Unescape(Escape(%q)) = %q via %q", s, got, enc)
			}
		}
	}
}

func TestEscapeTruncationOnlyWhenDeclared(t *testing.T) {
	if got := Escape("a#b", DefaultDelimiters); got != "a#b" {
		t.Errorf("without a truncation character # is data, got %q", got)
	}
	d := DefaultDelimiters
	d.Truncation = '#'
	if got := Escape("a#b", d); got != `a\P\b` {
		t.Errorf("got %q", got)
	}
}

func TestValueStringDecodes(t *testing.T) {
	m := mustParse(t, "MSH|^~\\&|A\rNTE|1||Result\\.br\\is \\H\\high\\N\\ \\T\\ 5 \\S\\ 3\r")
	got, _ := m.Get("NTE-3")
	if want := "Result\nis high & 5 ^ 3"; got != want {
		t.Errorf("NTE-3 = %q, want %q", got, want)
	}
	// Escaped delimiters never split a value.
	if n := m.Segment("NTE", 1).Field(3).Components(); n != 1 {
		t.Errorf("components = %d, want 1", n)
	}
	if !utf8.ValidString(got) {
		t.Error("decoded text is not UTF-8")
	}
}
