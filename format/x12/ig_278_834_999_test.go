package x12

import (
	"bytes"
	"os"
	"slices"
	"testing"
)

// The health care services review (278, 005010X217), benefit enrollment
// (834, 005010X220A1) and implementation acknowledgment (999,
// 005010X231A1) tables: a small complete set of each kind must pass, and
// each broken variant must get exactly its 999 verdict. All names and
// identifiers are made up.

// revRequest278 is a review request for a dependent's visit, with a
// provider, a transport location and another UMO under the event.
var revRequest278 = []string{
	"ST*278*0001*005010X217",
	"BHT*0007*13*REQ0001*20240102*1230",
	"HL*1**20*1",
	"NM1*X3*2*EXAMPLE UMO*****PI*12345",
	"HL*2*1*21*1",
	"NM1*1P*2*EXAMPLE CLINIC*****XX*1234567893",
	"REF*EI*999999999",
	"N3*2 CLINIC ROAD",
	"N4*TESTVILLE*MD*21000",
	"PER*IC*FRONT DESK*TE*5555550100",
	"PRV*RF*PXC*207Q00000X",
	"HL*3*2*22*1",
	"NM1*IL*1*SAMPLE*ALEX****MI*W000000001",
	"DMG*D8*19800101*F",
	"HL*4*3*23*1",
	"NM1*QC*1*SAMPLE*JO",
	"DMG*D8*20100101*M",
	"INS*N*19",
	"HL*5*4*EV*1",
	"TRN*1*TRACE0001*9999999999",
	"UM*HS*I*2*11:B",
	"REF*BB*AUTH0001",
	"DTP*AAH*RD8*20240110-20240120",
	"HI*ABK:J189*ABF:R05",
	"HSD*VS*3",
	"CRC*75*Y*IH",
	"PWK*77*FX***AC*ATT0001",
	"MSG*FOLLOW UP VISIT",
	"NM1*SJ*1*EXAMPLE*PAT****XX*1234567893",
	"REF*ZH*PROV01",
	"PRV*PE*PXC*207Q00000X",
	"NM1*45*2*EXAMPLE HOSPITAL",
	"N3*3 HOSPITAL WAY",
	"N4*TESTVILLE*MD*21001",
	"NM1*X3*2*OTHER UMO",
	"REF*0B*DENIED",
	"DTP*598*D8*20231201",
	"HL*6*5*SS*0",
	"TRN*1*LINE0001*9999999999",
	"UM*HS*I",
	"DTP*472*D8*20240110",
	"SV1*HC:99213*100*UN*1",
	"NM1*SJ*1*EXAMPLE*PAT****XX*1234567893",
	"SE*0*0001",
}

// revResponse278 answers a review for the subscriber: the event is
// certified in part, one service in total and one not at all.
var revResponse278 = []string{
	"ST*278*0001*005010X217",
	"BHT*0007*11*REQ0001*20240103*0800*18",
	"HL*1**20*1",
	"NM1*X3*2*EXAMPLE UMO*****PI*12345",
	"PER*IC*REVIEWS*TE*5555550101",
	"HL*2*1*21*1",
	"NM1*1P*2*EXAMPLE CLINIC*****XX*1234567893",
	"HL*3*2*22*1",
	"NM1*IL*1*SAMPLE*ALEX****MI*W000000001",
	"HL*4*3*EV*1",
	"TRN*2*TRACE0001*9999999999",
	"UM*HS*I**12:B",
	"HCR*A2*CERT0001",
	"REF*NT*ADMIN0001",
	"DTP*102*D8*20240103",
	"DTP*007*RD8*20240110-20240410",
	"HI*ABK:R130",
	"MSG*REVIEWED",
	"NM1*DK*1*EXAMPLE*PAT****XX*1234567893",
	"NM1*FA*2*EXAMPLE HOME CARE*****XX*1234567893",
	"HL*5*4*SS*0",
	"HCR*A1*CERT0001",
	"DTP*472*RD8*20240201-20240401",
	"SV2**HC:G0299**UN*10",
	"HL*6*4*SS*0",
	"HCR*A3",
	"REF*NT*ADMIN0002",
	"DTP*472*RD8*20240201-20240401",
	"SV2**HC:G0156**UN*4",
	"SE*0*0001",
}

// revEnrollment834 adds a subscriber with coverage, a provider, other
// coverage and reporting categories, and a dependent.
var revEnrollment834 = []string{
	"ST*834*0001*005010X220A1",
	"BGN*00*ENR0001*20240102*1230*ET***2",
	"REF*38*GROUP0001",
	"DTP*007*D8*20240101",
	"QTY*TO*2",
	"N1*P5*EXAMPLE EMPLOYER*FI*999999999",
	"N1*IN*EXAMPLE HEALTH PLAN*FI*888888888",
	"N1*BO*EXAMPLE BROKER*94*B0001",
	"ACT*ACCT0001",
	"INS*Y*18*021*28*A*E**FT",
	"REF*0F*SUB0001",
	"REF*1L*GROUP0001",
	"REF*17*CAT1",
	"DTP*356*D8*20240101",
	"DTP*336*D8*20200601",
	"NM1*IL*1*SAMPLE*ALEX*Q***34*999000001",
	"PER*IP**HP*5555550100*EM*alex@example.invalid",
	"N3*1 TEST STREET*UNIT 2",
	"N4*TESTVILLE*MD*21000**CY*24005",
	"DMG*D8*19800101*F*M*:RET:2106-3^:RET:2135-2",
	"EC*01",
	"ICM*1*1000*40",
	"AMT*D2*500",
	"HLH*N*65*150",
	"LUI*LE*en**7",
	"NM1*31*1",
	"N3*PO BOX 1",
	"N4*TESTVILLE*MD*21000",
	"NM1*36*2*EXAMPLE EMPLOYER*****24*999999999",
	"PER*EP*HR*TE*5555550101",
	"DSB*2******DX*E119",
	"DTP*360*D8*20230101",
	"HD*021**HLT*GOLD PLAN*FAM",
	"DTP*348*D8*20240101",
	"AMT*P3*250.50",
	"REF*1L*GROUP0001",
	"REF*QQ*12",
	"IDC*GOLD PLAN*H*2*1",
	"LX*1",
	"NM1*P3*1*EXAMPLE*PAT****XX*1234567893*25",
	"N3*2 CLINIC ROAD",
	"N4*TESTVILLE*MD*21000",
	"PER*IC**TE*5555550102",
	"COB*P*POL0001*1",
	"REF*60*ACCT0002",
	"DTP*344*D8*20230101",
	"NM1*IN*2*OTHER PLAN*****NI*12345",
	"PER*CN**TE*5555550103",
	"LS*2700",
	"LX*1",
	"N1*75*PLAN NETWORK",
	"REF*ZZ*NET1",
	"DTP*007*D8*20240101",
	"LX*2",
	"N1*75*PREMIUM",
	"REF*9V*FULL",
	"LE*2700",
	"INS*N*19*021*28*A****F",
	"REF*0F*SUB0001",
	"NM1*IL*1*SAMPLE*JO",
	"DMG*D8*20100101*M",
	"NM1*S3*1*SAMPLE*PARENT",
	"HD*021**HLT*GOLD PLAN*FAM",
	"DTP*348*D8*20240101",
	"SE*0*0001",
}

// revAck999 acknowledges two claim sets, the second rejected with a
// segment context, an element context and a copy of the bad value.
var revAck999 = []string{
	"ST*999*0001*005010X231A1",
	"AK1*HC*17*005010X222A1",
	"AK2*837*0001*005010X222A1",
	"IK5*A",
	"AK2*837*0002*005010X222A1",
	"IK3*NM1*7*2010*8",
	"CTX*CLM01:CLAIM0002",
	"IK4*3*1035*1",
	"IK3*DTP*30*2300*8",
	"CTX*SITUATIONAL TRIGGER*CLM*22*2300*11:2",
	"IK4*3*1251*8*20240231",
	"CTX*SITUATIONAL TRIGGER*DTP*30*2300*2",
	"IK5*R*5",
	"AK9*P*2*2*1",
	"SE*0*0001",
}

// revMove moves the segment seg to just before the segment before.
func revMove(set []string, seg, before string) []string {
	return replaceSeg(replaceSeg(set, seg), before, seg, before)
}

func TestIGReviewEnrollmentAck(t *testing.T) {
	type variant struct {
		name string
		set  []string
		want string // the set's part of the Summary
		ik4  string // igNotes of the set
	}
	req, resp, enr, ack := revRequest278, revResponse278, revEnrollment834, revAck999
	kinds := []struct {
		name, gs01, version string
		valid               []string
		variants            []variant
	}{
		{"278 request", "HI", "005010X217", req, []variant{
			{"missing required segment (UM of the event)",
				replaceSeg(req, "UM*HS*I*2*11:B"),
				"ST 278 R [5] UM@21(2000E):3", ""},
			{"missing required loop (2010C subscriber name)",
				replaceSeg(req, "NM1*IL*1*SAMPLE*ALEX****MI*W000000001"),
				"ST 278 R [5] DMG@13(2000C):2 NM1@14(2010C):3", ""},
			{"segment out of order (PER after PRV)",
				revMove(req, "PRV*RF*PXC*207Q00000X", "PER*IC*FRONT DESK*TE*5555550100"),
				"ST 278 R [5] PER@11(2010B):7", ""},
			{"bad code value (request category)",
				replaceSeg(req, "UM*HS*I*2*11:B", "UM*XX*I*2*11:B"),
				"ST 278 R [5] UM@21(2000E):8", "1/1525/7"},
			{"bad code value (facility code qualifier in a composite)",
				replaceSeg(req, "UM*HS*I*2*11:B", "UM*HS*I*2*11:C"),
				"ST 278 R [5] UM@21(2000E):8", "4:2/1332/7"},
			{"missing required element (TRN03)",
				replaceSeg(req, "TRN*1*TRACE0001*9999999999", "TRN*1*TRACE0001"),
				"ST 278 R [5] TRN@20(2000E):8", "3/509/1"},
			{"too many repeats (admission review date twice)",
				replaceSeg(req, "DTP*AAH*RD8*20240110-20240120", "DTP*AAH*RD8*20240110-20240120", "DTP*AAH*D8*20240111"),
				"ST 278 R [5] DTP@24(2000E):5", ""},
			{"unknown segment",
				replaceSeg(req, "MSG*FOLLOW UP VISIT", "MSG*FOLLOW UP VISIT", "ZZZ*1"),
				"ST 278 R [5] ZZZ@29(2000E):1", ""},
			{"segment of another set (a claim in a review)",
				replaceSeg(req, "MSG*FOLLOW UP VISIT", "MSG*FOLLOW UP VISIT", "CLM*C1*100"),
				"ST 278 R [5] CLM@29(2000E):6", ""},
			{"paired elements (PWK05 without PWK06)",
				replaceSeg(req, "PWK*77*FX***AC*ATT0001", "PWK*77*FX***AC"),
				"ST 278 R [5] PWK@27(2000E):8", "6/67/2"},
			{"invalid date range",
				replaceSeg(req, "DTP*AAH*RD8*20240110-20240120", "DTP*AAH*RD8*20240120-20240110"),
				"ST 278 R [5] DTP@23(2000E):8", "3/1251/8"},
			{"service level coded as an event",
				replaceSeg(req, "HL*6*5*SS*0", "HL*6*5*EV*0"),
				"ST 278 R [5] DTP@41(2000E):8 SV1@42(2000E):2", "1/374/7"},
			{"transport location before the provider (the guide allows any order)",
				revMove(revMove(revMove(req, "NM1*45*2*EXAMPLE HOSPITAL", "NM1*SJ*1*EXAMPLE*PAT****XX*1234567893"),
					"N3*3 HOSPITAL WAY", "NM1*SJ*1*EXAMPLE*PAT****XX*1234567893"),
					"N4*TESTVILLE*MD*21001", "NM1*SJ*1*EXAMPLE*PAT****XX*1234567893"),
				"ST 278 A", ""},
			{"patient event under the subscriber",
				replaceSeg(replaceSeg(replaceSeg(replaceSeg(replaceSeg(replaceSeg(req,
					"HL*4*3*23*1"), "NM1*QC*1*SAMPLE*JO"), "DMG*D8*20100101*M"), "INS*N*19"),
					"HL*5*4*EV*1", "HL*4*3*EV*1"), "HL*6*5*SS*0", "HL*5*4*SS*0"),
				"ST 278 A", ""},
		}},
		{"278 response", "HI", "005010X217", resp, []variant{
			{"missing required segment (UM of the event)",
				replaceSeg(resp, "UM*HS*I**12:B"),
				"ST 278 R [5] UM@12(2000E):3", ""},
			{"segment out of order (HCR before UM)",
				revMove(resp, "HCR*A2*CERT0001", "UM*HS*I**12:B"),
				"ST 278 R [5] UM@13(2000E):7", ""},
			{"bad code value (action code)",
				replaceSeg(resp, "HCR*A3", "HCR*ZZ"),
				"ST 278 R [5] HCR@26(2000F):8", "1/306/7"},
			{"missing required element (reject reason of a validation)",
				replaceSeg(resp, "PER*IC*REVIEWS*TE*5555550101", "PER*IC*REVIEWS*TE*5555550101", "AAA*N***C"),
				"ST 278 R [5] AAA@6(2010A):8", "3/901/1"},
			{"too many repeats (UMO contacts, at most 3)",
				replaceSeg(resp, "PER*IC*REVIEWS*TE*5555550101", "PER*IC*REVIEWS*TE*5555550101",
					"PER*IC*REVIEWS*FX*5555550102", "PER*IC*APPEALS*TE*5555550103", "PER*IC*APPEALS*EM*appeals@example.invalid"),
				"ST 278 R [5] PER@8(2010A):5", ""},
			{"unknown segment",
				replaceSeg(resp, "HCR*A3", "HCR*A3", "XYZ*1"),
				"ST 278 R [5] XYZ@27(2000F):1", ""},
			{"invalid date",
				replaceSeg(resp, "DTP*102*D8*20240103", "DTP*102*D8*20240230"),
				"ST 278 R [5] DTP@15(2000E):8", "3/1251/8"},
			{"the subscriber's event, then a dependent with an event of its own",
				replaceSeg(resp, "SE*0*0001", "HL*7*3*23*1", "NM1*QC*1*SAMPLE*JO", "AAA*Y**58*C", "DMG*D8*20100101*M", "INS*N*19",
					"HL*8*7*EV*0", "TRN*2*TRACE0002*9999999999", "UM*HS*I", "HCR*A3**35", "NM1*2B*2*EXAMPLE TPA", "PER*IC*DESK*TE*5555550100", "SE*0*0001"),
				"ST 278 A", ""},
			{"request validation at every level",
				replaceSeg(replaceSeg(replaceSeg(resp,
					"HL*1**20*1", "HL*1**20*1", "AAA*Y**42*Y"),
					"NM1*IL*1*SAMPLE*ALEX****MI*W000000001", "NM1*IL*1*SAMPLE*ALEX****MI*W000000001", "AAA*N**72*C"),
					"HL*5*4*SS*0", "HL*5*4*SS*0", "TRN*2*LINE0001*9999999999", "AAA*Y**33*C"),
				"ST 278 A", ""},
		}},
		{"834", "BE", "005010X220A1", enr, []variant{
			{"missing required segment (subscriber identifier)",
				replaceSeg(enr, "REF*0F*SUB0001"),
				"ST 834 R [5] REF@13(2000):3", ""},
			{"missing required loop (1000B payer)",
				replaceSeg(enr, "N1*IN*EXAMPLE HEALTH PLAN*FI*888888888"),
				"ST 834 R [5] N1@9(1000B):3", ""},
			{"segment out of order (N4 before N3)",
				revMove(enr, "N4*TESTVILLE*MD*21000**CY*24005", "N3*1 TEST STREET*UNIT 2"),
				"ST 834 R [5] N3@19(2100A):7", ""},
			{"bad code value (maintenance type)",
				replaceSeg(enr, "HD*021**HLT*GOLD PLAN*FAM", "HD*099**HLT*GOLD PLAN*FAM"),
				"ST 834 R [5] HD@33(2300):8", "1/875/7"},
			{"bad code value (race in a repeated composite)",
				replaceSeg(enr, "DMG*D8*19800101*F*M*:RET:2106-3^:RET:2135-2", "DMG*D8*19800101*F*M*:RET:2106-3^Q"),
				"ST 834 R [5] DMG@20(2100A):8", "5:1/1109/7"},
			{"missing required element (benefit status)",
				replaceSeg(enr, "INS*Y*18*021*28*A*E**FT", "INS*Y*18*021*28**E**FT"),
				"ST 834 R [5] INS@10(2000):8", "5/1216/1"},
			{"too many repeats (health coverage dates, at most 6)",
				replaceSeg(enr, "DTP*348*D8*20240101", "DTP*348*D8*20240101", "DTP*349*D8*20241231",
					"DTP*303*D8*20240101", "DTP*300*D8*20231215", "DTP*343*D8*20240131", "DTP*543*D8*20240101", "DTP*695*RD8*20230101-20231231"),
				"ST 834 R [5] DTP@40(2300):5", ""},
			{"unknown segment",
				replaceSeg(enr, "IDC*GOLD PLAN*H*2*1", "IDC*GOLD PLAN*H*2*1", "QQQ*1"),
				"ST 834 R [5] QQQ@39(2300):1", ""},
			{"not used element (ACT02)",
				replaceSeg(enr, "ACT*ACCT0001", "ACT*ACCT0001*BROKER"),
				"ST 834 R [5] ACT@9(1100C):8", "2/0/I10"},
			{"element after the last the guide uses (NM103 of the mailing address)",
				replaceSeg(enr, "NM1*31*1", "NM1*31*1*SAMPLE"),
				"ST 834 R [5] NM1@26(2100C):8", "3/0/3"},
			{"too many elements (HD12)",
				replaceSeg(enr, "HD*021**HLT*GOLD PLAN*FAM", "HD*021**HLT*GOLD PLAN*FAM*******Y"),
				"ST 834 R [5] HD@33(2300):8", "12/0/3"},
			{"reporting categories without their closing LE",
				replaceSeg(enr, "LE*2700"),
				"ST 834 R [5] LE@57(2700):3", ""},
			{"a second reporting category in one LX",
				replaceSeg(enr, "REF*9V*FULL", "REF*9V*FULL", "N1*75*OTHER"),
				"ST 834 R [5] N1@57(2750):4", ""},
		}},
		{"999", "FA", "005010X231A1", ack, []variant{
			{"missing required segment (IK5)",
				replaceSeg(ack, "IK5*A"),
				"ST 999 R [5] IK5@4(2000):3", ""},
			{"segment out of order (AK1 after the first AK2)",
				revMove(ack, "AK1*HC*17*005010X222A1", "IK5*A"),
				"ST 999 R [5] AK1@3(2000):7", ""},
			{"segment outside its loop (IK4 before IK3)",
				revMove(ack, "IK4*3*1035*1", "IK3*NM1*7*2010*8"),
				"ST 999 R [5] IK4@6(2000):2", ""},
			{"loop identifier longer than the standard's four characters",
				replaceSeg(ack, "IK3*NM1*7*2010*8", "IK3*NM1*7*2010BA*8"),
				"ST 999 R [5] IK3@6(2100):8", "3/447/5"},
			{"bad code value (segment syntax error)",
				replaceSeg(ack, "IK3*NM1*7*2010*8", "IK3*NM1*7*2010*9"),
				"ST 999 R [5] IK3@6(2100):8", "4/620/7"},
			{"missing required element (AK904 accepted count)",
				replaceSeg(ack, "AK9*P*2*2*1", "AK9*P*2*2"),
				"ST 999 R [5] AK9@14:8", "4/2/1"},
			{"too many repeats (eleven element contexts)",
				replaceSeg(ack, "CTX*SITUATIONAL TRIGGER*DTP*30*2300*2", slices.Repeat([]string{"CTX*SITUATIONAL TRIGGER*DTP*30*2300*2"}, 11)...),
				"ST 999 R [5] CTX@22(2110):5", ""},
			{"unknown segment",
				replaceSeg(ack, "IK5*A", "IK5*A", "ZZ9*1"),
				"ST 999 R [5] ZZ9@5(2000):1", ""},
			{"too many error codes (IK507)",
				replaceSeg(ack, "IK5*R*5", "IK5*R*5*4*3*2*1*I5"),
				"ST 999 R [5] IK5@13(2000):8", "7/0/3"},
			{"the group accepted with no transaction set response",
				[]string{"ST*999*0001*005010X231A1", "AK1*HC*17*005010X222A1", "AK9*A*1*1*1", "SE*0*0001"},
				"ST 999 A", ""},
		}},
	}
	for _, k := range kinds {
		st := k.valid[0][3:6]
		cases := append([]variant{{"valid", k.valid, "ST " + st + " A", ""}}, k.variants...)
		for _, c := range cases {
			t.Run(k.name+"/"+c.name, func(t *testing.T) {
				got, ik4 := igCheckSet(t, igInterchange(k.gs01, k.version, c.set), st)
				if got != c.want {
					t.Errorf("verdict %q, want %q", got, c.want)
				}
				if ik4 != c.ik4 {
					t.Errorf("IK4 %q, want %q", ik4, c.ik4)
				}
			})
		}
	}
}

// TestIGAcksOfPlexus checks that the 999s Plexus writes pass the 999
// table: for a clean claim, and for claims broken in every way the shared
// samples are.
func TestIGAcksOfPlexus(t *testing.T) {
	files := []string{"testdata/837p.x12"}
	dir := sharedX12 + "/imsweb/src/test/resources/837_5010/"
	for _, f := range []string{"x12_bad_valid_code.txt", "x12_segment_errors.txt", "x12_missing_elements.txt",
		"x12_segments_out_of_order.txt", "x12_loop_errors3_missing_loops.txt", "x12_multiple_transactions.txt"} {
		if _, err := os.Stat(dir + f); err == nil {
			files = append(files, dir+f)
		}
	}
	for _, f := range files {
		t.Run(f, func(t *testing.T) {
			raw, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			res, err := Check(bytes.NewReader(raw), Config{})
			if err != nil || len(res) == 0 {
				t.Fatalf("Check: %v, %d results", err, len(res))
			}
			acks := 0
			for i, r := range res {
				_, ack, err := Acknowledge(r, AckOptions{Control: i + 1})
				if err != nil {
					t.Fatal(err)
				}
				if ack == nil {
					continue
				}
				acks++
				got, err := Check(bytes.NewReader(ack), Config{})
				if err != nil || len(got) != 1 {
					t.Fatalf("Check of the 999: %v, %d results", err, len(got))
				}
				g := got[0]
				if len(g.Groups) == 0 || len(g.Groups[0].Transactions) == 0 || g.Groups[0].Transactions[0].Kind != "999" {
					t.Fatalf("the answer holds no 999: %s", g.Summary())
				}
				if !g.Valid() {
					t.Errorf("Plexus's own 999 is refused: %s", g.Summary())
				}
			}
			if acks == 0 {
				t.Fatal("no 999 written")
			}
		})
	}
}

// TestIGAckSamples runs the shared 999 samples through the table: both pass
// it; the accepted one has an interchange trailer of its own in error.
func TestIGAckSamples(t *testing.T) {
	dir := sharedX12 + "/imsweb/src/test/resources/837_5010/"
	cases := []struct{ file, want string }{
		{"x12_999_accepted.txt", "TA1 001; GS FA A; ST 999 A"},
		{"x12_999_rejected.txt", "TA1 000; GS FA A; ST 999 A"},
	}
	for _, c := range cases {
		t.Run(c.file, func(t *testing.T) {
			res := sampleVerdict(t, dir+c.file)
			if got := res.Summary(); got != c.want {
				t.Errorf("verdict %q, want %q", got, c.want)
			}
		})
	}
}
