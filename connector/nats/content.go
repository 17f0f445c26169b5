package nats

import (
	"bytes"
	"encoding/json"
	"mime"
	"unicode/utf8"

	"github.com/plexus-health/plexus/engine"
)

// contentType decides the engine content type of a message from its
// Content-Type header (header, "" when absent) and its payload:
// application/hl7-v2 (and x-application/hl7-v2+er7) is HL7 v2, text/plain
// is HL7 v2 when the payload starts with an MSH segment, any other valid
// media type is passed on as it is. Without a usable header the payload is
// sniffed: an MSH segment makes it HL7 v2, valid JSON makes it JSON, other
// UTF-8 text is text/plain, and anything else application/octet-stream.
func contentType(header string, payload []byte) string {
	if header != "" {
		media, _, err := mime.ParseMediaType(header)
		if err == nil {
			switch media {
			case engine.ContentHL7v2, "x-application/hl7-v2+er7":
				return engine.ContentHL7v2
			case engine.ContentText:
				if looksHL7(payload) {
					return engine.ContentHL7v2
				}
				return engine.ContentText
			}
			return media
		}
		// A malformed header says nothing; the payload will.
	}
	switch {
	case looksHL7(payload):
		return engine.ContentHL7v2
	case json.Valid(payload):
		return engine.ContentJSON
	case utf8.Valid(payload):
		return engine.ContentText
	}
	return "application/octet-stream"
}

// looksHL7 reports whether payload starts with an MSH segment, after a
// byte-order mark and white space.
func looksHL7(payload []byte) bool {
	payload = bytes.TrimPrefix(payload, []byte("\xef\xbb\xbf"))
	payload = bytes.TrimLeft(payload, " \t\r\n")
	return len(payload) > 3 && string(payload[:3]) == "MSH"
}
