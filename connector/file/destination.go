package file

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/plexus-health/plexus/connector/internal/msgtmpl"
	"github.com/plexus-health/plexus/engine"
)

// DefaultFilename is the file name template used when none is configured.
const DefaultFilename = "{{.MessageID}}{{.Ext}}"

// Permissions of the files and directories a destination creates: the
// files hold patient data.
const (
	filePerm = 0o640
	dirPerm  = 0o750
)

// maxValueLen bounds each template value in a file name, in bytes.
const maxValueLen = 100

// DestinationConfig is the options of a file destination.
type DestinationConfig struct {
	// Dir is the directory files are written under. It is created if
	// missing.
	Dir string `yaml:"dir"`
	// Filename is a text/template for the file's path under Dir, over
	// NameData; default DefaultFilename.
	Filename string `yaml:"filename"`
	// Overwrite replaces an existing file of the same name.
	Overwrite bool `yaml:"overwrite"`
}

// NameData is what a filename template sees.
type NameData struct {
	msgtmpl.Data
	// Ext is an extension for the content type, with its dot.
	Ext string
}

// Destination writes each message to a file.
type Destination struct {
	cfg  DestinationConfig
	name *msgtmpl.Template
	log  *slog.Logger

	// beforePublish, when set (by tests), is called with the temporary
	// file's path once it is written and synced, before it gets its name.
	beforePublish func(tmp string)
}

// NewDestination is the engine.DestinationFactory of file destinations. It
// checks the options, the file name template included, without touching
// the file system.
func NewDestination(env engine.Env, opts engine.Options) (engine.Destination, error) {
	var cfg DestinationConfig
	if err := opts.Decode(&cfg); err != nil {
		return nil, err
	}
	var errs []error
	if cfg.Dir == "" {
		errs = append(errs, errors.New("dir: required"))
	}
	if cfg.Filename == "" {
		cfg.Filename = DefaultFilename
	}
	t, sample, err := msgtmpl.Parse("filename", cfg.Filename, sampleName)
	if err == nil {
		_, err = relPath(sample)
	}
	if err != nil {
		errs = append(errs, fmt.Errorf("filename: %w", err))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	log := env.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Destination{cfg: cfg, name: t, log: log.With("channel", env.Channel, "destination", env.Name)}, nil
}

// sampleName is the data a filename template is tried on when it is
// configured.
var sampleName = NameData{
	Data: msgtmpl.Data{Channel: "channel", Destination: "destination", MessageID: 1, Attempt: 1,
		ContentType: "application_hl7-v2", ControlID: "control", Type: "ADT", Trigger: "A01",
		SendingApp: "app", SendingFacility: "facility", ReceivedAt: time.Unix(0, 0).UTC()},
	Ext: ".hl7",
}

// Deliver writes out.Payload atomically to the file its name template
// gives.
func (d *Destination) Deliver(ctx context.Context, out *engine.Outbound) (*engine.Response, error) {
	text, err := d.name.Execute(NameData{Data: msgtmpl.NewData(out, sanitize), Ext: extension(out.ContentType)})
	if err != nil {
		return nil, engine.Permanent(fmt.Errorf("file destination: file name: %w", err))
	}
	rel, err := relPath(text)
	if err != nil {
		return nil, engine.Permanent(fmt.Errorf("file destination: file name: %w", err))
	}
	path := filepath.Join(d.cfg.Dir, rel)
	if err := d.write(path, out.Payload); err != nil {
		return nil, err
	}
	d.log.Debug("file destination: written", "message_id", out.MessageID, "file", path, "size", len(out.Payload))
	return &engine.Response{Status: "written", Body: []byte(path)}, nil
}

// write writes data to a hidden temporary file beside path, syncs it, and
// gives it its name.
func (d *Destination) write(path string, data []byte) error {
	dir := filepath.Dir(path)
	if err := mkdirAll(d.cfg.Dir, dir); err != nil {
		return fmt.Errorf("file destination: %w", err)
	}
	base := filepath.Base(path)
	if len(base) > maxValueLen {
		base = base[:maxValueLen]
	}
	tmp, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return fmt.Errorf("file destination: %w", err)
	}
	_, err = tmp.Write(data)
	if err == nil {
		err = tmp.Chmod(filePerm)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	defer os.Remove(tmp.Name()) // gone already, unless something failed
	if err != nil {
		return fmt.Errorf("file destination: writing %s: %w", tmp.Name(), err)
	}
	if d.beforePublish != nil {
		d.beforePublish(tmp.Name())
	}
	err = publish(tmp.Name(), path, d.cfg.Overwrite)
	if errors.Is(err, fs.ErrExist) {
		// A retried delivery finds its own file from before.
		if existing, rerr := os.ReadFile(path); rerr == nil && bytes.Equal(existing, data) {
			return nil
		}
		return engine.Permanent(fmt.Errorf("file destination: %s exists with other content, and overwrite is off", path))
	}
	if err != nil {
		return fmt.Errorf("file destination: %w", err)
	}
	return nil
}

// mkdirAll creates dir, which is root or below it, and the directories
// between, syncing the parent of each directory it creates.
func mkdirAll(root, dir string) error {
	if info, err := os.Stat(dir); err == nil && info.IsDir() {
		return nil
	}
	var missing []string
	for p := dir; ; p = filepath.Dir(p) {
		if _, err := os.Stat(p); err == nil {
			break
		}
		missing = append(missing, p)
		if p == root || filepath.Dir(p) == p {
			break
		}
	}
	for i := len(missing) - 1; i >= 0; i-- {
		p := missing[i]
		if err := os.Mkdir(p, dirPerm); err != nil && !errors.Is(err, fs.ErrExist) {
			return err
		}
		if err := syncDir(filepath.Dir(p)); err != nil {
			return err
		}
	}
	return nil
}

// relPath checks the expanded file name template and returns it as a
// relative path under the destination directory.
func relPath(name string) (string, error) {
	if name == "" {
		return "", errors.New("expands to an empty name")
	}
	if strings.ContainsRune(name, 0) || !utf8.ValidString(name) {
		return "", fmt.Errorf("%q has a NUL or is not UTF-8", name)
	}
	if !filepath.IsLocal(name) {
		return "", fmt.Errorf("%q is not a relative path that stays in dir", name)
	}
	for part := range strings.SplitSeq(filepath.ToSlash(name), "/") {
		switch {
		case part == "":
			return "", fmt.Errorf("%q has an empty path element", name)
		case strings.HasPrefix(part, "."):
			return "", fmt.Errorf("%q: element %q begins with a dot, which marks hidden and temporary files", name, part)
		case len(part) > 255:
			return "", fmt.Errorf("%q: element longer than 255 bytes", name)
		}
	}
	return filepath.FromSlash(name), nil
}

// sanitize makes a template value safe as (part of) one path element: it
// keeps letters, digits and "._-+=@,^~", replaces any other character, path
// separators included, with "_", replaces leading dots, and cuts the value
// to maxValueLen bytes.
func sanitize(s string) string {
	var b strings.Builder
	for _, r := range s {
		if b.Len()+utf8.RuneLen(r) > maxValueLen {
			break
		}
		if unicode.IsLetter(r) || unicode.IsDigit(r) || strings.ContainsRune("._-+=@,^~", r) {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	out := b.String()
	trimmed := strings.TrimLeft(out, ".")
	return strings.Repeat("_", len(out)-len(trimmed)) + trimmed
}

// extension returns a file extension for a content type.
func extension(ct string) string {
	switch {
	case ct == engine.ContentHL7v2:
		return ".hl7"
	case ct == engine.ContentJSON || strings.HasSuffix(ct, "+json"):
		return ".json"
	case strings.HasSuffix(ct, "/xml") || strings.HasSuffix(ct, "+xml"):
		return ".xml"
	case strings.HasPrefix(ct, "text/"):
		return ".txt"
	}
	return ".dat"
}

var _ engine.Destination = (*Destination)(nil)
