package accounts

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// User is an operator account as the API shows it: never its password hash.
type User struct {
	Name        string    `json:"name"`
	Roles       []string  `json:"roles"`
	Permissions []string  `json:"permissions"`
	Disabled    bool      `json:"disabled"`
	Created     time.Time `json:"created"`
	Updated     time.Time `json:"updated"`
}

// NewUser is what CreateUser needs.
type NewUser struct {
	Name        string   `json:"name"`
	Password    string   `json:"password"`
	Roles       []string `json:"roles"`
	Permissions []string `json:"permissions"`
}

// UserUpdate changes the fields that are not nil.
type UserUpdate struct {
	Password    *string   `json:"password,omitempty"`
	Roles       *[]string `json:"roles,omitempty"`
	Permissions *[]string `json:"permissions,omitempty"`
	Disabled    *bool     `json:"disabled,omitempty"`
}

const userColumns = `name, roles, permissions, disabled, created_at, updated_at`

func scanUser(row interface{ Scan(...any) error }) (*User, error) {
	var u User
	var roles, perms string
	var disabled int
	var created, updated int64
	if err := row.Scan(&u.Name, &roles, &perms, &disabled, &created, &updated); err != nil {
		return nil, err
	}
	u.Roles, u.Permissions, u.Disabled = splitList(roles), splitList(perms), disabled != 0
	u.Created, u.Updated = fromMicros(created), fromMicros(updated)
	return &u, nil
}

// CreateUser adds a user. The name must be new, the password long enough,
// and the roles and permissions known.
func (a *Accounts) CreateUser(ctx context.Context, nu NewUser) (*User, error) {
	if err := checkName(nu.Name); err != nil {
		return nil, err
	}
	roles, perms, err := checkGrants(nu.Roles, nu.Permissions)
	if err != nil {
		return nil, err
	}
	if err := CheckPassword(nu.Password); err != nil {
		return nil, err
	}
	hash, err := a.opts.Password.HashPassword(nu.Password)
	if err != nil {
		return nil, err
	}
	now := micros(a.now())
	err = a.inTx(ctx, "creating a user", func(tx *sql.Tx) error {
		var one int
		switch err := tx.QueryRowContext(ctx, `SELECT 1 FROM users WHERE name = ?`, nu.Name).Scan(&one); {
		case err == nil:
			return fmt.Errorf("user %q: %w", nu.Name, ErrExists)
		case !errors.Is(err, sql.ErrNoRows):
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO users (name, password_hash, roles, permissions, disabled, created_at, updated_at)
			VALUES (?, ?, ?, ?, 0, ?, ?)`, nu.Name, hash, joinList(roles), joinList(perms), now, now)
		return err
	})
	if err != nil {
		return nil, err
	}
	return a.User(ctx, nu.Name)
}

// User returns the named user, or ErrNotFound.
func (a *Accounts) User(ctx context.Context, name string) (*User, error) {
	u, err := scanUser(a.db.R.QueryRowContext(ctx, `SELECT `+userColumns+` FROM users WHERE name = ?`, name))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("user %q: %w", name, ErrNotFound)
	}
	return u, wrap("reading a user", err)
}

// Users lists every user by name.
func (a *Accounts) Users(ctx context.Context) ([]User, error) {
	rows, err := a.db.R.QueryContext(ctx, `SELECT `+userColumns+` FROM users ORDER BY name`)
	if err != nil {
		return nil, wrap("listing users", err)
	}
	defer rows.Close()
	out := []User{}
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, wrap("listing users", err)
		}
		out = append(out, *u)
	}
	return out, wrap("listing users", rows.Err())
}

// UpdateUser changes a user. A new password or disabling the user ends
// all of the user's sessions; role changes apply to them at once, since a
// session's roles are read from the user on every request.
func (a *Accounts) UpdateUser(ctx context.Context, name string, up UserUpdate) (*User, error) {
	cur, err := a.User(ctx, name)
	if err != nil {
		return nil, err
	}
	roles, perms := cur.Roles, cur.Permissions
	if up.Roles != nil {
		roles = *up.Roles
	}
	if up.Permissions != nil {
		perms = *up.Permissions
	}
	if roles, perms, err = checkGrants(roles, perms); err != nil {
		return nil, err
	}
	var hash string
	if up.Password != nil {
		if err := CheckPassword(*up.Password); err != nil {
			return nil, err
		}
		if hash, err = a.opts.Password.HashPassword(*up.Password); err != nil {
			return nil, err
		}
	}
	disabled := cur.Disabled
	if up.Disabled != nil {
		disabled = *up.Disabled
	}
	err = a.inTx(ctx, "updating a user", func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE users SET roles = ?, permissions = ?, disabled = ?, updated_at = ? WHERE name = ?`,
			joinList(roles), joinList(perms), boolInt(disabled), micros(a.now()), name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("user %q: %w", name, ErrNotFound)
		}
		if hash != "" {
			if _, err := tx.ExecContext(ctx, `UPDATE users SET password_hash = ? WHERE name = ?`, hash, name); err != nil {
				return err
			}
		}
		if hash != "" || disabled {
			_, err = tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_name = ?`, name)
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	return a.User(ctx, name)
}

// DeleteUser removes a user and the user's sessions.
func (a *Accounts) DeleteUser(ctx context.Context, name string) error {
	return a.inTx(ctx, "deleting a user", func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_name = ?`, name); err != nil {
			return err
		}
		res, err := tx.ExecContext(ctx, `DELETE FROM users WHERE name = ?`, name)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return fmt.Errorf("user %q: %w", name, ErrNotFound)
		}
		return nil
	})
}

// inTx runs fn in a transaction of the writer. Errors of this package
// pass through as they are; others gain op as context.
func (a *Accounts) inTx(ctx context.Context, op string, fn func(tx *sql.Tx) error) error {
	tx, err := a.db.W.BeginTx(ctx, nil)
	if err != nil {
		return wrap(op, err)
	}
	defer tx.Rollback()
	if err := fn(tx); err != nil {
		if errors.Is(err, ErrNotFound) || errors.Is(err, ErrExists) || errors.Is(err, ErrInvalid) {
			return err
		}
		return wrap(op, err)
	}
	return wrap(op, tx.Commit())
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
