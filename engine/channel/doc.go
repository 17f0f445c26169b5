// Package channel runs channels: it receives messages from a source,
// parses, de-duplicates, filters and transforms them, stores each with its
// deliveries in the journal before answering the sender, and drains each
// destination's queue in its lanes with retries, backoff and dead-lettering.
//
// A Spec is a channel with every part already built (source, destinations,
// filter, transforms); turning configuration into Specs is the caller's job,
// so this package knows nothing of YAML.
//
// Delivery order. Each destination has one lane by default: its queue is
// drained strictly in order (most urgent first, then oldest), and a message
// that fails blocks the ones behind it until it is delivered or
// dead-lettered. With an order key (for example PID-3.1), messages are
// spread over N lanes by a hash of the key, so that order is kept per key
// (per patient) while N deliveries run in parallel.
package channel
