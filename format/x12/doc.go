// Package x12 reads, checks, acknowledges and writes ASC X12 interchanges,
// the format of HIPAA 5010 claims (837P/837I/837D), remittances (835),
// eligibility (270/271), claim status (276/277), authorizations (278),
// enrollment (834) and their acknowledgments (999, TA1).
//
// The separators are read from each ISA segment, never assumed: the element
// separator is the byte after "ISA", the component separator is ISA16, the
// segment terminator the byte after it, and, from version 00501 on, ISA11
// is the repetition separator. Line breaks after a terminator are tolerated
// and remembered, so that an unmodified interchange encodes back to the
// bytes it was read from. X12 has no escape sequences: a value is its bytes.
//
// Reading is a stream. A Reader yields one Segment at a time from any
// io.Reader, keeping only the segment at hand, so files of hundreds of
// thousands of claims are read in bounded memory; a Checker fed those
// segments validates the envelopes (ISA/IEA, GS/GE, ST/SE control numbers
// and counts, the ISA fixed widths, duplicate interchange control numbers
// per partner, the test/production flag) as they pass and keeps only the
// verdicts, from which Acknowledge writes the TA1 and 999 answers.
//
// Inside a transaction set the loops and hierarchical levels of the 5010
// implementation guides are identified from their tables (ig/*.ig, read by
// ig.go), so that values are addressed by loop and segment, as in
// "2010BA/NM1-09", and 837 claims can be split at loop 2300 (SplitClaims).
// The same tables drive the Checker's validation of each set against its
// guide: segment order, repeats and required positions, and each element's
// usage, type, length, codes and syntax notes, reported as 999 IK3/IK4
// errors (Config.SyntaxOnly turns it off).
//
// The package never panics on input: malformed input gives an *Error naming
// the segment position, loop, segment and element.
package x12
