// Package accounts is who may use the admin API and dashboard: users who
// log in with a password and hold a session cookie, API keys for systems,
// the roles they hold (admin, operator, viewer, auditor) and the separate
// "phi" permission to see message payloads.
//
// Secrets are never stored in the clear. Passwords are argon2id hashes in
// a self-describing form ("$argon2id$v=19$m=...,t=...,p=...$salt$hash");
// session tokens and API key secrets are 256-bit random values of which
// only the SHA-256 digest is kept, so a copy of the database does not let
// anyone log in. A session token is shown once, in its cookie; an API key
// ("pxk_<id>_<secret>") once, when it is created.
//
// Three HTTP pieces wire it into a server:
//
//   - Authenticate puts an auth.Principal in the request's context for a
//     valid session cookie or API key, and answers 401 to invalid ones.
//   - Authorize checks the principal against Policy, one table mapping each
//     admin route to the roles allowed; routes not in it are admin only.
//   - Handler serves login, logout, /me and the management of users and
//     API keys.
//
// Protect composes all three around the admin API. EnsureLocalKey gives a
// fresh install an admin key in <data>/admin.key, so that the CLI on the
// same machine works without setup while nothing is open to the network.
package accounts
