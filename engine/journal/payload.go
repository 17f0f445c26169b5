package journal

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// DeliveryPayload returns what a delivery sends when its destination has a
// transform of its own (or the channel's transform changed the message):
// the stored payload, opened if it is sealed. It returns nil when the
// delivery sends the message content as received, and ErrNotFound when
// there is no such delivery. The operations dashboard shows it, to
// principals allowed to see content, as the delivery's transform output.
func (j *Journal) DeliveryPayload(ctx context.Context, deliveryID int64) ([]byte, error) {
	var messageID int64
	var destination string
	var payload []byte
	err := j.db.R.QueryRowContext(ctx, `SELECT message_id, destination, payload FROM deliveries WHERE id = ?`, deliveryID).
		Scan(&messageID, &destination, &payload)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("%w: delivery %d", ErrNotFound, deliveryID)
	}
	if err != nil {
		return nil, fmt.Errorf("journal: reading payload of delivery %d: %w", deliveryID, err)
	}
	return j.open(payload, payloadAAD(messageID, destination), fmt.Sprintf("payload of delivery %d", deliveryID))
}
