package x12

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

var ackTime = time.Date(2026, 3, 4, 5, 6, 0, 0, time.UTC)

func TestAcknowledge(t *testing.T) {
	valid := fixture(t)
	tests := []struct {
		name      string
		input     string
		ta1, a999 string
	}{
		{
			name:  "accepted",
			input: strings.Replace(valid, "*000000905*1*T*", "*000000905*0*T*", 1),
			a999: "ISA*00*          *00*          *ZZ*RECEIVERS.ID   *ZZ*SUBMITTERS.ID  *260304*0506*^*00501*000000042*0*T*:~" +
				"GS*FA*RECEIVER CODE*SENDER CODE*20260304*0506*42*X*005010X231A1~" +
				"ST*999*0001*005010X231A1~AK1*HC*1*005010X222A1~AK2*837*987654*005010X222A1~IK5*A~AK9*A*1*1*1~SE*6*0001~" +
				"GE*1*42~IEA*1*000000042~",
		},
		{
			name:  "envelope error gives a TA1 only",
			input: strings.Replace(valid, "IEA*1*000000905", "IEA*1*000000906", 1),
			ta1: "ISA*00*          *00*          *ZZ*RECEIVERS.ID   *ZZ*SUBMITTERS.ID  *260304*0506*^*00501*000000042*0*T*:~" +
				"TA1*000000905*030101*1253*R*001~IEA*0*000000042~",
		},
		{
			name:  "TA1 requested and set rejected",
			input: strings.Replace(valid, "HL*3*1*22*0", "HL*3*7*22*0", 1),
			ta1: "ISA*00*          *00*          *ZZ*RECEIVERS.ID   *ZZ*SUBMITTERS.ID  *260304*0506*^*00501*000000042*0*T*:~" +
				"TA1*000000905*030101*1253*A*000~IEA*0*000000042~",
			a999: "ISA*00*          *00*          *ZZ*RECEIVERS.ID   *ZZ*SUBMITTERS.ID  *260304*0506*^*00501*000000043*0*T*:~" +
				"GS*FA*RECEIVER CODE*SENDER CODE*20260304*0506*43*X*005010X231A1~" +
				"ST*999*0001*005010X231A1~AK1*HC*1*005010X222A1~AK2*837*987654*005010X222A1~" +
				"IK3*HL*25*2000*8~IK4*2*734*7~IK5*R*5~AK9*R*1*1*0~SE*8*0001~" +
				"GE*1*43~IEA*1*000000043~",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := checkOne(t, strings.ReplaceAll(tt.input, "\n", ""), Config{})
			ta1, a999, err := Acknowledge(r, AckOptions{Control: 42, Now: ackTime})
			if err != nil {
				t.Fatal(err)
			}
			if string(ta1) != tt.ta1 {
				t.Errorf("TA1\n got %s\nwant %s", ta1, tt.ta1)
			}
			if string(a999) != tt.a999 {
				t.Errorf("999\n got %s\nwant %s", a999, tt.a999)
			}
			// The answers are themselves valid interchanges, and are never
			// acknowledged in turn.
			for _, ack := range [][]byte{ta1, a999} {
				if ack == nil {
					continue
				}
				res, err := Check(bytes.NewReader(ack), Config{})
				if err != nil || len(res) != 1 || !res[0].Valid() {
					t.Fatalf("answer does not validate: %v %v", err, summaries(res))
				}
				again, again999, err := Acknowledge(res[0], AckOptions{Control: 43, Now: ackTime})
				if err != nil || again != nil || again999 != nil {
					t.Errorf("an acknowledgment was acknowledged: %q %q %v", again, again999, err)
				}
			}
		})
	}
}

func TestAcknowledgeRefusesBadOptions(t *testing.T) {
	r := checkOne(t, fixture(t), Config{})
	for _, n := range []int{0, -1, 1000000000} {
		if _, _, err := Acknowledge(r, AckOptions{Control: n}); err == nil {
			t.Errorf("control %d accepted", n)
		}
	}
	if _, _, err := Acknowledge(&InterchangeResult{Note: "022"}, AckOptions{Control: 1}); err == nil {
		t.Error("a verdict without ISA was acknowledged")
	}
}

func TestAcknowledgeCorpus(t *testing.T) {
	for _, path := range corpusFiles(t) {
		raw := mustRead(t, path)
		res, _ := Check(bytes.NewReader(raw), Config{})
		for _, r := range res {
			if r.ISA == nil {
				continue
			}
			ta1, a999, err := Acknowledge(r, AckOptions{Control: 7, Now: ackTime})
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			if r.Note != "000" && ta1 == nil && r.Groups[0].FunctionalID != "FA" {
				t.Errorf("%s: envelope error %s without TA1", path, r.Note)
			}
			for _, ack := range [][]byte{ta1, a999} {
				if ack == nil {
					continue
				}
				got, err := Check(bytes.NewReader(ack), Config{})
				if err != nil || !got[0].Valid() {
					t.Errorf("%s: answer does not validate: %v %v", path, err, summaries(got))
				}
			}
		}
	}
}
