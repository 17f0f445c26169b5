// Package engine runs channels: a source receives a message, the channel
// filters and transforms it, the journal stores it together with one
// delivery per destination in a single group-committed transaction, and only
// then is the sender acknowledged. Each destination drains its own durable
// queue with retries, backoff, dead-lettering and replay.
//
// The types in this file set are the seams between the engine and its
// connectors (package connector/...), its configuration (engine/config), and
// its filter and transform steps (engine/filter, engine/transform).
package engine
