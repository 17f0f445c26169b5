// Package fhir delivers FHIR Bundles, such as those the transform step
// v2_to_fhir makes from HL7 v2 messages, to a FHIR server: the one built
// into this process (fhir-store) or any other over HTTP (fhir-http).
//
// # fhir-store
//
//	destinations:
//	  - name: fhir
//	    type: fhir-store           # no options
//
// Each Bundle (transaction or batch) is processed in-process by the
// built-in FHIR server's Bundle processor, exactly as a POST to /fhir
// would be: validated, then written in one database transaction for a
// transaction Bundle. The binary hands the processor over with Register;
// a process without one (such as "plexus config validate") still accepts
// the configuration, and its deliveries fail and are retried.
//
// # fhir-http
//
//	destinations:
//	  - name: hie
//	    type: fhir-http
//	    url: https://fhir.example.org/r4   # the FHIR base; the Bundle is POSTed to it
//	    timeout: 30s                       # one exchange, token included; default 30s
//	    tls: {ca: ca.crt}                  # for https, as for the http destination
//	    oauth2:                            # optional: client credentials grant
//	      token_url: https://auth.example.org/token
//	      client_id: plexus
//	      client_secret_env: HIE_SECRET    # or client_secret_file: /run/secrets/hie
//	      scope: system/*.write
//	      auth_style: basic                # basic (default) or body
//
// The access token is fetched on first use and kept until shortly before
// it expires (or, when the token endpoint gives no lifetime, until the FHIR
// server answers 401); the secret is read again for each new token, so a
// rotated secret file is picked up without a reload.
//
// # Outcomes
//
// Both destinations classify the answer the same way. Success is a 2xx
// answer whose entries (for a batch) all succeeded. A 4xx answer is the
// Bundle's fault and dead-letters the message at once, with the
// OperationOutcome's issues as the reason; 408, 409 (the server's
// "changed while processing, retry") and 429 are the exception, and with
// 5xx answers, network failures, a store failure and a token endpoint that
// does not answer, they are retried with the destination's backoff. A 401
// from the FHIR server with oauth2 set drops the cached token and is
// retried.
package fhir
