package dicom

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParseFile checks that no input panics the parser, and that whatever
// it accepts it writes back in a form that reads back to the same encoding.
func FuzzParseFile(f *testing.F) {
	for _, name := range []string{"no_meta_group_length.dcm", "priv_SQ.dcm", "nested_priv_SQ.dcm", "UN_sequence.dcm", "ExplVR_BigEndNoMeta.dcm", "meta_missing_tsyntax.dcm", "empty_charset_LEI.dcm", "SC_rgb_rle.dcm"} {
		if data, err := os.ReadFile(filepath.Join(testFiles, name)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte{0x08, 0x00, 0x15, 0x11, 'S', 'Q', 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF, 0x0D, 0xE0, 0, 0, 0, 0, 0xFE, 0xFF, 0xDD, 0xE0, 0, 0, 0, 0})
	f.Fuzz(func(t *testing.T, data []byte) {
		file, err := ParseFile(data, &Options{MaxInflated: 1 << 20})
		if err != nil {
			return
		}
		out, err := AppendDataset(nil, file.Dataset, file.TransferSyntax)
		if err != nil {
			return // e.g. a sequence nested too deep to write
		}
		ts := file.TransferSyntax
		ts.Deflated = false
		again, err := ParseDataset(out, ts, nil)
		if err != nil {
			t.Fatalf("reading back the written data set: %v", err)
		}
		out2, err := AppendDataset(nil, again, ts)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(out, out2) {
			t.Fatal("written data set does not read back to the same encoding")
		}
	})
}
