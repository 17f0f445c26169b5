package dicom

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"

	"github.com/plexus-health/plexus/dicom/archive"
	"github.com/plexus-health/plexus/engine"
)

// archives holds the archives the process opened, by absolute directory.
// An archive indexes its directory in memory, so two handles on one
// directory would each miss what the other stores: the sources, the
// DICOMweb handler and the imaging study step share one.
var archives struct {
	sync.Mutex
	byDir map[string]*archive.Archive
}

// OpenArchive returns the process's archive in dir, opening (and indexing)
// it on first use. Files that cannot be read are logged by path and
// skipped, as archive.Open does.
func OpenArchive(dir string, log *slog.Logger) (*archive.Archive, error) {
	if dir == "" {
		return nil, errors.New("dicom archive: no directory")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("dicom archive: %w", err)
	}
	archives.Lock()
	defer archives.Unlock()
	if a := archives.byDir[abs]; a != nil {
		return a, nil
	}
	a, bad, err := archive.Open(abs)
	if err != nil {
		return nil, fmt.Errorf("dicom archive: %w", err)
	}
	if log == nil {
		log = slog.Default()
	}
	for _, e := range bad {
		log.Warn("dicom archive: file skipped", "err", e)
	}
	if archives.byDir == nil {
		archives.byDir = map[string]*archive.Archive{}
	}
	archives.byDir[abs] = a
	return a, nil
}

// opened returns the archive the process opened in dir, or nil. Descriptors
// come from the journal, but a channel could be fed one by another source:
// a directory that no dicom source opened is never read on their word.
func opened(dir string) *archive.Archive {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil
	}
	archives.Lock()
	defer archives.Unlock()
	return archives.byDir[abs]
}

// archived reports whether path is an instance file inside an archive the
// process opened.
func archived(path string) bool {
	abs, err := filepath.Abs(path)
	if err != nil || !strings.HasSuffix(abs, ".dcm") {
		return false
	}
	archives.Lock()
	defer archives.Unlock()
	for dir := range archives.byDir {
		if rel, err := filepath.Rel(dir, abs); err == nil && filepath.IsLocal(rel) {
			return true
		}
	}
	return false
}

// Study returns the instances of a study held in the archive in dir, which
// a dicom source of this process (or OpenArchive) must have opened.
func Study(dir, studyUID string) ([]archive.Instance, error) {
	a := opened(dir)
	if a == nil {
		return nil, fmt.Errorf("dicom archive: no dicom source of this node stores in %s", dir)
	}
	inst := a.Study(studyUID)
	if len(inst) == 0 {
		return nil, fmt.Errorf("dicom archive: no instance of study %s", studyUID)
	}
	return inst, nil
}

// ArchiveDir returns the archive directory of a dicom source's options: its
// archive option, else <dataDir>/dicom.
func ArchiveDir(dataDir string, opts engine.Options) (string, error) {
	var cfg SourceConfig
	if err := opts.Decode(&cfg); err != nil {
		return "", err
	}
	return cfg.archiveDir(dataDir)
}
