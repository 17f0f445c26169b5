// Package hl7v2 reads, edits and writes HL7 version 2 messages in their
// traditional pipe-and-hat (ER7) encoding, versions 2.1 to 2.8.
//
// Parsing indexes the delimiters of a message once over its raw bytes and
// keeps a reference to them: a field, repetition, component or subcomponent
// is a Value, a small view into those bytes, so reading a message costs no
// allocation per field. Escape sequences are decoded only when a value is
// turned into text (Value.String), and encoded again when a value is set.
//
// Encoding characters are taken from MSH-1 and MSH-2 of each message, never
// assumed. Segments may end in CR, LF or CRLF; the terminator of each
// segment is remembered so that encoding an unmodified message gives back
// the bytes it was parsed from. MSH-18 names the character set; messages in
// a single-byte or legacy multi-byte set are decoded to UTF-8 on parse and
// encoded back on write.
//
// Fields are addressed by terser-style paths such as "PID-3(2).1",
// "OBX(3)-5" or "PID-5.1.1"; see ParsePath.
//
// The package never panics on input: every malformed message gives an
// *Error naming the segment, field and byte position.
package hl7v2
