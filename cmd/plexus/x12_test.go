package main

import (
	"os"
	"strings"
	"testing"
)

const x12Fixture = "../../format/x12/testdata/837p.x12"

func TestX12Parse(t *testing.T) {
	status, out, errs := runCLI(t, "", "x12", "parse", "--path", "2010BA/NM1-09", x12Fixture)
	if status != exitOK || out != "123456\t123456\n" || errs != "" {
		t.Fatalf("status %d, stdout %q, stderr %q", status, out, errs)
	}
	status, out, _ = runCLI(t, "", "x12", "parse", x12Fixture)
	for _, want := range []string{"set 1: 837P, control 987654 ==", "   22 2300   CLM*A37YH556*500", "   24 2400   LX*1"} {
		if status != exitOK || !strings.Contains(out, want) {
			t.Errorf("tree output lacks %q:\n%s", want, out)
		}
	}
	status, out, _ = runCLI(t, "", "x12", "parse", "--json", x12Fixture)
	if status != exitOK || !strings.HasPrefix(out, `{"source":"`+x12Fixture+`","set":1,"kind":"837P","control":"987654","segments":[{"pos":3,"loop":"","id":"ST","elements":["837","987654","005010X222A1"]}`) {
		t.Errorf("json output: %s", out)
	}
	raw, err := os.ReadFile(x12Fixture)
	if err != nil {
		t.Fatal(err)
	}
	status, out, _ = runCLI(t, string(raw), "x12", "parse", "--json", "--path", "2300/CLM-01", "-")
	if status != exitOK || out != "[\"A37YH556\",\"A37YH667\"]\n" {
		t.Errorf("stdin path json: %d %q", status, out)
	}
	for _, args := range [][]string{{"x12", "parse"}, {"x12", "parse", "--path", "NM1", x12Fixture}, {"x12", "frob"}, {"x12"}} {
		if status, _, _ := runCLI(t, "", args...); status != exitUsage {
			t.Errorf("%v: status %d, want %d", args, status, exitUsage)
		}
	}
	status, _, errs = runCLI(t, "GS*HC*X~", "x12", "parse", "-")
	if status != exitFailure || !strings.Contains(errs, "does not start with an ISA segment") {
		t.Errorf("not X12: %d %q", status, errs)
	}
}

func TestX12Validate(t *testing.T) {
	status, out, _ := runCLI(t, "", "x12", "validate", x12Fixture)
	if status != exitOK || out != x12Fixture+": interchange 1 (control 000000905): valid\n" {
		t.Fatalf("%d %q", status, out)
	}
	raw, _ := os.ReadFile(x12Fixture)
	bad := strings.Replace(string(raw), "SE*34*", "SE*30*", 1)
	status, out, _ = runCLI(t, bad, "x12", "validate", "-")
	want := "<stdin>: interchange 1 (control 000000905): TA1 000; GS HC R; ST 837 R [4]\n  segment 36 SE-01 at byte 1172: the number of included segments does not match the count (34)\n"
	if status != exitFailure || out != want {
		t.Errorf("got %d\n%s\nwant\n%s", status, out, want)
	}
	status, out, _ = runCLI(t, "", "x12", "validate", "--usage", "P", x12Fixture)
	if status != exitFailure || !strings.Contains(out, "TA1 020") {
		t.Errorf("usage: %d %q", status, out)
	}
	status, out, _ = runCLI(t, "", "x12", "validate", x12Fixture, x12Fixture)
	if status != exitFailure || !strings.Contains(out, "interchange 1 (control 000000905): TA1 025") {
		t.Errorf("duplicate: %d %q", status, out)
	}
}

func TestX12Ack(t *testing.T) {
	status, out, errs := runCLI(t, "", "x12", "ack", "--control", "7", "--time", "2026-01-02T03:04:05Z", x12Fixture)
	want := "ISA*00*          *00*          *ZZ*RECEIVERS.ID   *ZZ*SUBMITTERS.ID  *260102*0304*^*00501*000000007*0*T*:~TA1*000000905*030101*1253*A*000~IEA*0*000000007~\n" +
		"ISA*00*          *00*          *ZZ*RECEIVERS.ID   *ZZ*SUBMITTERS.ID  *260102*0304*^*00501*000000008*0*T*:~GS*FA*RECEIVER CODE*SENDER CODE*20260102*0304*8*X*005010X231A1~" +
		"ST*999*0001*005010X231A1~AK1*HC*1*005010X222A1~AK2*837*987654*005010X222A1~IK5*A~AK9*A*1*1*1~SE*6*0001~GE*1*8~IEA*1*000000008~\n"
	if status != exitOK || out != want || errs != "" {
		t.Fatalf("status %d stderr %q\n got %s\nwant %s", status, errs, out, want)
	}
	// An acknowledgment gets no answer.
	status, out, _ = runCLI(t, out, "x12", "ack", "-")
	if status != exitOK || out != "" {
		t.Errorf("an acknowledgment was answered: %d %q", status, out)
	}
	if status, _, _ := runCLI(t, "", "x12", "ack", "--control", "0", x12Fixture); status != exitUsage {
		t.Errorf("--control 0 accepted")
	}
}
