package mllp

import "errors"

// ErrFrameTooLarge is returned by [Reader.ReadFrame] when a frame's payload
// exceeds the reader's maximum size. The reader stays usable: the next call
// skips the rest of the oversized frame and returns the frame after it.
var ErrFrameTooLarge = errors.New("mllp: frame too large")

// ErrInvalidPayload is returned when asked to send a payload that contains
// a start-block (VT, 0x0B) or end-block (FS, 0x1C) byte. MLLP cannot carry
// such a payload: the receiver would split it into different frames.
var ErrInvalidPayload = errors.New("mllp: payload contains a framing byte (VT or FS)")

// ErrServerClosed is returned by [Server.Serve] and [Server.ListenAndServe]
// after [Server.Shutdown] or [Server.Close] has been called.
var ErrServerClosed = errors.New("mllp: server closed")

// ErrClientClosed is returned by [Client.Send] after [Client.Close].
var ErrClientClosed = errors.New("mllp: client closed")

// ErrInvalidAck is returned by [Client.Send], together with the response
// bytes, when the response is not a usable HL7 acknowledgement: it does not
// parse, has no MSA-1, or MSA-1 holds an unknown code.
var ErrInvalidAck = errors.New("mllp: invalid acknowledgement")

// ErrControlIDMismatch is returned by [Client.Send], together with the
// response bytes, when the acknowledgement's MSA-2 differs from the sent
// message's MSH-10: the response belongs to another message. The client
// closes the connection, as the exchange is out of step.
var ErrControlIDMismatch = errors.New("mllp: acknowledgement control id does not match message")
