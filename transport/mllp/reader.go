package mllp

import (
	"bytes"
	"errors"
	"fmt"
	"io"
)

// Framing bytes.
const (
	startBlock     byte = 0x0B // VT, opens a frame
	endBlock       byte = 0x1C // FS, closes a frame
	carriageReturn byte = 0x0D // CR, follows FS
)

// DefaultMaxMessageSize is the largest payload accepted when no other limit
// is configured: 16 MiB, well above real HL7 v2 messages (embedded PDFs
// included) yet small enough that a runaway sender cannot exhaust memory.
const DefaultMaxMessageSize = 16 << 20

const (
	// initialBufferSize holds a typical HL7 message with room to spare.
	initialBufferSize = 8 << 10
	// maxIdleBufferSize is the largest buffer a Reader keeps between frames;
	// a larger one, grown for an unusually big frame, is released once that
	// frame has been consumed so an idle connection does not pin megabytes.
	maxIdleBufferSize = 1 << 20
	// maxEmptyReads bounds successive (0, nil) reads from a misbehaving
	// io.Reader before giving up with io.ErrNoProgress.
	maxEmptyReads = 100
)

// Reader reads MLLP frames from an io.Reader. It buffers its input in one
// buffer that it reuses from frame to frame. See the package documentation
// for how it treats malformed input.
//
// A Reader is not safe for concurrent use.
type Reader struct {
	rd   io.Reader
	max  int
	buf  []byte
	r, w int   // buf[r:w] is buffered, unconsumed input
	err  error // read error held back until buffered input is consumed

	inFrame  bool // a VT has been seen and its FS not yet
	start    int  // when inFrame, buf index of the first payload byte
	scanned  int  // when inFrame, payload bytes already searched for VT/FS
	dropping bool // discarding the remainder of an oversized frame
	afterFS  bool // the last frame ended with FS and its CR is not yet seen

	discarded int64
	nread     int64

	// onFrameStart, when set, is called each time a VT opens a frame. The
	// server uses it to switch from the idle to the read timeout.
	onFrameStart func()
}

// NewReader returns a Reader reading from rd that accepts payloads of up to
// maxSize bytes; maxSize <= 0 means [DefaultMaxMessageSize].
func NewReader(rd io.Reader, maxSize int) *Reader {
	if maxSize <= 0 {
		maxSize = DefaultMaxMessageSize
	}
	return &Reader{rd: rd, max: maxSize}
}

// Reset discards all state and buffered input and makes r read from rd,
// keeping its buffer and maximum size. The discarded-bytes count restarts
// from zero.
func (r *Reader) Reset(rd io.Reader) {
	*r = Reader{rd: rd, max: r.max, buf: r.buf, onFrameStart: r.onFrameStart}
}

// Discarded reports how many bytes the reader has skipped so far: bytes
// between frames, partial frames abandoned by the sender, and frames over
// the size limit. Framing bytes are not counted.
func (r *Reader) Discarded() int64 { return r.discarded }

// ReadFrame returns the payload of the next frame, without its framing.
// The returned slice aliases the reader's buffer and is valid only until the
// next call to ReadFrame or Reset; copy it to keep it.
//
// At a clean end of input between frames ReadFrame returns io.EOF itself;
// end of input inside a frame gives an error wrapping io.ErrUnexpectedEOF.
// An oversized frame gives an error wrapping [ErrFrameTooLarge], after which
// reading may continue. Other errors come from the underlying reader,
// wrapped; after a timeout, ReadFrame may be called again and resumes where
// it stopped.
func (r *Reader) ReadFrame() ([]byte, error) {
	for {
		if !r.inFrame {
			if r.r == r.w {
				r.resetBuffer()
				if err := r.fill(); err != nil {
					if err == io.EOF {
						// End of input between frames, after a frame's FS
						// or while skipping an oversized frame: all
						// complete frames have been delivered.
						r.afterFS, r.dropping = false, false
						return nil, io.EOF
					}
					return nil, fmt.Errorf("mllp: reading frame: %w", err)
				}
				continue
			}
			if r.afterFS {
				r.afterFS = false
				if r.buf[r.r] == carriageReturn {
					r.r++
					continue
				}
			}
			if r.dropping {
				// Skip the rest of an oversized frame: up to and including
				// its FS, or up to a VT that opens the next frame.
				data := r.buf[r.r:r.w]
				i, delim := indexDelimiter(data)
				if i < 0 {
					r.discard(len(data))
					r.r = r.w
					continue
				}
				r.discard(i)
				r.r += i
				r.dropping = false
				if delim == endBlock {
					r.r++
					r.afterFS = true
				}
				continue
			}
			data := r.buf[r.r:r.w]
			i := bytes.IndexByte(data, startBlock)
			if i < 0 {
				r.discard(len(data))
				r.r = r.w
				continue
			}
			r.discard(i)
			r.r += i + 1
			r.openFrame(r.r)
		}

		// Inside a frame: look for its end beyond what was already searched.
		from := r.start + r.scanned
		i, delim := indexDelimiter(r.buf[from:r.w])
		if i >= 0 {
			end := from + i
			n := end - r.start
			if delim == startBlock {
				// The sender gave up on this frame and began another.
				r.discard(n)
				r.openFrame(end + 1)
				if n > r.max {
					// Report the oversized part exactly as if it had
					// been seen before the VT arrived.
					return nil, r.tooLarge()
				}
				continue
			}
			r.inFrame = false
			r.r = end + 1
			r.afterFS = true
			if r.r < r.w && r.buf[r.r] == carriageReturn {
				r.r++
				r.afterFS = false
			}
			if n > r.max {
				r.discard(n)
				return nil, r.tooLarge()
			}
			return r.buf[r.start:end:end], nil
		}
		r.scanned = r.w - r.start
		if r.scanned > r.max {
			r.discard(r.scanned)
			r.inFrame = false
			r.dropping = true
			r.r = r.w
			return nil, r.tooLarge()
		}
		if err := r.fillFrame(); err != nil {
			if err == io.EOF {
				r.discard(r.scanned)
				r.inFrame = false
				r.r = r.w
				return nil, fmt.Errorf("mllp: reading frame: %w", io.ErrUnexpectedEOF)
			}
			return nil, fmt.Errorf("mllp: reading frame: %w", err)
		}
	}
}

// openFrame starts a frame whose payload begins at buf[start].
func (r *Reader) openFrame(start int) {
	r.inFrame = true
	r.start = start
	r.scanned = 0
	r.r = start
	if r.onFrameStart != nil {
		r.onFrameStart()
	}
}

func (r *Reader) tooLarge() error {
	return fmt.Errorf("mllp: payload exceeds %d bytes: %w", r.max, ErrFrameTooLarge)
}

func (r *Reader) discard(n int) { r.discarded += int64(n) }

// resetBuffer empties the buffer between frames, releasing it if a large
// frame made it grow beyond what an idle connection should hold.
func (r *Reader) resetBuffer() {
	r.r, r.w = 0, 0
	if len(r.buf) > maxIdleBufferSize {
		r.buf = nil
	}
	if r.buf == nil {
		r.buf = make([]byte, initialBufferSize)
	}
}

// fillFrame makes room for more of the current frame, moving its start to
// the front of the buffer and growing the buffer (up to what the size limit
// requires) if it is full, then reads.
func (r *Reader) fillFrame() error {
	if r.start > 0 {
		n := copy(r.buf, r.buf[r.start:r.w])
		r.w = n
		r.start = 0
		r.r = 0
	}
	if r.w == len(r.buf) {
		// The frame needs at most max payload bytes plus its FS. Since
		// r.scanned <= r.max here, the new size is always larger.
		size := 2 * len(r.buf)
		if size > r.max+1 || size <= 0 {
			size = r.max + 1
		}
		buf := make([]byte, size)
		copy(buf, r.buf[:r.w])
		r.buf = buf
	}
	return r.fill()
}

// fill reads at least one byte into buf[w:], which must have room.
func (r *Reader) fill() error {
	if r.err != nil {
		err := r.err
		r.err = nil
		return err
	}
	for range maxEmptyReads {
		n, err := r.rd.Read(r.buf[r.w:])
		if n < 0 || n > len(r.buf)-r.w {
			return errors.New("mllp: underlying reader returned an invalid count")
		}
		r.w += n
		r.nread += int64(n)
		if n > 0 {
			r.err = err
			return nil
		}
		if err != nil {
			return err
		}
	}
	return io.ErrNoProgress
}

// indexDelimiter returns the index of the first VT or FS in data and which
// of the two it is, or -1 if there is neither. It makes two vectorised
// passes instead of one byte-at-a-time scan.
func indexDelimiter(data []byte) (int, byte) {
	fs := bytes.IndexByte(data, endBlock)
	if fs >= 0 {
		data = data[:fs]
	}
	if vt := bytes.IndexByte(data, startBlock); vt >= 0 {
		return vt, startBlock
	}
	if fs >= 0 {
		return fs, endBlock
	}
	return -1, 0
}
