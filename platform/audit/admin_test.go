package audit

import (
	"encoding/json"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
)

func TestAdminHandler(t *testing.T) {
	_, l := openTest(t, Options{Now: fixedClock()})
	variety(t, l)
	srv := httptest.NewServer(l.AdminHandler())
	defer srv.Close()
	get := func(query string) (int, Page) {
		t.Helper()
		status, body := do(t, "GET", srv.URL+AdminPath+query, "")
		var p Page
		if status == 200 {
			if err := json.Unmarshal([]byte(body), &p); err != nil {
				t.Fatalf("%s: %v", query, err)
			}
		}
		return status, p
	}
	seqs := func(p Page) string {
		var b strings.Builder
		for i, r := range p.Records {
			if i > 0 {
				b.WriteByte(' ')
			}
			b.WriteString(strconv.FormatInt(r.Seq, 10))
		}
		return b.String()
	}
	cases := []struct{ query, want string }{
		{"", "13 12 11 10 9 8 7 6 5 4 3 2 1"},
		{"?who=ops", "12 10"},
		{"?action=admin.*", "11 10"},
		{"?action=login,admin.dlq.replay", "12 11"},
		{"?type=Patient&id=p1", "8 7 5 4 1"},
		{"?id=42", "10"},
		{"?outcome=error", "6"},
		{"?since=2026-03-01T08:00:03Z&until=2026-03-01T08:00:05Z", "4 3"},
		{"?before=3", "2 1"},
		{"?who=", "13 12 11 10 9 8 7 6 5 4 3 2 1"},
	}
	for _, tc := range cases {
		status, p := get(tc.query)
		if status != 200 || seqs(p) != tc.want {
			t.Errorf("%s: %d %q, want %q", tc.query, status, seqs(p), tc.want)
		}
	}
	status, p := get("?limit=5")
	if status != 200 || seqs(p) != "13 12 11 10 9" || p.Next != 9 {
		t.Errorf("limit: %d %q next %d", status, seqs(p), p.Next)
	}
	for _, bad := range []string{"?foo=1", "?since=yesterday", "?limit=0", "?limit=1001", "?before=-1", "?outcome=ok", "?who=a&who=b"} {
		if status, body := do(t, "GET", srv.URL+AdminPath+bad, ""); status != 400 || !strings.Contains(body, `"error"`) {
			t.Errorf("%s: %d %s", bad, status, body)
		}
	}
	if status, _ := do(t, "POST", srv.URL+AdminPath, "{}"); status != 405 {
		t.Errorf("POST: %d", status)
	}
	if status, _ := do(t, "GET", srv.URL+AdminPath+"/1", ""); status != 404 {
		t.Errorf("GET /1: %d", status)
	}
	// Records carry their hashes, so an auditor can check a page against
	// the chain.
	_, p = get("?limit=2")
	if len(p.Records) != 2 || len(p.Records[0].Hash) != HashSize || string(p.Records[0].PrevHash) != string(p.Records[1].Hash) {
		t.Errorf("hashes not linked across the page: %+v", p.Records)
	}
}
