// Package audit is Plexus's tamper-evident audit log: who did what, when,
// from where, with what outcome, for every FHIR interaction, admin action,
// login and view of a message payload.
//
// The log is append-only and hash-chained. Each record carries the SHA-256
// of the previous record's hash and a canonical encoding of all its own
// fields (chain.go), so changing any field of a stored record, deleting one,
// reordering two or inserting one breaks the chain at that record; Verify
// walks the chain and names the first broken record. The database refuses
// UPDATE and DELETE on the table as well (SQLite triggers), but that only
// stops mistakes: the chain is the guarantee.
//
// Records are written by one background writer with group commit
// (store.Committer): many concurrent Record calls share one transaction, the
// queue is bounded, and a full queue makes Record wait rather than drop the
// entry. Record returns once its entry is committed.
//
// Entries reach the log in three ways: Middleware records each HTTP request
// after its handler ran, classified by FHIRInteraction or AdminAction;
// authentication code calls Record for logins; and anything else that must
// be on the record calls Record itself. The log is read through Query, the
// admin API handler (AdminHandler, GET /api/v1/audit) and the FHIR handler
// (FHIRHandler, AuditEvent resources).
//
// Request and response bodies are never recorded. Paths, query strings and
// resource ids are, and they can name a patient: the log is patient data
// and is shown to auditors only.
package audit
