package keyring

import (
	"errors"
	"fmt"
)

// ErrCorrupt is returned by Open for a sealed value that is truncated,
// altered, or bound to other additional data (moved to another row).
var ErrCorrupt = errors.New("keyring: sealed value is corrupt, tampered with, or belongs elsewhere")

// ErrPlaintext is returned by Open for a value that has no sealed header:
// plaintext where ciphertext was required.
var ErrPlaintext = errors.New("keyring: value is not sealed (plaintext where ciphertext was required)")

// ErrUnknownKey is wrapped by an UnknownKeyError.
var ErrUnknownKey = errors.New("keyring: unknown key")

// UnknownKeyError is returned by Open for a value sealed under a key the
// ring does not hold (a key removed from the key file, or the wrong file).
type UnknownKeyError struct {
	ID string // the key ID the value names
}

func (e *UnknownKeyError) Error() string {
	return fmt.Sprintf("keyring: value is sealed under key %q, which the key ring does not hold", e.ID)
}

// Unwrap makes errors.Is(err, ErrUnknownKey) true.
func (e *UnknownKeyError) Unwrap() error { return ErrUnknownKey }
