package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"os"
	"os/signal"
	"sort"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"github.com/plexus-health/plexus/engine/config"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/platform/keyring"
	"github.com/plexus-health/plexus/platform/store"
)

const keysAbout = `
Keys manages the data keys that encrypt message payloads at rest (the
configuration's encryption.keys_file). A key file holds every key ever
used, each with an ID, and names the active one: new payloads are sealed
under it, older payloads open with the key their header names.

  plexus keys generate --file F      write a new key file with one key (mode 0600)
  plexus keys rotate --file F        add a new key and make it the active one
        [--reencrypt [--data DIR]]   then re-seal stored payloads under it
  plexus keys list --file F          key IDs and which is active, never the keys
        [--data DIR]                 with how many stored values each key sealed

A running "plexus serve" reads the key file again when it changes (and on
SIGHUP): after "keys rotate" new messages use the new key and old ones
still open, with no restart. --reencrypt also seals the plaintext rows of a
store that had no key, and may run while serve does: it works in small
batches, and a row changed meanwhile is left as it is (run it again).
Remove an old key from the file only once "keys list --data" shows that
nothing is sealed under it.

The data directory is --data, else --config's data_dir, else ./data.
`

// runKeys implements "plexus keys".
func runKeys(c *cli, args []string) int {
	cmd := newCommand("keys", "generate|rotate|list", keysAbout)
	var (
		file      = cmd.flags.String("file", "", "the key `file`")
		reencrypt = cmd.flags.Bool("reencrypt", false, "rotate: re-seal stored payloads under the new key")
		dataDir   = cmd.flags.String("data", "", "the data `directory` of the store")
		cfgPath   = cmd.flags.String("config", "", "the configuration `file or folder` whose data_dir is the store")
		batch     = cmd.flags.Int("batch", 500, "rotate --reencrypt: rows per transaction")
	)
	pos, status, ok := cmd.parse(c, args)
	if !ok {
		return status
	}
	if len(pos) != 1 {
		return cmd.usageError(c, "a sub-command is required: generate, rotate or list")
	}
	if *file == "" {
		return cmd.usageError(c, "--file is required")
	}
	sub := pos[0]
	fail := func(err error) int {
		fmt.Fprintf(c.stderr, "plexus keys %s: %v\n", sub, err)
		return exitFailure
	}
	dir := func() (string, error) {
		if *dataDir != "" {
			return *dataDir, nil
		}
		if *cfgPath != "" {
			cfg, err := config.Load(*cfgPath, registry())
			if err != nil {
				return "", err
			}
			return cfg.DataDir, nil
		}
		return config.DefaultDataDir, nil
	}
	switch sub {
	case "generate":
		if _, err := os.Stat(*file); !errors.Is(err, fs.ErrNotExist) {
			return fail(fmt.Errorf("%s exists; keys generate never overwrites a key file (use keys rotate)", *file))
		}
		k, err := keyring.Generate(time.Now())
		if err != nil {
			return fail(err)
		}
		f := &keyring.File{}
		if err := f.Add(k); err != nil {
			return fail(err)
		}
		if err := f.Write(*file); err != nil {
			return fail(err)
		}
		fmt.Fprintf(c.stdout, "wrote %s with key %s (active)\n", *file, k.ID)
		return exitOK
	case "rotate":
		f, err := keyring.ReadFile(*file)
		if err != nil {
			return fail(err)
		}
		k, err := keyring.Generate(time.Now())
		if err != nil {
			return fail(err)
		}
		if err := f.Add(k); err != nil {
			return fail(err)
		}
		if err := f.Write(*file); err != nil {
			return fail(err)
		}
		fmt.Fprintf(c.stdout, "added key %s to %s; it is now the active key (%d keys)\n", k.ID, *file, len(f.Keys))
		if !*reencrypt {
			return exitOK
		}
		d, err := dir()
		if err != nil {
			return fail(err)
		}
		ring, err := f.Ring()
		if err != nil {
			return fail(err)
		}
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		defer stop()
		st, err := withJournal(ctx, d, ring, func(j *journal.Journal) (journal.ResealStats, error) { return j.Reseal(ctx, *batch) })
		fmt.Fprintf(c.stdout, "re-sealed %d stored values under %s; %d already were; %d changed meanwhile and were left\n",
			st.Sealed, k.ID, st.Unchanged, st.Skipped)
		if err != nil {
			return fail(err)
		}
		return exitOK
	case "list":
		f, err := keyring.ReadFile(*file)
		if err != nil {
			return fail(err)
		}
		ring, err := f.Ring()
		if err != nil {
			return fail(err)
		}
		var usage map[string]int64
		if *dataDir != "" || *cfgPath != "" {
			d, err := dir()
			if err != nil {
				return fail(err)
			}
			ctx := context.Background()
			usage = map[string]int64{}
			if _, err := withJournal(ctx, d, ring, func(j *journal.Journal) (u journal.ResealStats, err error) {
				usage, err = j.KeyUsage(ctx)
				return u, err
			}); err != nil {
				return fail(err)
			}
		}
		tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
		if usage != nil {
			fmt.Fprintln(tw, "KEY ID\tACTIVE\tSTORED VALUES")
		} else {
			fmt.Fprintln(tw, "KEY ID\tACTIVE")
		}
		for _, k := range f.Keys {
			active := ""
			if k.ID == f.Active {
				active = "yes"
			}
			if usage != nil {
				fmt.Fprintf(tw, "%s\t%s\t%d\n", k.ID, active, usage[k.ID])
				delete(usage, k.ID)
			} else {
				fmt.Fprintf(tw, "%s\t%s\n", k.ID, active)
			}
		}
		if usage != nil {
			rest := make([]string, 0, len(usage))
			for id := range usage {
				rest = append(rest, id)
			}
			sort.Strings(rest)
			for _, id := range rest {
				name := id
				switch id {
				case "":
					name = "(plaintext)"
				case "corrupt":
					name = "(corrupt header)"
				default:
					name = id + " (not in the file)"
				}
				fmt.Fprintf(tw, "%s\t\t%d\n", name, usage[id])
			}
		}
		tw.Flush()
		return exitOK
	}
	return cmd.usageError(c, "unknown sub-command %q: generate, rotate or list", sub)
}

// withJournal opens the store in dir with a journal sealing under ring,
// runs fn, and closes both.
func withJournal(ctx context.Context, dir string, ring *keyring.Ring, fn func(*journal.Journal) (journal.ResealStats, error)) (journal.ResealStats, error) {
	if _, err := os.Stat(dir); err != nil {
		return journal.ResealStats{}, fmt.Errorf("data directory: %w", err)
	}
	db, err := store.Open(ctx, "", dir, store.Options{})
	if err != nil {
		return journal.ResealStats{}, err
	}
	defer db.Close()
	j := journal.Open(db, journal.Options{Keys: ring})
	defer j.Close()
	return fn(j)
}

// keyWatch holds the key ring of a running serve and keeps it current:
// it reads the keys again when the key file changes, on SIGHUP and when
// the configuration names another file, so that a rotation needs no
// restart. The journal keeps the same *keyring.Ring; its keys are
// replaced.
type keyWatch struct {
	ring *keyring.Ring
	log  *slog.Logger

	mu    sync.Mutex
	src   keyring.Source
	stamp string
}

// openKeys reads the keys the encryption section names; nil (and no
// error) when payloads are not to be encrypted.
func openKeys(e config.Encryption, log *slog.Logger) (*keyWatch, error) {
	if !e.Enabled() {
		return nil, nil
	}
	src := keyring.Source{File: e.KeysFile, Env: e.KeysEnv}
	stamp := src.Stamp()
	ring, err := src.Load()
	if err != nil {
		return nil, fmt.Errorf("encryption: %w", err)
	}
	w := &keyWatch{ring: ring, log: log, src: src, stamp: stamp}
	// Another process (keys rotate --reencrypt) may seal under a key
	// this one has not read yet.
	ring.ReloadOnUnknown(w.load)
	log.Info("payload encryption on", "keys", ring)
	return w, nil
}

// Ring returns the ring to give the journal, nil when w is.
func (w *keyWatch) Ring() *keyring.Ring {
	if w == nil {
		return nil
	}
	return w.ring
}

// load reads the keys from the current source.
func (w *keyWatch) load() (*keyring.Ring, error) {
	w.mu.Lock()
	src := w.src
	w.mu.Unlock()
	return src.Load()
}

// Reload reads the keys again from what e names. Turning encryption on or
// off needs a restart; a ring that cannot be read leaves the old one.
func (w *keyWatch) Reload(e config.Encryption, log *slog.Logger) {
	if w == nil {
		if e.Enabled() {
			log.Warn("encryption was configured while serve runs: restart to encrypt payloads")
		}
		return
	}
	if !e.Enabled() {
		w.log.Warn("encryption was removed from the configuration while serve runs: payloads stay encrypted until restart")
		return
	}
	w.mu.Lock()
	w.src = keyring.Source{File: e.KeysFile, Env: e.KeysEnv}
	w.stamp = w.src.Stamp()
	src := w.src
	w.mu.Unlock()
	w.apply(src)
}

// apply loads src into the ring, logging key IDs only.
func (w *keyWatch) apply(src keyring.Source) {
	next, err := src.Load()
	if err != nil {
		w.log.Error("reading encryption keys; the loaded keys stay", "err", err)
		return
	}
	if next.ActiveID() == w.ring.ActiveID() && fmt.Sprint(next.IDs()) == fmt.Sprint(w.ring.IDs()) {
		return
	}
	w.ring.Replace(next)
	w.log.Info("encryption keys reloaded", "keys", w.ring)
}

// Run reads the key file again whenever its size or modification time
// changes, until ctx is done.
func (w *keyWatch) Run(ctx context.Context, every time.Duration) {
	if w == nil {
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		w.mu.Lock()
		src, old := w.src, w.stamp
		now := src.Stamp()
		w.stamp = now
		w.mu.Unlock()
		if now != old && src.File != "" {
			w.apply(src)
		}
	}
}
