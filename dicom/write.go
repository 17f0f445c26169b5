package dicom

import (
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// ImplementationClassUID identifies Plexus in file meta information and
// association requests. It sits under the UUID-derived root 2.25.
const ImplementationClassUID = "2.25.302979372944587263893094718345627309291"

// ImplementationVersionName is Plexus's implementation version name.
const ImplementationVersionName = "PLEXUS_1"

// AppendDataset appends the encoding of ds in ts to dst. Elements keep
// their VR and length form; a deflated syntax is written here uncompressed
// (WriteFile compresses it). ds must be in the byte order of ts.
func AppendDataset(dst []byte, ds *Dataset, ts TransferSyntax) ([]byte, error) {
	if ds.BigEndian != ts.BigEndian {
		return nil, errors.New("dicom: the data set's byte order differs from the transfer syntax; converting is not supported")
	}
	w := &writer{buf: dst, implicit: ts.Implicit, big: ts.BigEndian}
	if err := w.elements(ds, 0); err != nil {
		return nil, err
	}
	return w.buf, nil
}

// WriteFile writes a Part 10 file: the preamble (zeros when f has none),
// "DICM", the meta information with a recomputed group length, and the data
// set in f.TransferSyntax.
func WriteFile(w io.Writer, f *File) error {
	meta, err := AppendMeta(nil, f.Meta, f.Preamble)
	if err != nil {
		return err
	}
	body, err := AppendDataset(nil, f.Dataset, f.TransferSyntax)
	if err != nil {
		return err
	}
	if _, err := w.Write(meta); err != nil {
		return err
	}
	if f.TransferSyntax.Deflated {
		zw, err := flate.NewWriter(w, flate.DefaultCompression)
		if err != nil {
			return err
		}
		if _, err := zw.Write(body); err != nil {
			return err
		}
		return zw.Close()
	}
	_, err = w.Write(body)
	return err
}

// AppendMeta appends a preamble (zeros when preamble is nil), "DICM" and the
// file meta information, with (0002,0000) recomputed.
func AppendMeta(dst []byte, meta *Dataset, preamble []byte) ([]byte, error) {
	if preamble == nil {
		dst = append(dst, make([]byte, 128)...)
	} else if len(preamble) != 128 {
		return nil, fmt.Errorf("dicom: preamble of %d bytes, want 128", len(preamble))
	} else {
		dst = append(dst, preamble...)
	}
	dst = append(dst, "DICM"...)
	rest := &Dataset{}
	for _, e := range meta.Elements {
		if e.Tag != TagFileMetaInformationGroupLength {
			rest.Elements = append(rest.Elements, e)
		}
	}
	body, err := AppendDataset(nil, rest, TransferSyntax{UID: ExplicitVRLittleEndian})
	if err != nil {
		return nil, err
	}
	gl := &Dataset{}
	gl.SetUint32(TagFileMetaInformationGroupLength, uint32(len(body)))
	dst, _ = AppendDataset(dst, gl, TransferSyntax{UID: ExplicitVRLittleEndian})
	return append(dst, body...), nil
}

// NewMeta returns file meta information for an instance of the SOP class
// and instance in the transfer syntax, naming Plexus as the implementation
// and sourceAE (when not empty) as the source application entity.
func NewMeta(sopClass, sopInstance, transferSyntax, sourceAE string) *Dataset {
	m := &Dataset{}
	m.Set(&Element{Tag: TagFileMetaInformationVersion, VR: "OB", Value: []byte{0, 1}})
	m.SetString(TagMediaStorageSOPClassUID, sopClass)
	m.SetString(TagMediaStorageSOPInstanceUID, sopInstance)
	m.SetString(TagTransferSyntaxUID, transferSyntax)
	m.SetString(TagImplementationClassUID, ImplementationClassUID)
	m.SetString(TagImplementationVersionName, ImplementationVersionName)
	if sourceAE != "" {
		m.SetString(TagSourceApplicationEntityTitle, sourceAE)
	}
	return m
}

type writer struct {
	buf      []byte
	implicit bool
	big      bool
}

type byteOrder interface {
	binary.ByteOrder
	binary.AppendByteOrder
}

func (w *writer) order() byteOrder {
	if w.big {
		return binary.BigEndian
	}
	return binary.LittleEndian
}

func (w *writer) tag(t Tag) {
	w.buf = w.order().AppendUint16(w.buf, t.Group())
	w.buf = w.order().AppendUint16(w.buf, t.Element())
}

func (w *writer) u32(v uint32) { w.buf = w.order().AppendUint32(w.buf, v) }

func (w *writer) elements(ds *Dataset, depth int) error {
	if depth > maxDepth {
		return fmt.Errorf("dicom: sequences nested deeper than %d", maxDepth)
	}
	for _, e := range ds.Elements {
		if err := w.element(e, depth); err != nil {
			return err
		}
	}
	return nil
}

// header writes the tag, the VR (explicit VR) and the length; it returns
// the offset of a 4-byte length to patch, or -1.
func (w *writer) header(e *Element, length uint32) (int, error) {
	w.tag(e.Tag)
	if w.implicit {
		at := len(w.buf)
		w.u32(length)
		return at, nil
	}
	if len(e.VR) != 2 || !isVR(e.VR) {
		return -1, fmt.Errorf("dicom: element %s has invalid VR %q", e.Tag, e.VR)
	}
	w.buf = append(w.buf, e.VR...)
	if longVR(e.VR) {
		w.buf = append(w.buf, 0, 0)
		at := len(w.buf)
		w.u32(length)
		return at, nil
	}
	if length > 0xFFFF {
		return -1, fmt.Errorf("dicom: element %s: a %s value of %d bytes does not fit a 16-bit length", e.Tag, e.VR, length)
	}
	w.buf = w.order().AppendUint16(w.buf, uint16(length))
	return -1, nil
}

func (w *writer) patch(at int) error {
	n := len(w.buf) - at - 4
	if uint64(n) >= undefinedLength {
		return errors.New("dicom: value too long for a 32-bit length")
	}
	w.order().PutUint32(w.buf[at:], uint32(n))
	return nil
}

func (w *writer) element(e *Element, depth int) error {
	switch {
	case e.Fragments != nil:
		if _, err := w.header(e, undefinedLength); err != nil {
			return err
		}
		for _, frag := range e.Fragments {
			w.tag(TagItem)
			w.u32(uint32(len(frag)))
			w.buf = append(w.buf, frag...)
		}
		w.tag(TagSequenceDelimitation)
		w.u32(0)
		return nil
	case e.VR == "SQ" || e.Items != nil:
		// The items of a UN sequence are implicit VR little endian.
		un := e.VR == "UN"
		if un && !e.UndefinedLength {
			return fmt.Errorf("dicom: element %s: a UN sequence must have undefined length", e.Tag)
		}
		length := uint32(undefinedLength)
		if !e.UndefinedLength {
			length = 0
		}
		at, err := w.header(e, length)
		if err != nil {
			return err
		}
		implicit, big := w.implicit, w.big
		if un {
			w.implicit, w.big = true, false
		}
		for _, item := range e.Items {
			if err := w.item(item, depth); err != nil {
				return err
			}
		}
		if e.UndefinedLength {
			w.tag(TagSequenceDelimitation)
			w.u32(0)
		}
		w.implicit, w.big = implicit, big
		if !e.UndefinedLength {
			if at < 0 {
				return fmt.Errorf("dicom: element %s: a sequence needs a 32-bit length", e.Tag)
			}
			return w.patch(at)
		}
		return nil
	}
	if uint64(len(e.Value)) >= undefinedLength {
		return fmt.Errorf("dicom: element %s: value too long", e.Tag)
	}
	if _, err := w.header(e, uint32(len(e.Value))); err != nil {
		return err
	}
	w.buf = append(w.buf, e.Value...)
	return nil
}

func (w *writer) item(item *Dataset, depth int) error {
	w.tag(TagItem)
	if item.UndefinedLength {
		w.u32(undefinedLength)
		if err := w.elements(item, depth+1); err != nil {
			return err
		}
		w.tag(TagItemDelimitation)
		w.u32(0)
		return nil
	}
	at := len(w.buf)
	w.u32(0)
	if err := w.elements(item, depth+1); err != nil {
		return err
	}
	return w.patch(at)
}

// Bytes returns the encoding of ds in ts, compressed when ts is deflated.
func Bytes(ds *Dataset, ts TransferSyntax) ([]byte, error) {
	body, err := AppendDataset(nil, ds, ts)
	if err != nil || !ts.Deflated {
		return body, err
	}
	var out bytes.Buffer
	zw, _ := flate.NewWriter(&out, flate.DefaultCompression)
	zw.Write(body)
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}
