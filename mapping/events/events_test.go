package events

import (
	"bytes"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/plexus-health/plexus/format/hl7v2"
	"github.com/plexus-health/plexus/mapping/v2fhir"
)

var update = flag.Bool("update", false, "rewrite testdata/*.json from the derivations")

const simhospital = "../../../shared/testdata/hl7v2/simhospital/simhospital_2000.hl7"

func testDeriver(t testing.TB) *Deriver {
	t.Helper()
	ms, err := v2fhir.Default()
	if err != nil {
		t.Fatal(err)
	}
	fixed := func() time.Time { return time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC) }
	return New(v2fhir.New(ms, v2fhir.Options{Now: fixed}))
}

// readMessage reads a testdata message written with any line ends.
func readMessage(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	data = bytes.ReplaceAll(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\r")), []byte("\n"), []byte("\r"))
	return bytes.TrimSpace(data)
}

// TestGolden derives each testdata/*.hl7 and compares with testdata/*.json:
// the events as indented JSON, then a "// note:" line per note.
func TestGolden(t *testing.T) {
	d := testDeriver(t)
	files, _ := filepath.Glob("testdata/*.hl7")
	if len(files) < 10 {
		t.Fatalf("only %d golden inputs", len(files))
	}
	for _, name := range files {
		t.Run(filepath.Base(name), func(t *testing.T) {
			res, err := d.DeriveBytes(readMessage(t, name))
			if err != nil {
				t.Fatal(err)
			}
			got, err := json.MarshalIndent(res.Events, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, '\n')
			for _, n := range res.Notes {
				got = append(got, "// note: "+n+"\n"...)
			}
			golden := strings.TrimSuffix(name, ".hl7") + ".json"
			if *update {
				if err := os.WriteFile(golden, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run with -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("%s differs from the derivation (run with -update and review the diff):\n%s", golden, got)
			}
		})
	}
}

// TestRules: which events each kind of message makes, and why none.
func TestRules(t *testing.T) {
	const pid = "PID|1||100234^^^GOODHEALTH^MR||Smith^Anna||19790512|F\r"
	const pv1 = "PV1|1|I|WARD7^R12^B2^GOODHEALTH|||WARD6^R1^B1^GOODHEALTH|||||||||||||V778899^^^GOODHEALTH^VN|||||||||||||||||||||||||20240312093000+0100|20240314093000+0100\r"
	msh := func(typ string) string {
		return "MSH|^~\\&|APP|FAC|RCV|RFAC|20240312101500+0100||" + typ + "|C1|P|2.5.1\r"
	}
	obr := func(n int, status string) string {
		return "OBR|" + string(rune('0'+n)) + "|P" + string(rune('0'+n)) + "^CPOE|F" + string(rune('0'+n)) + "^LAB|1-1^Test^LN|||||||||||||||||||||" + status + "\r"
	}
	obx := func(status string) string { return "OBX|1|NM|2-2^X^LN||1|||N|||" + status + "\r" }
	tests := []struct {
		name  string
		msg   string
		types []string
		note  string // a note that must be given
	}{
		{"A01", msh("ADT^A01") + pid + pv1, []string{PatientAdmitted, EncounterStarted}, ""},
		{"A01 without PV1", msh("ADT^A01") + pid, nil, "no PV1"},
		{"A04", msh("ADT^A04") + pid + pv1, []string{PatientRegistered, EncounterStarted}, ""},
		{"A28", msh("ADT^A28") + pid, []string{PatientRegistered}, ""},
		{"A08", msh("ADT^A08") + pid + pv1, []string{PatientUpdated}, ""},
		{"A31", msh("ADT^A31") + pid, []string{PatientUpdated}, ""},
		{"A02", msh("ADT^A02") + pid + pv1, []string{EncounterTransferred}, ""},
		{"A03", msh("ADT^A03") + pid + pv1, []string{EncounterEnded}, ""},
		{"A11", msh("ADT^A11") + pid + pv1, []string{EncounterCancelled}, ""},
		{"A12", msh("ADT^A12") + pid + pv1, []string{EncounterCancelled}, ""},
		{"A13", msh("ADT^A13") + pid + pv1, []string{EncounterCancelled}, ""},
		{"A40", msh("ADT^A40") + pid + "MRG|100999^^^GOODHEALTH^MR\r", []string{PatientMerged}, ""},
		{"A40 same patient", msh("ADT^A40") + pid + "MRG|100234^^^GOODHEALTH^MR\r", nil, "no merged patient"},
		{"A05 no event", msh("ADT^A05") + pid + pv1, nil, "no event of plexus.event/v1"},
		{"A34 unsupported", msh("ADT^A34") + pid, nil, "MSH-9 ADT^A34: no event"},
		{"ORM NW", msh("ORM^O01") + pid + "ORC|NW|P1^CPOE\r" + obr(1, ""), []string{OrderPlaced}, ""},
		{"ORM two NW one ORC", msh("ORM^O01") + pid + "ORC|NW|P1^CPOE\r" + obr(1, "") + obr(2, ""), []string{OrderPlaced, OrderPlaced}, ""},
		{"ORM CA and OC", msh("ORM^O01") + pid + "ORC|CA|P1^CPOE\r" + obr(1, "") + "ORC|OC|P2^CPOE\r", []string{OrderCancelled, OrderCancelled}, ""},
		{"ORM SC", msh("ORM^O01") + pid + "ORC|SC|P1^CPOE\r" + obr(1, ""), nil, `ORC-1 "SC"`},
		{"OML NW", msh("OML^O21") + pid + "ORC|NW|P1^CPOE\r" + obr(1, ""), []string{OrderPlaced}, ""},
		{"ORU F", msh("ORU^R01") + pid + obr(1, "F") + obx("F"), []string{ResultFinal}, ""},
		{"ORU P", msh("ORU^R01") + pid + obr(1, "P") + obx("P"), []string{ResultPreliminary}, ""},
		{"ORU C", msh("ORU^R01") + pid + obr(1, "C") + obx("F"), []string{ResultCorrected}, ""},
		{"ORU F with a corrected OBX", msh("ORU^R01") + pid + obr(1, "F") + obx("F") + obx("C"), []string{ResultCorrected}, ""},
		{"ORU no OBR-25, OBX F", msh("ORU^R01") + pid + obr(1, "") + obx("F"), []string{ResultFinal}, ""},
		{"ORU no OBR-25, OBX R", msh("ORU^R01") + pid + obr(1, "") + obx("F") + obx("R"), []string{ResultPreliminary}, ""},
		{"ORU X", msh("ORU^R01") + pid + obr(1, "X"), nil, `OBR-25 "X"`},
		{"ORU two reports", msh("ORU^R01") + pid + obr(1, "F") + obx("F") + obr(2, "P") + obx("P"), []string{ResultFinal, ResultPreliminary}, ""},
		{"VXU", msh("VXU^V04") + pid + "ORC|RE|IZ1^EHR\rRXA|0|1|20240312113000-0500||08^Hep B^CVX|0.5|||||||||Z0860BB|||||CP|A\r", []string{ImmunizationRecorded}, ""},
		{"VXU deleted", msh("VXU^V04") + pid + "ORC|RE|IZ1^EHR\rRXA|0|1|20240312113000-0500||08^Hep B^CVX|0.5||||||||||||||CP|D\r", nil, "RXA-21 D"},
	}
	d := testDeriver(t)
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			res, err := d.DeriveBytes([]byte(tc.msg))
			if err != nil {
				t.Fatal(err)
			}
			var types []string
			for _, e := range res.Events {
				types = append(types, e.Type)
			}
			if !slices.Equal(types, tc.types) {
				t.Errorf("events %v, want %v (notes %q)", types, tc.types, res.Notes)
			}
			if tc.note != "" && !slices.ContainsFunc(res.Notes, func(n string) bool { return strings.Contains(n, tc.note) }) {
				t.Errorf("notes %q, want one with %q", res.Notes, tc.note)
			}
			if len(res.Events) == 0 && len(res.Notes) == 0 {
				t.Error("no event and no note saying why")
			}
			for _, e := range res.Events {
				if e.Schema != Schema || len(e.ID) != 32 || e.Subject.Patient == "" || e.Data == nil {
					t.Errorf("incomplete event %+v", e)
				}
			}
		})
	}
}

// TestReferences: an event names the resources the FHIR conversion of
// the same message wrote.
func TestReferences(t *testing.T) {
	d := testDeriver(t)
	for _, name := range []string{"adt_a01", "adt_a40", "orm_o01", "oru_r01_corrected", "vxu_v04"} {
		data := readMessage(t, "testdata/"+name+".hl7")
		conv, err := d.cv.ConvertBytes(data)
		if err != nil {
			t.Fatal(err)
		}
		var b bundleRefs
		if err := json.Unmarshal(conv.Bundle, &b); err != nil {
			t.Fatal(err)
		}
		inBundle := map[string]bool{}
		for _, e := range b.Entry {
			inBundle[e.Resource.ref()] = true
		}
		res, err := d.DeriveBytes(data)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range res.Events {
			s := e.Subject
			for _, ref := range []string{s.Patient, s.Encounter, s.ServiceRequest, s.DiagnosticReport, s.Immunization} {
				if ref != "" && !inBundle[ref] {
					t.Errorf("%s: %s names %s, not in the Bundle", name, e.Type, ref)
				}
			}
			if rd, ok := e.Data.(*ResultData); ok {
				for _, o := range rd.Observations {
					if !inBundle[o] {
						t.Errorf("%s: %s names %s, not in the Bundle", name, e.Type, o)
					}
				}
			}
		}
	}
	// The two orders of orm_o01 are two ServiceRequests.
	res, _ := d.DeriveBytes(readMessage(t, "testdata/orm_o01.hl7"))
	if len(res.Events) != 2 || res.Events[0].Subject.ServiceRequest == res.Events[1].Subject.ServiceRequest || res.Events[0].ID == res.Events[1].ID {
		t.Errorf("orm_o01: %+v", res.Events)
	}
}

// TestResend: the same message gives the same events, ids included; another
// control id gives other ids, the same references.
func TestResend(t *testing.T) {
	d := testDeriver(t)
	data := readMessage(t, "testdata/adt_a04.hl7")
	a, err := d.DeriveBytes(data)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := d.DeriveBytes(data)
	ja, _ := Marshal(a.Events)
	jb, _ := Marshal(b.Events)
	if !bytes.Equal(ja, jb) {
		t.Fatalf("derivations differ:\n%s\n%s", ja, jb)
	}
	c, _ := d.DeriveBytes(bytes.Replace(data, []byte("|MSG00104|"), []byte("|MSG00105|"), 1))
	for i := range a.Events {
		if a.Events[i].ID == c.Events[i].ID || a.Events[i].Subject != c.Events[i].Subject {
			t.Errorf("event %d: ids %s %s, subjects %v %v", i, a.Events[i].ID, c.Events[i].ID, a.Events[i].Subject, c.Events[i].Subject)
		}
	}
}

func TestISOTime(t *testing.T) {
	for in, want := range map[string]string{
		"":                      "",
		"2024":                  "2024",
		"202403":                "2024-03",
		"20240312":              "2024-03-12",
		"2024031210":            "2024-03-12T10:00",
		"202403121015":          "2024-03-12T10:15",
		"20240312101530":        "2024-03-12T10:15:30",
		"20240312101530.123":    "2024-03-12T10:15:30.123",
		"20240312101530+0100":   "2024-03-12T10:15:30+01:00",
		"202403121015-0500":     "2024-03-12T10:15-05:00",
		"20240312101530.5+0000": "2024-03-12T10:15:30.5+00:00",
		"20240312+0100":         "2024-03-12",
	} {
		got, ok := isoTime(in)
		if !ok || got != want {
			t.Errorf("isoTime(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	for _, bad := range []string{"2024031", "2024-03-12", "20240312+01", "1015.5", "20240312101530.", "x"} {
		if got, ok := isoTime(bad); ok {
			t.Errorf("isoTime(%q) = %q, accepted", bad, got)
		}
	}
}

// TestSimHospital derives the SimHospital sample and counts events by
// type against the message types in it: A01 admits and starts an
// encounter, A03 ends one, each OBR of an ORU reports a result by its
// status, A34 (not in the schema) gives none and says why.
func TestSimHospital(t *testing.T) {
	data, err := os.ReadFile(simhospital)
	if err != nil {
		t.Skipf("sample not available: %v", err)
	}
	d := testDeriver(t)
	got := map[string]int{}
	want := map[string]int{}
	byMsgType := map[string]int{}
	noted := 0
	ids := map[string]bool{}
	data = bytes.ReplaceAll(data, []byte("\n"), []byte("\r"))
	for _, raw := range bytes.Split(data, []byte("\rMSH")) {
		raw = bytes.Trim(raw, "\r")
		if len(raw) == 0 {
			continue
		}
		if !bytes.HasPrefix(raw, []byte("MSH")) {
			raw = append([]byte("MSH"), raw...)
		}
		m, err := hl7v2.Parse(raw)
		if err != nil {
			t.Fatal(err)
		}
		code, trigger, _ := m.Type()
		typ := code + "^" + trigger
		byMsgType[typ]++
		switch typ {
		case "ADT^A01":
			want[PatientAdmitted]++
			want[EncounterStarted]++
		case "ADT^A03":
			want[EncounterEnded]++
		case "ORU^R01":
			for i := 1; i <= m.Count("OBR"); i++ {
				status := m.Segment("OBR", i).Field(25).String()
				want[map[string]string{"F": ResultFinal, "P": ResultPreliminary, "C": ResultCorrected}[status]]++
			}
		}
		res, err := d.Derive(m)
		if err != nil {
			t.Fatalf("message %s: %v", m.ControlID(), err)
		}
		if len(res.Events) == 0 {
			noted++
			if len(res.Notes) == 0 {
				t.Errorf("message %s (%s): no event, no note", m.ControlID(), typ)
			}
		}
		for _, e := range res.Events {
			got[e.Type]++
			if ids[e.ID] {
				t.Errorf("duplicate event id %s (%s, message %s)", e.ID, e.Type, m.ControlID())
			}
			ids[e.ID] = true
			if e.Subject.Patient == "" {
				t.Errorf("message %s: %s without patient", m.ControlID(), e.Type)
			}
		}
	}
	t.Logf("message types %v; events %v; messages with no event %d", byMsgType, got, noted)
	delete(want, "")
	if len(got) != len(want) {
		t.Errorf("event types %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %d events, want %d", k, got[k], v)
		}
	}
	if noted != byMsgType["ADT^A34"] {
		t.Errorf("%d messages gave no event, want the %d ADT^A34", noted, byMsgType["ADT^A34"])
	}
}
