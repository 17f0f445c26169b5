package node

import (
	"context"
	"slices"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/channel"
	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/transform"
)

// transformFor composes a channel's transform steps with a destination's
// own into the function that computes that destination's payload, or nil
// when neither has steps.
func transformFor(ch *config.Channel, d *config.Destination) channel.Transform {
	var pipes []*transform.Pipeline
	for _, p := range []*transform.Pipeline{ch.Pipeline, d.Pipeline} {
		if p.Len() > 0 {
			pipes = append(pipes, p)
		}
	}
	if len(pipes) == 0 {
		return nil
	}
	return func(ctx context.Context, msg *engine.Message) (string, []byte, error) {
		doc, err := transform.NewDoc(msg)
		if err != nil {
			return "", nil, err
		}
		for _, p := range pipes {
			if err := p.Run(ctx, doc); err != nil {
				return "", nil, err
			}
		}
		// Several destinations may convert the same message: keep its
		// unmapped list once.
		for _, u := range doc.Unmapped {
			if !slices.Contains(msg.Unmapped, u) {
				msg.Unmapped = append(msg.Unmapped, u)
			}
		}
		out, err := doc.Bytes()
		return doc.ContentType, out, err
	}
}
