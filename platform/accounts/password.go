package accounts

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// Password length limits. The minimum follows NIST SP 800-63B's advice for
// passwords chosen by people (length over composition rules); the maximum
// keeps a request from making the server hash megabytes.
const (
	MinPasswordLength = 12   // characters
	MaxPasswordLength = 1024 // bytes
)

// Params are argon2id's cost parameters. They are written into every hash,
// so raising them later leaves existing hashes verifiable.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32 // passes
	Threads uint8
	SaltLen uint32 // bytes
	KeyLen  uint32 // bytes
}

// DefaultParams are OWASP's recommended argon2id settings (19 MiB, two
// passes, one thread): about 20–40 ms per hash on a server core, which
// makes guessing expensive while a login stays quick.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, SaltLen: 16, KeyLen: 32}

// Bounds on the parameters a stored hash may name: a tampered or corrupt
// row must not make a login allocate gigabytes.
const (
	maxMemory  = 1 << 20 // KiB: 1 GiB
	maxTime    = 20
	maxThreads = 16
)

var b64 = base64.RawStdEncoding

// CheckPassword reports whether password satisfies the length rules.
func CheckPassword(password string) error {
	if n := utf8.RuneCountInString(password); n < MinPasswordLength {
		return fmt.Errorf("%w: a password needs at least %d characters", ErrInvalid, MinPasswordLength)
	}
	if len(password) > MaxPasswordLength {
		return fmt.Errorf("%w: a password may have at most %d bytes", ErrInvalid, MaxPasswordLength)
	}
	return nil
}

// HashPassword returns the argon2id hash of password with a fresh random
// salt, encoded as "$argon2id$v=19$m=M,t=T,p=P$salt$hash" (the form the
// reference implementation and most libraries read). It does not check the
// length rules; CheckPassword does.
func (p Params) HashPassword(password string) (string, error) {
	if p.Memory == 0 || p.Time == 0 || p.Threads == 0 || p.SaltLen < 8 || p.KeyLen < 16 {
		return "", fmt.Errorf("%w: argon2id parameters %+v are too weak", ErrInvalid, p)
	}
	salt := make([]byte, p.SaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("accounts: generating a salt: %w", err)
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword reports whether password matches encoded, a hash made by
// HashPassword with any parameters. The comparison takes the same time
// wherever the first differing byte is. An error means encoded is not a
// hash this package can read.
func VerifyPassword(encoded, password string) (bool, error) {
	p, salt, want, err := decodeHash(encoded)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1, nil
}

var errHashFormat = errors.New("accounts: not an argon2id hash")

// decodeHash parses the encoded form and bounds its parameters.
func decodeHash(encoded string) (p Params, salt, key []byte, err error) {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[0] != "" || parts[1] != "argon2id" {
		return p, nil, nil, errHashFormat
	}
	var v int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &v); err != nil || v != argon2.Version {
		return p, nil, nil, fmt.Errorf("%w: unsupported version %q", errHashFormat, parts[2])
	}
	var m, t, th uint64
	if n, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &th); err != nil || n != 3 {
		return p, nil, nil, fmt.Errorf("%w: bad parameters %q", errHashFormat, parts[3])
	}
	if m == 0 || m > maxMemory || t == 0 || t > maxTime || th == 0 || th > maxThreads {
		return p, nil, nil, fmt.Errorf("%w: parameters %q out of bounds", errHashFormat, parts[3])
	}
	if salt, err = b64.DecodeString(parts[4]); err != nil || len(salt) < 8 || len(salt) > 64 {
		return p, nil, nil, fmt.Errorf("%w: bad salt", errHashFormat)
	}
	if key, err = b64.DecodeString(parts[5]); err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, fmt.Errorf("%w: bad hash", errHashFormat)
	}
	p = Params{Memory: uint32(m), Time: uint32(t), Threads: uint8(th), SaltLen: uint32(len(salt)), KeyLen: uint32(len(key))}
	return p, salt, key, nil
}
