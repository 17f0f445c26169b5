package dimse

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/plexus-health/plexus/dicom"
	"github.com/plexus-health/plexus/dicom/archive"
)

// Server is a service class provider for Verification (C-ECHO), Storage
// (C-STORE of any storage SOP class) and Query (C-FIND, patient root and
// study root, PATIENT/STUDY/SERIES/IMAGE levels).
type Server struct {
	// AETitle is the called AE title the server answers to.
	AETitle string
	// CallingAEs lists the AE titles allowed to associate; empty allows any.
	CallingAEs []string
	// Archive stores instances and answers queries. Without one, the server
	// answers C-ECHO only.
	Archive *archive.Archive
	// OnStored, when set, is called after an instance is durable and before
	// the C-STORE response; an error fails the C-STORE (status 0xA700), so
	// the sender retries.
	OnStored func(ctx context.Context, inst archive.Instance) error
	// MaxPDULength is the largest PDU the server accepts; 0 means
	// DefaultMaxPDULength.
	MaxPDULength uint32
	// ARTIM bounds the wait for an association request; 0 means
	// DefaultARTIM.
	ARTIM time.Duration
	// IdleTimeout bounds the wait for the next message; 0 means
	// DefaultIdleTimeout.
	IdleTimeout time.Duration
	// Logger receives one record per association and per failure; it never
	// receives patient data. Nil means slog.Default().
	Logger *slog.Logger

	mu     sync.Mutex
	lns    map[net.Listener]bool
	conns  map[net.Conn]bool
	wg     sync.WaitGroup
	ctx    context.Context
	cancel context.CancelFunc
	closed bool
}

// ErrServerClosed is returned by Serve after Close.
var ErrServerClosed = errors.New("dimse: server closed")

func (s *Server) init() {
	if s.lns == nil {
		s.lns = map[net.Listener]bool{}
		s.conns = map[net.Conn]bool{}
		s.ctx, s.cancel = context.WithCancel(context.Background())
	}
}

func (s *Server) logger() *slog.Logger {
	if s.Logger != nil {
		return s.Logger
	}
	return slog.Default()
}

// Serve accepts associations on ln until Close.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	s.init()
	if s.closed {
		s.mu.Unlock()
		ln.Close()
		return ErrServerClosed
	}
	s.lns[ln] = true
	s.mu.Unlock()
	for {
		conn, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed {
				return ErrServerClosed
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			conn.Close()
			return ErrServerClosed
		}
		s.conns[conn] = true
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			s.serveConn(conn)
			s.mu.Lock()
			delete(s.conns, conn)
			s.mu.Unlock()
		}()
	}
}

// Close stops the listeners, closes open associations and waits for their
// handlers to return.
func (s *Server) Close() error {
	s.mu.Lock()
	s.init()
	s.closed = true
	s.cancel()
	for ln := range s.lns {
		ln.Close()
	}
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
	return nil
}

// supported reports whether the server offers the abstract syntax, and the
// transfer syntaxes it accepts for it.
func (s *Server) supported(abstract string) (bool, func(dicom.TransferSyntax) bool) {
	plain := func(ts dicom.TransferSyntax) bool { return !ts.Encapsulated && !ts.Deflated && !ts.BigEndian }
	switch {
	case abstract == VerificationSOPClass:
		return true, plain
	case s.Archive == nil:
		return false, nil
	case abstract == PatientRootFind || abstract == StudyRootFind:
		return true, plain
	case strings.HasPrefix(abstract, storageSOPClassPrefix):
		return true, func(dicom.TransferSyntax) bool { return true }
	}
	return false, nil
}

func (s *Server) serveConn(conn net.Conn) {
	log := s.logger().With("remote", conn.RemoteAddr().String())
	maxLen := s.MaxPDULength
	if maxLen == 0 {
		maxLen = DefaultMaxPDULength
	}
	artim := s.ARTIM
	if artim == 0 {
		artim = DefaultARTIM
	}
	idle := s.IdleTimeout
	if idle == 0 {
		idle = DefaultIdleTimeout
	}
	a := newAssociation(conn, maxLen, idle)
	defer conn.Close()
	conn.SetDeadline(time.Now().Add(artim))
	pdu, err := ReadPDU(a.br, maxAssociatePDU)
	if err != nil {
		if !errors.Is(err, io.EOF) {
			log.Warn("dicom association request unreadable", "error", err)
			a.abort(2, 0)
		}
		return
	}
	rq, ok := pdu.(*Associate)
	if !ok || rq.Accept {
		log.Warn("dicom connection did not start with an association request", "pdu", fmt.Sprintf("%T", pdu))
		a.abort(2, 2)
		return
	}
	log = log.With("calling_ae", rq.CallingAE, "called_ae", rq.CalledAE)
	reject := func(reason byte, why string) {
		log.Warn("dicom association rejected", "reason", why)
		a.writePDU(&AssociateRJ{Result: 1, Source: 1, Reason: reason})
	}
	switch {
	case rq.ApplicationContext != ApplicationContext:
		reject(RejectAppContext, "application context not supported")
		return
	case strings.TrimSpace(rq.CalledAE) != strings.TrimSpace(s.AETitle):
		reject(RejectCalledAE, "called AE title not served here")
		return
	case len(s.CallingAEs) > 0 && !slices.Contains(s.CallingAEs, strings.TrimSpace(rq.CallingAE)):
		reject(RejectCallingAE, "calling AE title not allowed")
		return
	}
	a.CalledAE, a.CallingAE = rq.CalledAE, rq.CallingAE
	a.maxSend = rq.MaxPDULength
	ac := &Associate{
		Accept:                 true,
		ProtocolVersion:        1,
		CalledAE:               rq.CalledAE,
		CallingAE:              rq.CallingAE,
		ApplicationContext:     ApplicationContext,
		MaxPDULength:           maxLen,
		ImplementationClassUID: dicom.ImplementationClassUID,
		ImplementationVersion:  dicom.ImplementationVersionName,
	}
	for _, pc := range rq.Contexts {
		answer := PresentationContext{ID: pc.ID, Result: ResultAbstractSyntaxNotSupported, TransferSyntaxes: []string{dicom.ImplicitVRLittleEndian}}
		if ok, accepts := s.supported(pc.AbstractSyntax); ok && pc.ID%2 == 1 {
			answer.Result = ResultTransferSyntaxesNotSupported
			for _, uid := range pc.TransferSyntaxes {
				if ts, known := dicom.LookupTransferSyntax(uid); known && accepts(ts) {
					answer.Result = ResultAcceptance
					answer.TransferSyntaxes = []string{ts.UID}
					a.contexts[pc.ID] = &Context{ID: pc.ID, AbstractSyntax: pc.AbstractSyntax, TransferSyntax: ts}
					break
				}
			}
		}
		ac.Contexts = append(ac.Contexts, answer)
	}
	if err := a.writePDU(ac); err != nil {
		log.Warn("dicom association answer not sent", "error", err)
		return
	}
	log.Info("dicom association accepted", "contexts", len(a.contexts))
	stored := 0
	// A C-STORE's data set streams into the archive as it arrives.
	var (
		incoming   *archive.Incoming
		receiveErr error
	)
	sink := func(cmd *Command, pc *Context) io.Writer {
		if cmd.Field != CStoreRQ || s.Archive == nil {
			return nil
		}
		if pc.AbstractSyntax != cmd.SOPClassUID {
			return io.Discard // refused once read
		}
		incoming, receiveErr = s.Archive.Receive(strings.TrimSpace(a.CallingAE), cmd.SOPClassUID, cmd.SOPInstanceUID, pc.TransferSyntax)
		if receiveErr != nil {
			return io.Discard
		}
		return incoming
	}
	defer func() {
		if incoming != nil {
			incoming.Abort()
		}
	}()
	for {
		conn.SetDeadline(time.Now().Add(idle))
		if incoming != nil {
			incoming.Abort() // a previous instance that was not committed
		}
		incoming, receiveErr = nil, nil
		m, err := a.readMessageTo(sink)
		if err != nil {
			var ab *Abort
			switch {
			case errors.Is(err, ErrReleased):
				log.Info("dicom association released", "stored", stored)
			case errors.As(err, &ab):
				log.Info("dicom association aborted by peer", "stored", stored)
			case s.ctx.Err() != nil:
				log.Info("dicom association closed by shutdown", "stored", stored)
			default:
				log.Warn("dicom association ended", "error", err, "stored", stored)
				a.abort(2, 0)
			}
			return
		}
		pc := a.contexts[m.ContextID]
		var rsp *Command
		var matches [][]byte
		switch m.Command.Field {
		case CEchoRQ:
			rsp = &Command{Field: CEchoRSP, SOPClassUID: VerificationSOPClass, Status: StatusSuccess}
		case CStoreRQ:
			if s.Archive == nil || !strings.HasPrefix(pc.AbstractSyntax, storageSOPClassPrefix) {
				rsp = &Command{Field: CStoreRSP, SOPClassUID: m.Command.SOPClassUID, SOPInstanceUID: m.Command.SOPInstanceUID, Status: StatusSOPClassNotSupported}
				break
			}
			rsp = s.store(log, pc, m, incoming, receiveErr)
			incoming = nil
			if rsp.Status == StatusSuccess {
				stored++
			}
		case CFindRQ:
			if s.Archive == nil || (pc.AbstractSyntax != PatientRootFind && pc.AbstractSyntax != StudyRootFind) {
				rsp = &Command{Field: CFindRSP, SOPClassUID: m.Command.SOPClassUID, Status: StatusSOPClassNotSupported}
				break
			}
			rsp, matches = s.find(log, pc, m)
		case CCancelRQ:
			continue // C-FIND answers in one go; nothing is left to cancel
		default:
			rsp = &Command{Field: m.Command.Field | 0x8000, Status: StatusUnrecognizedOp, SOPClassUID: m.Command.SOPClassUID}
		}
		rsp.RespondingTo = m.Command.MessageID
		for _, d := range matches {
			pending := &Command{Field: CFindRSP, SOPClassUID: pc.AbstractSyntax, RespondingTo: m.Command.MessageID, Status: StatusPending}
			if err := a.writeMessage(pc.ID, pending, d); err != nil {
				log.Warn("dicom response not sent", "error", err)
				return
			}
		}
		if err := a.writeMessage(pc.ID, rsp, nil); err != nil {
			log.Warn("dicom response not sent", "error", err)
			return
		}
	}
}

// store answers a C-STORE whose data set went to incoming (nil when it
// could not be received: receiveErr says why, or the SOP class was wrong).
func (s *Server) store(log *slog.Logger, pc *Context, m *Message, incoming *archive.Incoming, receiveErr error) *Command {
	rsp := &Command{Field: CStoreRSP, SOPClassUID: m.Command.SOPClassUID, SOPInstanceUID: m.Command.SOPInstanceUID}
	if pc.AbstractSyntax != m.Command.SOPClassUID {
		rsp.Status, rsp.ErrorComment = StatusDataSetMismatch, "SOP class differs from the presentation context"
		return rsp
	}
	err := receiveErr
	if err == nil {
		err = m.SinkErr
	}
	if err == nil && incoming == nil {
		err = fmt.Errorf("%w: a C-STORE without a data set", archive.ErrInvalid)
	}
	var inst archive.Instance
	if err != nil {
		if incoming != nil {
			incoming.Abort()
		}
	} else {
		inst, err = incoming.Commit()
	}
	if err != nil {
		if errors.Is(err, archive.ErrInvalid) {
			rsp.Status, rsp.ErrorComment = StatusCannotUnderstand, err.Error()
		} else {
			// Disk errors name local paths; the sender only needs to retry.
			rsp.Status, rsp.ErrorComment = StatusOutOfResources, "the instance could not be stored; send again"
		}
		log.Warn("dicom instance not stored", "message_id", m.Command.MessageID, "error", err)
		return rsp
	}
	if s.OnStored != nil {
		if err := s.OnStored(s.ctx, inst); err != nil {
			rsp.Status, rsp.ErrorComment = StatusOutOfResources, "stored but not recorded; send again"
			log.Warn("dicom instance stored but not recorded", "message_id", m.Command.MessageID, "error", err)
			return rsp
		}
	}
	rsp.Status = StatusSuccess
	return rsp
}

func (s *Server) find(log *slog.Logger, pc *Context, m *Message) (*Command, [][]byte) {
	rsp := &Command{Field: CFindRSP, SOPClassUID: m.Command.SOPClassUID}
	fail := func(status uint16, err error) (*Command, [][]byte) {
		rsp.Status, rsp.ErrorComment = status, err.Error()
		log.Warn("dicom query refused", "message_id", m.Command.MessageID, "error", err)
		return rsp, nil
	}
	if pc.AbstractSyntax != m.Command.SOPClassUID {
		return fail(StatusIdentifierMismatch, errors.New("SOP class differs from the presentation context"))
	}
	ident, err := dicom.ParseDataset(m.Data, pc.TransferSyntax, nil)
	if err != nil {
		return fail(StatusIdentifierMismatch, err)
	}
	results, err := s.Archive.Find(ident)
	if err != nil {
		return fail(StatusUnableToProcessFind, err)
	}
	var out [][]byte
	for _, ds := range results {
		b, err := dicom.AppendDataset(nil, ds, pc.TransferSyntax)
		if err != nil {
			return fail(StatusUnableToProcessFind, err)
		}
		out = append(out, b)
	}
	rsp.Status = StatusSuccess
	return rsp, out
}
