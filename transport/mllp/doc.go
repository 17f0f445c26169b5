// Package mllp implements the Minimal Lower Layer Protocol, the framing HL7
// v2 messages travel in over TCP (and TLS).
//
// # Framing
//
// Each message is sent as
//
//	<VT> payload <FS> <CR>
//
// where VT is 0x0B (start block), FS is 0x1C (end block) and CR is 0x0D. The
// payload itself must not contain VT or FS; [Writer] refuses such payloads
// with [ErrInvalidPayload] rather than send something the peer would split.
//
// [Reader] is lenient in what it accepts, because real senders are not all
// strict:
//
//   - Bytes outside a frame (stray CR/LF after a frame, line noise, a
//     half-written frame from a sender that restarted) are skipped and counted
//     in [Reader.Discarded]; their content is never exposed, so callers can
//     log "discarded N bytes" without logging message content.
//   - FS ends a frame whether or not CR follows. The reader returns the frame
//     as soon as it sees FS, without waiting for the CR, so a sender that
//     writes FS and then waits for its acknowledgement still gets one. A CR
//     directly after FS is consumed as part of the frame; any other byte after
//     FS is treated as being between frames: VT starts the next frame,
//     anything else is discarded and counted.
//   - VT inside a frame means the sender abandoned the frame and started a
//     new one: the partial payload is discarded and counted, and the new
//     frame is read.
//   - A frame larger than the configured maximum yields [ErrFrameTooLarge] as
//     soon as the limit is passed; the next read first discards the rest of
//     that frame (up to its FS, or up to a VT) and then returns the frame
//     after it.
//
// # Acknowledgement after commit
//
// [Server] hands each received message to a [Handler] and writes back the
// bytes the handler returns, framed, as the acknowledgement. The transport
// never invents an ACK: in Plexus the engine first journals the message
// durably and only then builds the ACK, so a sender that has received AA
// knows the message is on disk. If the handler fails, the server closes the
// connection without responding, and the sender, having no ACK, sends the
// message again. Messages on one connection are handled strictly in order,
// one at a time, which preserves the ordering HL7 interfaces rely on.
//
// [Client] is the sending side: it frames a message, waits for the response
// frame, and interprets the MSA segment of the ACK (see [AckError]).
// Delivery through Client is at-least-once: a message whose ACK was lost
// may be sent again, so receivers should recognise duplicates by MSH-10.
package mllp
