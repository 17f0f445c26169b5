package file

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/plexus-health/plexus/connector/internal/option"
	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/format/hl7v2"
)

// Defaults of the source options.
const (
	DefaultPollInterval   = 5 * time.Second
	DefaultMaxMessageSize = hl7v2.DefaultMaxMessageSize
)

// SourceConfig is the options of a directory source.
type SourceConfig struct {
	// Dir is the directory watched. It must exist when the source starts.
	Dir string `yaml:"dir"`
	// Pattern is a filepath.Match glob on file names; default "*".
	Pattern string `yaml:"pattern"`
	// PollInterval is the time between two scans of Dir; 0 means
	// DefaultPollInterval.
	PollInterval time.Duration `yaml:"poll_interval"`
	// MinAge skips files modified less than this long ago, which may
	// still be being written.
	MinAge time.Duration `yaml:"min_age"`
	// DoneDir receives the files whose messages were all accepted;
	// default Dir/done. It is created if missing.
	DoneDir string `yaml:"done_dir"`
	// ErrorDir receives the files with a refused message or a part that
	// is not a message; default Dir/error. It is created if missing.
	ErrorDir string `yaml:"error_dir"`
	// Split reads each file as a stream of HL7 v2 messages; otherwise a
	// file is one message.
	Split bool `yaml:"split"`
	// ContentType is the content type of a whole-file message; empty
	// means sniffed. Only HL7 v2 goes with Split.
	ContentType string `yaml:"content_type"`
	// MaxMessageSize is the largest message, in bytes (with Split false,
	// the largest file); 0 means DefaultMaxMessageSize.
	MaxMessageSize int `yaml:"max_message_size"`
}

func (c *SourceConfig) validate() error {
	var p option.Problems
	if c.Dir == "" {
		p.Addf("dir", "required")
	}
	c.Pattern = cmp.Or(c.Pattern, "*")
	if _, err := filepath.Match(c.Pattern, ""); err != nil || strings.ContainsRune(c.Pattern, filepath.Separator) {
		p.Addf("pattern", "%q is not a glob on file names such as *.hl7", c.Pattern)
	}
	p.Duration("poll_interval", c.PollInterval)
	p.Duration("min_age", c.MinAge)
	p.NotNegative("max_message_size", int64(c.MaxMessageSize))
	if c.Split && c.ContentType != "" && c.ContentType != engine.ContentHL7v2 {
		p.Addf("content_type", "%q cannot go with split, which reads HL7 v2 messages", c.ContentType)
	}
	if c.Dir != "" {
		c.DoneDir = cmp.Or(c.DoneDir, filepath.Join(c.Dir, "done"))
		c.ErrorDir = cmp.Or(c.ErrorDir, filepath.Join(c.Dir, "error"))
		dir := clean(c.Dir)
		switch {
		case clean(c.DoneDir) == dir:
			p.Addf("done_dir", "must not be dir itself")
		case clean(c.ErrorDir) == dir:
			p.Addf("error_dir", "must not be dir itself")
		}
	}
	return p.Err()
}

// clean returns an absolute, clean form of a path, for comparing paths.
func clean(p string) string {
	if abs, err := filepath.Abs(p); err == nil {
		return abs
	}
	return filepath.Clean(p)
}

// Source picks up the files dropped into a directory.
type Source struct {
	cfg SourceConfig
	log *slog.Logger

	mu       sync.Mutex
	state    int // 0 new, 1 started, 2 stopped
	recv     engine.Receiver
	stopping chan struct{}      // closed by Stop: finish the current message
	recvCtx  context.Context    // passed to Receive
	cancel   context.CancelFunc // cancels recvCtx when Stop runs out of time
	done     chan struct{}      // closed when the polling loop returned
}

// NewSource is the engine.SourceFactory of directory sources. It checks the
// options without touching the file system.
func NewSource(env engine.Env, opts engine.Options) (engine.Source, error) {
	var cfg SourceConfig
	if err := opts.Decode(&cfg); err != nil {
		return nil, err
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	cfg.PollInterval = cmp.Or(cfg.PollInterval, DefaultPollInterval)
	cfg.MaxMessageSize = cmp.Or(cfg.MaxMessageSize, DefaultMaxMessageSize)
	log := env.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Source{cfg: cfg, log: log.With("channel", env.Channel, "source", "file", "dir", cfg.Dir)}, nil
}

// Start checks the directory, creates done_dir and error_dir if needed, and
// polls the directory until Stop, the first time at once.
func (s *Source) Start(ctx context.Context, recv engine.Receiver) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state != 0 {
		return errors.New("file source: started already; a source runs once")
	}
	if err := s.prepare(recv); err != nil {
		return err
	}
	s.state = 1
	go s.run()
	return nil
}

// prepare readies the source to poll, without starting the loop.
func (s *Source) prepare(recv engine.Receiver) error {
	info, err := os.Stat(s.cfg.Dir)
	if err != nil {
		return fmt.Errorf("file source: %w", err)
	}
	if !info.IsDir() {
		return fmt.Errorf("file source: %s is not a directory", s.cfg.Dir)
	}
	for _, dir := range []string{s.cfg.DoneDir, s.cfg.ErrorDir} {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return fmt.Errorf("file source: %w", err)
		}
	}
	s.recv = recv
	s.stopping, s.done = make(chan struct{}), make(chan struct{})
	s.recvCtx, s.cancel = context.WithCancel(context.Background())
	return nil
}

// Stop lets the message being handed to the engine finish and stops
// polling. A file it was in the middle of stays in the directory, to be
// read again from its start when the source next starts. If ctx ends first,
// the engine call is cancelled and Stop returns ctx's error.
func (s *Source) Stop(ctx context.Context) error {
	s.mu.Lock()
	started := s.state == 1
	if started {
		close(s.stopping)
	}
	s.state = 2
	s.mu.Unlock()
	if !started {
		return nil
	}
	select {
	case <-s.done:
		s.cancel()
		return nil
	case <-ctx.Done():
		s.cancel()
		return fmt.Errorf("file source: stopping: %w", ctx.Err())
	}
}

func (s *Source) run() {
	defer close(s.done)
	timer := time.NewTimer(0)
	defer timer.Stop()
	for {
		select {
		case <-s.stopping:
			return
		case <-timer.C:
		}
		s.poll()
		timer.Reset(s.cfg.PollInterval)
	}
}

func (s *Source) stopped() bool {
	select {
	case <-s.stopping:
		return true
	default:
		return false
	}
}

// candidate is a file to read.
type candidate struct {
	path string
	info fs.FileInfo
}

// poll reads the files that are ready, oldest first. It gives up on the
// rest of them when the engine cannot store a message: they wait for the
// next poll.
func (s *Source) poll() {
	entries, err := os.ReadDir(s.cfg.Dir)
	if err != nil {
		s.log.Warn("file source: reading directory failed", "err", err)
		return
	}
	now := time.Now()
	var files []candidate
	for _, e := range entries {
		name := e.Name()
		if !e.Type().IsRegular() || strings.HasPrefix(name, ".") {
			continue
		}
		if ok, _ := filepath.Match(s.cfg.Pattern, name); !ok {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // gone since ReadDir
		}
		if info.Size() == 0 || now.Sub(info.ModTime()) < s.cfg.MinAge {
			continue
		}
		files = append(files, candidate{filepath.Join(s.cfg.Dir, name), info})
	}
	slices.SortFunc(files, func(a, b candidate) int {
		return cmp.Or(a.info.ModTime().Compare(b.info.ModTime()), strings.Compare(a.path, b.path))
	})
	for _, f := range files {
		if s.stopped() || !s.process(f) {
			return
		}
	}
}

// outcome is what became of a file's content.
type outcome struct {
	messages int // handed to the engine and stored
	refused  int // messages the engine refused, and parts that are not messages
}

// errNotStored reports that the engine could not store a message.
var errNotStored = errors.New("message not stored")

// errStopping reports that the source stopped in the middle of a file.
var errStopping = errors.New("source stopping")

// process reads one file, hands its messages to the engine and moves it.
// It returns false when the engine could not store a message, so that the
// poll stops.
func (s *Source) process(f candidate) bool {
	log := s.log.With("file", filepath.Base(f.path))
	var out outcome
	err := s.read(f.path, log, &out)
	switch {
	case errors.Is(err, errNotStored):
		log.Warn("file source: the engine could not store a message; file left in place to be read again",
			"stored", out.messages, "err", err)
		return false
	case errors.Is(err, errStopping):
		log.Info("file source: stopped in the middle of a file; it will be read again", "stored", out.messages)
		return false
	case err != nil:
		log.Warn("file source: reading failed; file left in place", "stored", out.messages, "err", err)
		return true
	}
	if info, err := os.Stat(f.path); err != nil || info.Size() != f.info.Size() || !info.ModTime().Equal(f.info.ModTime()) {
		log.Warn("file source: file changed while it was read; left in place to be read again", "stored", out.messages)
		return true
	}
	if out.messages == 0 && out.refused == 0 {
		out.refused = 1
		log.Warn("file source: no message in file")
	}
	dir, level := s.cfg.DoneDir, slog.LevelInfo
	if out.refused > 0 {
		dir, level = s.cfg.ErrorDir, slog.LevelWarn
	}
	dst, err := moveTo(f.path, dir)
	if err != nil {
		// Everything in it is journaled; reading it again gives
		// duplicates, which the engine recognises.
		log.Error("file source: moving the file failed; it will be read again", "to", dir, "err", err)
		return true
	}
	log.Log(context.Background(), level, "file source: file processed",
		"messages", out.messages, "refused", out.refused, "moved_to", dst)
	return true
}

// read hands the messages of the file at path to the engine.
func (s *Source) read(path string, log *slog.Logger, out *outcome) error {
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	defer fh.Close()
	if !s.cfg.Split {
		data, err := io.ReadAll(io.LimitReader(fh, int64(s.cfg.MaxMessageSize)+1))
		if err != nil {
			return err
		}
		if len(data) > s.cfg.MaxMessageSize {
			out.refused++
			log.Warn("file source: file larger than max_message_size", "max_message_size", s.cfg.MaxMessageSize)
			return nil
		}
		if len(bytes.TrimSpace(data)) == 0 {
			return nil // no message: error_dir
		}
		return s.receive(path, log, data, s.contentType(data), out)
	}
	rd := hl7v2.NewReader(fh)
	rd.SetMaxSize(s.cfg.MaxMessageSize)
	for {
		msg, err := rd.Next()
		switch {
		case err == io.EOF:
			return nil
		case errors.Is(err, hl7v2.ErrNoMSH), errors.Is(err, hl7v2.ErrTooLarge):
			// Not a message, or one too large to take: the file goes to
			// error_dir, where its bytes are kept. The error quotes the
			// text, so it is not logged.
			out.refused++
			problem := "text that is not an HL7 message"
			if errors.Is(err, hl7v2.ErrTooLarge) {
				problem = "message larger than max_message_size"
			}
			log.Warn("file source: part of the file cannot be taken", "offset", rd.Offset(), "problem", problem)
			continue
		case err != nil:
			return err
		}
		if err := s.receive(path, log, msg, engine.ContentHL7v2, out); err != nil {
			return err
		}
	}
}

// receive hands one message to the engine.
func (s *Source) receive(path string, log *slog.Logger, raw []byte, ct string, out *outcome) error {
	if s.stopped() {
		return errStopping
	}
	in := &engine.Inbound{Source: "file", Remote: path, ContentType: ct, Raw: raw, ReceivedAt: time.Now()}
	reply, err := s.recv.Receive(s.recvCtx, in)
	if err != nil {
		return fmt.Errorf("%w: %w", errNotStored, err)
	}
	if reply == nil {
		return fmt.Errorf("%w: the receiver gave no reply", errNotStored)
	}
	out.messages++
	if !reply.Accepted {
		out.refused++
		log.Info("file source: message refused", "message_id", reply.MessageID, "code", reply.Code, "size", len(raw))
	}
	return nil
}

// contentType returns the content type of a whole-file message.
func (s *Source) contentType(data []byte) string {
	if s.cfg.ContentType != "" {
		return s.cfg.ContentType
	}
	trimmed := bytes.TrimLeft(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), " \t\r\n")
	switch {
	case bytes.HasPrefix(trimmed, []byte("MSH")):
		return engine.ContentHL7v2
	case len(trimmed) > 4 && bytes.HasPrefix(trimmed, []byte("ISA")) && !isAlnum(trimmed[3]):
		return engine.ContentX12
	case json.Valid(data):
		return engine.ContentJSON
	}
	return engine.ContentText
}

func isAlnum(b byte) bool {
	return b >= '0' && b <= '9' || b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z'
}

var _ engine.Source = (*Source)(nil)
