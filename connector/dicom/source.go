package dicom

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"sync"

	"github.com/plexus-health/plexus/connector/internal/option"
	"github.com/plexus-health/plexus/dicom/archive"
	"github.com/plexus-health/plexus/dicom/dimse"
	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/platform/tlsconfig"
)

// SourceConfig is the options of a DICOM source.
type SourceConfig struct {
	// Listen is the TCP address to listen on, host:port.
	Listen string `yaml:"listen"`
	// AETitle is the called AE title the source answers to.
	AETitle string `yaml:"ae_title"`
	// CallingAEs lists the AE titles allowed to associate; empty allows
	// any.
	CallingAEs []string `yaml:"calling_aes"`
	// Archive is the directory instances are stored in; empty means
	// <data_dir>/dicom.
	Archive string `yaml:"archive"`
	// MaxPDU is the largest PDU accepted, in bytes; 0 means
	// dimse.DefaultMaxPDULength.
	MaxPDU int `yaml:"max_pdu"`
	// TLS, when set, makes the listener speak DICOM over TLS (PS3.15
	// B.1); with client_ca the modalities must present certificates.
	TLS *tlsconfig.Server `yaml:"tls"`
}

func (c *SourceConfig) validate() error {
	var p option.Problems
	p.ListenAddr("listen", c.Listen)
	aeTitle(&p, "ae_title", c.AETitle, true)
	for _, ae := range c.CallingAEs {
		aeTitle(&p, "calling_aes", ae, true)
	}
	p.NotNegative("max_pdu", int64(c.MaxPDU))
	if c.MaxPDU != 0 && (c.MaxPDU < 4096 || c.MaxPDU > 1<<24) {
		p.Addf("max_pdu", "%d: want 4096 to 16777216 bytes", c.MaxPDU)
	}
	if c.TLS != nil {
		p.Add(c.TLS.Validate("tls"))
	}
	return p.Err()
}

// aeTitle checks an AE title: 1 to 16 characters of printable ASCII, not
// only spaces, without a backslash (PS3.5 6.2, AE).
func aeTitle(p *option.Problems, field, ae string, required bool) {
	if ae == "" {
		if required {
			p.Addf(field, "required")
		}
		return
	}
	if len(ae) > 16 {
		p.Addf(field, "%q: an AE title has at most 16 characters", ae)
		return
	}
	blank := true
	for i := 0; i < len(ae); i++ {
		c := ae[i]
		if c < 0x20 || c > 0x7e || c == '\\' {
			p.Addf(field, "%q: an AE title is printable ASCII without a backslash", ae)
			return
		}
		if c != ' ' {
			blank = false
		}
	}
	if blank {
		p.Addf(field, "an AE title cannot be only spaces")
	}
}

func (c *SourceConfig) archiveDir(dataDir string) (string, error) {
	if c.Archive != "" {
		return c.Archive, nil
	}
	if dataDir == "" {
		return "", errors.New("archive: required when the node has no data directory")
	}
	return filepath.Join(dataDir, "dicom"), nil
}

// Source is a DICOM storage SCP feeding a channel.
type Source struct {
	cfg SourceConfig
	dir string
	log *slog.Logger

	mu     sync.Mutex
	srv    *dimse.Server
	addr   net.Addr
	done   chan struct{} // closed when Serve returned
	recv   engine.Receiver
	closed bool
}

// NewSource is the engine.SourceFactory of DICOM sources. It checks the
// options; the archive and the listener are opened by Start.
func NewSource(env engine.Env, opts engine.Options) (engine.Source, error) {
	var cfg SourceConfig
	if err := opts.Decode(&cfg); err != nil {
		return nil, err
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	dir, err := cfg.archiveDir(env.DataDir)
	if err != nil {
		return nil, err
	}
	// Descriptors name the archive by an absolute path, which the
	// destination and the steps read whatever their working directory.
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, fmt.Errorf("archive: %w", err)
	}
	log := env.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Source{cfg: cfg, dir: dir, log: log.With("channel", env.Channel, "source", "dicom")}, nil
}

// Start opens the archive and the listener and serves associations until
// Stop.
func (s *Source) Start(ctx context.Context, recv engine.Receiver) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.srv != nil || s.closed {
		return errors.New("dicom source: already started")
	}
	arch, err := OpenArchive(s.dir, s.log)
	if err != nil {
		return fmt.Errorf("dicom source: %w", err)
	}
	srv := &dimse.Server{
		AETitle:      s.cfg.AETitle,
		CallingAEs:   s.cfg.CallingAEs,
		Archive:      arch,
		OnStored:     s.stored,
		MaxPDULength: uint32(s.cfg.MaxPDU),
		Logger:       s.log,
	}
	var tlsConf *tls.Config
	if s.cfg.TLS != nil {
		certs, err := s.cfg.TLS.Load(s.log)
		if err != nil {
			return fmt.Errorf("dicom source: %w", err)
		}
		tlsConf = certs.Config()
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", s.cfg.Listen)
	if err != nil {
		return fmt.Errorf("dicom source: %w", err)
	}
	if tlsConf != nil {
		ln = tls.NewListener(ln, tlsConf)
	} else {
		tlsconfig.WarnPlaintext(s.log, "dicom source", ln.Addr().String())
	}
	s.srv, s.addr, s.recv, s.done = srv, ln.Addr(), recv, make(chan struct{})
	go func(done chan struct{}) {
		defer close(done)
		if err := srv.Serve(ln); err != nil && !errors.Is(err, dimse.ErrServerClosed) {
			s.log.Error("dicom source stopped serving", "err", err)
		}
	}(s.done)
	s.log.Info("dicom source listening", "addr", ln.Addr().String(), "ae_title", s.cfg.AETitle, "instances", arch.Len())
	return nil
}

// stored hands the descriptor of an instance the archive has made durable
// to the channel. An error makes the server answer 0xA700, so the sender
// sends the instance again.
func (s *Source) stored(ctx context.Context, inst archive.Instance) error {
	raw, err := json.Marshal(NewDescriptor(s.dir, s.cfg.AETitle, inst))
	if err != nil {
		return err
	}
	in := &engine.Inbound{
		Source:      "dicom",
		Remote:      inst.SourceAE,
		ContentType: ContentDescriptor,
		Raw:         raw,
		ReceivedAt:  inst.Received,
	}
	reply, err := s.recv.Receive(ctx, in)
	if err != nil {
		return fmt.Errorf("instance not journaled: %w", err)
	}
	if reply == nil {
		return errors.New("instance not journaled: the receiver gave no reply")
	}
	if !reply.Accepted {
		// Journaled with status error (a filter or transform failed): the
		// instance is kept and the message can be resent once the channel
		// is fixed; sending it again would be refused the same way.
		s.log.Warn("dicom instance journaled but refused by the channel", "message_id", reply.MessageID, "calling_ae", inst.SourceAE)
	}
	return nil
}

// Addr returns the address the source listens on once started, nil before.
func (s *Source) Addr() net.Addr {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.addr
}

// Stop closes the listener and the open associations, and returns when the
// server has stopped or ctx ends, whichever is first. The archive stays
// open: it is shared with the DICOMweb handler and other sources.
func (s *Source) Stop(ctx context.Context) error {
	s.mu.Lock()
	srv, done := s.srv, s.done
	s.closed = true
	s.mu.Unlock()
	if srv == nil {
		return nil
	}
	// Close waits for the associations' handlers, which a C-STORE being
	// journaled may hold up; ctx bounds the wait.
	closed := make(chan error, 1)
	go func() { closed <- srv.Close() }()
	select {
	case err := <-closed:
		<-done
		if err != nil {
			return fmt.Errorf("dicom source: stopping: %w", err)
		}
		return nil
	case <-ctx.Done():
		return fmt.Errorf("dicom source: stopping: %w", ctx.Err())
	}
}

var _ engine.Source = (*Source)(nil)
