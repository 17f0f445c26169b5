package x12

import (
	"bytes"
	"fmt"
	"os"
	"slices"
	"strings"
	"testing"
)

// These tests run the embedded 837I (005010X223A2) and 835 (005010X221A1)
// tables on small but complete synthetic transaction sets, valid and then
// broken one way at a time, and check the exact 999 verdict.

// claim837I is an institutional claim set: billing provider, subscriber,
// patient (2000C) with one claim, an attending provider, one other payer
// with its adjudication, and one service line adjudicated by that payer.
var claim837I = []string{
	"ST*837*0001*005010X223A2",
	"BHT*0019*00*BATCH0001*20260110*0930*CH",
	"NM1*41*2*EXAMPLE SUBMITTER*****46*SUBM0001",
	"PER*IC*EDI DESK*TE*5555550100*EX*12",
	"NM1*40*2*EXAMPLE RECEIVER*****46*RECV0001",
	"HL*1**20*1",
	"PRV*BI*PXC*282N00000X",
	"NM1*85*2*EXAMPLE HOSPITAL*****XX*1234567893",
	"N3*1 HOSPITAL WAY",
	"N4*SPRINGFIELD*IL*62701",
	"REF*EI*123456789",
	"HL*2*1*22*1",
	"SBR*P**GROUP01******CI",
	"NM1*IL*1*SUBSCRIBER*TEST****MI*MEMBER0001",
	"N3*2 MAIN ST",
	"N4*SPRINGFIELD*IL*62701",
	"DMG*D8*19800101*F",
	"NM1*PR*2*EXAMPLE PAYER*****PI*PAYER01",
	"HL*3*2*23*0",
	"PAT*19",
	"NM1*QC*1*PATIENT*TEST",
	"N3*2 MAIN ST",
	"N4*SPRINGFIELD*IL*62701",
	"DMG*D8*20150101*M",
	"CLM*PCN0001*500***11:A:1**A*Y*I",
	"DTP*434*RD8*20260101-20260103",
	"DTP*435*D8*20260101",
	"CL1*1*7*01",
	"REF*EA*MR0001",
	"HI*ABK:R69:::::::Y",
	"HI*ABF:E119:::::::N*ABF:I10",
	"HI*BH:11:D8:20260101",
	"HI*BE:80:::2",
	"HI*BG:01",
	"NM1*71*1*ATTENDING*TEST****XX*1234567893",
	"SBR*S*01*GROUP02******CI",
	"AMT*D*100",
	"OI***Y***Y",
	"NM1*IL*1*SUBSCRIBER*OTHER****MI*OTHER0001",
	"NM1*PR*2*OTHER PAYER*****PI*PAYER02",
	"LX*1",
	"SV2*0300*HC:81099*500*UN*1",
	"DTP*472*D8*20260101",
	"SVD*PAYER02*100*HC:81099*0300*1",
	"CAS*CO*45*400",
	"DTP*573*D8*20260105",
	"SE*0*0001",
}

// remit835 is a payment: payer and payee with their contacts, one header
// number with a provider summary, one claim with two services, and a
// provider adjustment.
var remit835 = []string{
	"ST*835*0001*005010X221A1",
	"BPR*I*450*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765*20260112",
	"TRN*1*EFT0001*1512345678",
	"REF*EV*RECEIVER01",
	"DTM*405*20260110",
	"N1*PR*EXAMPLE PAYER",
	"N3*1 PLAN WAY",
	"N4*HARTFORD*CT*06101",
	"REF*2U*PAYER01",
	"PER*CX*CLAIMS*TE*8005550100",
	"PER*BL*EDI DESK*TE*8005550101*EM*EDI@EXAMPLE.COM",
	"PER*IC**UR*WWW.EXAMPLE.COM",
	"N1*PE*EXAMPLE HOSPITAL*XX*1234567893",
	"N3*1 HOSPITAL WAY",
	"N4*SPRINGFIELD*IL*62701",
	"REF*TJ*123456789",
	"LX*1",
	"TS3*1234567893*11*20261231*1*500",
	"CLP*PCN0001*1*500*450*50*12*PAYERCLAIM01*11*1",
	"CAS*PR*1*50",
	"NM1*QC*1*PATIENT*TEST****MI*MEMBER0001",
	"NM1*82*1*RENDERING*TEST****XX*1234567893",
	"MOA***MA01",
	"REF*1L*GROUP01",
	"DTM*232*20260101",
	"DTM*233*20260103",
	"AMT*AU*500",
	"SVC*HC:99213*300*270**1",
	"DTM*472*20260101",
	"CAS*CO*45*30",
	"REF*6R*LINE0001",
	"AMT*B6*270",
	"LQ*HE*N130",
	"SVC*NU:0300*200*180",
	"CAS*CO*45*20",
	"PLB*1234567893*20261231*WO:PCN0009*-10",
	"SE*0*0001",
}

// igIndex returns the index of the first segment of set starting with
// prefix; the tests name segments by content so that they survive edits
// of the valid sets.
func igIndex(t *testing.T, set []string, prefix string) int {
	t.Helper()
	for i, s := range set {
		if strings.HasPrefix(s, prefix) {
			return i
		}
	}
	t.Fatalf("no segment starts with %q", prefix)
	return -1
}

// igVerdict checks raw and returns the transaction set's part of the
// Summary ("ST 837 R [5] CLM@25(2300):8") and the IK4s of its first
// segment note with element errors ("5:2/7 6/I10").
func igVerdict(t *testing.T, raw []byte) (string, string) {
	t.Helper()
	res, err := Check(bytes.NewReader(raw), Config{})
	if err != nil || len(res) != 1 {
		t.Fatalf("Check: %v, %d results", err, len(res))
	}
	sum := res[0].Summary()
	i := strings.Index(sum, "; ST ")
	if i < 0 {
		t.Fatalf("no transaction set in %q", sum)
	}
	var ik4 []string
	for _, s := range res[0].Groups[0].Transactions[0].Segments {
		for _, e := range s.Elements {
			p := fmt.Sprint(e.Pos)
			if e.Component > 0 {
				p += fmt.Sprintf(":%d", e.Component)
			}
			ik4 = append(ik4, p+"/"+e.Code)
		}
		if len(s.Elements) > 0 {
			break
		}
	}
	return sum[i+2:], strings.Join(ik4, " ")
}

type igCase struct {
	name string
	set  func(t *testing.T) []string
	want string // the set's part of the Summary
	ik4  string // IK4s of the first note with element errors
}

func runIGCases(t *testing.T, gs01, version string, cases []igCase) {
	t.Helper()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ik4 := igVerdict(t, igInterchange(gs01, version, c.set(t)))
			if got != c.want {
				t.Fatalf("verdict %q, want %q", got, c.want)
			}
			if ik4 != c.ik4 {
				t.Fatalf("IK4 %q, want %q", ik4, c.ik4)
			}
		})
	}
}

func TestIG837I(t *testing.T) {
	if igSets["837I"] == nil {
		t.Fatal("no 837I table")
	}
	// at edits claim837I at the first segment starting with prefix.
	at := func(prefix string, repl ...string) func(t *testing.T) []string {
		return func(t *testing.T) []string {
			return igReplace(claim837I, igIndex(t, claim837I, prefix), repl...)
		}
	}
	cases := []igCase{
		{"valid", func(*testing.T) []string { return claim837I }, "ST 837 A", ""},
		{"valid: the subscriber is the patient (claim under 2000B)", func(t *testing.T) []string {
			i, j := igIndex(t, claim837I, "HL*3*"), igIndex(t, claim837I, "CLM*")
			set := slices.Concat(claim837I[:i], claim837I[j:])
			set[igIndex(t, set, "HL*2*")] = "HL*2*1*22*0"
			set[igIndex(t, set, "SBR*P*")] = "SBR*P*18*GROUP01******CI"
			return set
		}, "ST 837 A", ""},
		{"valid: discharge hour, admission date and hour", at("DTP*434*", "DTP*096*TM*1130", "DTP*434*RD8*20260101-20260103"), "ST 837 A", ""},
		{"valid: admission date with hour (DT)", at("DTP*435*", "DTP*435*DT*202601010830"), "ST 837 A", ""},
		{"missing required loop (no claim under the patient)", func(t *testing.T) []string {
			return append(slices.Clone(claim837I[:igIndex(t, claim837I, "CLM*")]), "SE*0*0001")
		}, "ST 837 R [5] CLM@25(2300):3", ""},
		{"bad code value (patient level with children)", at("HL*3*", "HL*3*2*23*1"), "ST 837 R [5] HL@19(2000C):8", "4/7"},
		{"missing required segment (CL1)", at("CL1*"), "ST 837 R [5] CL1@28(2300):3", ""},
		{"missing required segment (statement dates)", at("DTP*434*"), "ST 837 R [5] DTP@27(2300):3", ""},
		{"missing required loop (payer 2010BB)", at("NM1*PR*2*EXAMPLE PAYER"), "ST 837 R [5] NM1@18(2010BB):3", ""},
		{"segment out of order (N3 after N4)", func(t *testing.T) []string {
			i := igIndex(t, claim837I, "N3*1 HOSPITAL")
			return slices.Concat(claim837I[:i], []string{claim837I[i+1], claim837I[i]}, claim837I[i+2:])
		}, "ST 837 R [5] N3@10(2010AA):7", ""},
		{"bad code value (CLM05-2 B, the professional qualifier)", at("CLM*", "CLM*PCN0001*500***11:B:1**A*Y*I"), "ST 837 R [5] CLM@25(2300):8", "5:2/7"},
		{"bad code value (statement dates as one date)", at("DTP*434*", "DTP*434*D8*20260101"), "ST 837 R [5] DTP@26(2300):8", "2/7"},
		{"not used element (CLM06 signature)", at("CLM*", "CLM*PCN0001*500***11:A:1*Y*A*Y*I"), "ST 837 R [5] CLM@25(2300):8", "6/I10"},
		{"missing required element (CLM07)", at("CLM*", "CLM*PCN0001*500***11:A:1***Y*I"), "ST 837 R [5] CLM@25(2300):8", "7/1"},
		{"missing required component (SV2 procedure code)", at("SV2*", "SV2*0300*HC*500*UN*1"), "ST 837 R [5] SV2@42(2400):8", "2:2/1"},
		{"not used component (principal diagnosis date)", at("HI*ABK", "HI*ABK:R69:D8:20260101"), "ST 837 R [5] HI@30(2300):8", "1:3/I10 1:4/I10"},
		{"paired elements (NM108 without NM109)", at("NM1*71*", "NM1*71*1*ATTENDING*TEST****XX"), "ST 837 R [5] NM1@35(2310A):8", "9/2"},
		{"too many repeats (three other diagnosis HI)", at("HI*BH", "HI*ABF:E118", "HI*ABF:E117", "HI*BH:11:D8:20260101"), "ST 837 R [5] HI@33(2300):5", ""},
		{"too many loop repeats (two attending providers)", at("NM1*71*", "NM1*71*1*ATTENDING*TEST****XX*1234567893", "NM1*71*1*ATTENDING*OTHER****XX*1234567893"), "ST 837 R [5] NM1@36(2310A):4", ""},
		{"other payer provider with a name, without its REF", at("LX*", "NM1*77*2*FACILITY*****XX*1234567893", "LX*1"), "ST 837 R [5] NM1@41(2330F):8 REF@42(2330F):3", "3/I10 8/I10 9/I10"},
		{"unknown segment", at("LX*", "ZZZ*1", "LX*1"), "ST 837 R [5] ZZZ@41(2330B):1", ""},
		{"segment of another set (BPR)", at("LX*", "BPR*I", "LX*1"), "ST 837 R [5] BPR@41(2330B):6", ""},
	}
	runIGCases(t, "HC", "005010X223A2", cases)
}

func TestIG835(t *testing.T) {
	if igSets["835"] == nil {
		t.Fatal("no 835 table")
	}
	at := func(prefix string, repl ...string) func(t *testing.T) []string {
		return func(t *testing.T) []string {
			return igReplace(remit835, igIndex(t, remit835, prefix), repl...)
		}
	}
	cases := []igCase{
		{"valid", func(*testing.T) []string { return remit835 }, "ST 835 A", ""},
		{"missing required segment (TRN)", at("TRN*"), "ST 835 R [5] TRN@3:3", ""},
		{"missing required segment (payer technical contact)", at("PER*BL*"), "ST 835 R [5] PER@12(1000A):3", ""},
		{"missing required segment (patient name)", at("NM1*QC*"), "ST 835 R [5] NM1@22(2100):3", ""},
		{"missing required loop (payee 1000B)", func(t *testing.T) []string {
			i := igIndex(t, remit835, "N1*PE*")
			return slices.Concat(remit835[:i], remit835[i+4:])
		}, "ST 835 R [5] N1@13(1000B):3", ""},
		{"segment out of order (production date after the payer)", at("N3*1 PLAN", "N3*1 PLAN WAY", "DTM*405*20260110"), "ST 835 R [5] DTM@8(1000A):7", ""},
		{"bad code value (CLP02)", at("CLP*", "CLP*PCN0001*9*500*450*50*12*PAYERCLAIM01*11*1"), "ST 835 R [5] CLP@19(2100):8", "2/7"},
		{"bad code value (CAS01 CR is not a 5010 835 group)", at("CAS*PR*", "CAS*CR*1*50"), "ST 835 R [5] CAS@20(2100):8", "1/7"},
		{"bad component code (PLB03-1)", at("PLB*", "PLB*1234567893*20261231*XX:PCN0009*-10"), "ST 835 R [5] PLB@36:8", "3:1/7"},
		{"missing required element (BPR16)", at("BPR*", "BPR*I*450*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*999988880*DA*98765"), "ST 835 R [5] BPR@2:8", "16/1"},
		{"not used element (CLP10)", at("CLP*", "CLP*PCN0001*1*500*450*50*12*PAYERCLAIM01*11*1*01"), "ST 835 R [5] CLP@19(2100):8", "10/I10"},
		{"too long (TRN03 is ten characters)", at("TRN*", "TRN*1*EFT0001*15123456789"), "ST 835 R [5] TRN@3:8", "3/5"},
		{"too many repeats (three statement dates)", at("DTM*233*", "DTM*233*20260103", "DTM*233*20260104"), "ST 835 R [5] DTM@27(2100):5", ""},
		{"unknown segment", at("LQ*", "LQ*HE*N130", "ZZZ*1"), "ST 835 R [5] ZZZ@34(2110):1", ""},
		{"segment of another set (CLM)", at("LQ*", "LQ*HE*N130", "CLM*1"), "ST 835 R [5] CLM@34(2110):6", ""},
	}
	runIGCases(t, "HP", "005010X221A1", cases)
}

// TestIG835Sample checks that the remittance the X12-to-FHIR mapping is
// tested with passes the 835 table.
func TestIG835Sample(t *testing.T) {
	raw, err := os.ReadFile("../../mapping/x12fhir/testdata/835.x12")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := igVerdict(t, raw); got != "ST 835 A" {
		t.Fatalf("verdict %q, want ST 835 A", got)
	}
}
