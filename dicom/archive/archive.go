// Package archive keeps received DICOM instances in a directory and answers
// C-FIND queries about them.
//
// Each instance is a Part 10 file at DIR/<study UID>/<series UID>/<SOP
// instance UID>.dcm. It is received into a temporary file (Receive, then
// Write as bytes arrive), and Commit syncs it, renames it into place and
// syncs its directory before it returns, so a success reported to a sender
// means the instance is on disk. The query index is held in memory:
// Open rebuilds it by reading the header of every file under DIR, which
// takes time proportional to the archive (about the cost of reading each
// file once).
package archive

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/plexus-health/plexus/dicom"
)

// Instance describes one stored instance.
type Instance struct {
	SOPClassUID       string
	SOPInstanceUID    string
	StudyInstanceUID  string
	SeriesInstanceUID string
	TransferSyntaxUID string
	// Path is the file's location.
	Path string
	// Size is the file's size in bytes.
	Size int64
	// SourceAE is the AE title that sent the instance ("" when unknown).
	SourceAE string
	// Received is when the instance was stored.
	Received time.Time
	// Attributes are the instance's values of the indexed attributes
	// (patient, study, series and instance level), padding removed. The
	// map is shared; do not modify it.
	Attributes map[dicom.Tag]string
}

// indexed are the attributes the index keeps per instance, by level.
var indexed = map[dicom.Tag]Level{
	dicom.TagPatientName:            Patient,
	dicom.TagPatientID:              Patient,
	dicom.TagPatientBirthDate:       Patient,
	dicom.TagPatientSex:             Patient,
	dicom.TagStudyInstanceUID:       Study,
	dicom.TagStudyDate:              Study,
	dicom.TagStudyTime:              Study,
	dicom.TagAccessionNumber:        Study,
	dicom.TagStudyID:                Study,
	dicom.TagStudyDescription:       Study,
	dicom.TagReferringPhysicianName: Study,
	dicom.TagSeriesInstanceUID:      Series,
	dicom.TagModality:               Series,
	dicom.TagSeriesNumber:           Series,
	dicom.TagSeriesDescription:      Series,
	dicom.TagSOPInstanceUID:         Image,
	dicom.TagSOPClassUID:            Image,
	dicom.TagInstanceNumber:         Image,
}

type record struct {
	Instance
	attrs   map[dicom.Tag]string
	charset string
}

// Archive is a directory of instances with an in-memory query index. It is
// safe for concurrent use.
type Archive struct {
	dir string
	mu  sync.RWMutex
	// byUID maps SOP instance UIDs to their records.
	byUID map[string]*record
	order []string // SOP instance UIDs in the order first stored
}

// ErrInvalid is wrapped by Store errors about the instance itself (as
// opposed to the disk): a sender should not retry it unchanged.
var ErrInvalid = errors.New("archive: invalid instance")

// Open opens (creating it if needed) the archive in dir and indexes the
// instances already there. Files that cannot be read are skipped and
// returned in the error list, so one bad file does not stop a restart;
// temporary files left by a crash mid-transfer are removed.
func Open(dir string) (*Archive, []error, error) {
	if err := os.MkdirAll(dir, 0o750); err != nil {
		return nil, nil, err
	}
	a := &Archive{dir: dir, byUID: map[string]*record{}}
	var bad []error
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasPrefix(d.Name(), ".incoming-") {
			// A transfer cut short by a crash; it was never acknowledged.
			if err := os.Remove(p); err != nil {
				bad = append(bad, err)
			}
			return nil
		}
		if d.IsDir() || !strings.HasSuffix(p, ".dcm") {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			bad = append(bad, err)
			return nil
		}
		f, err := dicom.ParseFile(data, &dicom.Options{StopAtPixelData: true})
		if err != nil {
			bad = append(bad, fmt.Errorf("%s: %w", p, err))
			return nil
		}
		info, _ := d.Info()
		r := newRecord(f.Dataset, f.Meta.String(dicom.TagTransferSyntaxUID))
		r.Path = p
		r.SourceAE = f.Meta.String(dicom.TagSourceApplicationEntityTitle)
		if info != nil {
			r.Size = info.Size()
			r.Received = info.ModTime()
		}
		a.put(r)
		return nil
	})
	if err != nil {
		return nil, bad, err
	}
	return a, bad, nil
}

// Dir returns the archive's directory.
func (a *Archive) Dir() string { return a.dir }

// Len returns the number of instances.
func (a *Archive) Len() int {
	a.mu.RLock()
	defer a.mu.RUnlock()
	return len(a.byUID)
}

// Study returns the instances of the study, in the order they were first
// stored.
func (a *Archive) Study(studyUID string) []Instance {
	a.mu.RLock()
	defer a.mu.RUnlock()
	var out []Instance
	for _, uid := range a.order {
		if r := a.byUID[uid]; r.StudyInstanceUID == studyUID {
			out = append(out, r.Instance)
		}
	}
	return out
}

// Instance returns the instance with the SOP instance UID.
func (a *Archive) Instance(sopInstanceUID string) (Instance, bool) {
	a.mu.RLock()
	defer a.mu.RUnlock()
	r, ok := a.byUID[sopInstanceUID]
	if !ok {
		return Instance{}, false
	}
	return r.Instance, true
}

// Instances returns the stored instances in the order they were first
// stored (or found at Open).
func (a *Archive) Instances() []Instance {
	a.mu.RLock()
	defer a.mu.RUnlock()
	out := make([]Instance, 0, len(a.order))
	for _, uid := range a.order {
		out = append(out, a.byUID[uid].Instance)
	}
	return out
}

func (a *Archive) put(r *record) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.byUID[r.SOPInstanceUID]; !ok {
		a.order = append(a.order, r.SOPInstanceUID)
	}
	a.byUID[r.SOPInstanceUID] = r
}

func newRecord(ds *dicom.Dataset, ts string) *record {
	r := &record{attrs: map[dicom.Tag]string{}, charset: ds.String(dicom.TagSpecificCharacterSet)}
	for t := range indexed {
		if v := ds.String(t); v != "" {
			r.attrs[t] = v
		}
	}
	r.Attributes = r.attrs
	r.SOPClassUID = r.attrs[dicom.TagSOPClassUID]
	r.SOPInstanceUID = r.attrs[dicom.TagSOPInstanceUID]
	r.StudyInstanceUID = r.attrs[dicom.TagStudyInstanceUID]
	r.SeriesInstanceUID = r.attrs[dicom.TagSeriesInstanceUID]
	r.TransferSyntaxUID = ts
	return r
}

func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
