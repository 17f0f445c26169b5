package channel

import (
	"context"
	"errors"
	"fmt"
)

// State is what a channel is doing. An operator pauses a channel to stop
// taking messages while its queues drain (a downstream maintenance window
// that must not grow a backlog, a sender flooding bad messages), and stops
// it to hold its deliveries too.
type State string

// Channel states.
const (
	// Running: the source takes messages and the lanes deliver them.
	Running State = "running"
	// Paused: the source is stopped (its listeners closed, senders retry)
	// while the lanes keep delivering what is queued.
	Paused State = "paused"
	// Stopped: source and lanes are stopped. Queued deliveries stay in
	// the journal, pending, and go out once the channel starts again.
	Stopped State = "stopped"
)

// ErrShutDown is returned by SetState on a channel that Stop shut down.
var ErrShutDown = errors.New("channel is shut down")

// State returns the channel's state.
func (c *Channel) State() State {
	c.ctlMu.Lock()
	defer c.ctlMu.Unlock()
	if !c.started {
		return c.spec.State
	}
	return c.state
}

// SetState moves a started channel to st. Stopping the source lets its
// in-flight messages finish (within ctx); stopping the lanes cancels an
// attempt in progress, which stays queued and does not count. The source
// is started again from Spec.NewSource. When st cannot be reached (the
// source cannot listen again, say), the channel stays as it was and the
// error says why.
func (c *Channel) SetState(ctx context.Context, st State) error {
	c.ctlMu.Lock()
	defer c.ctlMu.Unlock()
	if c.closed {
		return fmt.Errorf("channel %s: %w", c.spec.Name, ErrShutDown)
	}
	if !c.started {
		return fmt.Errorf("channel %s: not started", c.spec.Name)
	}
	switch st {
	case Running:
		// The source first: a source that cannot start leaves the channel
		// as it was, without a delivery made meanwhile. Messages it takes
		// before the lanes run wait in the queue for a moment.
		if !c.sourceOn && c.source != nil {
			if err := c.startSource(ctx); err != nil {
				return err
			}
		}
		if c.lanesCancel == nil {
			c.startLanes()
		}
	case Paused:
		c.stopSourceLogged(ctx)
		if c.lanesCancel == nil {
			c.startLanes()
		}
	case Stopped:
		c.stopSourceLogged(ctx)
		c.stopLanes()
	default:
		return fmt.Errorf("channel %s: unknown state %q", c.spec.Name, st)
	}
	c.state = st
	return nil
}

// startSource starts the source, a fresh one if it ran before. ctlMu is
// held.
func (c *Channel) startSource(ctx context.Context) error {
	if c.source == nil {
		return nil
	}
	src := c.source
	if c.sourceUsed {
		if c.spec.NewSource == nil {
			return fmt.Errorf("channel %s: the source cannot start again", c.spec.Name)
		}
		var err error
		if src, err = c.spec.NewSource(); err != nil {
			return fmt.Errorf("channel %s: making the source: %w", c.spec.Name, err)
		}
		c.source = src
	}
	c.sourceUsed = true
	if err := src.Start(ctx, c); err != nil {
		src.Stop(ctx) // releases what a half-started source holds
		return fmt.Errorf("channel %s: starting source: %w", c.spec.Name, err)
	}
	c.sourceOn = true
	return nil
}

// stopSource stops the source if it runs. ctlMu is held.
func (c *Channel) stopSource(ctx context.Context) error {
	if !c.sourceOn {
		return nil
	}
	c.sourceOn = false
	return c.source.Stop(ctx)
}

// stopSourceLogged stops the source for a pause or stop: a source that
// did not finish its in-flight messages within ctx is stopped all the same
// (its listeners are closed), which the log records.
func (c *Channel) stopSourceLogged(ctx context.Context) {
	if err := c.stopSource(ctx); err != nil {
		c.log.Warn("stopping source", "err", err)
	}
}

// startLanes starts a goroutine per lane. ctlMu is held.
func (c *Channel) startLanes() {
	ctx, cancel := context.WithCancel(context.Background())
	c.lanesCancel = cancel
	for _, ls := range c.lanes {
		for _, l := range ls {
			c.wg.Add(1)
			go l.run(ctx)
		}
	}
}

// stopLanes stops the lanes and waits for them. ctlMu is held.
func (c *Channel) stopLanes() {
	if c.lanesCancel == nil {
		return
	}
	c.lanesCancel()
	c.wg.Wait()
	c.lanesCancel = nil
}
