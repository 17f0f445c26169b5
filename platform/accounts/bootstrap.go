package accounts

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
)

// LocalKeyFile is the file in the data directory that holds the admin key
// EnsureLocalKey made. The CLI reads it when no other key is given.
const LocalKeyFile = "admin.key"

// LocalKeyName is the name of that key in listings.
const LocalKeyName = "local-admin"

// LocalKeyPath returns where EnsureLocalKey writes the key for dataDir.
func LocalKeyPath(dataDir string) string { return filepath.Join(dataDir, LocalKeyFile) }

// EnsureLocalKey gives a fresh install one way in: when the store has no
// user and no API key yet, it creates an admin API key with PermPHI and
// writes it to <dataDir>/admin.key, readable by the file's owner only. Who
// can read that file can already read the database beside it, so the key
// grants nothing new, while nothing is open to the network. It reports
// whether it made a key; it never logs or returns the key.
//
// On later starts it does nothing, even if the file was deleted: an
// operator who removed it meant to. A file left from an earlier store is
// replaced. "plexus apikeys create" run on the data directory makes a new
// key.
func (a *Accounts) EnsureLocalKey(ctx context.Context, dataDir string) (bool, error) {
	var users, keys int
	if err := a.db.R.QueryRowContext(ctx, `SELECT (SELECT COUNT(*) FROM users), (SELECT COUNT(*) FROM api_keys)`).Scan(&users, &keys); err != nil {
		return false, wrap("counting accounts", err)
	}
	if users > 0 || keys > 0 {
		return false, nil
	}
	k, err := a.CreateAPIKey(ctx, NewAPIKey{Name: LocalKeyName, Roles: []string{RoleAdmin}, Permissions: []string{PermPHI}})
	if err != nil {
		return false, err
	}
	if err := writeKeyFile(LocalKeyPath(dataDir), k.Key); err != nil {
		// The key is in no file, so nobody has it: drop it, so that the
		// next start, finding no key, tries again.
		if _, err := a.db.W.ExecContext(context.WithoutCancel(ctx), `DELETE FROM api_keys WHERE id = ?`, k.ID); err != nil {
			a.log.Error("accounts: dropping the unwritten local admin key", "key", k.ID, "err", err)
		}
		return false, err
	}
	return true, nil
}

// writeKeyFile writes key to path, mode 0600, replacing atomically what was
// there: a file left from an earlier store (its key is not in this one),
// or a symbolic link, which the rename replaces instead of following.
func writeKeyFile(path, key string) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".admin.key-*") // mode 0600
	if err != nil {
		return fmt.Errorf("accounts: creating the local admin key file: %w", err)
	}
	_, err = f.WriteString(key + "\n")
	if err == nil {
		err = f.Sync()
	}
	if err2 := f.Close(); err == nil {
		err = err2
	}
	if err == nil {
		err = os.Rename(f.Name(), path)
	}
	if err != nil {
		os.Remove(f.Name())
		return fmt.Errorf("accounts: writing the local admin key file: %w", err)
	}
	return nil
}
