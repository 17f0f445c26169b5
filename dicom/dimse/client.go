package dimse

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/plexus-health/plexus/dicom"
)

// Well-known SOP classes.
const (
	VerificationSOPClass  = "1.2.840.10008.1.1"
	PatientRootFind       = "1.2.840.10008.5.1.4.1.2.1.1"
	StudyRootFind         = "1.2.840.10008.5.1.4.1.2.2.1"
	storageSOPClassPrefix = "1.2.840.10008.5.1.4.1.1."
)

// Config describes the requesting side of an association.
type Config struct {
	CallingAE string // our AE title
	CalledAE  string // the peer's AE title
	// MaxPDULength is the largest PDU we accept; 0 means DefaultMaxPDULength.
	MaxPDULength uint32
	// Timeout bounds connecting, negotiating and each exchange;
	// 0 means DefaultARTIM.
	Timeout time.Duration
}

// Proposal is one abstract syntax and the transfer syntaxes proposed for it.
type Proposal struct {
	AbstractSyntax   string
	TransferSyntaxes []string
}

// StatusError is a DIMSE response with a failure or warning status.
type StatusError struct {
	Status  uint16
	Comment string
}

func (e *StatusError) Error() string {
	if e.Comment != "" {
		return fmt.Sprintf("dimse: status 0x%04X: %s", e.Status, e.Comment)
	}
	return fmt.Sprintf("dimse: status 0x%04X", e.Status)
}

// Dial connects to addr and negotiates an association proposing one
// presentation context per proposal.
func Dial(ctx context.Context, addr string, cfg Config, proposals []Proposal) (*Association, error) {
	if len(proposals) == 0 || len(proposals) > 128 {
		return nil, fmt.Errorf("dimse: %d presentation contexts proposed, want 1 to 128", len(proposals))
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = DefaultARTIM
	}
	if cfg.MaxPDULength == 0 {
		cfg.MaxPDULength = DefaultMaxPDULength
	}
	d := net.Dialer{Timeout: cfg.Timeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, err
	}
	a := newAssociation(conn, cfg.MaxPDULength, cfg.Timeout)
	a.CalledAE, a.CallingAE = cfg.CalledAE, cfg.CallingAE
	rq := &Associate{
		ProtocolVersion:        1,
		CalledAE:               cfg.CalledAE,
		CallingAE:              cfg.CallingAE,
		ApplicationContext:     ApplicationContext,
		MaxPDULength:           cfg.MaxPDULength,
		ImplementationClassUID: dicom.ImplementationClassUID,
		ImplementationVersion:  dicom.ImplementationVersionName,
	}
	for i, p := range proposals {
		rq.Contexts = append(rq.Contexts, PresentationContext{ID: byte(2*i + 1), AbstractSyntax: p.AbstractSyntax, TransferSyntaxes: p.TransferSyntaxes})
	}
	stop := a.watch(ctx, cfg.Timeout)
	defer stop()
	if err := a.writePDU(rq); err != nil {
		conn.Close()
		return nil, err
	}
	pdu, err := ReadPDU(a.br, maxAssociatePDU)
	if err != nil {
		conn.Close()
		return nil, fmt.Errorf("dimse: waiting for the association answer: %w", err)
	}
	switch p := pdu.(type) {
	case *AssociateRJ:
		conn.Close()
		return nil, p
	case *Abort:
		conn.Close()
		return nil, p
	case *Associate:
		if !p.Accept {
			a.abort(0, 0)
			return nil, fmt.Errorf("%w: association request where an answer was expected", ErrPDU)
		}
		a.maxSend = p.MaxPDULength
		for _, pc := range p.Contexts {
			if pc.Result != ResultAcceptance || len(pc.TransferSyntaxes) != 1 || pc.ID%2 == 0 || int(pc.ID/2) >= len(proposals) {
				continue
			}
			ts, ok := dicom.LookupTransferSyntax(pc.TransferSyntaxes[0])
			if !ok {
				continue
			}
			a.contexts[pc.ID] = &Context{ID: pc.ID, AbstractSyntax: proposals[pc.ID/2].AbstractSyntax, TransferSyntax: ts}
		}
		if len(a.contexts) == 0 {
			a.abort(0, 0)
			return nil, errors.New("dimse: the peer accepted none of the proposed presentation contexts")
		}
		return a, nil
	}
	a.abort(0, 0)
	return nil, fmt.Errorf("%w: unexpected %T where an association answer was expected", ErrPDU, pdu)
}

// context returns an accepted context for the abstract syntax, in the
// transfer syntax when ts is not empty.
func (a *Association) context(abstract, ts string) (*Context, bool) {
	for _, c := range a.Contexts() {
		if c.AbstractSyntax == abstract && (ts == "" || c.TransferSyntax.UID == ts) {
			return c, true
		}
	}
	return nil, false
}

func (a *Association) messageID() uint16 {
	a.nextID++
	if a.nextID == 0 {
		a.nextID = 1
	}
	return a.nextID
}

// request sends a command and reads responses until one is final.
func (a *Association) request(ctx context.Context, pc *Context, cmd *Command, data []byte, pending func(*Message) error) (*Command, error) {
	stop := a.watch(ctx, a.timeout)
	defer stop()
	cmd.MessageID = a.messageID()
	if err := a.writeMessage(pc.ID, cmd, data); err != nil {
		return nil, err
	}
	for {
		a.conn.SetReadDeadline(time.Now().Add(a.timeout))
		if dl, ok := ctx.Deadline(); ok {
			a.conn.SetReadDeadline(dl)
		}
		m, err := a.readMessage()
		if err != nil {
			return nil, err
		}
		if m.Command.Field != cmd.Field|0x8000 || m.Command.RespondingTo != cmd.MessageID {
			a.abort(0, 0)
			return nil, fmt.Errorf("%w: response 0x%04X to message %d, want 0x%04X to %d", ErrPDU, m.Command.Field, m.Command.RespondingTo, cmd.Field|0x8000, cmd.MessageID)
		}
		if m.Command.Status == StatusPending || m.Command.Status == 0xFF01 {
			if pending != nil {
				if err := pending(m); err != nil {
					return nil, err
				}
			}
			continue
		}
		return m.Command, nil
	}
}

// Echo sends a C-ECHO and waits for its success.
func (a *Association) Echo(ctx context.Context) error {
	pc, ok := a.context(VerificationSOPClass, "")
	if !ok {
		return errors.New("dimse: the peer did not accept the Verification SOP class")
	}
	rsp, err := a.request(ctx, pc, &Command{Field: CEchoRQ, SOPClassUID: VerificationSOPClass}, nil, nil)
	if err != nil {
		return err
	}
	if rsp.Status != StatusSuccess {
		return &StatusError{Status: rsp.Status, Comment: rsp.ErrorComment}
	}
	return nil
}

// Store sends a C-STORE of a data set already encoded in transferSyntax
// (for a Part 10 file, the bytes after its meta information). It returns
// the response status: nil for success, a *StatusError for a warning
// (0x0001, 0xB000-0xBFFF) or failure.
func (a *Association) Store(ctx context.Context, sopClass, sopInstance, transferSyntax string, data []byte) error {
	pc, ok := a.context(sopClass, transferSyntax)
	if !ok {
		return fmt.Errorf("dimse: no accepted presentation context for SOP class %s in transfer syntax %s", sopClass, transferSyntax)
	}
	if data == nil {
		data = []byte{}
	}
	rsp, err := a.request(ctx, pc, &Command{Field: CStoreRQ, SOPClassUID: sopClass, SOPInstanceUID: sopInstance}, data, nil)
	if err != nil {
		return err
	}
	if rsp.Status != StatusSuccess {
		return &StatusError{Status: rsp.Status, Comment: rsp.ErrorComment}
	}
	return nil
}

// Find sends a C-FIND with the identifier in the information model
// (PatientRootFind or StudyRootFind) and calls fn with each match.
func (a *Association) Find(ctx context.Context, model string, identifier *dicom.Dataset, fn func(*dicom.Dataset) error) error {
	pc, ok := a.context(model, "")
	if !ok {
		return fmt.Errorf("dimse: the peer did not accept the C-FIND model %s", model)
	}
	if pc.TransferSyntax.Deflated || pc.TransferSyntax.BigEndian != identifier.BigEndian {
		return fmt.Errorf("dimse: cannot send an identifier in %s", pc.TransferSyntax.UID)
	}
	data, err := dicom.AppendDataset(nil, identifier, pc.TransferSyntax)
	if err != nil {
		return err
	}
	rsp, err := a.request(ctx, pc, &Command{Field: CFindRQ, SOPClassUID: model}, data, func(m *Message) error {
		ds, err := dicom.ParseDataset(m.Data, pc.TransferSyntax, nil)
		if err != nil {
			return fmt.Errorf("dimse: C-FIND match: %w", err)
		}
		return fn(ds)
	})
	if err != nil {
		return err
	}
	if rsp.Status != StatusSuccess {
		return &StatusError{Status: rsp.Status, Comment: rsp.ErrorComment}
	}
	return nil
}

// Release releases the association in good order and closes it.
func (a *Association) Release(ctx context.Context) error {
	stop := a.watch(ctx, a.timeout)
	defer stop()
	defer a.conn.Close()
	if err := a.writePDU(&ReleaseRQ{}); err != nil {
		return err
	}
	for {
		pdu, err := ReadPDU(a.br, a.maxRecv)
		if err != nil {
			return fmt.Errorf("dimse: waiting for the release answer: %w", err)
		}
		switch p := pdu.(type) {
		case *ReleaseRP:
			return nil
		case *Abort:
			return p
		case *ReleaseRQ:
			// A release collision (PS3.8 7.2.2): the requestor answers too.
			a.writePDU(&ReleaseRP{})
		}
	}
}
