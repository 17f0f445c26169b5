package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/transport/mllp"
)

// phi lists the distinctive patient values the PHI test sends; none may
// appear in any log line or in /metrics. Each is unlikely to occur by
// chance, so a hit is a leak.
var phi = []string{
	// HL7 v2 patients
	"Quarternmaine", "Ottoline", "Zephyrine", "MRN739182645", "19370412", "1937-04-12",
	"4417 Wisteria Hollow", "Pemberton Falls", "5550147882", "987-65-4329",
	"Vexley-Harrow", "Bartholomew", "MRN558214097", "19620229", "Quillfeather Mews", "5550193344",
	// in malformed messages and failed conversions
	"Scrimgeour", "MRN440019283", "19441231X", "Fothergill", "MRN662907415", "Pettigrew-Oakes", "MRN118273645",
	// FHIR REST
	"Threlkeld-Fanshawe", "Isembard", "NHS4829174650", "1951-09-23", "Marchbanks Crescent", "07700900461",
	"Ffolliott", "23/09/1951",
}

// TestNoPatientDataInLogs runs plexus serve (debug logging, encryption on)
// with a channel that stores each HL7 v2 message, forwards it over MLLP and
// converts it into the FHIR store; sends it patients with distinctive
// names, identifiers, birth dates, addresses and phone numbers, malformed
// messages and a message the conversion refuses; makes FHIR REST calls
// with patient data (create, searches, an invalid resource, a bad search)
// and admin API searches by patient; then scans everything serve wrote
// and /metrics for every one of those values.
func TestNoPatientDataInLogs(t *testing.T) {
	if plexusBin == "" {
		t.Skip("the plexus binary could not be built")
	}
	dir := t.TempDir()
	keys := filepath.Join(dir, "keys.json")
	if st, out, errs := runPlexus(t, "keys", "generate", "--file", keys); st != 0 {
		t.Fatalf("keys generate: %s %s", out, errs)
	}
	in := freePort(t)
	forward := newSink(t)
	cfg := filepath.Join(dir, "plexus.yaml")
	writeFile(t, cfg, fmt.Sprintf(`version: 1
admin: {listen: "127.0.0.1:0"}
encryption: {keys_file: "%s"}
channels:
  - name: adt
    source: {type: mllp, listen: "%s"}
    destinations:
      - name: forward
        type: mllp
        address: "%s"
      - name: fhir
        type: fhir-store
        transform:
          - v2_to_fhir: {time_zone: Europe/London}
        retry: {max_attempts: 1}
`, keys, in, forward.addr()))
	data := filepath.Join(dir, "data")
	// Debug logging: the most a deployment can log.
	serve := exec.Command(plexusBin, "serve", "--config", cfg, "--data", data, "--sync", "NORMAL", "--log-level", "debug")
	logs, stdoutBuf := &logBuffer{}, &logBuffer{}
	serve.Stderr = logs
	stdout, err := serve.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := serve.Start(); err != nil {
		t.Fatal(err)
	}
	p := &serveProc{cmd: serve, out: logs}
	t.Cleanup(func() {
		if serve.ProcessState == nil {
			p.kill()
		}
	})
	addrs := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			fmt.Fprintln(stdoutBuf, sc.Text())
			if m := servingRE.FindStringSubmatch(sc.Text()); m != nil {
				addrs <- m[1]
			}
		}
	}()
	select {
	case p.admin = <-addrs:
	case <-time.After(30 * time.Second):
		t.Fatalf("plexus serve did not start:\n%s", tail(logs.String(), 3000))
	}
	p.useLocalKey(t, data)
	base := "http://" + p.admin

	ctx := context.Background()
	c := &mllp.Client{Addr: in}
	defer c.Close()
	good := []string{
		"MSH|^~\\&|EPIC|HOSP|ANY|HOSP|20240101120000||ADT^A01^ADT_A01|PHI1|P|2.5\r" +
			"PID|1||MRN739182645^^^HOSP^MR~987-65-4329^^^SSA^SS||Quarternmaine^Ottoline^Zephyrine||19370412|F|||4417 Wisteria Hollow^^Pemberton Falls^PA^19001||5550147882\r" +
			"PV1|1|I|W1^101^A\r",
		"MSH|^~\\&|EPIC|HOSP|ANY|HOSP|20240101120500||ADT^A08^ADT_A01|PHI2|P|2.5\r" +
			"PID|1||MRN558214097^^^HOSP^MR||Vexley-Harrow^Bartholomew||19620229|M|||12 Quillfeather Mews^^Pemberton Falls^PA||5550193344\r" +
			"PV1|1|O\r",
	}
	for i, m := range good {
		if ack, err := c.Send(ctx, []byte(m)); err != nil {
			t.Fatalf("good message %d: %v (%q)", i, err, ack)
		}
	}
	bad := []string{
		// no control ID (MSH-10)
		"MSH|^~\\&|EPIC|HOSP|ANY|HOSP|20240101||ADT^A01||P|2.5\rPID|1||MRN440019283^^^HOSP^MR||Scrimgeour^Ottoline||19441231X\r",
		// no MSH at all
		"PID|1||MRN440019283^^^HOSP^MR||Scrimgeour^Ottoline||19441231X|F\r",
		// a message type the conversion does not support
		"MSH|^~\\&|EPIC|HOSP|ANY|HOSP|20240101||ZZZ^Z99|PHI3|P|2.5\rPID|1||MRN662907415^^^HOSP^MR||Fothergill^Ottoline||19441231X\r",
		// a broken birth date, which the conversion cannot map
		"MSH|^~\\&|EPIC|HOSP|ANY|HOSP|20240101||ADT^A01^ADT_A01|PHI4|P|2.5\rPID|1||MRN118273645^^^HOSP^MR||Pettigrew-Oakes^Ottoline||19441231X\rPV1|1|I\r",
		// a carriage return inside a name: the rest of the name becomes a
		// "segment" whose name the parser reports (format/hl7v2 quotes
		// only its first three bytes, on purpose, so the full values
		// scanned for stay out)
		"MSH|^~\\&|EPIC|HOSP|ANY|HOSP|20240101||ADT^A01^ADT_A01|PHI5|P|2.5\rPID|1||MRN118273645^^^HOSP^MR||Pettigrew-Oakes\rFothergill^Ottoline|19441231X\r",
		"MSH|^~\\&|EPIC|HOSP|ANY|HOSP|20240101||ADT^A01^ADT_A01|PHI6|P|2.5\rPID|1||MRN118273645^^^HOSP^MR||Pettigrew-Oakes\rZephyrine|x\r",
	}
	refused := 0
	for _, m := range bad {
		if _, err := c.Send(ctx, []byte(m)); err != nil {
			refused++
		}
	}
	if refused == 0 {
		t.Error("every malformed message was accepted")
	}

	// FHIR REST: a create, searches by patient data, an invalid resource,
	// a bad search, a read of a missing id made of an identifier.
	patient := `{"resourceType":"Patient","identifier":[{"system":"https://fhir.nhs.uk/Id/nhs-number","value":"NHS4829174650"}],
		"name":[{"family":"Threlkeld-Fanshawe","given":["Isembard"]}],"birthDate":"1951-09-23",
		"address":[{"line":["7 Marchbanks Crescent"],"city":"Pemberton Falls"}],"telecom":[{"system":"phone","value":"07700900461"}]}`
	invalid := `{"resourceType":"Patient","name":[{"family":"Ffolliott","given":"Isembard"}],"birthDate":"23/09/1951","gender":"Threlkeld-Fanshawe"}`
	calls := []struct {
		method, path, body string
		status             int
	}{
		{"POST", "/fhir/Patient", patient, 201},
		{"GET", "/fhir/Patient?name=Threlkeld-Fanshawe", "", 200},
		{"GET", "/fhir/Patient?identifier=NHS4829174650&birthdate=1951-09-23", "", 200},
		{"GET", "/fhir/Patient?address=" + url.QueryEscape("Marchbanks Crescent") + "&phone=07700900461", "", 200},
		{"POST", "/fhir/Patient", invalid, 400},
		{"GET", "/fhir/Patient?name:sounds-like=Ffolliott", "", 400},
		{"GET", "/fhir/Patient/NHS4829174650", "", 404},
		{"GET", "/api/v1/messages?patient_id=MRN739182645", "", 200},
		{"GET", "/api/v1/messages?q=Quarternmaine", "", 200},
	}
	for _, call := range calls {
		req, _ := http.NewRequest(call.method, base+call.path, strings.NewReader(call.body))
		if call.body != "" {
			req.Header.Set("Content-Type", "application/fhir+json")
		}
		resp, err := p.client.Do(req) // no redirects followed
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != call.status && !(call.status == 400 && resp.StatusCode == 422) {
			t.Errorf("%s %s: %d, want %d: %s", call.method, call.path, resp.StatusCode, call.status, b)
		}
	}

	// Both good messages reach the forward destination and the FHIR store
	// (the conversion ran, the payloads were opened from the journal).
	deadline := time.After(30 * time.Second)
	for got := 0; got < len(good); got++ {
		select {
		case <-forward.got:
		case <-deadline:
			t.Fatalf("forwarded %d of %d\n%s", got, len(good), tail(logs.String(), 3000))
		}
	}
	for {
		var bundle struct {
			Total int `json:"total"`
		}
		p.getJSON(t, "/fhir/Patient?identifier=MRN558214097&_summary=count", &bundle)
		if bundle.Total == 1 {
			break
		}
		select {
		case <-deadline:
			t.Fatalf("the converted patient never reached the FHIR store\n%s", tail(logs.String(), 3000))
		case <-time.After(50 * time.Millisecond):
		}
	}
	// The stored content reads back through the API, decrypted.
	resp, err := p.client.Get(base + "/api/v1/messages/1/content")
	if err != nil {
		t.Fatal(err)
	}
	content, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(content), "Quarternmaine") {
		t.Errorf("message 1 content = %q", content)
	}
	resp, err = p.client.Get(base + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	metrics, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.Contains(string(metrics), "plexus_") {
		t.Fatalf("no plexus metrics:\n%s", metrics)
	}
	p.stop(t)

	// Every stored payload is sealed: none is plaintext.
	st, out, errs := runPlexus(t, "keys", "list", "--file", keys, "--data", data)
	if st != 0 || strings.Contains(out, "(plaintext)") || !strings.Contains(out, "yes") {
		t.Errorf("keys list: %d\n%s%s", st, out, errs)
	}

	scanned := map[string]string{"serve stderr": logs.String(), "serve stdout": stdoutBuf.String(), "/metrics": string(metrics),
		"keys output": out + errs}
	for where, text := range scanned {
		for _, v := range phi {
			if i := strings.Index(text, v); i >= 0 {
				line := text[strings.LastIndex(text[:i], "\n")+1:]
				if j := strings.IndexByte(line, '\n'); j >= 0 {
					line = line[:j]
				}
				t.Errorf("%s holds patient data %q: %s", where, v, line)
			}
		}
	}
	if !strings.Contains(logs.String(), `"message_id"`) && !strings.Contains(logs.String(), "configuration applied") {
		t.Errorf("the logs scanned look empty:\n%s", tail(logs.String(), 2000))
	}
	if t.Failed() {
		t.Log(logs.String())
	}
	t.Logf("scanned %d bytes of logs and %d of metrics for %d values", len(logs.String()), len(metrics), len(phi))
}
