package dicom

import (
	"encoding/binary"
	"math"
	"sort"
	"strconv"
	"strings"
)

// Element is one data element. Value holds the value bytes exactly as they
// were in the stream (in the data set's byte order, padding included);
// sequences hold Items and encapsulated pixel data holds Fragments instead.
type Element struct {
	Tag Tag
	VR  string
	// Value is the raw value of an element that is neither a sequence nor
	// encapsulated pixel data. Values read by Parse share the input's memory.
	Value []byte
	// Items are the items of a sequence (VR SQ, or an undefined-length UN
	// element, whose items are implicit VR little endian).
	Items []*Dataset
	// Fragments are the items of encapsulated pixel data; the first is the
	// basic offset table (often empty).
	Fragments [][]byte
	// UndefinedLength is true when the element was (or is to be) written
	// with length 0xFFFFFFFF and a sequence delimiter.
	UndefinedLength bool
}

// IsSequence reports whether the element holds items rather than a value.
func (e *Element) IsSequence() bool {
	return e.VR == "SQ" || (e.Items != nil && e.Fragments == nil)
}

// IsEncapsulated reports whether the element is encapsulated pixel data.
func (e *Element) IsEncapsulated() bool { return e.Fragments != nil }

// Dataset is an ordered list of data elements: a whole data set, the file
// meta information, or one sequence item.
type Dataset struct {
	Elements []*Element
	// BigEndian says the byte order of the numeric values in Elements.
	BigEndian bool
	// UndefinedLength is true for a sequence item that was (or is to be)
	// written with an undefined length and an item delimiter.
	UndefinedLength bool
}

// Find returns the element with the tag, or nil.
func (ds *Dataset) Find(t Tag) *Element {
	if ds == nil {
		return nil
	}
	i := sort.Search(len(ds.Elements), func(i int) bool { return ds.Elements[i].Tag >= t })
	if i < len(ds.Elements) && ds.Elements[i].Tag == t {
		return ds.Elements[i]
	}
	// Data sets in the wild are not always in tag order; fall back to a scan.
	for _, e := range ds.Elements {
		if e.Tag == t {
			return e
		}
	}
	return nil
}

// String returns the text value of the element with the tag with trailing
// spaces and NULs removed (multiple values stay joined by backslashes), or ""
// when the element is absent or not text.
func (ds *Dataset) String(t Tag) string {
	e := ds.Find(t)
	if e == nil || e.Value == nil {
		return ""
	}
	return trimValue(e.Value)
}

func trimValue(b []byte) string {
	return strings.TrimRight(string(b), " \x00")
}

// Uint returns the first value of a US, UL, SS or SL element as an unsigned
// integer, and false when the element is absent or too short.
func (ds *Dataset) Uint(t Tag) (uint32, bool) {
	e := ds.Find(t)
	if e == nil {
		return 0, false
	}
	return e.uint(ds.order())
}

func (ds *Dataset) order() binary.ByteOrder {
	if ds.BigEndian {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

func (e *Element) uint(o binary.ByteOrder) (uint32, bool) {
	switch e.VR {
	case "US", "SS":
		if len(e.Value) >= 2 {
			return uint32(o.Uint16(e.Value)), true
		}
	case "UL", "SL":
		if len(e.Value) >= 4 {
			return o.Uint32(e.Value), true
		}
	}
	return 0, false
}

// Set inserts the element, or replaces the element with the same tag,
// keeping the elements in tag order.
func (ds *Dataset) Set(e *Element) {
	i := sort.Search(len(ds.Elements), func(i int) bool { return ds.Elements[i].Tag >= e.Tag })
	if i < len(ds.Elements) && ds.Elements[i].Tag == e.Tag {
		ds.Elements[i] = e
		return
	}
	ds.Elements = append(ds.Elements, nil)
	copy(ds.Elements[i+1:], ds.Elements[i:])
	ds.Elements[i] = e
}

// SetString sets a text element, padding the value to an even length (with
// a NUL for UI, a space otherwise). The VR comes from the dictionary, or is
// "UN" for tags it does not know.
func (ds *Dataset) SetString(t Tag, s string) {
	vr, ok := DictVR(t)
	if !ok {
		vr = "UN"
	}
	b := []byte(s)
	if len(b)%2 == 1 {
		if vr == "UI" || vr == "OB" || vr == "UN" {
			b = append(b, 0)
		} else {
			b = append(b, ' ')
		}
	}
	ds.Set(&Element{Tag: t, VR: vr, Value: b})
}

// SetUint16 sets a US element in the data set's byte order.
func (ds *Dataset) SetUint16(t Tag, v uint16) {
	b := make([]byte, 2)
	ds.order().PutUint16(b, v)
	ds.Set(&Element{Tag: t, VR: "US", Value: b})
}

// SetUint32 sets a UL element in the data set's byte order.
func (ds *Dataset) SetUint32(t Tag, v uint32) {
	b := make([]byte, 4)
	ds.order().PutUint32(b, v)
	ds.Set(&Element{Tag: t, VR: "UL", Value: b})
}

// textVR reports whether values of the VR are character strings.
func textVR(vr string) bool {
	switch vr {
	case "AE", "AS", "CS", "DA", "DS", "DT", "IS", "LO", "LT", "PN", "SH", "ST", "TM", "UC", "UI", "UR", "UT":
		return true
	}
	return false
}

// Format returns a short human-readable form of the element's value: the
// text of text VRs, the numbers of numeric VRs (at most 16), and a byte count
// for binary values, sequences and fragments.
func (e *Element) Format(bigEndian bool) string {
	var o binary.ByteOrder = binary.LittleEndian
	if bigEndian {
		o = binary.BigEndian
	}
	switch {
	case e.Fragments != nil:
		return strconv.Itoa(len(e.Fragments)) + " fragments"
	case e.Items != nil || e.VR == "SQ":
		return strconv.Itoa(len(e.Items)) + " items"
	case textVR(e.VR):
		return "[" + trimValue(e.Value) + "]"
	}
	size := map[string]int{"US": 2, "SS": 2, "UL": 4, "SL": 4, "FL": 4, "FD": 8, "AT": 4, "UV": 8, "SV": 8}[e.VR]
	if size == 0 || len(e.Value)%size != 0 {
		return "(" + strconv.Itoa(len(e.Value)) + " bytes)"
	}
	var parts []string
	for i := 0; i+size <= len(e.Value) && len(parts) < 16; i += size {
		v := e.Value[i : i+size]
		switch e.VR {
		case "US":
			parts = append(parts, strconv.FormatUint(uint64(o.Uint16(v)), 10))
		case "SS":
			parts = append(parts, strconv.FormatInt(int64(int16(o.Uint16(v))), 10))
		case "UL":
			parts = append(parts, strconv.FormatUint(uint64(o.Uint32(v)), 10))
		case "SL":
			parts = append(parts, strconv.FormatInt(int64(int32(o.Uint32(v))), 10))
		case "FL":
			parts = append(parts, strconv.FormatFloat(float64(math.Float32frombits(o.Uint32(v))), 'g', -1, 32))
		case "FD":
			parts = append(parts, strconv.FormatFloat(math.Float64frombits(o.Uint64(v)), 'g', -1, 64))
		case "AT":
			parts = append(parts, NewTag(o.Uint16(v), o.Uint16(v[2:])).String())
		case "UV":
			parts = append(parts, strconv.FormatUint(o.Uint64(v), 10))
		case "SV":
			parts = append(parts, strconv.FormatInt(int64(o.Uint64(v)), 10))
		}
	}
	s := strings.Join(parts, `\`)
	if len(e.Value)/size > 16 {
		s += `\...`
	}
	return s
}
