package limit

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync/atomic"
)

// Body returns next with request bodies limited to max bytes: a request
// whose Content-Length is larger is answered 413 before next runs, and
// one that sends more than it declared (or uses chunked encoding) gets a
// read error from http.MaxBytesReader when it passes max; an error status
// that next then writes becomes 413. max <= 0 means no limit.
func Body(max int64, next http.Handler) http.Handler {
	if max <= 0 {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.ContentLength > max {
			w.Header().Set("Connection", "close")
			writeError(w, http.StatusRequestEntityTooLarge, fmt.Sprintf("request body larger than %d bytes", max), 0)
			return
		}
		if r.Body == nil || r.Body == http.NoBody {
			next.ServeHTTP(w, r)
			return
		}
		lw := &limitedWriter{ResponseWriter: w}
		r.Body = &limitedBody{ReadCloser: http.MaxBytesReader(w, r.Body, max), over: &lw.over}
		next.ServeHTTP(lw, r)
	})
}

// limitedBody notes when the body passed its limit.
type limitedBody struct {
	io.ReadCloser
	over *atomic.Bool
}

func (b *limitedBody) Read(p []byte) (int, error) {
	n, err := b.ReadCloser.Read(p)
	var tooBig *http.MaxBytesError
	if err != nil && errors.As(err, &tooBig) {
		b.over.Store(true)
	}
	return n, err
}

// limitedWriter turns the error status a handler answers a body over the
// limit with (often 400 "malformed") into 413, which tells the client
// what to change.
type limitedWriter struct {
	http.ResponseWriter
	over atomic.Bool
}

func (w *limitedWriter) WriteHeader(code int) {
	if code >= 400 && w.over.Load() {
		code = http.StatusRequestEntityTooLarge
	}
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection's writer
// (Flush, deadlines).
func (w *limitedWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
