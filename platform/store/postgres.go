package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/stdlib"
)

// Defaults of a PostgreSQL store.
const (
	DefaultStatementTimeout = 30 * time.Second
	defaultPostgresReaders  = 8
)

// isPostgres says whether dsn names a PostgreSQL server.
func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// openPostgres opens a store on the PostgreSQL server dsn names.
//
// The store's SQL is written once, with "?" placeholders as SQLite takes
// them; the connections rewrite them to PostgreSQL's "$1" form (see
// rebind). Every session runs in UTC with opts.StatementTimeout as its
// statement_timeout, so that no query can hold a connection for ever.
//
// The writer pool has opts.WriteConns connections, one unless set: the
// engine's writers (the journal's group commit, the audit chain) were built
// for the embedded store's single writer and rely on it.
func openPostgres(ctx context.Context, dsn string, opts Options) (*DB, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgx's message may quote the DSN, password included.
		return nil, fmt.Errorf("store: the PostgreSQL URL %s does not parse", redactDSN(dsn))
	}
	timeout := opts.StatementTimeout
	if timeout <= 0 {
		timeout = DefaultStatementTimeout
	}
	if cfg.RuntimeParams == nil {
		cfg.RuntimeParams = map[string]string{}
	}
	cfg.RuntimeParams["statement_timeout"] = strconv.FormatInt(timeout.Milliseconds(), 10)
	cfg.RuntimeParams["timezone"] = "UTC"
	if cfg.RuntimeParams["application_name"] == "" {
		cfg.RuntimeParams["application_name"] = "plexus"
	}
	conn := &rebindConnector{inner: stdlib.GetConnector(*cfg)}

	w := sql.OpenDB(conn)
	writers := opts.WriteConns
	if writers <= 0 {
		writers = 1
	}
	w.SetMaxOpenConns(writers)
	w.SetMaxIdleConns(writers)
	w.SetConnMaxIdleTime(5 * time.Minute)
	r := sql.OpenDB(conn)
	readers := opts.ReadConns
	if readers <= 0 {
		readers = defaultPostgresReaders
	}
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	r.SetConnMaxIdleTime(5 * time.Minute)

	db := &DB{Dialect: Postgres, W: w, R: r}
	if err := w.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connecting to PostgreSQL at %s: %w", redactDSN(dsn), err)
	}
	if err := db.migrate(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// redactDSN returns dsn without its password, for messages.
func redactDSN(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable URL)"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	q := u.Query()
	if q.Has("password") {
		q.Set("password", "xxxxx")
		u.RawQuery = q.Encode()
	}
	return u.String()
}

// rebindConnector opens pgx connections that take "?" placeholders.
type rebindConnector struct {
	inner driver.Connector
}

func (c *rebindConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.inner.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &rebindConn{conn.(*stdlib.Conn)}, nil
}

func (c *rebindConnector) Driver() driver.Driver { return c.inner.Driver() }

// rebindConn is a pgx connection whose queries are rebound on the way in.
type rebindConn struct {
	*stdlib.Conn
}

func (c *rebindConn) Prepare(query string) (driver.Stmt, error) {
	return c.Conn.Prepare(rebind(query))
}

func (c *rebindConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.PrepareContext(ctx, rebind(query))
}

func (c *rebindConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	return c.Conn.ExecContext(ctx, rebind(query), args)
}

func (c *rebindConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	return c.Conn.QueryContext(ctx, rebind(query), args)
}

// rebound caches rewritten queries: most are constants, run again and
// again. Queries built per request (FHIR searches) would grow it without
// end, so it is emptied when full.
var rebound struct {
	sync.RWMutex
	m map[string]string
}

const reboundMax = 4096

// rebind rewrites the "?" placeholders of query as "$1", "$2"... It leaves
// alone what is quoted ('string', "identifier", $tag$body$tag$) and
// comments.
func rebind(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	rebound.RLock()
	out, ok := rebound.m[query]
	rebound.RUnlock()
	if ok {
		return out
	}
	out = rebindPlaceholders(query)
	rebound.Lock()
	if rebound.m == nil || len(rebound.m) >= reboundMax {
		rebound.m = make(map[string]string, 256)
	}
	rebound.m[query] = out
	rebound.Unlock()
	return out
}

func rebindPlaceholders(q string) string {
	var b strings.Builder
	b.Grow(len(q) + 16)
	n := 0
	for i := 0; i < len(q); {
		switch c := q[i]; {
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			i++
		case c == '\'' || c == '"':
			end := closing(q, i+1, c)
			b.WriteString(q[i:end])
			i = end
		case c == '-' && strings.HasPrefix(q[i:], "--"):
			end := strings.IndexByte(q[i:], '\n')
			if end < 0 {
				end = len(q) - i
			}
			b.WriteString(q[i : i+end])
			i += end
		case c == '/' && strings.HasPrefix(q[i:], "/*"):
			end := strings.Index(q[i+2:], "*/")
			if end < 0 {
				end = len(q) - i
			} else {
				end += 4
			}
			b.WriteString(q[i : i+end])
			i += end
		case c == '$':
			if tag, ok := dollarTag(q[i:]); ok {
				end := strings.Index(q[i+len(tag):], tag)
				if end < 0 {
					end = len(q) - i
				} else {
					end += 2 * len(tag)
				}
				b.WriteString(q[i : i+end])
				i += end
				continue
			}
			b.WriteByte(c)
			i++
		default:
			b.WriteByte(c)
			i++
		}
	}
	return b.String()
}

// closing returns the index just past the quote that closes the quoted
// text starting at i (a doubled quote is an escaped one), or len(q).
func closing(q string, i int, quote byte) int {
	for i < len(q) {
		if q[i] == quote {
			if i+1 < len(q) && q[i+1] == quote {
				i += 2
				continue
			}
			return i + 1
		}
		i++
	}
	return len(q)
}

// dollarTag returns the opening tag of a dollar-quoted string at the start
// of s ("$$" or "$name$").
func dollarTag(s string) (string, bool) {
	for j := 1; j < len(s); j++ {
		c := s[j]
		switch {
		case c == '$':
			return s[:j+1], true
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || j > 1 && c >= '0' && c <= '9':
		default:
			return "", false
		}
	}
	return "", false
}
