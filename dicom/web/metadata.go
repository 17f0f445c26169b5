package web

import (
	"encoding/binary"
	"encoding/json"
	"math"
	"mime"
	"net/http"
	"os"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/plexus-health/plexus/dicom"
)

// metadata answers WADO-RS metadata requests: the attributes of each
// instance of a study, series or one instance in the DICOM JSON model, as
// application/dicom+json. Binary values (pixel data included) are given
// with their VR and no value, since the handler serves no bulk data.
func (h *Handler) metadata(w http.ResponseWriter, r *http.Request) {
	if acc := r.Header.Get("Accept"); acc != "" && !acceptsDICOMJSON(acc) {
		problem(w, http.StatusNotAcceptable, "WADO-RS metadata is returned as application/dicom+json")
		return
	}
	list := h.selected(r)
	if len(list) == 0 {
		problem(w, http.StatusNotFound, "no such instances")
		return
	}
	// Instances are encoded one at a time so that a large study is never
	// held in memory whole. The first is read before the status is sent,
	// so an unreadable archive gets a 500 rather than a broken body.
	for i, in := range list {
		obj, err := instanceJSON(in.Path)
		if err != nil {
			h.log.Warn("dicomweb metadata: instance unreadable", "error", err)
			if i == 0 {
				problem(w, http.StatusInternalServerError, "an instance of the request could not be read")
				return
			}
			panic(http.ErrAbortHandler) // the client sees a cut connection, not a short list
		}
		if i == 0 {
			w.Header().Set("Content-Type", "application/dicom+json")
			w.Write([]byte{'['})
		} else {
			w.Write([]byte{','})
		}
		if _, err := w.Write(obj); err != nil {
			return
		}
	}
	w.Write([]byte("]\n"))
}

// instanceJSON reads the stored file and encodes its data set.
func instanceJSON(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	f, err := dicom.ParseFile(data, nil)
	if err != nil {
		return nil, err
	}
	return json.Marshal(metadataJSON(f.Dataset))
}

func acceptsDICOMJSON(accept string) bool {
	for _, a := range strings.Split(accept, ",") {
		mt, _, err := mime.ParseMediaType(strings.TrimSpace(a))
		if err != nil {
			continue
		}
		switch mt {
		case "*/*", "application/*", "application/dicom+json", "application/json":
			return true
		}
	}
	return false
}

// metadataJSON converts a data set to the DICOM JSON model (PS3.18 F.2): a
// map from tags as eight upper-case hexadecimal digits to objects holding
// the VR and, when the element has one, its "Value". Text values are split
// at backslashes (except LT, ST, UT and UR) with padding removed, PN values
// become objects of Alphabetic, Ideographic and Phonetic groups, IS, DS and
// the binary numeric VRs become numbers (UV and SV beyond 2^53 as strings),
// AT values become tags in hexadecimal and sequences become arrays of item
// objects. Values of binary VRs (OB, OD, OF, OL, OV, OW, UN) and
// encapsulated pixel data are left out: the attribute is given with its VR
// only. Group lengths are left out. Text in ISO_IR 100 (Latin-1) is
// converted to UTF-8; text in another character set that is not valid UTF-8
// has its invalid bytes replaced by U+FFFD. A value that does not parse
// (an IS that is not an integer, a DS or float that is not finite) is
// null, and a binary numeric value whose length is not a multiple of its
// size has no value. The result is always encodable by encoding/json.
func metadataJSON(ds *dicom.Dataset) map[string]any {
	return datasetJSON(ds, "", 0)
}

// maxJSONDepth bounds the nesting of sequences the encoder follows; the
// parser already bounds it, this keeps hand-built data sets safe too.
const maxJSONDepth = 64

func datasetJSON(ds *dicom.Dataset, charset string, depth int) map[string]any {
	out := make(map[string]any, len(ds.Elements))
	if e := ds.Find(dicom.TagSpecificCharacterSet); e != nil && !e.IsSequence() && !e.IsEncapsulated() {
		charset = strings.Trim(string(e.Value), " \x00")
	}
	for _, e := range ds.Elements {
		if e == nil || e.Tag.Element() == 0 || e.Tag.Group() == 0x0002 || e.Tag.Group() == 0xFFFE {
			continue // group lengths, meta information and delimiters
		}
		out[hexTag(e.Tag)] = elementJSON(e, ds.BigEndian, charset, depth)
	}
	return out
}

func elementJSON(e *dicom.Element, bigEndian bool, charset string, depth int) map[string]any {
	vr := e.VR
	if _, ok := jsonVRs[vr]; !ok {
		vr = "UN"
	}
	switch {
	case e.IsEncapsulated():
		return map[string]any{"vr": "OB"}
	case e.IsSequence():
		attr := map[string]any{"vr": "SQ"}
		if len(e.Items) == 0 || depth >= maxJSONDepth {
			return attr
		}
		items := make([]any, 0, len(e.Items))
		for _, it := range e.Items {
			if it == nil {
				items = append(items, map[string]any{})
				continue
			}
			items = append(items, datasetJSON(it, charset, depth+1))
		}
		attr["Value"] = items
		return attr
	}
	attr := map[string]any{"vr": vr}
	if vals := values(vr, e.Value, bigEndian, charset); len(vals) > 0 {
		attr["Value"] = vals
	}
	return attr
}

// jsonVRs are the VRs the DICOM JSON model knows.
var jsonVRs = func() map[string]struct{} {
	m := map[string]struct{}{}
	for _, vr := range strings.Fields("AE AS AT CS DA DS DT FD FL IS LO LT OB OD OF OL OV OW PN SH SL SQ SS ST SV TM UC UI UL UN UR US UT UV") {
		m[vr] = struct{}{}
	}
	return m
}()

// numericSize is the size of one value of the binary numeric VRs.
var numericSize = map[string]int{"AT": 4, "US": 2, "SS": 2, "UL": 4, "SL": 4, "FL": 4, "FD": 8, "UV": 8, "SV": 8}

// maxSafeInteger is the largest integer a JSON number holds exactly in
// the common readers (2^53).
const maxSafeInteger = 1 << 53

// values decodes an element's value into its JSON values; nil when the
// element has none to give.
func values(vr string, b []byte, bigEndian bool, charset string) []any {
	if size, ok := numericSize[vr]; ok {
		return binaryValues(vr, size, b, bigEndian)
	}
	switch vr {
	case "OB", "OD", "OF", "OL", "OV", "OW", "UN", "SQ":
		return nil
	}
	text := decodeText(vr, b, charset)
	switch vr {
	case "LT", "ST", "UT", "UR":
		// Single-valued: a backslash is part of the text, and leading
		// spaces are significant (except in UR).
		text = strings.TrimRight(text, " \x00")
		if vr == "UR" {
			text = strings.TrimLeft(text, " ")
		}
		if text == "" {
			return nil
		}
		return []any{text}
	}
	if strings.Trim(text, " \x00") == "" {
		return nil
	}
	parts := strings.Split(text, `\`)
	out := make([]any, 0, len(parts))
	for _, p := range parts {
		p = strings.Trim(p, " \x00")
		if p == "" {
			out = append(out, nil)
			continue
		}
		switch vr {
		case "PN":
			out = append(out, personName(p))
		case "IS":
			if n, err := strconv.ParseInt(strings.TrimPrefix(p, "+"), 10, 64); err == nil {
				out = append(out, n)
			} else {
				out = append(out, nil)
			}
		case "DS":
			out = append(out, decimal(p))
		default:
			out = append(out, p)
		}
	}
	return out
}

// decimal parses a DS value, giving nil for anything that is not a finite
// decimal number (ParseFloat alone would accept "NaN", "Inf" and hex).
func decimal(s string) any {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c == '+' || c == '-' || c == '.' || c == 'e' || c == 'E') {
			return nil
		}
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return nil
	}
	return f
}

// personName splits a PN value into its component groups.
func personName(s string) any {
	groups := strings.SplitN(s, "=", 3)
	name := map[string]any{}
	for i, key := range []string{"Alphabetic", "Ideographic", "Phonetic"} {
		if i < len(groups) {
			if g := strings.TrimRight(groups[i], " "); g != "" {
				name[key] = g
			}
		}
	}
	if len(name) == 0 {
		return nil
	}
	return name
}

func binaryValues(vr string, size int, b []byte, bigEndian bool) []any {
	if len(b) == 0 || len(b)%size != 0 {
		return nil
	}
	var o binary.ByteOrder = binary.LittleEndian
	if bigEndian {
		o = binary.BigEndian
	}
	out := make([]any, 0, len(b)/size)
	for i := 0; i+size <= len(b); i += size {
		v := b[i : i+size]
		switch vr {
		case "AT":
			out = append(out, hexTag(dicom.NewTag(o.Uint16(v), o.Uint16(v[2:]))))
		case "US":
			out = append(out, o.Uint16(v))
		case "SS":
			out = append(out, int16(o.Uint16(v)))
		case "UL":
			out = append(out, o.Uint32(v))
		case "SL":
			out = append(out, int32(o.Uint32(v)))
		case "FL":
			out = append(out, finite(float64(math.Float32frombits(o.Uint32(v)))))
		case "FD":
			out = append(out, finite(math.Float64frombits(o.Uint64(v))))
		case "UV":
			if n := o.Uint64(v); n > maxSafeInteger {
				out = append(out, strconv.FormatUint(n, 10))
			} else {
				out = append(out, n)
			}
		case "SV":
			if n := int64(o.Uint64(v)); n > maxSafeInteger || n < -maxSafeInteger {
				out = append(out, strconv.FormatInt(n, 10))
			} else {
				out = append(out, n)
			}
		}
	}
	return out
}

// finite gives nil for the float values JSON cannot hold.
func finite(f float64) any {
	if math.IsInf(f, 0) || math.IsNaN(f) {
		return nil
	}
	return f
}

// decodeText returns the value as UTF-8. Only the VRs whose values may use
// the extended character set are decoded; Latin-1 (ISO_IR 100) is
// converted, UTF-8 and ASCII pass as they are, and bytes that are not
// valid UTF-8 become U+FFFD.
func decodeText(vr string, b []byte, charset string) string {
	switch vr {
	case "SH", "LO", "UC", "ST", "LT", "UT", "PN":
		if charset == "ISO_IR 100" || charset == `\ISO_IR 100` {
			var sb strings.Builder
			sb.Grow(len(b))
			for _, c := range b {
				sb.WriteRune(rune(c))
			}
			return sb.String()
		}
	}
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\uFFFD")
}
