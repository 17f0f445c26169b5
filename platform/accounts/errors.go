package accounts

import "errors"

// Errors callers branch on with errors.Is.
var (
	// ErrNotFound is a user or API key that does not exist.
	ErrNotFound = errors.New("accounts: not found")
	// ErrExists is a user name already taken.
	ErrExists = errors.New("accounts: already exists")
	// ErrInvalid is a name, role, permission or password that breaks the
	// rules; the wrapping error says which.
	ErrInvalid = errors.New("accounts: invalid")
	// ErrBadCredentials is a wrong user name or password, or an unknown,
	// malformed, revoked or expired key or session. It says no more, so
	// that an attacker learns nothing from it.
	ErrBadCredentials = errors.New("accounts: invalid credentials")
	// ErrLocked is a login refused without trying because too many recent
	// attempts for the user or from the address failed.
	ErrLocked = errors.New("accounts: too many failed logins; try again later")
)
