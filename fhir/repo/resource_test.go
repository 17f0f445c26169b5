package repo

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

func TestParseVersion(t *testing.T) {
	for in, want := range map[string]int64{`3`: 3, `"3"`: 3, `W/"3"`: 3, `w/"12"`: 12, ``: 0, `W/`: 0, `0`: 0, `-1`: 0, `x`: 0, `W/"3`: 0, `"`: 0} {
		got, ok := parseVersion(in)
		if got != want || ok != (want != 0) {
			t.Errorf("parseVersion(%q) = %d, %v", in, got, ok)
		}
	}
}

func TestNewID(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		id := NewID()
		if !validID(id) || len(id) != 36 || id[14] != '4' || seen[id] {
			t.Fatalf("NewID() = %q", id)
		}
		seen[id] = true
	}
}

func TestValidIDAndType(t *testing.T) {
	for s, want := range map[string]bool{"a": true, "A-1.b": true, "": false, "a_b": false, "a/b": false, "é": false} {
		if validID(s) != want {
			t.Errorf("validID(%q) = %v", s, !want)
		}
	}
	for s, want := range map[string]bool{"Patient": true, "MedicationRequest": true, "patient": false, "P1": false, "": false} {
		if validType(s) != want {
			t.Errorf("validType(%q) = %v", s, !want)
		}
	}
}

// FuzzParseResource checks that any input either fails with ErrInvalid or
// renders to a JSON object that keeps every member, with the server's id
// and meta.
func FuzzParseResource(f *testing.F) {
	for _, s := range []string{patient, `{"resourceType":"Patient","meta":{}}`, `{"resourceType":"Patient","id":null,"meta":{"tag":[]}}`,
		`{"resourceType":"Patient","a":"\u0000\"<>"}`, `{"resourceType":"Patient","meta":null}`, `[]`, `{`, `{"resourceType":"Patient","x":1e400}`} {
		f.Add([]byte(s))
	}
	when := time.Date(2026, 1, 2, 3, 4, 5, 6e6, time.UTC)
	f.Fuzz(func(t *testing.T, body []byte) {
		d, err := parseResource("Patient", body)
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			return
		}
		out := d.render("x-1", 7, when)
		var in, got map[string]json.RawMessage
		if err := json.Unmarshal(body, &in); err != nil {
			t.Fatalf("accepted input does not parse: %v", err)
		}
		if err := json.Unmarshal(out, &got); err != nil {
			t.Fatalf("rendered JSON does not parse: %v\n%s", err, out)
		}
		for k, v := range in {
			if k == "id" || k == "meta" {
				continue
			}
			var c bytes.Buffer
			json.Compact(&c, v)
			if !bytes.Equal(got[k], c.Bytes()) {
				t.Fatalf("member %q changed: %s → %s", k, v, got[k])
			}
		}
		var meta struct{ VersionID, LastUpdated string }
		json.Unmarshal(got["meta"], &meta)
		if string(got["id"]) != `"x-1"` || meta.VersionID != "7" || meta.LastUpdated != "2026-01-02T03:04:05.006Z" {
			t.Fatalf("id/meta not set: %s", out)
		}
	})
}
