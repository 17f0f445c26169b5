package dicom

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
)

// ErrNotDICOM is returned for input that is neither a Part 10 file nor a
// data set this package can recognise.
var ErrNotDICOM = errors.New("dicom: not a DICOM file or data set")

const (
	undefinedLength = 0xFFFFFFFF
	// maxDepth bounds the nesting of sequences, so hostile input cannot
	// exhaust the stack.
	maxDepth = 64
	// DefaultMaxInflated bounds the size of an inflated deflated data set.
	DefaultMaxInflated = 1 << 30
)

// SyntaxError describes input that does not follow the encoding: where it
// was found (byte offset and the element being read) and what was wrong.
type SyntaxError struct {
	Offset int64
	Tag    Tag // the element being read, when known
	Msg    string
}

func (e *SyntaxError) Error() string {
	if e.Tag != 0 {
		return fmt.Sprintf("dicom: element %s at offset %d: %s", e.Tag, e.Offset, e.Msg)
	}
	return fmt.Sprintf("dicom: at offset %d: %s", e.Offset, e.Msg)
}

// File is a DICOM Part 10 file: the file meta information (group 0002,
// always explicit VR little endian) and the data set.
type File struct {
	// Preamble is the 128-byte preamble, nil when the file had none.
	Preamble []byte
	// Meta is the file meta information; empty for a bare data set.
	Meta *Dataset
	// TransferSyntax is how Dataset was encoded. For input without meta
	// information (or without a transfer syntax UID in it), it was guessed
	// from the first element; when the meta information names an explicit
	// VR syntax but the data set is plainly implicit VR, Implicit is set.
	TransferSyntax TransferSyntax
	Dataset        *Dataset
	// DatasetOffset is where the data set's bytes start in the input (for a
	// deflated syntax, where the compressed bytes start).
	DatasetOffset int
}

// Options tune parsing. The zero value parses everything.
type Options struct {
	// StopAtPixelData ends parsing before (7FE0,0010) and anything after
	// it, for callers that need only the header attributes.
	StopAtPixelData bool
	// MaxInflated bounds the inflated size of a deflated data set;
	// 0 means DefaultMaxInflated.
	MaxInflated int64
}

// ReadFile reads and parses the Part 10 file at path.
func ReadFile(path string) (*File, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseFile(data, nil)
}

// ParseFile parses a Part 10 file, a data set preceded by file meta
// information without a preamble, or a bare data set (whose transfer syntax
// is guessed). The returned values share memory with data.
func ParseFile(data []byte, opts *Options) (*File, error) {
	if opts == nil {
		opts = &Options{}
	}
	f := &File{Meta: &Dataset{}}
	pos := 0
	if len(data) >= 132 && string(data[128:132]) == "DICM" {
		f.Preamble = data[:128]
		pos = 132
	}
	hasMeta := len(data)-pos >= 6 && binary.LittleEndian.Uint16(data[pos:]) == 0x0002
	if f.Preamble != nil && !hasMeta {
		return nil, &SyntaxError{Offset: int64(pos), Msg: "no file meta information after the DICM prefix"}
	}
	if hasMeta {
		r := &reader{data: data, pos: pos}
		for r.pos+4 <= len(data) && binary.LittleEndian.Uint16(data[r.pos:]) == 0x0002 {
			e, err := r.element(0)
			if err != nil {
				return nil, err
			}
			f.Meta.Elements = append(f.Meta.Elements, e)
		}
		pos = r.pos
	}
	f.DatasetOffset = pos
	rest := data[pos:]
	if uid := f.Meta.String(TagTransferSyntaxUID); uid != "" {
		ts, ok := LookupTransferSyntax(uid)
		if !ok {
			return nil, &SyntaxError{Offset: int64(pos), Msg: fmt.Sprintf("unknown transfer syntax %q", uid)}
		}
		f.TransferSyntax = ts
		// Some writers label an implicit VR data set with an explicit
		// syntax; when the first element plainly is implicit VR, read it so.
		if !ts.Implicit && !ts.BigEndian && !ts.Deflated && len(rest) >= 8 && !isVR(string(rest[4:6])) {
			if g, err := guessSyntax(rest); err == nil && g.Implicit {
				f.TransferSyntax.Implicit = true
			}
		}
	} else {
		ts, err := guessSyntax(rest)
		if err != nil {
			if f.Preamble == nil && !hasMeta {
				return nil, err
			}
			return nil, fmt.Errorf("dicom: the file meta information has no transfer syntax UID and %w", err)
		}
		f.TransferSyntax = ts
	}
	if f.TransferSyntax.Deflated {
		inflated, err := Inflate(rest, opts.MaxInflated)
		if err != nil {
			return nil, err
		}
		rest = inflated
	}
	ds, err := ParseDataset(rest, f.TransferSyntax, opts)
	if err != nil {
		var se *SyntaxError
		if errors.As(err, &se) && !f.TransferSyntax.Deflated {
			se.Offset += int64(pos)
		}
		return nil, err
	}
	f.Dataset = ds
	return f, nil
}

// Inflate decompresses a data set in the deflated transfer syntax, refusing
// to produce more than max bytes (0 means DefaultMaxInflated).
func Inflate(data []byte, max int64) ([]byte, error) {
	if max <= 0 {
		max = DefaultMaxInflated
	}
	inflated, err := io.ReadAll(io.LimitReader(flate.NewReader(bytes.NewReader(data)), max+1))
	if err != nil {
		return nil, fmt.Errorf("dicom: inflating the deflated data set: %w", err)
	}
	if int64(len(inflated)) > max {
		return nil, fmt.Errorf("dicom: the deflated data set inflates to more than %d bytes", max)
	}
	return inflated, nil
}

// guessSyntax guesses the encoding of a bare data set from its first
// element: the byte order from the group number, explicit VR when bytes
// 4-5 are a VR.
func guessSyntax(b []byte) (TransferSyntax, error) {
	if len(b) < 8 {
		return TransferSyntax{}, ErrNotDICOM
	}
	big := b[0] == 0 && b[1] != 0
	explicit := isVR(string(b[4:6]))
	switch {
	case big && explicit:
		return TransferSyntax{UID: ExplicitVRBigEndian, BigEndian: true}, nil
	case big:
		return TransferSyntax{}, fmt.Errorf("%w: the first element is neither little endian nor explicit VR", ErrNotDICOM)
	case explicit:
		return TransferSyntax{UID: ExplicitVRLittleEndian}, nil
	}
	// Implicit VR little endian: the first element must be plausible (a
	// group below the pixel data, a length that fits) for the guess to be
	// worth making.
	g := binary.LittleEndian.Uint16(b)
	n := binary.LittleEndian.Uint32(b[4:])
	if g == 0 || g > 0x7FE0 || (n != undefinedLength && uint64(n) > uint64(len(b)-8)) {
		return TransferSyntax{}, ErrNotDICOM
	}
	return TransferSyntax{UID: ImplicitVRLittleEndian, Implicit: true}, nil
}

// ParseDataset parses a data set encoded in ts (already inflated when ts is
// deflated). The returned elements share memory with data.
func ParseDataset(data []byte, ts TransferSyntax, opts *Options) (*Dataset, error) {
	r := &reader{data: data, implicit: ts.Implicit, big: ts.BigEndian}
	if opts != nil {
		r.stopAtPixel = opts.StopAtPixelData
	}
	ds := &Dataset{BigEndian: ts.BigEndian}
	if err := r.elements(ds, len(data), false, 0); err != nil {
		return nil, err
	}
	return ds, nil
}

// ParseHeader parses the elements of a data set before its pixel data.
// data may be only the start of the data set: complete reports whether the
// parse reached (7FE0,0010), so that the header is known to be whole.
// A caller reading a large instance from disk tries a prefix first and a
// longer one when the header is not complete or the prefix cut an element.
func ParseHeader(data []byte, ts TransferSyntax) (ds *Dataset, complete bool, err error) {
	r := &reader{data: data, implicit: ts.Implicit, big: ts.BigEndian, stopAtPixel: true}
	ds = &Dataset{BigEndian: ts.BigEndian}
	if err := r.elements(ds, len(data), false, 0); err != nil {
		return nil, false, err
	}
	return ds, r.stopped, nil
}

type reader struct {
	data        []byte
	pos         int
	implicit    bool
	big         bool
	stopAtPixel bool
	stopped     bool
	// slab hands out Elements in blocks, one allocation per 64 elements
	// instead of one per element.
	slab []Element
}

func (r *reader) newElement(t Tag) *Element {
	if len(r.slab) == 0 {
		r.slab = make([]Element, 64)
	}
	e := &r.slab[0]
	r.slab = r.slab[1:]
	e.Tag = t
	return e
}

func (r *reader) errf(t Tag, format string, a ...any) error {
	return &SyntaxError{Offset: int64(r.pos), Tag: t, Msg: fmt.Sprintf(format, a...)}
}

func (r *reader) u16(b []byte) uint16 {
	if r.big {
		return binary.BigEndian.Uint16(b)
	}
	return binary.LittleEndian.Uint16(b)
}

func (r *reader) u32(b []byte) uint32 {
	if r.big {
		return binary.BigEndian.Uint32(b)
	}
	return binary.LittleEndian.Uint32(b)
}

// tagAt reads a tag at the current position without consuming it.
func (r *reader) peekTag() (Tag, bool) {
	if r.pos+4 > len(r.data) {
		return 0, false
	}
	b := r.data[r.pos:]
	return NewTag(r.u16(b), r.u16(b[2:])), true
}

// elements reads elements into ds until end, or, with item set, until an
// item delimiter (which it consumes).
func (r *reader) elements(ds *Dataset, end int, item bool, depth int) error {
	for r.pos < end {
		if r.stopped {
			return nil
		}
		t, ok := r.peekTag()
		if !ok {
			return r.errf(0, "truncated: %d bytes left where a tag needs 4", len(r.data)-r.pos)
		}
		if t == TagItemDelimitation {
			if !item {
				return r.errf(t, "item delimiter outside an item of undefined length")
			}
			if r.pos+8 > len(r.data) {
				return r.errf(t, "truncated item delimiter")
			}
			r.pos += 8
			return nil
		}
		if r.stopAtPixel && t == TagPixelData && depth == 0 {
			r.stopped = true
			return nil
		}
		e, err := r.element(depth)
		if err != nil {
			return err
		}
		if r.pos > end {
			return r.errf(e.Tag, "the element runs past the end of its item")
		}
		ds.Elements = append(ds.Elements, e)
	}
	if item && end == len(r.data) && !r.stopped {
		return r.errf(0, "truncated: the data ended inside an item of undefined length")
	}
	return nil
}

// longVR reports whether the VR has a 4-byte length in explicit VR.
func longVR(vr string) bool {
	switch vr {
	case "OB", "OD", "OF", "OL", "OV", "OW", "SQ", "SV", "UC", "UN", "UR", "UT", "UV":
		return true
	}
	return false
}

// knownVRs maps each VR to itself, so that looking a VR up in the input
// yields a shared string instead of allocating one per element.
var knownVRs = func() map[string]string {
	m := map[string]string{}
	for _, vr := range strings.Fields("AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV") {
		m[vr] = vr
	}
	return m
}()

func isVR(s string) bool { _, ok := knownVRs[s]; return ok }

// element reads one data element at the current position.
func (r *reader) element(depth int) (*Element, error) {
	start := r.pos
	if r.pos+8 > len(r.data) {
		return nil, r.errf(0, "truncated: %d bytes left where an element header needs 8", len(r.data)-r.pos)
	}
	b := r.data[r.pos:]
	t := NewTag(r.u16(b), r.u16(b[2:]))
	if t.Group() == 0xFFFE {
		return nil, r.errf(t, "unexpected item tag in a data set")
	}
	e := r.newElement(t)
	var length uint32
	if r.implicit {
		vr, ok := DictVR(t)
		if !ok {
			vr = "UN"
		}
		e.VR = vr
		length = r.u32(b[4:])
		r.pos += 8
	} else {
		vr, ok := knownVRs[string(b[4:6])]
		if !ok {
			return nil, r.errf(t, "invalid VR %q", b[4:6])
		}
		e.VR = vr
		if longVR(vr) {
			if r.pos+12 > len(r.data) {
				return nil, r.errf(t, "truncated element header")
			}
			length = r.u32(b[8:])
			r.pos += 12
		} else {
			length = uint32(r.u16(b[6:]))
			r.pos += 8
		}
	}
	if length == undefinedLength {
		e.UndefinedLength = true
		switch {
		case t == TagPixelData:
			return e, r.fragments(e)
		case e.VR == "SQ":
			return e, r.items(e, -1, depth)
		case e.VR == "UN" || r.implicit:
			// An undefined-length UN element is a sequence whose items are
			// implicit VR little endian (PS3.5 6.2.2).
			implicit, big := r.implicit, r.big
			r.implicit, r.big = true, false
			err := r.items(e, -1, depth)
			r.implicit, r.big = implicit, big
			return e, err
		}
		r.pos = start
		return nil, r.errf(t, "undefined length on a %s element", e.VR)
	}
	if uint64(length) > uint64(len(r.data)-r.pos) {
		pos := r.pos
		r.pos = start
		return nil, r.errf(t, "truncated: the value needs %d bytes, %d are left", length, len(r.data)-pos)
	}
	if e.VR == "SQ" {
		return e, r.items(e, r.pos+int(length), depth)
	}
	e.Value = r.data[r.pos : r.pos+int(length) : r.pos+int(length)]
	r.pos += int(length)
	return e, nil
}

// items reads the items of a sequence up to end, or up to the sequence
// delimiter when end is -1.
func (r *reader) items(e *Element, end int, depth int) error {
	if depth+1 > maxDepth {
		return r.errf(e.Tag, "sequences nested deeper than %d", maxDepth)
	}
	e.Items = []*Dataset{}
	for end < 0 || r.pos < end {
		if r.pos+8 > len(r.data) {
			return r.errf(e.Tag, "truncated: the data ended inside the sequence")
		}
		b := r.data[r.pos:]
		t := NewTag(r.u16(b), r.u16(b[2:]))
		length := r.u32(b[4:])
		if t == TagSequenceDelimitation {
			r.pos += 8
			if end < 0 {
				return nil
			}
			continue // a stray delimiter in a defined-length sequence
		}
		if t != TagItem {
			return r.errf(e.Tag, "found %s where a sequence item was expected", t)
		}
		r.pos += 8
		item := &Dataset{BigEndian: r.big}
		if length == undefinedLength {
			item.UndefinedLength = true
			if err := r.elements(item, len(r.data), true, depth+1); err != nil {
				return err
			}
		} else {
			if uint64(length) > uint64(len(r.data)-r.pos) {
				return r.errf(e.Tag, "truncated: an item needs %d bytes, %d are left", length, len(r.data)-r.pos)
			}
			itemEnd := r.pos + int(length)
			if end >= 0 && itemEnd > end {
				return r.errf(e.Tag, "an item runs past the end of its sequence")
			}
			if err := r.elements(item, itemEnd, false, depth+1); err != nil {
				return err
			}
			r.pos = itemEnd
		}
		e.Items = append(e.Items, item)
	}
	if r.pos != end {
		return r.errf(e.Tag, "sequence items run past the sequence length")
	}
	return nil
}

// fragments reads encapsulated pixel data up to its sequence delimiter.
func (r *reader) fragments(e *Element) error {
	e.Fragments = [][]byte{}
	for {
		if r.pos+8 > len(r.data) {
			return r.errf(e.Tag, "truncated: the data ended inside encapsulated pixel data")
		}
		b := r.data[r.pos:]
		t := NewTag(r.u16(b), r.u16(b[2:]))
		length := r.u32(b[4:])
		r.pos += 8
		if t == TagSequenceDelimitation {
			return nil
		}
		if t != TagItem || length == undefinedLength {
			return r.errf(e.Tag, "found %s where a pixel data fragment was expected", t)
		}
		if uint64(length) > uint64(len(r.data)-r.pos) {
			return r.errf(e.Tag, "truncated: a fragment needs %d bytes, %d are left", length, len(r.data)-r.pos)
		}
		e.Fragments = append(e.Fragments, r.data[r.pos:r.pos+int(length):r.pos+int(length)])
		r.pos += int(length)
	}
}
