package archive

import (
	"bytes"
	"errors"
	"os"
	"testing"

	"github.com/plexus-health/plexus/dicom"
)

// TestReceiveLargeHeaders stores instances whose headers end before, at and
// beyond the first prefixes Commit reads, in pieces as a network receive
// writes them, and checks the stored bytes and the index.
func TestReceiveLargeHeaders(t *testing.T) {
	a, _, err := Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	ts := dicom.TransferSyntax{UID: dicom.ExplicitVRLittleEndian}
	for i, privateSize := range []int{0, 70 << 10, 2 << 20} {
		ds, _ := instance("1.5", "1.5.1", "1.5.1."+string(rune('1'+i)), "X", "MR", "")
		if privateSize > 0 {
			ds.Set(&dicom.Element{Tag: dicom.NewTag(0x0009, 0x0010), VR: "LO", Value: []byte("BIGVENDOR ")})
			ds.Set(&dicom.Element{Tag: dicom.NewTag(0x0009, 0x1001), VR: "OB", Value: bytes.Repeat([]byte{7}, privateSize)})
		}
		// The study UID sits after the private block in tag order, so the
		// header is whole only when the prefix covers the block.
		ds.Set(&dicom.Element{Tag: dicom.TagPixelData, VR: "OW", Value: make([]byte, 1<<20)})
		body, err := dicom.AppendDataset(nil, ds, ts)
		if err != nil {
			t.Fatal(err)
		}
		in, err := a.Receive("AE", "1.2.840.10008.5.1.4.1.1.7", ds.String(dicom.TagSOPInstanceUID), ts)
		if err != nil {
			t.Fatal(err)
		}
		for rest := body; len(rest) > 0; {
			n := min(len(rest), 16<<10)
			if _, err := in.Write(rest[:n]); err != nil {
				t.Fatal(err)
			}
			rest = rest[n:]
		}
		inst, err := in.Commit()
		if err != nil {
			t.Fatalf("private block of %d bytes: %v", privateSize, err)
		}
		if inst.StudyInstanceUID != "1.5" || inst.SeriesInstanceUID != "1.5.1" {
			t.Errorf("indexed %+v", inst)
		}
		data, _ := os.ReadFile(inst.Path)
		f, err := dicom.ParseFile(data, nil)
		if err != nil || !bytes.Equal(data[f.DatasetOffset:], body) || inst.Size != int64(len(data)) {
			t.Errorf("stored file differs (err %v)", err)
		}
	}
}

func TestIncomingAbortAndReuse(t *testing.T) {
	dir := t.TempDir()
	a, _, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	ts := dicom.TransferSyntax{UID: dicom.ExplicitVRLittleEndian}
	in, err := a.Receive("AE", "1.2.3", "1.2.3.4", ts)
	if err != nil {
		t.Fatal(err)
	}
	in.Write([]byte("partial"))
	in.Abort()
	if _, err := in.Commit(); err == nil {
		t.Error("Commit after Abort succeeded")
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("left %d entries after Abort", len(entries))
	}
	// A truncated data set is invalid and leaves nothing behind.
	_, b := instance("1.1", "1.1.1", "1.1.1.1", "X", "CT", "")
	if _, err := a.Store("AE", "1.2.840.10008.5.1.4.1.1.7", "1.1.1.1", ts, b[:len(b)-3]); !errors.Is(err, ErrInvalid) {
		t.Errorf("truncated: %v", err)
	}
	entries, _ = os.ReadDir(dir)
	if len(entries) != 0 {
		t.Errorf("left %d entries after a refused instance", len(entries))
	}
}
