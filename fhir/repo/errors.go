package repo

import (
	"errors"
	"fmt"
	"time"
)

// ErrNotFound is returned when a resource, or the version asked for, has
// never existed (HTTP 404).
var ErrNotFound = errors.New("fhir/repo: resource not found")

// ErrGone is matched (with errors.Is) by the *DeletedError returned when the
// resource, or the version asked for, is a deletion (HTTP 410).
var ErrGone = errors.New("fhir/repo: resource deleted")

// ErrInvalid is wrapped by every error about the input itself: JSON that does
// not parse or is not an object, a resourceType or id that does not match or
// is malformed, a malformed version or cursor (HTTP 400).
var ErrInvalid = errors.New("fhir/repo: invalid input")

// DeletedError reports that a resource, or the version read, is a deletion.
// It carries the deletion's version, which a server shows in the ETag of its
// 410 answer.
type DeletedError struct {
	Type, ID    string
	VersionID   string
	LastUpdated time.Time
}

// Error names the resource and its deletion's version.
func (e *DeletedError) Error() string {
	return fmt.Sprintf("fhir/repo: %s/%s is deleted (version %s)", e.Type, e.ID, e.VersionID)
}

// Is makes errors.Is(err, ErrGone) true.
func (e *DeletedError) Is(target error) bool { return target == ErrGone }

// VersionConflictError reports that a write expected a version other than
// the current one: an If-Match that does not match, or another writer that
// stored a version in between (HTTP 409 or 412).
type VersionConflictError struct {
	Type, ID string
	// Expected is the version the caller expected.
	Expected string
	// Current is the current version, "" when the resource does not exist.
	Current string
}

// Error names the resource and both versions.
func (e *VersionConflictError) Error() string {
	cur := e.Current
	if cur == "" {
		cur = "none, the resource does not exist"
	}
	return fmt.Sprintf("fhir/repo: %s/%s: version %s expected, current is %s", e.Type, e.ID, e.Expected, cur)
}

// invalid returns an error wrapping ErrInvalid.
func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrInvalid, fmt.Sprintf(format, args...))
}

// isOutcome tells an answer about the request (not found, deleted, conflict,
// invalid) from a failure of the store. An outcome is decided before a write
// touches the database, so its transaction needs no rollback.
func isOutcome(err error) bool {
	var conflict *VersionConflictError
	return errors.Is(err, ErrNotFound) || errors.Is(err, ErrGone) || errors.Is(err, ErrInvalid) || errors.As(err, &conflict)
}
