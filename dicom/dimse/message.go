package dimse

import (
	"encoding/binary"
	"fmt"

	"github.com/plexus-health/plexus/dicom"
)

// Command fields (PS3.7 E.1).
const (
	CStoreRQ  = 0x0001
	CStoreRSP = 0x8001
	CFindRQ   = 0x0020
	CFindRSP  = 0x8020
	CEchoRQ   = 0x0030
	CEchoRSP  = 0x8030
	CCancelRQ = 0x0FFF
)

// Command set elements (PS3.7 E.1); group 0000 is not in the data
// dictionary, which covers data sets only.
const (
	tagCommandGroupLength        = dicom.Tag(0x00000000)
	tagAffectedSOPClassUID       = dicom.Tag(0x00000002)
	tagCommandField              = dicom.Tag(0x00000100)
	tagMessageID                 = dicom.Tag(0x00000110)
	tagMessageIDBeingRespondedTo = dicom.Tag(0x00000120)
	tagPriority                  = dicom.Tag(0x00000700)
	tagCommandDataSetType        = dicom.Tag(0x00000800)
	tagStatus                    = dicom.Tag(0x00000900)
	tagErrorComment              = dicom.Tag(0x00000902)
	tagAffectedSOPInstanceUID    = dicom.Tag(0x00001000)
	tagMoveOriginatorAE          = dicom.Tag(0x00001030)
	tagMoveOriginatorMessageID   = dicom.Tag(0x00001031)
	noDataSet                    = 0x0101
)

// Status codes used by the services here (PS3.7 C, PS3.4 B and C).
const (
	StatusSuccess              = 0x0000
	StatusPending              = 0xFF00
	StatusCancel               = 0xFE00
	StatusOutOfResources       = 0xA700
	StatusDataSetMismatch      = 0xA900
	StatusCannotUnderstand     = 0xC000
	StatusProcessingFailure    = 0x0110
	StatusNoSuchSOPClass       = 0x0118
	StatusSOPClassNotSupported = 0x0122
	StatusUnrecognizedOp       = 0x0211
	StatusIdentifierMismatch   = 0xA900
	StatusUnableToProcessFind  = 0xC001
)

// Command is a DIMSE command set. Values of group 0000 are always little
// endian.
type Command struct {
	Field            uint16
	MessageID        uint16
	RespondingTo     uint16
	SOPClassUID      string
	SOPInstanceUID   string
	Priority         uint16
	HasDataSet       bool
	Status           uint16
	ErrorComment     string
	MoveOriginatorAE string
}

// encode returns the command set in implicit VR little endian, with its
// group length first.
func (c *Command) encode() []byte {
	ds := &dicom.Dataset{}
	str := func(t dicom.Tag, vr, s string, pad byte) {
		b := []byte(s)
		if len(b)%2 == 1 {
			b = append(b, pad)
		}
		ds.Set(&dicom.Element{Tag: t, VR: vr, Value: b})
	}
	u16 := func(t dicom.Tag, v uint16) {
		ds.Set(&dicom.Element{Tag: t, VR: "US", Value: binary.LittleEndian.AppendUint16(nil, v)})
	}
	if c.SOPClassUID != "" {
		str(tagAffectedSOPClassUID, "UI", c.SOPClassUID, 0)
	}
	u16(tagCommandField, c.Field)
	if c.Field&0x8000 == 0 {
		u16(tagMessageID, c.MessageID)
		if c.Field != CCancelRQ && c.Field != CEchoRQ {
			u16(tagPriority, c.Priority)
		}
	} else {
		u16(tagMessageIDBeingRespondedTo, c.RespondingTo)
	}
	if c.HasDataSet {
		u16(tagCommandDataSetType, 0x0000)
	} else {
		u16(tagCommandDataSetType, noDataSet)
	}
	if c.Field&0x8000 != 0 {
		u16(tagStatus, c.Status)
		if c.ErrorComment != "" {
			msg := c.ErrorComment
			if len(msg) > 64 {
				msg = msg[:64]
			}
			str(tagErrorComment, "LO", msg, ' ')
		}
	}
	if c.SOPInstanceUID != "" {
		str(tagAffectedSOPInstanceUID, "UI", c.SOPInstanceUID, 0)
	}
	if c.MoveOriginatorAE != "" {
		str(tagMoveOriginatorAE, "AE", c.MoveOriginatorAE, ' ')
	}
	implicit := dicom.TransferSyntax{UID: dicom.ImplicitVRLittleEndian, Implicit: true}
	body, _ := dicom.AppendDataset(nil, ds, implicit)
	gl := &dicom.Dataset{}
	gl.SetUint32(tagCommandGroupLength, uint32(len(body)))
	out, _ := dicom.AppendDataset(nil, gl, implicit)
	return append(out, body...)
}

// parseCommand decodes a command set.
func parseCommand(b []byte) (*Command, error) {
	ds, err := dicom.ParseDataset(b, dicom.TransferSyntax{UID: dicom.ImplicitVRLittleEndian, Implicit: true}, nil)
	if err != nil {
		return nil, fmt.Errorf("dimse: command set: %w", err)
	}
	u16 := func(t dicom.Tag) (uint16, bool) {
		e := ds.Find(t)
		if e == nil || len(e.Value) < 2 {
			return 0, false
		}
		return binary.LittleEndian.Uint16(e.Value), true
	}
	c := &Command{
		SOPClassUID:      ds.String(tagAffectedSOPClassUID),
		SOPInstanceUID:   ds.String(tagAffectedSOPInstanceUID),
		ErrorComment:     ds.String(tagErrorComment),
		MoveOriginatorAE: ds.String(tagMoveOriginatorAE),
	}
	var ok bool
	if c.Field, ok = u16(tagCommandField); !ok {
		return nil, fmt.Errorf("dimse: command set without a command field")
	}
	c.MessageID, _ = u16(tagMessageID)
	c.RespondingTo, _ = u16(tagMessageIDBeingRespondedTo)
	c.Priority, _ = u16(tagPriority)
	c.Status, _ = u16(tagStatus)
	dst, ok := u16(tagCommandDataSetType)
	if !ok {
		return nil, fmt.Errorf("dimse: command set without a data set type")
	}
	c.HasDataSet = dst != noDataSet
	return c, nil
}

// Message is one DIMSE message: a command and, when the command says so,
// its data set in the transfer syntax of the presentation context.
type Message struct {
	ContextID byte
	Command   *Command
	Data      []byte
	// Sunk is set when the data set went to a writer instead of Data, and
	// SinkErr is that writer's first error.
	Sunk    bool
	SinkErr error
}
