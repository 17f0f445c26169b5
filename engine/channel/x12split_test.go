package channel

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/plexus-health/plexus/engine"
	"github.com/plexus-health/plexus/engine/journal"
	"github.com/plexus-health/plexus/format/x12"
)

// The X12 samples of these tests are built here, well-formed 5010 837Ps:
// submitter (1000A) and receiver (1000B), a billing provider level (2000A,
// 2010AA with its address and tax ID), subscriber levels (2000B, 2010BA,
// 2010BB) and claims with a diagnosis and a service line.

// subscriber is a subscriber of a test 837P: its member ID (2010BA NM109)
// and the claim ID (CLM01) of each of its claims.
type subscriber struct {
	member string
	claims []string
}

// set837 is an 837P transaction set, ST to SE, under control number ctl.
func set837(ctl string, subs ...subscriber) string {
	segs := []string{
		"ST*837*" + ctl + "*005010X222A1",
		"BHT*0019*00*BATCH" + ctl + "*20260101*1200*CH",
		"NM1*41*2*NORTHSIDE CLINIC*****46*S12345",
		"PER*IC*BILLING OFFICE*TE*5555550100",
		"NM1*40*2*ACME HEALTH PLAN*****46*R67890",
		"HL*1**20*1",
		"NM1*85*2*NORTHSIDE CLINIC*****XX*1234567893",
		"N3*100 MAIN ST",
		"N4*SPRINGFIELD*IL*62701",
		"REF*EI*123456789",
	}
	for i, s := range subs {
		segs = append(segs, fmt.Sprintf("HL*%d*1*22*0", i+2), "SBR*P*18*******CI",
			"NM1*IL*1*DOE*JANE****MI*"+s.member, "NM1*PR*2*ACME HEALTH PLAN*****PI*PAYER01")
		for _, id := range s.claims {
			segs = append(segs, "CLM*"+id+"*100***11:B:1*Y*A*Y*Y", "HI*ABK:J069",
				"LX*1", "SV1*HC:99213*100*UN*1***1", "DTP*472*D8*20260101")
		}
	}
	segs = append(segs, fmt.Sprintf("SE*%d*%s", len(segs)+1, ctl))
	return strings.Join(segs, "~") + "~"
}

// group is a functional group (HC) with control number ctl holding sets.
func group(ctl string, sets ...string) string {
	return "GS*HC*SUBMITTER01*RECEIVER01*20260101*1200*" + ctl + "*X*005010X222A1~" +
		strings.Join(sets, "") + fmt.Sprintf("GE*%d*%s~", len(sets), ctl)
}

// interchange wraps groups in an interchange with control number ctl.
func interchange(ctl string, groups ...string) []byte {
	return []byte("ISA*00*          *00*          *ZZ*SUBMITTER01    *ZZ*RECEIVER01     *260101*1200*^*00501*" +
		ctl + "*0*T*:~" + strings.Join(groups, "") + fmt.Sprintf("IEA*%d*%s~", len(groups), ctl))
}

// miscount gives a set a wrong SE01, which rejects it (IK5 R, code 4).
func miscount(set string) string {
	i := strings.LastIndex(set, "SE*")
	return set[:i] + "SE*99" + set[i+strings.IndexByte(set[i+3:], '*')+3:]
}

// ack999 reads a 999: the AK9 status of each group and the IK5 status with
// codes of each set, by ST02 ("0002": "R 4").
func ack999(t *testing.T, body []byte) (ak9 []string, ik5 map[string]string) {
	t.Helper()
	segs, _, err := x12.ReadAll(body)
	if err != nil {
		t.Fatalf("answer %q: %v", body, err)
	}
	ik5 = map[string]string{}
	set := ""
	for _, s := range segs {
		switch s.ID {
		case "AK2":
			set = s.Value(2)
		case "IK5":
			ik5[set] = strings.TrimSpace(strings.Join([]string{s.Value(1), s.Value(2)}, " "))
		case "AK9":
			ak9 = append(ak9, s.Value(1))
		}
	}
	return ak9, ik5
}

func TestX12PartialAcceptance(t *testing.T) {
	good1 := set837("0001", subscriber{"M100", []string{"CLAIM1"}})
	good2 := set837("0002", subscriber{"M200", []string{"CLAIM2"}})
	bad2 := miscount(good2)
	good3 := set837("0003", subscriber{"M300", []string{"CLAIM3"}})
	tests := []struct {
		name     string
		in       []byte
		routed   []byte // nil: refused
		ak9      []string
		ik5      map[string]string
		patient  string // of the message: the first accepted set's
		leftOut  string // in the message's error
		accepted bool
	}{
		{
			name:   "second set rejected",
			in:     interchange("000000101", group("1", good1, bad2)),
			routed: interchange("000000101", group("1", good1)),
			ak9:    []string{"P"}, ik5: map[string]string{"0001": "A", "0002": "R 4"},
			patient: "M100", leftOut: "837 0002 R [4]", accepted: true,
		},
		{
			name:   "first set rejected",
			in:     interchange("000000102", group("1", miscount(good1), good2)),
			routed: interchange("000000102", group("1", good2)),
			ak9:    []string{"P"}, ik5: map[string]string{"0001": "R 4", "0002": "A"},
			patient: "M200", leftOut: "837 0001 R [4]", accepted: true,
		},
		{
			name:   "a group with no accepted set is left out",
			in:     interchange("000000103", group("1", bad2), group("2", good1, good3)),
			routed: interchange("000000103", group("2", good1, good3)),
			ak9:    []string{"R", "A"}, ik5: map[string]string{"0001": "A", "0002": "R 4", "0003": "A"},
			patient: "M100", leftOut: "837 0002 R [4]", accepted: true,
		},
		{
			name: "a rejected group's sets are left out",
			// GE01 counts 3 sets where there are 2: AK9 R with code 5.
			in:     interchange("000000104", strings.Replace(group("1", good1, good2), "GE*2*1~", "GE*3*1~", 1), group("2", good3)),
			routed: interchange("000000104", group("2", good3)),
			ak9:    []string{"R", "A"}, ik5: map[string]string{"0001": "A", "0002": "A", "0003": "A"},
			patient: "M300", leftOut: "837 0001 (group 1 R [5]); 837 0002 (group 1 R [5])", accepted: true,
		},
		{
			name: "no set accepted",
			in:   interchange("000000105", group("1", bad2, miscount(good3))),
			ak9:  []string{"R"}, ik5: map[string]string{"0002": "R 4", "0003": "R 4"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := newJournal(t)
			dest := newRecorder()
			var filtered []string // what the filter saw
			filter := matchFunc(func(m *engine.Message) (bool, error) {
				filtered = append(filtered, string(m.Raw))
				return true, nil
			})
			c := start(t, Spec{Name: "claims", Filter: filter, Destinations: []Destination{{Name: "payer", Dest: dest}}}, j)
			r := receiveX12(t, c, tt.in)
			ak9, ik5 := ack999(t, r.Body)
			if r.Accepted != tt.accepted || fmt.Sprint(ak9) != fmt.Sprint(tt.ak9) || fmt.Sprint(ik5) != fmt.Sprint(tt.ik5) {
				t.Errorf("accepted %v, AK9 %v, IK5 %v; want %v, %v, %v", r.Accepted, ak9, ik5, tt.accepted, tt.ak9, tt.ik5)
			}
			if tt.routed == nil {
				m := waitStatus(t, j, r.MessageID, engine.StatusError)
				if string(m.Raw) != string(tt.in) || len(filtered) != 0 {
					t.Errorf("refused message: raw kept %v, filter ran %d times", string(m.Raw) == string(tt.in), len(filtered))
				}
				return
			}
			m := waitStatus(t, j, r.MessageID, engine.StatusDelivered)
			if string(m.Raw) != string(tt.in) {
				t.Errorf("journal holds\n%s\nwant the interchange as received\n%s", m.Raw, tt.in)
			}
			if got := dest.payloads(); len(got) != 1 || got[0] != string(tt.routed) {
				t.Errorf("destination got\n%q\nwant\n%q", got, tt.routed)
			}
			if len(filtered) != 1 || filtered[0] != string(tt.routed) {
				t.Errorf("the filter saw %q", filtered)
			}
			want := "x12: partially accepted (999 AK9 P); transaction sets left out: " + tt.leftOut
			if m.Error != want || m.PatientID != tt.patient || m.Type != "837" || m.Trigger != "837P" {
				t.Errorf("message: error %q, patient %q, type %q^%q; want %q, %q", m.Error, m.PatientID, m.Type, m.Trigger, want, tt.patient)
			}
		})
	}
}

// A transform of a partially accepted interchange sees the accepted sets,
// and a resent delivery sends them again.
func TestX12PartialTransformAndResend(t *testing.T) {
	j := newJournal(t)
	dest := newRecorder()
	upper := func(_ context.Context, m *engine.Message) (string, []byte, error) {
		return engine.ContentText, []byte(strings.ToLower(string(m.Raw))), nil
	}
	c := start(t, Spec{Name: "claims", Destinations: []Destination{{Name: "payer", Dest: dest, Transform: upper}}}, j)
	good := set837("0001", subscriber{"M100", []string{"CLAIM1"}})
	bad := miscount(set837("0002", subscriber{"M200", []string{"CLAIM2"}}))
	r := receiveX12(t, c, interchange("000000201", group("1", good, bad)))
	waitStatus(t, j, r.MessageID, engine.StatusDelivered)
	if _, err := j.Resend(context.Background(), r.MessageID); err != nil {
		t.Fatal(err)
	}
	dest.wait(t, 2)
	want := strings.ToLower(string(interchange("000000201", group("1", good))))
	if got := dest.payloads(); len(got) != 2 || got[0] != want || got[1] != want {
		t.Errorf("destination got %q, want twice %q", got, want)
	}
}

func TestX12SplitClaims(t *testing.T) {
	subA := subscriber{"M100", []string{"CLAIM1", "CLAIM2"}}
	subB := subscriber{"M200", []string{"CLAIM3"}}
	in := interchange("000000301", group("1", set837("0001", subA, subB)))
	// Each claim as a complete interchange of its own.
	want := map[string]string{
		"CLAIM1": string(interchange("000000301", group("1", set837("0001", subscriber{"M100", []string{"CLAIM1"}})))),
		"CLAIM2": string(interchange("000000301", group("1", set837("0001", subscriber{"M100", []string{"CLAIM2"}})))),
		"CLAIM3": string(interchange("000000301", group("1", set837("0001", subscriber{"M200", []string{"CLAIM3"}})))),
	}
	patients := map[string]string{"CLAIM1": "M100", "CLAIM2": "M100", "CLAIM3": "M200"}
	tests := []struct {
		name      string
		drop      string // the claim the filter drops
		fail      string // the claim the transform fails on
		statuses  map[string]engine.Status
		delivered []string
	}{
		{"every claim", "", "", map[string]engine.Status{"CLAIM1": engine.StatusDelivered, "CLAIM2": engine.StatusDelivered,
			"CLAIM3": engine.StatusDelivered}, []string{"CLAIM1", "CLAIM2", "CLAIM3"}},
		{"one filtered, one failing", "CLAIM2", "CLAIM3", map[string]engine.Status{"CLAIM1": engine.StatusDelivered,
			"CLAIM2": engine.StatusFiltered, "CLAIM3": engine.StatusError}, []string{"CLAIM1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := newJournal(t)
			dest := newRecorder()
			filter := matchFunc(func(m *engine.Message) (bool, error) { return m.ControlID != tt.drop, nil })
			transform := func(_ context.Context, m *engine.Message) (string, []byte, error) {
				if m.ControlID == tt.fail {
					return "", nil, errors.New("no mapping for this claim")
				}
				return m.ContentType, m.Raw, nil
			}
			c := start(t, Spec{Name: "claims", X12: &X12{Split: X12SplitClaims}, Filter: filter,
				Destinations: []Destination{{Name: "payer", Dest: dest, Transform: transform}}}, j)
			r := receiveX12(t, c, in)
			ak9, _ := ack999(t, r.Body)
			if !r.Accepted || fmt.Sprint(ak9) != "[A]" {
				t.Fatalf("accepted %v, AK9 %v", r.Accepted, ak9)
			}
			parent := waitStatus(t, j, r.MessageID, engine.StatusSplit)
			if string(parent.Raw) != string(in) || parent.ParentID != 0 || parent.Type != "837" || parent.ControlID != "000000301" {
				t.Errorf("parent: %d bytes, parent %d, type %q, control %q", len(parent.Raw), parent.ParentID, parent.Type, parent.ControlID)
			}
			if ds, err := j.Deliveries(context.Background(), parent.ID); err != nil || len(ds) != 0 {
				t.Errorf("parent has %d deliveries, %v", len(ds), err)
			}
			dest.wait(t, len(tt.delivered))
			kids, err := j.Messages(context.Background(), journal.MessageFilter{ParentID: parent.ID})
			if err != nil || len(kids) != 3 {
				t.Fatalf("%d children, %v", len(kids), err)
			}
			for _, k := range kids {
				m := waitStatus(t, j, k.ID, tt.statuses[k.ControlID])
				if string(m.Raw) != want[m.ControlID] || m.ParentID != parent.ID ||
					m.PatientID != patients[m.ControlID] || m.Type != "837" || m.Trigger != "837P" ||
					m.SendingApp != "SUBMITTER01" || m.TraceID != parent.TraceID {
					t.Errorf("child %d: control %q, parent %d, patient %q, type %q^%q, sender %q, raw\n%s",
						m.ID, m.ControlID, m.ParentID, m.PatientID, m.Type, m.Trigger, m.SendingApp, m.Raw)
				}
				if m.Status == engine.StatusError && !strings.Contains(m.Error, "no mapping for this claim") {
					t.Errorf("child %d: error %q", m.ID, m.Error)
				}
			}
			var wantPayloads []string
			for _, id := range tt.delivered {
				wantPayloads = append(wantPayloads, want[id])
			}
			if got := dest.payloads(); fmt.Sprint(got) != fmt.Sprint(wantPayloads) {
				t.Errorf("delivered\n%q\nwant\n%q", got, wantPayloads)
			}
		})
	}
}

// With split on, a message that is not an 837 goes through as one message,
// and so does an 837 the 999 only partly accepts, split into the claims of
// its accepted sets.
func TestX12SplitOthers(t *testing.T) {
	j := newJournal(t)
	dest := newRecorder()
	c := start(t, Spec{Name: "claims", X12: &X12{Split: X12SplitClaims}, Destinations: []Destination{{Name: "payer", Dest: dest}}}, j)

	res, err := x12.Check(strings.NewReader(string(interchange("000000401", group("1", set837("0001", subscriber{"M1", []string{"C1"}}))))), x12.Config{})
	if err != nil {
		t.Fatal(err)
	}
	_, ack, err := x12.Acknowledge(res[0], x12.AckOptions{Control: 5})
	if err != nil {
		t.Fatal(err)
	}
	r := receiveX12(t, c, ack)
	m := waitStatus(t, j, r.MessageID, engine.StatusDelivered)
	if m.Type != "999" {
		t.Errorf("incoming 999: type %q", m.Type)
	}
	dest.wait(t, 1)

	good := set837("0001", subscriber{"M100", []string{"CLAIM1", "CLAIM2"}})
	bad := miscount(set837("0002", subscriber{"M200", []string{"CLAIM3"}}))
	r = receiveX12(t, c, interchange("000000402", group("1", good, bad)))
	if !r.Accepted {
		t.Fatal("partially accepted 837 refused")
	}
	parent := waitStatus(t, j, r.MessageID, engine.StatusSplit)
	if !strings.Contains(parent.Error, "837 0002 R [4]") {
		t.Errorf("parent error %q", parent.Error)
	}
	kids, err := j.Messages(context.Background(), journal.MessageFilter{ParentID: parent.ID})
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, k := range kids {
		ids = append(ids, k.ControlID)
	}
	if fmt.Sprint(ids) != "[CLAIM2 CLAIM1]" {
		t.Errorf("children %v, want CLAIM2 and CLAIM1 (newest first)", ids)
	}
	dest.wait(t, 2)
}

// A claim's patient ID is the patient level's (2010CA NM109) when it has
// one, else the subscriber's.
func TestClaimMetadata(t *testing.T) {
	withPatient := func(nm1 string) []byte {
		set := set837("0001", subscriber{"M100", nil})
		i := strings.Index(set, "SE*")
		extra := "HL*3*2*23*0~PAT*19~" + nm1 + "~CLM*CLAIM9*100***11:B:1*Y*A*Y*Y~HI*ABK:J069~LX*1~SV1*HC:99213*100*UN*1***1~DTP*472*D8*20260101~"
		set = set[:i] + extra + fmt.Sprintf("SE*%d*0001~", strings.Count(set[:i], "~")+strings.Count(extra, "~")+1)
		set = strings.Replace(set, "HL*2*1*22*0", "HL*2*1*22*1", 1)
		return interchange("000000501", group("1", set))
	}
	tests := []struct {
		name             string
		raw              []byte
		control, patient string
	}{
		{"subscriber", interchange("000000501", group("1", set837("0001", subscriber{"M100", []string{"CLAIM1"}}))), "CLAIM1", "M100"},
		{"patient with an ID", withPatient("NM1*QC*1*DOE*JIMMY****MI*P777"), "CLAIM9", "P777"},
		{"patient without an ID", withPatient("NM1*QC*1*DOE*JIMMY"), "CLAIM9", "M100"},
		{"not X12", []byte("not an interchange"), "", ""},
	}
	for _, tt := range tests {
		m := &engine.Message{Raw: tt.raw}
		claimMetadata(m)
		if m.ControlID != tt.control || m.PatientID != tt.patient {
			t.Errorf("%s: control %q, patient %q; want %q, %q", tt.name, m.ControlID, m.PatientID, tt.control, tt.patient)
		}
	}
}
