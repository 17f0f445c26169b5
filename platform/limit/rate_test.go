package limit

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"github.com/plexus-health/plexus/platform/auth"
)

// testLimiter returns a limiter on a clock the test moves.
func testLimiter(perSecond float64, burst int) (*Limiter, *time.Time) {
	l := NewLimiter(perSecond, burst)
	now := time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC)
	l.now = func() time.Time { return now }
	return l, &now
}

var ok = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) })

func request(h http.Handler, remote string, p *auth.Principal) *httptest.ResponseRecorder {
	r := httptest.NewRequest("GET", "/api/v1/messages", nil)
	r.RemoteAddr = remote
	if p != nil {
		r = r.WithContext(auth.WithPrincipal(r.Context(), p))
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

func TestLimiterBurstThen429(t *testing.T) {
	l, now := testLimiter(2, 3)
	h := l.Wrap(ok)
	for i := range 3 {
		if w := request(h, "192.0.2.1:5000", nil); w.Code != http.StatusNoContent {
			t.Fatalf("request %d of the burst: %d", i+1, w.Code)
		}
	}
	w := request(h, "192.0.2.1:5001", nil) // another port, same client
	if w.Code != http.StatusTooManyRequests {
		t.Fatalf("after the burst: %d, want 429", w.Code)
	}
	if got := w.Header().Get("Retry-After"); got != "1" {
		t.Errorf("Retry-After %q, want 1 (half a second, rounded up)", got)
	}
	var body struct {
		Error      string `json:"error"`
		RetryAfter int    `json:"retry_after"`
	}
	if err := json.Unmarshal(w.Body.Bytes(), &body); err != nil || body.Error == "" || body.RetryAfter != 1 {
		t.Errorf("body %q: %v", w.Body.String(), err)
	}
	if ct := w.Header().Get("Content-Type"); ct != "application/json" {
		t.Errorf("Content-Type %q", ct)
	}

	if w := request(h, "192.0.2.2:5000", nil); w.Code != http.StatusNoContent {
		t.Errorf("another client: %d, want its own bucket", w.Code)
	}
	*now = now.Add(500 * time.Millisecond)
	if w := request(h, "192.0.2.1:5000", nil); w.Code != http.StatusNoContent {
		t.Errorf("after a refill of one token: %d", w.Code)
	}
	if w := request(h, "192.0.2.1:5000", nil); w.Code != http.StatusTooManyRequests {
		t.Errorf("the refilled token spent: %d, want 429", w.Code)
	}
}

func TestLimiterRetryAfter(t *testing.T) {
	l, _ := testLimiter(0.1, 1) // one request every 10s
	h := l.Wrap(ok)
	request(h, "192.0.2.1:1", nil)
	w := request(h, "192.0.2.1:1", nil)
	if got, _ := strconv.Atoi(w.Header().Get("Retry-After")); w.Code != 429 || got != 10 {
		t.Errorf("status %d, Retry-After %q, want 429 and 10", w.Code, w.Header().Get("Retry-After"))
	}
}

func TestLimiterKeysByPrincipal(t *testing.T) {
	l, _ := testLimiter(1, 1)
	h := l.Wrap(ok)
	alice := &auth.Principal{Kind: auth.KindUser, Subject: "alice"}
	bob := &auth.Principal{Kind: auth.KindUser, Subject: "bob"}
	if w := request(h, "192.0.2.1:1", alice); w.Code != http.StatusNoContent {
		t.Fatalf("alice: %d", w.Code)
	}
	if w := request(h, "192.0.2.9:1", alice); w.Code != http.StatusTooManyRequests {
		t.Errorf("alice from another address: %d, want 429 (one bucket per principal)", w.Code)
	}
	if w := request(h, "192.0.2.1:1", bob); w.Code != http.StatusNoContent {
		t.Errorf("bob from alice's address: %d, want his own bucket", w.Code)
	}
	if w := request(h, "192.0.2.1:1", nil); w.Code != http.StatusNoContent {
		t.Errorf("anonymous from alice's address: %d, want the address's own bucket", w.Code)
	}
}

func TestLimiterEvictsIdleClients(t *testing.T) {
	l, now := testLimiter(10, 10) // full again after 1s idle
	h := l.Wrap(ok)
	for i := range 100 {
		request(h, fmt.Sprintf("192.0.2.%d:1", i), nil)
	}
	if n := l.Len(); n != 100 {
		t.Fatalf("%d buckets, want 100", n)
	}
	*now = now.Add(sweepEvery)
	request(h, "198.51.100.1:1", nil)
	if n := l.Len(); n != 1 {
		t.Errorf("after a sweep: %d buckets, want 1 (the idle ones dropped)", n)
	}
}

func TestLimiterBounded(t *testing.T) {
	l, _ := testLimiter(1, 1)
	l.most = 50
	for i := range l.most + 10 {
		if ok, _ := l.Allow(strconv.Itoa(i)); !ok {
			t.Fatalf("new client %d refused", i)
		}
	}
	if n := l.Len(); n > l.most {
		t.Errorf("%d buckets, want at most %d", n, l.most)
	}
}

func TestLimiterDisabled(t *testing.T) {
	if l := NewLimiter(0, 100); l != nil {
		t.Fatal("NewLimiter(0, ...) is not nil")
	}
	var l *Limiter
	h := l.Wrap(ok)
	for range 1000 {
		if w := request(h, "192.0.2.1:1", nil); w.Code != http.StatusNoContent {
			t.Fatalf("disabled limiter answered %d", w.Code)
		}
	}
}
