package dicom

import "strings"

// Transfer syntax UIDs this package reads and writes natively.
const (
	ImplicitVRLittleEndian         = "1.2.840.10008.1.2"
	ExplicitVRLittleEndian         = "1.2.840.10008.1.2.1"
	DeflatedExplicitVRLittleEndian = "1.2.840.10008.1.2.1.99"
	ExplicitVRBigEndian            = "1.2.840.10008.1.2.2"
)

// TransferSyntax says how a data set is encoded.
type TransferSyntax struct {
	UID          string
	Implicit     bool // implicit VR (the VR comes from the dictionary)
	BigEndian    bool
	Deflated     bool // the data set is compressed with deflate (RFC 1951)
	Encapsulated bool // pixel data is in fragments (JPEG, RLE, ...)
}

// LookupTransferSyntax returns the encoding of a transfer syntax UID. Every
// compressed syntax (1.2.840.10008.1.2.4.*, 1.2.840.10008.1.2.5 RLE and
// the other 1.2.840.10008.1.2.x syntaxes) is explicit VR little endian with
// encapsulated pixel data; other UIDs are unknown and give false.
func LookupTransferSyntax(uid string) (TransferSyntax, bool) {
	uid = strings.TrimRight(uid, "\x00 ")
	switch uid {
	case ImplicitVRLittleEndian:
		return TransferSyntax{UID: uid, Implicit: true}, true
	case ExplicitVRLittleEndian:
		return TransferSyntax{UID: uid}, true
	case DeflatedExplicitVRLittleEndian:
		return TransferSyntax{UID: uid, Deflated: true}, true
	case ExplicitVRBigEndian:
		return TransferSyntax{UID: uid, BigEndian: true}, true
	}
	if strings.HasPrefix(uid, "1.2.840.10008.1.2.") && validUID(uid) {
		return TransferSyntax{UID: uid, Encapsulated: true}, true
	}
	return TransferSyntax{}, false
}

// ValidUID reports whether s is a well-formed UID: 1 to 64 characters of
// digits and dots, components not empty and without leading zeros.
func ValidUID(s string) bool { return validUID(s) }

func validUID(s string) bool {
	if len(s) == 0 || len(s) > 64 {
		return false
	}
	start := 0
	for i := 0; i <= len(s); i++ {
		if i == len(s) || s[i] == '.' {
			comp := s[start:i]
			if len(comp) == 0 || (len(comp) > 1 && comp[0] == '0') {
				return false
			}
			start = i + 1
			continue
		}
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
