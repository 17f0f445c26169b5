package node

import (
	"context"
	"errors"
	"fmt"

	"github.com/plexus-health/plexus/engine/channel"
)

// Errors of Control, to branch on with errors.Is.
var (
	// ErrUnknownChannel: no channel of that name runs in the current
	// configuration.
	ErrUnknownChannel = errors.New("no such channel")
	// ErrBadAction: the action is not start, stop, pause or resume.
	ErrBadAction = errors.New("unknown channel action; use start, stop, pause or resume")
	// ErrWrongState: the action does not apply to the channel's state
	// (pause or resume a stopped channel: start it).
	ErrWrongState = errors.New("action does not apply to the channel's state")
)

// Control actions.
const (
	ActionStart  = "start"  // source and deliveries run
	ActionStop   = "stop"   // source and deliveries stop; queued deliveries wait in the journal
	ActionPause  = "pause"  // the source stops (listeners closed); queues keep draining
	ActionResume = "resume" // a paused channel's source starts again
)

// Control changes what a channel does, as an operator asks:
//
//	start   stopped or paused → running
//	stop    running or paused → stopped
//	pause   running → paused (stopped: ErrWrongState)
//	resume  paused → running (stopped: ErrWrongState)
//
// An action that leaves the channel as it is (pause a paused channel)
// succeeds without change. The state is stored before Control returns: it
// survives a configuration reload, even one that changes the channel, and
// a restart, so that a channel an operator stopped does not come back by
// itself. Removing a channel from the configuration keeps its state for
// when it returns.
//
// Stopping the source waits, within ctx, for the messages it is receiving;
// stopping the deliveries cancels an attempt in progress, which stays
// queued and does not count as an attempt.
func (n *Node) Control(ctx context.Context, name, action string) error {
	var target channel.State
	switch action {
	case ActionStart, ActionResume:
		target = channel.Running
	case ActionStop:
		target = channel.Stopped
	case ActionPause:
		target = channel.Paused
	default:
		return fmt.Errorf("node: %q: %w", action, ErrBadAction)
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	r, ok := n.channels[name]
	if !ok {
		return fmt.Errorf("node: channel %q: %w", name, ErrUnknownChannel)
	}
	from := r.ch.State()
	if from == channel.Stopped && (action == ActionPause || action == ActionResume) {
		return fmt.Errorf("node: channel %s is stopped; start it: %w", name, ErrWrongState)
	}
	if from == target {
		return nil
	}
	if err := r.ch.SetState(ctx, target); err != nil {
		return fmt.Errorf("node: %s %s: %w", action, name, err)
	}
	stored := string(target)
	if target == channel.Running {
		stored = ""
	}
	if err := n.j.SetChannelState(ctx, name, stored); err != nil {
		// An unrecorded state would not survive a restart: undo it.
		if uerr := r.ch.SetState(context.WithoutCancel(ctx), from); uerr != nil {
			n.log.Error("restoring channel state", "channel", name, "state", string(from), "err", uerr)
		}
		return fmt.Errorf("node: %s %s: %w", action, name, err)
	}
	if target == channel.Running {
		delete(n.states, name)
	} else {
		n.states[name] = target
	}
	n.log.Info("channel state changed", "channel", name, "action", action, "from", string(from), "to", string(target))
	return nil
}
