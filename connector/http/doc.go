// Package http connects channels to systems that speak HTTP: a source that
// takes messages posted to an endpoint, and a destination that posts (or
// puts) each message to a URL.
//
// # Source
//
//	source:
//	  type: http
//	  listen: ":8080"              # required
//	  path: /hl7                   # default "/"; only POST is allowed
//	  max_body_size: 16777216      # bytes; default 16 MiB
//	  content_types:               # media type patterns accepted; default below
//	    - application/hl7-v2
//	    - text/*
//	  read_timeout: 60s
//	  write_timeout: 60s
//	  idle_timeout: 120s
//	  retry_after: 5s              # Retry-After sent with 503
//	  rate_limit: {per_second: 20, burst: 40}   # per client address; default off (429 over it)
//	  tls: {cert: server.crt, key: server.key, client_ca: ca.crt, allowed_clients: [lab-system]}
//
// The default content_types are application/hl7-v2,
// x-application/hl7-v2+er7, text/*, application/json, application/*+json,
// application/xml, application/*+xml and application/edi-x12. A pattern's "*" stands for any
// characters except "/".
//
// The body's content type for the engine follows the request's
// Content-Type: application/hl7-v2 (and x-application/hl7-v2+er7) is HL7
// v2; text/plain is HL7 v2 when the body starts with an MSH segment and
// plain text otherwise; application/json is JSON; any other type is passed
// on as it is (application/edi-x12 is X12). Without a Content-Type the body
// is sniffed: an MSH segment makes it HL7 v2, an ISA segment X12, valid JSON
// makes it JSON, and anything else is refused with 415.
//
// The answer is sent only after the engine has journaled the message:
//
//   - HL7 v2: the engine's acknowledgement as the body, Content-Type
//     application/hl7-v2; status 200 for AA (or CA), 400 for AE, AR, CE or
//     CR. The 400 tells HTTP clients that know nothing of MSA that sending
//     the same bytes again will not help; the ACK says why. (A message the
//     engine stored but answered AE, such as one waiting for a downstream
//     answer in after_delivery mode, also gets 400: resending it would only
//     make a duplicate.)
//   - X12: the engine's TA1 and/or 999 as the body, Content-Type
//     application/edi-x12; status 200 when the interchange is accepted,
//     422 when it is refused (envelope or set errors, a duplicate
//     interchange control number, a transform that failed), with the
//     answer saying why. An X12 message the engine answers with no body
//     (ack: none, an incoming 999 or TA1, bytes that are not X12) gets the
//     JSON answer below.
//   - other content: {"id": <journal ID>, "status": "accepted"} with 200,
//     or "rejected" with 400.
//   - 503 with Retry-After when the engine could not store the message
//     (journal overloaded or unavailable): nothing was kept, send it again.
//   - 413 for a body over max_body_size, 415 for a content type not
//     accepted, 400 for an empty body, 405 for a method other than POST.
//
// # Destination
//
//	destination:
//	  type: http
//	  url: https://fhir.example.org/hl7   # required, http or https
//	  method: POST                        # POST (default) or PUT
//	  headers:                            # values are text/template
//	    Authorization: Bearer s3cret
//	    Idempotency-Key: "{{.Channel}}-{{.MessageID}}"
//	    X-Control-ID: "{{.ControlID}}"
//	  success_codes: [200, 201, 202]      # default: any 2xx
//	  timeout: 30s                        # whole exchange
//	  tls: {ca: ca.crt, cert: client.crt, key: client.key, insecure_skip_verify: false}
//
// Header templates see the fields of msgtmpl.Data: .Channel, .Destination,
// .MessageID, .Attempt, .ContentType, .ControlID, .Type, .Trigger,
// .SendingApp, .SendingFacility and .ReceivedAt; no patient data. The
// Content-Type is the payload's unless a Content-Type header is configured.
//
// A status in success_codes is success. 408, 429 and 5xx, and failures to
// connect or to get an answer in time, are retried; any other status (4xx,
// and 3xx, as redirects are not followed) is a permanent failure and the
// message is dead-lettered. The response keeps the status code and at most
// 64 KiB of the body.
package http
