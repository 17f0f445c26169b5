package archive

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/plexus-health/plexus/dicom"
)

// headerPrefixes are the lengths of data set prefix Commit reads, in turn,
// to find the attributes before the pixel data without reading a large
// instance whole.
var headerPrefixes = []int64{64 << 10, 1 << 20, 16 << 20}

// Incoming is an instance being received: its bytes go straight to a
// temporary file in the archive, so a large instance never sits in memory.
// Call Commit when all bytes are written, or Abort.
type Incoming struct {
	a                  *Archive
	f                  *os.File
	w                  *bufio.Writer
	head               int64 // length of the preamble and meta information
	size               int64 // data set bytes written
	sourceAE           string
	sopClass, instance string
	ts                 dicom.TransferSyntax
	done               bool
}

// Receive starts receiving an instance of the SOP class and instance that a
// sender announced, in the transfer syntax.
func (a *Archive) Receive(sourceAE, sopClass, sopInstance string, ts dicom.TransferSyntax) (*Incoming, error) {
	head, err := dicom.AppendMeta(nil, dicom.NewMeta(sopClass, sopInstance, ts.UID, sourceAE), nil)
	if err != nil {
		return nil, err
	}
	f, err := os.CreateTemp(a.dir, ".incoming-*")
	if err != nil {
		return nil, err
	}
	in := &Incoming{a: a, f: f, w: bufio.NewWriterSize(f, 256<<10), head: int64(len(head)), sourceAE: sourceAE, sopClass: sopClass, instance: sopInstance, ts: ts}
	if _, err := in.w.Write(head); err != nil {
		in.Abort()
		return nil, err
	}
	return in, nil
}

// Write appends data set bytes.
func (in *Incoming) Write(p []byte) (int, error) {
	n, err := in.w.Write(p)
	in.size += int64(n)
	return n, err
}

// Abort discards the instance.
func (in *Incoming) Abort() {
	if in.done {
		return
	}
	in.done = true
	in.f.Close()
	os.Remove(in.f.Name())
}

// Store keeps a data set received in the transfer syntax under the SOP
// class and instance named by the sender; see Commit.
func (a *Archive) Store(sourceAE, sopClass, sopInstance string, ts dicom.TransferSyntax, data []byte) (Instance, error) {
	in, err := a.Receive(sourceAE, sopClass, sopInstance, ts)
	if err != nil {
		return Instance{}, err
	}
	if _, err := in.Write(data); err != nil {
		in.Abort()
		return Instance{}, err
	}
	return in.Commit()
}

// Commit checks the instance and makes it durable: the data set must carry
// the SOP class and instance UIDs the sender announced and valid study and
// series instance UIDs. The file is synced, renamed to
// DIR/<study>/<series>/<instance>.dcm and its directory synced before
// Commit returns; an instance stored again replaces the earlier copy. On
// error the received bytes are discarded; errors about the instance itself
// wrap ErrInvalid.
func (in *Incoming) Commit() (Instance, error) {
	if in.done {
		return Instance{}, fmt.Errorf("archive: instance already committed or aborted")
	}
	fail := func(err error) (Instance, error) {
		in.Abort()
		return Instance{}, err
	}
	if err := in.w.Flush(); err != nil {
		return fail(err)
	}
	ds, err := in.header()
	if err != nil {
		return fail(fmt.Errorf("%w: %v", ErrInvalid, err))
	}
	r := newRecord(ds, in.ts.UID)
	switch {
	case !dicom.ValidUID(in.instance) || !dicom.ValidUID(in.sopClass):
		return fail(fmt.Errorf("%w: SOP class or instance UID is not a valid UID", ErrInvalid))
	case r.SOPInstanceUID != in.instance:
		return fail(fmt.Errorf("%w: the data set's SOP instance UID differs from the command's", ErrInvalid))
	case r.SOPClassUID != in.sopClass:
		return fail(fmt.Errorf("%w: the data set's SOP class UID differs from the command's", ErrInvalid))
	case !dicom.ValidUID(r.StudyInstanceUID):
		return fail(fmt.Errorf("%w: missing or invalid study instance UID", ErrInvalid))
	case !dicom.ValidUID(r.SeriesInstanceUID):
		return fail(fmt.Errorf("%w: missing or invalid series instance UID", ErrInvalid))
	}
	if err := in.f.Sync(); err != nil {
		return fail(err)
	}
	if err := in.f.Close(); err != nil {
		return fail(err)
	}
	a := in.a
	seriesDir := filepath.Join(a.dir, r.StudyInstanceUID, r.SeriesInstanceUID)
	if _, err := os.Stat(seriesDir); err != nil {
		// A new series: create its directories and make their entries
		// durable too.
		if err := os.MkdirAll(seriesDir, 0o750); err != nil {
			return fail(err)
		}
		for _, d := range []string{filepath.Dir(seriesDir), a.dir} {
			if err := syncDir(d); err != nil {
				return fail(err)
			}
		}
	}
	final := filepath.Join(seriesDir, in.instance+".dcm")
	if err := os.Rename(in.f.Name(), final); err != nil {
		return fail(err)
	}
	in.done = true
	if err := syncDir(seriesDir); err != nil {
		return Instance{}, err
	}
	r.Path = final
	r.Size = in.head + in.size
	r.SourceAE = in.sourceAE
	r.Received = time.Now().UTC()
	a.put(r)
	return r.Instance, nil
}

// header reads the attributes before the pixel data from the file, trying
// longer prefixes until the header is whole.
func (in *Incoming) header() (*dicom.Dataset, error) {
	if in.ts.Deflated {
		raw := make([]byte, in.size)
		if _, err := in.f.ReadAt(raw, in.head); err != nil {
			return nil, err
		}
		body, err := dicom.Inflate(raw, 0)
		if err != nil {
			return nil, err
		}
		return dicom.ParseDataset(body, in.ts, &dicom.Options{StopAtPixelData: true})
	}
	for _, n := range append(headerPrefixes, in.size) {
		n = min(n, in.size)
		buf := make([]byte, n)
		if _, err := in.f.ReadAt(buf, in.head); err != nil && err != io.EOF {
			return nil, err
		}
		ds, complete, err := dicom.ParseHeader(buf, in.ts)
		if n == in.size {
			return ds, err
		}
		if err == nil && complete {
			return ds, nil
		}
	}
	return nil, fmt.Errorf("archive: no header found in %d bytes", in.size)
}
