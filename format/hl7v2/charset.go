package hl7v2

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// codec is what turns a message's bytes into text: its delimiters and its
// character set. Segments and values point at their message's codec.
type codec struct {
	Delimiters
	cs *charset // nil for ASCII and UTF-8
}

// charset is a character set named in MSH-18 (HL7 table 0211) whose bytes
// must be converted to and from UTF-8.
type charset struct {
	name string
	enc  encoding.Encoding
}

// charsets maps the MSH-18 values of HL7 table 0211 that need conversion.
// ASCII, UNICODE and UNICODE UTF-8 need none. UTF-16 and UTF-32 are refused:
// their delimiters are not single bytes.
var charsets = map[string]encoding.Encoding{
	"8859/1":        charmap.ISO8859_1,
	"8859/2":        charmap.ISO8859_2,
	"8859/3":        charmap.ISO8859_3,
	"8859/4":        charmap.ISO8859_4,
	"8859/5":        charmap.ISO8859_5,
	"8859/6":        charmap.ISO8859_6,
	"8859/7":        charmap.ISO8859_7,
	"8859/8":        charmap.ISO8859_8,
	"8859/9":        charmap.ISO8859_9,
	"8859/15":       charmap.ISO8859_15,
	"ISO IR87":      japanese.ISO2022JP,
	"ISO IR159":     japanese.ISO2022JP,
	"GB 18030-2000": simplifiedchinese.GB18030,
	"KS X 1001":     korean.EUCKR,
	"BIG-5":         traditionalchinese.Big5,
	"WINDOWS-1252":  charmap.Windows1252, // not in table 0211, but seen in the field
	"CP1252":        charmap.Windows1252,
	"ISO-8859-1":    charmap.ISO8859_1,
	"LATIN1":        charmap.ISO8859_1,
	"SHIFT_JIS":     japanese.ShiftJIS,
	"EUC-JP":        japanese.EUCJP,
	"ISO-2022-JP":   japanese.ISO2022JP,
	"GB2312":        simplifiedchinese.GBK,
	"GBK":           simplifiedchinese.GBK,
	"EUC-KR":        korean.EUCKR,
	"ISO IR6":       nil, // ASCII
	"ISO IR14":      nil, // JIS X 0201 Roman: ASCII for the characters HL7 uses
	"ASCII":         nil,
	"UNICODE":       nil,
	"UNICODE UTF-8": nil,
	"UTF-8":         nil,
	"UTF8":          nil,
	"US-ASCII":      nil,
	"ISO IR100":     charmap.ISO8859_1,
	"ISO IR101":     charmap.ISO8859_2,
	"ISO IR144":     charmap.ISO8859_5,
	"ISO IR126":     charmap.ISO8859_7,
	"ISO IR127":     charmap.ISO8859_6,
	"ISO IR138":     charmap.ISO8859_8,
	"ISO IR148":     charmap.ISO8859_9,
}

// lookupCharset returns the conversion for an MSH-18 value, nil when the
// message is ASCII or UTF-8, or ErrCharset for a set Plexus cannot read.
func lookupCharset(raw []byte) (*charset, error) {
	if len(raw) == 0 {
		return nil, nil
	}
	if enc, ok := charsets[string(raw)]; ok && enc == nil {
		return nil, nil // the common case, ASCII or UTF-8, without allocating
	}
	name := string(raw)
	key := strings.ToUpper(strings.TrimSpace(name))
	if key == "" {
		return nil, nil
	}
	if key == "UNICODE UTF-16" || key == "UNICODE UTF-32" {
		return nil, fmt.Errorf("%w: %q (delimiters would not be single bytes; send UNICODE UTF-8)", ErrCharset, name)
	}
	enc, ok := charsets[key]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrCharset, name)
	}
	if enc == nil {
		return nil, nil
	}
	return &charset{name: key, enc: enc}, nil
}

// decode converts b from the character set to UTF-8. ASCII-only input is
// returned as it is for every set whose ASCII range is ASCII.
func (c *charset) decode(b []byte) ([]byte, error) {
	if isASCII(b) && c.enc != japanese.ISO2022JP {
		return b, nil
	}
	return c.enc.NewDecoder().Bytes(b)
}

// encode converts UTF-8 text back to the character set.
func (c *charset) encode(b []byte) ([]byte, error) {
	if isASCII(b) && c.enc != japanese.ISO2022JP {
		return b, nil
	}
	return c.enc.NewEncoder().Bytes(b)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	return true
}
