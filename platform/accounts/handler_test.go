package accounts

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestUserManagementAPI(t *testing.T) {
	f := newFixture(t, Options{})
	admin := f.key(t, "admin", []string{RoleAdmin}, nil)
	viewer := f.key(t, "viewer", []string{RoleViewer}, nil)
	srv := f.server(t, false)
	as := func(k *CreatedKey) []string { return []string{"Authorization", "Bearer " + k.Key} }

	r := call(t, srv, "POST", "/api/v1/users", `{"name":"ana","password":"`+pw+`","roles":["operator"],"permissions":["phi"]}`, as(admin)...)
	if r.status != http.StatusCreated || strings.Contains(r.body, "argon2") || strings.Contains(r.body, pw) {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	for _, tc := range []struct {
		method, path, body string
		who                *CreatedKey
		status             int
	}{
		{"POST", "/api/v1/users", `{"name":"ana","password":"` + pw + `","roles":["viewer"]}`, admin, http.StatusConflict},
		{"POST", "/api/v1/users", `{"name":"bo","password":"short","roles":["viewer"]}`, admin, http.StatusBadRequest},
		{"POST", "/api/v1/users", `{"name":"bo","password":"` + pw + `","roles":["root"]}`, admin, http.StatusBadRequest},
		{"POST", "/api/v1/users", `{"name":"bo","password":"` + pw + `","roles":["viewer"],"extra":1}`, admin, http.StatusBadRequest},
		{"POST", "/api/v1/users", `{"name":"bo","password":"` + pw + `","roles":["viewer"]}`, viewer, http.StatusForbidden},
		{"GET", "/api/v1/users", "", viewer, http.StatusForbidden},
		{"GET", "/api/v1/users", "", admin, http.StatusOK},
		{"GET", "/api/v1/users/ana", "", admin, http.StatusOK},
		{"GET", "/api/v1/users/nobody", "", admin, http.StatusNotFound},
		{"PATCH", "/api/v1/users/ana", `{"roles":["viewer"],"permissions":[]}`, admin, http.StatusOK},
		{"PATCH", "/api/v1/users/ana", `{"password":"short"}`, admin, http.StatusBadRequest},
		{"PATCH", "/api/v1/users/nobody", `{"disabled":true}`, admin, http.StatusNotFound},
		{"GET", "/api/v1/apikeys", "", admin, http.StatusOK},
		{"GET", "/api/v1/apikeys", "", viewer, http.StatusForbidden},
		{"POST", "/api/v1/apikeys", `{"name":"hl7-feed","roles":["operator"]}`, admin, http.StatusCreated},
		{"DELETE", "/api/v1/apikeys/ffffffffffffffff", "", admin, http.StatusNotFound},
		{"DELETE", "/api/v1/users/ana", "", viewer, http.StatusForbidden},
		{"DELETE", "/api/v1/users/ana", "", admin, http.StatusNoContent},
		{"DELETE", "/api/v1/users/ana", "", admin, http.StatusNotFound},
	} {
		r := call(t, srv, tc.method, tc.path, tc.body, as(tc.who)...)
		if r.status != tc.status {
			t.Errorf("%s %s %s as %s: %d %s, want %d", tc.method, tc.path, tc.body, tc.who.Name, r.status, r.body, tc.status)
		}
	}

	// A key is shown once, at creation, and works at once.
	r = call(t, srv, "POST", "/api/v1/apikeys", `{"name":"lab","roles":["viewer"]}`, as(admin)...)
	var ck CreatedKey
	if err := json.Unmarshal([]byte(r.body), &ck); err != nil || !strings.HasPrefix(ck.Key, KeyPrefix) {
		t.Fatalf("created key: %s, %v", r.body, err)
	}
	if r := call(t, srv, "GET", "/api/v1/channels", "", "Authorization", "Bearer "+ck.Key); r.status != http.StatusOK {
		t.Errorf("new key: %d", r.status)
	}
	r = call(t, srv, "GET", "/api/v1/apikeys", "", as(admin)...)
	if strings.Contains(r.body, ck.Key[len(ck.Key)-20:]) || !strings.Contains(r.body, ck.ID) {
		t.Errorf("listing shows the secret or misses the key: %s", r.body)
	}
	if r := call(t, srv, "DELETE", "/api/v1/apikeys/"+ck.ID, "", as(admin)...); r.status != http.StatusNoContent {
		t.Errorf("revoke: %d %s", r.status, r.body)
	}
	if r := call(t, srv, "GET", "/api/v1/channels", "", "Authorization", "Bearer "+ck.Key); r.status != http.StatusUnauthorized {
		t.Errorf("revoked key: %d", r.status)
	}
}

func TestHandlerRefusals(t *testing.T) {
	f := newFixture(t, Options{})
	f.user(t, "root", pw, []string{RoleAdmin}, nil)
	srv := f.server(t, false)
	r := call(t, srv, "POST", "/api/v1/login", loginBody("root", pw))
	cookie := []string{"Cookie", SessionCookie + "=" + r.sessionCookie(t).Value}

	// A form post (the kind another site can make) is not JSON.
	req := []string{"Content-Type", "application/x-www-form-urlencoded"}
	if r := call(t, srv, "POST", "/api/v1/login", "user=root&password=x", req...); r.status != http.StatusUnsupportedMediaType {
		t.Errorf("form login: %d %s", r.status, r.body)
	}
	// A cross-origin browser request is refused before it reaches a handler.
	if r := call(t, srv, "POST", "/api/v1/users", `{"name":"evil","password":"`+pw+`","roles":["admin"]}`,
		append(cookie, "Sec-Fetch-Site", "cross-site")...); r.status != http.StatusForbidden {
		t.Errorf("cross-origin create: %d %s", r.status, r.body)
	}
	if r := call(t, srv, "POST", "/api/v1/login", strings.Repeat(" ", maxAccountBody+1)+"{}"); r.status != http.StatusRequestEntityTooLarge {
		t.Errorf("huge login body: %d", r.status)
	}
	// An admin cannot lock themselves out.
	if r := call(t, srv, "DELETE", "/api/v1/users/root", "", cookie...); r.status != http.StatusConflict {
		t.Errorf("deleting oneself: %d %s", r.status, r.body)
	}
	if r := call(t, srv, "PATCH", "/api/v1/users/root", `{"disabled":true}`, cookie...); r.status != http.StatusConflict {
		t.Errorf("disabling oneself: %d %s", r.status, r.body)
	}
	// Handler alone, without Protect, still checks who calls.
	f2 := newFixture(t, Options{})
	bare := httptest.NewServer(f2.a.Handler())
	defer bare.Close()
	if r := call(t, bare, "GET", "/api/v1/users", ""); r.status != http.StatusUnauthorized {
		t.Errorf("Handler alone, anonymous: %d", r.status)
	}
}
