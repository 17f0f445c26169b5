package hl7v2

import "fmt"

// Encode returns the message in ER7 form. An unmodified message gives back
// exactly the bytes it was parsed from: each segment keeps the terminator it
// had. A message whose MSH-18 names a character set other than ASCII or
// UTF-8 is encoded back into that set.
func (m *Message) Encode() ([]byte, error) {
	out := m.AppendTo(nil)
	if m.codec.cs == nil {
		return out, nil
	}
	enc, err := m.codec.cs.encode(out[len(m.lead):])
	if err != nil {
		return nil, fmt.Errorf("%w: encoding to %s: %v", ErrCharset, m.codec.cs.name, err)
	}
	return append(append(make([]byte, 0, len(m.lead)+len(enc)), m.lead...), enc...), nil
}

// AppendTo appends the message's UTF-8 text to dst and returns the extended
// slice.
func (m *Message) AppendTo(dst []byte) []byte {
	n := len(m.lead)
	for i := range m.segs {
		n += len(m.segs[i].data) + len(m.segs[i].term)
	}
	if cap(dst)-len(dst) < n {
		grown := make([]byte, len(dst), len(dst)+n)
		copy(grown, dst)
		dst = grown
	}
	dst = append(dst, m.lead...)
	for i := range m.segs {
		dst = append(dst, m.segs[i].data...)
		dst = append(dst, m.segs[i].term...)
	}
	return dst
}

// String returns the message as UTF-8 text. For the bytes to send, in the
// message's own character set, use Encode.
func (m *Message) String() string {
	return string(m.AppendTo(nil))
}
