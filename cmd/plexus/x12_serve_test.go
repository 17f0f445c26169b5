package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/format/x12"
)

// TestServeX12 runs an X12 channel end to end over real sockets: an 837P
// posted to an HTTP source is journaled with its metadata, answered with a
// TA1 and a 999 accepting it, split into its claims and converted into the
// FHIR store; the same interchange again is refused as a duplicate (TA1
// 025), and a broken one is refused and kept with status error.
func TestServeX12(t *testing.T) {
	dir := t.TempDir()
	in, inSplit := freePort(t), freePort(t)
	cfg := filepath.Join(dir, "plexus.yaml")
	writeFile(t, cfg, fmt.Sprintf(`version: 1
admin: {listen: "127.0.0.1:0"}
channels:
  - name: claims
    source: {type: http, listen: "%s", path: /x12}
    destinations:
      - name: fhir
        type: fhir-store
        transform:
          - x12_split_claims: {}
          - x12_to_fhir: {}
        retry: {max_attempts: 1}
  - name: claims-split
    source: {type: http, listen: "%s", path: /x12}
    x12: {split: claims}
    destinations:
      - name: fhir
        type: fhir-store
        transform:
          - x12_to_fhir: {}
        retry: {max_attempts: 1}
`, in, inSplit))
	p := startServe(t, cfg, filepath.Join(dir, "data"))
	url := "http://" + in + "/x12"
	var postTo func(url string, body []byte) (int, string, []*x12.Segment)
	valid, err := os.ReadFile("../../format/x12/testdata/837p.x12")
	if err != nil {
		t.Fatal(err)
	}
	post := func(body []byte) (int, string, []*x12.Segment) {
		t.Helper()
		return postTo(url, body)
	}
	postTo = func(url string, body []byte) (int, string, []*x12.Segment) {
		t.Helper()
		resp, err := http.Post(url, "application/edi-x12", bytes.NewReader(body))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		segs, _, err := x12.ReadAll(b)
		if err != nil {
			t.Fatalf("answer %d %q: %v", resp.StatusCode, b, err)
		}
		return resp.StatusCode, resp.Header.Get("Content-Type"), segs
	}
	values := func(segs []*x12.Segment, id string, elems ...int) []string {
		var out []string
		for _, s := range segs {
			if s.ID == id {
				var v []string
				for _, e := range elems {
					v = append(v, s.Value(e))
				}
				out = append(out, strings.Join(v, " "))
			}
		}
		return out
	}

	// A valid 837P (ISA14 asks for a TA1): 200, TA1 A and a 999 accepting it.
	status, ct, segs := post(valid)
	if status != 200 || ct != "application/edi-x12" {
		t.Errorf("valid 837P: %d %s", status, ct)
	}
	if got := values(segs, "TA1", 1, 4, 5); len(got) != 1 || got[0] != "000000905 A 000" {
		t.Errorf("valid 837P: TA1 %v", got)
	}
	if got := values(segs, "AK9", 1, 2, 3, 4); len(got) != 1 || got[0] != "A 1 1 1" {
		t.Errorf("valid 837P: AK9 %v", got)
	}
	if got := values(segs, "ISA", 6, 8); len(got) != 2 || strings.TrimSpace(got[0]) != "RECEIVERS.ID    SUBMITTERS.ID" {
		t.Errorf("answers are not from the receiver to the sender: %q", got)
	}

	// The claims reach the FHIR store.
	deadline := time.Now().Add(60 * time.Second)
	var claims []string
	for {
		claims = claimIDs(t, p)
		if len(claims) == 2 || time.Now().After(deadline) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if len(claims) != 2 {
		t.Fatalf("FHIR store holds claims %v, want 2\n%s", claims, tail(p.out.String(), 3000))
	}

	// The same interchange again: a duplicate, 422 with TA1 025.
	status, _, segs = post(valid)
	if got := values(segs, "TA1", 4, 5); status != 422 || len(got) != 1 || got[0] != "R 025" || len(values(segs, "AK9", 1)) != 0 {
		t.Errorf("duplicate: %d, TA1 %v", status, got)
	}

	// A broken one (SE01 wrong, under a new control number): 422 with a
	// 999 rejecting the set.
	broken := bytes.ReplaceAll(valid, []byte("000000905"), []byte("000000906"))
	broken = bytes.Replace(broken, []byte("SE*34*"), []byte("SE*33*"), 1)
	status, _, segs = post(broken)
	if got := values(segs, "AK9", 1); status != 422 || len(got) != 1 || got[0] != "R" {
		t.Errorf("broken: %d, AK9 %v", status, got)
	}
	if got := values(segs, "IK5", 1, 2); len(got) != 1 || got[0] != "R 4" {
		t.Errorf("broken: IK5 %v", got)
	}

	var list struct {
		Messages []struct {
			Type            string `json:"type"`
			Trigger         string `json:"trigger"`
			ControlID       string `json:"control_id"`
			SendingApp      string `json:"sending_app"`
			SendingFacility string `json:"sending_facility"`
			PatientID       string `json:"patient_id"`
			ContentType     string `json:"content_type"`
			Status          string `json:"status"`
			Error           string `json:"error"`
		} `json:"messages"`
	}
	p.getJSON(t, "/api/v1/messages?channel=claims", &list)
	if len(list.Messages) != 3 {
		t.Fatalf("journal holds %d messages, want 3", len(list.Messages))
	}
	// Newest first: the broken one, the duplicate, the accepted one.
	want := []string{
		"837 837P 000000906 SUBMITTERS.ID SENDER CODE 123456 application/edi-x12 error",
		"837 837P 000000905 SUBMITTERS.ID SENDER CODE 123456 application/edi-x12 duplicate",
		"837 837P 000000905 SUBMITTERS.ID SENDER CODE 123456 application/edi-x12 delivered",
	}
	for i, m := range list.Messages {
		got := strings.Join([]string{m.Type, m.Trigger, m.ControlID, m.SendingApp, m.SendingFacility, m.PatientID, m.ContentType, m.Status}, " ")
		if got != want[i] {
			t.Errorf("message %d: %s, want %s", i, got, want[i])
		}
	}
	if e := list.Messages[0].Error; !strings.Contains(e, "ST 837 R [4]") {
		t.Errorf("broken interchange's error: %q", e)
	}
	// On the channel that splits: the interchange is kept as the parent
	// of one message per claim, each with its claim ID and patient.
	if status, _, segs := postTo("http://"+inSplit+"/x12", valid); status != 200 || len(values(segs, "AK9", 1)) != 1 {
		t.Fatalf("split channel: %d, AK9 %v", status, values(segs, "AK9", 1))
	}
	var split struct {
		Messages []struct {
			ID        int64  `json:"id"`
			ParentID  int64  `json:"parent_id"`
			ControlID string `json:"control_id"`
			Status    string `json:"status"`
		} `json:"messages"`
	}
	p.getJSON(t, "/api/v1/messages?channel=claims-split", &split)
	var parent int64
	var parts []string
	for _, m := range split.Messages {
		if m.Status == "split" {
			parent = m.ID
		}
	}
	for _, m := range split.Messages {
		if m.ParentID != 0 {
			if m.ParentID != parent {
				t.Errorf("claim %s has parent %d, want %d", m.ControlID, m.ParentID, parent)
			}
			parts = append(parts, m.ControlID)
		}
	}
	if sort.Strings(parts); parent == 0 || strings.Join(parts, " ") != "A37YH556 A37YH667" {
		t.Errorf("split channel journal: %+v", split.Messages)
	}
	if logs := p.out.String(); strings.Contains(logs, "DOE") || strings.Contains(logs, "A37YH556") {
		t.Errorf("patient data in the logs:\n%s", tail(logs, 3000))
	}
}

// claimIDs returns the ids of the Claims in the FHIR store.
func claimIDs(t *testing.T, p *serveProc) []string {
	t.Helper()
	var bundle struct {
		Entry []struct {
			Resource struct {
				ResourceType string `json:"resourceType"`
				ID           string `json:"id"`
			} `json:"resource"`
		} `json:"entry"`
	}
	resp, err := p.client.Get("http://" + p.admin + "/fhir/Claim?_count=50")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("Claim search: %d %s", resp.StatusCode, b)
	}
	if err := json.NewDecoder(resp.Body).Decode(&bundle); err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range bundle.Entry {
		if e.Resource.ResourceType == "Claim" {
			ids = append(ids, e.Resource.ID)
		}
	}
	return ids
}
