package main

import (
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/plexus-health/plexus/format/hl7v2"
)

// stdinName is how "-" is named in output and errors.
const stdinName = "<stdin>"

// messages reads the HL7 messages of one FILE argument ("-" is stdin) in
// order, one at a time, so that a file of any size takes only the memory of
// its largest message. Batch wrapper segments (FHS, BHS, BTS, FTS) are
// skipped; their counts are not checked.
type messages struct {
	name string // as shown to the user
	rc   io.ReadCloser
	rd   *hl7v2.Reader
	n    int // number of the message last returned
}

// openMessages opens the file named by arg, or stdin for "-".
func openMessages(c *cli, arg string) (*messages, error) {
	rc := io.NopCloser(c.stdin)
	name := stdinName
	if arg != "-" {
		f, err := os.Open(arg)
		if err != nil {
			return nil, err
		}
		rc, name = f, arg
	}
	return &messages{name: name, rc: rc, rd: hl7v2.NewReader(rc)}, nil
}

func (ms *messages) Close() error { return ms.rc.Close() }

// next returns the next message and its number in the file. At the end of
// the file it returns io.EOF.
//
// A problem with one piece of the file (text that is not a message, a
// message over the size limit) comes as an error wrapping *badInput; the
// caller reports it and may call next again. Any other error means the
// file cannot be read further.
func (ms *messages) next() (data []byte, n int, err error) {
	data, err = ms.rd.Next()
	if err == io.EOF {
		return nil, 0, io.EOF
	}
	var herr *hl7v2.Error
	if errors.As(err, &herr) {
		if errors.Is(err, hl7v2.ErrNoMSH) {
			// Not a message: it takes no message number. Its error
			// names the byte offset in the file.
			return nil, 0, &badInput{where: ms.name, err: err}
		}
		ms.n++
		return nil, ms.n, &badInput{where: fmt.Sprintf("%s: message %d", ms.name, ms.n), err: err}
	}
	if err != nil {
		return nil, 0, fmt.Errorf("%s: reading: %w", ms.name, err)
	}
	ms.n++
	return data, ms.n, nil
}

// offset returns the byte offset in the file of the message last returned.
func (ms *messages) offset() int64 { return ms.rd.Offset() }

// badInput is a part of a file that is not a message that can be used.
type badInput struct {
	where string // file and message number
	err   error
}

func (e *badInput) Error() string { return e.where + ": " + e.err.Error() }
func (e *badInput) Unwrap() error { return e.err }

// inFile returns err with the byte offsets of the *hl7v2.Error values in it
// (which count from the start of the message) moved to count from the start
// of the file, where the message begins at offset start. Other errors are
// returned as they are.
func inFile(err error, start int64) error {
	var e *hl7v2.Error
	if !errors.As(err, &e) || e.Offset < 0 {
		return err
	}
	moved := *e
	moved.Offset += int(start)
	return &moved
}
