package config

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/plexus-health/plexus/engine"
)

// testSourceOptions and testDestinationOptions stand for a connector's
// options in these tests, which need no real connector.
type testSourceOptions struct {
	Listen  string        `yaml:"listen"`
	Timeout time.Duration `yaml:"timeout"`
	TLS     *struct {
		Cert string `yaml:"cert"`
		Key  string `yaml:"key"`
	} `yaml:"tls"`
}

type testDestinationOptions struct {
	Address string            `yaml:"address"`
	Headers map[string]string `yaml:"headers"`
	Codes   []int             `yaml:"codes"`
}

type testSource struct{}

func (testSource) Start(context.Context, engine.Receiver) error { return nil }
func (testSource) Stop(context.Context) error                   { return nil }

type testDestination struct{ closed *int }

func (testDestination) Deliver(context.Context, *engine.Outbound) (*engine.Response, error) {
	return nil, nil
}

func (d testDestination) Close() error {
	*d.closed++
	return nil
}

// testRegistry has a source and a destination type "test" whose factories
// behave like real ones: they decode their options, then check them and
// report "field: problem" lines. closed counts destinations closed.
func testRegistry(closed *int) *engine.Registry {
	reg := engine.NewRegistry()
	reg.RegisterSource("test", func(env engine.Env, opts engine.Options) (engine.Source, error) {
		var o testSourceOptions
		if err := opts.Decode(&o); err != nil {
			return nil, fmt.Errorf("test source: %w", err)
		}
		if o.Listen == "" {
			return nil, errors.New("listen: required")
		}
		if o.TLS != nil && o.TLS.Cert == "" {
			return nil, errors.Join(errors.New("tls.cert: required"), errors.New("tls: something else"))
		}
		return testSource{}, nil
	})
	reg.RegisterDestination("test", func(env engine.Env, opts engine.Options) (engine.Destination, error) {
		var o testDestinationOptions
		if err := opts.Decode(&o); err != nil {
			return nil, err
		}
		if o.Address == "" {
			return nil, errors.New("address: required")
		}
		if o.Address == "fail" {
			return nil, errors.New("cannot build this destination")
		}
		if closed == nil {
			closed = new(int)
		}
		return testDestination{closed}, nil
	})
	return reg
}

// summary describes a loaded configuration with its defaults filled in,
// for golden files.
func summary(cfg *Config) string {
	var b strings.Builder
	fmt.Fprintf(&b, "data_dir=%s admin=%s journal=%d/%v\n", cfg.DataDir, cfg.Admin.Listen, cfg.Journal.BatchSize, cfg.Journal.BatchWait)
	for _, name := range sortedKeys(cfg.Tables) {
		fmt.Fprintf(&b, "table %s: %d entries\n", name, len(cfg.Tables[name]))
	}
	for _, ch := range cfg.Channels {
		fmt.Fprintf(&b, "channel %s enabled=%v source=%s response=%s", ch.Name, ch.Enabled, ch.Source.Type, ch.Response)
		if ch.ResponseDestination != "" {
			fmt.Fprintf(&b, "(%s)", ch.ResponseDestination)
		}
		fmt.Fprintf(&b, " priority=%d dedup=%s retention=%s/%s", ch.Priority, ch.Dedup.Window, days(ch.Retention.Content), days(ch.Retention.Metadata))
		if ch.Match != nil {
			fmt.Fprintf(&b, " filter")
		}
		if ch.Urgent != nil {
			fmt.Fprintf(&b, " priority_rule")
		}
		if ch.Pipeline != nil {
			fmt.Fprintf(&b, " transform=%d", len(ch.Transform))
		}
		b.WriteString("\n")
		for _, d := range ch.Destinations {
			r := d.Retry
			fmt.Fprintf(&b, "  destination %s type=%s retry=%d/%s/%s/%s/%g order=%s", d.Name, d.Type,
				r.MaxAttempts, r.MaxAge, r.InitialBackoff, r.MaxBackoff, r.Jitter, d.Order.Mode)
			if d.Order.Mode == ByKey {
				fmt.Fprintf(&b, "(%s,%d)", d.Order.Key, d.Order.Lanes)
			}
			if d.Pipeline != nil {
				fmt.Fprintf(&b, " transform=%d", len(d.Transform))
			}
			b.WriteString("\n")
		}
	}
	return b.String()
}

// nodeValue returns the settable value p points to.
func nodeValue[T any](p *T) reflect.Value { return reflect.ValueOf(p).Elem() }

func itoa(i int) string { return strconv.Itoa(i) }

var testTime = time.Unix(0, 0)
