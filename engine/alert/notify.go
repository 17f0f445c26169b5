package alert

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/plexus-health/plexus/engine/config"
)

// Notification statuses.
const (
	statusFiring   = "firing"
	statusResolved = "resolved"
)

// Defaults of NotifyOptions.
const (
	DefaultNotifyQueue      = 256
	DefaultNotifyAttempts   = 5
	DefaultNotifyBackoff    = time.Second
	DefaultNotifyMaxBackoff = time.Minute
)

// NotifyOptions tune the webhook sender. Notifications wait in a bounded
// queue and are posted one at a time, in order, so a resolved notification
// never overtakes its firing one. A notification that fails is tried again
// with backoff; one the webhook refuses (a 4xx other than 408 and 429) is
// not.
type NotifyOptions struct {
	// QueueSize is how many notifications may wait for the webhook; when
	// it is full, new ones are dropped and counted. Default 256.
	QueueSize int
	// Attempts is how many times one notification is tried; default 5.
	Attempts int
	// Backoff is the wait after the first failed attempt, doubling up to
	// MaxBackoff; defaults 1s and 1m.
	Backoff, MaxBackoff time.Duration
	// Client sends the requests; by default one that follows no redirect
	// (a redirect is a failure, so the headers go nowhere else).
	Client *http.Client
}

// Notification is the JSON body posted to the webhook.
type Notification struct {
	Status string       `json:"status"` // firing or resolved
	Alert  WebhookAlert `json:"alert"`
}

// WebhookAlert is an Alert as JSON, as the webhook receives it and as an
// API may serve it. Value and Threshold are ratios, counts or seconds, as
// in Alert; Resolved is left out while the alert fires.
type WebhookAlert struct {
	Rule        string    `json:"rule"`
	Kind        string    `json:"kind"`
	Severity    string    `json:"severity"`
	Channel     string    `json:"channel"`
	Destination string    `json:"destination,omitempty"`
	Since       time.Time `json:"since"`
	Resolved    time.Time `json:"resolved,omitzero"`
	Value       float64   `json:"value"`
	Threshold   float64   `json:"threshold"`
	Message     string    `json:"message"`
}

// Wire returns the alert as JSON carries it, times in UTC.
func (a Alert) Wire() WebhookAlert {
	return WebhookAlert{
		Rule: a.Rule, Kind: a.Kind, Severity: a.Severity, Channel: a.Channel, Destination: a.Destination,
		Since: a.Since.UTC(), Resolved: a.Resolved.UTC(), Value: a.Value, Threshold: a.Threshold, Message: a.Message,
	}
}

// notifier posts notifications to the webhook (see NotifyOptions).
type notifier struct {
	queue   chan job
	client  *http.Client
	log     *slog.Logger
	opts    NotifyOptions
	dropped prometheus.Counter

	mu          sync.Mutex
	webhook     *config.Webhook
	droppedSeen int // dropped since the last time it was logged

	ctx       context.Context // ends at Close
	cancel    context.CancelFunc
	done      chan struct{}
	closeOnce sync.Once
	// abandoned counts the notifications the sender gave up at Close: the
	// one in flight, and any it took from the queue after. Only the
	// sender's goroutine writes it; Close reads it once that has ended.
	abandoned int
}

// job is one notification with the webhook it was meant for when made.
type job struct {
	body []byte
	hook config.Webhook
}

func newNotifier(hook *config.Webhook, log *slog.Logger, reg prometheus.Registerer, opts NotifyOptions) *notifier {
	if opts.QueueSize <= 0 {
		opts.QueueSize = DefaultNotifyQueue
	}
	if opts.Attempts <= 0 {
		opts.Attempts = DefaultNotifyAttempts
	}
	if opts.Backoff <= 0 {
		opts.Backoff = DefaultNotifyBackoff
	}
	if opts.MaxBackoff < opts.Backoff {
		opts.MaxBackoff = max(opts.Backoff, DefaultNotifyMaxBackoff)
	}
	client := opts.Client
	if client == nil {
		client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	dropped := register(reg, prometheus.NewCounter(prometheus.CounterOpts{
		Name: "plexus_alert_notifications_dropped_total", Help: "Alert notifications dropped because the webhook queue was full.",
	}))
	ctx, cancel := context.WithCancel(context.Background())
	n := &notifier{
		queue: make(chan job, opts.QueueSize), client: client, log: log, opts: opts, dropped: dropped,
		webhook: hook, ctx: ctx, cancel: cancel, done: make(chan struct{}),
	}
	go n.run()
	return n
}

// setWebhook changes where later notifications go; nil sends none.
func (n *notifier) setWebhook(hook *config.Webhook) {
	n.mu.Lock()
	n.webhook = hook
	n.mu.Unlock()
}

// send queues a notification without waiting; when the queue is full it
// is dropped and counted.
func (n *notifier) send(status string, a Alert) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.webhook == nil || n.ctx.Err() != nil {
		return
	}
	body, err := json.Marshal(Notification{Status: status, Alert: a.Wire()})
	if err != nil { // only floats that are not numbers, which no rule yields
		n.log.Error("encoding alert notification", "rule", a.Rule, "err", err)
		return
	}
	select {
	case n.queue <- job{body: body, hook: *n.webhook}:
	default:
		n.dropped.Inc()
		if n.droppedSeen == 0 {
			n.log.Warn("alert webhook queue full; dropping notifications until it drains", "queue_size", n.opts.QueueSize)
		}
		n.droppedSeen++
	}
}

// Close stops the sender, abandoning a request in flight; notifications
// still queued are dropped and their count logged.
func (n *notifier) Close() {
	n.closeOnce.Do(func() {
		n.mu.Lock()
		n.cancel()
		n.mu.Unlock()
		<-n.done
		if left := len(n.queue) + n.abandoned; left > 0 {
			n.log.Warn("alert notifications not sent at shutdown", "count", left)
		}
	})
}

func (n *notifier) run() {
	defer close(n.done)
	for {
		select {
		case <-n.ctx.Done():
			return
		case j := <-n.queue:
			if n.ctx.Err() != nil {
				// Close came while both were ready: the job stays unsent.
				n.abandoned++
				return
			}
			n.mu.Lock()
			if n.droppedSeen > 0 {
				n.log.Warn("alert notifications dropped while the webhook queue was full", "count", n.droppedSeen)
				n.droppedSeen = 0
			}
			n.mu.Unlock()
			n.deliver(j)
		}
	}
}

// deliver posts one notification, trying again with backoff.
func (n *notifier) deliver(j job) {
	wait := n.opts.Backoff
	for attempt := 1; ; attempt++ {
		err := n.post(j)
		if err == nil {
			return
		}
		var refused *refusedError
		switch {
		case n.ctx.Err() != nil:
			n.abandoned++
			return
		case errors.As(err, &refused):
			n.log.Warn("alert webhook refused a notification", "status", refused.status)
			return
		case attempt >= n.opts.Attempts:
			n.log.Error("alert webhook unreachable; notification lost", "attempts", attempt, "err", err)
			return
		}
		n.log.Warn("alert webhook attempt failed; trying again", "attempt", attempt, "wait", wait, "err", err)
		t := time.NewTimer(wait)
		select {
		case <-n.ctx.Done():
			t.Stop()
			n.abandoned++
			return
		case <-t.C:
		}
		wait = min(2*wait, n.opts.MaxBackoff)
	}
}

// refusedError is an answer that trying again will not change.
type refusedError struct{ status int }

func (e *refusedError) Error() string { return fmt.Sprintf("webhook answered %d", e.status) }

// post makes one attempt. Errors never quote the URL, which may hold a
// password.
func (n *notifier) post(j job) error {
	timeout := j.hook.Timeout
	if timeout <= 0 {
		timeout = config.DefaultWebhookTimeout
	}
	ctx, cancel := context.WithTimeout(n.ctx, timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, j.hook.URL, bytes.NewReader(j.body))
	if err != nil {
		return errors.New("webhook URL is not usable")
	}
	for k, v := range j.hook.Headers {
		req.Header.Set(k, v)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := n.client.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // url.Error quotes the URL
		}
		return fmt.Errorf("posting to the webhook: %w", err)
	}
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	switch {
	case resp.StatusCode >= 200 && resp.StatusCode < 300:
		return nil
	case resp.StatusCode >= 400 && resp.StatusCode < 500 && resp.StatusCode != http.StatusRequestTimeout && resp.StatusCode != http.StatusTooManyRequests:
		return &refusedError{resp.StatusCode}
	}
	return fmt.Errorf("webhook answered %d", resp.StatusCode)
}
