package dimse

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"strings"
)

// PDU types (PS3.8 9.3).
const (
	typeAssociateRQ = 0x01
	typeAssociateAC = 0x02
	typeAssociateRJ = 0x03
	typePDataTF     = 0x04
	typeReleaseRQ   = 0x05
	typeReleaseRP   = 0x06
	typeAbort       = 0x07
)

// Item types inside association PDUs.
const (
	itemApplicationContext = 0x10
	itemPresentationRQ     = 0x20
	itemPresentationAC     = 0x21
	itemAbstractSyntax     = 0x30
	itemTransferSyntax     = 0x40
	itemUserInformation    = 0x50
	itemMaxLength          = 0x51
	itemImplementationUID  = 0x52
	itemImplementationName = 0x55
)

// ApplicationContext is the one DICOM application context name.
const ApplicationContext = "1.2.840.10008.3.1.1.1"

// maxAssociatePDU bounds association PDUs, which carry only names and UIDs.
const maxAssociatePDU = 1 << 20

// ErrPDU is wrapped by every error about a malformed PDU.
var ErrPDU = errors.New("dimse: malformed PDU")

func pduErr(format string, a ...any) error {
	return fmt.Errorf("%w: %s", ErrPDU, fmt.Sprintf(format, a...))
}

// PresentationContext is one presentation context of an association:
// proposed (with one or more transfer syntaxes) or answered (with a result
// and, when accepted, one transfer syntax).
type PresentationContext struct {
	ID               byte
	AbstractSyntax   string   // empty in an A-ASSOCIATE-AC
	TransferSyntaxes []string // proposed, or the one accepted
	Result           byte     // in an A-ASSOCIATE-AC; 0 is acceptance
}

// Presentation context results (PS3.8 9.3.3.2).
const (
	ResultAcceptance                   = 0
	ResultUserRejection                = 1
	ResultNoReason                     = 2
	ResultAbstractSyntaxNotSupported   = 3
	ResultTransferSyntaxesNotSupported = 4
)

// Associate is an A-ASSOCIATE-RQ or A-ASSOCIATE-AC.
type Associate struct {
	Accept                 bool // an A-ASSOCIATE-AC
	ProtocolVersion        uint16
	CalledAE, CallingAE    string
	ApplicationContext     string
	Contexts               []PresentationContext
	MaxPDULength           uint32 // 0 means no limit
	ImplementationClassUID string
	ImplementationVersion  string
}

// AssociateRJ is an A-ASSOCIATE-RJ.
type AssociateRJ struct {
	Result, Source, Reason byte
}

// Rejection reasons given by the service user (source 1).
const (
	RejectNoReason   = 1
	RejectAppContext = 2
	RejectCallingAE  = 3
	RejectCalledAE   = 7
)

func (r *AssociateRJ) Error() string {
	what := map[byte]string{1: "no reason given", 2: "application context not supported", 3: "calling AE title not recognized", 7: "called AE title not recognized"}[r.Reason]
	if r.Source != 1 || what == "" {
		what = fmt.Sprintf("source %d reason %d", r.Source, r.Reason)
	}
	kind := "permanently"
	if r.Result == 2 {
		kind = "transiently"
	}
	return fmt.Sprintf("dimse: association rejected %s: %s", kind, what)
}

// PDV is one presentation data value: a fragment of a command or data set.
type PDV struct {
	ContextID byte
	Command   bool // a fragment of the command set, else of the data set
	Last      bool // the last fragment of its command or data set
	Data      []byte
}

// PData is a P-DATA-TF PDU.
type PData struct{ Items []PDV }

// ReleaseRQ is an A-RELEASE-RQ.
type ReleaseRQ struct{}

// ReleaseRP is an A-RELEASE-RP.
type ReleaseRP struct{}

// Abort is an A-ABORT.
type Abort struct{ Source, Reason byte }

func (a *Abort) Error() string {
	return fmt.Sprintf("dimse: association aborted (source %d, reason %d)", a.Source, a.Reason)
}

// ReadPDU reads one PDU. A P-DATA-TF longer than maxLength (0: no limit)
// and an association PDU longer than 1 MiB are refused before their body is
// read.
func ReadPDU(r io.Reader, maxLength uint32) (any, error) {
	var h [6]byte
	if _, err := io.ReadFull(r, h[:]); err != nil {
		return nil, err
	}
	typ := h[0]
	n := binary.BigEndian.Uint32(h[2:])
	limit := uint32(maxAssociatePDU)
	if typ == typePDataTF && maxLength != 0 {
		// Some peers count the maximum as the PDV length rather than the
		// PDU's; allow for one PDV header.
		limit = maxLength + 6
	} else if typ == typePDataTF {
		limit = 1 << 30
	}
	if typ < typeAssociateRQ || typ > typeAbort {
		return nil, pduErr("unknown PDU type 0x%02X", typ)
	}
	if n > limit {
		return nil, pduErr("PDU type 0x%02X of %d bytes exceeds the limit of %d", typ, n, limit)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return ParsePDU(typ, body)
}

// ParsePDU decodes the body of a PDU of the type.
func ParsePDU(typ byte, body []byte) (any, error) {
	switch typ {
	case typeAssociateRQ, typeAssociateAC:
		return parseAssociate(typ == typeAssociateAC, body)
	case typeAssociateRJ:
		if len(body) != 4 {
			return nil, pduErr("A-ASSOCIATE-RJ of %d bytes, want 4", len(body))
		}
		return &AssociateRJ{Result: body[1], Source: body[2], Reason: body[3]}, nil
	case typePDataTF:
		return parsePData(body)
	case typeReleaseRQ, typeReleaseRP:
		if len(body) != 4 {
			return nil, pduErr("release PDU of %d bytes, want 4", len(body))
		}
		if typ == typeReleaseRQ {
			return &ReleaseRQ{}, nil
		}
		return &ReleaseRP{}, nil
	case typeAbort:
		if len(body) != 4 {
			return nil, pduErr("A-ABORT of %d bytes, want 4", len(body))
		}
		return &Abort{Source: body[2], Reason: body[3]}, nil
	}
	return nil, pduErr("unknown PDU type 0x%02X", typ)
}

func parsePData(body []byte) (*PData, error) {
	p := &PData{}
	for len(body) > 0 {
		if len(body) < 6 {
			return nil, pduErr("P-DATA item header of %d bytes", len(body))
		}
		n := binary.BigEndian.Uint32(body)
		if n < 2 || uint64(n) > uint64(len(body)-4) {
			return nil, pduErr("P-DATA item length %d with %d bytes left", n, len(body)-4)
		}
		mch := body[5]
		p.Items = append(p.Items, PDV{ContextID: body[4], Command: mch&1 != 0, Last: mch&2 != 0, Data: body[6 : 4+n : 4+n]})
		body = body[4+n:]
	}
	if len(p.Items) == 0 {
		return nil, pduErr("P-DATA-TF without presentation data values")
	}
	return p, nil
}

// items splits a sequence of items (type, reserved, 2-byte length, value).
func items(b []byte, fn func(typ byte, v []byte) error) error {
	for len(b) > 0 {
		if len(b) < 4 {
			return pduErr("item header of %d bytes", len(b))
		}
		n := int(binary.BigEndian.Uint16(b[2:]))
		if n > len(b)-4 {
			return pduErr("item 0x%02X of %d bytes with %d left", b[0], n, len(b)-4)
		}
		if err := fn(b[0], b[4:4+n]); err != nil {
			return err
		}
		b = b[4+n:]
	}
	return nil
}

func uid(b []byte) string { return strings.TrimRight(string(b), "\x00 ") }

func parseAssociate(accept bool, body []byte) (*Associate, error) {
	if len(body) < 68 {
		return nil, pduErr("association PDU of %d bytes, want at least 68", len(body))
	}
	a := &Associate{
		Accept:          accept,
		ProtocolVersion: binary.BigEndian.Uint16(body),
		CalledAE:        strings.TrimSpace(string(body[4:20])),
		CallingAE:       strings.TrimSpace(string(body[20:36])),
	}
	err := items(body[68:], func(typ byte, v []byte) error {
		switch typ {
		case itemApplicationContext:
			a.ApplicationContext = uid(v)
		case itemPresentationRQ, itemPresentationAC:
			if (typ == itemPresentationAC) != accept {
				return pduErr("presentation context item 0x%02X in the wrong PDU", typ)
			}
			if len(v) < 4 {
				return pduErr("presentation context item of %d bytes", len(v))
			}
			pc := PresentationContext{ID: v[0]}
			if accept {
				pc.Result = v[2] // reserved in a request
			}
			err := items(v[4:], func(st byte, sv []byte) error {
				switch st {
				case itemAbstractSyntax:
					pc.AbstractSyntax = uid(sv)
				case itemTransferSyntax:
					pc.TransferSyntaxes = append(pc.TransferSyntaxes, uid(sv))
				default:
					return pduErr("unexpected sub-item 0x%02X in a presentation context", st)
				}
				return nil
			})
			if err != nil {
				return err
			}
			a.Contexts = append(a.Contexts, pc)
		case itemUserInformation:
			return items(v, func(st byte, sv []byte) error {
				switch st {
				case itemMaxLength:
					if len(sv) != 4 {
						return pduErr("maximum length sub-item of %d bytes", len(sv))
					}
					a.MaxPDULength = binary.BigEndian.Uint32(sv)
				case itemImplementationUID:
					a.ImplementationClassUID = uid(sv)
				case itemImplementationName:
					a.ImplementationVersion = strings.TrimSpace(string(sv))
				}
				return nil // other negotiation sub-items are not used
			})
		default:
			return pduErr("unexpected item 0x%02X in an association PDU", typ)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return a, nil
}

func appendHeader(b []byte, typ byte) ([]byte, int) {
	b = append(b, typ, 0, 0, 0, 0, 0)
	return b, len(b)
}

func finish(b []byte, start int) []byte {
	binary.BigEndian.PutUint32(b[start-4:], uint32(len(b)-start))
	return b
}

func appendItem(b []byte, typ byte, v []byte) []byte {
	b = append(b, typ, 0)
	b = binary.BigEndian.AppendUint16(b, uint16(len(v)))
	return append(b, v...)
}

func aeField(s string) []byte {
	f := []byte("                ")
	copy(f, s)
	return f
}

// AppendPDU appends the encoding of a PDU value returned by ReadPDU.
func AppendPDU(b []byte, pdu any) ([]byte, error) {
	switch p := pdu.(type) {
	case *Associate:
		typ := byte(typeAssociateRQ)
		if p.Accept {
			typ = typeAssociateAC
		}
		for _, s := range []string{p.CalledAE, p.CallingAE} {
			if len(s) > 16 {
				return nil, fmt.Errorf("dimse: AE title %q longer than 16 characters", s)
			}
		}
		b, start := appendHeader(b, typ)
		b = binary.BigEndian.AppendUint16(b, p.ProtocolVersion)
		b = append(b, 0, 0)
		b = append(b, aeField(p.CalledAE)...)
		b = append(b, aeField(p.CallingAE)...)
		b = append(b, make([]byte, 32)...)
		b = appendItem(b, itemApplicationContext, []byte(p.ApplicationContext))
		for _, pc := range p.Contexts {
			v := []byte{pc.ID, 0, pc.Result, 0}
			it := byte(itemPresentationAC)
			if !p.Accept {
				it = itemPresentationRQ
				v[2] = 0
				v = appendItem(v, itemAbstractSyntax, []byte(pc.AbstractSyntax))
			}
			for _, ts := range pc.TransferSyntaxes {
				v = appendItem(v, itemTransferSyntax, []byte(ts))
			}
			if len(v) > 0xFFFF {
				return nil, errors.New("dimse: presentation context too long")
			}
			b = appendItem(b, it, v)
		}
		var u []byte
		u = appendItem(u, itemMaxLength, binary.BigEndian.AppendUint32(nil, p.MaxPDULength))
		if p.ImplementationClassUID != "" {
			u = appendItem(u, itemImplementationUID, []byte(p.ImplementationClassUID))
		}
		if p.ImplementationVersion != "" {
			u = appendItem(u, itemImplementationName, []byte(p.ImplementationVersion))
		}
		b = appendItem(b, itemUserInformation, u)
		return finish(b, start), nil
	case *AssociateRJ:
		return append(b, typeAssociateRJ, 0, 0, 0, 0, 4, 0, p.Result, p.Source, p.Reason), nil
	case *PData:
		b, start := appendHeader(b, typePDataTF)
		for _, it := range p.Items {
			b = binary.BigEndian.AppendUint32(b, uint32(len(it.Data)+2))
			var mch byte
			if it.Command {
				mch |= 1
			}
			if it.Last {
				mch |= 2
			}
			b = append(b, it.ContextID, mch)
			b = append(b, it.Data...)
		}
		return finish(b, start), nil
	case *ReleaseRQ:
		return append(b, typeReleaseRQ, 0, 0, 0, 0, 4, 0, 0, 0, 0), nil
	case *ReleaseRP:
		return append(b, typeReleaseRP, 0, 0, 0, 0, 4, 0, 0, 0, 0), nil
	case *Abort:
		return append(b, typeAbort, 0, 0, 0, 0, 4, 0, 0, p.Source, p.Reason), nil
	}
	return nil, fmt.Errorf("dimse: cannot encode %T", pdu)
}
