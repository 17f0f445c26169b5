package nats

import (
	"cmp"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"regexp"
	"strings"
	"time"

	natsgo "github.com/nats-io/nats.go"

	"github.com/plexus-health/plexus/connector/internal/option"
	"github.com/plexus-health/plexus/platform/tlsconfig"
)

// DefaultConnectTimeout bounds connecting to a server when the options set
// no connect_timeout.
const DefaultConnectTimeout = 10 * time.Second

// ConnConfig is how a source or destination reaches the NATS servers: the
// options both share.
type ConnConfig struct {
	// URL is one server, nats:// or tls://; URLs are several servers of
	// one cluster. Set one or the other.
	URL  string   `yaml:"url"`
	URLs []string `yaml:"urls"`
	// Auth is how the connection authenticates; none when empty.
	Auth Auth `yaml:"auth"`
	// TLS, when set, makes the connection TLS (required for tls:// URLs
	// that need a private CA or a client certificate).
	TLS *tlsconfig.Client `yaml:"tls"`
	// ConnectTimeout bounds connecting to one server; 0 means
	// DefaultConnectTimeout.
	ConnectTimeout time.Duration `yaml:"connect_timeout"`
}

// Auth is the auth section. At most one method is set; secrets are never
// written in the configuration itself but read from an environment
// variable or a file when the connection is made, so a rotated secret is
// used on the next connection without a reload.
type Auth struct {
	// TokenEnv or TokenFile holds a token (token authentication).
	TokenEnv  string `yaml:"token_env"`
	TokenFile string `yaml:"token_file"`
	// User with PasswordEnv or PasswordFile (user and password).
	User         string `yaml:"user"`
	PasswordEnv  string `yaml:"password_env"`
	PasswordFile string `yaml:"password_file"`
	// NKeySeedFile is a file holding a user NKey seed (SU...).
	NKeySeedFile string `yaml:"nkey_seed_file"`
	// CredsFile is a credentials file (JWT and seed), as nsc writes them.
	CredsFile string `yaml:"creds_file"`
}

// envName is what an environment variable name looks like.
var envName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func (c *ConnConfig) validate(p *option.Problems) {
	switch {
	case c.URL != "" && len(c.URLs) > 0:
		p.Addf("url", "set url or urls, not both")
	case c.URL == "" && len(c.URLs) == 0:
		p.Addf("url", "required (or urls)")
	case c.URL != "":
		checkURL(p, "url", c.URL)
	default:
		for i, u := range c.URLs {
			checkURL(p, fmt.Sprintf("urls[%d]", i), u)
		}
	}
	p.Duration("connect_timeout", c.ConnectTimeout)
	if c.TLS != nil {
		p.Add(c.TLS.Validate("tls"))
	}
	c.Auth.validate(p)
}

// checkURL checks one server URL. A problem never quotes the URL's
// password, and credentials in the URL are refused: they belong in auth,
// read from a file or the environment.
func checkURL(p *option.Problems, field, raw string) {
	if raw == "" {
		p.Addf(field, "required")
		return
	}
	u, err := url.Parse(raw)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the whole URL
		}
		p.Addf(field, "not a URL: %v", err)
		return
	}
	if u.Scheme != "nats" && u.Scheme != "tls" || u.Hostname() == "" {
		p.Addf(field, "%q is not a nats:// or tls:// URL with a host", u.Redacted())
		return
	}
	if u.User != nil {
		p.Addf(field, "%q carries credentials; give them in auth (token_env, password_file, ...)", u.Redacted())
	}
	if u.Path != "" && u.Path != "/" || u.RawQuery != "" {
		p.Addf(field, "%q: a NATS URL has no path or query", u.Redacted())
	}
}

func (a *Auth) validate(p *option.Problems) {
	methods := 0
	if a.TokenEnv != "" || a.TokenFile != "" {
		methods++
		secret(p, "auth.token", a.TokenEnv, a.TokenFile)
	}
	if a.User != "" || a.PasswordEnv != "" || a.PasswordFile != "" {
		methods++
		if a.User == "" {
			p.Addf("auth.user", "required with a password")
		}
		secret(p, "auth.password", a.PasswordEnv, a.PasswordFile)
	}
	if a.NKeySeedFile != "" {
		methods++
	}
	if a.CredsFile != "" {
		methods++
	}
	if methods > 1 {
		p.Addf("auth", "set one method: a token, a user and password, an nkey_seed_file or a creds_file")
	}
}

// secret checks that exactly one of env and file names where a secret is.
func secret(p *option.Problems, field, env, file string) {
	switch {
	case env != "" && file != "":
		p.Addf(field+"_env", "set %s_env or %s_file, not both", field, field)
	case env == "" && file == "":
		p.Addf(field+"_env", "required (or %s_file)", field)
	case env != "" && !envName.MatchString(env):
		p.Addf(field+"_env", "%q is not an environment variable name (letters, digits and '_', not starting with a digit)", env)
	}
}

// readSecret returns the secret in the environment variable env, or in
// file with surrounding white space removed. what names it in errors,
// which never hold the secret itself.
func readSecret(what, env, file string) (string, error) {
	if env != "" {
		s, ok := os.LookupEnv(env)
		if !ok || s == "" {
			return "", fmt.Errorf("the environment variable %s holding the %s is not set", env, what)
		}
		return s, nil
	}
	b, err := os.ReadFile(file)
	if err != nil {
		return "", fmt.Errorf("reading the %s: %w", what, err)
	}
	s := strings.TrimSpace(string(b))
	if s == "" {
		return "", fmt.Errorf("the %s file %s is empty", what, file)
	}
	return s, nil
}

// servers returns the configured server URLs, comma-separated as
// natsgo.Connect takes them.
func (c *ConnConfig) servers() string {
	if c.URL != "" {
		return c.URL
	}
	return strings.Join(c.URLs, ",")
}

// options builds the connection options, reading the secrets and TLS
// files. name identifies the connection in the server's monitoring (the
// channel and connector, no patient data).
func (c *ConnConfig) options(name string, log *slog.Logger) ([]natsgo.Option, error) {
	opts := []natsgo.Option{
		natsgo.Name(name),
		natsgo.Timeout(cmp.Or(c.ConnectTimeout, DefaultConnectTimeout)),
		// Once connected, keep trying to reconnect for as long as the
		// connector runs: a source or destination outlives a server restart.
		natsgo.MaxReconnects(-1),
		natsgo.ReconnectWait(time.Second),
		natsgo.DisconnectErrHandler(func(_ *natsgo.Conn, err error) {
			if err != nil {
				log.Warn("nats: disconnected", "err", err)
			}
		}),
		natsgo.ReconnectHandler(func(nc *natsgo.Conn) {
			log.Info("nats: reconnected", "server", redacted(nc.ConnectedUrl()))
		}),
		natsgo.ErrorHandler(func(_ *natsgo.Conn, _ *natsgo.Subscription, err error) {
			log.Warn("nats: asynchronous error", "err", err)
		}),
	}
	a := &c.Auth
	switch {
	case a.TokenEnv != "" || a.TokenFile != "":
		tok, err := readSecret("token", a.TokenEnv, a.TokenFile)
		if err != nil {
			return nil, err
		}
		opts = append(opts, natsgo.Token(tok))
	case a.User != "":
		pw, err := readSecret("password", a.PasswordEnv, a.PasswordFile)
		if err != nil {
			return nil, err
		}
		opts = append(opts, natsgo.UserInfo(a.User, pw))
	case a.NKeySeedFile != "":
		o, err := natsgo.NkeyOptionFromSeed(a.NKeySeedFile)
		if err != nil {
			return nil, fmt.Errorf("reading the nkey seed file %s: %w", a.NKeySeedFile, err)
		}
		opts = append(opts, o)
	case a.CredsFile != "":
		if _, err := os.Stat(a.CredsFile); err != nil {
			return nil, fmt.Errorf("reading the credentials file: %w", err)
		}
		opts = append(opts, natsgo.UserCredentials(a.CredsFile))
	}
	if c.TLS != nil {
		tc, err := c.TLS.Load()
		if err != nil {
			return nil, err
		}
		opts = append(opts, natsgo.Secure(tc))
	}
	return opts, nil
}

// connect opens a connection. It fails when no server accepts it, with
// the server's reason (an authorization violation, a TLS failure).
func (c *ConnConfig) connect(name string, log *slog.Logger) (*natsgo.Conn, error) {
	opts, err := c.options(name, log)
	if err != nil {
		return nil, err
	}
	nc, err := natsgo.Connect(c.servers(), opts...)
	if err != nil {
		if refusedCredentials(err) {
			return nil, fmt.Errorf("connecting to %s: the server refused the credentials (%w)", redactedList(c.servers()), err)
		}
		return nil, fmt.Errorf("connecting to %s: %w", redactedList(c.servers()), err)
	}
	return nc, nil
}

// refusedCredentials reports whether err is the server's refusal of the
// connection's credentials, which it words in more than one way.
func refusedCredentials(err error) bool {
	if errors.Is(err, natsgo.ErrAuthorization) || errors.Is(err, natsgo.ErrAuthExpired) || errors.Is(err, natsgo.ErrAuthRevoked) {
		return true
	}
	return strings.Contains(strings.ToLower(err.Error()), "authorization violation")
}

// redacted returns a server URL without a password.
func redacted(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// redactedList redacts each URL of a comma-separated list.
func redactedList(list string) string {
	parts := strings.Split(list, ",")
	for i, p := range parts {
		parts[i] = redacted(p)
	}
	return strings.Join(parts, ",")
}
