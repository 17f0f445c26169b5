package mllp

import (
	"bytes"
	"fmt"
	"io"
)

// maxRetainedWriteBuffer is the largest frame buffer a Writer keeps for
// reuse; a bigger one, needed for an unusually large payload, is dropped
// after its write.
const maxRetainedWriteBuffer = 1 << 20

// Writer writes MLLP frames to an io.Writer. Each frame goes out in a single
// Write call, assembled in a buffer the Writer reuses, so in steady state
// writing a frame allocates nothing.
//
// A Writer is not safe for concurrent use.
type Writer struct {
	w   io.Writer
	buf []byte
}

// NewWriter returns a Writer writing frames to w.
func NewWriter(w io.Writer) *Writer {
	return &Writer{w: w}
}

// Reset makes wr write to w, keeping its buffer.
func (wr *Writer) Reset(w io.Writer) { wr.w = w }

// WriteFrame writes payload framed as VT payload FS CR. It returns an error
// wrapping [ErrInvalidPayload], and writes nothing, if the payload contains
// VT or FS.
func (wr *Writer) WriteFrame(payload []byte) error {
	if err := checkPayload(payload); err != nil {
		return err
	}
	wr.buf = appendFrame(wr.buf[:0], payload)
	_, err := wr.w.Write(wr.buf)
	if cap(wr.buf) > maxRetainedWriteBuffer {
		wr.buf = nil
	}
	if err != nil {
		return fmt.Errorf("mllp: writing frame: %w", err)
	}
	return nil
}

// appendFrame appends payload, framed, to dst.
func appendFrame(dst, payload []byte) []byte {
	dst = append(dst, startBlock)
	dst = append(dst, payload...)
	return append(dst, endBlock, carriageReturn)
}

// checkPayload reports whether payload can be carried in an MLLP frame.
func checkPayload(payload []byte) error {
	if i := bytes.IndexByte(payload, startBlock); i >= 0 {
		return fmt.Errorf("mllp: VT at payload offset %d: %w", i, ErrInvalidPayload)
	}
	if i := bytes.IndexByte(payload, endBlock); i >= 0 {
		return fmt.Errorf("mllp: FS at payload offset %d: %w", i, ErrInvalidPayload)
	}
	return nil
}
