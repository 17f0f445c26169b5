// Package keyring seals and opens stored payloads with AES-256-GCM under
// 256-bit data keys that each carry a key ID. One key is active: Seal uses
// it; Open uses whichever key the sealed value names, so a payload sealed
// before a rotation stays readable after it.
//
// A sealed value is a small versioned header followed by the GCM output:
//
//	magic "\x00PXE" | version 1 | len(keyID) | keyID | nonce (12 bytes) | ciphertext+tag
//
// The header is authenticated together with the caller's additional data,
// which binds a value to where it belongs (a table, a column and a row):
// a sealed value copied to another row, or under another key ID, does not
// open. Nonces are random, so one key should seal fewer than 2^32 values;
// rotate long before that.
//
// Keys come from a file (JSON or YAML, mode 0600) or an environment
// variable; see ReadFile and FromEnv. Nothing in this package logs or
// formats key material: a Ring and a FileKey print their IDs only.
package keyring
