package accounts

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
)

func TestAPIKeyAuth(t *testing.T) {
	f := newFixture(t, Options{})
	k := f.key(t, "lab-system", []string{RoleOperator}, []string{PermPHI})
	other := f.key(t, "reporting", []string{RoleViewer}, nil)
	srv := f.server(t, false)
	if !strings.HasPrefix(k.Key, KeyPrefix+k.ID+"_") {
		t.Fatalf("key %q does not read pxk_<id>_<secret>", k.Key)
	}

	for _, h := range [][]string{
		{"Authorization", "Bearer " + k.Key},
		{"Authorization", "bearer " + k.Key},
		{KeyHeader, k.Key},
	} {
		r := call(t, srv, "GET", "/api/v1/messages/1/content", "", h...)
		if r.status != http.StatusOK {
			t.Fatalf("%s: %d %s", h[0], r.status, r.body)
		}
		if m := r.me(t); m.Kind != "apikey" || m.Name != "lab-system" || !slices.Equal(m.Permissions, []string{PermPHI}) {
			t.Errorf("principal %+v", m)
		}
	}
	if r := call(t, srv, "POST", "/api/v1/dlq/replay", "{}", "Authorization", "Bearer "+k.Key); r.status != http.StatusOK {
		t.Errorf("replay as operator: %d %s", r.status, r.body)
	}
	if r := call(t, srv, "GET", "/api/v1/users", "", "Authorization", "Bearer "+k.Key); r.status != http.StatusForbidden {
		t.Errorf("users as operator: %d %s", r.status, r.body)
	}

	// Another key's secret under this key's ID, a changed secret, garbage,
	// and schemes this package does not check: all 401, even on a route
	// anyone may read metadata of.
	_, otherSecret, _ := parseKey(other.Key)
	changed := k.Key[:len(k.Key)-1] + "A"
	if changed == k.Key { // the secret's last character was A already
		changed = k.Key[:len(k.Key)-1] + "B"
	}
	for _, h := range [][]string{
		{"Authorization", "Bearer " + KeyPrefix + k.ID + "_" + otherSecret},
		{"Authorization", "Bearer " + changed},
		{"Authorization", "Bearer " + k.Key + "x"},
		{"Authorization", "Bearer pxk_nothing"},
		{"Authorization", "Bearer pxk_0123456789abcdef_" + otherSecret},
		{"Authorization", "Basic YWRtaW46YWRtaW4="},
		{"Authorization", "Bearer eyJhbGciOiJSUzI1NiJ9.e30.sig"},
		{KeyHeader, "nonsense"},
	} {
		if r := call(t, srv, "GET", "/api/v1/channels", "", h...); r.status != http.StatusUnauthorized {
			t.Errorf("%s %q: %d %s", h[0], h[1], r.status, r.body)
		}
	}
	// The health checks stay open whatever is sent.
	if r := call(t, srv, "GET", "/healthz", "", "Authorization", "Bearer pxk_nothing"); r.status != http.StatusOK {
		t.Errorf("healthz with a bad key: %d", r.status)
	}

	if err := f.a.RevokeAPIKey(context.Background(), k.ID); err != nil {
		t.Fatal(err)
	}
	if r := call(t, srv, "GET", "/api/v1/channels", "", "Authorization", "Bearer "+k.Key); r.status != http.StatusUnauthorized {
		t.Errorf("revoked key: %d %s", r.status, r.body)
	}
	if r := call(t, srv, "GET", "/api/v1/channels", "", "Authorization", "Bearer "+other.Key); r.status != http.StatusOK {
		t.Errorf("the other key after revoking one: %d %s", r.status, r.body)
	}
}

func TestAPIKeyStore(t *testing.T) {
	f := newFixture(t, Options{})
	ctx := context.Background()
	k := f.key(t, "lab", []string{RoleViewer, RoleViewer, "Operator"}, nil)
	if !slices.Equal(k.Roles, []string{RoleOperator, RoleViewer}) {
		t.Errorf("roles %q, want sorted, lowercased and without duplicates", k.Roles)
	}
	var n int
	if err := f.a.db.R.QueryRow(`SELECT COUNT(*) FROM api_keys WHERE secret_hash LIKE '%' || ? || '%'`, k.Key[len(k.Key)-20:]).Scan(&n); err != nil || n != 0 {
		t.Errorf("the secret is in the store (%d rows, %v)", n, err)
	}
	if _, err := f.a.AuthenticateKey(ctx, k.Key); err != nil {
		t.Fatal(err)
	}
	if err := f.a.RevokeAPIKey(ctx, k.ID); err != nil {
		t.Fatal(err)
	}
	if err := f.a.RevokeAPIKey(ctx, k.ID); err != nil {
		t.Errorf("revoking twice: %v", err)
	}
	if err := f.a.RevokeAPIKey(ctx, "ffffffffffffffff"); err == nil {
		t.Error("revoking an unknown key worked")
	}
	keys, err := f.a.APIKeys(ctx)
	if err != nil || len(keys) != 1 || keys[0].Revoked == nil || keys[0].LastUsed == nil || keys[0].Name != "lab" {
		t.Errorf("listing: %+v, %v", keys, err)
	}
	for _, nk := range []NewAPIKey{
		{Name: "", Roles: []string{RoleViewer}},
		{Name: "a b", Roles: []string{RoleViewer}},
		{Name: "x", Roles: nil},
		{Name: "x", Roles: []string{"root"}},
		{Name: "x", Roles: []string{RoleViewer}, Permissions: []string{"everything"}},
	} {
		if _, err := f.a.CreateAPIKey(ctx, nk); err == nil {
			t.Errorf("CreateAPIKey(%+v) worked", nk)
		}
	}
}

func FuzzParseKey(f *testing.F) {
	f.Add("pxk_0123456789abcdef_" + strings.Repeat("A", 43))
	f.Add("pxk__")
	f.Add("pxk_0123456789abcdef_a_b-c")
	f.Fuzz(func(t *testing.T, key string) {
		id, secret, ok := parseKey(key)
		if ok && key != KeyPrefix+id+"_"+secret {
			t.Fatalf("parseKey(%q) = %q, %q: does not put back together", key, id, secret)
		}
	})
}
