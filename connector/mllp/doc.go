// Package mllp connects channels to HL7 v2 systems over MLLP (TCP or TLS).
//
// The source listens for senders and hands each message to the engine; the
// acknowledgement the engine returns, built only after the message is
// journaled, is written back on the same connection. When the engine cannot
// store a message the connection is closed without an acknowledgement, so
// the sender sends the message again.
//
//	source:
//	  type: mllp
//	  listen: ":2575"            # required
//	  max_connections: 100       # 0: no limit
//	  max_message_size: 16777216 # bytes; default 16 MiB
//	  read_timeout: 60s          # to receive one message once it began
//	  write_timeout: 30s         # to write one acknowledgement
//	  idle_timeout: 0s           # 0: idle connections stay open
//	  tls:                       # optional
//	    cert: server.crt
//	    key: server.key
//	    client_ca: ca.crt        # optional; requires client certificates
//	    allowed_clients: [lab-system]  # optional; pins the partners by
//	                             # certificate name (DNS SAN or CN)
//
// The destination sends each message and waits for its acknowledgement:
//
//	destination:
//	  type: mllp
//	  address: lab.example.org:2575  # required
//	  connect_timeout: 10s
//	  ack_timeout: 30s
//	  max_message_size: 16777216     # largest acknowledgement accepted
//	  on_ae: retry                   # retry | dead_letter
//	  on_ar: dead_letter             # retry | dead_letter
//	  tls:                           # optional
//	    ca: ca.crt
//	    cert: client.crt             # for mutual TLS
//	    key: client.key
//	    server_name: lab.example.org
//	    insecure_skip_verify: false
//
// An AA or CA acknowledgement is success. AE (application error) and CE
// follow on_ae; AR (application reject) and CR follow on_ar, where
// dead_letter makes the failure permanent so that the message goes to the
// dead-letter queue at once. Everything else is retried: a broken
// connection, a missing or malformed acknowledgement, an acknowledgement for
// another control ID.
package mllp
