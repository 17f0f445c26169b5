package dicom

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"slices"
	"sync"
	"time"

	"github.com/plexus-health/plexus/connector/internal/option"
	dcm "github.com/plexus-health/plexus/dicom"
	"github.com/plexus-health/plexus/dicom/dimse"
	"github.com/plexus-health/plexus/engine"
)

// DefaultCallingAE is the AE title a destination calls from when its
// calling_ae option is empty.
const DefaultCallingAE = "PLEXUS"

// maxContexts bounds the presentation contexts one association proposes;
// DIMSE allows 128.
const maxContexts = 64

// DestinationConfig is the options of a DICOM destination.
type DestinationConfig struct {
	// Address is the peer's host:port.
	Address string `yaml:"address"`
	// CalledAE is the peer's AE title.
	CalledAE string `yaml:"called_ae"`
	// CallingAE is our AE title; empty means DefaultCallingAE.
	CallingAE string `yaml:"calling_ae"`
	// Timeout bounds connecting, negotiating and each store; 0 means
	// dimse.DefaultARTIM.
	Timeout time.Duration `yaml:"timeout"`
}

func (c *DestinationConfig) validate() error {
	var p option.Problems
	p.DialAddr("address", c.Address)
	aeTitle(&p, "called_ae", c.CalledAE, true)
	aeTitle(&p, "calling_ae", c.CallingAE, false)
	p.Duration("timeout", c.Timeout)
	return p.Err()
}

// Destination stores instances on a DICOM peer with C-STORE, over one
// association that it keeps between deliveries.
type Destination struct {
	cfg DestinationConfig
	log *slog.Logger

	mu        sync.Mutex // held for a whole delivery: one association, one store at a time
	assoc     *dimse.Association
	proposals []dimse.Proposal // what assoc was negotiated with
	closed    bool
}

// NewDestination is the engine.DestinationFactory of DICOM destinations. It
// checks the options without connecting.
func NewDestination(env engine.Env, opts engine.Options) (engine.Destination, error) {
	var cfg DestinationConfig
	if err := opts.Decode(&cfg); err != nil {
		return nil, err
	}
	if cfg.CallingAE == "" {
		cfg.CallingAE = DefaultCallingAE
	}
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	log := env.Logger
	if log == nil {
		log = slog.Default()
	}
	return &Destination{cfg: cfg, log: log.With("channel", env.Channel, "destination", env.Name)}, nil
}

// Deliver stores the instance that out.Payload, a descriptor, names. The
// response's Status is "stored", or "warning 0xNNNN" when the peer stored
// it with a warning.
func (d *Destination) Deliver(ctx context.Context, out *engine.Outbound) (*engine.Response, error) {
	desc, err := ParseDescriptor(out.Payload)
	if err != nil {
		return nil, engine.Permanent(err)
	}
	if !archived(desc.Path) {
		return nil, engine.Permanent(errors.New("dicom destination: the descriptor's path is not an instance in an archive of this node"))
	}
	data, err := os.ReadFile(desc.Path)
	if err != nil {
		if errors.Is(err, os.ErrNotExist) {
			return nil, engine.Permanent(fmt.Errorf("dicom destination: the instance is no longer in the archive"))
		}
		return nil, fmt.Errorf("dicom destination: reading the instance: %w", err)
	}
	f, err := dcm.ParseFile(data, &dcm.Options{StopAtPixelData: true})
	if err != nil {
		return nil, engine.Permanent(fmt.Errorf("dicom destination: reading the instance: %w", err))
	}
	ts := f.Meta.String(dcm.TagTransferSyntaxUID)
	if ts == "" {
		ts = f.TransferSyntax.UID
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil, errors.New("dicom destination: closed")
	}
	var st *dimse.StatusError
	for try := 0; ; try++ {
		reused := d.assoc != nil
		var a *dimse.Association
		a, err = d.association(ctx, out.MessageID, desc.SOPClassUID, ts)
		if err != nil {
			return nil, err
		}
		err = a.Store(ctx, desc.SOPClassUID, desc.SOPInstanceUID, ts, data[f.DatasetOffset:])
		if err == nil || errors.As(err, &st) || !reused || try > 0 || ctx.Err() != nil {
			break
		}
		// The peer may have closed the association while it was idle:
		// store once more over a new one.
		d.drop()
	}
	switch {
	case err == nil:
		return &engine.Response{Status: "stored"}, nil
	case errors.As(err, &st) && warning(st.Status):
		return &engine.Response{Status: fmt.Sprintf("warning 0x%04X", st.Status), Body: []byte(st.Comment)}, nil
	case errors.As(err, &st):
		resp := &engine.Response{Status: fmt.Sprintf("0x%04X", st.Status), Body: []byte(st.Comment)}
		if st.Status&0xFF00 == dimse.StatusOutOfResources {
			// Refused for now (disk full, a busy archive): worth retrying.
			return resp, err
		}
		d.log.Info("dicom destination: store refused", "message_id", out.MessageID, "status", resp.Status)
		return resp, engine.Permanent(err)
	default:
		// The association is in an unknown state: start afresh.
		d.drop()
		return nil, fmt.Errorf("dicom destination: %w", err)
	}
}

// warning reports whether a C-STORE status is a warning (PS3.4 B.2.3):
// the instance was stored.
func warning(status uint16) bool {
	return status == 0x0001 || status&0xF000 == 0xB000
}

// association returns an association with an accepted presentation context
// for the SOP class in the transfer syntax, negotiating a new one (with
// the contexts of the old one too, so that alternating classes do not
// renegotiate each time) when the open one lacks it. Called with d.mu held.
func (d *Destination) association(ctx context.Context, messageID int64, sopClass, ts string) (*dimse.Association, error) {
	if d.assoc != nil {
		if _, ok := contextFor(d.assoc, sopClass, ts); ok {
			return d.assoc, nil
		}
		if d.proposed(sopClass, ts) {
			// Proposed and refused: asking again will not help.
			return nil, engine.Permanent(fmt.Errorf("dicom destination: the peer does not accept SOP class %s in transfer syntax %s", sopClass, ts))
		}
	}
	proposals := []dimse.Proposal{{AbstractSyntax: sopClass, TransferSyntaxes: []string{ts}}}
	if len(d.proposals) < maxContexts {
		proposals = append(proposals, d.proposals...)
	}
	d.release(ctx)
	a, err := dimse.Dial(ctx, d.cfg.Address, dimse.Config{CallingAE: d.cfg.CallingAE, CalledAE: d.cfg.CalledAE, Timeout: d.cfg.Timeout}, proposals)
	if err != nil {
		var rj *dimse.AssociateRJ
		if errors.As(err, &rj) && rj.Result == 1 {
			// A permanent rejection (AE titles the peer does not know)
			// refuses every instance alike until the configuration is
			// fixed: retried, so the queue holds them until then, and
			// logged so the operator sees why.
			d.log.Warn("dicom destination: association rejected permanently", "message_id", messageID, "reason", rj.Error())
		}
		return nil, fmt.Errorf("dicom destination: %w", err)
	}
	d.assoc, d.proposals = a, proposals
	if _, ok := contextFor(a, sopClass, ts); !ok {
		return nil, engine.Permanent(fmt.Errorf("dicom destination: the peer does not accept SOP class %s in transfer syntax %s", sopClass, ts))
	}
	return a, nil
}

func contextFor(a *dimse.Association, sopClass, ts string) (*dimse.Context, bool) {
	for _, c := range a.Contexts() {
		if c.AbstractSyntax == sopClass && c.TransferSyntax.UID == ts {
			return c, true
		}
	}
	return nil, false
}

// proposed reports whether the open association proposed the context.
func (d *Destination) proposed(sopClass, ts string) bool {
	return slices.ContainsFunc(d.proposals, func(p dimse.Proposal) bool {
		return p.AbstractSyntax == sopClass && slices.Contains(p.TransferSyntaxes, ts)
	})
}

// release ends the open association politely. Called with d.mu held.
func (d *Destination) release(ctx context.Context) {
	if d.assoc == nil {
		return
	}
	if err := d.assoc.Release(ctx); err != nil {
		d.assoc.Abort()
	}
	d.assoc.Close()
	d.assoc, d.proposals = nil, nil
}

// drop aborts the open association. Called with d.mu held.
func (d *Destination) drop() {
	if d.assoc != nil {
		d.assoc.Abort()
		d.assoc.Close()
		d.assoc, d.proposals = nil, nil
	}
}

// Close releases the association; later deliveries fail.
func (d *Destination) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.closed = true
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	d.release(ctx)
	return nil
}

var (
	_ engine.Destination = (*Destination)(nil)
	_ engine.Closer      = (*Destination)(nil)
)
