package limit

import (
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// reader reads the whole body and answers 400 when that fails, as a
// handler that knows nothing of limits does.
var reader = http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
	b, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, "malformed request", http.StatusBadRequest)
		return
	}
	w.Write(b)
})

func TestBody(t *testing.T) {
	tests := []struct {
		name    string
		max     int64
		body    string
		chunked bool // no Content-Length: the limit bites while reading
		want    int
	}{
		{"under the limit", 10, "0123456789", false, 200},
		{"declared too large", 10, "0123456789A", false, 413},
		{"chunked, too large", 10, "0123456789A", true, 413},
		{"chunked, under", 10, "0123", true, 200},
		{"no limit", 0, strings.Repeat("x", 1<<16), false, 200},
		{"empty", 10, "", false, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			srv := httptest.NewServer(Body(tt.max, reader))
			defer srv.Close()
			var body io.Reader = strings.NewReader(tt.body)
			if tt.chunked {
				body = io.MultiReader(body) // hides the length
			}
			req, err := http.NewRequest("POST", srv.URL, body)
			if err != nil {
				t.Fatal(err)
			}
			resp, err := srv.Client().Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != tt.want {
				t.Fatalf("status %d (%s), want %d", resp.StatusCode, got, tt.want)
			}
			if tt.want == 200 && string(got) != tt.body {
				t.Errorf("handler read %q", got)
			}
		})
	}
}

func TestBodyRefusesBeforeHandler(t *testing.T) {
	called := false
	h := Body(5, http.HandlerFunc(func(http.ResponseWriter, *http.Request) { called = true }))
	r := httptest.NewRequest("POST", "/", strings.NewReader("too long"))
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	if w.Code != http.StatusRequestEntityTooLarge || called {
		t.Errorf("status %d, handler called %v", w.Code, called)
	}
}

func TestBodyKeepsMaxBytesError(t *testing.T) {
	var readErr error
	h := Body(3, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, readErr = io.ReadAll(r.Body)
	}))
	r := httptest.NewRequest("POST", "/", io.MultiReader(strings.NewReader("four")))
	r.ContentLength = -1
	h.ServeHTTP(httptest.NewRecorder(), r)
	var tooBig *http.MaxBytesError
	if !errors.As(readErr, &tooBig) {
		t.Errorf("read error %v, want *http.MaxBytesError for handlers that check", readErr)
	}
}
