package hl7v2

import (
	"bytes"
	"strconv"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
)

// Escape sequences (HL7 v2.x chapter 2, "Use of escape sequences in text
// fields"), with E standing for the escape character:
//
//	EFE ESE ETE ERE EEE EPE  field, component, subcomponent, repetition,
//	                          escape and truncation characters
//	EXhh...E                  bytes in hexadecimal, in the message's character set
//	E.brE E.sp nE E.sk nE     line break, n blank lines, n spaces
//	E.ceE                     start of a centred line
//	EHE ENE                   start and end of highlighting
//	ECxxyyE EMxxyyzzE         switch to a single-byte or multi-byte character
//	                          set (ISO 2022 designation, in hexadecimal)
//	EZ...E                    locally defined
//
// On read, the delimiter escapes, hex data and character-set switches become
// the characters they stand for; line breaks and spaces become "\n" and
// spaces; highlighting marks, which carry no text, are removed. Formatting
// commands without a plain-text equivalent (.in, .ti, .fi, .nf), locally
// defined \Z..\ escapes and unknown escapes are kept as they are, never
// dropped.

// designation is a character set selected by \Cxxyy\ or \Mxxyyzz\.
type designation struct {
	enc encoding.Encoding
	// sevenBit sets are written as 7-bit byte pairs: the high bit of each
	// byte is set to obtain the EUC form the decoder reads.
	sevenBit bool
	// prefix is prepended to each 7-bit pair (0x8F for JIS X 0212 in EUC-JP).
	prefix byte
}

var singleByteSets = map[string]encoding.Encoding{
	"2D41": charmap.ISO8859_1,
	"2D42": charmap.ISO8859_2,
	"2D43": charmap.ISO8859_3,
	"2D44": charmap.ISO8859_4,
	"2D4C": charmap.ISO8859_5,
	"2D47": charmap.ISO8859_6,
	"2D46": charmap.ISO8859_7,
	"2D48": charmap.ISO8859_8,
	"2D4D": charmap.ISO8859_9,
}

var multiByteSets = map[string]designation{
	"2442":   {enc: japanese.EUCJP, sevenBit: true},
	"242842": {enc: japanese.EUCJP, sevenBit: true},
	"242844": {enc: japanese.EUCJP, sevenBit: true, prefix: 0x8F},
	"2441":   {enc: simplifiedchinese.GBK, sevenBit: true},
	"242943": {enc: korean.EUCKR, sevenBit: true},
}

// unescape appends src to dst with its escape sequences decoded.
func unescape(dst, src []byte, c *codec) []byte {
	esc := c.Escape
	if esc == 0 {
		return append(dst, src...)
	}
	var mode *designation
	literal := func(run []byte) {
		if mode == nil || len(run) == 0 {
			dst = append(dst, run...)
			return
		}
		dst = appendDesignated(dst, run, mode)
	}
	for len(src) > 0 {
		i := bytes.IndexByte(src, esc)
		if i < 0 {
			literal(src)
			break
		}
		literal(src[:i])
		rest := src[i+1:]
		j := bytes.IndexByte(rest, esc)
		if j < 0 {
			// An escape character with no closing one is data.
			dst = append(dst, src[i:]...)
			break
		}
		seq := rest[:j]
		whole := src[i : i+j+2]
		src = rest[j+1:]
		if len(seq) == 0 {
			dst = append(dst, whole...)
			continue
		}
		switch seq[0] {
		case 'F', 'S', 'T', 'R', 'E', 'P':
			if len(seq) == 1 {
				if ch := c.delimiterFor(seq[0]); ch != 0 {
					dst = append(dst, ch)
					continue
				}
			}
		case 'X':
			if raw, ok := decodeHex(seq[1:]); ok {
				dst = appendHexText(dst, raw, c)
				continue
			}
		case 'H', 'N':
			if len(seq) == 1 {
				continue
			}
		case '.':
			if out, ok := formatting(dst, seq[1:]); ok {
				dst = out
				continue
			}
		case 'C':
			if enc, ok := singleByteSets[string(seq[1:])]; ok {
				mode = &designation{enc: enc}
				continue
			}
			if s := string(seq[1:]); s == "2842" || s == "284A" {
				mode = nil
				continue
			}
		case 'M':
			if d, ok := multiByteSets[string(seq[1:])]; ok {
				mode = &d
				continue
			}
		}
		// Unknown or locally defined (\Z..\): keep it as it is.
		dst = append(dst, whole...)
	}
	return dst
}

// delimiterFor returns the character a one-letter delimiter escape stands for.
func (c *codec) delimiterFor(letter byte) byte {
	switch letter {
	case 'F':
		return c.Field
	case 'S':
		return c.Component
	case 'T':
		return c.Subcomponent
	case 'R':
		return c.Repetition
	case 'E':
		return c.Escape
	case 'P':
		return c.Truncation
	}
	return 0
}

// formatting decodes a formatting command (the text after the dot) into its
// plain-text form. It reports false for commands kept as they are.
func formatting(dst, cmd []byte) ([]byte, bool) {
	name, arg, _ := bytes.Cut(cmd, []byte{' '})
	if len(name) > 2 {
		// "\.sp2\" and "\.sp+2\" are written without the space too.
		arg = append(append([]byte(nil), name[2:]...), arg...)
		name = name[:2]
	}
	n := 1
	if a := bytes.TrimPrefix(bytes.TrimSpace(arg), []byte{'+'}); len(a) > 0 {
		v, err := strconv.Atoi(string(a))
		if err != nil || v < 0 || v > 1000 {
			return dst, false
		}
		n = v
	}
	switch string(name) {
	case "br":
		if len(arg) != 0 {
			return dst, false
		}
		return append(dst, '\n'), true
	case "sp":
		for range n {
			dst = append(dst, '\n')
		}
		return dst, true
	case "sk":
		for range n {
			dst = append(dst, ' ')
		}
		return dst, true
	case "ce":
		if len(arg) != 0 {
			return dst, false
		}
		return append(dst, '\n'), true
	}
	return dst, false
}

// decodeHex decodes the digits of a \X..\ escape; it needs an even,
// non-zero count of hexadecimal digits.
func decodeHex(h []byte) ([]byte, bool) {
	if len(h) == 0 || len(h)%2 != 0 {
		return nil, false
	}
	out := make([]byte, len(h)/2)
	for i := range out {
		hi, ok1 := hexDigit(h[2*i])
		lo, ok2 := hexDigit(h[2*i+1])
		if !ok1 || !ok2 {
			return nil, false
		}
		out[i] = hi<<4 | lo
	}
	return out, true
}

func hexDigit(c byte) (byte, bool) {
	switch {
	case c >= '0' && c <= '9':
		return c - '0', true
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10, true
	case c >= 'A' && c <= 'F':
		return c - 'A' + 10, true
	}
	return 0, false
}

// appendHexText appends the text of bytes given in a \X..\ escape. They are
// in the message's character set; without one they are taken as UTF-8 when
// valid and as ISO 8859-1 otherwise.
func appendHexText(dst, raw []byte, c *codec) []byte {
	if isASCII(raw) {
		return append(dst, raw...)
	}
	if c.cs != nil {
		if out, err := c.cs.enc.NewDecoder().Bytes(raw); err == nil {
			return append(dst, out...)
		}
	}
	if utf8.Valid(raw) {
		return append(dst, raw...)
	}
	for _, b := range raw {
		dst = utf8.AppendRune(dst, rune(b))
	}
	return dst
}

// appendDesignated decodes a run of text written in a character set chosen by
// a \C..\ or \M..\ escape.
func appendDesignated(dst, run []byte, d *designation) []byte {
	if !d.sevenBit {
		if isASCII(run) || utf8.Valid(run) {
			return append(dst, run...)
		}
		out, err := d.enc.NewDecoder().Bytes(run)
		if err != nil {
			return append(dst, run...)
		}
		return append(dst, out...)
	}
	euc := make([]byte, 0, len(run)+len(run)/2)
	for i := 0; i+1 < len(run); i += 2 {
		if d.prefix != 0 {
			euc = append(euc, d.prefix)
		}
		euc = append(euc, run[i]|0x80, run[i+1]|0x80)
	}
	out, err := d.enc.NewDecoder().Bytes(euc)
	if err != nil || len(run)%2 != 0 {
		return append(dst, run...)
	}
	return append(dst, out...)
}

// Escape returns s with every character that has a meaning in a message
// using delimiters d written as an escape sequence, ready to be placed in a
// field. CR and LF become \X0D\ and \X0A\.
func Escape(s string, d Delimiters) string {
	return string(d.appendEscaped(nil, []byte(s)))
}

// Unescape returns s with its escape sequences decoded, as Value.String does.
func Unescape(s string, d Delimiters) string {
	c := codec{Delimiters: d}
	return string(unescape(nil, []byte(s), &c))
}

// appendEscaped appends src to dst with delimiters and line breaks escaped.
func (d *Delimiters) appendEscaped(dst, src []byte) []byte {
	if d.Escape == 0 {
		return append(dst, src...)
	}
	for _, ch := range src {
		var letter byte
		switch {
		case ch == d.Escape:
			letter = 'E'
		case ch == d.Field:
			letter = 'F'
		case ch == d.Component && ch != 0:
			letter = 'S'
		case ch == d.Subcomponent && ch != 0:
			letter = 'T'
		case ch == d.Repetition && ch != 0:
			letter = 'R'
		case ch == d.Truncation && ch != 0:
			letter = 'P'
		case ch == '\r':
			dst = append(dst, d.Escape, 'X', '0', 'D', d.Escape)
			continue
		case ch == '\n':
			dst = append(dst, d.Escape, 'X', '0', 'A', d.Escape)
			continue
		default:
			dst = append(dst, ch)
			continue
		}
		dst = append(dst, d.Escape, letter, d.Escape)
	}
	return dst
}
