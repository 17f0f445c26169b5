package journal

import (
	"context"
	"database/sql"
	"fmt"
)

// ChannelStates returns the state an operator left each channel in
// ("paused" or "stopped") by channel name. A channel that is not in the map
// runs.
func (j *Journal) ChannelStates(ctx context.Context) (map[string]string, error) {
	rows, err := j.db.R.QueryContext(ctx, `SELECT channel, state FROM channel_states`)
	if err != nil {
		return nil, fmt.Errorf("journal: reading channel states: %w", err)
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var name, state string
		if err := rows.Scan(&name, &state); err != nil {
			return nil, fmt.Errorf("journal: reading channel states: %w", err)
		}
		out[name] = state
	}
	return out, rows.Err()
}

// SetChannelState records the state an operator put a channel in; an empty
// state (a running channel) removes the record. It returns once the change
// is committed.
func (j *Journal) SetChannelState(ctx context.Context, channel, state string) error {
	err := j.c.Do(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if state == "" {
			_, err := tx.ExecContext(ctx, `DELETE FROM channel_states WHERE channel = ?`, channel)
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO channel_states (channel, state, updated_at) VALUES (?, ?, ?)
			ON CONFLICT (channel) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
			channel, state, j.now().UnixMicro())
		return err
	})
	if err != nil {
		return fmt.Errorf("journal: recording the state of channel %s: %w", channel, err)
	}
	return nil
}
