package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/plexus-health/plexus/engine/alert"
	"io"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"

	"github.com/plexus-health/plexus/platform/accounts"
)

// Client calls the admin API of a running "plexus serve". An error answer
// from the server is returned as *Error, so callers can branch on its
// StatusCode with errors.As. The zero Client is not usable: set BaseURL.
type Client struct {
	// BaseURL is the server's root, for example http://127.0.0.1:8080.
	BaseURL string
	// HTTP sends the requests; http.DefaultClient when nil.
	HTTP *http.Client
	// APIKey, when set, is sent as "Authorization: Bearer <key>" with
	// every request. ResolveAPIKey finds the one the CLI should use.
	APIKey string
}

// APIKeyEnv is the environment variable ResolveAPIKey reads.
const APIKeyEnv = "PLEXUS_API_KEY"

// ResolveAPIKey returns the API key a command-line client should send:
// flagKey if set, else $PLEXUS_API_KEY, else the local admin key that
// "plexus serve" wrote in dataDir (accounts.LocalKeyFile), else "" (the
// server then answers 401 unless it lets anonymous callers in). Only a
// key file that exists but cannot be read is an error.
func ResolveAPIKey(flagKey, dataDir string) (string, error) {
	if flagKey != "" {
		return strings.TrimSpace(flagKey), nil
	}
	if k := os.Getenv(APIKeyEnv); k != "" {
		return strings.TrimSpace(k), nil
	}
	if dataDir == "" {
		return "", nil
	}
	path := accounts.LocalKeyPath(dataDir)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("plexus api: reading the API key: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// ListMessages returns one page of messages matching q, newest first. Pass
// the page's Next as q.Before to get the following page.
func (c *Client) ListMessages(ctx context.Context, q MessageQuery) (*MessageList, error) {
	var out MessageList
	if err := c.do(ctx, http.MethodGet, "/api/v1/messages", q.Values(), nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Message returns a message's metadata, deliveries and attempts, without
// the destinations' responses.
func (c *Client) Message(ctx context.Context, id int64) (*MessageDetail, error) {
	return c.message(ctx, id, nil)
}

// MessageWithResponses is Message with each attempt's response, which the
// server returns only to callers allowed to see content.
func (c *Client) MessageWithResponses(ctx context.Context, id int64) (*MessageDetail, error) {
	return c.message(ctx, id, url.Values{paramContent: {"1"}})
}

func (c *Client) message(ctx context.Context, id int64, q url.Values) (*MessageDetail, error) {
	var out MessageDetail
	if err := c.do(ctx, http.MethodGet, messagePath(id), q, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Content returns a message's raw bytes as received, and their media type.
func (c *Client) Content(ctx context.Context, id int64) (data []byte, contentType string, err error) {
	resp, err := c.send(ctx, http.MethodGet, messagePath(id)+"/content", nil, nil)
	if err != nil {
		return nil, "", err
	}
	defer resp.Body.Close()
	data, err = io.ReadAll(resp.Body)
	if err != nil {
		return nil, "", fmt.Errorf("plexus api: reading content of message %d: %w", id, err)
	}
	return data, resp.Header.Get("Content-Type"), nil
}

// Resend queues every destination of a message again and returns how many
// deliveries were queued.
func (c *Client) Resend(ctx context.Context, id int64) (int64, error) {
	var out ResendResult
	if err := c.do(ctx, http.MethodPost, messagePath(id)+"/resend", nil, nil, &out); err != nil {
		return 0, err
	}
	return out.Queued, nil
}

// DeadLetters lists dead-lettered deliveries matching q, most recently
// failed first.
func (c *Client) DeadLetters(ctx context.Context, q DeadLetterQuery) ([]Delivery, error) {
	var out DeadLetterList
	if err := c.do(ctx, http.MethodGet, "/api/v1/dlq", q.Values(), nil, &out); err != nil {
		return nil, err
	}
	return out.DeadLetters, nil
}

// Replay puts the dead letters req selects back in their queues and
// returns how many.
func (c *Client) Replay(ctx context.Context, req ReplayRequest) (int64, error) {
	var out ReplayResult
	if err := c.do(ctx, http.MethodPost, "/api/v1/dlq/replay", nil, req, &out); err != nil {
		return 0, err
	}
	return out.Replayed, nil
}

// Channels lists the running channels with their queues.
func (c *Client) Channels(ctx context.Context) ([]Channel, error) {
	var out ChannelList
	if err := c.do(ctx, http.MethodGet, "/api/v1/channels", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Channels, nil
}

// StartChannel starts a stopped or paused channel: its source takes
// messages and its deliveries run. It returns the channel as it is then.
func (c *Client) StartChannel(ctx context.Context, name string) (*Channel, error) {
	return c.control(ctx, name, "start")
}

// StopChannel stops a channel's source and deliveries; queued deliveries
// wait in the journal until it starts again.
func (c *Client) StopChannel(ctx context.Context, name string) (*Channel, error) {
	return c.control(ctx, name, "stop")
}

// PauseChannel stops a channel's source from taking messages while its
// queues keep draining.
func (c *Client) PauseChannel(ctx context.Context, name string) (*Channel, error) {
	return c.control(ctx, name, "pause")
}

// ResumeChannel lets a paused channel's source take messages again.
func (c *Client) ResumeChannel(ctx context.Context, name string) (*Channel, error) {
	return c.control(ctx, name, "resume")
}

func (c *Client) control(ctx context.Context, name, action string) (*Channel, error) {
	var out Channel
	if err := c.do(ctx, http.MethodPost, "/api/v1/channels/"+url.PathEscape(name)+"/"+action, nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// Queues lists the destination queues holding pending or dead deliveries.
func (c *Client) Queues(ctx context.Context) ([]Queue, error) {
	var out QueueList
	if err := c.do(ctx, http.MethodGet, "/api/v1/queues", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Queues, nil
}

// Stats returns the recent history of the channels q selects.
func (c *Client) Stats(ctx context.Context, q StatsQuery) ([]ChannelStats, error) {
	var out StatsList
	if err := c.do(ctx, http.MethodGet, "/api/v1/stats", q.Values(), nil, &out); err != nil {
		return nil, err
	}
	return out.Channels, nil
}

// Alerts returns the alerts firing now.
func (c *Client) Alerts(ctx context.Context) ([]alert.WebhookAlert, error) {
	var out AlertList
	if err := c.do(ctx, http.MethodGet, "/api/v1/alerts", nil, nil, &out); err != nil {
		return nil, err
	}
	return out.Alerts, nil
}

// Config returns the running configuration version and the history.
func (c *Client) Config(ctx context.Context) (*ConfigInfo, error) {
	var out ConfigInfo
	if err := c.do(ctx, http.MethodGet, "/api/v1/config", nil, nil, &out); err != nil {
		return nil, err
	}
	return &out, nil
}

func messagePath(id int64) string { return "/api/v1/messages/" + strconv.FormatInt(id, 10) }

// do sends a request with an optional JSON body and decodes the JSON answer
// into out.
func (c *Client) do(ctx context.Context, method, path string, q url.Values, body, out any) error {
	resp, err := c.send(ctx, method, path, q, body)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		return fmt.Errorf("plexus api: %s %s: decoding the answer: %w", method, path, err)
	}
	return nil
}

// send sends a request and returns the response if its status is below
// 400, and the server's *Error otherwise.
func (c *Client) send(ctx context.Context, method, path string, q url.Values, body any) (*http.Response, error) {
	if c.BaseURL == "" {
		return nil, errors.New("plexus api: no server address")
	}
	u := strings.TrimSuffix(c.BaseURL, "/") + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("plexus api: %s %s: encoding the request: %w", method, path, err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return nil, fmt.Errorf("plexus api: %s %s: %w", method, path, err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Accept", "application/json")
	if c.APIKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.APIKey)
	}
	hc := c.HTTP
	if hc == nil {
		hc = http.DefaultClient
	}
	resp, err := hc.Do(req)
	if err != nil {
		// The URL's query may name a patient: report the path only.
		if ue, ok := errors.AsType[*url.Error](err); ok {
			err = ue.Err
		}
		return nil, fmt.Errorf("plexus api: %s %s: %w", method, path, err)
	}
	if resp.StatusCode < 400 {
		return resp, nil
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	e := &Error{StatusCode: resp.StatusCode}
	if json.Unmarshal(b, e) != nil || e.Message == "" {
		// Not one of ours, such as the mux's plain-text 404 or a proxy's page.
		e.Message = strings.TrimSpace(string(b))
		if e.Message == "" || len(e.Message) > 200 {
			e.Message = http.StatusText(resp.StatusCode)
		}
	}
	return nil, e
}
