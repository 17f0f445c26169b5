// Package nats connects channels to NATS JetStream: a source that consumes
// a stream through a durable pull consumer, and a destination that
// publishes each message to a stream and waits for its acknowledgement.
// docs/nats.md is the operator's guide; this comment is the contract.
//
// # Source
//
//	source:
//	  type: nats
//	  url: nats://nats.example:4222      # or urls: [...], nats:// or tls://
//	  stream: HL7_IN                     # required; must exist
//	  consumer: plexus-adt               # durable pull consumer; created or updated at start
//	  filter_subjects: [hl7.adt.>]       # or filter_subject; default: the whole stream
//	  deliver_policy: all                # all (default) or new; for a new consumer only
//	  ack_wait: 30s
//	  max_deliver: 0                     # 0: no bound (default)
//	  max_ack_pending: 1000
//	  workers: 1                         # 1 keeps the stream's order
//	  content_type: ""                   # default: the Content-Type header, else sniffed
//	  retry_delay: 5s
//	  bind: false                        # true: use an existing consumer as it is
//	  auth: {user: plexus, password_file: /run/secrets/nats}
//	  tls: {ca: ca.crt}
//	  connect_timeout: 10s
//
// Each message is handed to the channel's Receiver and settled with the
// server only after Receive returned, that is after the journal has it:
// acknowledged when the channel accepted it, terminated when the channel
// refused it (it is journaled with status error, and sending it again
// would change nothing). When the channel could not store it, the source
// tries the same message again every retry_delay, telling the server it is
// still in progress, so the messages after it do not overtake it; at Stop
// it is nakked with that delay. Messages pulled and not yet handed to the
// channel at Stop are nakked (delay one second) so that another node or
// the next start gets them without waiting for ack_wait; messages of a
// process that dies before acknowledging come back after ack_wait.
// Delivery is therefore at least once: the engine's duplicate suppression
// by MSH-10 (with MSH-3 and MSH-4, within the channel's dedup window) marks
// a second copy of an HL7 v2 message; other content is not deduplicated.
//
// engine.Inbound has no field for a sender's message identity, so a
// message's Nats-Msg-Id is not passed on; Remote is "<stream>/<stream
// sequence>", the same for every delivery of one stream message, which
// lets an operator find copies in the journal. A traceparent header
// continues the publisher's trace.
//
// The content type is content_type when set; otherwise the Content-Type
// header's media type (application/hl7-v2 and x-application/hl7-v2+er7
// are HL7 v2, text/plain is HL7 v2 when the payload starts with MSH);
// without a usable header, MSH makes HL7 v2, valid JSON makes JSON, other
// UTF-8 text/plain, and anything else application/octet-stream.
//
// # Destination
//
//	destination:
//	  type: nats
//	  url: nats://nats.example:4222
//	  subject: "plexus.{{.Channel}}.{{.Type}}.{{.Trigger}}"   # required; text/template
//	  stream: HL7_OUT                    # optional: checked at the first connection
//	  create_stream:                     # optional: create stream if missing
//	    subjects: [plexus.>]
//	    storage: file                    # file (default) or memory
//	    max_age: 720h
//	    duplicate_window: 2m             # default: the server's, two minutes
//	  timeout: 10s                       # one publish and its acknowledgement
//	  auth: {token_env: NATS_TOKEN}
//	  tls: {ca: ca.crt, cert: client.crt, key: client.key}
//
// The subject template sees the fields of msgtmpl.Data (.Channel,
// .Destination, .MessageID, .Attempt, .ContentType, .ControlID, .Type,
// .Trigger, .SendingApp, .SendingFacility, .ReceivedAt). Each value is
// made one safe subject token: characters other than letters, digits, "-"
// and "_" become "_". A subject with an empty token (a message without
// .Type, say) is a permanent failure; write {{or .Type "none"}}.
//
// Each message carries the headers Nats-Msg-Id
// ("plexus-<channel>-<message id>-<destination>", the same on every
// attempt, so the stream drops a copy re-published within its duplicate
// window after a lost acknowledgement), Content-Type, Plexus-Message-Id,
// Plexus-Channel, and traceparent when the delivery is traced. The
// response is Status "stored" or "duplicate" with the body
// {"stream":…,"seq":…,"duplicate":…}. A message larger than the stream
// or server allows, a subject no stream takes, a subject of another stream
// than the configured one, and other refusals with a 4xx code are
// permanent (dead-lettered); an unreachable server, a timeout, a stream
// with no leader or out of space are retried.
//
// # Authentication
//
// auth holds at most one method: token_env or token_file; user with
// password_env or password_file; nkey_seed_file; creds_file. Secrets are
// read when a connection is made, never written in the configuration nor
// repeated in errors; credentials in a URL are refused.
package nats
